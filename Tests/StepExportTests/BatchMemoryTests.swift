import Foundation
import StepExportTestSupport
import XCTest

/// A batch job's fixed memory is a few kilobytes (SPEC §10; issue 13, case 5: every job reserved
/// about 2 MiB up front, so 5,000 jobs on a small dump aborted under a 4 GiB address-space limit).
final class BatchMemoryTests: XCTestCase {
    func testThreeThousandJobsOnASmallDumpStayUnder128MB() throws {
        // A sanitizer's shadow memory and quarantine are not the program's.
        if ProcessInfo.processInfo.environment["STEPEXPORT_SANITIZER"] != nil {
            throw XCTSkip("peak memory is not the program's under a sanitizer")
        }
        let folder = try TestPaths.temporaryDirectory(self)
        try OneEventDump.write(in: folder)
        let jobs = (0..<3_000).map { i in OneEventDump.job(output: "out/\(i).csv") }
        let manifest = folder.appendingPathComponent("manifest.json")
        try Data(#"{"dump":"dump","jobs":[\#(jobs.joined(separator: ","))]}"#.utf8).write(to: manifest)

        let (r, peakMB) = try runProcessMeasuringPeak(TestPaths.executable, ["batch", manifest.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).count, 3_000)
        // About 50 MB now; before, a job cost about 70 KB resident (2 MiB reserved): over 230 MB.
        XCTAssertLessThan(peakMB, 128, "3,000 jobs: peak RSS \(peakMB) MB")
    }
}
