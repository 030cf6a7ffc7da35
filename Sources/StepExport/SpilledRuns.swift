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
/// runs are merged (`AnswerOrder`) through two small read buffers each (`RunReaders`). The
/// event is parsed and rendered once, during the scan.
///
/// Each run is written as it is made, the kernel gathering its rows from the segments
/// (`WholeWrite.write(_:gathering:at:)`, in calls of `WholeWrite.pieceBytes`, which keeps the
/// page-cache folios small): the rows are not copied into a buffer first. During the merge each
/// 1 MiB chunk of the file is given back (`TemporaryFile.release`) as soon as every run has read
/// its part of it, so the page cache holds less and less of the spill as the merge goes, instead
/// of all of it to the end; where the output goes through the page cache too (a file system
/// without `O_DIRECT`, `DirectFileSink`), its chunks take that memory over (`ChunkedWriter` says
/// why that matters). Runs several chunks long make that work: a chunk inside a run is read
/// through as the merge goes, where with runs about a chunk long most chunks hold some run's
/// last rows and are read through only at the end.
///
/// A record is its key (timestamp millis and nanos, packed dump position), the row's byte count
/// and the row's bytes as the table takes them: 24 bytes of header a row.
final class SpilledRuns {
    static let headerBytes = 24
    /// The read buffers of a merge share this much memory (`RunReaders`).
    static let mergeMemory = 16 << 20

    /// The chunks given back during the merge: `ChunkedWriter`'s, for the reason it gives.
    static let chunkBytes = ChunkedWriter.chunkBytes

    let fd: Int32
    let name: String
    /// The file's size: every run written so far.
    private var size: Int64 = 0
    /// The records' headers of the run being written, and the pieces of that run in order (a
    /// header, its row's bytes in a segment, the next header...): kept for the next run.
    private let headers = ByteBuffer(capacity: 64 << 10)
    private var pieces: [iovec] = []
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
    }

    deinit { close(fd) }

    /// Appends the rows of `segments`, merged into the answer's order, as one run: at most
    /// `limit` of them (no more than the answer's rows can leave one run).
    func append(_ segments: [RowStream.Segment], limit: Int) throws {
        // The headers must not move once pieces point into them.
        let rows = min(limit, segments.reduce(0) { $0 + $1.keys.count })
        headers.removeAll()
        _ = headers.reserve(rows * SpilledRuns.headerBytes)
        pieces.removeAll(keepingCapacity: true)
        pieces.reserveCapacity(2 * rows)
        var bytes = 0
        let cursors = segments.map(SegmentCursor.init)
        var order = AnswerOrder(limit: limit)
        order.merge(sources: cursors.count, head: { cursors[$0].headKey }, emit: { i in
            let segment = cursors[i].segment
            let r = segment.row(cursors[i].head)
            cursors[i].head += 1
            let key = segment.keys[r]
            let row = segment.range(of: r)
            let h = UnsafeMutableRawPointer(headers.reserve(SpilledRuns.headerBytes))
            h.storeBytes(of: key.timestamp.millis, toByteOffset: 0, as: Int64.self)
            h.storeBytes(of: key.timestamp.subMillisecondNanos, toByteOffset: 8, as: Int32.self)
            h.storeBytes(of: Int32(row.count), toByteOffset: 12, as: Int32.self)
            h.storeBytes(of: key.position, toByteOffset: 16, as: Int64.self)
            headers.commit(SpilledRuns.headerBytes)
            pieces.append(iovec(iov_base: h, iov_len: SpilledRuns.headerBytes))
            pieces.append(iovec(iov_base: UnsafeMutableRawPointer(segment.bytes.base + row.lowerBound), iov_len: row.count))
            bytes += SpilledRuns.headerBytes + row.count
            return true
        })
        if let code = WholeWrite.write(fd, gathering: pieces, at: size) {
            throw OutputError(path: name, reason: errnoDescription(code))
        }
        runs.append(size..<(size + Int64(bytes)))
        size += Int64(bytes)
        self.rows += order.emitted
    }

    /// A reader per run, each positioned on its first row, read ahead on a thread of their own.
    func readers() throws -> RunReaders {
        let chunk = Int64(SpilledRuns.chunkBytes)
        unread = (0..<Int((size + chunk - 1) / chunk)).map { Int(min(chunk, size - Int64($0) * chunk)) }
        return try RunReaders(spill: self)
    }

    /// The file's bytes on disk or in the page cache (its blocks): the tests check that the
    /// merge gives them back as it goes.
    var allocatedBytes: Int64 {
        var st = stat()
        return fstat(fd, &st) == 0 ? Int64(st.st_blocks) * 512 : -1
    }

    /// A reader has read `range`: chunks no reader needs any more are given back (called by
    /// one thread at a time: the reading thread of `RunReaders`).
    func read(_ range: Range<Int64>) {
        let chunk = Int64(SpilledRuns.chunkBytes)
        var at = range.lowerBound
        while at < range.upperBound {
            let c = Int(at / chunk)
            let end = min(range.upperBound, Int64(c + 1) * chunk)
            unread[c] -= Int(end - at)
            if unread[c] == 0 { TemporaryFile.release(fd: fd, Int64(c) * chunk..<min(Int64(c + 1) * chunk, size)) }
            at = end
        }
    }
}
