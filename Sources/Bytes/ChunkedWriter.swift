/// Passes bytes on to a sink in whole chunks of `chunkBytes` at offsets that are multiples of
/// it (counted from the first byte given), the last chunk short. Callers either append to
/// `buffer` themselves (encoding straight into it) and call `writeWholeChunks()`, or hand over
/// pieces with `write(_:)`, whose whole chunks go to the sink without being copied.
///
/// Why whole, aligned chunks: Linux caches a file's pages in folios whose size follows the
/// writes' sizes and offsets (each call at most `WholeWrite.pieceBytes`), and memory freed as
/// folios of one size is taken again at once by new folios of that size. A spill file written
/// and given back in whole chunks (`TemporaryFile.release`) then hands its memory to an output
/// written the same way through the page cache (where the file system takes no `O_DIRECT`:
/// `DirectFileSink`). Where memory is costly the first time it is touched — a virtual machine
/// whose host supplies pages on demand and takes freed ones back within seconds — that is the
/// difference between 0.02 s and 0.3 s for writing 97 MB (`Benchmarks/README.md`, "Fresh
/// memory" and "Hot and cold memory").
public final class ChunkedWriter {
    public static let chunkBytes = 1 << 20

    private let sink: OutputSink
    /// The sink makes its own chunks (`OutputSink.gathersPieces`): pieces go straight to it.
    private let sinkGathers: Bool
    /// Bytes not yet written: fewer than `chunkBytes` between calls.
    public let buffer = ByteBuffer(capacity: ChunkedWriter.chunkBytes + (64 << 10))
    /// Bytes passed to the sink so far.
    public private(set) var bytesWritten: Int64 = 0

    public init(sink: OutputSink) {
        self.sink = sink
        sinkGathers = sink.gathersPieces
    }

    /// Writes the whole chunks of what was appended to `buffer`, keeping the rest there.
    public func writeWholeChunks() throws {
        let whole = buffer.count / ChunkedWriter.chunkBytes * ChunkedWriter.chunkBytes
        guard whole > 0 else { return }
        try emit(UnsafeRawBufferPointer(start: buffer.base, count: whole))
        buffer.removeFirst(whole)
    }

    /// Adds `bytes`: the buffer is topped up to a chunk first, then whole chunks go straight out
    /// (to a sink that gathers pieces itself, what is buffered and then `bytes`).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if sinkGathers {
            if !buffer.isEmpty {
                try emit(buffer.readable)
                buffer.removeAll()
            }
            if bytes.count > 0 { try emit(bytes) }
            return
        }
        try writeWholeChunks()
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var left = bytes.count
        if !buffer.isEmpty {
            let take = min(ChunkedWriter.chunkBytes - buffer.count, left)
            buffer.append(UnsafeRawBufferPointer(start: p, count: take))
            p += take
            left -= take
            if buffer.count < ChunkedWriter.chunkBytes { return }
            try emit(buffer.readable)
            buffer.removeAll()
        }
        let whole = left / ChunkedWriter.chunkBytes * ChunkedWriter.chunkBytes
        if whole > 0 { try emit(UnsafeRawBufferPointer(start: p, count: whole)) }
        buffer.append(UnsafeRawBufferPointer(start: p + whole, count: left - whole))
    }

    /// Writes what is left: the last chunk, short.
    public func finish() throws {
        try writeWholeChunks()
        guard !buffer.isEmpty else { return }
        try emit(buffer.readable)
        buffer.removeAll()
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        try sink.write(bytes)
        bytesWritten += Int64(bytes.count)
    }
}
