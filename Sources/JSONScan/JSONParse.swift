/// Why a payload, catalog or manifest is not JSON. `reason` reads like the message of Python's
/// `json` module as Django REST Framework prints it after `JSON parse error - ` (SPEC §3 step 2),
/// e.g. `Expecting value: line 1 column 1 (char 0)`.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension JSONValue {
    /// The deepest nesting of arrays and objects accepted (the top-level value is level 1).
    public static let maximumDepth = 512

    /// Parses one JSON document, strictly (RFC 8259): UTF-8 input without a BOM, only `[ \t\n\r]`
    /// as whitespace, no `NaN`/`Infinity`, comments, trailing commas or leading zeros, no raw
    /// control characters in strings, no `\u` escape leaving a lone surrogate, nesting at most
    /// `maximumDepth` levels, nothing but whitespace after the value.
    ///
    /// Errors are reported as Python reads the same bytes (decode as UTF-8, then `json.loads` with
    /// DRF's `parse_constant`); where Python accepts and StepExport does not (lone surrogates,
    /// nesting depth) the message keeps Python's style. Positions (`char`) count code points.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        // Not streaming, the whole value is always built.
        try document(bytes, streamingElements: nil) ?? .null
    }

    /// As `parse`, for a document whose top level should be an array (a catalog): each element
    /// goes to `body` as soon as it is parsed and the array itself is never built, so a catalog
    /// of a million entries holds one entry's tree at a time. The errors are `parse`'s, for the
    /// whole document (elements already handed over are then to be dropped). Returns nil when
    /// the top level was an array, else that value (and `body` was not called).
    public static func parseElements(_ bytes: [UInt8], _ body: (JSONValue) -> Void) throws(JSONSyntaxError) -> JSONValue? {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue? in
                try withoutActuallyEscaping(body) { body throws(JSONSyntaxError) in try document(buffer, streamingElements: body) }
            }
        }
        return try result.get()
    }

    private static func document(_ bytes: UnsafeRawBufferPointer,
                                 streamingElements body: ((JSONValue) -> Void)?) throws(JSONSyntaxError) -> JSONValue? {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONSyntaxError(reason: "Expecting value: line 1 column 1 (char 0)")
        }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        // Python decodes the whole body first, so a decoding error wins over any syntax error.
        if let bad = JSONBytes.firstInvalidUTF8(p, 0, n) {
            let (problem, length) = JSONBytes.utf8Error(p, bad, n)
            let what = length == 1
                ? "byte 0x\(hex2(p[bad])) in position \(bad)"
                : "bytes in position \(bad)-\(bad + length - 1)"
            throw JSONSyntaxError(reason: "'utf-8' codec can't decode \(what): \(problem.pythonText)")
        }
        var parser = PythonStyleParser(p: p, end: n)
        if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF {
            throw parser.error("Unexpected UTF-8 BOM (decode using utf-8-sig)", at: 0)
        }
        let start = JSONBytes.skipWhitespace(p, 0, n)
        let value: JSONValue?
        let after: Int
        if let body, parser.at(start, is: 0x5B) {
            (value, after) = (nil, try parser.elements(at: start, body))
        } else {
            (value, after) = try parser.value(at: start, depth: 0)
        }
        let rest = JSONBytes.skipWhitespace(p, after, n)
        if rest != n { throw parser.error("Extra data", at: rest) }
        if let at = parser.loneSurrogateAt {
            throw parser.error("Lone surrogate in \\uXXXX escape", at: at)
        }
        return value
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in try parse(buffer) }
        }
        return try result.get()
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(JSONSyntaxError) -> JSONValue in try parse(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }
}

@usableFromInline func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}

/// A parser that follows CPython's `_json` scanner step by step, so that the
/// first error it meets, and where, are the ones Python would report.
struct PythonStyleParser {
    let p: UnsafePointer<UInt8>
    let end: Int
    /// The first `\u` escape leaving a lone surrogate: Python accepts these, so it is reported
    /// only when the document has no error Python would report.
    var loneSurrogateAt: Int? = nil
    var scratch: [UInt8] = []

    init(p: UnsafePointer<UInt8>, end: Int) {
        self.p = p
        self.end = end
    }

    /// `<message>: line L column C (char N)`, counting code points like Python.
    func error(_ message: String, at pos: Int) -> JSONSyntaxError {
        var char = 0
        var line = 1
        var lastNewlineChar = -1
        for k in 0..<min(pos, end) {
            let c = p[k]
            if c & 0xC0 == 0x80 { continue }
            if c == 0x0A { line += 1; lastNewlineChar = char }
            char += 1
        }
        let column = char - lastNewlineChar
        return JSONSyntaxError(reason: "\(message): line \(line) column \(column) (char \(char))")
    }

