import Foundation
import StepExportTestSupport
import XCTest

/// `Sources/Events/KeyTable.swift` is generated: it must be exactly what its generator writes today.
final class KeyTableGeneratorTests: XCTestCase {
    func testKeyTableIsWhatTheGeneratorWrites() throws {
        let path = TestPaths.repoRoot.appendingPathComponent("Sources/Events/KeyTable.swift")
        let generated = KeyTableGenerator.source()
        if ProcessInfo.processInfo.environment["STEPEXPORT_REGENERATE"] == "1" {
            try generated.write(to: path, atomically: true, encoding: .utf8)
        }
        let checkedIn = try String(contentsOf: path, encoding: .utf8)
        XCTAssertEqual(checkedIn, generated,
                       "KeyTable.swift is stale: STEPEXPORT_REGENERATE=1 swift test --filter KeyTableGeneratorTests")
    }
}
