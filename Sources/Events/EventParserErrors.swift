import JSONScan

/// Why the scan of an event stopped, and where (a byte offset within the event). Cheap to throw:
/// the text is only built once the parse has failed.
struct ScanFailure: Error {
    enum Kind: UInt8 {
        case unexpectedEnd, expectedValue, expectedKey, expectedColon, expectedCommaOrBrace
        case expectedCommaOrBracket, unterminatedString, controlCharacter, invalidEscape
        case invalidUnicodeEscape, loneSurrogate, invalidUTF8, invalidNumber, invalidLiteral
        case nonJSONConstant, tooDeep, notAnObject
    }

    var kind: Kind
    var at: Int
    /// For `notAnObject`: the index past the value.
    var detail: Int

    @inline(__always)
    init(_ kind: Kind, at: Int, detail: Int = 0) {
        self.kind = kind
        self.at = at
        self.detail = detail
    }

    /// The reason text; `p ..< p + n` are the event's bytes.
    func describe(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        let column = at + 1
        func invalid(_ what: String) -> String { "invalid JSON at column \(column): \(what)" }
        switch kind {
        case .unexpectedEnd: return invalid("unexpected end of the event")
        case .expectedValue: return invalid("expected a value")
        case .expectedKey: return invalid("expected a key in double quotes")
        case .expectedColon: return invalid("expected ':'")
        case .expectedCommaOrBrace: return invalid("expected ',' or '}'")
        case .expectedCommaOrBracket: return invalid("expected ',' or ']'")
        case .unterminatedString: return invalid("unterminated string")
        case .controlCharacter: return invalid("unescaped control character \(hexByte(p[at])) in a string")
        case .invalidEscape:
            let next = at + 1 < n ? p[at + 1] : 0
            if next >= 0x21 && next < 0x7F {
                return invalid("invalid escape \\\(Character(Unicode.Scalar(next)))")
            }
            return invalid("invalid escape: a backslash followed by \(hexByte(next))")
        case .invalidUnicodeEscape: return invalid("invalid \\u escape: four hex digits expected")
        case .loneSurrogate:
            let text = String(decoding: UnsafeBufferPointer(start: p + at - 1, count: min(6, n - at + 1)), as: UTF8.self)
            return "invalid JSON at column \(at): lone surrogate \(text)"
        case .invalidUTF8:
            let (problem, length) = JSONBytes.utf8Error(p, at, n)
            let bytes = (0..<length).map { hexByte(p[at + $0]) }.joined(separator: " ")
            return "invalid UTF-8 at column \(column): \(bytes) (\(problem.pythonText))"
        case .invalidNumber: return invalid("invalid number")
        case .invalidLiteral: return invalid("invalid literal (true, false or null expected)")
        case .nonJSONConstant: return invalid("NaN and Infinity are not JSON values")
        case .tooDeep: return "nested deeper than \(EventParser.maximumDepth) levels at column \(column)"
        case .notAnObject: return "not a JSON object: found \(jsonTypeDescription(p[0]))"
        }
    }
}

func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}

/// "an array", "a string", … for a JSON value starting with `first`.
func jsonTypeDescription(_ first: UInt8) -> String {
    switch first {
    case 0x7B: return "an object"
    case 0x5B: return "an array"
    case 0x22: return "a string"
    case 0x74, 0x66: return "a boolean"
    case 0x6E: return "null"
    default: return "a number"
    }
}

/// Up to `limit` bytes of a value's JSON text for an error message, cut at a character boundary.
func excerpt(_ p: UnsafePointer<UInt8>, _ start: Int, _ length: Int, limit: Int = 64) -> String {
    if length <= limit {
        return String(decoding: UnsafeBufferPointer(start: p + start, count: length), as: UTF8.self)
    }
    var cut = limit
    while cut > 0 && p[start + cut] & 0xC0 == 0x80 { cut -= 1 }
    return String(decoding: UnsafeBufferPointer(start: p + start, count: cut), as: UTF8.self) + "…"
}

extension EventParser {
    /// The reason for the first (in the text) known key left with a bad value.
    func describePending(_ pending: UInt32, _ p: UnsafePointer<UInt8>, _ event: Event) -> String {
        var first: EventKey? = nil
        for key in EventKey.allCases where pending & (1 << UInt32(key.rawValue)) != 0 {
            if first == nil || event[key].start < event[first!].start { first = key }
        }
        let key = first!
        let slot = event[key]
        let start = Int(slot.start)
        let length = Int(slot.length)
        let name = "\"\(key.jsonName)\""
        let c = p[start]
        let isNumber = c == 0x2D || (c >= 0x30 && c <= 0x39)
        var isInteger = isNumber
        if isNumber {
            for k in start..<start + length where p[k] == 0x2E || p[k] | 0x20 == 0x65 { isInteger = false }
        }
        let text = excerpt(p, start, length)
        switch key.kind {
        case .string:
            return "\(name) must be a string"
        case .timestamp:
            if c == 0x22 { return "\(name) is not a date-time: \(text)" }
            if isInteger { return "\(name) is out of range: \(text)" }
            return "\(name) must be a date-time string or an integer"
        case .stepIndex:
            if isInteger { return "\(name) does not fit a 64-bit integer" }
            return "\(name) must be an integer or a string of decimal digits"
        case .integer:
            if isInteger { return "\(name) does not fit a 64-bit integer" }
            return "\(name) must be an integer"
        case .number:
            if isNumber { return "\(name) is not a finite number: \(text)" }
            return "\(name) must be a number"
        case .stringArray:
            return "\(name) must be an array of strings"
        }
    }
}
