import EventDump
import Timestamps

/// Where a row stands in the answer's order (SPEC §4): ascending timestamp, ties by dump
/// position. Every ordering of answer rows — the collectors' kept rows, the segments rendered
/// during the scan, the runs spilled to disk — compares these, and only these.
public struct AnswerKey: Comparable, Sendable {
    public let timestamp: Timestamp
    /// The dump position packed (`DumpPosition.packed`).
    public let position: Int64

    public init(timestamp: Timestamp, position: DumpPosition) {
        self.timestamp = timestamp
        self.position = position.packed
    }

    public init(timestamp: Timestamp, packedPosition: Int64) {
        self.timestamp = timestamp
        position = packedPosition
    }

    public static func < (a: AnswerKey, b: AnswerKey) -> Bool {
        a.timestamp != b.timestamp ? a.timestamp < b.timestamp : a.position < b.position
    }
}

/// The answer's order and limit over rows that come as sorted sources: it merges them (a heap
/// over their heads) and counts what it emits against the limit — the one place the limit is
/// counted. The same merge serves every mode: the collectors' sorted rows after the scan, the
/// reorder buffer of a few segments during it, and the runs spilled to disk merged after it.
public struct AnswerOrder: Sendable {
    public let limit: Int
    /// Rows emitted so far, in order.
    public private(set) var emitted = 0

    public init(limit: Int?) { self.limit = limit ?? .max }

    public var limitMet: Bool { emitted >= limit }

    /// Merges `sources` sorted sources, smallest key first, until every source is empty, the
    /// limit is met, or `emit` returns false. `head(i)` is source i's next key (nil: empty);
    /// `emit(i)` takes that row (the source moves past it) and says whether to go on.
    public mutating func merge(sources: Int, head: (Int) -> AnswerKey?,
                               emit: (Int) throws -> Bool) rethrows {
        var heap = MergeHeap(capacity: sources)
        for i in 0..<sources { if let key = head(i) { heap.push(key, i) } }
        while !limitMet, let top = heap.popMin() {
            let i = top.source
            emitted += 1
            let goOn = try emit(i)
            if let key = head(i) { heap.push(key, i) }
            if !goOn { return }
        }
    }
}

/// A binary min-heap of (key, source) pairs; equal keys cannot occur (dump positions differ).
struct MergeHeap {
    private var items: [(key: AnswerKey, source: Int)] = []

    init(capacity: Int) { items.reserveCapacity(capacity) }

    mutating func push(_ key: AnswerKey, _ source: Int) {
        items.append((key, source))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].key < items[parent].key else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func popMin() -> (key: AnswerKey, source: Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].key < items[m].key { m = l }
                if r < items.count && items[r].key < items[m].key { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return (top.key, top.source)
    }
}
