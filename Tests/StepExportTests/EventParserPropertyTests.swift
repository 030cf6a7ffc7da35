import XCTest
import Bytes
import JSONScan
import Timestamps
@testable import Events

/// What an event means per SPEC §2, worked out independently from its `JSONValue` tree.
struct ReferenceEvent: Equatable {
    var strings: [EventKey: String] = [:]
    var numbers: [EventKey: String] = [:]
    var timestamp: Timestamp? = nil
    var stepIndex: Int64? = nil
    var properties: String? = nil

    /// nil when the event is malformed.
    static func read(_ value: JSONValue) -> ReferenceEvent? {
        guard case .object(let o) = value else { return nil }
        var e = ReferenceEvent()
        for key in EventKey.allCases {
            guard let v = o[key.jsonName], v != .null else { continue }
            switch (key.kind, v) {
            case (.string, .string(let s)):
                e.strings[key] = s
            case (.timestamp, .string(let s)):
                guard let t = TimestampParser.parse(s) else { return nil }
                e.timestamp = t
                e.strings[key] = s
            case (.timestamp, .integer(let text)):
                guard let ms = Int64(text), let t = Timestamp.fromEpochMillis(ms) else { return nil }
                e.timestamp = t
                e.numbers[key] = text
            case (.stepIndex, .integer(let text)):
                guard let n = Int64(text) else { return nil }
                e.stepIndex = n
                e.numbers[key] = text
            case (.stepIndex, .string(let s)):
                guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
                e.stepIndex = Int64(s)
                e.strings[key] = s
            case (.integer, .integer(let text)):
                guard Int64(text) != nil else { return nil }
                e.numbers[key] = text
            case (.number, .integer(let text)), (.number, .float(let text)):
                guard let d = Double(text), d.isFinite else { return nil }
                e.numbers[key] = text
            case (.stringArray, .array(let items)):
                var strings: [String] = []
                for item in items {
                    guard case .string(let s) = item else { return nil }
                    strings.append(s)
                }
                e.properties = strings.joined(separator: "; ")
            default:
                return nil
            }
        }
        return e.timestamp == nil ? nil : e
    }

    /// The same facts, read from a parsed `Event` through `EventText`.
    static func read(_ event: Event, _ bytes: [UInt8]) -> ReferenceEvent {
        var e = ReferenceEvent()
        for key in EventKey.allCases {
            let slot = event[key]
            guard slot.isPresent, let text = slotText(event, key, bytes) else { continue }
            switch slot.form {
            case .plainString, .escapedString: e.strings[key] = text
            case .number: e.numbers[key] = text
            case .array: e.properties = text
            case .absent: break
            }
        }
        e.timestamp = event.timestamp
        e.stepIndex = event.stepIndex
        return e
    }
}

enum EventGen {
    static let invalidValues: [JSONValue] = [
        .bool(true), .bool(false), .integer("1"), .integer("-7"), .float("1.5"), .float("2e3"), .string("x"),
        .string(""), .string("-1"), .string("2022-13-01T00:00"), .array([]), .array([.integer("1")]),
        .array([.null]), .array([.string("a"), .bool(true)]), .object(JSONObject()),
        .integer("9223372036854775808"), .integer("-9223372036854775809"), .float("1e400"), .float("-1e309"),
        .integer("253402300800000"), .string("2022-02-29T00:00"),
    ]

    static func digits(_ r: inout SeededRandom, _ n: Int) -> String {
        String((0..<n).map { _ in Character(Unicode.Scalar(UInt8(r.int(0x30...0x39)))) })
    }

