import Foundation
import StepExportTestSupport
import XCTest

/// The `stepexport` executable as a user runs it: exit codes, messages, where files appear.
final class CLITests: XCTestCase {
    /// A small dump with one workflow and three events, written fresh for each test.
    func makeDump() throws -> URL {
        let root = try TestPaths.temporaryDirectory(self)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("events"), withIntermediateDirectories: true)
        let catalog = """
        [{"id":"0B7E3F5A-8C2D-4E1F-B6A9-5D4C3B2A1F00","org_id":"6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90",
          "type":"chat","name":"Chat","steps":[{"index":0,"name":"Source"},{"index":1,"name":"Opened"}]}]
        """
        try Data(catalog.utf8).write(to: root.appendingPathComponent("workflows.json"))
        let events = (1...3).map { i in
            """
            {"id":"e\(i)","timestamp":"2022-11-03T10:00:0\(i)Z","organization_id":"6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90",\
            "category":"workflowReportingEvent","label":"0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00","action":"=open",\
            "dim5":1,"value":1.50}
            """
        }.joined(separator: "\n")
        try Data(events.utf8).write(to: root.appendingPathComponent("events/a.ndjson"))
        return root
    }

    let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"
    let workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"
    let payload = #"{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#

    func export(_ dump: URL, step: String = "1", payload: String? = nil, _ extra: [String] = [],
                        in directory: URL? = nil) throws -> ProcessResult {
        try runProcess(TestPaths.executable,
                       ["export", "--dump", dump.path, "--org", org, "--workflow", workflow, "--step", step,
                        "--payload", "-"] + extra,
                       input: Data((payload ?? self.payload).utf8), currentDirectory: directory)
    }

    func testExportWritesTheAPIFileNameAndASummary() throws {
        let dump = try makeDump()
        let here = try TestPaths.temporaryDirectory(self)
        let r = try export(dump, in: here)
        XCTAssertEqual(r.status, 0, r.stderr)
        // The catalog's spelling of the id names the file.
        let file = here.appendingPathComponent("workflow_0B7E3F5A-8C2D-4E1F-B6A9-5D4C3B2A1F00_step_1.csv")
        let csv = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("event_id,timestamp,organization_id,workflow_id,step_index,step_name,"))
        XCTAssertTrue(csv.contains("\r\ne1,2022-11-03T10:00:01.000Z,"))
        XCTAssertTrue(csv.contains(",'=open,"), "formula guard on by default")
        XCTAssertTrue(r.stderr.contains("3 rows"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: here.path).count, 1, "no temporary left")
    }

    func testStandardOutputAndQuietAndFlags() throws {
        let dump = try makeDump()
        let r = try export(dump, ["--output", "-", "--quiet", "--no-formula-guard", "--delimiter", ";", "--bom"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let text = String(decoding: r.stdout, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("\u{FEFF}event_id;timestamp;"))
        XCTAssertTrue(text.contains(";=open;"))
        XCTAssertTrue(text.contains(";1.50;"))
    }

    func testErrorStatusesMapToExitCodes() throws {
        let dump = try makeDump()
        let cases: [(String, String, Int32, String)] = [
            ("1", "{", 40, #"{"detail":"JSON parse error - "#),
            ("x", payload, 44, #"{"detail":"Not found."}"#),
            ("7", payload, 44, #"{"detail":"Not found."}"#),
            ("1", #"{"filters":[{"property":"user_id","values":["u"]}],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#,
             46, #"{"detail":"Filtering by 'user_id' is not implemented."}"#),
            ("1", #"{"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"},"format":"pdf"}"#,
             40, #"{"filters":["This field is required."],"format":["Format must be 'xlsx' or 'csv'. Change the value or omit the field from payload."]}"#),
        ]
        for (step, body, code, message) in cases {
            let here = try TestPaths.temporaryDirectory(self)
            let r = try export(dump, step: step, payload: body, in: here)
            XCTAssertEqual(r.status, code, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix(message), r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: here.path), [], "nothing written on error")
        }
    }

    func testMalformedDumpFailsWithoutTouchingAnExistingFile() throws {
        let dump = try makeDump()
        let events = dump.appendingPathComponent("events/b.ndjson")
        try Data("{\"id\":\"x\",\"timestamp\":\"soon\"}\n".utf8).write(to: events)
        let here = try TestPaths.temporaryDirectory(self)
        let target = here.appendingPathComponent("out.csv")
        try Data("previous good file".utf8).write(to: target)
        let r = try export(dump, ["--output", target.path], in: here)
        XCTAssertEqual(r.status, 50)
        XCTAssertTrue(r.stderr.hasPrefix(#"{"detail":"Malformed event at events/b.ndjson:1: "#), r.stderr)
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "previous good file")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: here.path), ["out.csv"])

        let skipped = try export(dump, ["--output", target.path, "--skip-invalid"], in: here)
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        XCTAssertTrue(skipped.stderr.contains("1 malformed events skipped, the first at events/b.ndjson:1:"), skipped.stderr)
    }

    func testUnwritableOutputIs500() throws {
        let dump = try makeDump()
        let r = try export(dump, ["--output", "/nonexistent-dir/x.csv"])
        XCTAssertEqual(r.status, 50)
        XCTAssertTrue(r.stderr.hasPrefix(#"{"detail":"Cannot write /nonexistent-dir/x.csv: "#), r.stderr)
    }

    func testUsageErrorsExit64() throws {
        let dump = try makeDump()
        XCTAssertEqual(try runProcess(TestPaths.executable, ["export", "--dump", dump.path]).status, 64)
        XCTAssertEqual(try export(dump, ["--delimiter", "\""]).status, 64)
        XCTAssertEqual(try runProcess(TestPaths.executable, ["frobnicate"]).status, 64)
        let help = try runProcess(TestPaths.executable, ["help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(String(decoding: help.stdout, as: UTF8.self).contains("export"))
    }
}
