import Bytes
#if canImport(Glibc)
import Glibc
#endif
import CZlib
import ZlibStream

/// An event file's bytes, decompressed when the file starts with the gzip magic `1f 8b` (whatever
/// its name). Several gzip members in a row are one stream. A truncated or corrupt stream throws
/// `DumpError.corruptGzip`: the file is never read as shorter than it is.
///
/// A gzip bomb — a small file that inflates to gigabytes, e.g. of newlines, which are valid (empty)
/// lines and would be scanned to the end — is refused as corrupt once its stream passes
/// `bombGuard.minimumBytes` while inflating more than `bombGuard.maximumRatio` bytes per compressed
/// byte consumed (SPEC §9: no hang). Thresholds: 1 GiB and 1000:1. Deflate cannot exceed about
/// 1032:1, and gets near it only on long runs of one byte; real NDJSON inflates 5–20:1 (the
/// generator's events about 7:1, near-identical events about 50:1, the same tiny event repeated
/// about 500:1), so no plausible dump is refused, and one under 1 GiB never is.
///
/// zlib does not check each member's CRC-32 and length: the source reads the trailer and hands
/// it to its `gzipCheck`, and the bytes' CRC is taken by whoever reads them (see `GzipCheck`).
final class ByteSource {
    private let fd: Int32
    private let path: String
    private(set) var isGzip = false
    /// The gzip stream, from the first member on (nil for a plain file).
    private var inflater: InflateStream?
    private var streamEnded = false
    /// Compressed bytes read ahead of inflate: `gzipInputBytes` for a gzip file, none for a
    /// plain one (its bytes go straight into the caller's buffers).
    private let input: UnsafeMutablePointer<UInt8>
    static let gzipInputBytes = 1 << 20
    private let inputCapacity: Int
    private var inputCount = 0
    private var fileEOF = false
    /// Bytes read from the file so far (for gzip: compressed bytes).
    private(set) var fileBytes: Int64 = 0
    /// A gzip file's check, told each member's trailer here (nil for a plain file).
    let gzipCheck: GzipCheck?
    /// The last eight compressed bytes inflate consumed from earlier fills of `input`: a
    /// member's trailer may begin there.
    private var consumedTail = LastBytes()

