import Bytes
import Events
import EventDump
import StepRequest
import Timestamps

/// A request (`SelectionQuery`) turned into byte tables the per-event test can use without allocating.
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
        let request = q.request
        switch q.workflow.type {
        case .webNavigation: identifierKey = .pageURL
        case .interaction: identifierKey = .viewUID
        case .userGenerated, .chat, .voiceVideo: identifierKey = .action
        }
        step = request.stepIndex
        start = request.intervalStart
        end = request.intervalEnd
        workflowID = CompiledQuery.ownedCopy(q.workflow.id.lowercased())
        organizationID = CompiledQuery.ownedCopy(q.workflow.organizationID.lowercased())
        triggeredGoals = request.target == .triggeredGoal

        // Path constraints apply to web-navigation and interaction workflows only (SPEC §4).
        var constrained: [Int64: ByteStringTable] = [:]
        if let n = request.stepIndex, q.workflow.type == .webNavigation || q.workflow.type == .interaction {
            for (k, actions) in request.stepData.enumerated() where k >= 1 && Int64(k) <= n {
                guard let actions, !actions.isEmpty else { continue }
                let table = ByteStringTable(expectedCount: actions.count)
                for a in actions { table.intern(a) }
                constrained[Int64(k)] = table
            }
        }
        stepActions = request.stepIndex.flatMap { constrained[$0] }
        earlier = constrained.filter { $0.key != request.stepIndex }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }

        // With `triggered_goal`, `label` filters apply to the goals and all others to the step rows.
        var stepFilters: [CompiledFilter] = []
        var goalFilters: [CompiledFilter] = []
        for f in q.filters {
            let compiled = CompiledFilter(property: f.property, values: f.values)
            if triggeredGoals && f.property == .label {
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

    init(property: FilterProperty, values: [String]) {
        switch property {
        case .action: source = .identifier
        case .flowID: source = .key(.dim1)
        case .roomID: source = .key(.dim2)
        case .label: source = .key(.label)
        case .visitorID: source = .key(.visitorID)
        case .sessionID: source = .key(.sessionID)
        case .geoCountry: source = .key(.geoCountry)
        case .geoCity: source = .key(.geoCity)
        case .deviceType: source = .key(.deviceType)
        case .browserName: source = .key(.browserName)
        case .osName: source = .key(.osName)
        }
        let table = ByteStringTable(expectedCount: values.count)
        for v in values { table.intern(v) }
        self.values = table
    }
}
