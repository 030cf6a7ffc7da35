/// Cuts an NDJSON file's stream into chunks of whole lines (about `pool.size / 2` bytes each) for
/// the scanning threads: the simdjson/pigz idea of splitting at record boundaries so that chunks
/// can be parsed independently. A line longer than the event limit becomes an `oversized` chunk
/// and its bytes are dropped as they are read, so memory stays bounded whatever the input.
struct LineChunker {
    let file: DumpFile
    let index: Int32
    let pool: ChunkBuffers
    /// Told of the file bytes read (compressed, for gzip) as each chunk goes out.
    var progress: ScanProgress?

    /// Reads the file to its end; for a gzip file, returns the check that the scanning threads
    /// complete (`GzipCheck`), to be asked once they have scanned every chunk.
    func run(push: (ScanTask) -> Void) throws -> (check: GzipCheck, streamBytes: Int64)? {
        let source = try ByteSource(file: file)
        let check = source.gzipCheck
        var fileBytes = FileBytesReporter(source: source, progress: progress)
        defer { fileBytes.report() }
        // Read about half a buffer at a time, so the partial line carried over always fits.
        let step = pool.size / 2
        var (buffer, capacity) = pool.take(minimum: step)
        var count = 0
        var offset: Int64 = 0
        var ordinal = 0

        func chunk(_ length: Int, oversized: Bool = false) -> ScanTask {
            fileBytes.report()
            return .lines(Chunk(file: index, ordinal: ordinal, offset: offset, bytes: buffer, capacity: capacity,
                                count: length, pool: pool, oversized: oversized, gzipCheck: check))
        }

        // A file once started is read to its end even when an earlier problem already decides the
        // scan: a corrupt gzip stream found further on must be reported (it outranks the file's
        // malformed events), whatever the timing of the threads.
        // `buffer` is ours until a chunk takes it; a failed read (a corrupt gzip stream) hands it
        // back to the pool, so that it does not leak.
        do {
            while true {
                if capacity - count < step {
                    let (bigger, biggerCapacity) = pool.take(minimum: max(count + step, capacity * 2))
                    bigger.update(from: buffer, count: count)
                    pool.give(buffer, capacity: capacity)
                    (buffer, capacity) = (bigger, biggerCapacity)
                }
                // A long partial line (no newline yet) is read on in big pieces, not `step` at a time.
                let n = try source.read(into: buffer + count, capacity: count > step ? capacity - count : step)
                if n == 0 {
                    if count > 0 { push(chunk(count)) } else { pool.give(buffer, capacity: capacity) }
                    return check.map { ($0, source.streamBytes) }
                }
                count += n
                // What was carried over holds no newline, so only the new bytes are searched.
                if let last = lastNewline(buffer + count - n, n).map({ $0 + count - n }) {
                    let length = last + 1
                    let rest = count - length
                    let (next, nextCapacity) = pool.take(minimum: rest + step)
                    next.update(from: buffer + length, count: rest)
                    push(chunk(length))
                    ordinal += 1
                    offset += Int64(length)
                    (buffer, capacity, count) = (next, nextCapacity, rest)
                } else if count > DumpLimits.maxEventBytes {
                    // The line's bytes are dropped unparsed, so their CRC is taken here.
                    check?.add(buffer, count: count, at: offset)
                    push(chunk(0, oversized: true))
                    ordinal += 1
                    let (next, nextCapacity) = pool.take(minimum: step)
                    (buffer, capacity) = (next, nextCapacity)
                    let skipped = try skipRestOfLine(source, into: buffer, step: step, carried: count, count: &count,
                                                     check: check, at: offset)
                    offset += skipped
                }
            }
        } catch {
            pool.give(buffer, capacity: capacity)
            throw error
        }
    }

    /// Drops the rest of an oversized line that starts at stream offset `start`: reads until its
    /// newline, leaving what follows the newline at the start of `buffer`, and gives `check` the
    /// dropped bytes. Returns how many bytes the line took, newline included.
    private func skipRestOfLine(_ source: ByteSource, into buffer: UnsafeMutablePointer<UInt8>, step: Int,
                                carried: Int, count: inout Int, check: GzipCheck?, at start: Int64) throws -> Int64 {
        var skipped = Int64(carried)
        while true {
            let n = try source.read(into: buffer, capacity: step)
            if n == 0 { count = 0; return skipped }
            if let nl = firstNewline(buffer, n) {
                check?.add(buffer, count: nl + 1, at: start + skipped)
                count = n - nl - 1
                buffer.update(from: buffer + nl + 1, count: count)
                return skipped + Int64(nl + 1)
            }
            check?.add(buffer, count: n, at: start + skipped)
            skipped += Int64(n)
        }
    }
}

@inline(__always) func lastNewline(_ p: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int? {
    var i = count - 1
    while i >= 0 && p[i] != 0x0A { i -= 1 }
    return i >= 0 ? i : nil
}

@inline(__always) func firstNewline(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    guard let hit = memchr(p, 0x0A, count) else { return nil }
    return UnsafeRawPointer(p).distance(to: UnsafeRawPointer(hit))
}

#if canImport(Glibc)
import Glibc
#endif
