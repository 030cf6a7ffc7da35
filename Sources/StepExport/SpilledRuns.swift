import Bytes
import EventDump
import Foundation
import Selection
import Timestamps

/// Rendered rows spilled to disk as sorted runs, for a dump whose rows do not come in time
/// order: each run is one scan unit's rows in the answer's order (`AnswerKey`), written with
/// large sequential writes to one temporary file that is unlinked at once (so it is gone with
/// the process, whatever ends it). After the scan the runs are merged (`AnswerOrder`) through
/// one small read buffer each. The event is parsed and rendered once, during the scan.
///
/// A record is its key (timestamp millis and nanos, packed dump position), the row's byte count
/// and the row's bytes as the table takes them: 24 bytes of header a row.
final class SpilledRuns {
    static let headerBytes = 24
    /// The read buffers of a merge share this much memory (each at least 16 KiB, at most 1 MiB).
    static let mergeMemory = 16 << 20

    private let fd: Int32
    private let sink: FileDescriptorSink
    private let name: String
    private let buffer = ByteBuffer(capacity: 1 << 20)
    /// Bytes already in the file.
    private var size: Int64 = 0
    /// Each run's byte range in the file.
    private(set) var runs: [Range<Int64>] = []
    /// Rows in all runs.
    private(set) var rows = 0

    init(directory: String) throws {
        name = "the spill file in \(directory)"
        guard let fd = TemporaryFiles.shared.anonymous(template: TemporaryFile.template(in: directory, ".stepexport-runs-XXXXXX")) else {
            throw OutputError(path: name, reason: errnoDescription())
        }
        self.fd = fd
        sink = FileDescriptorSink(fd: fd, path: name)
    }

    deinit { close(fd) }

    /// Appends a segment's first `rows` rows in the answer's order as one run.
    func append(_ segment: RowStream.Segment, rows: Int) throws {
        let start = size + Int64(buffer.count)
        for p in 0..<rows {
            let r = segment.row(p)
            let key = segment.keys[r]
            let bytes = segment.range(of: r)
            let h = UnsafeMutableRawPointer(buffer.reserve(SpilledRuns.headerBytes + bytes.count))
            h.storeBytes(of: key.timestamp.millis, toByteOffset: 0, as: Int64.self)
            h.storeBytes(of: key.timestamp.subMillisecondNanos, toByteOffset: 8, as: Int32.self)
            h.storeBytes(of: Int32(bytes.count), toByteOffset: 12, as: Int32.self)
            h.storeBytes(of: key.position, toByteOffset: 16, as: Int64.self)
            (h + SpilledRuns.headerBytes).copyMemory(from: segment.bytes.base + bytes.lowerBound, byteCount: bytes.count)
            buffer.commit(SpilledRuns.headerBytes + bytes.count)
            if buffer.count >= 1 << 20 { try flush() }
        }
        runs.append(start..<(size + Int64(buffer.count)))
        self.rows += rows
    }

    /// Writes out what is buffered: before the runs are read.
    func finishWriting() throws { try flush() }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink.write(buffer.readable)
        size += Int64(buffer.count)
        buffer.removeAll()
    }

    /// A reader per run, positioned on its first row.
    func readers() throws -> [RunReader] {
        let each = min(1 << 20, max(16 << 10, SpilledRuns.mergeMemory / max(1, runs.count)))
        return try runs.map { try RunReader(fd: fd, name: name, range: $0, bufferBytes: each) }
    }
}

/// One run read back in order through its own buffer (`pread`, so readers share the descriptor).
final class RunReader {
    private let fd: Int32
    private let name: String
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

    init(fd: Int32, name: String, range: Range<Int64>, bufferBytes: Int) throws {
        self.fd = fd
        self.name = name
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
            filled += got
            next += Int64(got)
        }
        return filled >= n
    }
}
