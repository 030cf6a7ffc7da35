// StepRequest: see README.md (Architecture).
import JSONScan
import Timestamps

/// Which rows answer: the step's events, or the goals they triggered (SPEC §4).
public enum Target: String, Sendable {
    case `default` = "default"
    case triggeredGoal = "triggered_goal"
}

/// The file format of the answer.
public enum OutputFormat: String, Sendable {
    case csv, xlsx
}

/// One payload filter: `property` and its alternative `values` (OR within, AND across filters).
public struct Filter: Equatable, Sendable {
    public let property: String
    public let values: [String]

    public init(property: String, values: [String]) {
        self.property = property
        self.values = values
    }
}

/// A request that passed SPEC §3 checks 1–3.
public struct StepRequest: Equatable, Sendable {
    /// As given in the path (any case; the catalog's spelling is used for output).
    public let organizationID: String
    public let workflowID: String
    /// The step index in decimal without leading zeros (`"007"` → `"7"`, `"000"` → `"0"`); used in
    /// file names and sheet names.
    public let stepIndexText: String
    /// nil when the digits do not fit Int64 (no event can match then).
    public let stepIndex: Int64?
    /// In payload order. May be empty: `"filters": []` is valid and means no filtering (SPEC §3
    /// requires the key and constrains each item, but does not require an item; DRF's list
    /// serializer allows an empty list).
    public let filters: [Filter]
    /// Per index of `step_data`: that object's `actions` if present, else nil. Empty when
    /// `step_data` is absent or `[]`.
    public let stepData: [[String]?]
    /// `[intervalStart, intervalEnd)`; a date-time without offset is UTC, whatever `timeZone` says.
    public let intervalStart: Timestamp
    public let intervalEnd: Timestamp
    /// `interval.time_zone`, as given, accepted by `TimeZoneName.isKnown`.
    public let timeZone: String?
    public let target: Target
    public let format: OutputFormat
    /// nil when absent; a value beyond `Int.max` saturates to `Int.max`.
    public let limit: Int?

    public init(organizationID: String, workflowID: String, stepIndexText: String, stepIndex: Int64?,
                filters: [Filter], stepData: [[String]?], intervalStart: Timestamp, intervalEnd: Timestamp,
                timeZone: String?, target: Target, format: OutputFormat, limit: Int?) {
        self.organizationID = organizationID
        self.workflowID = workflowID
        self.stepIndexText = stepIndexText
        self.stepIndex = stepIndex
        self.filters = filters
        self.stepData = stepData
        self.intervalStart = intervalStart
        self.intervalEnd = intervalEnd
        self.timeZone = timeZone
        self.target = target
        self.format = format
        self.limit = limit
    }

    /// The filter properties that SPEC §3 check 6 accepts.
    public static let implementedFilterProperties: [String] = [
        "action", "label", "visitor_id", "session_id", "flow_id", "room_id", "geo_country", "geo_city",
        "device_type", "browser_name", "os_name",
    ]

    /// Check 6: the 406 `{"detail":"Filtering by '<property>' is not implemented."}` for the first
    /// filter whose property is not implemented, or nil. Properties compare byte for byte.
    public func unsupportedFilterError() -> RequestError? {
        for filter in filters {
            let known = Self.implementedFilterProperties.contains { $0.utf8.elementsEqual(filter.property.utf8) }
            if !known {
                return .detail(406, "Filtering by '\(filter.property)' is not implemented.")
            }
        }
        return nil
    }
}
