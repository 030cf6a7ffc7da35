/// A parsed JSON document, kept close to its text: numbers keep their spelling and whether they
/// were written as integers, so validation can tell `1` (`int`) from `1.0` (`float`) the way the
/// API's Python does. For payloads, catalogs and manifests — never for events (see `EventScanner`).
///
/// Not `indirect`: containers hold their values in arrays (already on the heap), so a string or
/// a number costs no box of its own — a million-entry catalog is millions of values.
public enum JSONValue: Equatable, Sendable {
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
///
/// The members are one array, searched in place while the object is small (most are: catalog
/// entries, steps, filters), with a hash index only past `indexedFrom` members — one allocation
/// for a small object, and constant time per key for a wide one.
public struct JSONObject: Equatable, Sendable {
    public private(set) var members: [(key: String, value: JSONValue)] = []
    /// Key → position in `members`, once there are more than `indexedFrom` of them.
    private var index: [String: Int]?
    private static let indexedFrom = 8

    public init() {}

    /// An empty object with room for `count` members without growing.
    public init(minimumCapacity count: Int) {
        members.reserveCapacity(count)
        if count > JSONObject.indexedFrom { index = Dictionary(minimumCapacity: count) }
    }

    public var keys: [String] { members.map(\.key) }

    public subscript(key: String) -> JSONValue? { position(of: key).map { members[$0].value } }

    public mutating func set(_ key: String, _ value: JSONValue) {
        if let i = position(of: key) {
            members[i].value = value
            return
        }
        members.append((key, value))
        if index != nil {
            index?[key] = members.count - 1
        } else if members.count > JSONObject.indexedFrom {
            index = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($0.element.key, $0.offset) })
        }
    }

    public var count: Int { members.count }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return members.firstIndex { $0.key == key }
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
