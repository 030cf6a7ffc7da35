/// Parses `YYYY-MM-DDThh:mm[:ss[.f]][Z|±hh:mm]`: `T`, `t` or a space, `Z` or `z` (RFC 3339 §5.6),
/// 1–9 fraction digits, no offset meaning UTC (SPEC §2, §3). Fields must be in range (month 1–12, a real day of that month,
/// hour < 24, minute and second < 60, offset hours < 24); anything else is nil.
public enum TimestampParser {
    public static func parse(_ text: String) -> Timestamp? {
        var s = text
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        let n = b.count
        guard n >= 16 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let c = b[i]
            return c >= 48 && c <= 57 ? Int(c - 48) : nil
        }
        @inline(__always) func two(_ i: Int) -> Int? {
            guard let a = digit(i), let c = digit(i + 1) else { return nil }
            return a * 10 + c
        }
        guard let y1 = two(0), let y2 = two(2), b[4] == 0x2D, let month = two(5), b[7] == 0x2D,
              let day = two(8), b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
              let hour = two(11), b[13] == 0x3A, let minute = two(14) else { return nil }
        let year = y1 * 100 + y2
        guard year >= 1, (1...12).contains(month), day >= 1,
              day <= Civil.daysInMonth(year: year, month: month), hour < 24, minute < 60 else { return nil }
        var i = 16
        var second = 0
        var nanos = 0
        if i < n && b[i] == 0x3A {
            guard i + 3 <= n, let s = two(i + 1), s < 60 else { return nil }
            second = s
            i += 3
            if i < n && b[i] == 0x2E {
                i += 1
                var digits = 0
                while i < n, let d = digit(i) {
                    digits += 1
                    guard digits <= 9 else { return nil }
                    nanos = nanos * 10 + d
                    i += 1
                }
                guard digits >= 1 else { return nil }
                for _ in digits..<9 { nanos *= 10 }
            }
        }
        var offsetMinutes = 0
        if i < n {
            if b[i] == 0x5A || b[i] == 0x7A {
                i += 1
            } else if b[i] == 0x2B || b[i] == 0x2D {
                guard i + 6 <= n, let oh = two(i + 1), b[i + 3] == 0x3A, let om = two(i + 4),
                      oh < 24, om < 60 else { return nil }
                offsetMinutes = (oh * 60 + om) * (b[i] == 0x2D ? -1 : 1)
                i += 6
            } else {
                return nil
            }
        }
        guard i == n else { return nil }
        let days = Civil.days(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        let millis = seconds * 1000 + Int64(nanos / 1_000_000)
        // The instant must lie in the years 0001–9999 in UTC (SPEC §2): an offset can carry a
        // date at either end of them into year 0 or 10000.
        guard (Timestamp.earliestMillis...Timestamp.latestMillis).contains(millis) else { return nil }
        return Timestamp(millis: millis, subMillisecondNanos: Int32(nanos % 1_000_000))
    }
}
