import Selection
import Table
import Timestamps

/// Puts the segments of a `RowStream`, taken in dump order, into the answer's order
/// (`AnswerOrder`: timestamp, then dump position) on their way to the table. Two modes, one
/// ordering:
///
/// - **Straight**, for a dump in time order or nearly (partitioned by time, a few events
///   arriving late): a reorder buffer holds the last `maximumSegments` segments, each sorted,
///   and once it holds more it merges rows out to the table, smallest first, until it holds
///   that many again; the rest go at the end. So a row may arrive up to that many segments late.
///   Rows of one segment that leave one after the other go to the table in one write.
/// - **Spilling**, for a dump in any other order (grouped by flow, shuffled, merged from
///   several sources): the segments, each sorted, are merged `segmentsPerRun` at a time into
///   runs in a temporary file (`SpilledRuns`), and after the scan the runs are merged into the
///   table.
///
/// The mode is chosen when the buffer first has to write: if the newest held segment has a row
/// before the oldest one's last row, the segments overlap in time more than a buffer can
/// absorb, and the buffer spills from then on (nothing was written yet). In straight mode a row
/// that belongs before one already written ends the stream (`take` returns false) and the
/// export scans again, spilling.
final class RowReorder {
    /// Twelve segments of 512 KiB chunks: 6 MiB of the dump, how late a row may come.
    static let maximumSegments = 12
    /// Segments merged into one spilled run: runs of several 1 MiB chunks, so that the merge
    /// gives the spill file's memory back as it goes (`SpilledRuns`). Memory: this many
    /// segments more at most (about 300 KB each as CSV rows). Eight, not the 32 that would keep
    /// runs as long as with 2 MiB chunks: with 32 the flow CSV lost what 512 KiB chunks gained
    /// (Benchmarks/README.md, "Smaller chunks").
    static let segmentsPerRun = 8

    private enum Mode { case undecided, straight, spilling }

    private let table: TableOutput
    private let progress: ExportProgress?
    private let spillDirectory: String
    private var mode: Mode
    private var order: AnswerOrder
    /// Held segments with rows left, oldest first.
    private var held: [SegmentCursor] = []
    private var released: [RowStream.Segment] = []
    private var runs: SpilledRuns?
    /// Segments to spill, not yet written (fewer than `segmentsPerRun`).
    private var toSpill: [RowStream.Segment] = []
    private var lastWritten: AnswerKey?
    /// Rows the progress display was told of.
    private var rowsCounted = 0
    private(set) var writeError: Error?
    /// Consecutive rows of one segment, not yet written: `runRows` rows at `runStart..<runEnd`
    /// of `runSegment`'s bytes (kept apart, so that extending the run touches no reference).
    private var runSegment: RowStream.Segment?
    private var runStart = 0
    private var runEnd = 0
    private var runRows = 0

    /// `spillAlways`: spill every segment, whatever the dump's order (tests, benchmarks).
    init(table: TableOutput, limit: Int?, progress: ExportProgress?, spillDirectory: String, spillAlways: Bool = false) {
        self.table = table
        self.progress = progress
        self.spillDirectory = spillDirectory
        order = AnswerOrder(limit: limit)
        mode = spillAlways ? .spilling : .undecided
    }

    /// Rows written to the table so far.
    var rowsWritten: Int { order.emitted }
    /// Whether the answer is complete: later rows only need checking (straight mode only; a
    /// spilling buffer writes nothing before the scan ends).
    var limitMet: Bool { order.limitMet }
    /// Runs spilled so far (0: every row went straight).
    var spilledRuns: Int { runs?.runs.count ?? 0 }

    /// Takes a segment's rows; false when the stream must be abandoned (a row belongs before
    /// one already written, the segment overflowed, or writing failed).
    func take(_ segment: RowStream.Segment) -> Bool {
        guard !segment.overflowed else { return false }
        if mode == .spilling { return spill(segment) }
        if let lastWritten, segment.keys.contains(where: { $0 < lastWritten }) { return false }
        if segment.keys.isEmpty || limitMet {
            // After the answer's last row, rows only need checking, as above.
            released.append(segment)
            return true
        }
        held.append(SegmentCursor(segment))
        if mode == .undecided && held.count > RowReorder.maximumSegments {
            if overlapBeyondTheBuffer() {
                mode = .spilling
                let all = held.map(\.segment)
                held.removeAll()
                return all.allSatisfy(spill)
            }
            mode = .straight
        }
        return write(downTo: RowReorder.maximumSegments)
    }

