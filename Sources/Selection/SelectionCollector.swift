import Bytes
#if canImport(Glibc)
import Glibc
#endif
import Events
import EventDump
import Timestamps

/// A row that may make the answer: a step-n event that passed every per-event test (its flow's
/// earlier steps are checked once the whole dump is read), or a goal event (its visitor's step
/// rows are checked then). 32 bytes, whatever the event's size: the bytes stay in the dump (the
/// scan keeps them readable at the event's position).
struct Candidate {
    let millis: Int64
    /// The event's dump position packed (`DumpPosition.packed`): ties sort by it.
    let position: Int64
    let nanos: Int32
    let length: Int32
    /// For step rows, the flow id in the collector's `flows` (or -1); for goals, the visitor id.
    let aux: Int32

    var timestamp: Timestamp { Timestamp(millis: millis, subMillisecondNanos: nanos) }

    /// Its place in the answer's order.
    var key: AnswerKey { AnswerKey(timestamp: timestamp, packedPosition: position) }

    /// The event, as the scan reads it again.
    var kept: KeptEvent { KeptEvent(position: DumpPosition(packed: position), length: length) }
}

/// One scanning thread's share of the selection: it sees part of the dump, keeps the events
/// that may be answer rows (as candidates: a timestamp and the event's dump position, where the
/// scan keeps its bytes readable) and what the path and goal tests need to know about the
/// rest. `Selection.finish` merges the collectors.
public final class SelectionCollector: EventVisitor {
    let query: CompiledQuery
    // The tables and the scratch buffer start small and grow: a collector that sees few flows
    // costs a few kilobytes, which a batch of 10,000 jobs (two or more collectors each) needs.
    /// Flows seen, interned; `flowReached[j][flow]` says the flow has a matching event at
    /// `query.earlier[j].step`.
    let flows = ByteStringTable()
    var flowReached: [[Bool]]
    let visitors = ByteStringTable()
    var steps = CandidateList()
    /// With `triggered_goal`: each step row's visitor id (-1 for none), aligned with `steps`.
    var stepVisitors: [Int32] = []
    var goals = CandidateList()
    private let scratch = ByteBuffer(capacity: 256)

    /// Whether kept step rows are remembered (as candidates, to be read again after the scan).
    let remembersRows: Bool

    init(query: CompiledQuery, remembersRows: Bool) {
        self.query = query
        self.remembersRows = remembersRows
        flowReached = Array(repeating: [], count: query.earlier.count)
    }

    /// Returns whether the event became a candidate, whose bytes the scan must then keep.
    public func visit(_ event: inout Event, bytes: UnsafeRawBufferPointer, position: DumpPosition) -> Bool {
        let candidates = steps.count + goals.count
        _ = keepsStepRow(&event, bytes: bytes, position: position)
        return steps.count + goals.count != candidates
    }

    /// Visits an event and says whether it kept it as a step row: with
    /// `Selection.keepsOnlyAnswerRows`, an answer row (its place in the answer's order is
    /// `AnswerKey(timestamp: event.timestamp, position: position)`).
    public func keepsStepRow(_ event: inout Event, bytes: UnsafeRawBufferPointer, position: DumpPosition) -> Bool {
        let category = event[.category]
        guard category.isPresent else { return false }
        if equals(category, bytes, "workflowReportingEvent") {
            return workflowEvent(&event, bytes, position)
        } else if query.triggeredGoals && equals(category, bytes, "goal") {
            goalEvent(&event, bytes, position)
        }
        return false
    }

    /// Whether the event was kept as a step row.
    private func workflowEvent(_ event: inout Event, _ bytes: UnsafeRawBufferPointer, _ position: DumpPosition) -> Bool {
        guard let step = event.stepIndex, step <= (query.step ?? -1), inInterval(event.timestamp),
              uuidEquals(event[.label], bytes, query.workflowID),
              uuidEquals(event[.organizationID], bytes, query.organizationID) else { return false }
        let identifier = identifierSlot(event)
        if step != query.step {
            guard let j = query.earlierIndex(of: step), contains(query.earlier[j].actions, identifier, bytes),
                  let flow = flowID(event, bytes) else { return false }
            markReached(j, flow)
            return false
        }
        if let actions = query.stepActions, !contains(actions, identifier, bytes) { return false }
        if !query.stepFilters.isEmpty {
            for filter in query.stepFilters where !passes(filter, event, bytes) { return false }
        }
        var flow: Int32 = -1
        if !query.earlier.isEmpty {
            guard let f = flowID(event, bytes) else { return false }
            flow = f
        }
        guard remembersRows else { return true }
        if query.triggeredGoals { stepVisitors.append(visitorID(event, bytes)) }
        steps.append(candidate(event, bytes, position, aux: flow))
        return true
    }

