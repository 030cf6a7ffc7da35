import Bytes
import EventDump
import Timestamps

/// An answer row: where its event's bytes are kept.
public struct SelectedRow: Sendable {
    public let collector: Int32
    public let ref: ByteArena.Ref
}

/// SPEC §4 over a whole dump: make one collector per scanning thread, scan, then `finish`.
public final class Selection {
    public let collectors: [SelectionCollector]
    private let query: CompiledQuery
    private let limit: Int?

    public init(query: SelectionQuery, threads: Int) {
        let compiled = CompiledQuery(query)
        self.query = compiled
        self.limit = query.limit
        collectors = (0..<max(1, threads)).map { _ in SelectionCollector(query: compiled) }
    }

    /// The answer rows in order: ascending timestamp, ties by dump position, at most `limit`.
    public func finish() -> [SelectedRow] {
        let reached = reachedFlows()
        var rows: [(Candidate, Int32)] = []
        var firstStepOfVisitor: [Timestamp] = []
        let visitorTable = ByteStringTable(expectedCount: 1024)
        for (c, collector) in collectors.enumerated() {
            for s in collector.steps where passesPath(s, collector, reached) {
                if query.triggeredGoals {
                    guard s.visitor >= 0 else { continue }
                    let id = Int(visitorTable.intern(collector.visitors.bytes(s.visitor)))
                    if id == firstStepOfVisitor.count { firstStepOfVisitor.append(s.timestamp) }
                    firstStepOfVisitor[id] = min(firstStepOfVisitor[id], s.timestamp)
                } else {
                    rows.append((s, Int32(c)))
                }
            }
        }
        if query.triggeredGoals {
            for (c, collector) in collectors.enumerated() {
                for g in collector.goals {
                    guard let id = visitorTable.find(collector.visitors.bytes(g.visitor)),
                          firstStepOfVisitor[Int(id)] <= g.timestamp else { continue }
                    rows.append((g, Int32(c)))
                }
            }
        }
        rows.sort { a, b in
            a.0.timestamp != b.0.timestamp ? a.0.timestamp < b.0.timestamp : a.0.position < b.0.position
        }
        if let limit, rows.count > limit { rows.removeSubrange(limit...) }
        return rows.map { SelectedRow(collector: $0.1, ref: $0.0.ref) }
    }

    /// The event bytes of a selected row.
    public func bytes(of row: SelectedRow) -> UnsafeRawBufferPointer {
        collectors[Int(row.collector)].arena.bytes(row.ref)
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
        if reached.isEmpty { return true }
        let flow = collector.flows.bytes(s.flow)
        return reached.allSatisfy { $0.find(flow) != nil }
    }
}
