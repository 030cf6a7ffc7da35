import Foundation
import StepExportTestSupport
import XCTest

/// `batch` settles every output before any job runs (SPEC §10; issue 13, case 2: jobs sharing an
/// output all reported 200, and outputs onto the catalog, the manifest or outside the manifest's
/// folder were written): such a manifest is refused with 64, naming the jobs, and nothing is
/// written. Missing folders on an output's path are created.
final class BatchSafetyTests: XCTestCase {
    private let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"
    private let workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"

    /// A folder holding `dump/` (one event) and nothing else yet.
    private func makeFolder() throws -> URL {
        let folder = try TestPaths.temporaryDirectory(self).resolvingSymlinksInPath()
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.createDirectory(at: dump.appendingPathComponent("events"), withIntermediateDirectories: true)
        try Data(#"[{"id":"\#(workflow)","org_id":"\#(org)","type":"chat"}]"#.utf8).write(to: dump.appendingPathComponent("workflows.json"))
        try Data(#"{"id":"e1","timestamp":"2022-11-03T10:00:00Z","organization_id":"\#(org)","category":"workflowReportingEvent","label":"\#(workflow)","action":"open","dim5":1}"#.utf8)
            .write(to: dump.appendingPathComponent("events/a.ndjson"))
        return folder
    }

    private func job(_ output: String) -> String {
        #"{"organization_id":"\#(org)","workflow_id":"\#(workflow)","step_index":1,"payload":{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}},"output":"\#(output)"}"#
    }

    /// Writes `manifest.json` in `folder` (its dump `dump/`, or `dump`) and runs `batch` on it.
    private func batch(_ outputs: [String], in folder: URL, dump: String = "dump", _ extra: [String] = []) throws -> ProcessResult {
        let manifest = folder.appendingPathComponent("manifest.json")
        try Data(#"{"dump":"\#(dump)","jobs":[\#(outputs.map(job).joined(separator: ","))]}"#.utf8).write(to: manifest)
        return try runProcess(TestPaths.executable, ["batch", manifest.path, "--quiet"] + extra)
    }

    /// Every file under `folder` (relative paths, sorted), and each file's bytes.
    private func snapshot(_ folder: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let path = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) { out[path] = data }
        }
        return out
    }

    private func assertRefused(_ r: ProcessResult, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 64, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stdout.count, 0, "no job ran", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(message), "expected \(message) in: \(r.stderr)", file: file, line: line)
    }

    func testJobsSharingAnOutputUnderAnySpellingAreRefused() throws {
        let folder = try makeFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let before = snapshot(folder)
        let r = try batch(["same.csv", "other.csv", "./same.csv", "sub/../same.csv"], in: folder)
        assertRefused(r, "jobs 0, 2, 3 share the output \(folder.path)/same.csv")
        XCTAssertEqual(snapshot(folder).keys.sorted(), (before.keys + ["manifest.json"]).sorted(), "nothing written")
    }

    func testAnOutputThatIsAFileTheBatchReadsIsRefused() throws {
        let folder = try makeFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("catalog-link").path,
                                                   withDestinationPath: "dump/workflows.json")
        let r = try batch(["dump/workflows.json", "ok.csv", "dump/events/../events/a.ndjson", "manifest.json", "catalog-link"],
                          in: folder)
        for (job, output) in [(0, "dump/workflows.json"), (2, "dump/events/../events/a.ndjson"), (3, "manifest.json"),
                              (4, "catalog-link")] {
            assertRefused(r, "job \(job): the output \(output) is a file the batch reads")
        }
        XCTAssertFalse(r.stderr.contains("job 1"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("ok.csv").path))
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("dump/workflows.json"), encoding: .utf8).prefix(8), #"[{"id":""#)
    }

    func testAnOutputOutsideTheOutputRootIsRefused() throws {
        let folder = try makeFolder()
        let inner = folder.appendingPathComponent("inner")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        let outside = try TestPaths.temporaryDirectory(self).resolvingSymlinksInPath()
        try FileManager.default.createSymbolicLink(atPath: inner.appendingPathComponent("escape").path, withDestinationPath: outside.path)
        let r = try batch(["../up.csv", outside.path + "/abs.csv", "escape/through-link.csv", "fine.csv"], in: inner, dump: "../dump")
        assertRefused(r, "job 0: the output ../up.csv is outside the output root \(inner.path)")
        assertRefused(r, "job 1: the output \(outside.path)/abs.csv is outside the output root")
        assertRefused(r, "job 2: the output escape/through-link.csv is outside the output root")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside.path), [])

        // --output-root names another root: the parent folder takes in ../up.csv.
        let allowed = try batch(["../up.csv", "fine.csv"], in: inner, dump: "../dump", ["--output-root", folder.path])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("up.csv").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: inner.appendingPathComponent("fine.csv").path))
    }

    func testMissingFoldersOnAnOutputsPathAreCreated() throws {
        let folder = try makeFolder()
        let r = try batch(["new/deeper/x.csv", "y.csv"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let made = try String(contentsOf: folder.appendingPathComponent("new/deeper/x.csv"), encoding: .utf8)
        XCTAssertTrue(made.hasPrefix("event_id,timestamp,"), made)
        XCTAssertTrue(made.contains("\r\ne1,2022-11-03T10:00:00.000Z,"), made)
    }
}
