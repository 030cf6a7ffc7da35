import Timestamps

/// Where one key's value sits inside an event's bytes.
public struct FieldSlot: Sendable {
    /// What the slot holds.
    public enum Form: UInt8, Sendable {
        /// The key was missing or `null`.
        case absent
        /// A string with no escapes: `start..<start+length` are its UTF-8 bytes, quotes excluded.
        case plainString
        /// A string with escapes: the range is the raw text between the quotes; decode before use.
        case escapedString
        /// A number: the range is its JSON text.
        case number
        /// An array of strings: the range is the whole array text, brackets included.
        case array
    }

    public var start: Int32
    public var length: Int32
    public var form: Form

    public static let absent = FieldSlot(start: 0, length: 0, form: .absent)

    public init(start: Int32, length: Int32, form: Form) {
        self.start = start
        self.length = length
        self.form = form
    }

    @inlinable public var isPresent: Bool { form != .absent }
}

/// One parsed event: a slot per `EventKey` into the event's bytes, plus the values every stage
/// needs decoded. Reused from event to event by one parser; it does not own the bytes.
public struct Event: Sendable {
    /// Indexed by `EventKey.rawValue`; inline, so an event is one flat value that is read in
    /// place (no copy per lookup) and reused without allocating.
    public var slots = InlineArray<30, FieldSlot>(repeating: .absent)
    /// The parsed `timestamp` (always present on a well-formed event).
    public var timestamp = Timestamp(millis: 0)
    /// `dim5` as an integer, when it is one (an integer, or a string of decimal digits that fits).
    public var stepIndex: Int64? = nil

    public init() {}

    @inlinable public subscript(key: EventKey) -> FieldSlot {
        get { slots.span[key.rawValue] }
        set { slots[key.rawValue] = newValue }
    }

    public mutating func reset() {
        self = Event()
    }
}

/// Why an event is malformed (SPEC §9); `description` is the `<reason>` of the error body.
public struct MalformedEvent: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    /// Set by `EventParser` when the event's JSON is valid but its content is not (not an object,
    /// a wrong type, no timestamp): the index just past the JSON value in the buffer that was
    /// parsed, so that a reader of a JSON array can go on with the next element. Nil when the JSON
    /// itself is invalid. Not part of equality: two errors are equal when their reasons are.
    public var valueEnd: Int? = nil
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
    public static func == (a: MalformedEvent, b: MalformedEvent) -> Bool { a.reason == b.reason }
}
