import Foundation
import XCTest
import JSONScan
@testable import StepRequest

/// Runs every `Fixtures/requests/NAME.json` against `NAME.expected` (see that folder's README).
final class RequestFixtureTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/requests")

    /// `"200"` or `"<status> <body>"` for one payload.
    static func answer(_ payload: [UInt8]) -> String {
        let result = validateBytes(payload)
        switch result {
        case .failure(let e): return "\(e.status) \(e.body)"
        case .success(let r):
            if let e = r.filterCheckError() { return "\(e.status) \(e.body)" }
            return "200"
        }
    }

    func testFixtures() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 10)
        for name in names {
            let base = String(name.dropLast(".json".count))
            let payload = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(name)))
            var expected = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(base + ".expected")))
            if expected.last == 0x0A { expected.removeLast() }
            let got = Self.answer(payload)
            XCTAssertEqual(Array(got.utf8), expected,
                           "\(base)\ngot:      \(got)\nexpected: \(String(decoding: expected, as: UTF8.self))")
        }
    }
}
