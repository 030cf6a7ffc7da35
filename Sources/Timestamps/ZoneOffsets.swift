import FoundationEssentials
// Named zones: `TimeZone(identifier:)` knows only fixed offsets unless this (with its ICU) is
// linked. The one module of the program that needs it; ICU starts only at the first lookup.
import FoundationInternationalization

/// UTC offsets of one IANA time zone, looked up per instant with a cache of the current span
/// between transitions: rows come in time order, so nearly every lookup is a hit and costs no
/// Foundation call.
public final class ZoneOffsets {
    public let identifier: String
    private let zone: TimeZone
    private var spanStart: Int64 = .max
    private var spanEnd: Int64 = .min
    private var spanOffset = 0

    /// nil for a name Foundation's time-zone database does not know.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    /// Seconds east of UTC at the instant `millis` (epoch milliseconds).
    public func offsetSeconds(atMillis millis: Int64) -> Int {
        if millis >= spanStart && millis < spanEnd { return spanOffset }
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        spanOffset = zone.secondsFromGMT(for: date)
        spanStart = millis
        if let next = zone.nextDaylightSavingTimeTransition(after: date) {
            spanEnd = Int64((next.timeIntervalSince1970 * 1000).rounded(.down))
        } else {
            spanEnd = .max
        }
        return spanOffset
    }
}
