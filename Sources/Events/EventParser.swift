import JSONScan
import Timestamps
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one event (SPEC §2) from its JSON bytes into an `Event`: every byte is validated as
/// strict RFC 8259 JSON (UTF-8 everywhere, no lone surrogates, nesting ≤ 512 levels with the event
/// object at level 1), the keys of `EventKey` are recorded as slots into the bytes and type-checked,
/// everything else is skipped. It allocates nothing for a well-formed event.
///
/// A repeated key is read every time and the last one wins, as when the JSON is loaded into a
/// dictionary: `{"dim5":"x","dim5":2}` is fine, and a later `null` makes an earlier value absent.
/// A wrong type is therefore reported once the whole event has been read.
public struct EventParser: Sendable {
    /// An event larger than this is malformed (SPEC §2); the scan stops there.
    public static let maximumEventBytes = 64 << 20
    /// The deepest nesting accepted, the event object itself being level 1 (SPEC §2).
    public static let maximumDepth = 512

    /// False while `parseLine` runs: a line break then stops a scan like any byte a value cannot
    /// hold there, so a parse that succeeds never spans two lines.
    private var lineBreakIsWhitespace = true

    public init() {}

    /// Parses the event of an NDJSON line that starts at `buffer[start]` without first finding
    /// where the line ends (a pass over every byte, saved on each well-formed line): a line break
    /// is not whitespace here, and a string cannot hold one, so an event that parses lies on its
    /// line. Returns the index just past it, or nil when the bytes are not one valid event before
    /// a line break; the caller then parses the line, bounded at its end, with `parse`, which
    /// gives the error that line gets.
    public mutating func parseLine(_ buffer: UnsafeRawBufferPointer, at start: Int, into event: inout Event) -> Int? {
        lineBreakIsWhitespace = false
        defer { lineBreakIsWhitespace = true }
        return try? parse(buffer, at: start, into: &event)
    }

    /// Parses exactly one JSON value starting at `buffer[start]` (the caller has skipped any
    /// whitespace before it) and returns the index just past it; whatever follows (a newline, a
    /// comma, trailing garbage) is the caller's business. Slots are relative to `start`.
    ///
    /// The scan never reads past `buffer`, nor more than `maximumEventBytes` + 1 bytes. For NDJSON,
    /// pass a buffer that ends at the line's end, so that a truncated line is reported as such
    /// rather than read on into the next one.
    ///
    /// Throws `MalformedEvent` when the value is not valid JSON, not an object, has a known key of
    /// the wrong type or out of range, or has no valid `timestamp`. When only the content is wrong
    /// (the JSON itself is valid) the error's `valueEnd` tells where the value ended.
    public mutating func parse(_ buffer: UnsafeRawBufferPointer, at start: Int,
                               into event: inout Event) throws(MalformedEvent) -> Int {
        event = Event()
        guard start >= 0, start < buffer.count, let base = buffer.baseAddress else {
            throw MalformedEvent("invalid JSON at column 1: the event is empty")
        }
        let p = (base + start).assumingMemoryBound(to: UInt8.self)
        let available = buffer.count - start
        let limit = EventParser.maximumEventBytes
        // Look at one byte more than the limit, to know an event is too large.
        let clamped = available > limit
        let n = clamped ? limit + 1 : available
        var pending: UInt32 = 0
        let end: Int
        do {
            end = try scanEvent(p, n, &event, &pending)
        } catch {
            if clamped && (error.kind == .unterminatedString || error.at >= n - 12) {
                throw MalformedEvent("the event is larger than 64 MiB")
            }
            throw MalformedEvent(error.describe(p, n), valueEnd: error.kind == .notAnObject ? start + error.detail : nil)
        }
        if end > limit {
            throw MalformedEvent("the event is larger than 64 MiB", valueEnd: start + end)
        }
        if pending != 0 {
            throw MalformedEvent(describePending(pending, p, event), valueEnd: start + end)
        }
        if !event[.timestamp].isPresent {
            throw MalformedEvent("\"timestamp\" is missing", valueEnd: start + end)
        }
        return start + end
    }

