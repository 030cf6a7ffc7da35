import Bytes
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the command writes numbers for people — the progress line and the summary line alike:
/// counts with thousands separators, sizes in MB (10^6 bytes) with one decimal, durations as
/// `m:ss` or `h:mm:ss`.
enum NumberStyle {
    /// 1234567 → "1,234,567".
    static func grouped(_ n: Int) -> String {
        let sign = n < 0 ? "-" : ""
        var digits = Array(String(n.magnitude))
        var i = digits.count - 3
        while i > 0 { digits.insert(",", at: i); i -= 3 }
        return sign + String(digits)
    }

    /// 1234567890 → "1,234.6 MB".
    static func megabytes(_ bytes: Int64) -> String {
        let tenths = Int((Double(bytes) / 1e5).rounded())
        return grouped(tenths / 10) + "." + String(tenths % 10) + " MB"
    }

    /// 75.2 → "1:15"; 3725 → "1:02:05".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60)
        return h > 0 ? printfText("%ld:%02ld:%02ld", h, m, sec) : printfText("%ld:%02ld", m, sec)
    }

    /// 0.4 of 1 → "40%" (never 100% before the end).
    static func percent(_ part: Int64, of whole: Int64) -> String {
        guard whole > 0 else { return "0%" }
        let p = Int(Double(part) * 100 / Double(whole))
        return "\(part < whole ? min(p, 99) : 100)%"
    }
}
