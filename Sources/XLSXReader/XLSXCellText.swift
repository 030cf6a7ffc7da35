import Timestamps
/// Cell-level conversions of SpreadsheetML: `_xHHHH_` escapes, cell references, date serials and
/// number formats.
public enum XLSXCellText {
    /// Decodes the `_xHHHH_` escapes of OOXML text (ECMA-376 ST_Xstring) the way Excel does:
    /// each escape is one UTF-16 code unit (hex digits in either case), so `_x000D_` is CR and
    /// `_x005F_` is `_` (which is how a literal `_x0041_` is written: `_x005F_x0041_`). Escapes of
    /// surrogates pair up into one character; a lone surrogate becomes U+FFFD.
    public static func unescape(_ bytes: [UInt8]) -> String {
        // Fast path: no "_x" at all.
        var i = 0
        let n = bytes.count
        var found = false
        while i + 6 < n {
            if bytes[i] == 0x5F && bytes[i + 1] == 0x78 { found = true; break }
            i += 1
        }
        if !found { return String(decoding: bytes, as: UTF8.self) }

        var units: [UInt16] = []
        units.reserveCapacity(n)
        var plain: [UInt8] = []
        func flush() {
            if !plain.isEmpty {
                units.append(contentsOf: String(decoding: plain, as: UTF8.self).utf16)
                plain.removeAll(keepingCapacity: true)
            }
        }
        i = 0
        while i < n {
            if bytes[i] == 0x5F, i + 6 < n, bytes[i + 1] == 0x78, bytes[i + 6] == 0x5F,
               let h = hex4(bytes, i + 2) {
                flush()
                units.append(h)
                i += 7
            } else {
                plain.append(bytes[i])
                i += 1
            }
        }
        flush()
        return String(decoding: units, as: UTF16.self)
    }

    public static func unescape(_ s: String) -> String { unescape(Array(s.utf8)) }

    @inline(__always) private static func hexDigit(_ c: UInt8) -> UInt16? {
        switch c {
        case 0x30...0x39: return UInt16(c - 0x30)
        case 0x41...0x46: return UInt16(c - 0x41 + 10)
        case 0x61...0x66: return UInt16(c - 0x61 + 10)
        default: return nil
        }
    }

    private static func hex4(_ b: [UInt8], _ at: Int) -> UInt16? {
        guard let a = hexDigit(b[at]), let c = hexDigit(b[at + 1]), let d = hexDigit(b[at + 2]),
              let e = hexDigit(b[at + 3]) else { return nil }
        return a << 12 | c << 8 | d << 4 | e
    }

    /// Parses a cell reference such as `C5` into a 1-based (column, row). Nil if malformed or
    /// outside Excel's grid (XFD1048576).
    public static func parseReference(_ p: UnsafePointer<UInt8>) -> (column: Int, row: Int)? {
        var i = 0
        var column = 0
        while true {
            var c = p[i]
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            guard c >= 0x41 && c <= 0x5A else { break }
            column = column * 26 + Int(c - 0x40)
            if column > maxColumns { return nil }
            i += 1
        }
        guard column > 0 else { return nil }
        var row = 0
        let digitsStart = i
        while p[i] >= 0x30 && p[i] <= 0x39 {
            row = row * 10 + Int(p[i] - 0x30)
            if row > maxRows { return nil }
            i += 1
        }
        guard i > digitsStart, p[i] == 0, row >= 1 else { return nil }
        return (column, row)
    }

    public static func parseReference(_ s: String) -> (column: Int, row: Int)? {
        s.withCString { c in c.withMemoryRebound(to: UInt8.self, capacity: s.utf8.count + 1) { parseReference($0) } }
    }

    public static let maxColumns = 16_384
    public static let maxRows = 1_048_576