    init(file: DumpFile) throws {
        path = file.relativePath
        let fd = open(file.absolutePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DumpError.unreadable(path: file.relativePath, reason: errnoDescription()) }
        self.fd = fd
        // Peek at the magic without moving the file offset.
        var magic: (UInt8, UInt8) = (0, 0)
        let peeked = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 2, 0) }
        guard peeked >= 0 else {
            // Thrown before every property is set, so `deinit` does not run: close here.
            let reason = errnoDescription()
            close(fd)
            throw DumpError.unreadable(path: file.relativePath, reason: reason)
        }
        isGzip = peeked == 2 && magic == (0x1F, 0x8B)
        gzipCheck = isGzip ? GzipCheck() : nil
        inputCapacity = isGzip ? ByteSource.gzipInputBytes : 0
        input = .allocate(capacity: inputCapacity)
        if isGzip {
            inputCount = try readFile(into: input, capacity: inputCapacity)
            try startMember()
            stream.z.next_in = input
            stream.z.avail_in = UInt32(inputCount)
        }
    }

    deinit {
        input.deallocate()
        close(fd)
    }

    /// The largest stream read: positions pack a file's offsets into 40 bits (see `DumpPosition`).
    static let maxStreamBytes: Int64 = 1 << 40
    /// Bytes of the stream (after decompression) read so far.
    private(set) var streamBytes: Int64 = 0

    /// When a gzip stream is refused as a bomb (see the type's comment); tests lower it.
    struct BombGuard {
        var minimumBytes: Int64 = 1 << 30
        var maximumRatio: Int64 = 1000
    }
    nonisolated(unsafe) static var bombGuard = BombGuard()

    /// Reads up to `capacity` bytes into `buffer`; 0 means the end of the stream.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        let n = try readSome(into: buffer, capacity: capacity)
        streamBytes += Int64(n)
        if streamBytes > ByteSource.maxStreamBytes {
            throw DumpError.unreadable(path: path, reason: "the file holds more than 1 TiB (after decompression)")
        }
        if isGzip {
            let limits = ByteSource.bombGuard
            // Compressed bytes inflate has consumed (what it has not yet looked at does not count).
            let consumed = max(1, fileBytes - Int64(stream.z.avail_in))
            if streamBytes > limits.minimumBytes && streamBytes / consumed > limits.maximumRatio {
                throw DumpError.corruptGzip(path: path, reason: "refusing a likely gzip bomb: it inflates to more than "
                    + "\(byteText(limits.minimumBytes)) at over \(limits.maximumRatio) bytes per compressed byte")
            }
        }
        return n
    }

    private func readSome(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        if !isGzip {
            if fileEOF { return 0 }
            return try readFile(into: buffer, capacity: capacity)
        }
        return try inflate(into: buffer, capacity: capacity)
    }

    private func readFile(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer, capacity)
            if n >= 0 {
                if n == 0 { fileEOF = true }
                fileBytes += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw DumpError.unreadable(path: path, reason: errnoDescription())
        }
    }

    private func startMember() throws {
        if let inflater {
            inflater.reset()
        } else {
            guard let started = InflateStream(.gzip, checksData: false) else {
                throw DumpError.corruptGzip(path: path, reason: "zlib could not start an inflate stream")
            }
            inflater = started
        }
        streamEnded = false
    }

    /// The stream of a gzip file (once `startMember` has run).
    private var stream: InflateStream { inflater! }

    private func inflate(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        var produced = 0
        while produced < capacity {
            if streamEnded {
                // Another member may follow (its magic needs two bytes); anything else is corruption.
                if stream.z.avail_in < 2 && !fileEOF { try refill(); continue }
                if stream.z.avail_in == 0 { return produced }
                let next = stream.z.next_in!
                guard stream.z.avail_in >= 2 && next[0] == 0x1F && next[1] == 0x8B else {
                    throw DumpError.corruptGzip(path: path, reason: "unexpected bytes after the end of a gzip member")
                }
                try startMember()
            }
            if stream.z.avail_in == 0 {
                if fileEOF {
                    throw DumpError.corruptGzip(path: path, reason: "truncated (the file ends inside a gzip member)")
                }
                try refill()
                continue
            }
            stream.z.next_out = buffer + produced
            stream.z.avail_out = UInt32(capacity - produced)
            let before = stream.z.avail_out
            let rc = stream.inflate()
            produced += Int(before - stream.z.avail_out)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                streamEnded = true
                // The trailer, CRC-32 then ISIZE (little-endian), is the last 8 bytes consumed.
                var last = consumedTail
                last.append(input, count: input.distance(to: stream.z.next_in!))
                gzipCheck?.memberEnded(at: streamBytes + Int64(produced), crc: UInt32(truncatingIfNeeded: last.bytes),
                                       size: UInt32(truncatingIfNeeded: last.bytes >> 32))
            default:
                let message = stream.z.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw DumpError.corruptGzip(path: path, reason: message)
            }
        }
        return produced
    }

    /// Keeps the input inflate has not consumed yet and reads more of the file after it.
    private func refill() throws {
        let left = Int(stream.z.avail_in)
        if let next = stream.z.next_in { consumedTail.append(input, count: input.distance(to: next)) }
        if left > 0, let next = stream.z.next_in, next != input { input.update(from: next, count: left) }
        var count = left
        if !fileEOF { count += try readFile(into: input + left, capacity: inputCapacity - left) }
        stream.z.next_in = input
        stream.z.avail_in = UInt32(count)
    }
}

/// The last eight bytes of a stream appended to piece by piece, as a little-endian word: byte 0
/// is the earliest of them.
struct LastBytes {
    private(set) var bytes: UInt64 = 0

    mutating func append(_ p: UnsafePointer<UInt8>, count: Int) {
        if count >= 8 {
            bytes = UInt64(littleEndian: UnsafeRawPointer(p + count - 8).loadUnaligned(as: UInt64.self))
            return
        }
        for i in 0..<count { bytes = bytes >> 8 | UInt64(p[i]) << 56 }
    }
}

/// `1 GiB`, `64 MiB`, or a byte count.
private func byteText(_ n: Int64) -> String {
    if n >= 1 << 30 && n % (1 << 30) == 0 { return "\(n >> 30) GiB" }
    if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
    return "\(n) bytes"
}
