/// A parsed JSON document, kept close to its text: numbers keep their spelling and whether they
/// were written as integers, so validation can tell `1` (`int`) from `1.0` (`float`) the way the
/// API's Python does. For payloads, catalogs and manifests — never for events (see `EventScanner`).
public indirect enum JSONValue: Equatable, Sendable {
    case object(JSONObject)
    case array([JSONValue])
    case string(String)
    /// A number without fraction or exponent, as written (e.g. `-12`).
    case integer(String)
    /// A number with a fraction or an exponent, as written (e.g. `1.5e3`).
    case float(String)
    case bool(Bool)
    case null

    /// Python's name for this value's type: `dict`, `list`, `str`, `int`, `float`, `bool`, `NoneType`.
    public var pythonTypeName: String {
        switch self {
        case .object: return "dict"
        case .array: return "list"
        case .string: return "str"
        case .integer: return "int"
        case .float: return "float"
        case .bool: return "bool"
        case .null: return "NoneType"
        }
    }
}

/// A JSON object's members in document order; a repeated key keeps its first place and its
/// last value (as Python's `json` module builds a dict).
public struct JSONObject: Equatable, Sendable {
    public private(set) var keys: [String] = []
    private var values: [String: JSONValue] = [:]

    public init() {}

    /// An empty object with room for `count` members without rehashing.
    public init(minimumCapacity count: Int) {
        keys.reserveCapacity(count)
        values.reserveCapacity(count)
    }

    public subscript(key: String) -> JSONValue? { values[key] }

    public mutating func set(_ key: String, _ value: JSONValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    public var count: Int { keys.count }
}
