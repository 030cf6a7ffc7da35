import Bytes
import EventDump
import FoundationEssentials
import Selection
import Timestamps
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Rendered rows spilled to disk as sorted runs, for a dump whose rows do not come in time
/// order: each run is the rows of a few scan units (`RowReorder.segmentsPerRun`) merged into the
/// answer's order (`AnswerKey`), written with large sequential writes to one temporary file that
/// is unlinked at once (so it is gone with the process, whatever ends it). After the scan the
/// runs are merged (`AnswerOrder`) through one small read buffer each. The event is parsed and
/// rendered once, during the scan.
///
/// The file is written in whole 1 MiB chunks (`ChunkedWriter`; a chunk in several calls of
/// `WholeWrite.pieceBytes`, which keeps its page-cache folios small), and during the merge each
/// chunk is given back (`TemporaryFile.release`) as soon as every run has read its part of it,
/// so the page cache holds less and less of the spill as the merge goes, instead of all of it to
/// the end; where the output goes through the page cache too (a file system without `O_DIRECT`,
/// `DirectFileSink`), its chunks take that memory over (`ChunkedWriter` says why that matters).
/// Runs several chunks long make that work: a chunk inside a run is read through as the merge
/// goes, where with runs about a chunk long most chunks hold some run's last rows and are read
/// through only at the end.
///
/// A record is its key (timestamp millis and nanos, packed dump position), the row's byte count
/// and the row's bytes as the table takes them: 24 bytes of header a row.
final class SpilledRuns {
    static let headerBytes = 24
    /// The read buffers of a merge share this much memory (each at least 16 KiB, at most 1 MiB).
    static let mergeMemory = 16 << 20

    fileprivate let fd: Int32
    private let chunks: ChunkedWriter
    fileprivate let name: String
    /// Each run's byte range in the file.
    private(set) var runs: [Range<Int64>] = []
    /// Rows in all runs.
    private(set) var rows = 0
    /// For each chunk of the file, its bytes that no reader has read yet (after `readers()`).
    private var unread: [Int] = []

    init(directory: String) throws {
        name = "the spill file in \(directory)"
        guard let fd = TemporaryFiles.shared.anonymous(template: TemporaryFile.template(in: directory, ".stepexport-runs-XXXXXX")) else {
            throw OutputError(path: name, reason: errnoDescription())
        }
        self.fd = fd
        chunks = ChunkedWriter(sink: FileDescriptorSink(fd: fd, path: name))
    }

    deinit { close(fd) }

    /// Appends the rows of `segments`, merged into the answer's order, as one run: at most
    /// `limit` of them (no more than the answer's rows can leave one run).
    func append(_ segments: [RowStream.Segment], limit: Int) throws {
        let start = chunks.bytesGiven
        let buffer = chunks.buffer
        let cursors = segments.map(SegmentCursor.init)
        var order = AnswerOrder(limit: limit)
        try order.merge(sources: cursors.count, head: { cursors[$0].headKey }, emit: { i in
            let segment = cursors[i].segment
            let r = segment.row(cursors[i].head)
            cursors[i].head += 1
            let key = segment.keys[r]
            let bytes = segment.range(of: r)
            let h = UnsafeMutableRawPointer(buffer.reserve(SpilledRuns.headerBytes + bytes.count))
            h.storeBytes(of: key.timestamp.millis, toByteOffset: 0, as: Int64.self)
            h.storeBytes(of: key.timestamp.subMillisecondNanos, toByteOffset: 8, as: Int32.self)
            h.storeBytes(of: Int32(bytes.count), toByteOffset: 12, as: Int32.self)
            h.storeBytes(of: key.position, toByteOffset: 16, as: Int64.self)
            (h + SpilledRuns.headerBytes).copyMemory(from: segment.bytes.base + bytes.lowerBound, byteCount: bytes.count)
            buffer.commit(SpilledRuns.headerBytes + bytes.count)
            if buffer.count >= ChunkedWriter.chunkBytes { try chunks.writeWholeChunks() }
            return true
        })
        runs.append(start..<chunks.bytesGiven)
        rows += order.emitted
    }

    /// Writes out what is buffered: before the runs are read.
    func finishWriting() throws { try chunks.finish() }

