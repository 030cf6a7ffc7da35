/// An instant, exact to the nanosecond: Unix epoch milliseconds (floored) plus the nanoseconds
/// within that millisecond. Ordering uses both, so events differing by a microsecond sort right;
/// output shows milliseconds only (SPEC §5: truncated, never rounded).
public struct Timestamp: Comparable, Hashable, Sendable {
    public var millis: Int64
    public var subMillisecondNanos: Int32

    public init(millis: Int64, subMillisecondNanos: Int32 = 0) {
        self.millis = millis
        self.subMillisecondNanos = subMillisecondNanos
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        a.millis != b.millis ? a.millis < b.millis : a.subMillisecondNanos < b.subMillisecondNanos
    }

    /// The range StepExport accepts: years 0001 to 9999, as Python's datetime does. An event
    /// timestamp outside it (either form) is not parsable, so the event is malformed.
    public static let earliestMillis: Int64 = -62_135_596_800_000  // 0001-01-01T00:00:00Z
    public static let latestMillis: Int64 = 253_402_300_799_999    // 9999-12-31T23:59:59.999Z

    /// An integer `timestamp` (epoch milliseconds), or nil when outside the accepted years.
    public static func fromEpochMillis(_ ms: Int64) -> Timestamp? {
        (earliestMillis...latestMillis).contains(ms) ? Timestamp(millis: ms) : nil
    }
}

/// Calendar arithmetic on the proleptic Gregorian calendar (Howard Hinnant's algorithms).
public enum Civil {
    /// Days since 1970-01-01 of a civil date.
    @inlinable public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a count of days since 1970-01-01.
    @inlinable public static func date(days z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    @inlinable public static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    @inlinable public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