    /// The column letters of a 1-based column number (1 → A, 28 → AB).
    public static func columnName(_ column: Int) -> String {
        var c = column
        var letters: [UInt8] = []
        while c > 0 {
            let r = (c - 1) % 26
            letters.append(UInt8(0x41 + r))
            c = (c - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// Parses a positive decimal integer attribute (`r` of a row, a shared string index).
    static func parseIndex(_ p: UnsafePointer<UInt8>?, max: Int) -> Int? {
        guard let p, p[0] != 0 else { return nil }
        var i = 0, v = 0
        while p[i] != 0 {
            guard p[i] >= 0x30 && p[i] <= 0x39 else { return nil }
            v = v * 10 + Int(p[i] - 0x30)
            if v > max { return nil }
            i += 1
        }
        return v
    }

    /// Parses a non-negative decimal integer written as bytes.
    static func parseIndex(_ b: [UInt8], max: Int) -> Int? {
        guard !b.isEmpty else { return nil }
        var v = 0
        for c in b {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
            if v > max { return nil }
        }
        return v
    }

    /// True if `text` is a plain decimal number as SpreadsheetML writes them (`-1.5E+10`):
    /// sign, digits, optional fraction and exponent. No hex, no `inf`/`nan`, no spaces.
    public static func isNumber(_ text: [UInt8]) -> Bool {
        var i = 0
        let n = text.count
        if i < n && (text[i] == 0x2D || text[i] == 0x2B) { i += 1 }
        var digits = 0
        while i < n && text[i] >= 0x30 && text[i] <= 0x39 { i += 1; digits += 1 }
        if i < n && text[i] == 0x2E {
            i += 1
            while i < n && text[i] >= 0x30 && text[i] <= 0x39 { i += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if i < n && (text[i] == 0x45 || text[i] == 0x65) {
            i += 1
            if i < n && (text[i] == 0x2D || text[i] == 0x2B) { i += 1 }
            var e = 0
            while i < n && text[i] >= 0x30 && text[i] <= 0x39 { i += 1; e += 1 }
            guard e > 0 else { return false }
        }
        return i == n
    }

    // MARK: Dates

    /// Renders an Excel date serial as `YYYY-MM-DD HH:MM:SS.mmm`, rounded to the nearest
    /// millisecond. 1900 system: 1 is 1900-01-01, 60 is Excel's fictitious 1900-02-29, 61 is
    /// 1900-03-01; 0 renders as 1899-12-31. 1904 system: 0 is 1904-01-01. Nil where the serial is
    /// negative or past 9999-12-31 (Excel shows `####` there).
    public static func dateText(serial: Double, date1904: Bool = false) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        let totalMillis = Int64((serial * 86_400_000).rounded())
        var days = totalMillis / 86_400_000
        let ms = totalMillis % 86_400_000
        var civil: (year: Int, month: Int, day: Int)
        if date1904 {
            civil = Civil.date(days: days + Civil.days(year: 1904, month: 1, day: 1))
        } else if days == 60 {
            civil = (1900, 2, 29)
        } else {
            if days < 60 { days += 1 } // serials before the fictitious day count from 1899-12-31
            civil = Civil.date(days: days + Civil.days(year: 1899, month: 12, day: 30))
        }
        guard civil.year <= 9999 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(23)
        func put(_ v: Int64, _ width: Int) {
            var digits = [UInt8](repeating: 0x30, count: width)
            var x = v
            for k in stride(from: width - 1, through: 0, by: -1) { digits[k] = UInt8(0x30 + x % 10); x /= 10 }
            out.append(contentsOf: digits)
        }
        put(Int64(civil.year), 4); out.append(0x2D); put(Int64(civil.month), 2); out.append(0x2D); put(Int64(civil.day), 2)
        out.append(0x20)
        put(ms / 3_600_000, 2); out.append(0x3A); put(ms / 60_000 % 60, 2); out.append(0x3A)
        put(ms / 1000 % 60, 2); out.append(0x2E); put(ms % 1000, 3)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Number formats

    /// Built-in number formats that show dates or times (ECMA-376 §18.8.30, plus the East Asian
    /// date formats 27–36 and 50–58 that Excel assigns by locale).
    public static func isBuiltinDateFormat(_ id: Int) -> Bool {
        switch id {
        case 14...22, 27...36, 45...47, 50...58: return true
        default: return false
        }
    }

    /// True if a format code shows a date or time: after dropping quoted text, `\`-escaped and
    /// `_`/`*`-padding characters, and bracketed parts (colours, conditions, locales), its first
    /// section still holds one of `d m y h s` (either case). `[h]`, `[mm]`, `[ss]` (elapsed time)
    /// count as time.
    public static func isDateFormatCode(_ code: String) -> Bool {
        let b = Array(code.utf8)
        var i = 0
        while i < b.count {
            let c = b[i]
            switch c {
            case 0x3B: // ';' ends the first section
                return false
            case 0x22: // "quoted"
                i += 1
                while i < b.count && b[i] != 0x22 { i += 1 }
                i += 1
            case 0x5C, 0x5F, 0x2A: // \x, _x, *x
                i += 2
            case 0x5B: // [...]
                var j = i + 1
                while j < b.count && b[j] != 0x5D { j += 1 }
                let inner = b[min(i + 1, b.count) ..< min(j, b.count)].map { $0 | 0x20 }
                if !inner.isEmpty, let f = inner.first, f == 0x68 || f == 0x6D || f == 0x73,
                   inner.allSatisfy({ $0 == f }) {
                    return true
                }
                i = j + 1
            default:
                switch c | 0x20 {
                case 0x64, 0x6D, 0x79, 0x68, 0x73: return true // d m y h s
                default: i += 1
                }
            }
        }
        return false
    }
}
