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
    /// Whether the file is gzip (its events cannot be read again from the file by offset).
    let compressed: Bool

    init(file: Int32, ordinal: Int, offset: Int64, bytes: UnsafeMutablePointer<UInt8>, capacity: Int, count: Int,
         pool: ChunkBuffers, oversized: Bool, compressed: Bool) {
        self.file = file
        self.ordinal = ordinal
        self.offset = offset
        self.bytes = bytes
        self.capacity = capacity
        self.pool = pool
        self.count = count
        self.oversized = oversized
        self.compressed = compressed
    }

    deinit { pool.give(bytes, capacity: capacity) }
}

/// What a scanning thread is handed: a chunk of lines, or a whole `.json` array file (its
/// elements can only be found by reading it in order, so one thread reads it alone).
enum ScanTask {
    case lines(Chunk)
    case jsonArray(file: Int32)
}
