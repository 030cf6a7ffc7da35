import CZlib

/// One zlib inflate stream: the set-up, reset and tear-down that every reader of compressed bytes
/// (gzip event files, zip entries, spooled sheets) needs, in one place. The caller drives it
/// through `z` (`next_in`, `avail_in`, `next_out`, `avail_out`) and `inflate()`.
public final class InflateStream {
    public enum Format: Sendable {
        /// Raw deflate data, as a zip entry holds it.
        case raw
        /// A gzip member: header and trailer are expected, and the CRC-32 and length are checked.
        case gzip
    }

    public var z = z_stream()
    private let checksData: Bool

    /// Nil when zlib cannot start a stream (out of memory, or a zlib build that does not match).
    /// `checksData: false` (gzip): zlib neither computes nor checks the CRC-32 and length in the
    /// trailer (`inflateValidate`), for a caller that checks them itself; the trailer is still read.
    public init?(_ format: Format, checksData: Bool = true) {
        self.checksData = checksData
        let windowBits = format == .raw ? -MAX_WBITS : 16 + MAX_WBITS
        guard inflateInit2_(&z, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        if !checksData { inflateValidate(&z, 0) }
    }

    deinit { inflateEnd(&z) }

    /// Ready for the next stream of the same format (the next gzip member).
    public func reset() {
        inflateReset(&z)
        if !checksData { inflateValidate(&z, 0) }
    }

    /// One `inflate` call without flushing: zlib's return code (`Z_OK`, `Z_STREAM_END`, `Z_BUF_ERROR`
    /// when it could make no progress, or an error).
    public func inflate() -> Int32 { CZlib.inflate(&z, Z_NO_FLUSH) }

    /// Points the input at `bytes` (nil or empty: no input).
    public func setInput(_ bytes: UnsafeRawBufferPointer) {
        z.next_in = bytes.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        z.avail_in = uInt(bytes.count)
    }

    /// Points the output at `count` bytes at `base`.
    public func setOutput(_ base: UnsafeMutableRawPointer, count: Int) {
        z.next_out = base.assumingMemoryBound(to: Bytef.self)
        z.avail_out = uInt(count)
    }
}
