#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Small text helpers that Foundation would otherwise provide (the program does not load it:
// README, "No Foundation in the program"); the tests compare each with Foundation's own.

/// `printf`-style text for numbers (`%05d`, `%.3f`), through the C library's `vsnprintf`:
/// Foundation's `String(format:)` is not used, so that the program does not load Foundation.
/// Only numeric conversions: text goes in by concatenation.
public func printfText(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 128)
        let needed = Int(vsnprintf(&buffer, buffer.count, format, list))
        guard needed >= buffer.count else { return String(cString: buffer) }
        // Longer than the buffer: once more with room for all of it (va_list is used up).
        return withVaList(arguments) { again in
            var large = [CChar](repeating: 0, count: needed + 1)
            _ = vsnprintf(&large, large.count, format, again)
            return String(cString: large)
        }
    }
}

extension StringProtocol {
    /// Without the spaces and tabs at either end (Foundation's `trimmingCharacters(in:
    /// .whitespaces)` for ASCII text).
    public func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// A path segment with its `%XX` escapes decoded (RFC 3986; `+` stays a `+`), as Foundation's
/// `removingPercentEncoding` does: nil when a `%` is not followed by two hex digits, and nil
/// when the bytes are not UTF-8 (where Foundation gives nil for some such bytes and U+FFFD for
/// others; in a route, either is a 404).
public func percentDecoded(_ segment: Substring) -> String? {
    var bytes: [UInt8] = []
    var utf8 = segment.utf8.makeIterator()
    func hexValue(_ c: UInt8?) -> UInt8? {
        switch c {
        case let c? where c >= 0x30 && c <= 0x39: return c - 0x30
        case let c? where c >= 0x41 && c <= 0x46: return c - 0x41 + 10
        case let c? where c >= 0x61 && c <= 0x66: return c - 0x61 + 10
        default: return nil
        }
    }
    while let c = utf8.next() {
        guard c == UInt8(ascii: "%") else {
            bytes.append(c)
            continue
        }
        guard let high = hexValue(utf8.next()), let low = hexValue(utf8.next()) else { return nil }
        bytes.append(high << 4 | low)
    }
    return String(validating: bytes, as: UTF8.self)
}

/// The extension of a path's last component, as Foundation's `NSString.pathExtension` gives it:
/// trailing slashes ignored; none for a name that only starts with a dot (".csv") or ends in one.
public func pathExtension(_ path: String) -> String {
    let name = path.split(separator: "/").last ?? ""
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
    return String(name[name.index(after: dot)...])
}
