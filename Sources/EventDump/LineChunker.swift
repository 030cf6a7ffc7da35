/// Cuts an NDJSON file's stream into chunks of whole lines (about `chunkSize` bytes each) for the
/// scanning threads: the simdjson/pigz idea of splitting at record boundaries so that chunks can
/// be parsed independently. A line longer than the event limit becomes an `oversized` chunk and
/// its bytes are dropped as they are read, so memory stays bounded whatever the input.
struct LineChunker {
    let file: DumpFile
    let index: Int32
    let chunkSize: Int
    let errors: ScanErrors

    func run(push: (ScanTask) -> Void) throws {
        let source = try ByteSource(file: file)
        var capacity = chunkSize
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        var count = 0
        var offset: Int64 = 0
        var ordinal = 0

        func emit(_ length: Int) {
            let rest = count - length
            let next = UnsafeMutablePointer<UInt8>.allocate(capacity: max(chunkSize, rest + chunkSize))
            next.update(from: buffer + length, count: rest)
            push(.lines(Chunk(file: index, ordinal: ordinal, offset: offset, bytes: buffer, count: length, oversized: false, compressed: source.isGzip)))
            ordinal += 1
            offset += Int64(length)
            buffer = next
            capacity = max(chunkSize, rest + chunkSize)
            count = rest
        }

        // A file once started is read to its end even when an earlier problem already decides the
        // scan: a corrupt gzip stream found further on must be reported (it outranks the file's
        // malformed events), whatever the timing of the threads.
        // `buffer` is ours until a chunk takes it: freed here when the file ends without a last
        // chunk or a read fails (a corrupt gzip stream), so that neither leaks it.
        var lastChunkPushed = false
        defer { if !lastChunkPushed { buffer.deallocate() } }
        while true {
            let n = try source.read(into: buffer + count, capacity: capacity - count)
            if n == 0 {
                if count > 0 {
                    push(.lines(Chunk(file: index, ordinal: ordinal, offset: offset, bytes: buffer, count: count, oversized: false, compressed: source.isGzip)))
                    lastChunkPushed = true
                }
                return
            }
            count += n
            if count < capacity { continue }
            if let last = lastNewline(buffer, count) {
                emit(last + 1)
            } else if count > DumpLimits.maxEventBytes {
                try dropOversizedLine(source: source, buffer: &buffer, count: &count, capacity: &capacity,
                                      offset: &offset, ordinal: &ordinal, push: push)
            } else {
                // One long line so far: keep reading it whole, up to the event limit.
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                bigger.update(from: buffer, count: count)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
        }
    }

    /// Reports the line at `offset` as too large and skips to the byte after its newline.
    private func dropOversizedLine(source: ByteSource, buffer: inout UnsafeMutablePointer<UInt8>, count: inout Int,
                                   capacity: inout Int, offset: inout Int64, ordinal: inout Int,
                                   push: (ScanTask) -> Void) throws {
        let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        push(.lines(Chunk(file: index, ordinal: ordinal, offset: offset, bytes: empty, count: 0, oversized: true, compressed: source.isGzip)))
        ordinal += 1
        var skipped = Int64(count)
        while true {
            let n = try source.read(into: buffer, capacity: capacity)
            if n == 0 { count = 0; offset += skipped; return }
            if let nl = firstNewline(buffer, n) {
                skipped += Int64(nl + 1)
                let rest = n - nl - 1
                buffer.update(from: buffer + nl + 1, count: rest)
                count = rest
                offset += skipped
                return
            }
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
