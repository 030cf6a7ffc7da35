import XCTest
@testable import Timestamps

final class TimestampTests: XCTestCase {
    func testParsesForms() throws {
        XCTAssertEqual(TimestampParser.parse("1970-01-01T00:00"), Timestamp(millis: 0))
        XCTAssertEqual(TimestampParser.parse("1970-01-01 00:00:01Z"), Timestamp(millis: 1000))
        XCTAssertEqual(TimestampParser.parse("1970-01-01T02:00:00+02:00"), Timestamp(millis: 0))
        XCTAssertEqual(TimestampParser.parse("1969-12-31T23:59:59.999999999Z"),
                       Timestamp(millis: -1, subMillisecondNanos: 999_999))
        XCTAssertEqual(TimestampParser.parse("2022-11-03T00:00:00.5-01:30"),
                       Timestamp(millis: 1_667_433_600_000 + 5_400_000 + 500))
    }

    /// Contract 1.1: `t` for `T` and `z` for `Z`, as RFC 3339 §5.6 allows; nothing else changes case.
    func testParsesLowerCaseTAndZ() {
        XCTAssertEqual(TimestampParser.parse("1970-01-01t00:00:01z"), Timestamp(millis: 1000))
        XCTAssertEqual(TimestampParser.parse("1970-01-01t00:00:01Z"), Timestamp(millis: 1000))
        XCTAssertEqual(TimestampParser.parse("1970-01-01 00:00z"), Timestamp(millis: 0))
        XCTAssertEqual(TimestampParser.parse("1970-01-01t02:00:00.5+02:00"), Timestamp(millis: 500))
        for s in ["1970-01-01x00:00", "1970-01-01T00:00x", "1970-01-01T00:00zz", "1970-01-01tt00:00"] {
            XCTAssertNil(TimestampParser.parse(s), s)
        }
    }

    func testRejectsBadForms() {
        for s in ["", "2022-11-03", "2022-11-03T24:00", "2022-02-29T00:00", "2022-11-03T00:00:60",
                  "2022-11-03T00:00:00.", "2022-11-03T00:00:00.1234567890", "2022-11-03T00:00+0100",
                  "2022-11-03T00:00Zx", "0000-01-01T00:00", "2022-13-01T00:00", "2022-11-03x00:00",
                  "2022-11-03T00:00:00+24:00", "+2022-11-03T00:00"] {
            XCTAssertNil(TimestampParser.parse(s), s)
        }
        XCTAssertNotNil(TimestampParser.parse("2024-02-29T00:00"))
    }

    func testFormatsUTCAndLocal() {
        var out = [UInt8](repeating: 0, count: 32)
        let t = TimestampParser.parse("2023-02-01T00:00:00.123456+02:00")!
        let n = out.withUnsafeMutableBufferPointer { TimestampFormat.utc(t, to: $0.baseAddress!) }
        XCTAssertEqual(String(decoding: out[0..<n], as: UTF8.self), "2023-01-31T22:00:00.123Z")
        let m = out.withUnsafeMutableBufferPointer { TimestampFormat.local(t, offsetSeconds: -5400, to: $0.baseAddress!) }
        XCTAssertEqual(String(decoding: out[0..<m], as: UTF8.self), "2023-01-31T20:30:00.123-01:30")
        let before = Timestamp(millis: -1, subMillisecondNanos: 5)
        let k = out.withUnsafeMutableBufferPointer { TimestampFormat.utc(before, to: $0.baseAddress!) }
        XCTAssertEqual(String(decoding: out[0..<k], as: UTF8.self), "1969-12-31T23:59:59.999Z")
    }

    func testExcelSerial() {
        XCTAssertEqual(TimestampFormat.excelSerial(Timestamp(millis: 0), offsetSeconds: 0), 25569)
        XCTAssertEqual(TimestampFormat.excelSerial(TimestampParser.parse("1900-03-01T00:00")!, offsetSeconds: 0), 61)
        XCTAssertNil(TimestampFormat.excelSerial(TimestampParser.parse("1900-02-28T23:59:59.999")!, offsetSeconds: 0))
    }

    func testZoneOffsets() throws {
        let helsinki = try XCTUnwrap(ZoneOffsets(identifier: "Europe/Helsinki"))
        XCTAssertEqual(helsinki.offsetSeconds(atMillis: TimestampParser.parse("2023-01-15T12:00Z")!.millis), 7200)
        XCTAssertEqual(helsinki.offsetSeconds(atMillis: TimestampParser.parse("2023-07-15T12:00Z")!.millis), 10800)
        XCTAssertEqual(helsinki.offsetSeconds(atMillis: TimestampParser.parse("2023-01-16T12:00Z")!.millis), 7200)
        XCTAssertNil(ZoneOffsets(identifier: "Mars/Olympus_Mons"))
    }
}
