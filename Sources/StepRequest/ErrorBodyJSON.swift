/// JSON text encoding for error bodies (SPEC §3), as Django REST framework's renderer writes them:
/// one line, no spaces after `:` or `,`, UTF-8 output with non-ASCII characters kept as they are.
///
/// Escapes: `"` → `\"`, `\` → `\\`, `\b` `\f` `\n` `\r` `\t` by their short forms, other control
/// characters U+0000–U+001F as `\u00xx` (lowercase hex), and U+2028 / U+2029 as `\u2028` / `\u2029`
/// (DRF does this so that the body is also valid JavaScript, and it keeps the body one line for
/// tools that treat those characters as line breaks). Nothing else is escaped (`/` and U+007F stay).
public enum ErrorBodyJSON {
    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 2)
        appendQuoted(s, to: &out)
        return out
    }

    /// Appends `s` as a JSON string literal, quotes included.
    public static func appendQuoted(_ s: String, to out: inout String) {
        out.append("\"")
        let u = s.utf8
        var runStart = u.startIndex
        var i = u.startIndex
        while i != u.endIndex {
            let c = u[i]
            var escape: String? = nil
            var width = 1
            switch c {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x00..<0x20:
                escape = "\\u00" + hexDigit(c >> 4) + hexDigit(c & 0xF)
            case 0xE2:
                // U+2028 is E2 80 A8, U+2029 is E2 80 A9.
                let j = u.index(after: i)
                if j != u.endIndex, u[j] == 0x80 {
                    let k = u.index(after: j)
                    if k != u.endIndex, u[k] == 0xA8 || u[k] == 0xA9 {
                        escape = u[k] == 0xA8 ? "\\u2028" : "\\u2029"
                        width = 3
                    }
                }
            default:
                break
            }
            if let escape = escape {
                if runStart != i { out.append(contentsOf: s[runStart..<i]) }
                out.append(escape)
                i = u.index(i, offsetBy: width)
                runStart = i
            } else {
                i = u.index(after: i)
            }
        }
        if runStart != u.endIndex { out.append(contentsOf: s[runStart..<u.endIndex]) }
        out.append("\"")
    }

    /// `{"detail":"<message>"}`.
    public static func detail(_ message: String) -> String {
        var out = #"{"detail":"#
        appendQuoted(message, to: &out)
        out.append("}")
        return out
    }

    @inline(__always) private static func hexDigit(_ v: UInt8) -> String {
        String(UnicodeScalar(v < 10 ? 48 + v : 87 + v))
    }
}

/// An error body under construction: DRF's nesting of messages, objects and per-item lists.
indirect enum ErrorNode {
    /// `["m1","m2"]`
    case messages([String])
    /// `{"k":…}` in the given key order.
    case object([(key: String, value: ErrorNode)])
    /// `[…]`, one node per item; a good item is `.object([])`, written `{}`.
    case list([ErrorNode])

    static func message(_ m: String) -> ErrorNode { .messages([m]) }

    var json: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .messages(let ms):
            out.append("[")
            for (n, m) in ms.enumerated() {
                if n > 0 { out.append(",") }
                ErrorBodyJSON.appendQuoted(m, to: &out)
            }
            out.append("]")
        case .object(let members):
            out.append("{")
            for (n, member) in members.enumerated() {
                if n > 0 { out.append(",") }
                ErrorBodyJSON.appendQuoted(member.key, to: &out)
                out.append(":")
                member.value.write(to: &out)
            }
            out.append("}")
        case .list(let items):
            out.append("[")
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(",") }
                item.write(to: &out)
            }
            out.append("]")
        }
    }
}
