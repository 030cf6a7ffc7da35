import XCTest
import Bytes
import Timestamps
@testable import Events

/// Parses `text` (its bytes from `start`) and returns the event, the end index and the bytes.
func parseEvent(_ bytes: [UInt8], at start: Int = 0) throws -> (Event, Int) {
    var parser = EventParser()
    var event = Event()
    let end = try bytes.withUnsafeBytes { buffer in try parser.parse(buffer, at: start, into: &event) }
    return (event, end)
}

/// The decoded value of a slot of an event parsed from `bytes` at 0.
func slotText(_ event: Event, _ key: EventKey, _ bytes: [UInt8]) -> String? {
    let slot = event[key]
    guard slot.isPresent else { return nil }
    let out = ByteBuffer(capacity: 16)
    bytes.withUnsafeBytes { buffer in
        if slot.form == .array {
            EventText.appendJoinedStrings(slot, of: buffer, separator: "; ", to: out)
        } else {
            EventText.appendString(slot, of: buffer, to: out)
        }
    }
    return String(decoding: out.readable, as: UTF8.self)
}

final class EventParserTests: XCTestCase {
    static let ts = #""timestamp":"2022-11-03T10:00:00Z""#

    func malformed(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        malformed(Array(text.utf8), file: file, line: line)
    }

