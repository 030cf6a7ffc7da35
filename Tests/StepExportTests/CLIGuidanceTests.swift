import Foundation
import StepExportTestSupport
import XCTest

/// What the command tells a user who gets something wrong (issue 11): help with examples, a
/// version, `hint:` lines after the API's exact error bodies, errors naming path and reason, the
/// subcommand's usage, options that do not apply refused. Runs the executable.
extension CLITests {
    private var xlsxPayload: String {
        #"{"filters":[],"format":"xlsx","interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#
    }

    private func run(_ arguments: [String], input: String? = nil, in directory: URL? = nil) throws -> ProcessResult {
        try runProcess(TestPaths.executable, arguments, input: input.map { Data($0.utf8) }, currentDirectory: directory)
    }

    /// The error body is the last line starting with `{`, exactly as the API sends it; the hint follows it.
    private func assertBody(_ r: ProcessResult, _ body: String, hint: String?, file: StaticString = #filePath, line: UInt = #line) {
        let lines = r.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.last(where: { $0.hasPrefix("{") }), body, r.stderr, file: file, line: line)
        if let hint {
            XCTAssertEqual(lines.last, "hint: " + hint, r.stderr, file: file, line: line)
        } else {
            XCTAssertFalse(r.stderr.contains("hint:"), r.stderr, file: file, line: line)
        }
    }

    func testVersion() throws {
        let r = try run(["--version"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdoutText, "stepexport 1.1.0 (contract 1.1)\n")
    }

    func testEverySubcommandsHelpHasAnExampleAndExportsShowsAPayload() throws {
        for sub in ["export", "batch", "inspect", "generate"] {
            let r = try run(["help", sub])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdoutText.contains("Example"), "\(sub): \(r.stdoutText)")
            XCTAssertTrue(r.stdoutText.contains("stepexport \(sub) "), "\(sub) example line: \(r.stdoutText)")
        }
        let export = try run(["export", "--help"]).stdoutText
        for part in [#""filters""#, #""step_data""#, #""interval""#, #""target""#, #""format""#, #""limit""#, "docs/request.md"] {
            XCTAssertTrue(export.contains(part), "export --help lacks \(part)")
        }
        XCTAssertTrue(try run(["--help"]).stdoutText.contains("docs/README.md"))
    }

    /// Contract 1.1: `--org`, `--workflow`, `--step` take the next argument whatever it is, and the
    /// path check answers 404; the hint says which part is wrong.
    func testPathPartsTakeTheNextArgumentAndTheHintNamesTheBadPart() throws {
        let dump = try makeDump()
        let notFound = #"{"detail":"Not found."}"#
        let step = try export(dump, step: "-1")
        XCTAssertEqual(step.status, 44, step.stderr)
        assertBody(step, notFound, hint: "the step index '-1' is not a decimal integer ≥ 0 without sign")
        let org = try run(["export", "--dump", dump.path, "--org", "--x", "--workflow", workflow, "--step", "1",
                           "--payload", "-"], input: payload)
        XCTAssertEqual(org.status, 44, org.stderr)
        assertBody(org, notFound, hint: "the organization id '--x' is not a UUID (8-4-4-4-12 hexadecimal digits)")
        let wf = try run(["export", "--dump", dump.path, "--org", self.org, "--workflow", "abc", "--step", "1",
                          "--payload", "-"], input: payload)
        assertBody(wf, notFound, hint: "the workflow id 'abc' is not a UUID (8-4-4-4-12 hexadecimal digits)")
    }

    func testHintsSayWhichPartOfAGoodPathWasNotFound() throws {
        let dump = try makeDump()
        let notFound = #"{"detail":"Not found."}"#
        let step = try export(dump, step: "9")
        XCTAssertEqual(step.status, 44)
        assertBody(step, notFound, hint: "workflow 0B7E3F5A-8C2D-4E1F-B6A9-5D4C3B2A1F00 has steps 0–1, not 9")
        let other = "11111111-2222-4333-8444-555555555555"
        let unknown = try run(["export", "--dump", dump.path, "--org", org, "--workflow", other, "--step", "1",
                               "--payload", "-"], input: payload)
        assertBody(unknown, notFound, hint: "no workflow with id \(other) in organization \(org) (the catalog lists 1 workflow for it)")
        let elsewhere = try run(["export", "--dump", dump.path, "--org", other, "--workflow", workflow, "--step", "1",
                                 "--payload", "-"], input: payload)
        assertBody(elsewhere, notFound, hint: "workflow \(workflow) is not in organization \(other) but in \(org)")
    }

    func testOtherErrorsHintWhatToTry() throws {
        let dump = try makeDump()
        try Data("{\"id\":\"x\",\"timestamp\":\"soon\"}\n".utf8).write(to: dump.appendingPathComponent("events/b.ndjson"))
        let here = try TestPaths.temporaryDirectory(self)
        let bad = try export(dump, in: here)
        XCTAssertEqual(bad.status, 50)
        XCTAssertEqual(bad.stderr.split(separator: "\n").last.map(String.init),
                       "hint: --skip-invalid skips malformed events (counted and reported) instead of failing")
        XCTAssertTrue(bad.stderr.split(separator: "\n").first?.hasPrefix(#"{"detail":"Malformed event at events/b.ndjson:1: "#) ?? false)
        let filter = try export(dump, payload: #"{"filters":[{"property":"user_id","values":["u"]}],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#)
        assertBody(filter, #"{"detail":"Filtering by 'user_id' is not implemented."}"#,
                   hint: "filters can use action, label, visitor_id, session_id, flow_id, room_id, geo_country, geo_city, device_type, browser_name, os_name")
        let field = try export(dump, payload: #"{"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#)
        assertBody(field, #"{"filters":["This field is required."]}"#,
                   hint: "the payload's fields, their types and messages are described in docs/request.md")
    }

    /// A missing dump folder, a dump without workflows.json and an unreadable catalog are told
    /// apart, each naming the path and the system's reason.
    func testDumpProblemsNamePathAndReason() throws {
        let missing = try TestPaths.temporaryDirectory(self).appendingPathComponent("no-such-folder")
        let a = try export(missing)
        XCTAssertEqual(a.status, 50)
        assertBody(a, #"{"detail":"Cannot read dump folder \#(missing.path): No such file or directory"}"#, hint: nil)

        let empty = try TestPaths.temporaryDirectory(self)
        let b = try export(empty)
        XCTAssertEqual(b.status, 50)
        assertBody(b, #"{"detail":"Malformed workflow catalog: the dump folder \#(empty.path) has no workflows.json (No such file or directory)"}"#, hint: nil)

        try FileManager.default.createDirectory(at: empty.appendingPathComponent("workflows.json"), withIntermediateDirectories: false)
        let c = try export(empty)
        XCTAssertEqual(c.status, 50)
        assertBody(c, #"{"detail":"Cannot read \#(empty.path)/workflows.json: Is a directory"}"#, hint: nil)
    }

    /// A usage error found after parsing (a payload or manifest that cannot be read) shows the
    /// subcommand's usage, with the system's reason.
    func testUsageErrorsShowTheSubcommandsUsage() throws {
        let dump = try makeDump()
        let p = try run(["export", "--dump", dump.path, "--org", org, "--workflow", workflow, "--step", "1",
                         "--payload", "/no/such/payload.json"])
        XCTAssertEqual(p.status, 64)
        XCTAssertTrue(p.stderr.hasPrefix("Error: cannot read the payload file /no/such/payload.json: No such file or directory\n"), p.stderr)
        XCTAssertTrue(p.stderr.contains("Usage: stepexport export --dump <dump>"), p.stderr)
        let m = try run(["batch", "/no/such/manifest.json"])
        XCTAssertEqual(m.status, 64)
        XCTAssertTrue(m.stderr.contains("cannot read the manifest /no/such/manifest.json: No such file or directory"), m.stderr)
        XCTAssertTrue(m.stderr.contains("Usage: stepexport batch <manifest>"), m.stderr)
        let g = try run(["generate", "--events", "-5", "--output", try TestPaths.temporaryDirectory(self).path])
        XCTAssertEqual(g.status, 64)
        XCTAssertTrue(g.stderr.hasPrefix("Error: --events must be at least 1\n"), g.stderr)
    }

    func testInspectOfAMissingFileExits66NamingItOnce() throws {
        let path = try TestPaths.temporaryDirectory(self).appendingPathComponent("missing.xlsx").path
        let r = try run(["inspect", path])
        XCTAssertEqual(r.status, 66)
        XCTAssertEqual(r.stderr, "stepexport: cannot open \(path): No such file or directory\n")
        // A damaged file is still 65, its name once too.
        let damaged = try TestPaths.temporaryDirectory(self).appendingPathComponent("damaged.xlsx")
        try Data("not a zip".utf8).write(to: damaged)
        let d = try run(["inspect", damaged.path])
        XCTAssertEqual(d.status, 65, d.stderr)
        XCTAssertEqual(d.stderr.components(separatedBy: damaged.path).count, 2, d.stderr)
    }

    func testCSVOnlyOptionsAreRefusedForAnXLSXAnswer() throws {
        let dump = try makeDump()
        for flags in [["--bom"], ["--delimiter", ";"], ["--bom", "--delimiter", "tab"]] {
            let here = try TestPaths.temporaryDirectory(self)
            let r = try export(dump, payload: xlsxPayload, flags, in: here)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains("CSV files only, and this payload asks for \"format\": \"xlsx\""), r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: here.path), [], "nothing written")
        }
        XCTAssertEqual(try export(dump, ["--bom", "--output", "-"]).status, 0, "CSV takes them")
    }

    func testBatchSummarySaysCSVOptionsAppliedToCSVJobsOnly() throws {
        let dump = try makeDump()
        let folder = try TestPaths.temporaryDirectory(self)
        let job = #"{"organization_id":"\#(org)","workflow_id":"\#(workflow)","step_index":1,"payload":%@,"output":"%@"}"#
        let manifest = #"{"dump":"\#(dump.path)","jobs":[\#(String(format: job, payload, "a.csv")),\#(String(format: job, xlsxPayload, "b.xlsx")),\#(String(format: job, payload, "c.csv"))]}"#
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("m.json"))
        let r = try run(["batch", folder.appendingPathComponent("m.json").path, "--bom"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "stepexport: 3 jobs, 3 succeeded, 0 failed; --bom applied to the 2 CSV jobs only, not to the 1 XLSX job\n")
        XCTAssertTrue(try Data(contentsOf: folder.appendingPathComponent("a.csv")).starts(with: [0xEF, 0xBB, 0xBF]))
        let plain = try run(["batch", folder.appendingPathComponent("m.json").path])
        XCTAssertEqual(plain.stderr, "stepexport: 3 jobs, 3 succeeded, 0 failed\n")
    }

    func testAnOutputExtensionThatDisagreesWithTheFormatIsWarnedOf() throws {
        let dump = try makeDump()
        let here = try TestPaths.temporaryDirectory(self)
        let xlsx = try export(dump, payload: xlsxPayload, ["--output", "out.csv"], in: here)
        XCTAssertEqual(xlsx.status, 0, xlsx.stderr)
        XCTAssertTrue(xlsx.stderr.hasPrefix("stepexport: warning: out.csv ends in .csv but the answer is XLSX (the payload's \"format\")\n"),
                      xlsx.stderr)
        let csv = try export(dump, ["--output", "out.XLSX"], in: here)
        XCTAssertTrue(csv.stderr.hasPrefix("stepexport: warning: out.XLSX ends in .xlsx but the answer is CSV"), csv.stderr)
        for (payload, name) in [(self.payload, "fine.csv"), (xlsxPayload, "fine.xlsx"), (self.payload, "no-extension")] {
            let r = try export(dump, payload: payload, ["--output", name], in: here)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(r.stderr.contains("warning"), r.stderr)
        }
    }

    func testTheSummaryLineGroupsThousands() throws {
        let dump = try makeDump()
        let here = try TestPaths.temporaryDirectory(self)
        let r = try export(dump, payload: xlsxPayload, in: here)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNotNil(r.stderr.range(of: #"^stepexport: 3 rows, [0-9],[0-9]{3} bytes, [0-9]+\.[0-9]{3} s → "#,
                                       options: .regularExpression), r.stderr)
    }
}
