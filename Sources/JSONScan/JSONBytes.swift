import CVectorScan

/// Byte-level building blocks for strict RFC 8259 scanning, shared by `JSONValue.parse` and the
/// event scanner. Everything works on raw pointers with explicit end indexes and never reads at or
/// past `end`; callers guarantee `0 <= i <= end` and that `p ..< p + end` is readable.
public enum JSONBytes {
    @inlinable @inline(__always)
    public static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }

    /// The index of the first non-whitespace byte at or after `i` (or `end`).
    @inlinable @inline(__always)
    public static func skipWhitespace(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        var i = i
        while i < end {
            let c = p[i]
            // Everything above the space is not whitespace: one compare on the common path.
            if c > 0x20 || !isWhitespace(c) { return i }
            i &+= 1
        }
        return i
    }

    @inlinable @inline(__always)
    public static func load64(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// Bit 7 is set in each byte of `w` that ends a plain run inside a string: `"`, `\`, a control
    /// byte (< 0x20) or a non-ASCII byte (≥ 0x80). Bytes above the lowest flagged one may be false
    /// positives (borrows), so only `trailingZeroBitCount` of the result is meaningful.
    @inlinable @inline(__always)
    public static func stringStopMask(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let q = w ^ 0x2222_2222_2222_2222
        let b = w ^ 0x5C5C_5C5C_5C5C_5C5C
        let quote = (q &- ones) & ~q
        let backslash = (b &- ones) & ~b
        let control = (w &- 0x2020_2020_2020_2020) & ~w
        return (quote | backslash | control | w) & high
    }

    /// The index of the first byte at or after `i` that is `"`, `\`, a control byte or non-ASCII,
    /// or `end`. Sixteen bytes at a time where the processor has vectors (`CVectorScan`), then
    /// eight, then one.
    @inlinable @inline(__always)
    public static func scanStringRun(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        var i = i
        if vector_scan_string_stop(p, i, end, &i) != 0 { return i }
        while i &+ 8 <= end {
            let m = stringStopMask(load64(p + i))
            if m != 0 { return i &+ (m.trailingZeroBitCount &>> 3) }
            i &+= 8
        }
        while i < end {
            let c = p[i]
            if c == 0x22 || c == 0x5C || c < 0x20 || c >= 0x80 { return i }
            i &+= 1
        }
        return i
    }

    /// Validates the UTF-8 sequence whose lead byte (≥ 0x80) is at `i`: returns its length (2–4),
    /// or 0 when it is not well-formed (see `utf8Error` for why). Overlong forms, encoded
    /// surrogates (U+D800–U+DFFF), code points above U+10FFFF and truncated sequences are rejected.
    @inlinable @inline(__always)
    public static func utf8SequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let c0 = p[i]
        if c0 < 0xC2 { return 0 }
        if c0 < 0xE0 {
            guard i &+ 1 < end, p[i &+ 1] & 0xC0 == 0x80 else { return 0 }
            return 2
        }
        if c0 < 0xF0 {
            guard i &+ 2 < end else { return 0 }
            let c1 = p[i &+ 1]
            let c2 = p[i &+ 2]
            guard c1 & 0xC0 == 0x80, c2 & 0xC0 == 0x80 else { return 0 }
            if c0 == 0xE0 && c1 < 0xA0 { return 0 }
            if c0 == 0xED && c1 > 0x9F { return 0 }
            return 3
        }
        if c0 < 0xF5 {
            guard i &+ 3 < end else { return 0 }
            let c1 = p[i &+ 1]
            guard c1 & 0xC0 == 0x80, p[i &+ 2] & 0xC0 == 0x80, p[i &+ 3] & 0xC0 == 0x80 else { return 0 }
            if c0 == 0xF0 && c1 < 0x90 { return 0 }
            if c0 == 0xF4 && c1 > 0x8F { return 0 }
            return 4
        }
        return 0
    }

    /// Why a UTF-8 sequence fails, in the terms of Python's decoder.
    public enum UTF8Problem: Sendable, Equatable {
        case invalidStartByte
        case invalidContinuationByte
        case unexpectedEndOfData

        public var pythonText: String {
            switch self {
            case .invalidStartByte: return "invalid start byte"
            case .invalidContinuationByte: return "invalid continuation byte"
            case .unexpectedEndOfData: return "unexpected end of data"
            }
        }
    }

    /// Describes the ill-formed sequence at `i` the way Python's UTF-8 decoder does: the problem
    /// and the length of the maximal well-formed prefix (at least 1 byte).
    public static func utf8Error(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (problem: UTF8Problem, length: Int) {
        let c0 = p[i]
        let needed: Int
        switch c0 {
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return (.invalidStartByte, 1)
        }
        var k = 1
        while k < needed {
            if i + k >= end { return (.unexpectedEndOfData, k) }
            let c = p[i + k]
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            if k == 1 {
                switch c0 {
                case 0xE0: lo = 0xA0
                case 0xED: hi = 0x9F
                case 0xF0: lo = 0x90
                case 0xF4: hi = 0x8F
                default: break
                }
            }
            if c < lo || c > hi { return (.invalidContinuationByte, k) }
            k += 1
        }
        return (.invalidContinuationByte, k) // not reached for a sequence utf8SequenceLength rejected
    }

    /// The first index in `i ..< end` where the bytes are not well-formed UTF-8, or nil.
    public static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
        var i = i
        while i < end {
            while i &+ 8 <= end && load64(p + i) & 0x8080_8080_8080_8080 == 0 { i &+= 8 }
            guard i < end else { break }
            if p[i] < 0x80 { i &+= 1; continue }
            let n = utf8SequenceLength(p, i, end)
            if n == 0 { return i }
            i &+= n
        }
        return nil
    }

    @inlinable @inline(__always)
    public static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c &- 0x30)
        case 0x41...0x46: return UInt32(c &- 0x37)
        case 0x61...0x66: return UInt32(c &- 0x57)
        default: return nil
        }
    }

    /// The value of four hex digits at `i ..< i+4` (the caller checked they exist), or nil.
    @inlinable @inline(__always)
    public static func hex4(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt32? {
        guard let a = hexValue(p[i]), let b = hexValue(p[i &+ 1]), let c = hexValue(p[i &+ 2]),
              let d = hexValue(p[i &+ 3]) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    /// The outcome of checking one escape sequence.
    public enum EscapeProblem: UInt8, Sendable {
        /// The input ends right after the backslash.
        case unterminated
        /// The character after the backslash is not one of `"\/bfnrtu`; at the backslash.
        case invalidEscape
        /// `\u` not followed by four hex digits (Python also says so when nothing follows the
        /// digits); at the `u` of the faulty escape.
        case invalidUnicodeEscape
        /// A `\u` escape leaves a lone surrogate; at the `u` of that escape.
        case loneSurrogate
    }

    /// Checks the escape whose backslash is at `i`. On success returns the index just past it (a
    /// surrogate pair counts as one escape) and leaves `problem` nil. On failure returns the index
    /// where the problem is reported and sets `problem`. A lone surrogate is reported with
    /// `next` set to the index past the escape, so a lenient caller can continue.
    ///
    /// The bounds follow Python's scanner: a `\uXXXX` needs at least one more character after it
    /// (a closing quote, at least), and a low surrogate is only looked for when that holds for it too.
    @inlinable @inline(__always)
    public static func checkEscape(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int,
                                   problem: inout EscapeProblem?, next: inout Int) -> Int {
        let e = i &+ 1
        if e >= end { problem = .unterminated; return i }
        switch p[e] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            return i &+ 2
        case 0x75: // u
            if e &+ 5 >= end { problem = .invalidUnicodeEscape; return e }
            guard let c = hex4(p, e &+ 1) else { problem = .invalidUnicodeEscape; return e }
            let after = e &+ 5
            if c & 0xF800 != 0xD800 { return after }
            if c >= 0xDC00 { problem = .loneSurrogate; next = after; return e }
            // A high surrogate: a low one must follow as `\uDC00`–`\uDFFF`.
            if after &+ 6 < end && p[after] == 0x5C && p[after &+ 1] == 0x75 {
                guard let c2 = hex4(p, after &+ 2) else { problem = .invalidUnicodeEscape; return after &+ 1 }
                if c2 & 0xFC00 == 0xDC00 { return after &+ 6 }
            }
            problem = .loneSurrogate
            next = after
            return e
        default:
            problem = .invalidEscape
            return i
        }
    }

    /// Appends the UTF-8 encoding of `scalar` (≤ U+10FFFF, not a surrogate) at `out`; returns
    /// the number of bytes written (1–4).
    @inlinable @inline(__always)
    public static func encodeUTF8(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if scalar < 0x80 {
            out[0] = UInt8(truncatingIfNeeded: scalar)
            return 1
        }
        if scalar < 0x800 {
            out[0] = UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6)
            out[1] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 2
        }
        if scalar < 0x10000 {
            out[0] = UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12)
            out[1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
            out[2] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return 3
        }
        out[0] = UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18)
        out[1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F)
        out[2] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
        out[3] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
        return 4
    }

    /// Decodes one escape of an already validated string at `i` (a backslash) into `out` (room
    /// for 4 bytes); returns (bytes written, index past the escape).
    @inlinable @inline(__always)
    public static func decodeEscape(_ p: UnsafePointer<UInt8>, _ i: Int,
                                    to out: UnsafeMutablePointer<UInt8>) -> (written: Int, next: Int) {
        let c = p[i &+ 1]
        switch c {
        case 0x62: out[0] = 0x08
        case 0x66: out[0] = 0x0C
        case 0x6E: out[0] = 0x0A
        case 0x72: out[0] = 0x0D
        case 0x74: out[0] = 0x09
        case 0x75:
            let hi = hex4(p, i &+ 2) ?? 0xFFFD
            if hi & 0xFC00 == 0xD800, let lo = hex4(p, i &+ 8) {
                let scalar = 0x10000 &+ ((hi &- 0xD800) << 10 | (lo &- 0xDC00))
                return (encodeUTF8(scalar, to: out), i &+ 12)
            }
            return (encodeUTF8(hi, to: out), i &+ 6)
        default: out[0] = c // " \ /
        }
        return (1, i &+ 2)
    }

    /// Decodes one escape of an already validated string at `i` (a backslash) onto the end of
    /// `bytes`; returns the index past the escape.
    @inlinable
    public static func appendDecodedEscape(_ p: UnsafePointer<UInt8>, _ i: Int, to bytes: inout [UInt8]) -> Int {
        var four: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &four) { raw -> Int in
            let out = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let (written, next) = decodeEscape(p, i, to: out)
            bytes.append(contentsOf: UnsafeBufferPointer(start: out, count: written))
            return next
        }
    }
}