    @inline(__always) func at(_ i: Int, is c: UInt8) -> Bool { i < end && p[i] == c }

    func matches(_ i: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard i + n <= end else { return false }
        let s = literal.utf8Start
        for k in 0..<n where p[i + k] != s[k] { return false }
        return true
    }

    /// An open container while parsing: where its values (and an object's keys) begin in the
    /// parser's shared `pending` stacks.
    enum Frame {
        case array(firstItem: Int)
        case object(firstItem: Int, firstKey: Int)
    }

    /// The value at `i` (not whitespace) and the index past it. Iterative, with an explicit stack
    /// of open containers, so that deep nesting cannot overflow a thread's stack.
    ///
    /// The values of every open container wait in one flat stack (`items`, and `keys` for the
    /// objects' member names); a container is built once, when it closes, from the top of that
    /// stack. So each value is copied once into its container: linear time and memory, where
    /// appending to an array held in the frame itself copied the array on every append.
    mutating func value(at start: Int, depth: Int) throws(JSONSyntaxError) -> (JSONValue, Int) {
        var stack: [Frame] = []
        var items: [JSONValue] = []
        var keys: [String] = []
        var i = start
        while true {
            // A value is expected at i.
            guard i < end else { throw error("Expecting value", at: i) }
            var produced: JSONValue
            switch p[i] {
            case 0x7B, 0x5B:
                let isObject = p[i] == 0x7B
                if depth + stack.count + 1 > JSONValue.maximumDepth {
                    throw error("Maximum nesting depth of \(JSONValue.maximumDepth) exceeded", at: i)
                }
                i = JSONBytes.skipWhitespace(p, i + 1, end)
                if isObject {
                    if at(i, is: 0x7D) {
                        produced = .object(JSONObject())
                        i += 1
                    } else {
                        stack.append(.object(firstItem: items.count, firstKey: keys.count))
                        keys.append(try memberName(&i))
                        continue
                    }
                } else {
                    if at(i, is: 0x5D) {
                        produced = .array([])
                        i += 1
                    } else {
                        stack.append(.array(firstItem: items.count))
                        continue
                    }
                }
            case 0x22:
                let (s, next) = try string(at: i)
                produced = .string(s)
                i = next
            case 0x6E where matches(i, "null"):
                produced = .null
                i += 4
            case 0x74 where matches(i, "true"):
                produced = .bool(true)
                i += 4
            case 0x66 where matches(i, "false"):
                produced = .bool(false)
                i += 5
            case 0x4E where matches(i, "NaN"):
                throw JSONSyntaxError(reason: "Out of range float values are not JSON compliant: 'NaN'")
            case 0x49 where matches(i, "Infinity"):
                throw JSONSyntaxError(reason: "Out of range float values are not JSON compliant: 'Infinity'")
            case 0x2D where matches(i, "-Infinity"):
                throw JSONSyntaxError(reason: "Out of range float values are not JSON compliant: '-Infinity'")
            default:
                (produced, i) = try number(at: i)
            }
            // Hand the value to the open containers, closing those that end here.
            attach: while true {
                guard let frame = stack.last else { return (produced, i) }
                i = JSONBytes.skipWhitespace(p, i, end)
                items.append(produced)
                switch frame {
                case .array(let first):
                    if at(i, is: 0x5D) {
                        produced = .array(Array(items[first...]))
                        items.removeSubrange(first...)
                        stack.removeLast()
                        i += 1
                        continue attach
                    }
                    guard at(i, is: 0x2C) else { throw error("Expecting ',' delimiter", at: i) }
                    i = JSONBytes.skipWhitespace(p, i + 1, end)
                    break attach
                case .object(let first, let firstKey):
                    if at(i, is: 0x7D) {
                        var object = JSONObject(minimumCapacity: items.count - first)
                        for (key, member) in zip(keys[firstKey...], items[first...]) { object.set(key, member) }
                        produced = .object(object)
                        items.removeSubrange(first...)
                        keys.removeSubrange(firstKey...)
                        stack.removeLast()
                        i += 1
                        continue attach
                    }
                    guard at(i, is: 0x2C) else { throw error("Expecting ',' delimiter", at: i) }
                    i = JSONBytes.skipWhitespace(p, i + 1, end)
                    keys.append(try memberName(&i))
                    break attach
                }
            }
        }
    }