    /// The index of the first byte at or after `i` that is not whitespace (or `n`); see
    /// `lineBreakIsWhitespace`.
    @inline(__always)
    func skipWhitespace(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        var i = i
        while i < n {
            let c = p[i]
            // Everything above the space is not whitespace: one compare on the common path.
            if c > 0x20 { return i }
            if c == 0x0A ? !lineBreakIsWhitespace : !JSONBytes.isWhitespace(c) { return i }
            i &+= 1
        }
        return i
    }

    // MARK: - The event object

    @inline(__always)
    mutating func scanEvent(_ p: UnsafePointer<UInt8>, _ n: Int, _ event: inout Event,
                            _ pending: inout UInt32) throws(ScanFailure) -> Int {
        if p[0] != 0x7B {
            let end = try skipValue(p, 0, n, level: 0)
            throw ScanFailure(.notAnObject, at: 0, detail: end)
        }
        var i = skipWhitespace(p, 1, n)
        if i < n && p[i] == 0x7D { return i &+ 1 }
        while true {
            guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
            guard p[i] == 0x22 else { throw ScanFailure(.expectedKey, at: i) }
            let keyStart = i &+ 1
            let key: EventKey?
            // Most keys are ours, spelled plainly: recognized by their bytes, without a scan.
            if let (known, length) = KeyTable.match(p + keyStart, available: n &- keyStart) {
                key = known
                i = keyStart &+ length &+ 1
            } else {
                let run = JSONBytes.scanStringRun(p, keyStart, n)
                if run < n && p[run] == 0x22 {
                    key = KeyTable.lookup(p + keyStart, run &- keyStart)
                    i = run &+ 1
                } else {
                    let (close, escaped) = try scanStringTail(p, quote: i, from: run, n)
                    key = escaped ? lookupEscapedKey(p, keyStart, close)
                                  : KeyTable.lookup(p + keyStart, close &- keyStart)
                    i = close &+ 1
                }
            }
            if i < n && p[i] == 0x3A {
                i &+= 1
            } else {
                i = skipWhitespace(p, i, n)
                guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
                guard p[i] == 0x3A else { throw ScanFailure(.expectedColon, at: i) }
                i &+= 1
            }
            i = skipWhitespace(p, i, n)
            guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
            if let key {
                i = try readKnown(key, p, i, n, &event, &pending)
            } else {
                i = try skipValue(p, i, n, level: 1)
            }
            guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
            var c = p[i]
            if c <= 0x20 {
                i = skipWhitespace(p, i, n)
                guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
                c = p[i]
            }
            if c == 0x2C {
                i = skipWhitespace(p, i &+ 1, n)
                continue
            }
            if c == 0x7D { return i &+ 1 }
            throw ScanFailure(.expectedCommaOrBrace, at: i)
        }
    }

    @inline(never)
    func lookupEscapedKey(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> EventKey? {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw -> EventKey? in
            let out = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard let n = EscapedText.decode(p, from, to, into: out, capacity: 24) else { return nil }
            return KeyTable.lookup(UnsafePointer(out), n)
        }
    }

    // MARK: - Known keys

