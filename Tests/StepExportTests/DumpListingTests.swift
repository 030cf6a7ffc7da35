import EventDump
import Foundation
import StepExportTestSupport
import XCTest

/// Which files under `events/` are read (SPEC §1; issue 13, case 8: symbolic links and upper-case
/// extensions were skipped without a word): links to files and folders are followed, each file and
/// folder once by device and inode (so a loop ends), extensions match in any ASCII case, and the
/// other files are counted and the first named on standard error and in the batch lines.
final class DumpListingTests: XCTestCase {
    private let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"
    private let workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"

    private func event(_ id: String) -> String {
        #"{"id":"\#(id)","timestamp":"2022-11-03T10:00:00Z","organization_id":"\#(org)","category":"workflowReportingEvent","label":"\#(workflow)","action":"open","dim5":1}"# + "\n"
    }

    /// A dump whose events/ holds plain files, upper-case names, links to a file and a folder
    /// outside the dump, a second link to the same folder, a loop, a dangling link and other files.
    private func makeDump() throws -> URL {
        let folder = try TestPaths.temporaryDirectory(self).resolvingSymlinksInPath()
        let dump = folder.appendingPathComponent("dump")
        let events = dump.appendingPathComponent("events")
        let archive = folder.appendingPathComponent("archive")
        for d in [events.appendingPathComponent("sub"), archive.appendingPathComponent("inner")] {
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        }
        try Data(#"[{"id":"\#(workflow)","org_id":"\#(org)","type":"chat"}]"#.utf8).write(to: dump.appendingPathComponent("workflows.json"))
        try Data(event("plain").utf8).write(to: events.appendingPathComponent("a.ndjson"))
        try Data(event("upper").utf8).write(to: events.appendingPathComponent("B.NDJSON"))
        let gz = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-c", "-n"], input: Data(("[" + event("gz") + "]").utf8))
        try gz.stdout.write(to: events.appendingPathComponent("c.JSON.GZ"))
        try Data(event("mixed").utf8).write(to: events.appendingPathComponent("d.JsonL"))
        try Data(event("linked-file").utf8).write(to: folder.appendingPathComponent("outside.ndjson"))
        try Data(event("in-archive").utf8).write(to: archive.appendingPathComponent("inner/x.ndjson"))
        try Data("notes".utf8).write(to: events.appendingPathComponent("sub/notes.txt"))
        try Data("old".utf8).write(to: events.appendingPathComponent("old.json.bak"))
        let links: [(String, String)] = [
            ("e-link.ndjson", folder.appendingPathComponent("outside.ndjson").path),
            ("m-archive", archive.path),
            ("n-archive-again", archive.path),
            ("sub/loop", ".."),
            ("z-dangling.txt", "nowhere"),
        ]
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: events.appendingPathComponent(name).path, withDestinationPath: target)
        }
        return dump
    }

    func testLinksAreFollowedOnceAndExtensionsMatchInAnyCase() throws {
        let dump = try makeDump()
        let listing = try DumpFiles.listing(dumpRoot: dump.path)
        XCTAssertEqual(listing.files.map(\.relativePath), [
            "events/B.NDJSON", "events/a.ndjson", "events/c.JSON.GZ", "events/d.JsonL", "events/e-link.ndjson",
            "events/m-archive/inner/x.ndjson",
        ])
        XCTAssertEqual(listing.files.map(\.isJSONArray), [false, false, true, false, false, false])
        XCTAssertEqual(listing.otherFiles, 3, "old.json.bak, sub/notes.txt, the dangling link")
        XCTAssertEqual(listing.firstOtherFile, "events/old.json.bak")
    }

    func testTheExportReadsThemAndNamesTheOtherFiles() throws {
        let dump = try makeDump()
        let folder = dump.deletingLastPathComponent()
        let r = try runProcess(TestPaths.executable,
                               ["export", "--dump", dump.path, "--org", org, "--workflow", workflow, "--step", "1",
                                "--payload", "-", "--output", folder.appendingPathComponent("out.csv").path],
                               input: Data(#"{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("stepexport: 6 rows, "), r.stderr)
        XCTAssertTrue(r.stderr.contains("3 files under events/ not read (not event files), the first events/old.json.bak"), r.stderr)
        let csv = try String(contentsOf: folder.appendingPathComponent("out.csv"), encoding: .utf8)
        for id in ["plain", "upper", "gz", "mixed", "linked-file", "in-archive"] {
            XCTAssertEqual(csv.components(separatedBy: "\r\n\(id),").count, 2, "\(id) once in:\n\(csv)")
        }

        let manifest = folder.appendingPathComponent("manifest.json")
        try Data(#"{"dump":"dump","jobs":[{"organization_id":"\#(org)","workflow_id":"\#(workflow)","step_index":1,"payload":{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}},"output":"b.csv"}]}"#.utf8)
            .write(to: manifest)
        let b = try runProcess(TestPaths.executable, ["batch", manifest.path, "--quiet"])
        XCTAssertEqual(b.status, 0, b.stderr)
        let line = String(decoding: b.stdout, as: UTF8.self)
        XCTAssertTrue(line.hasPrefix(#"{"job":0,"status":200,"output":"b.csv","rows":6,"#), line)
        XCTAssertTrue(line.hasSuffix(#","other_files":3,"first_other_file":"events/old.json.bak"}"# + "\n"), line)
    }

    func testADanglingLinkNamedAsAnEventFileIsUnreadable() throws {
        let dump = try makeDump()
        try FileManager.default.createSymbolicLink(atPath: dump.appendingPathComponent("events/gone.ndjson").path,
                                                   withDestinationPath: "missing.ndjson")
        XCTAssertThrowsError(try DumpFiles.listing(dumpRoot: dump.path)) { error in
            XCTAssertEqual((error as? DumpError)?.detail, "Cannot read events/gone.ndjson: No such file or directory")
        }
    }
}