    /// A reader per run, positioned on its first row.
    func readers() throws -> [RunReader] {
        let chunk = Int64(ChunkedWriter.chunkBytes)
        let size = chunks.bytesWritten
        unread = (0..<Int((size + chunk - 1) / chunk)).map { Int(min(chunk, size - Int64($0) * chunk)) }
        let each = min(1 << 20, max(16 << 10, SpilledRuns.mergeMemory / max(1, runs.count)))
        return try runs.map { try RunReader(spill: self, range: $0, bufferBytes: each) }
    }

    /// The file's bytes on disk or in the page cache (its blocks): the tests check that the
    /// merge gives them back as it goes.
    var allocatedBytes: Int64 {
        var st = stat()
        return fstat(fd, &st) == 0 ? Int64(st.st_blocks) * 512 : -1
    }

    /// A reader has read `range`: chunks no reader needs any more are given back.
    fileprivate func read(_ range: Range<Int64>) {
        let chunk = Int64(ChunkedWriter.chunkBytes)
        var at = range.lowerBound
        while at < range.upperBound {
            let c = Int(at / chunk)
            let end = min(range.upperBound, Int64(c + 1) * chunk)
            unread[c] -= Int(end - at)
            if unread[c] == 0 { TemporaryFile.release(fd: fd, Int64(c) * chunk..<min(Int64(c + 1) * chunk, chunks.bytesWritten)) }
            at = end
        }
    }
}

/// One run read back in order through its own buffer (`pread`, so readers share the descriptor).
final class RunReader {
    /// The file read, told of what is read (and keeping the file open).
    private let spill: SpilledRuns
    private var fd: Int32 { spill.fd }
    private var name: String { spill.name }
    /// The file's bytes not yet in the buffer.
    private var next: Int64
    private let end: Int64
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    /// Buffered bytes `at..<filled`; the current row's record starts at `at`.
    private var at = 0
    private var filled = 0
    /// The current row's key, nil once the run is over.
    private(set) var head: AnswerKey?
    private var rowLength = 0

    init(spill: SpilledRuns, range: Range<Int64>, bufferBytes: Int) throws {
        self.spill = spill
        next = range.lowerBound
        end = range.upperBound
        capacity = bufferBytes
        storage = .allocate(byteCount: capacity, alignment: 8)
        try load()
    }

    deinit { storage.deallocate() }

    /// The current row's bytes (valid until `advance`).
    var row: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + at + SpilledRuns.headerBytes, count: rowLength)
    }

    func advance() throws {
        at += SpilledRuns.headerBytes + rowLength
        try load()
    }

    /// Reads the record at `at` (refilling the buffer as needed) into `head`.
    private func load() throws {
        guard try ensure(SpilledRuns.headerBytes) else {
            if filled > at { throw DumpError.unreadable(path: name, reason: "a run ends inside a row") }
            head = nil
            return
        }
        let h = UnsafeRawPointer(storage + at)
        let millis = h.loadUnaligned(fromByteOffset: 0, as: Int64.self)
        let nanos = h.loadUnaligned(fromByteOffset: 8, as: Int32.self)
        rowLength = Int(h.loadUnaligned(fromByteOffset: 12, as: Int32.self))
        let position = h.loadUnaligned(fromByteOffset: 16, as: Int64.self)
        guard try ensure(SpilledRuns.headerBytes + rowLength) else {
            throw DumpError.unreadable(path: name, reason: "a run ends inside a row")
        }
        head = AnswerKey(timestamp: Timestamp(millis: millis, subMillisecondNanos: nanos), packedPosition: position)
    }

    /// Makes `n` bytes from `at` buffered; false when the run has fewer left (none: its end).
    private func ensure(_ n: Int) throws -> Bool {
        if filled - at >= n { return true }
        if filled == at && next == end { return false }
        // Move what is left to the front, grow for a row bigger than the buffer, and read on.
        let left = filled - at
        if at > 0 { storage.copyMemory(from: storage + at, byteCount: left) }
        at = 0
        filled = left
        if n > capacity {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 8)
            grown.copyMemory(from: storage, byteCount: left)
            storage.deallocate()
            storage = grown
            capacity = n
        }
        while filled < n && next < end {
            let want = min(capacity - filled, Int(end - next))
            let got = pread(fd, storage + filled, want, off_t(next))
            if got < 0 {
                if errno == EINTR { continue }
                throw DumpError.unreadable(path: name, reason: errnoDescription())
            }
            if got == 0 { throw DumpError.unreadable(path: name, reason: "the file is shorter than written") }
            spill.read(next..<(next + Int64(got)))
            filled += got
            next += Int64(got)
        }
        return filled >= n
    }
}
