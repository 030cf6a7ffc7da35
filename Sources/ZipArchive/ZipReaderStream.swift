import CZlib
import ZlibStream

/// Pull-style reading of one entry's uncompressed bytes (for consumers that ask for input, such
/// as libxml2's `xmlReaderForIO`). Obtained from `ZipReader.openEntry`; the `ZipReader` must stay
/// alive while it is used.
///
/// `read(into:)` fills the buffer and returns the number of bytes, 0 at the end. The end is only
/// reported after the checks have passed: the deflate stream ended exactly at the compressed size,
/// the output has exactly the declared size, and its CRC-32 matches. Output beyond the declared
/// size is refused as soon as it appears, so a lying size can never make it inflate without bound.
/// After a thrown error, further calls throw the same error.
public final class ZipEntryReader {
    public let entry: ZipEntry
    private let fd: Int32
    private let path: String
    private let isDeflated: Bool

    /// Nil for a stored entry.
    private let inflater: InflateStream?
    private var inputBuffer: UnsafeMutableRawBufferPointer
    /// Compressed bytes not yet read from the file.
    private var compressedLeft: UInt64
    private var nextFileOffset: UInt64
    /// Uncompressed bytes produced so far.
    public private(set) var produced: UInt64 = 0
    private var crc: uLong
    private var deflateEnded = false
    private var finished = false
    private var failure: ZipReaderError?

    init(fd: Int32, path: String, entry: ZipEntry, limits: ZipReader.Limits) throws {
        self.fd = fd
        self.path = path
        self.entry = entry
        self.isDeflated = entry.method == 8
        self.compressedLeft = entry.compressedSize
        self.nextFileOffset = entry.dataOffset
        self.crc = CZlib.crc32(0, nil, 0)
        if isDeflated {
            guard let inflater = InflateStream(.raw) else {
                throw ZipReaderError(path: path, entry: entry.name, problem: "cannot start inflate (zlib)")
            }
            self.inflater = inflater
        } else {
            self.inflater = nil
        }
        self.inputBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit { inputBuffer.deallocate() }

    private func fail(_ problem: String) -> ZipReaderError {
        let e = ZipReaderError(path: path, entry: entry.name, problem: problem)
        failure = e
        return e
    }

    /// Reads up to `buffer.count` uncompressed bytes; returns 0 once the entry is complete and checked.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let failure { throw failure }
        if finished || buffer.count == 0 { return 0 }
        do {
            let n = isDeflated ? try readDeflated(into: buffer) : try readStored(into: buffer)
            if n > 0 {
                produced += UInt64(n)
                crc = CZlib.crc32(crc, buffer.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(n))
                return n
            }
            try finish()
            return 0
        } catch let e as ZipReaderError {
            failure = e
            throw e
        }
    }

    private func readStored(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = Int(min(UInt64(buffer.count), compressedLeft))
        if n == 0 { return 0 }
        try zipReaderPread(fd: fd, path: path, entry: entry.name, offset: nextFileOffset, count: n, into: buffer.baseAddress!)
        nextFileOffset += UInt64(n)
        compressedLeft -= UInt64(n)
        return n
    }

    private func readDeflated(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if deflateEnded { return 0 }
        // The output may not go past the declared size: allow one byte more to detect a lie.
        let room = entry.uncompressedSize - produced + 1
        let outCount = Int(min(UInt64(buffer.count), room))
        let inflater = inflater!
        inflater.setOutput(buffer.baseAddress!, count: outCount)
        while inflater.z.avail_out > 0 {
            if inflater.z.avail_in == 0 && compressedLeft > 0 {
                let n = Int(min(UInt64(inputBuffer.count), compressedLeft))
                try zipReaderPread(fd: fd, path: path, entry: entry.name, offset: nextFileOffset, count: n,
                                   into: inputBuffer.baseAddress!)
                nextFileOffset += UInt64(n)
                compressedLeft -= UInt64(n)
                inflater.setInput(UnsafeRawBufferPointer(rebasing: inputBuffer[0..<n]))
            }
            let hadInput = inflater.z.avail_in > 0
            let before = inflater.z.avail_out
            let rc = inflater.inflate()
            if rc == Z_STREAM_END {
                deflateEnded = true
                if inflater.z.avail_in > 0 || compressedLeft > 0 {
                    throw fail("deflate stream ends \(UInt64(inflater.z.avail_in) + compressedLeft) bytes before the declared compressed size (\(entry.compressedSize))")
                }
                break
            }
            switch rc {
            case Z_OK:
                break
            case Z_BUF_ERROR:
                // No progress was possible, and there is room for output: the input ran out.
                if !hadInput && compressedLeft == 0 {
                    throw fail("deflate stream is truncated: compressed data ends before the stream does")
                }
                throw fail("inflate made no progress (damaged deflate data)")
            case Z_DATA_ERROR:
                let msg = inflater.z.msg.map { String(cString: $0) } ?? "invalid data"
                throw fail("corrupt deflate data (\(msg))")
            case Z_MEM_ERROR:
                throw fail("out of memory while inflating")
            default:
                throw fail("inflate failed (zlib error \(rc))")
            }
            if inflater.z.avail_in == 0 && compressedLeft == 0 && inflater.z.avail_out == before {
                throw fail("deflate stream is truncated: compressed data ends before the stream does")
            }
        }
        let n = outCount - Int(inflater.z.avail_out)
        if produced + UInt64(n) > entry.uncompressedSize {
            throw fail("inflates to more than its declared size of \(entry.uncompressedSize) bytes")
        }
        return n
    }

    private func finish() throws {
        if isDeflated && !deflateEnded {
            throw fail("deflate stream is truncated")
        }
        guard produced == entry.uncompressedSize else {
            throw fail("has \(produced) bytes, but its declared size is \(entry.uncompressedSize)")
        }
        guard UInt32(truncatingIfNeeded: crc) == entry.crc32 else {
            throw fail("CRC-32 mismatch: computed \(zipReaderHex(UInt32(truncatingIfNeeded: crc))), recorded \(zipReaderHex(entry.crc32)) (damaged data)")
        }
        finished = true
    }
}

private func zipReaderHex(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: false)
    return "0x" + String(repeating: "0", count: 8 - s.count) + s
}
