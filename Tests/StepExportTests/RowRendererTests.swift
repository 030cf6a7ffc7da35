import Events
import Table
import Timestamps
import XCTest

/// The timestamp cell: every accepted spelling shows as `TimestampFormat.utc` of its instant; a
/// string already in that form is used as it stands (no formatting), any other is formatted.
final class RowRendererTests: XCTestCase {
    func testTimestampCellsShowTheInstantInUTCWhateverTheSpelling() throws {
        let renderer = RowRenderer(workflowID: "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00", stepNames: [:], zone: nil)
        let spellings: [(String, asIs: Bool)] = [
            (#""2022-11-01T00:00:07.876Z""#, true),
            (#""0001-01-01T00:00:00.000Z""#, true),
            (#""9999-12-31T23:59:59.999Z""#, true),
            (#""2022-11-01 00:00:07.876Z""#, false),
            (#""2022-11-01T00:00:07.876+00:00""#, false),
            (#""2022-11-01T02:00:07.876+02:00""#, false),
            (#""2022-11-01T00:00:07.8Z""#, false),
            (#""2022-11-01T00:00:07.876543Z""#, false),
            (#""2022-11-01T00:00:07Z""#, false),
            (#""2022-11-01T00:00""#, false),
            (#""2022-11-01T00:00:07.876""#, false),
            ("1667260807876", false),
        ]
        var parser = EventParser()
        var event = Event()
        let row = RowCells()
        for (spelling, asIs) in spellings {
            let bytes = Array(#"{"timestamp":\#(spelling)}"#.utf8)
            try bytes.withUnsafeBytes { raw in
                _ = try parser.parse(raw, at: 0, into: &event)
                renderer.render(event, bytes: raw, into: row)
                let cell = row.cell(.timestamp)
                var expected = [UInt8](repeating: 0, count: TimestampFormat.utcLength)
                _ = expected.withUnsafeMutableBufferPointer { TimestampFormat.utc(event.timestamp, to: $0.baseAddress!) }
                XCTAssertEqual(cell.kind, .timestamp, spelling)
                XCTAssertEqual(String(decoding: row.bytes(cell), as: UTF8.self), String(decoding: expected, as: UTF8.self), spelling)
                XCTAssertEqual(cell.inEvent, asIs, "\(spelling): used as it stands?")
                XCTAssertEqual(row.instant, event.timestamp, spelling)
            }
        }
    }
}
