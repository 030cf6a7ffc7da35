import Timestamps

/// The reorder buffer between the segments of a `RowStream`, taken in dump order, and the
/// table. It holds the last `maximumSegments` segments, each with its rows sorted by timestamp
/// (they are nearly sorted already), and once it holds more it writes rows smallest first, as
/// in a merge, until it holds that many again; the rest go at the end. So a row may arrive up
/// to that many segments late. Rows of one segment that leave one after the other go to the
/// table in one write. Order is by timestamp, then dump order (SPEC §4): between segments, the
/// earlier one first; within one, the sort keeps the dump order of equal timestamps.
final class RowReorder {
    static let maximumSegments = 3

    /// A held segment and which of its rows are still to write, in timestamp order.
    private final class Held {
        let segment: RowStream.Segment
        /// Its place in dump order among all segments taken (for ties between segments).
        let sequence: Int
        /// Row indexes in timestamp order; empty when that is their order as kept.
        let order: [Int32]
        /// How many of them have left.
        var head = 0

        init(_ segment: RowStream.Segment, sequence: Int) {
            self.segment = segment
            self.sequence = sequence
            order = Held.sortedOrder(segment.keys)
        }

        var count: Int { segment.keys.count }
        var isEmpty: Bool { head == count }
        /// The row at `position` in timestamp order.
        func row(_ position: Int) -> Int { order.isEmpty ? position : Int(order[position]) }
        var headKey: Timestamp { segment.keys[row(head)] }

        /// Row indexes sorted by (timestamp, index): empty when already so. Nearly sorted rows
        /// are sorted by insertion; if that moves rows too often, by the library's sort.
        static func sortedOrder(_ keys: [Timestamp]) -> [Int32] {
            var sorted = true
            for i in keys.indices.dropFirst() where keys[i] < keys[i - 1] {
                sorted = false
                break
            }
            if sorted { return [] }
            var order = (0..<Int32(keys.count)).map { $0 }
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
                if moves > 8 * keys.count {
                    order.sort { keys[Int($0)] < keys[Int($1)] || (keys[Int($0)] == keys[Int($1)] && $0 < $1) }
                    break
                }
            }
            return order
        }
    }

    private let table: TableOutput
    private let limit: Int
    private let progress: ExportProgress?
    /// Held segments with rows left, oldest first.
    private var held: [Held] = []
    private var taken = 0
    private var released: [RowStream.Segment] = []
    private var lastWritten: Timestamp?
    /// Rows past the buffer: written, or in the run about to be.
    private(set) var rowsWritten = 0
    /// Rows the progress display was told of.
    private var rowsCounted = 0
    private(set) var writeError: Error?
    /// Consecutive rows of one segment, not yet written: `runRows` rows at `runStart..<runEnd`
    /// of `runSegment`'s bytes (kept apart, so that extending the run touches no reference).
    private var runSegment: RowStream.Segment?
    private var runStart = 0
    private var runEnd = 0
    private var runRows = 0

    init(table: TableOutput, limit: Int?, progress: ExportProgress?) {
        self.table = table
        self.limit = limit ?? .max
        self.progress = progress
    }

    var limitMet: Bool { rowsWritten >= limit }

    /// Takes a segment's rows; false when the stream must be abandoned (a row belongs before
    /// one already written, the segment overflowed, or writing failed).
    func take(_ segment: RowStream.Segment) -> Bool {
        guard !segment.overflowed else { return false }
        if let lastWritten, segment.keys.contains(where: { $0 < lastWritten }) { return false }
        taken += 1
        if segment.keys.isEmpty || limitMet {
            // After the answer's last row, rows only need checking, as above.
            released.append(segment)
            return true
        }
        held.append(Held(segment, sequence: taken))
        return write(downTo: RowReorder.maximumSegments)
    }

    /// Writes every row left (after the scan); false when writing failed.
    func drain() -> Bool { write(downTo: 0) }

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
        progress?.retractStreamedRows(rowsCounted)
    }

    /// Writes rows, smallest first, until at most `kept` segments are held.
    private func write(downTo kept: Int) -> Bool {
        while held.count > kept {
            if limitMet {
                released.append(contentsOf: held.map(\.segment))
                held.removeAll()
                break
            }
            // The segment with the smallest head row, and the head that comes next after it.
            var best = 0
            for i in held.indices.dropFirst() where held[i].headKey < held[best].headKey { best = i }
            var bound: (key: Timestamp, sequence: Int)?
            for i in held.indices where i != best {
                let key = held[i].headKey
                if bound.map({ key < $0.key }) ?? true { bound = (key, held[i].sequence) }
            }
            // Write the best segment's rows while they come before that head.
            let h = held[best]
            let keys = h.segment.keys
            repeat {
                let r = h.row(h.head)
                let key = keys[r]
                if let bound, !(key < bound.key || (key == bound.key && h.sequence < bound.sequence)) { break }
                guard append(h.segment, row: r) else { return false }
                lastWritten = key
                h.head += 1
            } while !h.isEmpty && !limitMet
            if h.isEmpty {
                // Its bytes may be in the run: write them before the segment goes back.
                guard flush() else { return false }
                released.append(h.segment)
                held.remove(at: best)
            }
        }
        return flush()
    }

    /// Adds a row to the run being gathered, writing the run first if the row does not follow it.
    private func append(_ segment: RowStream.Segment, row r: Int) -> Bool {
        let bytes = segment.range(of: r)
        rowsWritten += 1
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
        rowsCounted += runRows
        progress?.addRowsStreamed(runRows)
        return true
    }
}
