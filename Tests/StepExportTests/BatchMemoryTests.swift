import Foundation
import StepExportTestSupport
import XCTest

/// A batch job's fixed memory is a few kilobytes (SPEC §10; issue 13, case 5: every job reserved
/// about 2 MiB up front, so 5,000 jobs on a small dump aborted under a 4 GiB address-space limit).
final class BatchMemoryTests: XCTestCase {
    private let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"
    private let workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"

    func testThreeThousandJobsOnASmallDumpStayUnder128MB() throws {
        // A sanitizer's shadow memory and quarantine are not the program's.
        if ProcessInfo.processInfo.environment["STEPEXPORT_SANITIZER"] != nil {
            throw XCTSkip("peak memory is not the program's under a sanitizer")
        }
        let folder = try TestPaths.temporaryDirectory(self)
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.createDirectory(at: dump.appendingPathComponent("events"), withIntermediateDirectories: true)
        try Data(#"[{"id":"\#(workflow)","org_id":"\#(org)","type":"chat"}]"#.utf8).write(to: dump.appendingPathComponent("workflows.json"))
        try Data(#"{"id":"e1","timestamp":"2022-11-03T10:00:00Z","organization_id":"\#(org)","category":"workflowReportingEvent","label":"\#(workflow)","action":"open","dim5":1}"#.utf8)
            .write(to: dump.appendingPathComponent("events/a.ndjson"))
        let jobs = (0..<3_000).map { i in
            #"{"organization_id":"\#(org)","workflow_id":"\#(workflow)","step_index":1,"payload":{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}},"output":"out/\#(i).csv"}"#
        }
        let manifest = folder.appendingPathComponent("manifest.json")
        try Data(#"{"dump":"dump","jobs":[\#(jobs.joined(separator: ","))]}"#.utf8).write(to: manifest)

        let (r, peakMB) = try runProcessMeasuringPeak(TestPaths.executable, ["batch", manifest.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).count, 3_000)
        // About 50 MB now; before, a job cost about 70 KB resident (2 MiB reserved): over 230 MB.
        XCTAssertLessThan(peakMB, 128, "3,000 jobs: peak RSS \(peakMB) MB")
    }
}