    func malformed(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try parseEvent(bytes)
            XCTFail("accepted: \(String(decoding: bytes, as: UTF8.self).debugDescription)", file: file, line: line)
            return nil
        } catch let error as MalformedEvent {
            return error.reason
        } catch {
            XCTFail("\(error)", file: file, line: line)
            return nil
        }
    }

    func accepted(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Event? {
        do {
            return try parseEvent(Array(text.utf8)).0
        } catch {
            XCTFail("rejected \(text.debugDescription): \(error)", file: file, line: line)
            return nil
        }
    }

    // MARK: - Fields

    func testAllKeys() throws {
        let keys = EventKey.allCases.filter { $0.kind == .string }
        var text = "{"
        for key in keys { text += "\"\(key.jsonName)\":\"v-\(key.jsonName)\"," }
        text += #""timestamp":"2022-11-03T10:00:00.123456Z","dim5":3,"value":-1.5e2,"properties":["a", "b\"c"],"#
        text += #""event_version":7,"device_screen_width":1920,"device_screen_height":-0,"other":{"x":[1,2,{}]}}"#
        let bytes = Array(text.utf8)
        let (event, end) = try parseEvent(bytes)
        XCTAssertEqual(end, bytes.count)
        for key in keys { XCTAssertEqual(slotText(event, key, bytes), "v-\(key.jsonName)", key.jsonName) }
        XCTAssertEqual(slotText(event, .timestamp, bytes), "2022-11-03T10:00:00.123456Z")
        XCTAssertEqual(event.timestamp, TimestampParser.parse("2022-11-03T10:00:00.123456Z"))
        XCTAssertEqual(event[.dim5].form, .number)
        XCTAssertEqual(event.stepIndex, 3)
        XCTAssertEqual(slotText(event, .value, bytes), "-1.5e2")
        XCTAssertEqual(event[.properties].form, .array)
        XCTAssertEqual(slotText(event, .properties, bytes), "a; b\"c")
        XCTAssertEqual(slotText(event, .eventVersion, bytes), "7")
        XCTAssertEqual(slotText(event, .deviceScreenHeight, bytes), "-0")
        XCTAssertEqual(event[.id].form, .plainString)
        // Slots point into the bytes.
        let idSlot = event[.id]
        XCTAssertEqual(String(decoding: bytes[Int(idSlot.start)..<Int(idSlot.start + idSlot.length)], as: UTF8.self), "v-id")
    }

    func testMinimalEventAndAbsentKeys() throws {
        let e = try XCTUnwrap(accepted("{\(Self.ts)}"))
        for key in EventKey.allCases where key != .timestamp { XCTAssertFalse(e[key].isPresent, key.jsonName) }
        XCTAssertNil(e.stepIndex)
        let n = try XCTUnwrap(accepted(#"{"id":null,"dim5":null,"value":null,"properties":null,"event_version":null,"#
                                        + Self.ts + "}"))
        for key in EventKey.allCases where key != .timestamp { XCTAssertFalse(n[key].isPresent, key.jsonName) }
    }

    func testWhitespaceEverywhere() throws {
        let text = " {\t\"id\" \r\n: \"a\" , \"timestamp\"\n:\n1667469600000 ,\"properties\" : [ \"x\" , \"y\" ] , \"k\" : [ 1 , { \"a\" : null } ] } "
        let bytes = Array(text.utf8)
        let (e, end) = try parseEvent(bytes, at: 1)
        XCTAssertEqual(end, bytes.count - 1)
        XCTAssertEqual(e.timestamp, Timestamp(millis: 1_667_469_600_000))
        // Slots are relative to `start`.
        let eventBytes = Array(bytes[1...])
        XCTAssertEqual(slotText(e, .id, eventBytes), "a")
        XCTAssertEqual(slotText(e, .properties, eventBytes), "x; y")
        XCTAssertEqual(slotText(e, .timestamp, eventBytes), "1667469600000")
    }

    func testReturnsEndAndLeavesTrailingBytesToTheCaller() throws {
        let bytes = Array(("{\(Self.ts)}garbage\n{").utf8)
        let (_, end) = try parseEvent(bytes)
        XCTAssertEqual(end, bytes.count - 9)
        let two = Array("{\(Self.ts)},{\(Self.ts)}".utf8)
        let (_, first) = try parseEvent(two)
        let (_, second) = try parseEvent(two, at: first + 1)
        XCTAssertEqual(second, two.count)
    }

    func testTimestamp() throws {
        XCTAssertEqual(accepted(#"{"timestamp":"2022-11-03 10:00"}"#)?.timestamp, TimestampParser.parse("2022-11-03T10:00Z"))
        XCTAssertEqual(accepted(#"{"timestamp":"2022-11-03T12:00:00+02:00"}"#)?.timestamp, TimestampParser.parse("2022-11-03T10:00Z"))
        XCTAssertEqual(accepted(#"{"timestamp":-1}"#)?.timestamp, Timestamp(millis: -1))
        XCTAssertEqual(accepted(#"{"timestamp":253402300799999}"#)?.timestamp, Timestamp(millis: 253_402_300_799_999))
        XCTAssertEqual(accepted(#"{"timestamp":-62135596800000}"#)?.timestamp, Timestamp(millis: -62_135_596_800_000))
        // Escapes are decoded before parsing.
        let escaped = try XCTUnwrap(accepted(#"{"timestamp":"2022\u002d11-03T10:00\/"}"#.replacingOccurrences(of: "\\/", with: "Z")))
        XCTAssertEqual(escaped.timestamp, TimestampParser.parse("2022-11-03T10:00Z"))
        XCTAssertEqual(escaped[.timestamp].form, .escapedString)
        XCTAssertEqual(malformed(#"{"timestamp":"2022-11-03T10:00\u0020"}"#), #""timestamp" is not a date-time: "2022-11-03T10:00\u0020""#)

        XCTAssertEqual(malformed("{}"), #""timestamp" is missing"#)
        XCTAssertEqual(malformed(#"{"id":"x"}"#), #""timestamp" is missing"#)
        XCTAssertEqual(malformed(#"{"timestamp":null}"#), #""timestamp" is missing"#)
        XCTAssertEqual(malformed(#"{"timestamp":"2022-13-01"}"#), #""timestamp" is not a date-time: "2022-13-01""#)
        XCTAssertEqual(malformed(#"{"timestamp":""}"#), #""timestamp" is not a date-time: """#)
        XCTAssertEqual(malformed(#"{"timestamp":1.5}"#), #""timestamp" must be a date-time string or an integer"#)
        XCTAssertEqual(malformed(#"{"timestamp":1e3}"#), #""timestamp" must be a date-time string or an integer"#)
        XCTAssertEqual(malformed(#"{"timestamp":true}"#), #""timestamp" must be a date-time string or an integer"#)
        XCTAssertEqual(malformed(#"{"timestamp":["2022-11-03T10:00"]}"#), #""timestamp" must be a date-time string or an integer"#)
        XCTAssertEqual(malformed(#"{"timestamp":{}}"#), #""timestamp" must be a date-time string or an integer"#)
        XCTAssertEqual(malformed(#"{"timestamp":253402300800000}"#), #""timestamp" is out of range: 253402300800000"#)
        XCTAssertEqual(malformed(#"{"timestamp":-62135596800001}"#), #""timestamp" is out of range: -62135596800001"#)
        XCTAssertEqual(malformed(#"{"timestamp":99999999999999999999}"#), #""timestamp" is out of range: 99999999999999999999"#)
        let long = String(repeating: "9", count: 100)
        XCTAssertEqual(malformed("{\"timestamp\":\"\(long)\"}"), "\"timestamp\" is not a date-time: \"\(String(repeating: "9", count: 63))…")
    }

    func testStepIndex() throws {
        func step(_ json: String) -> Int64?? {
            guard let e = accepted("{\"dim5\":\(json),\(Self.ts)}") else { return .none }
            return .some(e.stepIndex)
        }
        XCTAssertEqual(step("0"), .some(0))
        XCTAssertEqual(step("12"), .some(12))
        XCTAssertEqual(step("-3"), .some(-3))
        XCTAssertEqual(step("-0"), .some(0))
        XCTAssertEqual(step("9223372036854775807"), .some(Int64.max))
        XCTAssertEqual(step("-9223372036854775808"), .some(Int64.min))
        XCTAssertEqual(step(#""7""#), .some(7))
        XCTAssertEqual(step(#""007""#), .some(7))
        XCTAssertEqual(step(#""9223372036854775807""#), .some(Int64.max))
        XCTAssertEqual(step(#""9223372036854775808""#), .some(nil))
        XCTAssertEqual(step("\"\(String(repeating: "1", count: 100))\""), .some(nil))
        XCTAssertEqual(step("\"\(String(repeating: "0", count: 100))5\""), .some(5))
        XCTAssertEqual(step(#""\u0031\u0032""#), .some(12))
        let digits = try XCTUnwrap(accepted(#"{"dim5":"0042",}"#.replacingOccurrences(of: ",}", with: ",\(Self.ts)}")))
        XCTAssertEqual(digits[.dim5].form, .plainString)

        let message = #""dim5" must be an integer or a string of decimal digits"#
        for bad in ["1.0", "1e2", "true", "false", "[]", "{}", #""""#, #""-1""#, #""+1""#, #"" 1""#, #""1a""#,
                    #""١""#, #""1.5""#, #""\u0031x""#] {
            XCTAssertEqual(malformed("{\"dim5\":\(bad),\(Self.ts)}"), message, bad)
        }
        XCTAssertEqual(malformed("{\"dim5\":9223372036854775808,\(Self.ts)}"), #""dim5" does not fit a 64-bit integer"#)
        XCTAssertEqual(malformed("{\"dim5\":-9223372036854775809,\(Self.ts)}"), #""dim5" does not fit a 64-bit integer"#)
    }

    func testIntegerKeys() throws {
        for key in EventKey.allCases where key.kind == .integer {
            let name = key.jsonName
            let e = try XCTUnwrap(accepted("{\"\(name)\":-9223372036854775808,\(Self.ts)}"))
            XCTAssertEqual(e[key].form, .number)
            XCTAssertNotNil(accepted("{\"\(name)\":9223372036854775807,\(Self.ts)}"))
            XCTAssertNotNil(accepted("{\"\(name)\":0,\(Self.ts)}"))
            XCTAssertEqual(malformed("{\"\(name)\":9223372036854775808,\(Self.ts)}"), "\"\(name)\" does not fit a 64-bit integer")
            XCTAssertEqual(malformed("{\"\(name)\":-9223372036854775809,\(Self.ts)}"), "\"\(name)\" does not fit a 64-bit integer")
            XCTAssertEqual(malformed("{\"\(name)\":12345678901234567890123,\(Self.ts)}"), "\"\(name)\" does not fit a 64-bit integer")
            for bad in ["1.0", "1e0", #""1""#, "true", "[1]", "{}"] {
                XCTAssertEqual(malformed("{\"\(name)\":\(bad),\(Self.ts)}"), "\"\(name)\" must be an integer", bad)
            }
        }
    }

    func testValue() throws {
        for ok in ["0", "-0", "1", "-1.5", "1e308", "-1e308", "1.7976931348623157e308", "-1.7976931348623157e308",
                   "0.1e309", "1e-400", "0.0000000000000000000000001e-999999999999", "0e999999999999",
                   "123456789012345678901234567890", "17976931348623157" + String(repeating: "0", count: 292),
                   "0.000" + String(repeating: "0", count: 400) + "1e710", "99999999999999999999"] {
            let e = accepted("{\"value\":\(ok),\(Self.ts)}")
            XCTAssertEqual(e?[.value].form, .number, ok)
        }
        for inf in ["1e400", "-1e400", "1.8e308", "1e309", "17976931348623159" + String(repeating: "0", count: 292),
                    "1" + String(repeating: "0", count: 400), "0.1e310", "1e99999999999999999999"] {
            XCTAssertEqual(malformed("{\"value\":\(inf),\(Self.ts)}")?.hasPrefix("\"value\" is not a finite number: "), true, inf)
        }
        XCTAssertEqual(malformed("{\"value\":1e400,\(Self.ts)}"), #""value" is not a finite number: 1e400"#)
        for bad in [#""1""#, "true", "[1]", "{}"] {
            XCTAssertEqual(malformed("{\"value\":\(bad),\(Self.ts)}"), #""value" must be a number"#, bad)
        }
    }

    func testProperties() throws {
        func props(_ json: String) -> String? {
            let text = "{\"properties\":\(json),\(Self.ts)}"
            guard let e = accepted(text) else { return "REJECTED" }
            return slotText(e, .properties, Array(text.utf8))
        }
        XCTAssertEqual(props("[]"), "")
        XCTAssertEqual(props("[ ]"), "")
        XCTAssertEqual(props(#"["a"]"#), "a")
        XCTAssertEqual(props(#"["a","b",""]"#), "a; b; ")
        XCTAssertEqual(props(#"[ "x\"y" , "\u00e9\ud83d\ude00" ,"\\"]"#), "x\"y; é😀; \\")
        XCTAssertEqual(props("null"), nil)
        for bad in [#""a""#, "1", "{}", "[1]", #"["a",null]"#, #"[["a"]]"#, #"[{"a":"b"}]"#, "true"] {
            XCTAssertEqual(malformed("{\"properties\":\(bad),\(Self.ts)}"), #""properties" must be an array of strings"#, bad)
        }
        XCTAssertEqual(malformed(#"{"properties":["a",]}"#), "invalid JSON at column 20: expected a value")
        XCTAssertEqual(malformed(#"{"properties":["a" "b"]}"#), "invalid JSON at column 20: expected ',' or ']'")
        XCTAssertEqual(malformed(#"{"properties":[1 2]}"#), "invalid JSON at column 18: expected ',' or ']'")
    }

    func testStringKeysRejectOtherTypes() {
        for key in EventKey.allCases where key.kind == .string {
            for bad in ["1", "-1.5", "true", "false", "[]", #"["a"]"#, "{}", #"{"a":"b"}"#] {
                XCTAssertEqual(malformed("{\"\(key.jsonName)\":\(bad),\(Self.ts)}"), "\"\(key.jsonName)\" must be a string", bad)
            }
        }
    }

    func testDuplicateKeysLastWins() throws {
        let text = #"{"id":"a","id":"b","dim5":"x","dim5":4,"value":1e400,"value":2,"category":"c","category":null,"# + Self.ts + "}"
        let e = try XCTUnwrap(accepted(text))
        XCTAssertEqual(slotText(e, .id, Array(text.utf8)), "b")
        XCTAssertEqual(e.stepIndex, 4)
        XCTAssertEqual(slotText(e, .value, Array(text.utf8)), "2")
        XCTAssertFalse(e[.category].isPresent)
        let stepGone = try XCTUnwrap(accepted(#"{"dim5":4,"dim5":null,"# + Self.ts + "}"))
        XCTAssertNil(stepGone.stepIndex)
        XCTAssertFalse(stepGone[.dim5].isPresent)
        let stepTooBig = try XCTUnwrap(accepted(#"{"dim5":4,"dim5":"99999999999999999999","# + Self.ts + "}"))
        XCTAssertNil(stepTooBig.stepIndex)
        XCTAssertEqual(malformed(#"{"dim5":4,"dim5":"x","# + Self.ts + "}"), #""dim5" must be an integer or a string of decimal digits"#)
        XCTAssertEqual(malformed("{\(Self.ts),\"timestamp\":null}"), #""timestamp" is missing"#)
        XCTAssertEqual(malformed("{\(Self.ts),\"timestamp\":\"x\"}"), #""timestamp" is not a date-time: "x""#)
        XCTAssertNotNil(accepted("{\"timestamp\":\"x\",\(Self.ts)}"))
        // The first bad value in the text is the one reported.
        XCTAssertEqual(malformed(#"{"value":"1","id":2,"# + Self.ts + "}"), #""value" must be a number"#)
        XCTAssertEqual(malformed(#"{"id":2,"value":"1","# + Self.ts + "}"), #""id" must be a string"#)
        // An escaped key is the key it spells.
        let escapedKey = try XCTUnwrap(accepted(#"{"\u0069d":"q","time\u0073tamp":0}"#))
        XCTAssertEqual(slotText(escapedKey, .id, Array(#"{"\u0069d":"q","time\u0073tamp":0}"#.utf8)), "q")
        XCTAssertNotNil(accepted(#"{"ID":5,"id ":5,"i":5,"idx":5,"timestamps":5,"dim3":5,"dim50":1.5,"device_screen_heightx":true,"# + Self.ts + "}"))
    }

    func testKeyTableMatchesJSONNames() {
        for key in EventKey.allCases {
            var name = Array(key.jsonName.utf8)
            XCTAssertEqual(name.withUnsafeBufferPointer { KeyTable.lookup($0.baseAddress!, $0.count) }, key, key.jsonName)
            // Every one-byte change of a known name is unknown (or another key of the same length).
            for k in name.indices {
                let original = name[k]
                for replacement: UInt8 in [0x20, 0x5F, 0x61, 0x7A, 0x30, 0xFF, original ^ 0x20] where replacement != original {
                    name[k] = replacement
                    let found = name.withUnsafeBufferPointer { KeyTable.lookup($0.baseAddress!, $0.count) }
                    XCTAssertTrue(found == nil || found!.jsonName == String(decoding: name, as: UTF8.self), key.jsonName)
                }
                name[k] = original
            }
            let longer = name + [0x73]
            XCTAssertNil(longer.withUnsafeBufferPointer { KeyTable.lookup($0.baseAddress!, $0.count) })
        }
    }

    /// `KeyTable.match` (a key recognized without scanning it) says what a scan and `lookup`
    /// would: for every known name, every one-byte change of it, longer and shorter spellings,
    /// whatever follows the closing quote; and it declines when fewer than 24 bytes are left.
    func testKeyMatchAgreesWithScanningTheKey() {
        func scanned(_ text: [UInt8]) -> (key: EventKey, length: Int)? {
            guard let close = text.firstIndex(of: 0x22),
                  let key = text.withUnsafeBufferPointer({ KeyTable.lookup($0.baseAddress!, close) }) else { return nil }
            return (key, close)
        }
        let tails = [#"":"x","next":1}"#, #"" : 1, "padding": "padding""#, "\"" + String(repeating: "\u{0}", count: 24), #"":1}"#]
        for key in EventKey.allCases {
            let name = Array(key.jsonName.utf8)
            var spellings = [name, name + [0x73], Array(name.dropLast()), Array(name.dropFirst())]
            for k in name.indices {
                for replacement: UInt8 in [0x22, 0x5C, 0x5F, 0x61, 0x30, 0x00, 0xFF, name[k] ^ 0x20] where replacement != name[k] {
                    var changed = name
                    changed[k] = replacement
                    spellings.append(changed)
                }
            }
            for spelling in spellings {
                for tail in tails {
                    let text = spelling + Array(tail.utf8)
                    let label = String(decoding: text, as: UTF8.self)
                    let matched = text.withUnsafeBufferPointer { KeyTable.match($0.baseAddress!, available: $0.count) }
                    if text.count < 24 {
                        XCTAssertTrue(matched == nil, label)
                        continue
                    }
                    let expected = scanned(text)
                    XCTAssertEqual(matched?.key, expected?.key, label)
                    XCTAssertEqual(matched?.length, expected?.length, label)
                }
            }
        }
    }

    func testNotAnObject() {
        for (text, what) in [("[1,2]", "an array"), (#""x""#, "a string"), ("12", "a number"), ("-1.5e3", "a number"),
                             ("true", "a boolean"), ("false", "a boolean"), ("null", "null")] {
            XCTAssertEqual(malformed(text), "not a JSON object: found \(what)", text)
        }
        do {
            _ = try parseEvent(Array("[1, {\"a\":[]}] x".utf8))
        } catch let error as MalformedEvent {
            XCTAssertEqual(error.valueEnd, 13)
        } catch { XCTFail("\(error)") }
        do {
            _ = try parseEvent(Array(" {\"id\":1}".utf8), at: 1)
        } catch let error as MalformedEvent {
            XCTAssertEqual(error.valueEnd, 9)
        } catch { XCTFail("\(error)") }
        do {
            _ = try parseEvent(Array("{\"id\":1".utf8))
        } catch let error as MalformedEvent {
            XCTAssertNil(error.valueEnd)
        } catch { XCTFail("\(error)") }
    }

    // MARK: - JSON syntax

    func testSyntaxErrors() {
        let cases: [(String, String)] = [
            ("", "invalid JSON at column 1: the event is empty"),
            ("{", "invalid JSON at column 2: unexpected end of the event"),
            ("{\"id\"", "invalid JSON at column 6: unexpected end of the event"),
            ("{\"id\":", "invalid JSON at column 7: unexpected end of the event"),
            ("{\"id\":\"a\"", "invalid JSON at column 10: unexpected end of the event"),
            ("{\"id\":\"a\" ", "invalid JSON at column 11: unexpected end of the event"),
            ("{\"id\":\"a", "invalid JSON at column 7: unterminated string"),
            ("{\"id", "invalid JSON at column 2: unterminated string"),
            ("{\"id\":\"a\\", "invalid JSON at column 7: unterminated string"),
            ("{\"id\":1", "invalid JSON at column 8: unexpected end of the event"),
            ("{\"id\":tru", "invalid JSON at column 10: unexpected end of the event"),
            ("{\"id\":trux}", "invalid JSON at column 7: invalid literal (true, false or null expected)"),
            ("{\"id\":nul}", "invalid JSON at column 7: invalid literal (true, false or null expected)"),
            ("{\"id\":fals}", "invalid JSON at column 7: invalid literal (true, false or null expected)"),
            ("{\"id\":True}", "invalid JSON at column 7: expected a value"),
            ("{\"a\":1 \"b\":2}", "invalid JSON at column 8: expected ',' or '}'"),
            ("{\"a\":1,}", "invalid JSON at column 8: expected a key in double quotes"),
            ("{,}", "invalid JSON at column 2: expected a key in double quotes"),
            ("{'a':1}", "invalid JSON at column 2: expected a key in double quotes"),
            ("{a:1}", "invalid JSON at column 2: expected a key in double quotes"),
            ("{\"a\" 1}", "invalid JSON at column 6: expected ':'"),
            ("{\"a\":[1,]}", "invalid JSON at column 9: expected a value"),
            ("{\"a\":[1 2]}", "invalid JSON at column 9: expected ',' or ']'"),
            ("{\"a\":{\"b\":1,}}", "invalid JSON at column 13: expected a key in double quotes"),
            ("{\"a\":{\"b\" 1}}", "invalid JSON at column 11: expected ':'"),
            ("{\"a\":{\"b\":1 2}}", "invalid JSON at column 13: expected ',' or '}'"),
            ("{\"a\":{\"b\":1}", "invalid JSON at column 13: unexpected end of the event"),
            ("{\"a\":[[]", "invalid JSON at column 9: unexpected end of the event"),
            ("{\"a\":NaN}", "invalid JSON at column 6: NaN and Infinity are not JSON values"),
            ("{\"a\":Infinity}", "invalid JSON at column 6: NaN and Infinity are not JSON values"),
            ("{\"a\":-Infinity}", "invalid JSON at column 6: NaN and Infinity are not JSON values"),
            ("{\"value\":NaN}", "invalid JSON at column 10: NaN and Infinity are not JSON values"),
            ("{\"a\":01}", "invalid JSON at column 6: invalid number"),
            ("{\"a\":-01}", "invalid JSON at column 6: invalid number"),
            ("{\"a\":1.}", "invalid JSON at column 6: invalid number"),
            ("{\"a\":.5}", "invalid JSON at column 6: expected a value"),
            ("{\"a\":+1}", "invalid JSON at column 6: expected a value"),
            ("{\"a\":-}", "invalid JSON at column 6: invalid number"),
            ("{\"a\":1e}", "invalid JSON at column 6: invalid number"),
            ("{\"a\":1e+}", "invalid JSON at column 6: invalid number"),
            ("{\"a\":0x1}", "invalid JSON at column 7: expected ',' or '}'"),
            ("{\"a\":1}}", ""), // trailing bytes are the caller's: accepted up to the first }
            ("{\"a\":\"\\q\"}", "invalid JSON at column 7: invalid escape \\q"),
            ("{\"a\":\"\\x41\"}", "invalid JSON at column 7: invalid escape \\x"),
            ("{\"a\":\"\\U0041\"}", "invalid JSON at column 7: invalid escape \\U"),
            ("{\"a\":\"\\u12\"}", "invalid JSON at column 8: invalid \\u escape: four hex digits expected"),
            ("{\"a\":\"\\u12g4\"}", "invalid JSON at column 8: invalid \\u escape: four hex digits expected"),
            ("{\"a\":\"\\ud800\"}", "invalid JSON at column 7: lone surrogate \\ud800"),
            ("{\"a\":\"\\udfff\"}", "invalid JSON at column 7: lone surrogate \\udfff"),
            ("{\"a\":\"\\ud800\\u0041\"}", "invalid JSON at column 7: lone surrogate \\ud800"),
            ("{\"a\":\"\\ud800\\ud800\\udc00\"}", "invalid JSON at column 7: lone surrogate \\ud800"),
            ("{\"a\":\"x\\uDBFF\"}", "invalid JSON at column 8: lone surrogate \\uDBFF"),
            ("{\"id\":\"\\ud800\",\(ts)}", "invalid JSON at column 8: lone surrogate \\ud800"),
            ("{\"\\ud800\":1}", "invalid JSON at column 3: lone surrogate \\ud800"),
            ("{\"a\":[\"\\udc00\"]}", "invalid JSON at column 8: lone surrogate \\udc00"),
            ("{\"a\":\"\t\"}", "invalid JSON at column 7: unescaped control character 0x09 in a string"),
            ("{\"a\":\"\n\"}", "invalid JSON at column 7: unescaped control character 0x0A in a string"),
            ("{\"a\":\"\u{0}\"}", "invalid JSON at column 7: unescaped control character 0x00 in a string"),
            ("{\"a\":\"\u{1F}\"}", "invalid JSON at column 7: unescaped control character 0x1F in a string"),
            ("{\"id\":\"a\u{0}b\"}", "invalid JSON at column 9: unescaped control character 0x00 in a string"),
            ("{\"a\u{0}\":1}", "invalid JSON at column 4: unescaped control character 0x00 in a string"),
            ("{\"a\":1,\u{0}}", "invalid JSON at column 8: expected a key in double quotes"),
            ("\u{0}", "invalid JSON at column 1: expected a value"),
            ("{\"a\":1\u{0B}}", "invalid JSON at column 7: expected ',' or '}'"),
            ("{\"a\":1/*c*/}", "invalid JSON at column 7: expected ',' or '}'"),
            ("{\"a\":\u{A0}1}", "invalid JSON at column 6: expected a value"),
        ]
        for (text, expected) in cases {
            if expected.isEmpty {
                XCTAssertThrowsError(try parseEvent(Array(text.utf8))) { error in
                    XCTAssertEqual((error as? MalformedEvent)?.reason, #""timestamp" is missing"#)
                }
                continue
            }
            XCTAssertEqual(malformed(text), expected, text.debugDescription)
        }
        XCTAssertNotNil(accepted("{\"a\":\"\u{7F}\",\(Self.ts)}")) // DEL is allowed
    }

    var ts: String { Self.ts }

    func testInvalidUTF8Everywhere() {
        let sequences: [([UInt8], String)] = [
            ([0xFF], "0xFF (invalid start byte)"),
            ([0xFE], "0xFE (invalid start byte)"),
            ([0x80], "0x80 (invalid start byte)"),
            ([0xBF], "0xBF (invalid start byte)"),
            ([0xC0, 0x80], "0xC0 (invalid start byte)"),             // overlong NUL
            ([0xC1, 0xBF], "0xC1 (invalid start byte)"),             // overlong
            ([0xE0, 0x80, 0x80], "0xE0 (invalid continuation byte)"), // overlong 3-byte
            ([0xE0, 0x9F, 0xBF], "0xE0 (invalid continuation byte)"),
            ([0xF0, 0x80, 0x80, 0x80], "0xF0 (invalid continuation byte)"), // overlong 4-byte
            ([0xF0, 0x8F, 0xBF, 0xBF], "0xF0 (invalid continuation byte)"),
            ([0xED, 0xA0, 0x80], "0xED (invalid continuation byte)"), // encoded surrogate U+D800
            ([0xED, 0xBF, 0xBF], "0xED (invalid continuation byte)"), // encoded surrogate U+DFFF
            ([0xF4, 0x90, 0x80, 0x80], "0xF4 (invalid continuation byte)"), // above U+10FFFF
            ([0xF5, 0x80, 0x80, 0x80], "0xF5 (invalid start byte)"),
            ([0xF8, 0x88, 0x80, 0x80, 0x80], "0xF8 (invalid start byte)"), // 5-byte form
            ([0xFC, 0x84, 0x80, 0x80, 0x80, 0x80], "0xFC (invalid start byte)"), // 6-byte form
            ([0xC3], "0xC3 (invalid continuation byte)"),            // truncated (the quote follows)
            ([0xE2, 0x82], "0xE2 0x82 (invalid continuation byte)"),
            ([0xE2, 0x28, 0xA1], "0xE2 (invalid continuation byte)"),
            ([0xF0, 0x9F, 0x98], "0xF0 0x9F 0x98 (invalid continuation byte)"),
            ([0xC3, 0x41], "0xC3 (invalid continuation byte)"),
        ]
        for (bad, what) in sequences {
            // In a value of a known key, of an unknown key, in a key, inside a nested skipped value.
            let places: [([UInt8], [UInt8], Int)] = [
                (Array("{\"id\":\"ab".utf8), Array("\",\(ts)}".utf8), 10),
                (Array("{\"zz\":\"".utf8), Array("\",\(ts)}".utf8), 8),
                (Array("{\"".utf8), Array("\":1,\(ts)}".utf8), 3),
                (Array("{\"a\":[{\"b\":[\"".utf8), Array("\"]}],\(ts)}".utf8), 14),
                (Array("{\"properties\":[\"x\",\"".utf8), Array("\"],\(ts)}".utf8), 21),
            ]
            for (before, after, column) in places {
                let bytes = before + bad + after
                let reason = malformed(bytes)
                XCTAssertEqual(reason, "invalid UTF-8 at column \(column): \(what)", "\(bytes)")
            }
        }
        // Truncated at the very end of the event.
        XCTAssertEqual(malformed(Array("{\"id\":\"".utf8) + [0xE2, 0x82]), "invalid UTF-8 at column 8: 0xE2 0x82 (unexpected end of data)")
        // Non-ASCII outside strings is a syntax error.
        XCTAssertEqual(malformed([0x7B, 0xC3, 0xA9]), "invalid JSON at column 2: expected a key in double quotes")
        // Valid multi-byte characters of every length are fine, also at word boundaries.
        for prefix in 0..<9 {
            let text = "{\"id\":\"\(String(repeating: "x", count: prefix))é€😀\u{10FFFF}\u{FFFF}\",\(ts)}"
            let e = accepted(text)
            XCTAssertEqual(e.flatMap { slotText($0, .id, Array(text.utf8)) }, "\(String(repeating: "x", count: prefix))é€😀\u{10FFFF}\u{FFFF}")
        }
    }

    func testDepth() {
        // The event object is level 1: 511 more levels are fine, 512 more are not.
        let ok = "{\"a\":" + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + ",\(ts)}"
        XCTAssertNotNil(accepted(ok))
        let okObjects = "{" + String(repeating: "\"a\":{", count: 511) + String(repeating: "}", count: 511) + ",\(ts)}"
        XCTAssertNotNil(accepted(okObjects))
        let deep = "{\"a\":" + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + ",\(ts)}"
        XCTAssertEqual(malformed(deep), "nested deeper than 512 levels at column \(5 + 512)")
        let deepObjects = "{" + String(repeating: "\"a\":{", count: 512) + String(repeating: "}", count: 512) + ",\(ts)}"
        XCTAssertEqual(malformed(deepObjects), "nested deeper than 512 levels at column \(1 + 512 * 5)")
        let mixed = "{\"a\":" + String(repeating: "[{\"k\":", count: 256) + "1" + String(repeating: "}]", count: 256) + ",\(ts)}"
        XCTAssertEqual(malformed(mixed), "nested deeper than 512 levels at column \(6 + 255 * 6 + 1)")
        // A top-level array of depth 512 is fine as JSON, but not an object.
        XCTAssertEqual(malformed(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)), "not a JSON object: found an array")
        XCTAssertEqual(malformed(String(repeating: "[", count: 513) + String(repeating: "]", count: 513)), "nested deeper than 512 levels at column 513")
        // Hostile: a million brackets fail fast without recursion.
        XCTAssertEqual(malformed("{\"a\":" + String(repeating: "[", count: 1_000_000)), "nested deeper than 512 levels at column 517")
        XCTAssertEqual(malformed("{\"a\":" + String(repeating: "[", count: 400)), "invalid JSON at column 406: unexpected end of the event")
    }

    func testSizeLimit() throws {
        let limit = EventParser.maximumEventBytes
        var bytes = Array("{\"timestamp\":0,\"big\":\"".utf8)
        let close = Array("\"}".utf8)
        let fill = limit - bytes.count - close.count
        bytes += [UInt8](repeating: 0x61, count: fill) + close
        XCTAssertEqual(bytes.count, limit)
        XCTAssertEqual(try parseEvent(bytes).1, limit)
        bytes.insert(0x61, at: 30)
        XCTAssertEqual(malformed(bytes), "the event is larger than 64 MiB")
        // Longer still, and never closed: the scan stops after the limit.
        bytes.removeLast(2)
        bytes += [UInt8](repeating: 0x62, count: 1000)
        XCTAssertEqual(malformed(bytes), "the event is larger than 64 MiB")
        // A real error before the limit is still reported as such.
        bytes[14] = 0x00
        XCTAssertEqual(malformed(bytes), "invalid JSON at column 15: expected ',' or '}'")
    }

    // MARK: - EventText

    func testEventText() throws {
        let text = #"{"id":"plain","label":"a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00!","action":"","# + ts + "}"
        let bytes = Array(text.utf8)
        let (e, _) = try parseEvent(bytes)
        XCTAssertEqual(e[.label].form, .escapedString)
        let decoded = "a\"b\\c/d\u{8}\u{c}\n\r\tAé€😀!"
        XCTAssertEqual(slotText(e, .label, bytes), decoded)
        XCTAssertEqual(slotText(e, .action, bytes), "")
        bytes.withUnsafeBytes { event in
            func eq(_ key: EventKey, _ s: String) -> Bool {
                Array(s.utf8).withUnsafeBytes { EventText.equals(e[key], of: event, $0) }
            }
            XCTAssertTrue(eq(.id, "plain"))
            XCTAssertFalse(eq(.id, "plainx"))
            XCTAssertFalse(eq(.id, "plaiN"))
            XCTAssertFalse(eq(.id, ""))
            XCTAssertTrue(eq(.label, decoded))
            XCTAssertFalse(eq(.label, decoded + "x"))
            XCTAssertFalse(eq(.label, String(decoded.dropLast())))
            XCTAssertFalse(eq(.label, decoded.replacingOccurrences(of: "😀", with: "😁")))
            XCTAssertTrue(eq(.action, ""))
            XCTAssertFalse(eq(.action, "a"))
            XCTAssertFalse(eq(.category, ""))   // absent equals nothing
            XCTAssertTrue(eq(.timestamp, "2022-11-03T10:00:00Z"))
        }
    }
}
