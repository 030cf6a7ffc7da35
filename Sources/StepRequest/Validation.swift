import Bytes
import JSONScan
import Timestamps

/// SPEC §3 messages, verbatim.
enum Message {
    static let required = "This field is required."
    static let mayNotBeNull = "This field may not be null."
    static let notAValidString = "Not a valid string."
    static let listMayNotBeEmpty = "This list may not be empty."
    static let datetimeFormat = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
    static let endAfterStart = "End must be after start."
    static let format = "Format must be 'xlsx' or 'csv'. Change the value or omit the field from payload."
    static let validInteger = "A valid integer is required."
    static let atLeastOne = "Ensure this value is greater than or equal to 1."

    static func expectedDictionary(_ v: JSONValue) -> String {
        "Invalid data. Expected a dictionary, but got \(v.pythonTypeName)."
    }
    static func expectedList(_ v: JSONValue) -> String {
        "Expected a list of items but got type \"\(v.pythonTypeName)\"."
    }
    static func invalidChoice(_ v: JSONValue) -> String {
        "\"\(PythonText.str(v))\" is not a valid choice."
    }
    static func unknownTimeZone(_ name: String) -> String {
        "Unknown time zone '\(name)'."
    }
}

@inline(__always) func bytesEqual(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

extension StepRequest {
    /// SPEC §3 checks 1–3 for a payload's JSON text: path (404), then JSON (400
    /// `{"detail":"JSON parse error - <reason>"}`, an empty payload included), then fields (400).
    public static func validate(organizationID: String, workflowID: String, stepIndex: String,
                                payload: UnsafeRawBufferPointer) -> Result<StepRequest, RequestError> {
        guard let path = PathParameters(organizationID: organizationID, workflowID: workflowID,
                                        stepIndex: stepIndex) else { return .failure(.notFound) }
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try JSONValue.parse(payload)
        } catch {
            return .failure(.detail(400, "JSON parse error - \(error.reason)"))
        }
        return validateFields(path, value)
    }

    /// The same for a payload held in an array.
    public static func validate(organizationID: String, workflowID: String, stepIndex: String,
                                payload: [UInt8]) -> Result<StepRequest, RequestError> {
        payload.withUnsafeBytes {
            validate(organizationID: organizationID, workflowID: workflowID, stepIndex: stepIndex, payload: $0)
        }
    }

    /// SPEC §3 checks 1 and 3 (and check 2's non-object case) for an already parsed payload, as
    /// a batch manifest holds it.
    public static func validate(organizationID: String, workflowID: String, stepIndex: String,
                                payload: JSONValue) -> Result<StepRequest, RequestError> {
        guard let path = PathParameters(organizationID: organizationID, workflowID: workflowID,
                                        stepIndex: stepIndex) else { return .failure(.notFound) }
        return validateFields(path, payload)
    }

    /// SPEC §3 check 1 alone: whether the path's parts pass (else the answer is 404), for a server
    /// that must tell a bad path from a forbidden one before it reads the payload.
    public static func pathIsValid(organizationID: String, workflowID: String, stepIndex: String) -> Bool {
        PathParameters(organizationID: organizationID, workflowID: workflowID, stepIndex: stepIndex) != nil
    }

    static func validateFields(_ path: PathParameters, _ payload: JSONValue) -> Result<StepRequest, RequestError> {
        guard case .object(let object) = payload else {
            let body = ErrorNode.object([("non_field_errors", .message(Message.expectedDictionary(payload)))])
            return .failure(RequestError(status: 400, body: body.json))
        }
        var errors: [(key: String, value: ErrorNode)] = []
        func check<T>(_ key: String, _ result: FieldResult<T>) -> T? {
            switch result {
            case .ok(let v): return v
            case .error(let node): errors.append((key, node)); return nil
            }
        }
        let filters = check("filters", validateFilters(object["filters"]))
        let stepData = check("step_data", validateStepData(object["step_data"]))
        let interval = check("interval", validateInterval(object["interval"]))
        let target = check("target", validateTarget(object["target"]))
        let format = check("format", validateFormat(object["format"]))
        let limit = check("limit", validateLimit(object["limit"]))
        guard errors.isEmpty, let filters, let stepData, let interval, let target, let format, let limit else {
            return .failure(RequestError(status: 400, body: ErrorNode.object(errors).json))
        }
        return .success(StepRequest(
            organizationID: path.organizationID, workflowID: path.workflowID,
            stepIndexText: path.stepIndexText, stepIndex: path.stepIndex,
            filters: filters, stepData: stepData,
            intervalStart: interval.start, intervalEnd: interval.end, timeZone: interval.timeZone,
            target: target, format: format, limit: limit))
    }
}

