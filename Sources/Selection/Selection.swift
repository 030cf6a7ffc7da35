import Bytes
import EventDump
import StepRequest
import Timestamps

/// SPEC §4 over a whole dump: make one collector per scanning thread, scan with `visitors` (or,
/// for several selections sharing a scan, `visitors(sharing:)`), then `finish`.
public final class Selection {
    let collectors: [SelectionCollector]
    private let query: CompiledQuery
    public let limit: Int?
    /// Each collector's answer rows, sorted, once `finish` has run.
    private var rowsByCollector: [[Candidate]] = []

    /// One collector for each of `threads` scanning threads.
    /// `remembersRows` false: the collectors only say which rows they keep (`keepsStepRow`) and
    /// remember none, for rows rendered as the scan finds them; `finish` then has none to give.
    public init(query: SelectionQuery, threads: Int, remembersRows: Bool = true) {
        let compiled = CompiledQuery(query)
        self.query = compiled
        self.limit = query.request.limit
        collectors = (0..<threads).map { _ in SelectionCollector(query: compiled, remembersRows: remembersRows) }
    }

    /// What the scan hands events to: `visitors[i]` on scanning thread i.
    public var visitors: [SelectionCollector] { collectors }

    /// For selections that share one scan (a batch's jobs): one visitor per scanning thread that
    /// hands each event to that thread's collector of every selection, in the order given.
    public static func visitors(sharing selections: [Selection]) -> [SharedScanVisitor] {
        let threads = selections.first?.collectors.count ?? 0
        precondition(selections.allSatisfy { $0.collectors.count == threads }, "selections sharing a scan have one collector per thread")
        return (0..<threads).map { t in SharedScanVisitor(selections.map { $0.collectors[t] }) }
    }

    /// Whether every step row a collector keeps is an answer row: no earlier step constrains the
    /// path and the target is the step itself. The answer is then those rows in timestamp order,
    /// so when they arrive in that order they can be written as the scan finds them.
    public var keepsOnlyAnswerRows: Bool { query.earlier.isEmpty && !query.triggeredGoals }

    /// Decides the answer rows once the scan is over; returns how many there are.
    @discardableResult
    public func finish() -> Int {
        let reached = reachedFlows()
        // Rows are moved out of the collectors and filtered in place: no second copy of them.
        if query.triggeredGoals {
            let first = firstStepOfEachVisitor(reached)
            rowsByCollector = collectors.map { collector in
                var rows = collector.goals.takeAll()
                collector.steps = CandidateList()
                rows.removeAll { g in
                    guard let id = first.table.find(collector.visitors.bytes(g.aux)) else { return true }
                    return first.times[Int(id)] > g.timestamp
                }
                return rows
            }
        } else {
            rowsByCollector = collectors.map { collector in
                var rows = collector.steps.takeAll()
                if !reached.isEmpty { rows.removeAll { !passesPath($0, collector, reached) } }
                return rows
            }
        }
        for i in rowsByCollector.indices { rowsByCollector[i].sort { $0.key < $1.key } }
        let total = rowsByCollector.reduce(0) { $0 + $1.count }
        return limit.map { min($0, total) } ?? total
    }

    /// The answer rows in order — ascending timestamp, ties by dump position, at most `limit` —
    /// merged from the collectors' sorted rows without building one big list.
    public func forEachRow(_ body: (KeptEvent) throws -> Void) rethrows {
        var heads = [Int](repeating: 0, count: rowsByCollector.count)
        var order = AnswerOrder(limit: limit)
        try order.merge(sources: rowsByCollector.count, head: { c in
            heads[c] < rowsByCollector[c].count ? rowsByCollector[c][heads[c]].key : nil
        }, emit: { c in
            try body(rowsByCollector[c][heads[c]].kept)
            heads[c] += 1
            return true
        })
    }

    /// For each constrained earlier step, every flow (from any collector) that reached it.
    private func reachedFlows() -> [ByteStringTable] {
        query.earlier.indices.map { j in
            let table = ByteStringTable(expectedCount: 1024)
            for collector in collectors {
                for (flow, hit) in collector.flowReached[j].enumerated() where hit {
                    table.intern(collector.flows.bytes(Int32(flow)))
                }
            }
            return table
        }
    }

    private func passesPath(_ s: Candidate, _ collector: SelectionCollector, _ reached: [ByteStringTable]) -> Bool {
        let flow = collector.flows.bytes(s.aux)
        return reached.allSatisfy { $0.find(flow) != nil }
    }

    /// With `triggered_goal`: the earliest step row of every visitor (SPEC §4 target).
    private func firstStepOfEachVisitor(_ reached: [ByteStringTable]) -> (table: ByteStringTable, times: [Timestamp]) {
        let table = ByteStringTable(expectedCount: 1024)
        var times: [Timestamp] = []
        for collector in collectors {
            collector.steps.forEach { i, s in
                let visitor = collector.stepVisitors[i]
                guard visitor >= 0, reached.isEmpty || passesPath(s, collector, reached) else { return }
                let id = Int(table.intern(collector.visitors.bytes(visitor)))
                if id == times.count { times.append(s.timestamp) } else { times[id] = min(times[id], s.timestamp) }
            }
        }
        return (table, times)
    }
}
