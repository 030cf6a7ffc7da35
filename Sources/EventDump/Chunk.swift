/// A run of whole NDJSON lines of one file, owned by whoever holds it.
final class Chunk {
    let file: Int32
    /// The chunk's number within its file (0, 1, 2, …), to rebuild line numbers.
    let ordinal: Int
    /// Offset of the chunk's first byte in the file's stream.
    let offset: Int64
    let bytes: UnsafeMutablePointer<UInt8>
    let count: Int
    private let capacity: Int
    private let pool: ChunkBuffers
    /// A single line longer than the event limit, cut short: reported, never parsed.
    let oversized: Bool
    /// The gzip file's check, which takes the CRC of these bytes (nil: not gzip).
    let gzipCheck: GzipCheck?
    /// Whether the file is gzip (its events cannot be read again from the file by offset).
    var compressed: Bool { gzipCheck != nil }

    init(file: Int32, ordinal: Int, offset: Int64, bytes: UnsafeMutablePointer<UInt8>, capacity: Int, count: Int,
         pool: ChunkBuffers, oversized: Bool, gzipCheck: GzipCheck?) {
        self.file = file
        self.ordinal = ordinal
        self.offset = offset
        self.bytes = bytes
        self.capacity = capacity
        self.pool = pool
        self.count = count
        self.oversized = oversized
        self.gzipCheck = gzipCheck
    }

    deinit { pool.give(bytes, capacity: capacity) }

    /// Gives a gzip file's check the CRC of these bytes. A scanning thread does it first, even
    /// for a chunk past the scan's cutoff: a wrong CRC outranks the file's malformed events.
    func addToGzipCheck() {
        gzipCheck?.add(bytes, count: count, at: offset)
    }
}

/// The elements of a `.json` array file that lie in one chunk: where each starts and ends in
/// the chunk's bytes (found by `ArrayChunker`'s structural pass), and the file line of the chunk's
/// first byte, so that an element's line can be told without the bytes before it.
final class ElementChunk {
    struct Span {
        let start: Int32
        let end: Int32
    }

    let chunk: Chunk
    let spans: [Span]
    /// 0-based line of the chunk's first byte in its file.
    let firstLine: Int

    init(chunk: Chunk, spans: [Span], firstLine: Int) {
        self.chunk = chunk
        self.spans = spans
        self.firstLine = firstLine
    }

    /// 0-based file line of chunk index `p`: counted only for an element being reported.
    func line(at p: Int) -> Int { firstLine + newlineCount(chunk.bytes, p) }
}

/// What a scanning thread is handed: a chunk of NDJSON lines, or of `.json` array elements.
enum ScanTask {
    case lines(Chunk)
    case elements(ElementChunk)
}

/// How many `\n` the first `count` bytes at `p` hold (`memchr` from one to the next: lines of
/// events are hundreds of bytes long).
func newlineCount(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int {
    var n = 0
    var i = 0
    while i < count, let hit = firstNewline(p + i, count - i) {
        n += 1
        i += hit + 1
    }
    return n
}
