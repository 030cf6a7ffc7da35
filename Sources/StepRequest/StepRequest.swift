// StepRequest: see README.md (Architecture).
//
// SPEC §3, all six checks: 1–3 in Validation.swift, 4–6 in AnswerableRequest.swift. Where SPEC §3
// is silent, this module decides:
// - `filters: []` and `step_data: []` are valid (no filters, no step data).
// - "A known key whose value is null" also covers the keys inside items and `interval`
//   (`property`, `values`, `actions`, `start`, `end`, `time_zone`). A null *list element* is not a
//   key: a null filter / step_data item gets "Invalid data. Expected a dictionary, but got
//   NoneType.", a null inside `values` / `actions` gets "Not a valid string.".
// - `values` / `actions` with several non-string elements get `["Not a valid string."]` once.
// - Strings are taken as they are: no trimming, empty `property` and values allowed (an empty
//   `property` then fails check 6). Comparisons (`target`, `format`, filter properties) are byte
//   for byte, so `CSV`, `Default` or a canonically-equivalent spelling are refused.
// - `interval.time_zone` that is not a string: `["Not a valid string."]`. Accepted names: see
//   `TimeZoneName`. A date-time without offset is UTC even when `time_zone` is given.
// - `interval` error keys come in the order start, end, time_zone; "End must be after start." only
//   when start and end parse and time_zone is fine.
// - `target`'s `<value>` is Python's `str()` of the value: lists and objects as Python prints them
//   (`['a', 1, None, True]`, `{'k': 2.5}`), floats as Python's repr (`1e5` → `100000.0`).
// - `limit` as a string must be one or more ASCII digits: `"-5"`, `" 5"`, `"+5"`, `"1.0"` are "A valid
//   integer is required."; `-5`, `0`, `"0"` are "Ensure this value is greater than or equal to 1.".
//   Values beyond `Int.max` saturate.
// - Error bodies escape U+2028 / U+2029 as DRF's renderer does (see `ErrorBodyJSON`).
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

/// A request that passed SPEC §3 checks 1–3 (`validate`); `answerable(in:)` runs checks 4–6.
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
}