    /// The top-level array opening at `start`, each element handed to `body` in turn instead of
    /// being kept; the same steps, and so the same errors, as `value` takes for an array.
    mutating func elements(at start: Int, _ body: (JSONValue) -> Void) throws(JSONSyntaxError) -> Int {
        var i = JSONBytes.skipWhitespace(p, start + 1, end)
        if at(i, is: 0x5D) { return i + 1 }
        while true {
            let (element, next) = try value(at: i, depth: 1)
            body(element)
            i = JSONBytes.skipWhitespace(p, next, end)
            if at(i, is: 0x5D) { return i + 1 }
            guard at(i, is: 0x2C) else { throw error("Expecting ',' delimiter", at: i) }
            i = JSONBytes.skipWhitespace(p, i + 1, end)
        }
    }

    /// A member name at `i` and its `:`; leaves `i` at the value.
    mutating func memberName(_ i: inout Int) throws(JSONSyntaxError) -> String {
        guard at(i, is: 0x22) else { throw error("Expecting property name enclosed in double quotes", at: i) }
        let (key, afterKey) = try string(at: i)
        i = JSONBytes.skipWhitespace(p, afterKey, end)
        guard at(i, is: 0x3A) else { throw error("Expecting ':' delimiter", at: i) }
        i = JSONBytes.skipWhitespace(p, i + 1, end)
        return key
    }

    /// CPython's `_match_number_unicode`: the longest prefix that is a JSON number; what follows
    /// it is judged by the caller (so `01` is `0` then extra data, and `1.` is `1` then `.`).
    func number(at start: Int) throws(JSONSyntaxError) -> (JSONValue, Int) {
        var i = start
        @inline(__always) func isDigit(_ k: Int) -> Bool { k < end && p[k] >= 0x30 && p[k] <= 0x39 }
        if p[i] == 0x2D {
            i += 1
            if i >= end { throw error("Expecting value", at: start) }
        }
        if p[i] >= 0x31 && p[i] <= 0x39 {
            i += 1
            while isDigit(i) { i += 1 }
        } else if p[i] == 0x30 {
            i += 1
        } else {
            throw error("Expecting value", at: start)
        }
        var isFloat = false
        if at(i, is: 0x2E) && isDigit(i + 1) {
            isFloat = true
            i += 2
            while isDigit(i) { i += 1 }
        }
        if i < end && (p[i] == 0x65 || p[i] == 0x45) {
            let eStart = i
            i += 1
            if i < end && (p[i] == 0x2D || p[i] == 0x2B) { i += 1 }
            let digitsStart = i
            while isDigit(i) { i += 1 }
            if i > digitsStart { isFloat = true } else { i = eStart }
        }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
        return (isFloat ? .float(text) : .integer(text), i)
    }

    /// A string whose opening quote is at `quote`; returns its value and the index past the
    /// closing quote.
    mutating func string(at quote: Int) throws(JSONSyntaxError) -> (String, Int) {
        var i = quote + 1
        var runStart = i
        var escaped = false
        scratch.removeAll(keepingCapacity: true)
        while true {
            i = JSONBytes.scanStringRun(p, i, end)
            guard i < end else { throw error("Unterminated string starting at", at: quote) }
            let c = p[i]
            if c == 0x22 {
                let result: String
                if escaped {
                    scratch.append(contentsOf: UnsafeBufferPointer(start: p + runStart, count: i - runStart))
                    result = String(decoding: scratch, as: UTF8.self)
                } else {
                    result = String(decoding: UnsafeBufferPointer(start: p + runStart, count: i - runStart), as: UTF8.self)
                }
                return (result, i + 1)
            }
            if c == 0x5C {
                var problem: JSONBytes.EscapeProblem? = nil
                var lenientNext = 0
                let r = JSONBytes.checkEscape(p, i, end, problem: &problem, next: &lenientNext)
                switch problem {
                case nil:
                    escaped = true
                    scratch.append(contentsOf: UnsafeBufferPointer(start: p + runStart, count: i - runStart))
                    i = JSONBytes.appendDecodedEscape(p, i, to: &scratch)
                    runStart = i
                case .unterminated:
                    throw error("Unterminated string starting at", at: quote)
                case .invalidEscape:
                    throw error("Invalid \\escape", at: r)
                case .invalidUnicodeEscape:
                    throw error("Invalid \\uXXXX escape", at: r)
                case .loneSurrogate:
                    if loneSurrogateAt == nil { loneSurrogateAt = r }
                    escaped = true
                    scratch.append(contentsOf: UnsafeBufferPointer(start: p + runStart, count: i - runStart))
                    scratch.append(contentsOf: [0xEF, 0xBF, 0xBD]) // never returned: the parse fails
                    i = lenientNext
                    runStart = i
                }
                continue
            }
            if c < 0x20 { throw error("Invalid control character at", at: i) }
            // Non-ASCII: the input was validated as UTF-8 up front.
            i += max(JSONBytes.utf8SequenceLength(p, i, end), 1)
        }
    }
}
