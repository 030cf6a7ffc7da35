import Bytes
import Timestamps

/// Civil dates and ISO 8601 text for epoch milliseconds, written straight into a buffer.
enum TimeText {
    static let msPerDay: Int64 = 86_400_000

    static func millis(year: Int, month: Int, day: Int) -> Int64 { Civil.days(year: year, month: month, day: day) * msPerDay }

    /// `YYYY-MM-DDThh:mm:ss.mmmZ` for a UTC instant.
    static func iso(_ ms: Int64) -> String {
        var bytes = [UInt8](repeating: 0, count: 40)
        let n = bytes.withUnsafeMutableBufferPointer { b -> Int in
            var c = Cursor(b.baseAddress!)
            TimestampWriter().write(ms, offsetMinutes: 0, into: &c)
            return c.p - b.baseAddress!
        }
        return String(decoding: bytes[1..<(n - 1)], as: UTF8.self)
    }
}

/// Writes `"YYYY-MM-DDThh:mm:ss.mmmZ"` (or with `+hh:mm` local time), quoted, caching the date
/// part: consecutive events mostly fall on the same day.
final class TimestampWriter {
    private var cachedDay: Int64 = .min
    private var datePart: (UInt64, UInt64) = (0, 0) // "YYYY-MM-DDT", 11 bytes

    @inline(__always) private static func two(_ v: Int, _ p: UnsafeMutablePointer<UInt8>) {
        p[0] = UInt8(truncatingIfNeeded: v / 10) &+ 48
        p[1] = UInt8(truncatingIfNeeded: v % 10) &+ 48
    }

    /// `offsetMinutes` 0 writes `Z`; any other value writes local time and `±hh:mm`.
    func write(_ utcMillis: Int64, offsetMinutes: Int, into c: inout Cursor) {
        let local = utcMillis + Int64(offsetMinutes) * 60_000
        var day = local / TimeText.msPerDay
        var inDay = local % TimeText.msPerDay
        if inDay < 0 { inDay += TimeText.msPerDay; day -= 1 }
        if day != cachedDay {
            cachedDay = day
            let (y, m, d) = Civil.date(days: day)
            withUnsafeMutableBytes(of: &datePart) { raw in
                let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                TimestampWriter.two(y / 100, p)
                TimestampWriter.two(y % 100, p + 2)
                p[4] = 0x2D
                TimestampWriter.two(m, p + 5)
                p[7] = 0x2D
                TimestampWriter.two(d, p + 8)
                p[10] = 0x54 // T
            }
        }
        let dst = c.p
        dst[0] = 0x22
        withUnsafeBytes(of: &datePart) { raw in
            (dst + 1).update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 11)
        }
        let secs = Int(inDay / 1000)
        let ms = Int(inDay % 1000)
        TimestampWriter.two(secs / 3600, dst + 12)
        dst[14] = 0x3A
        TimestampWriter.two(secs / 60 % 60, dst + 15)
        dst[17] = 0x3A
        TimestampWriter.two(secs % 60, dst + 18)
        dst[20] = 0x2E
        dst[21] = UInt8(truncatingIfNeeded: ms / 100) &+ 48
        TimestampWriter.two(ms % 100, dst + 22)
        var n = 24
        if offsetMinutes == 0 {
            dst[n] = 0x5A; n += 1
        } else {
            let a = abs(offsetMinutes)
            dst[n] = offsetMinutes < 0 ? 0x2D : 0x2B
            TimestampWriter.two(a / 60, dst + n + 1)
            dst[n + 3] = 0x3A
            TimestampWriter.two(a % 60, dst + n + 4)
            n += 6
        }
        dst[n] = 0x22
        c.p += n + 1
    }
}