    @inline(__always)
    func slot(_ start: Int, _ end: Int, _ form: FieldSlot.Form) -> FieldSlot {
        FieldSlot(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: end &- start), form: form)
    }

    /// Reads the value of a known key at `i` (not whitespace); returns the index past it.
    @inline(__always)
    mutating func readKnown(_ key: EventKey, _ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int,
                            _ event: inout Event, _ pending: inout UInt32) throws(ScanFailure) -> Int {
        let bit = UInt32(1) << UInt32(key.rawValue)
        let c = p[i]
        if c == 0x6E { // n: null means absent
            let end = try skipLiteral(p, i, n)
            event[key] = .absent
            if key == .dim5 { event.stepIndex = nil }
            pending &= ~bit
            return end
        }
        var ok = false
        let end: Int
        switch key.kind {
        case .string:
            if c == 0x22 {
                let (close, escaped) = try scanString(p, quote: i, n)
                event[key] = slot(i &+ 1, close, escaped ? .escapedString : .plainString)
                pending &= ~bit
                return close &+ 1
            }
            end = try skipValue(p, i, n, level: 1)
        case .timestamp:
            if c == 0x22 {
                let (close, escaped) = try scanString(p, quote: i, n)
                end = close &+ 1
                let parsed = escaped ? parseEscapedTimestamp(p, i &+ 1, close)
                    : TimestampParser.parse(UnsafeRawBufferPointer(start: p + (i &+ 1), count: close &- i &- 1))
                if let t = parsed {
                    event.timestamp = t
                    event[key] = slot(i &+ 1, close, escaped ? .escapedString : .plainString)
                    ok = true
                }
            } else if c == 0x2D || (c >= 0x30 && c <= 0x39) {
                let (numberEnd, isInteger) = try scanNumber(p, i, n)
                end = numberEnd
                if isInteger, let ms = parseInt64(p, i, end), let t = Timestamp.fromEpochMillis(ms) {
                    event.timestamp = t
                    event[key] = slot(i, end, .number)
                    ok = true
                }
            } else {
                end = try skipValue(p, i, n, level: 1)
            }
        case .stepIndex:
            if c == 0x22 {
                let (close, escaped) = try scanString(p, quote: i, n)
                end = close &+ 1
                let digits = parseDigitString(p, i &+ 1, close, escaped: escaped)
                if digits.isDigits {
                    event.stepIndex = digits.value
                    event[key] = slot(i &+ 1, close, escaped ? .escapedString : .plainString)
                    ok = true
                }
            } else if c == 0x2D || (c >= 0x30 && c <= 0x39) {
                let (numberEnd, isInteger) = try scanNumber(p, i, n)
                end = numberEnd
                if isInteger, let value = parseInt64(p, i, end) {
                    event.stepIndex = value
                    event[key] = slot(i, end, .number)
                    ok = true
                }
            } else {
                end = try skipValue(p, i, n, level: 1)
            }
        case .integer:
            if c == 0x2D || (c >= 0x30 && c <= 0x39) {
                let (numberEnd, isInteger) = try scanNumber(p, i, n)
                end = numberEnd
                if isInteger && parseInt64(p, i, end) != nil {
                    event[key] = slot(i, end, .number)
                    ok = true
                }
            } else {
                end = try skipValue(p, i, n, level: 1)
            }
        case .number:
            if c == 0x2D || (c >= 0x30 && c <= 0x39) {
                let (numberEnd, isInteger) = try scanNumber(p, i, n)
                end = numberEnd
                if (isInteger && end &- i < 300) || isFiniteDouble(p, i, end) {
                    event[key] = slot(i, end, .number)
                    ok = true
                }
            } else {
                end = try skipValue(p, i, n, level: 1)
            }
        case .stringArray:
            if c == 0x5B, let arrayEnd = try scanStringArray(p, i, n) {
                event[key] = slot(i, arrayEnd, .array)
                pending &= ~bit
                return arrayEnd
            }
            end = try skipValue(p, i, n, level: 1)
        }
        if ok {
            pending &= ~bit
        } else {
            // Remember where the bad value is; reported if no later duplicate replaces it.
            pending |= bit
            event[key] = slot(i, end, .absent)
            if key == .dim5 { event.stepIndex = nil }
        }
        return end
    }

    /// An array of strings at `i` (a `[`): the index past it, or nil when an element is not a
    /// string (the caller then skips the array as a plain value, which reports any JSON error).
    @inline(__always)
    func scanStringArray(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) throws(ScanFailure) -> Int? {
        var j = skipWhitespace(p, i &+ 1, n)
        if j < n && p[j] == 0x5D { return j &+ 1 }
        while true {
            guard j < n, p[j] == 0x22 else { return nil }
            j = try scanString(p, quote: j, n).close &+ 1
            j = skipWhitespace(p, j, n)
            guard j < n else { throw ScanFailure(.unexpectedEnd, at: j) }
            if p[j] == 0x5D { return j &+ 1 }
            guard p[j] == 0x2C else { throw ScanFailure(.expectedCommaOrBracket, at: j) }
            j = skipWhitespace(p, j &+ 1, n)
        }
    }

    @inline(never)
    func parseEscapedTimestamp(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Timestamp? {
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { raw -> Timestamp? in
            let out = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard let n = EscapedText.decode(p, from, to, into: out, capacity: 64) else { return nil }
            return TimestampParser.parse(UnsafeRawBufferPointer(start: out, count: n))
        }
    }

    /// A `dim5` string: whether it is one or more ASCII digits, and then its value, nil when it
    /// does not fit an Int64.
    @inline(__always)
    func parseDigitString(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, escaped: Bool) -> (isDigits: Bool, value: Int64?) {
        var value: Int64 = 0
        var fits = true
        var count = 0
        var digits = true
        @inline(__always) func add(_ c: UInt8) -> Bool {
            guard c >= 0x30 && c <= 0x39 else { digits = false; return false }
            count &+= 1
            if fits {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(c &- 0x30))
                if o1 || o2 { fits = false } else { value = s }
            }
            return true
        }
        if escaped {
            EscapedText.forEachByte(p, from, to) { add($0) }
        } else {
            var k = from
            while k < to && add(p[k]) { k &+= 1 }
        }
        guard digits && count > 0 else { return (false, nil) }
        return (true, fits ? value : nil)
    }

    // MARK: - Numbers

    /// A strict JSON number at `i` (a `-` or a digit): the index past it and whether it is an
    /// integer (no fraction, no exponent).
    @inline(__always)
    func scanNumber(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) throws(ScanFailure) -> (end: Int, isInteger: Bool) {
        @inline(__always) func isDigit(_ k: Int) -> Bool { k < n && p[k] &- 0x30 < 10 }
        var j = i
        if p[j] == 0x2D { j &+= 1 }
        guard j < n else { throw ScanFailure(.unexpectedEnd, at: j) }
        if p[j] == 0x30 {
            j &+= 1
        } else if p[j] &- 0x31 < 9 {
            j &+= 1
            while isDigit(j) { j &+= 1 }
        } else {
            throw ScanFailure(p[j] == 0x49 ? .nonJSONConstant : .invalidNumber, at: i)
        }
        var isInteger = true
        if j < n && p[j] == 0x2E {
            j &+= 1
            guard isDigit(j) else { throw ScanFailure(j < n ? .invalidNumber : .unexpectedEnd, at: j < n ? i : j) }
            while isDigit(j) { j &+= 1 }
            isInteger = false
        }
        if j < n && p[j] | 0x20 == 0x65 {
            j &+= 1
            if j < n && (p[j] == 0x2B || p[j] == 0x2D) { j &+= 1 }
            guard isDigit(j) else { throw ScanFailure(j < n ? .invalidNumber : .unexpectedEnd, at: j < n ? i : j) }
            while isDigit(j) { j &+= 1 }
            isInteger = false
        }
        if isDigit(j) { throw ScanFailure(.invalidNumber, at: i) } // a leading zero
        return (j, isInteger)
    }

    /// The integer text at `from ..< to` (validated JSON) as an Int64, or nil when it does not fit.
    @inline(__always)
    func parseInt64(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int64? {
        var k = from
        let negative = p[k] == 0x2D
        if negative { k &+= 1 }
        if to &- k > 19 { return nil }
        var magnitude: UInt64 = 0
        while k < to {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(p[k] &- 0x30))
            if o1 || o2 { return nil }
            magnitude = s
            k &+= 1
        }
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude > UInt64(Int64.max) ? nil : Int64(magnitude)
    }

    /// Whether the number text at `from ..< to` (validated JSON) reads as a finite double. Decided from the decimal exponent of the leading digit; only
    /// magnitudes near `Double.greatestFiniteMagnitude` (1e308 ≤ |x| < 1e309) go to `strtod`.
    func isFiniteDouble(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var k = from
        if p[k] == 0x2D { k &+= 1 }
        let intStart = k
        while k < to && p[k] &- 0x30 < 10 { k &+= 1 }
        let intEnd = k
        var fracStart = k
        var fracEnd = k
        if k < to && p[k] == 0x2E {
            k &+= 1
            fracStart = k
            while k < to && p[k] &- 0x30 < 10 { k &+= 1 }
            fracEnd = k
        }
        var exponent = 0
        if k < to {
            k &+= 1 // e or E
            var negative = false
            if p[k] == 0x2D { negative = true; k &+= 1 } else if p[k] == 0x2B { k &+= 1 }
            while k < to {
                if exponent < 100_000_000 { exponent = exponent &* 10 &+ Int(p[k] &- 0x30) }
                k &+= 1
            }
            if negative { exponent = -exponent }
        }
        // The power of ten of the first non-zero digit.
        var magnitude: Int? = nil
        var d = intStart
        while d < intEnd && p[d] == 0x30 { d &+= 1 }
        if d < intEnd {
            magnitude = (intEnd &- d &- 1) &+ exponent
        } else {
            d = fracStart
            while d < fracEnd && p[d] == 0x30 { d &+= 1 }
            if d < fracEnd { magnitude = exponent &- (d &- fracStart &+ 1) }
        }
        guard let m = magnitude else { return true } // zero
        if m < 308 { return true }
        if m > 308 { return false }
        return strtodIsFinite(p, from, to)
    }

    @inline(never)
    func strtodIsFinite(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        // On the stack for any realistic length (the standard library allocates past its limit).
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: to &- from &+ 1) { text -> Bool in
            UnsafeMutableRawPointer(text.baseAddress!).copyMemory(from: p + from, byteCount: to &- from)
            text[to &- from] = 0
            return strtod(text.baseAddress!, nil).isFinite
        }
    }

    // MARK: - Generic JSON

    /// A string whose opening quote is at `quote`: the index of its closing quote, and whether it
    /// has escapes.
    @inline(__always)
    func scanString(_ p: UnsafePointer<UInt8>, quote: Int, _ n: Int) throws(ScanFailure) -> (close: Int, escaped: Bool) {
        let run = JSONBytes.scanStringRun(p, quote &+ 1, n)
        if run < n && p[run] == 0x22 { return (run, false) }
        return try scanStringTail(p, quote: quote, from: run, n)
    }

    /// The rest of a string from `i`, where a plain ASCII run stopped.
    func scanStringTail(_ p: UnsafePointer<UInt8>, quote: Int, from i: Int, _ n: Int) throws(ScanFailure) -> (close: Int, escaped: Bool) {
        var i = i
        var escaped = false
        while true {
            guard i < n else { throw ScanFailure(.unterminatedString, at: quote) }
            let c = p[i]
            if c == 0x22 { return (i, escaped) }
            if c == 0x5C {
                var problem: JSONBytes.EscapeProblem? = nil
                var ignored = 0
                let r = JSONBytes.checkEscape(p, i, n, problem: &problem, next: &ignored)
                if let problem {
                    switch problem {
                    case .unterminated: throw ScanFailure(.unterminatedString, at: quote)
                    case .invalidEscape: throw ScanFailure(.invalidEscape, at: r)
                    case .invalidUnicodeEscape: throw ScanFailure(.invalidUnicodeEscape, at: r)
                    case .loneSurrogate: throw ScanFailure(.loneSurrogate, at: r)
                    }
                }
                escaped = true
                i = r
            } else if c < 0x20 {
                throw ScanFailure(.controlCharacter, at: i)
            } else if c >= 0x80 {
                let length = JSONBytes.utf8SequenceLength(p, i, n)
                if length == 0 { throw ScanFailure(.invalidUTF8, at: i) }
                i &+= length
            }
            i = JSONBytes.scanStringRun(p, i, n)
        }
    }

    @inline(__always)
    func skipLiteral(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) throws(ScanFailure) -> Int {
        let length: Int
        let word: UInt32
        switch p[i] {
        case 0x6E: length = 4; word = 0x6C6C_756E // null
        case 0x74: length = 4; word = 0x6575_7274 // true
        default: length = 5; word = 0x736C_6166 // fals(e)
        }
        guard i &+ length <= n else {
            // Report a wrong letter before the end of the event, if any.
            var k = i
            let literal: StaticString = length == 5 ? "false" : (p[i] == 0x6E ? "null" : "true")
            while k < n { if p[k] != literal.utf8Start[k &- i] { throw ScanFailure(.invalidLiteral, at: i) }; k &+= 1 }
            throw ScanFailure(.unexpectedEnd, at: n)
        }
        let w = UInt32(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self))
        guard w == word, length == 4 || p[i &+ 4] == 0x65 else { throw ScanFailure(.invalidLiteral, at: i) }
        return i &+ length
    }

    /// Validates and skips any JSON value at `i`, inside a container at `level`.
    func skipValue(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int, level: Int) throws(ScanFailure) -> Int {
        guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
        switch p[i] {
        case 0x22: return try scanString(p, quote: i, n).close &+ 1
        case 0x2D, 0x30...0x39: return try scanNumber(p, i, n).end
        case 0x6E, 0x74, 0x66: return try skipLiteral(p, i, n)
        case 0x7B, 0x5B: return try skipContainer(p, i, n, level: level)
        case 0x4E, 0x49: throw ScanFailure(.nonJSONConstant, at: i)
        default: throw ScanFailure(.expectedValue, at: i)
        }
    }

    /// Validates and skips an object or array at `start`, without recursion: a bit per level
    /// remembers which kind of container is open.
    func skipContainer(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int, level: Int) throws(ScanFailure) -> Int {
        var kinds: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        return try withUnsafeMutableBytes(of: &kinds) { raw throws(ScanFailure) -> Int in
            let isObject = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            @inline(__always) func setObject(_ d: Int, _ yes: Bool) {
                if yes { isObject[d &>> 6] |= 1 << UInt64(d & 63) } else { isObject[d &>> 6] &= ~(1 << UInt64(d & 63)) }
            }
            @inline(__always) func inObject(_ d: Int) -> Bool { isObject[d &>> 6] & (1 << UInt64(d & 63)) != 0 }

            enum State { case open, key, value, after }
            var depth = level
            var i = start
            var state = State.open
            while true {
                switch state {
                case .open:
                    depth &+= 1
                    if depth > EventParser.maximumDepth { throw ScanFailure(.tooDeep, at: i) }
                    let object = p[i] == 0x7B
                    setObject(depth, object)
                    i = skipWhitespace(p, i &+ 1, n)
                    guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
                    if p[i] == (object ? 0x7D : 0x5D) {
                        i &+= 1
                        depth &-= 1
                        if depth == level { return i }
                        state = .after
                    } else {
                        state = object ? .key : .value
                    }
                case .key:
                    guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
                    guard p[i] == 0x22 else { throw ScanFailure(.expectedKey, at: i) }
                    i = skipWhitespace(p, try scanString(p, quote: i, n).close &+ 1, n)
                    guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
                    guard p[i] == 0x3A else { throw ScanFailure(.expectedColon, at: i) }
                    i = skipWhitespace(p, i &+ 1, n)
                    state = .value
                case .value:
                    guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
                    let c = p[i]
                    if c == 0x7B || c == 0x5B {
                        state = .open
                    } else {
                        i = try skipValue(p, i, n, level: depth)
                        state = .after
                    }
                case .after:
                    i = skipWhitespace(p, i, n)
                    guard i < n else { throw ScanFailure(.unexpectedEnd, at: i) }
                    let object = inObject(depth)
                    let c = p[i]
                    if c == 0x2C {
                        i = skipWhitespace(p, i &+ 1, n)
                        state = object ? .key : .value
                    } else if c == (object ? 0x7D : 0x5D) {
                        i &+= 1
                        depth &-= 1
                        if depth == level { return i }
                    } else {
                        throw ScanFailure(object ? .expectedCommaOrBrace : .expectedCommaOrBracket, at: i)
                    }
                }
            }
        }
    }
}

extension MalformedEvent {
    init(_ reason: String, valueEnd: Int?) {
        self.init(reason)
        self.valueEnd = valueEnd
    }
}
