import JSONScan

/// Python's `str()` and `repr()` of a parsed JSON value, as the API's Python would print the value
/// that `json.loads` gave it. Used for `target`'s `"<value>" is not a valid choice.` message.
///
/// - `str`: a string is itself; everything else is its `repr`.
/// - `repr`: `True` / `False` / `None`; an integer as written (`-0` is `0`); a float as Python's
///   shortest round-trip `repr` of the double the text denotes (`1e5` → `100000.0`, `1E400` → `inf`,
///   `1e16` → `1e+16`, `0.00001` → `1e-05`); a string in quotes with Python's escapes; a list as
///   `[a, b]`; an object as `{'k': v}` in document order (a repeated key: first place, last value).
/// - Nesting deeper than `maxDepth` is written as `...`. The parser stops at 512 levels, so this
///   only bounds recursion for trees built in code.
enum PythonText {
    static let maxDepth = 1000

    static func str(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return repr(v)
    }

    static func repr(_ v: JSONValue) -> String {
        var out = ""
        appendRepr(v, depth: 0, to: &out)
        return out
    }

    static func appendRepr(_ v: JSONValue, depth: Int, to out: inout String) {
        if depth > maxDepth {
            out.append("...")
            return
        }
        switch v {
        case .null: out.append("None")
        case .bool(let b): out.append(b ? "True" : "False")
        case .integer(let text): out.append(intRepr(text))
        case .float(let text): out.append(floatRepr(text))
        case .string(let s): appendStringRepr(s, to: &out)
        case .array(let items):
            out.append("[")
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(", ") }
                appendRepr(item, depth: depth + 1, to: &out)
            }
            out.append("]")
        case .object(let o):
            out.append("{")
            for (n, key) in o.keys.enumerated() {
                if n > 0 { out.append(", ") }
                appendStringRepr(key, to: &out)
                out.append(": ")
                appendRepr(o[key] ?? .null, depth: depth + 1, to: &out)
            }
            out.append("}")
        }
    }

    /// An integer's text as Python prints the int: JSON integers have no leading zeros, so only
    /// `-0` changes.
    static func intRepr(_ text: String) -> String {
        if text.utf8.first == 0x2D, text.utf8.dropFirst().allSatisfy({ $0 == 0x30 }) { return "0" }
        return text
    }

    /// Python's `repr(float(text))`.
    static func floatRepr(_ text: String) -> String {
        guard let d = Double(text) else { return text }
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        // Swift's description gives the shortest round-trip digits, as Python's repr does; only
        // the layout differs (Swift switches to exponent form at other magnitudes).
        var desc = Substring(d.description)
        var sign = ""
        if desc.first == "-" { sign = "-"; desc = desc.dropFirst() }
        var digits: [Character] = []
        var decpt = 0   // value = 0.DIGITS × 10^decpt
        if let e = desc.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let mantissa = desc[..<e]
            guard let exp = Int(desc[desc.index(after: e)...]) else { return String(d) }
            let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
            let intPart = parts[0]
            digits = Array(intPart) + (parts.count > 1 ? Array(parts[1]) : [])
            decpt = exp + intPart.count
        } else {
            let parts = desc.split(separator: ".", omittingEmptySubsequences: false)
            let intPart = parts[0]
            let frac = parts.count > 1 ? parts[1] : ""
            digits = Array(intPart) + Array(frac)
            decpt = intPart.count
        }
        while let f = digits.first, f == "0" { digits.removeFirst(); decpt -= 1 }
        while let l = digits.last, l == "0" { digits.removeLast() }
        if digits.isEmpty { return sign + "0.0" }
        let ds = String(digits)
        if decpt <= -4 || decpt > 16 {
            var m = String(digits[0])
            if digits.count > 1 { m += "." + String(digits[1...]) }
            let exp = decpt - 1
            let expDigits = String(abs(exp))
            return sign + m + "e" + (exp < 0 ? "-" : "+") + (expDigits.count < 2 ? "0" : "") + expDigits
        }
        if decpt <= 0 { return sign + "0." + String(repeating: "0", count: -decpt) + ds }
        if decpt >= digits.count { return sign + ds + String(repeating: "0", count: decpt - digits.count) + ".0" }
        return sign + String(digits[..<decpt]) + "." + String(digits[decpt...])
    }

    /// Python's `repr(str)`: single quotes unless the text holds `'` and no `"`; backslash escapes
    /// for the quote, `\`, tab, newline, carriage return; `\xhh` for other ASCII controls and DEL;
    /// non-ASCII kept when printable, else `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
    static func appendStringRepr(_ s: String, to out: inout String) {
        let hasSingle = s.utf8.contains(0x27)
        let hasDouble = s.utf8.contains(0x22)
        let quote: Unicode.Scalar = hasSingle && !hasDouble ? "\"" : "'"
        out.unicodeScalars.append(quote)
        for ch in s.unicodeScalars {
            switch ch {
            case quote, "\\":
                out.append("\\")
                out.unicodeScalars.append(ch)
            case "\t": out.append("\\t")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            default:
                let v = ch.value
                if v < 0x20 || v == 0x7F {
                    out.append("\\x" + hex(v, width: 2))
                } else if v < 0x7F || isPrintable(ch) {
                    out.unicodeScalars.append(ch)
                } else if v <= 0xFF {
                    out.append("\\x" + hex(v, width: 2))
                } else if v <= 0xFFFF {
                    out.append("\\u" + hex(v, width: 4))
                } else {
                    out.append("\\U" + hex(v, width: 8))
                }
            }
        }
        out.unicodeScalars.append(quote)
    }

    /// Python's `str.isprintable` for one non-ASCII character: not in categories Cc, Cf, Cs, Co,
    /// Cn, Zl, Zp, Zs (Swift's Unicode tables; the version may differ slightly from Python's).
    static func isPrintable(_ ch: Unicode.Scalar) -> Bool {
        switch ch.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - h.count)) + h
    }
}