    /// After the scan: writes every row left, merging the spilled runs if there are any; false
    /// when writing failed.
    func drain() -> Bool {
        guard mode == .spilling else { return write(downTo: 0) }
        guard spillKept() else { return false }
        guard let runs else { return true }
        do {
            // Kept to the end of the merge: its reading thread stops when it goes.
            let reading = try runs.readers()
            defer { withExtendedLifetime(reading) {} }
            let readers = reading.all
            // The total is known now: the display counts these rows as rows written after the scan.
            progress?.addRowsToWrite(min(runs.rows, order.limit))
            var sinceCount = 0
            try order.merge(sources: readers.count, head: { readers[$0].head }, emit: { i in
                try table.write(encoded: readers[i].row, rows: 1)
                try readers[i].advance()
                sinceCount += 1
                if sinceCount == 4096 {
                    progress?.addRowsWritten(sinceCount)
                    sinceCount = 0
                }
                return true
            })
            progress?.addRowsWritten(sinceCount)
            return true
        } catch {
            writeError = error
            return false
        }
    }

    /// Segments no longer needed since the last call.
    func releasedSegments() -> [RowStream.Segment] {
        defer { released.removeAll(keepingCapacity: true) }
        return released
    }

    /// Drops everything held: the export starts over without the stream.
    func abandon() {
        runSegment = nil
        released.append(contentsOf: held.map(\.segment))
        held.removeAll()
        released.append(contentsOf: toSpill)
        toSpill.removeAll()
        runs = nil
        progress?.retractStreamedRows(rowsCounted)
    }

    /// Whether the newest held segment has a row before the oldest one's last: rows that far
    /// apart in time mean the dump is not in time order, and most rows would be late.
    private func overlapBeyondTheBuffer() -> Bool {
        guard let oldest = held.first?.segment.keys.max(), let newest = held.last?.segment.keys.min() else { return false }
        return newest < oldest
    }

    /// Keeps a segment to spill; every `segmentsPerRun` of them become one run.
    private func spill(_ segment: RowStream.Segment) -> Bool {
        guard !segment.keys.isEmpty, !limitMet else {
            released.append(segment)
            return true
        }
        toSpill.append(segment)
        return toSpill.count < RowReorder.segmentsPerRun || spillKept()
    }

    /// Writes the kept segments as one run.
    private func spillKept() -> Bool {
        guard !toSpill.isEmpty else { return true }
        defer {
            released.append(contentsOf: toSpill)
            toSpill.removeAll(keepingCapacity: true)
        }
        do {
            let runs = try self.runs ?? SpilledRuns(directory: spillDirectory)
            self.runs = runs
            try runs.append(toSpill, limit: order.limit)
            return true
        } catch {
            writeError = error
            return false
        }
    }

    /// Writes rows, smallest first, until at most `kept` segments are held.
    private func write(downTo kept: Int) -> Bool {
        guard held.count > kept else { return flush() }
        var failed = false
        var emptied = 0
        order.merge(sources: held.count, head: { held[$0].headKey }, emit: { i in
            let h = held[i]
            let r = h.segment.row(h.head)
            guard append(h.segment, row: r) else {
                failed = true
                return false
            }
            lastWritten = h.segment.keys[r]
            h.head += 1
            if h.isEmpty { emptied += 1 }
            return held.count - emptied > kept
        })
        // Their bytes may be in the run: write it before the segments go back.
        guard !failed, flush() else { return false }
        if limitMet {
            released.append(contentsOf: held.map(\.segment))
            held.removeAll()
        } else {
            released.append(contentsOf: held.filter(\.isEmpty).map(\.segment))
            held.removeAll(where: \.isEmpty)
        }
        return true
    }

    /// Adds a row to the run being gathered, writing the run first if the row does not follow it.
    private func append(_ segment: RowStream.Segment, row r: Int) -> Bool {
        let bytes = segment.range(of: r)
        if runSegment === segment && runEnd == bytes.lowerBound {
            runEnd = bytes.upperBound
            runRows += 1
            return true
        }
        guard flush() else { return false }
        runSegment = segment
        runStart = bytes.lowerBound
        runEnd = bytes.upperBound
        runRows = 1
        return true
    }

    /// Writes the gathered run.
    private func flush() -> Bool {
        guard let segment = runSegment else { return true }
        runSegment = nil
        do {
            try table.write(encoded: UnsafeRawBufferPointer(start: segment.bytes.base + runStart, count: runEnd - runStart),
                            rows: runRows)
        } catch {
            writeError = error
            return false
        }
        var n = runRows
        count(rows: &n)
        return true
    }

    /// Tells the progress display of `n` more rows written, and zeroes `n`.
    private func count(rows n: inout Int) {
        rowsCounted += n
        progress?.addRowsStreamed(n)
        n = 0
    }
}