    static func timestampText(_ r: inout SeededRandom) -> String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var year = String(r.int(1...9999))
        while year.count < 4 { year = "0" + year }
        var t = "\(year)-\(two(r.int(1...12)))-\(two(r.chance(0.05) ? r.int(29...31) : r.int(1...28)))"
        t += r.chance(0.7) ? "T" : " "
        t += "\(two(r.chance(0.02) ? 24 : r.int(0...23))):\(two(r.int(0...59)))"
        if r.chance(0.8) {
            t += ":\(two(r.int(0...59)))"
            if r.chance(0.6) { t += "." + digits(&r, r.chance(0.02) ? 10 : r.int(1...9)) }
        }
        switch r.int(0...3) {
        case 0: break
        case 1: t += "Z"
        default: t += (r.chance(0.5) ? "+" : "-") + "\(two(r.int(0...23))):\(two(r.int(0...59)))"
        }
        return t
    }

    static func validValue(_ key: EventKey, _ r: inout SeededRandom) -> JSONValue {
        switch key.kind {
        case .string:
            return .string(JSONGen.string(&r, maxLength: 24))
        case .timestamp:
            if r.chance(0.5) { return .string(timestampText(&r)) }
            return .integer(String(Int64.random(in: Timestamp.earliestMillis...Timestamp.latestMillis, using: &r)))
        case .stepIndex:
            switch r.int(0...3) {
            case 0: return .integer(String(r.int(-3...20)))
            case 1: return .integer(JSONGen.integerText(&r))
            case 2: return .string(digits(&r, r.int(1...3)))
            default: return .string(digits(&r, r.int(1...25)))
            }
        case .integer:
            return .integer(r.chance(0.8) ? String(Int64.random(in: .min ... .max, using: &r)) : JSONGen.integerText(&r))
        case .number:
            return r.chance(0.5) ? .integer(JSONGen.integerText(&r)) : .float(JSONGen.floatText(&r))
        case .stringArray:
            return .array((0..<r.int(0...4)).map { _ in .string(JSONGen.string(&r)) })
        }
    }

    static let nearMisses = ["ID", "Id", "id ", "i", "idx", "timestamps", "Timestamp", "dim3", "dim50", "dim",
                             "valu", "values", "propertie", "properties_", "device_screen_heigh",
                             "device_screen_height2", "os", "organization_ID", "event-version"]

    /// A random event: known keys in random order, sometimes null, repeated, wrongly typed or out
    /// of range; unknown keys (near misses of known ones among them) with random values.
    static func event(_ r: inout SeededRandom) -> [UInt8] {
        var members: [(String, JSONValue)] = []
        for key in EventKey.allCases {
            let roll = r.int(0...99)
            let needsTimestamp = key == .timestamp
            if roll < 15 && !needsTimestamp { continue }
            if roll < 20 && !needsTimestamp { members.append((key.jsonName, .null)); continue }
            if roll < 25 {
                // A repeat: an earlier value the later one replaces.
                members.append((key.jsonName, r.chance(0.5) ? r.pick(invalidValues) : validValue(key, &r)))
            }
            let bad = needsTimestamp ? r.chance(0.03) : roll >= 93
            members.append((key.jsonName, bad ? r.pick(invalidValues) : validValue(key, &r)))
        }
        for _ in 0..<r.int(0...4) {
            let name = r.chance(0.5) ? r.pick(nearMisses) : JSONGen.string(&r, maxLength: 10)
            guard EventKey.allCases.allSatisfy({ $0.jsonName != name }) else { continue }
            members.append((name, JSONGen.value(&r, depth: 2).0))
        }
        members.shuffle(using: &r)
        var writer = JSONWriter()
        writer.members(members, &r)
        return writer.out
    }
}

final class EventParserPropertyTests: XCTestCase {
    func testReferenceAssumptions() {
        XCTAssertEqual(Double("1e400"), .infinity)
        XCTAssertEqual(Int64("-0"), 0)
        XCTAssertNil(Int64("9223372036854775808"))
    }

