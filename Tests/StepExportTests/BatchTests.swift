import EventDump
import Foundation
import StepExport
import StepExportTestSupport
import XCTest

/// `stepexport batch` (SPEC §10): one JSON line per job in manifest order, outputs only for the
/// jobs that succeeded, each byte for byte what `export` writes for the same request, one read of
/// the dump for all jobs, exit 0 / 2 / 64.
final class BatchTests: XCTestCase {
    private let demo = TestPaths.fixtures.appendingPathComponent("demo")
    private let org = "7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21"
    private let web = "4e9b8c7d-1a2b-4c3d-8e5f-6a7b8c9d0e1f"
    private let chat = "0c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f"
    private let interaction = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
    private let interval: [String: Any] = ["start": "2023-03-15T00:00:00+02:00", "end": "2023-03-22T00:00:00+02:00"]

    private struct Job {
        let org: String
        let workflow: String
        let step: Any
        let payload: Any
        let output: String?
        /// The summary line a failing job must print, exactly (`{folder}`: the manifest's folder);
        /// nil for a job that must succeed.
        let error: String?
    }

    private func demoRequest() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: demo.appendingPathComponent("request.json")))
    }

    /// Good and bad jobs, mixed.
    private func mixedJobs() throws -> [Job] {
        [
            Job(org: org, workflow: web, step: 2, payload: try demoRequest(), output: "out/step2.csv", error: nil),
            Job(org: "not-a-uuid", workflow: web, step: 2, payload: try demoRequest(), output: "out/bad-path.csv",
                error: #"{"job":1,"status":404,"error":{"detail":"Not found."}}"#),
            Job(org: org, workflow: web, step: 1, payload: ["interval": interval, "format": "pdf"], output: "out/bad-payload.csv",
                error: #"{"job":2,"status":400,"error":{"filters":["This field is required."],"format":["Format must be 'xlsx' or 'csv'. Change the value or omit the field from payload."]}}"#),
            Job(org: org, workflow: "00000000-0000-4000-8000-000000000000", step: 1,
                payload: ["filters": [], "interval": interval], output: "out/unknown.csv",
                error: #"{"job":3,"status":404,"error":{"detail":"Not found."}}"#),
            Job(org: org, workflow: web, step: 1,
                payload: ["filters": [["property": "user_id", "values": ["u"]]], "interval": interval], output: "out/filter.csv",
                error: #"{"job":4,"status":406,"error":{"detail":"Filtering by 'user_id' is not implemented."}}"#),
            Job(org: org, workflow: chat, step: "1", payload: ["filters": [], "interval": interval, "format": "xlsx"],
                output: "out/chat.xlsx", error: nil),
            Job(org: org, workflow: web, step: 1, payload: ["filters": [], "interval": interval],
                output: "manifest.json/x.csv",
                error: #"{"job":6,"status":500,"error":{"detail":"Cannot write {folder}/manifest.json/x.csv: Not a directory"}}"#),
            Job(org: org, workflow: web, step: 3,
                payload: ["filters": [["property": "label", "values": ["purchase"]]], "interval": interval,
                          "target": "triggered_goal", "limit": 5], output: nil, error: nil),
            Job(org: org, workflow: interaction, step: 5, payload: ["filters": [], "interval": interval],
                output: "out/interaction.csv", error: nil),
        ]
    }

    private func writeManifest(_ jobs: [Job], dump: URL, in folder: URL) throws -> URL {
        let manifest: [String: Any] = [
            "dump": dump.path,
            "jobs": jobs.map { job -> [String: Any] in
                var entry: [String: Any] = ["organization_id": job.org, "workflow_id": job.workflow,
                                            "step_index": job.step, "payload": job.payload]
                if let output = job.output { entry["output"] = output }
                return entry
            },
        ]
        let url = folder.appendingPathComponent("manifest.json")
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: url)
        return url
    }

    private func batch(_ manifest: URL, _ extra: [String] = []) throws -> ProcessResult {
        try runProcess(TestPaths.executable, ["batch", manifest.path] + extra)
    }

    /// Runs the job alone with `export`; returns the process result and the file it wrote.
    private func exportAlone(_ job: Job, dump: URL) throws -> (result: ProcessResult, file: Data?) {
        let folder = try TestPaths.temporaryDirectory(self)
        let payload = folder.appendingPathComponent("payload.json")
        try JSONSerialization.data(withJSONObject: job.payload, options: [.sortedKeys]).write(to: payload)
        let output = folder.appendingPathComponent("alone.out")
        let result = try runProcess(TestPaths.executable,
                                    ["export", "--dump", dump.path, "--org", job.org, "--workflow", job.workflow,
                                     "--step", "\(job.step)", "--payload", payload.path, "--output", output.path])
        return (result, try? Data(contentsOf: output))
    }

    private func lines(_ result: ProcessResult) -> [String] {
        String(decoding: result.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    /// Every file under `folder`, relative paths, sorted.
    private func files(under folder: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { found.append(path) }
        }
        return found.sorted()
    }

    func testMixedJobsGiveTheSummaryLinesInOrderAndOnlyGoodOutputs() throws {
        let jobs = try mixedJobs()
        for parallel in ["1", "3"] {
            let folder = try TestPaths.temporaryDirectory(self)
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
            let manifest = try writeManifest(jobs, dump: demo, in: folder)
            let r = try batch(manifest, ["--jobs", parallel])
            XCTAssertEqual(r.status, 2, r.stderr)
            let got = lines(r)
            XCTAssertEqual(got.count, jobs.count, "one line per job")
            for (i, job) in jobs.enumerated() where i < got.count {
                if let error = job.error {
                    XCTAssertEqual(got[i], error.replacingOccurrences(of: "{folder}", with: folder.path), "job \(i)")
                    continue
                }
                // A success: the line's fields, and the file, as `export` alone gives them.
                let line = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(got[i].utf8)) as? [String: Any], got[i])
                XCTAssertEqual(Array(line.keys).sorted(), ["bytes", "job", "output", "rows", "seconds", "status"], got[i])
                XCTAssertTrue(got[i].hasPrefix("{\"job\":\(i),\"status\":200,\"output\":"), got[i])
                let alone = try exportAlone(job, dump: demo)
                XCTAssertEqual(alone.result.status, 0, alone.result.stderr)
                let outputName = job.output ?? "workflow_\(job.workflow)_step_\(job.step).csv"
                XCTAssertEqual(line["output"] as? String, outputName)
                let written = try Data(contentsOf: folder.appendingPathComponent(outputName))
                XCTAssertEqual(written, alone.file, "job \(i): batch output differs from export alone")
                XCTAssertEqual(line["bytes"] as? Int, written.count)
                XCTAssertTrue(alone.result.stderr.contains("stepexport: \(line["rows"] as? Int ?? -1) rows,"),
                              "job \(i): rows \(line["rows"] ?? "?") vs \(alone.result.stderr)")
                XCTAssertNotNil(line["seconds"] as? Double)
            }
            // Only the successful jobs' files, and no temporary left over.
            let expected = (["manifest.json"] + jobs.filter { $0.error == nil }.map {
                $0.output ?? "workflow_\($0.workflow)_step_\($0.step).csv"
            }).sorted()
            XCTAssertEqual(files(under: folder), expected)
            XCTAssertTrue(r.stderr.contains("\(jobs.count) jobs, 4 succeeded, 5 failed"), r.stderr)
        }
    }

    func testAMalformedDumpFailsEveryValidJobWith500() throws {
        let dump = try TestPaths.temporaryDirectory(self).appendingPathComponent("dump")
        try FileManager.default.copyItem(at: demo, to: dump)
        try Data("{\"id\":\"ok\",\"timestamp\":\"2023-03-16T10:00:00Z\"}\n{\"id\":\"bad\",\"timestamp\":tomorrow}\n".utf8)
            .write(to: dump.appendingPathComponent("events/zz.ndjson"))
        let jobs = try mixedJobs()
        let folder = try TestPaths.temporaryDirectory(self)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        let r = try batch(try writeManifest(jobs, dump: dump, in: folder))
        XCTAssertEqual(r.status, 2, r.stderr)
        let got = lines(r)
        XCTAssertEqual(got.count, jobs.count)
        // The body `export` alone answers for a valid request on this dump.
        let alone = try exportAlone(jobs[0], dump: dump)
        XCTAssertEqual(alone.result.status, 50)
        // (The body is the last line that starts with `{`; a `hint:` line follows it.)
        let body = alone.result.stderr.split(separator: "\n").last(where: { $0.hasPrefix("{") }).map(String.init) ?? ""
        XCTAssertTrue(body.hasPrefix(#"{"detail":"Malformed event at events/zz.ndjson:2: "#), body)
        for (i, job) in jobs.enumerated() where i < got.count {
            // Checks 1–6 come before the dump (SPEC §3): those failures stay; every other job gets the 500,
            // the unwritable one too (the dump fails before anything is written).
            let expected = job.error.map { $0.contains("\"status\":500") ? nil : $0 } ?? nil
            XCTAssertEqual(got[i], expected ?? "{\"job\":\(i),\"status\":500,\"error\":\(body)}", "job \(i)")
        }
        XCTAssertEqual(files(under: folder), ["manifest.json"], "no output for a failed job")
    }

    func testAllGoodExitsZeroAndTheDumpIsReadOnce() throws {
        let good = try mixedJobs().filter { $0.error == nil }
        let folder = try TestPaths.temporaryDirectory(self)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        let manifest = try writeManifest(good, dump: demo, in: folder)
        let r = try batch(manifest, ["--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(lines(r).count, good.count)
        XCTAssertTrue(lines(r).allSatisfy { $0.contains("\"status\":200") })

        // In process, counting what the scan reads: every event byte of the dump once, not once per job.
        var options = ExportOptions()
        let progress = ExportProgress()
        options.progress = progress
        let outcomes = try Batch.run(manifestPath: manifest.path, options: options, parallelJobs: 2)
        XCTAssertEqual(outcomes.count, good.count)
        XCTAssertEqual(progress.scan.bytes, try decompressedSize(of: demo.appendingPathComponent("events")),
                       "the dump must be read exactly once for \(good.count) jobs")
        // On disk (gzip files compressed), what a progress display measures against the files' sizes.
        let onDisk = try files(under: demo.appendingPathComponent("events")).reduce(Int64(0)) { sum, path in
            sum + Int64(try Data(contentsOf: demo.appendingPathComponent("events").appendingPathComponent(path)).count)
        }
        XCTAssertEqual(progress.scan.fileBytes, onDisk, "file bytes read, compressed for gzip")
        XCTAssertLessThan(progress.scan.fileBytes, progress.scan.bytes, "the demo's gzip files count compressed")
        let rows = outcomes.reduce(0) { total, outcome in
            if case .success(let r) = outcome.result { return total + r.rows }
            XCTFail("job \(outcome.job) failed: \(outcome.summaryLine)")
            return total
        }
        XCTAssertEqual(progress.rows.written, rows)
        XCTAssertEqual(progress.rows.total, rows)
    }

    /// Bytes of every event file under `folder`, gzip files inflated.
    private func decompressedSize(of folder: URL) throws -> Int64 {
        var total: Int64 = 0
        for path in files(under: folder) {
            let url = folder.appendingPathComponent(path)
            if path.hasSuffix(".gz") {
                let r = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-dc", url.path])
                XCTAssertEqual(r.status, 0)
                total += Int64(r.stdout.count)
            } else {
                total += Int64(try Data(contentsOf: url).count)
            }
        }
        return total
    }

    func testUnusableManifestsExit64() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let manifests = [
            "not json": "{\"dump\":",
            "not an object": "[]",
            "no dump": "{\"jobs\":[]}",
            "no jobs": "{\"dump\":\"d\"}",
            "jobs not a list": "{\"dump\":\"d\",\"jobs\":{}}",
            "a job not an object": "{\"dump\":\"d\",\"jobs\":[3]}",
            "an empty output": "{\"dump\":\"d\",\"jobs\":[{\"output\":\"\"}]}",
        ]
        for (what, text) in manifests.sorted(by: { $0.key < $1.key }) {
            let url = folder.appendingPathComponent("m.json")
            try Data(text.utf8).write(to: url)
            let r = try batch(url)
            XCTAssertEqual(r.status, 64, "\(what): \(r.stderr)")
            XCTAssertEqual(r.stdout.count, 0, what)
        }
        XCTAssertEqual(try batch(folder.appendingPathComponent("missing.json")).status, 64)
        XCTAssertEqual(try batch(folder.appendingPathComponent("m.json"), ["--jobs", "0"]).status, 64)
    }

    func testJobsWithoutAValidPathOrPayloadFieldAnswerAsTheAPIWould() throws {
        // A job that lacks its path fields is a bad path (404); without a payload, a JSON null (400).
        let folder = try TestPaths.temporaryDirectory(self)
        let text = """
        {"dump": "\(demo.path)", "jobs": [
          {"payload": {}},
          {"organization_id": "\(org)", "workflow_id": "\(web)", "step_index": -1, "payload": {}},
          {"organization_id": "\(org)", "workflow_id": "\(web)", "step_index": "2"}
        ]}
        """
        let url = folder.appendingPathComponent("m.json")
        try Data(text.utf8).write(to: url)
        let r = try batch(url)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertEqual(lines(r), [
            #"{"job":0,"status":404,"error":{"detail":"Not found."}}"#,
            #"{"job":1,"status":404,"error":{"detail":"Not found."}}"#,
            #"{"job":2,"status":400,"error":{"non_field_errors":["Invalid data. Expected a dictionary, but got NoneType."]}}"#,
        ])
    }
}