    private func goalEvent(_ event: inout Event, _ bytes: UnsafeRawBufferPointer, _ position: DumpPosition) {
        guard inInterval(event.timestamp), uuidEquals(event[.organizationID], bytes, query.organizationID) else { return }
        for filter in query.goalFilters where !passes(filter, event, bytes) { return }
        let visitor = visitorID(event, bytes)
        guard visitor >= 0 else { return }
        goals.append(candidate(event, bytes, position, aux: visitor))
    }

    private func candidate(_ event: Event, _ bytes: UnsafeRawBufferPointer, _ position: DumpPosition,
                           aux: Int32) -> Candidate {
        Candidate(millis: event.timestamp.millis, position: position.packed, nanos: event.timestamp.subMillisecondNanos,
                  length: Int32(bytes.count), aux: aux)
    }

    @inline(__always) private func inInterval(_ t: Timestamp) -> Bool { t >= query.start && t < query.end }

    /// The identifier key's slot, or `action`'s where that key is absent (SPEC §4).
    @inline(__always) private func identifierSlot(_ event: Event) -> FieldSlot {
        let slot = event[query.identifierKey]
        return slot.isPresent ? slot : event[.action]
    }

    private func passes(_ filter: CompiledFilter, _ event: Event, _ bytes: UnsafeRawBufferPointer) -> Bool {
        switch filter.source {
        case .identifier: return contains(filter.values, identifierSlot(event), bytes)
        case .key(let key): return contains(filter.values, event[key], bytes)
        }
    }

    /// The flow of SPEC §4: `dim1`, else `session_id`, else `visitor_id`, the first non-empty.
    private func flowID(_ event: Event, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        for key in [EventKey.dim1, .sessionID, .visitorID] {
            let slot = event[key]
            if slot.isPresent && slot.length > 0 { return flows.intern(decoded(slot, bytes)) }
        }
        return nil
    }

    private func visitorID(_ event: Event, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        let slot = event[.visitorID]
        guard slot.isPresent && slot.length > 0 else { return -1 }
        return visitors.intern(decoded(slot, bytes))
    }

    private func markReached(_ j: Int, _ flow: Int32) {
        let i = Int(flow)
        if flowReached[j].count <= i { flowReached[j].append(contentsOf: repeatElement(false, count: i + 1 - flowReached[j].count)) }
        flowReached[j][i] = true
    }

    private func contains(_ table: ByteStringTable, _ slot: FieldSlot, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard slot.isPresent, slot.form == .plainString || slot.form == .escapedString else { return false }
        return table.find(decoded(slot, bytes)) != nil
    }

    /// A string slot's value: its bytes in place, or decoded into scratch when it has escapes.
    @inline(__always) private func decoded(_ slot: FieldSlot, _ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if slot.form == .plainString {
            return UnsafeRawBufferPointer(rebasing: bytes[Int(slot.start)..<Int(slot.start + slot.length)])
        }
        scratch.removeAll()
        EventText.appendString(slot, of: bytes, to: scratch)
        return scratch.readable
    }

    private func equals(_ slot: FieldSlot, _ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        EventText.equals(slot, of: bytes, UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A string slot equal to a lower-case UUID, ignoring ASCII case (SPEC §3.4).
    private func uuidEquals(_ slot: FieldSlot, _ bytes: UnsafeRawBufferPointer, _ uuid: UnsafeRawBufferPointer) -> Bool {
        guard slot.isPresent, slot.form == .plainString || slot.form == .escapedString else { return false }
        let value = decoded(slot, bytes)
        guard value.count == uuid.count, value.count > 0 else { return false }
        // Dumps write UUIDs in lower case, as the query holds them: one compare settles most.
        if memcmp(value.baseAddress!, uuid.baseAddress!, uuid.count) == 0 { return true }
        for i in 0..<uuid.count {
            var c = value[i]
            if c >= 65 && c <= 90 { c |= 0x20 }
            if c != uuid[i] { return false }
        }
        return true
    }
}
