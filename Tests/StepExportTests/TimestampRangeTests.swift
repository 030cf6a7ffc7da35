import Events
import Foundation
import StepRequest
import XCTest
@testable import Timestamps

/// Timestamps whose instant in UTC lies outside the years 0001–9999 (SPEC §2, §3): the offset can
/// carry a date at either end into year 0 or 10000 (issue 13, case 6: `9999-12-31T20:00:00-05:00`
/// was accepted and written as `9999-01-01T01:00:00.000Z`).
final class TimestampRangeTests: XCTestCase {
    func testInstantsOutsideTheYearsAreUnparsable() {
        for s in ["9999-12-31T20:00:00-05:00", "9999-12-31T23:59:59.999-00:01", "0001-01-01T00:00:00+00:01",
                  "0001-01-01T05:00+05:30"] {
            XCTAssertNil(TimestampParser.parse(s), s)
        }
        XCTAssertEqual(TimestampParser.parse("9999-12-31T23:59:59.999999999Z"),
                       Timestamp(millis: Timestamp.latestMillis, subMillisecondNanos: 999_999))
        XCTAssertEqual(TimestampParser.parse("0001-01-01T00:00:00Z")?.millis, Timestamp.earliestMillis)
        XCTAssertEqual(TimestampParser.parse("9999-12-31T20:00:00+05:00"),
                       TimestampParser.parse("9999-12-31T15:00:00Z"))
        XCTAssertEqual(TimestampParser.parse("0001-01-01T00:00:00-01:00")?.millis, Timestamp.earliestMillis + 3_600_000)
    }

    func testAnEventInYear10000IsMalformed() throws {
        var parser = EventParser()
        var event = Event()
        let line = Array(#"{"id":"e","timestamp":"9999-12-31T20:00:00-05:00","category":"c"}"#.utf8)
        XCTAssertThrowsError(try line.withUnsafeBytes { try parser.parse($0, at: 0, into: &event) }) { error in
            XCTAssertTrue("\(error)".contains("timestamp"), "\(error)")
        }
    }

    func testAnIntervalBoundInYear10000HasTheWrongFormat() {
        let payload = Array(#"{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"9999-12-31T20:00:00-05:00"}}"#.utf8)
        let result = payload.withUnsafeBytes {
            StepRequest.validate(organizationID: "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90",
                                 workflowID: "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00", stepIndex: "1", payload: $0)
        }
        guard case .failure(let error) = result else { return XCTFail("accepted: \(result)") }
        XCTAssertEqual(error.status, 400)
        XCTAssertEqual(error.body, #"{"interval":{"end":["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}}"#)
    }
}
