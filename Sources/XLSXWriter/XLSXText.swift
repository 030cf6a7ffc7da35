/// Text as SpreadsheetML carries it (SPEC §7), on raw UTF-8 bytes, without allocating.
///
/// Cell text (`escapeCell`):
/// - `&`, `<`, `>` become entities; CR becomes `&#13;` (a raw CR would come back as LF, since XML
///   parsers normalise line ends); TAB and LF are written as they are.
/// - Characters XML 1.0 cannot carry — U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE,
///   U+FFFF — become `_xHHHH_` (upper-case hex, as Excel writes them).
/// - A literal `_xHHHH_` (H a hex digit of either case) gets its `_` written as `_x005F_`, so a
///   reader that decodes `_xHHHH_` gives back the original text.
/// - Bytes that are not valid UTF-8 (the input should never have them, but hostile input must not
///   make a file Excel refuses) become U+FFFD, one per bad byte.
///
/// Fast path: a 256-entry table flags the bytes that need a look (`<`, `&`, `>`, `_`, controls,
/// and every byte ≥ 0x80, for validation and U+FFFE/U+FFFF); runs of other bytes are copied whole.
enum XMLText {
    /// Excel's limit on a cell's length, in UTF-16 code units.
    static let cellLimit = 32_767
    /// The most UTF-8 bytes a cut cell keeps: 3 per UTF-16 unit (a 3-byte character, or a bad
    /// byte that becomes U+FFFD, is one unit; a 4-byte character is two).
    static let maxCellBytes = 3 * cellLimit
    /// The most bytes one input byte can become (`\u{1}` → `_x0001_`).
    static let maxExpansion = 7