/// SPEC §3 check 1.
struct PathParameters {
    let organizationID: String
    let workflowID: String
    let stepIndexText: String
    let stepIndex: Int64?

    init?(organizationID: String, workflowID: String, stepIndex: String) {
        guard isUUID(organizationID), isUUID(workflowID),
              let text = Self.normalizedIndex(stepIndex) else { return nil }
        self.organizationID = organizationID
        self.workflowID = workflowID
        self.stepIndexText = text
        self.stepIndex = Int64(text)
    }

    /// One or more ASCII digits → the digits without leading zeros (`"0"` for all zeros); else nil.
    static func normalizedIndex(_ s: String) -> String? {
        guard !s.utf8.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let trimmed = s.utf8.drop(while: { $0 == 0x30 })
        return trimmed.isEmpty ? "0" : String(decoding: trimmed, as: UTF8.self)
    }
}

enum FieldResult<T> {
    case ok(T)
    case error(ErrorNode)
}

struct Interval {
    let start: Timestamp
    let end: Timestamp
    let timeZone: String?
}

/// `filters`: required list of `{"property": str, "values": [str, …] (non-empty)}`.
func validateFilters(_ value: JSONValue?) -> FieldResult<[Filter]> {
    guard let value else { return .error(.message(Message.required)) }
    return validateList(value) { item -> FieldResult<Filter> in
        var errors: [(key: String, value: ErrorNode)] = []
        var property: String?
        switch item["property"] {
        case nil: errors.append(("property", .message(Message.required)))
        case .null?: errors.append(("property", .message(Message.mayNotBeNull)))
        case .string(let s)?: property = s
        case .some: errors.append(("property", .message(Message.notAValidString)))
        }
        var values: [String]?
        switch validateStringList(item["values"], required: true, allowEmpty: false) {
        case .ok(let v): values = v
        case .error(let node): errors.append(("values", node))
        }
        guard errors.isEmpty, let property, let values else { return .error(.object(errors)) }
        return .ok(Filter(property: property, values: values))
    }
}

/// `step_data`: optional list of objects, each with an optional `actions` list of strings.
func validateStepData(_ value: JSONValue?) -> FieldResult<[[String]?]> {
    guard let value else { return .ok([]) }
    return validateList(value) { item -> FieldResult<[String]?> in
        if item["actions"] == nil { return .ok(nil) }
        switch validateStringList(item["actions"], required: false, allowEmpty: true) {
        case .ok(let v): return .ok(v)
        case .error(let node): return .error(.object([("actions", node)]))
        }
    }
}

/// A list of objects validated one by one; item errors aligned with the items, `{}` for good ones.
func validateList<T>(_ value: JSONValue, item validateItem: (JSONObject) -> FieldResult<T>) -> FieldResult<[T]> {
    switch value {
    case .null:
        return .error(.message(Message.mayNotBeNull))
    case .array(let items):
        var results: [T] = []
        results.reserveCapacity(items.count)
        var itemErrors: [ErrorNode] = []
        var failed = false
        for item in items {
            guard case .object(let object) = item else {
                itemErrors.append(.object([("non_field_errors", .message(Message.expectedDictionary(item)))]))
                failed = true
                continue
            }
            switch validateItem(object) {
            case .ok(let v):
                results.append(v)
                itemErrors.append(.object([]))
            case .error(let node):
                itemErrors.append(node)
                failed = true
            }
        }
        return failed ? .error(.list(itemErrors)) : .ok(results)
    default:
        return .error(.message(Message.expectedList(value)))
    }
}

/// A list of strings (`values`, `actions`). Any non-string element, null included, gives
/// `["Not a valid string."]` once for the whole list, as SPEC §3 shows it.
func validateStringList(_ value: JSONValue?, required: Bool, allowEmpty: Bool) -> FieldResult<[String]> {
    switch value {
    case nil:
        return required ? .error(.message(Message.required)) : .ok([])
    case .null?:
        return .error(.message(Message.mayNotBeNull))
    case .array(let items)?:
        if items.isEmpty && !allowEmpty { return .error(.message(Message.listMayNotBeEmpty)) }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items {
            guard case .string(let s) = item else { return .error(.message(Message.notAValidString)) }
            strings.append(s)
        }
        return .ok(strings)
    case let other?:
        return .error(.message(Message.expectedList(other)))
    }
}

