import EventDump
import Timestamps

/// Everything SPEC §4 needs to choose the answer rows, in plain values.
public struct SelectionQuery: Sendable {
    public enum Target: Sendable { case steps, triggeredGoals }

    public var workflow: Workflow
    /// The requested step; nil when its digits do not fit a 64-bit integer (then no event matches).
    public var step: Int64?
    public var start: Timestamp
    public var end: Timestamp
    /// `step_data[k].actions` for each k, nil where absent.
    public var stepData: [[String]?]
    public var filters: [(property: String, values: [String])]
    public var target: Target
    public var limit: Int?

    public init(workflow: Workflow, step: Int64?, start: Timestamp, end: Timestamp, stepData: [[String]?],
                filters: [(property: String, values: [String])], target: Target, limit: Int?) {
        self.workflow = workflow
        self.step = step
        self.start = start
        self.end = end
        self.stepData = stepData
        self.filters = filters
        self.target = target
        self.limit = limit
    }
}