    /// 1 for bytes that leave the fast path.
    static let special: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 {
            var s = false
            if b < 0x20 && b != 0x09 && b != 0x0A { s = true }
            if b == 0x26 || b == 0x3C || b == 0x3E || b == 0x5F || b >= 0x80 { s = true }
            t[b] = s ? 1 : 0
        }
        return UnsafePointer(t)
    }()

    @inline(__always) static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }

    /// Length of the valid UTF-8 sequence led by `p[0]` (≥ 0x80) within `avail` bytes, or 0.
    @inline(__always) static func sequenceLength(_ p: UnsafePointer<UInt8>, _ avail: Int) -> Int {
        let b0 = p[0]
        @inline(__always) func cont(_ i: Int) -> Bool { p[i] & 0xC0 == 0x80 }
        if b0 < 0xC2 { return 0 }
        if b0 < 0xE0 { return avail >= 2 && cont(1) ? 2 : 0 }
        if b0 < 0xF0 {
            guard avail >= 3, cont(1), cont(2) else { return 0 }
            let b1 = p[1]
            if b0 == 0xE0 && b1 < 0xA0 { return 0 }      // overlong
            if b0 == 0xED && b1 >= 0xA0 { return 0 }     // surrogates
            return 3
        }
        if b0 < 0xF5 {
            guard avail >= 4, cont(1), cont(2), cont(3) else { return 0 }
            let b1 = p[1]
            if b0 == 0xF0 && b1 < 0x90 { return 0 }      // overlong
            if b0 == 0xF4 && b1 >= 0x90 { return 0 }     // beyond U+10FFFF
            return 4
        }
        return 0
    }

    @inline(__always) static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x37 + v }

    /// Writes `_xHHHH_` for a BMP code point.
    @inline(__always) static func putEscaped(_ code: UInt16, _ d: UnsafeMutablePointer<UInt8>) -> Int {
        d[0] = 0x5F; d[1] = 0x78
        d[2] = hexDigit(UInt8(code >> 12)); d[3] = hexDigit(UInt8(code >> 8 & 0xF))
        d[4] = hexDigit(UInt8(code >> 4 & 0xF)); d[5] = hexDigit(UInt8(code & 0xF))
        d[6] = 0x5F
        return 7
    }

    /// Escapes `n` bytes of cell text at `src` into `dst` (room for `n * maxExpansion` bytes);
    /// returns the bytes written.
    static func escapeCell(_ src: UnsafePointer<UInt8>, _ n: Int, into dst: UnsafeMutablePointer<UInt8>) -> Int {
        let table = special
        var i = 0
        var o = 0
        while i < n {
            let runStart = i
            while i < n && table[Int(src[i])] == 0 { i += 1 }
            if i > runStart {
                (dst + o).update(from: src + runStart, count: i - runStart)
                o += i - runStart
                if i == n { break }
            }
            let c = src[i]
            switch c {
            case 0x26: // &
                dst[o] = 0x26; dst[o + 1] = 0x61; dst[o + 2] = 0x6D; dst[o + 3] = 0x70; dst[o + 4] = 0x3B
                o += 5; i += 1
            case 0x3C: // <
                dst[o] = 0x26; dst[o + 1] = 0x6C; dst[o + 2] = 0x74; dst[o + 3] = 0x3B
                o += 4; i += 1
            case 0x3E: // >
                dst[o] = 0x26; dst[o + 1] = 0x67; dst[o + 2] = 0x74; dst[o + 3] = 0x3B
                o += 4; i += 1
            case 0x0D: // CR, which XML would read back as LF
                dst[o] = 0x26; dst[o + 1] = 0x23; dst[o + 2] = 0x31; dst[o + 3] = 0x33; dst[o + 4] = 0x3B
                o += 5; i += 1
            case 0x5F: // _ : escape it only where `_xHHHH_` follows
                if i + 6 < n && src[i + 1] == 0x78 && isHex(src[i + 2]) && isHex(src[i + 3])
                    && isHex(src[i + 4]) && isHex(src[i + 5]) && src[i + 6] == 0x5F {
                    o += putEscaped(0x5F, dst + o)
                } else {
                    dst[o] = 0x5F
                    o += 1
                }
                i += 1
            default:
                if c < 0x20 {
                    o += putEscaped(UInt16(c), dst + o)
                    i += 1
                } else {
                    let len = sequenceLength(src + i, n - i)
                    if len == 0 { // not UTF-8: U+FFFD
                        dst[o] = 0xEF; dst[o + 1] = 0xBF; dst[o + 2] = 0xBD
                        o += 3; i += 1
                    } else if len == 3 && c == 0xEF && src[i + 1] == 0xBF && src[i + 2] >= 0xBE {
                        o += putEscaped(src[i + 2] == 0xBE ? 0xFFFE : 0xFFFF, dst + o)
                        i += 3
                    } else {
                        for k in 0..<len { dst[o + k] = src[i + k] }
                        o += len; i += len
                    }
                }
            }
        }
        return o
    }

    /// The byte length of the longest prefix of `src[0..<n]` that is at most `cellLimit` UTF-16
    /// code units (never splitting a character, so never a surrogate pair), or nil when the
    /// whole text fits. A byte that is not UTF-8 counts as the one U+FFFD it becomes.
    static func cutLength(_ src: UnsafePointer<UInt8>, _ n: Int, limit: Int = cellLimit) -> Int? {
        if n <= limit { return nil } // UTF-16 units never exceed UTF-8 bytes
        var i = 0
        var units = 0
        while i < n {
            let c = src[i]
            var len = 1
            var u = 1
            if c >= 0x80 {
                len = sequenceLength(src + i, n - i)
                if len == 0 { len = 1 } else if len == 4 { u = 2 }
            }
            if units + u > limit { return i }
            units += u
            i += len
        }
        return nil
    }

    /// Characters (code points, roughly what a column shows) in `n` bytes of UTF-8.
    @inline(__always) static func characterCount(_ src: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var count = 0
        for i in 0..<n where src[i] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Whether text needs `xml:space="preserve"`: it begins or ends with white space.
    @inline(__always) static func needsPreserve(_ src: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n > 0 else { return false }
        @inline(__always) func ws(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        return ws(src[0]) || ws(src[n - 1])
    }

    /// Escapes metadata text (sheet names, the title) for an element or a double-quoted attribute:
    /// entities for `& < > "`, character references for TAB/LF/CR, U+FFFD for what XML cannot carry.
    static func escapeMeta(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x26: out += "&amp;"
            case 0x3C: out += "&lt;"
            case 0x3E: out += "&gt;"
            case 0x22: out += "&quot;"
            case 0x09: out += "&#9;"
            case 0x0A: out += "&#10;"
            case 0x0D: out += "&#13;"
            case 0..<0x20, 0xFFFE, 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
