import Bytes
import EventDump
import Events
import FoundationEssentials
import Selection
import Table
import Threads
import Timestamps

/// Renders the answer rows while the dump is being scanned, and writes them in the answer's
/// order. Each scanning thread renders the rows it keeps into a segment, one segment per unit
/// of scan work (`EventVisitor.beginTask`), sorts it (by `AnswerKey`) and hands it in; segments
/// are taken in unit order, which is dump order, by a `RowReorder`: straight to the table
/// through a small reorder buffer when the dump is (nearly) in time order, else spilled as
/// sorted runs and merged after the scan. The event is parsed and rendered once either way.
/// If a dump that looked in time order turns out not to be after rows were written (a row
/// arrives after a later one was written), or a segment is too big to hold, the stream is
/// abandoned and the export scans again (`Exporter`): spilling every segment, or for a segment
/// too big, remembering the rows to read back after the scan. Every way gives the same bytes.
///
/// Only for selections whose kept rows are all answer rows (`Selection.keepsOnlyAnswerRows`):
/// a path constraint or the triggered-goal target needs the whole dump before any row is
/// known to be in.
///
/// Memory is bounded: a thread starting unit `n` waits until unit `n - window` is taken, and
/// the reorder buffer holds at most `RowReorder.maximumSegments` more, each segment under
/// `maximumSegmentBytes`; spilled runs are on disk, read back through `SpilledRuns.mergeMemory`.
final class RowStream: @unchecked Sendable {
    /// The rows one scanning thread kept from one unit of work.
    final class Segment {
        let bytes = ByteBuffer(capacity: 1 << 20)
        /// Each kept row's place in the answer's order, in dump order.
        private(set) var keys: [AnswerKey] = []
        /// Where each rendered row's bytes end in `bytes`: for every kept row, or none when the
        /// segment was begun with the limit already met.
        private(set) var rowEnds: [Int] = []
        /// Row indexes in the answer's order once `sort` has run; empty when that is their order as kept.
        private var order: [Int32] = []
        /// More bytes than a segment may hold: rows are no longer rendered and the stream gives up.
        private(set) var overflowed = false
        private(set) var rendering = true

        init() {
            keys.reserveCapacity(4096)
            rowEnds.reserveCapacity(4096)
        }

        func reset(rendering: Bool) {
            bytes.removeAll()
            keys.removeAll(keepingCapacity: true)
            rowEnds.removeAll(keepingCapacity: true)
            order.removeAll(keepingCapacity: true)
            overflowed = false
            self.rendering = rendering
        }

        /// Notes a kept row, `eventBytes` long; returns whether to render it. An event too big
        /// to render into a segment is not rendered at all (the stream gives up).
        func keep(_ key: AnswerKey, eventBytes: Int) -> Bool {
            keys.append(key)
            if eventBytes > RowStream.maximumSegmentBytes / 4 {
                overflowed = true
                rendering = false
            }
            return rendering
        }

        /// Marks the end of the row just rendered into `bytes`.
        func endRow() {
            rowEnds.append(bytes.count)
            if bytes.count > RowStream.maximumSegmentBytes {
                overflowed = true
                rendering = false
            }
        }

        /// Row `r`'s bytes, as offsets into `bytes`.
        func range(of r: Int) -> Range<Int> { (r == 0 ? 0 : rowEnds[r - 1])..<rowEnds[r] }

        /// The row at `position` in the answer's order (after `sort`).
        func row(_ position: Int) -> Int { order.isEmpty ? position : Int(order[position]) }

        /// Puts the rows in the answer's order (the thread that made the segment does it).
        /// Keys kept in dump order are often sorted already, or nearly: those are checked, or
        /// sorted by insertion; if that moves rows too often, by the library's sort.
        func sort() {
            guard keys.count > 1 else { return }
            var sorted = true
            for i in 1..<keys.count where keys[i] < keys[i - 1] {
                sorted = false
                break
            }
            if sorted { return }
            order = (0..<Int32(keys.count)).map { $0 }
            var moves = 0
            for i in 1..<order.count {
                let r = order[i]
                var j = i
                while j > 0 && keys[Int(r)] < keys[Int(order[j - 1])] {
                    order[j] = order[j - 1]
                    j -= 1
                    moves += 1
                }
                order[j] = r
                if moves > keys.count {
                    order.sort { keys[Int($0)] < keys[Int($1)] }
                    return
                }
            }
        }
    }

    /// 16 MiB: a 512 KiB chunk of events renders to far less; a huge `.json` file (one unit) may not.
    static let maximumSegmentBytes = 16 << 20

