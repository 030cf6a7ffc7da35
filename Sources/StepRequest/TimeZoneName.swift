import Timestamps

/// Which `interval.time_zone` names are accepted (SPEC §3, §5: "an IANA zone name").
///
/// A name is accepted when all of these hold:
/// 1. It looks like a tz database name: 1–255 ASCII bytes, `/`-separated components that are not
///    empty, not `.` or `..`, do not start with `-`, and use only letters, digits, `.`, `_`, `-`, `+`.
///    So no absolute or relative paths, no spaces, no NUL, and case matters (`europe/helsinki` is
///    unknown).
/// 2. It is not a name that Foundation (ICU) invents or keeps but the tz database does not have:
///    custom offsets such as `GMT+2`, `UTC-3`, `GMT+02:00` (`GMT+0` and `GMT-0` are real tz names),
///    ICU's three-letter Java compatibility IDs (`PST`, `CST`, `IST`, `JST`, …), `SystemV/…`,
///    `US/Pacific-New`, `Canada/East-Saskatchewan`.
/// 3. Foundation knows it (`ZoneOffsets(identifier:)` is not nil), so offsets can be computed.
public enum TimeZoneName {
    public static func isKnown(_ name: String) -> Bool {
        guard hasTZSyntax(name), !isICUOnly(name) else { return false }
        return ZoneOffsets(identifier: name) != nil
    }

    static func hasTZSyntax(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard !u.isEmpty, u.count <= 255 else { return false }
        var componentStart = 0
        for i in 0...u.count {
            if i == u.count || u[i] == 0x2F {
                let component = u[componentStart..<i]
                guard !component.isEmpty, component.first != 0x2D,
                      !component.elementsEqual([0x2E]), !component.elementsEqual([0x2E, 0x2E]) else { return false }
                componentStart = i + 1
                continue
            }
            let c = u[i]
            let ok = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                || c == 0x2E || c == 0x5F || c == 0x2D || c == 0x2B
            guard ok else { return false }
        }
        return true
    }

    static let icuLegacyIDs: Set<String> = [
        "ACT", "AET", "AGT", "ART", "AST", "BET", "BST", "CAT", "CNT", "CST", "CTT", "EAT", "ECT",
        "IET", "IST", "JST", "MIT", "NET", "NST", "PLT", "PNT", "PRT", "PST", "SST", "VST",
        "US/Pacific-New", "Canada/East-Saskatchewan",
    ]

    static func isICUOnly(_ name: String) -> Bool {
        // Syntax already limits `name` to ASCII, so String comparison is byte comparison here.
        if icuLegacyIDs.contains(name) || name.hasPrefix("SystemV/") { return true }
        for prefix in ["GMT", "UTC", "UT"] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            if let f = rest.first, f == "+" || f == "-" {
                return !(name == "GMT+0" || name == "GMT-0")
            }
        }
        return false
    }
}