/// `interval`: required object with required `start`, `end` and optional `time_zone`.
func validateInterval(_ value: JSONValue?) -> FieldResult<Interval> {
    switch value {
    case nil:
        return .error(.message(Message.required))
    case .null?:
        return .error(.message(Message.mayNotBeNull))
    case .object(let o)?:
        var errors: [(key: String, value: ErrorNode)] = []
        func dateTime(_ key: String) -> Timestamp? {
            switch o[key] {
            case nil: errors.append((key, .message(Message.required)))
            case .null?: errors.append((key, .message(Message.mayNotBeNull)))
            case .string(let s)?:
                if let t = TimestampParser.parse(s) { return t }
                errors.append((key, .message(Message.datetimeFormat)))
            case .some: errors.append((key, .message(Message.datetimeFormat)))
            }
            return nil
        }
        let start = dateTime("start")
        let end = dateTime("end")
        var timeZone: String?
        switch o["time_zone"] {
        case nil: break
        case .null?: errors.append(("time_zone", .message(Message.mayNotBeNull)))
        case .string(let name)?:
            if TimeZoneName.isKnown(name) {
                timeZone = name
            } else {
                errors.append(("time_zone", .message(Message.unknownTimeZone(name))))
            }
        case .some: errors.append(("time_zone", .message(Message.notAValidString)))
        }
        guard errors.isEmpty, let start, let end else { return .error(.object(errors)) }
        guard start < end else {
            return .error(.object([("non_field_errors", .message(Message.endAfterStart))]))
        }
        return .ok(Interval(start: start, end: end, timeZone: timeZone))
    case let other?:
        return .error(.object([("non_field_errors", .message(Message.expectedDictionary(other)))]))
    }
}

/// `target`: optional, `default` or `triggered_goal`, compared byte for byte.
func validateTarget(_ value: JSONValue?) -> FieldResult<Target> {
    switch value {
    case nil: return .ok(.default)
    case .null?: return .error(.message(Message.mayNotBeNull))
    case .string(let s)? where bytesEqual(s, "default"): return .ok(.default)
    case .string(let s)? where bytesEqual(s, "triggered_goal"): return .ok(.triggeredGoal)
    case let other?: return .error(.message(Message.invalidChoice(other)))
    }
}

/// `format`: optional, `csv` or `xlsx`, compared byte for byte (so `CSV` is refused); anything
/// else, `null` included, gets the one format message.
func validateFormat(_ value: JSONValue?) -> FieldResult<OutputFormat> {
    switch value {
    case nil: return .ok(.csv)
    case .string(let s)? where bytesEqual(s, "csv"): return .ok(.csv)
    case .string(let s)? where bytesEqual(s, "xlsx"): return .ok(.xlsx)
    default: return .error(.message(Message.format))
    }
}

/// `limit`: optional; a JSON integer (no fraction, no exponent) or a string of one or more ASCII
/// decimal digits (no sign, no spaces); at least 1; beyond `Int.max` saturates to `Int.max`.
func validateLimit(_ value: JSONValue?) -> FieldResult<Int?> {
    let text: Substring.UTF8View
    var negative = false
    switch value {
    case nil: return .ok(nil)
    case .null?: return .error(.message(Message.mayNotBeNull))
    case .integer(let t)?:
        var u = Substring(t).utf8
        if u.first == 0x2D { negative = true; u = u.dropFirst() }
        text = u
    case .string(let s)?:
        text = Substring(s).utf8
    default:
        return .error(.message(Message.validInteger))
    }
    guard !text.isEmpty, text.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
        return .error(.message(Message.validInteger))
    }
    let digits = text.drop(while: { $0 == 0x30 })
    if digits.isEmpty || negative { return .error(.message(Message.atLeastOne)) }
    if digits.count > 19 { return .ok(Int.max) }
    return .ok(Int(String(decoding: digits, as: UTF8.self)) ?? Int.max)
}

/// A decimal integer ≥ 0 without sign (SPEC §3.1), as the path's `step_index` must be.
public func isStepIndex(_ s: String) -> Bool { PathParameters.normalizedIndex(s) != nil }
