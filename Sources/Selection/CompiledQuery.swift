import Bytes
import Events
import EventDump
import Timestamps

/// A `SelectionQuery` turned into byte tables the per-event test can use without allocating.
/// Read-only once built, so every scanning thread shares one.
final class CompiledQuery: @unchecked Sendable {
    /// The key that identifies an event's action for this workflow type (SPEC §4).
    let identifierKey: EventKey
    let step: Int64?
    let start: Timestamp
    let end: Timestamp
    /// Lower-case UUID bytes, owned here: compared on every event, so no array to retain.
    let workflowID: UnsafeRawBufferPointer
    let organizationID: UnsafeRawBufferPointer
    /// `step_data[n].actions`, when step n itself is constrained.
    let stepActions: ByteStringTable?
    /// Constrained earlier steps k < n, ascending, with their actions.
    let earlier: [(step: Int64, actions: ByteStringTable)]
    /// Filters the step rows must pass, and filters the goal rows must pass.
    let stepFilters: [CompiledFilter]
    let goalFilters: [CompiledFilter]
    let triggeredGoals: Bool

    init(_ q: SelectionQuery) {
        switch q.workflow.type {
        case .webNavigation: identifierKey = .pageURL
        case .interaction: identifierKey = .viewUID
        case .userGenerated, .chat, .voiceVideo: identifierKey = .action
        }
        step = q.step
        start = q.start
        end = q.end
        workflowID = CompiledQuery.ownedCopy(q.workflow.id.lowercased())
        organizationID = CompiledQuery.ownedCopy(q.workflow.organizationID.lowercased())
        triggeredGoals = q.target == .triggeredGoals

        // Path constraints apply to web-navigation and interaction workflows only (SPEC §4).
        var constrained: [Int64: ByteStringTable] = [:]
        if let n = q.step, q.workflow.type == .webNavigation || q.workflow.type == .interaction {
            for (k, actions) in q.stepData.enumerated() where k >= 1 && Int64(k) <= n {
                guard let actions, !actions.isEmpty else { continue }
                let table = ByteStringTable(expectedCount: actions.count)
                for a in actions { table.intern(a) }
                constrained[Int64(k)] = table
            }
        }
        stepActions = q.step.flatMap { constrained[$0] }
        earlier = constrained.filter { $0.key != q.step }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }

        var stepFilters: [CompiledFilter] = []
        var goalFilters: [CompiledFilter] = []
        for f in q.filters {
            let compiled = CompiledFilter(property: f.property, values: f.values)
            if q.target == .triggeredGoals && f.property == "label" {
                goalFilters.append(compiled)
            } else {
                stepFilters.append(compiled)
            }
        }
        self.stepFilters = stepFilters
        self.goalFilters = goalFilters
    }

    deinit {
        workflowID.deallocate()
        organizationID.deallocate()
    }

    private static func ownedCopy(_ text: String) -> UnsafeRawBufferPointer {
        let bytes = Array(text.utf8)
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0) }
        return UnsafeRawBufferPointer(copy)
    }

    /// The index in `earlier` of a constrained earlier step.
    func earlierIndex(of step: Int64) -> Int? {
        earlier.firstIndex { $0.step == step }
    }
}

/// One filter: the event key it reads and the accepted values (SPEC §4).
struct CompiledFilter {
    enum Source {
        /// `action`: the workflow's identifier key.
        case identifier
        case key(EventKey)
    }

    let source: Source
    let values: ByteStringTable

    init(property: String, values: [String]) {
        switch property {
        case "action": source = .identifier
        case "flow_id": source = .key(.dim1)
        case "room_id": source = .key(.dim2)
        case "label": source = .key(.label)
        case "visitor_id": source = .key(.visitorID)
        case "session_id": source = .key(.sessionID)
        case "geo_country": source = .key(.geoCountry)
        case "geo_city": source = .key(.geoCity)
        case "device_type": source = .key(.deviceType)
        case "browser_name": source = .key(.browserName)
        case "os_name": source = .key(.osName)
        default:
            // The request stage answers 406 for any other property before selection starts.
            preconditionFailure("unsupported filter property \(property)")
        }
        let table = ByteStringTable(expectedCount: values.count)
        for v in values { table.intern(v) }
        self.values = table
    }
}