    /// Checks one parse against the reference reading of the same bytes.
    func check(_ bytes: [UInt8], _ describe: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) -> Bool? {
        var label: String { describe() }
        let json = Result { () throws(JSONSyntaxError) in try JSONValue.parse(bytes) }
        var parser = EventParser()
        var event = Event()
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(MalformedEvent) in try parser.parse(buffer, at: 0, into: &event) }
        }
        func trailingIsWhitespace(_ end: Int) -> Bool { bytes[end...].allSatisfy { JSONBytes.isWhitespace($0) } }
        func prefix(_ end: Int) -> JSONValue? { try? JSONValue.parse(Array(bytes[..<end])) }
        switch result {
        case .success(let end):
            guard let value = prefix(end) else {
                XCTFail("\(label): accepted, but the JSON is not valid", file: file, line: line)
                return nil
            }
            guard let expected = ReferenceEvent.read(value) else {
                XCTFail("\(label): accepted, but the reference finds it malformed", file: file, line: line)
                return nil
            }
            XCTAssertEqual(ReferenceEvent.read(event, Array(bytes[..<end])), expected, label, file: file, line: line)
            // Equality with the decoded value, and not with anything else.
            bytes[..<end].withUnsafeBytes { buffer in
                for (key, s) in expected.strings {
                    Array(s.utf8).withUnsafeBytes { XCTAssertTrue(EventText.equals(event[key], of: buffer, $0), label, file: file, line: line) }
                    Array((s + "x").utf8).withUnsafeBytes { XCTAssertFalse(EventText.equals(event[key], of: buffer, $0), label, file: file, line: line) }
                    Array(s.utf8.dropLast()).withUnsafeBytes { XCTAssertEqual(EventText.equals(event[key], of: buffer, $0), s.isEmpty, label, file: file, line: line) }
                }
            }
            if case .failure(let e) = json, trailingIsWhitespace(end) {
                XCTFail("\(label): accepted, but JSONValue says \(e.reason)", file: file, line: line)
            }
            return true
        case .failure(let error):
            if let end = error.valueEnd {
                guard let value = prefix(end) else {
                    XCTFail("\(label): \(error.reason), but the JSON up to valueEnd is not valid", file: file, line: line)
                    return nil
                }
                if let expected = ReferenceEvent.read(value) {
                    XCTFail("\(label): rejected (\(error.reason)) but the reference reads \(expected)", file: file, line: line)
                }
            } else if case .success = json {
                XCTFail("\(label): invalid JSON (\(error.reason)), but JSONValue parses it", file: file, line: line)
            }
            return false
        }
    }

    func testRandomEventsAgreeWithTheReference() {
        var r = SeededRandom(seed: 42)
        var accepted = 0
        for iteration in 0..<1200 {
            let bytes = EventGen.event(&r)
            var label: String { "event \(iteration): \(String(decoding: bytes, as: UTF8.self))" }
            guard case .success(let value) = Result(catching: { () throws(JSONSyntaxError) in try JSONValue.parse(bytes) }) else {
                XCTFail("\(label): the generator wrote invalid JSON")
                continue
            }
            let verdict = check(bytes, label)
            XCTAssertEqual(verdict, ReferenceEvent.read(value) != nil, label)
            if verdict == true { accepted += 1 }
        }
        // Both verdicts are exercised.
        XCTAssertGreaterThan(accepted, 120)
        XCTAssertLessThan(accepted, 1150)
    }

    func testMutatedEventsNeverCrashAndAgreeWithJSONValue() {
        var r = SeededRandom(seed: 99)
        let interesting: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0x01, 0x1F, 0x20, 0x0A,
                                    0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFF, 0x30, 0x31, 0x39,
                                    0x2D, 0x2E, 0x65, 0x45, 0x2B, 0x75, 0x64, 0x6E, 0x74, 0x66, 0x4E, 0x49]
        var outcomes = [0, 0]
        for iteration in 0..<2500 {
            var bytes = EventGen.event(&r)
            for _ in 0..<r.int(1...3) {
                guard bytes.count > 1 else { break }
                let k = r.int(1...bytes.count - 1)
                switch r.int(0...4) {
                case 0: bytes[k] = r.pick(interesting)
                case 1: bytes.insert(r.pick(interesting), at: k)
                case 2: bytes.remove(at: k)
                case 3: bytes[k] = UInt8(truncatingIfNeeded: r.next())
                default: bytes.removeLast(r.int(0...min(6, bytes.count - 1)))
                }
            }
            let verdict = check(bytes, "mutation \(iteration): \(bytes)")
            if let verdict { outcomes[verdict ? 1 : 0] += 1 }
        }
        XCTAssertGreaterThan(outcomes[0], 500)
        XCTAssertGreaterThan(outcomes[1], 10)
    }

    /// Events parsed one after another with one parser: nothing leaks from one to the next.
    func testParserReuse() throws {
        var r = SeededRandom(seed: 5)
        var parser = EventParser()
        var event = Event()
        for _ in 0..<300 {
            let bytes = EventGen.event(&r)
            let expected = (try? JSONValue.parse(bytes)).flatMap(ReferenceEvent.read)
            let end = bytes.withUnsafeBytes { try? parser.parse($0, at: 0, into: &event) }
            XCTAssertEqual(end != nil, expected != nil)
            if let expected, end != nil { XCTAssertEqual(ReferenceEvent.read(event, bytes), expected) }
        }
    }
}
