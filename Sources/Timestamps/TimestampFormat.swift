/// Writes timestamps as SPEC §5 shows them and converts them to Excel serials (SPEC §7).
public enum TimestampFormat {
    /// Bytes `utc(...)` writes: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static let utcLength = 24
    /// Bytes `local(...)` writes: `YYYY-MM-DDTHH:MM:SS.mmm+hh:mm`.
    public static let localLength = 29

    /// Writes `YYYY-MM-DDTHH:MM:SS.mmm` for `millis` shifted by `offsetSeconds`; returns 23.
    @inlinable static func writeCivil(_ millis: Int64, offsetSeconds: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let local = millis + Int64(offsetSeconds) * 1000
        var days = local / 86_400_000
        var msOfDay = local % 86_400_000
        if msOfDay < 0 { msOfDay += 86_400_000; days -= 1 }
        let (y, mo, d) = Civil.date(days: days)
        let ms = Int(msOfDay)
        @inline(__always) func put2(_ v: Int, _ at: Int) {
            p[at] = UInt8(48 + v / 10); p[at + 1] = UInt8(48 + v % 10)
        }
        let year = max(0, min(9999, y))
        put2(year / 100, 0); put2(year % 100, 2); p[4] = 0x2D
        put2(mo, 5); p[7] = 0x2D; put2(d, 8); p[10] = 0x54
        put2(ms / 3_600_000, 11); p[13] = 0x3A
        put2(ms / 60_000 % 60, 14); p[16] = 0x3A
        put2(ms / 1000 % 60, 17); p[19] = 0x2E
        let frac = ms % 1000
        p[20] = UInt8(48 + frac / 100); put2(frac % 100, 21)
        return 23
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`; writes `utcLength` bytes.
    @inlinable public static func utc(_ t: Timestamp, to p: UnsafeMutablePointer<UInt8>) -> Int {
        _ = writeCivil(t.millis, offsetSeconds: 0, to: p)
        p[23] = 0x5A
        return utcLength
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmm±hh:mm` in local time at `offsetSeconds`; writes `localLength` bytes.
    @inlinable public static func local(_ t: Timestamp, offsetSeconds: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        _ = writeCivil(t.millis, offsetSeconds: offsetSeconds, to: p)
        let sign: UInt8 = offsetSeconds < 0 ? 0x2D : 0x2B
        let minutes = abs(offsetSeconds) / 60
        p[23] = sign
        p[24] = UInt8(48 + minutes / 600); p[25] = UInt8(48 + minutes / 60 % 10); p[26] = 0x3A
        p[27] = UInt8(48 + minutes % 60 / 10); p[28] = UInt8(48 + minutes % 10)
        return localLength
    }

    /// Epoch milliseconds of 1900-03-01T00:00:00 — the first instant Excel's 1900 system shows
    /// correctly (its serials before that count a 29 February 1900 that never was).
    public static let excelFirstMillis: Int64 = -2_203_891_200_000

    /// The Excel serial (1900 system) of local wall time `millis + offset`, or nil before 1900-03-01.
    @inlinable public static func excelSerial(_ t: Timestamp, offsetSeconds: Int) -> Double? {
        let local = t.millis + Int64(offsetSeconds) * 1000
        guard local >= excelFirstMillis else { return nil }
        return Double(local) / 86_400_000 + 25_569
    }
}