    private let window: Int
    private let condition = Condition()
    /// Handed-in segments waiting for the ones before them, by unit number.
    private var ready: [Int: Segment] = [:]
    private var free: [Segment] = []
    /// The unit whose segment is taken next.
    private var next = 0
    /// Whether a thread is taking segments (the others only leave theirs in `ready`).
    private var taking = false
    private var abandoned = false
    /// Whether it was abandoned because a row came after a later one had been written (not for
    /// a segment too big or a write error): spilling every segment would have taken it.
    private(set) var abandonedForOrder = false
    /// `reorder.limitMet` as of the last segment taken: the reorder buffer changes outside the
    /// lock, so threads starting a segment read this copy instead.
    private var limitMet = false
    /// Only the taking thread (or, after the scan, the caller of `finish`) uses it.
    private let reorder: RowReorder

    /// `spillDirectory`: where runs go for a dump out of time order; `spillAlways`: spill them
    /// whatever the order (tests, benchmarks).
    init(table: TableOutput, limit: Int?, threads: Int, progress: ExportProgress?, spillDirectory: String,
         spillAlways: Bool) {
        reorder = RowReorder(table: table, limit: limit, progress: progress, spillDirectory: spillDirectory,
                             spillAlways: spillAlways)
        window = threads + 2
    }

    var rowsWritten: Int { reorder.rowsWritten }
    var spilledRuns: Int { reorder.spilledRuns }

    /// A segment for unit `number`, once at most `window` units before it are still untaken;
    /// nil once the stream is abandoned.
    func segment(for number: Int) -> Segment? {
        condition.lock()
        defer { condition.unlock() }
        while !abandoned && number >= next + window { condition.wait() }
        if abandoned { return nil }
        let segment = free.popLast() ?? Segment()
        segment.reset(rendering: !limitMet)
        return segment
    }

    /// Hands in unit `number`'s segment. The thread that hands in the next one to take takes
    /// it, and every segment after it that is ready; the others return at once.
    func deliver(_ segment: Segment, for number: Int) {
        segment.sort()
        condition.lock()
        defer { condition.unlock() }
        // Once abandoned, segments are dropped (their memory freed for the writing after the scan).
        if abandoned { return }
        ready[number] = segment
        guard !taking else { return }
        taking = true
        defer { taking = false }
        while let segment = ready.removeValue(forKey: next) {
            condition.unlock()
            let taken = reorder.take(segment)
            let released = reorder.releasedSegments()
            condition.lock()
            guard taken else {
                abandonedForOrder = !segment.overflowed && reorder.writeError == nil
                abandon()
                return
            }
            free.append(contentsOf: released)
            limitMet = reorder.limitMet
            next += 1
            condition.broadcast()
        }
    }

    /// Gives up (under the lock): waiting threads go on, and later segments are dropped.
    private func abandon() {
        abandoned = true
        free.removeAll()
        ready.removeAll()
        reorder.abandon()
        condition.broadcast()
    }

    /// After the scan: writes what the reorder buffer holds and says whether the stream wrote
    /// the whole answer (false: abandoned). Throws the output's write error, if there was one.
    func finish() throws -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !abandoned && !reorder.drain() { abandon() }
        if let error = reorder.writeError { throw error }
        return !abandoned
    }
}

/// A segment being merged (the reorder buffer, a spilled run's segments) and how many of its
/// rows, in the answer's order, have left.
final class SegmentCursor {
    let segment: RowStream.Segment
    var head = 0
    init(_ segment: RowStream.Segment) { self.segment = segment }
    var isEmpty: Bool { head == segment.keys.count }
    var headKey: AnswerKey? { isEmpty ? nil : segment.keys[segment.row(head)] }
}

/// A scanning thread's visitor while rows are streamed: its `SelectionCollector` decides, and
/// each row the collector keeps is rendered and encoded into the current unit's segment.
final class StreamingCollector: EventVisitor {
    private let collector: SelectionCollector
    private let stream: RowStream
    private let renderer: RowRenderer
    private let encoder: RowEncoding
    private let cells = RowCells()
    private var segment: RowStream.Segment?

    init(collector: SelectionCollector, stream: RowStream, renderer: RowRenderer, encoder: RowEncoding) {
        self.collector = collector
        self.stream = stream
        self.renderer = renderer
        self.encoder = encoder
    }

    func beginTask(_ number: Int) { segment = stream.segment(for: number) }

    func endTask(_ number: Int) {
        if let segment { stream.deliver(segment, for: number) }
        segment = nil
    }

    /// Rendered here, so the scan keeps nothing for later.
    func visit(_ event: inout Event, bytes: UnsafeRawBufferPointer, position: DumpPosition) -> Bool {
        guard collector.keepsStepRow(&event, bytes: bytes, position: position), let segment,
              segment.keep(AnswerKey(timestamp: event.timestamp, position: position), eventBytes: bytes.count) else {
            return false
        }
        renderer.render(event, bytes: bytes, into: cells)
        encoder.encode(cells, into: segment.bytes)
        segment.endRow()
        return false
    }
}
