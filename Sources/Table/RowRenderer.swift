import Bytes
import Events
import Timestamps

/// Turns an event into its output row (SPEC §5): one cell per column, text decoded to UTF-8,
/// numbers as their JSON text, the timestamp formatted in UTC or the request's time zone.
public final class RowRenderer {
    private let workflowID: [UInt8]
    private let stepNames: [Int64: [UInt8]]
    private let zone: ZoneOffsets?

    /// `stepNames`: the catalog's step names, used where an event has no `dim4`.
    public init(workflowID: String, stepNames: [Int64: String], zone: ZoneOffsets?) {
        self.workflowID = Array(workflowID.utf8)
        self.stepNames = stepNames.mapValues { Array($0.utf8) }
        self.zone = zone
    }

    /// The key each plain text column shows.
    private static let textColumns: [(Column, EventKey)] = [
        (.eventID, .id), (.organizationID, .organizationID), (.category, .category), (.label, .label),
        (.action, .action), (.pageURL, .pageURL), (.viewUID, .viewUID), (.flowID, .dim1), (.roomID, .dim2),
        (.visitorID, .visitorID), (.sessionID, .sessionID), (.userID, .userID), (.vendor, .vendor),
        (.source, .source), (.browserName, .browserName), (.browserVersion, .browserVersion),
        (.deviceType, .deviceType), (.geoCity, .geoCity), (.geoCountry, .geoCountry),
        (.ipOrganization, .ipOrganization), (.osName, .osName), (.osVersion, .osVersion),
    ]

    private static let numberColumns: [(Column, EventKey)] = [
        (.value, .value), (.eventVersion, .eventVersion), (.deviceScreenWidth, .deviceScreenWidth),
        (.deviceScreenHeight, .deviceScreenHeight),
    ]

    /// Renders `event`, whose bytes are `bytes`, into `row`. Plain strings and numbers stay in
    /// `bytes` (the row points at them), so the row is good only as long as they are.
    public func render(_ event: borrowing Event, bytes: UnsafeRawBufferPointer, into row: RowCells) {
        row.reset()
        row.eventBytes = bytes.baseAddress.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
        let text = row.text
        for (column, key) in RowRenderer.textColumns {
            let slot = event[key]
            guard slot.isPresent && slot.length > 0 else { continue }
            if slot.form == .escapedString {
                let start = text.count
                EventText.appendString(slot, of: bytes, to: text)
                if text.count > start { row.set(column, kind: .text, from: start) }
            } else {
                row.set(column, kind: .text, eventStart: Int(slot.start), length: Int(slot.length))
            }
        }
        for (column, key) in RowRenderer.numberColumns {
            let slot = event[key]
            guard slot.isPresent else { continue }
            row.set(column, kind: .number, eventStart: Int(slot.start), length: Int(slot.length))
        }
        renderTimestamp(event.timestamp, event[.timestamp], bytes, into: row)
        var start = text.count
        text.append(workflowID)
        row.set(.workflowID, kind: .text, from: start)
        renderStep(event, bytes, into: row)
        let properties = event[.properties]
        if properties.isPresent {
            start = text.count
            EventText.appendJoinedStrings(properties, of: bytes, separator: "; ", to: text)
            if text.count > start { row.set(.properties, kind: .text, from: start) }
        }
    }

    private func renderTimestamp(_ t: Timestamp, _ slot: FieldSlot, _ bytes: UnsafeRawBufferPointer, into row: RowCells) {
        row.instant = t
        if zone == nil && RowRenderer.isShownAsIs(slot, bytes) {
            row.offsetSeconds = 0
            row.set(.timestamp, kind: .timestamp, eventStart: Int(slot.start), length: Int(slot.length))
            return
        }
        let start = row.text.count
        let p = row.text.reserve(TimestampFormat.localLength)
        if let zone {
            let offset = zone.offsetSeconds(atMillis: t.millis)
            row.text.commit(TimestampFormat.local(t, offsetSeconds: offset, to: p))
            row.offsetSeconds = offset
        } else {
            row.text.commit(TimestampFormat.utc(t, to: p))
            row.offsetSeconds = 0
        }
        row.set(.timestamp, kind: .timestamp, from: start)
    }

    /// Whether a (parsed) timestamp string is already in the UTC form the output shows,
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`: then its bytes are the cell's, with no formatting. The parser
    /// has checked the fields' ranges, so the shape alone decides.
    @inline(__always)
    static func isShownAsIs(_ slot: FieldSlot, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard slot.form == .plainString, Int(slot.length) == TimestampFormat.utcLength else { return false }
        let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + Int(slot.start)
        for i in 0..<TimestampFormat.utcLength {
            let c = p[i]
            switch i {
            case 4, 7: if c != UInt8(ascii: "-") { return false }
            case 10: if c != UInt8(ascii: "T") { return false }
            case 13, 16: if c != UInt8(ascii: ":") { return false }
            case 19: if c != UInt8(ascii: ".") { return false }
            case 23: if c != UInt8(ascii: "Z") { return false }
            default: if c &- UInt8(ascii: "0") > 9 { return false }
            }
        }
        return true
    }

    /// `step_index` from `dim5` (digits of a string form without leading zeros) and `step_name`
    /// from `dim4`, else (absent or empty) the catalog's name for that step.
    private func renderStep(_ event: borrowing Event, _ bytes: UnsafeRawBufferPointer, into row: RowCells) {
        let text = row.text
        let slot = event[.dim5]
        if slot.form == .number {
            row.set(.stepIndex, kind: .number, eventStart: Int(slot.start), length: Int(slot.length))
        } else if slot.isPresent {
            let start = text.count
            EventText.appendString(slot, of: bytes, to: text)
            var zeros = 0
            while zeros < text.count - start - 1 && text.base[start + zeros] == UInt8(ascii: "0") { zeros += 1 }
            if zeros > 0 {
                (text.base + start).update(from: text.base + start + zeros, count: text.count - start - zeros)
                text.truncate(to: text.count - zeros)
            }
            row.set(.stepIndex, kind: .number, from: start)
        }
        let start = text.count
        let name = event[.dim4]
        if name.form == .plainString && name.length > 0 {
            row.set(.stepName, kind: .text, eventStart: Int(name.start), length: Int(name.length))
            return
        }
        if name.isPresent && name.length > 0 {
            EventText.appendString(name, of: bytes, to: text)
        } else if let step = event.stepIndex, let catalogName = stepNames[step] {
            text.append(catalogName)
        }
        if text.count > start { row.set(.stepName, kind: .text, from: start) }
    }
}
