import Foundation
import StepExportTestSupport
import XCTest

/// Random dumps and requests (seeded, so every run checks the same ones): the `stepexport`
/// executable must answer exactly as the independent Python oracle in `Tests/oracle`.
final class DifferentialTests: XCTestCase {
    private func differential(_ arguments: [String]) throws {
        try ReaderTestSupport.require(.python3)
        let script = TestPaths.repoRoot.appendingPathComponent("Tests/oracle/differential.py")
        let r = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                               ["python3", script.path, "--stepexport", TestPaths.executable.path] + arguments)
        let out = String(decoding: r.stdout, as: UTF8.self)
        XCTAssertEqual(r.status, 0, out + r.stderr)
        XCTAssertFalse(out.contains("MISMATCH"), out)
        XCTAssertTrue(out.contains(" runs agree"), out + r.stderr)
    }

    func testRandomRequestsAgreeWithTheOracle() throws {
        try differential(["--seeds", "8", "--events", "400", "--requests", "4"])
    }

    func testRandomMalformedDumpsAgreeWithTheOracle() throws {
        try differential(["--seeds", "5", "--events", "300", "--requests", "3", "--bad", "3"])
    }
}
