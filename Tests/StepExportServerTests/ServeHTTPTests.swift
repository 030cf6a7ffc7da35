import Foundation
import StepExportTestSupport
import XCTest

/// `stepexport serve` answered by curl: every status, header and body of SPEC §11, each compared
/// with what `stepexport export` writes for the same request.
final class ServeHTTPTests: XCTestCase {
    /// The README's demo request, as a new user sends it: byte-identical to `expected.csv`.
    func testDemoRequestIsTheExpectedCSV() throws {
        let scratch = try TestPaths.temporaryDirectory(self)
        let curl = try Curl(self, scratch: scratch)
        let server = try ServeProcess(self, dump: ServePaths.demo)
        let answer = try curl.request(server.port, Demo.path, body: try Demo.payload)
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.body, try Data(contentsOf: ServePaths.demo.appendingPathComponent("expected.csv")))
        XCTAssertEqual(answer.headers["content-type"], "text/csv; charset=utf-8")
        XCTAssertEqual(answer.headers["content-disposition"], "attachment; filename=workflow_\(Demo.workflow)_step_2.csv")
        XCTAssertEqual(answer.headers["content-length"], String(answer.body.count))
        XCTAssertEqual(server.stop(), 0)
        XCTAssertEqual(server.leftovers, [])
        XCTAssertTrue(server.stderr.contains("POST \(Demo.path) 200 \(answer.body.count) bytes"), server.stderr)
    }

    /// XLSX, a query string, upper-case and percent-encoded ids, and the export options: the bytes
    /// `export` writes with the same options.
    func testXLSXAndOptionsAreExportsBytes() throws {
        let scratch = try TestPaths.temporaryDirectory(self)
        let curl = try Curl(self, scratch: scratch)
        let server = try ServeProcess(self, dump: ServePaths.demo, arguments: ["--no-formula-guard", "--delimiter", ";"])
        var payload = String(decoding: try Demo.payload, as: UTF8.self)
        let csv = try ExportAnswer.of(dump: ServePaths.demo, org: Demo.org, workflow: Demo.workflow, step: "2",
                                      payload: Data(payload.utf8), options: ["--no-formula-guard", "--delimiter", ";"],
                                      in: scratch)
        let upper = route(org: Demo.org.uppercased(), workflow: Demo.workflow.replacingOccurrences(of: "-", with: "%2D"),
                          step: "002") + "?ignored=1"
        let answer = try curl.request(server.port, upper, body: Data(payload.utf8))
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.body, csv.body)
        // The catalog's spelling of the id and the normalized step, as `export` names the file.
        XCTAssertEqual(answer.headers["content-disposition"], "attachment; filename=workflow_\(Demo.workflow)_step_2.csv")

        payload = payload.replacingOccurrences(of: #""format": "csv""#, with: #""format": "xlsx""#)
        // `export` refuses CSV-only options with an XLSX payload; the server applies them to CSV
        // answers only, as `batch` does.
        let xlsx = try ExportAnswer.of(dump: ServePaths.demo, org: Demo.org, workflow: Demo.workflow, step: "2",
                                       payload: Data(payload.utf8), options: ["--no-formula-guard"], in: scratch)
        let answerX = try curl.request(server.port, Demo.path, body: Data(payload.utf8))
        XCTAssertEqual(xlsx.status, 200)
        XCTAssertEqual(answerX.status, 200)
        XCTAssertEqual(answerX.body, xlsx.body)
        XCTAssertEqual(answerX.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        XCTAssertEqual(answerX.headers["content-disposition"], "attachment; filename=workflow_\(Demo.workflow)_step_2.xlsx")
        XCTAssertEqual(answerX.headers["content-length"], String(xlsx.body.count))
    }

    /// Every error of §3 over HTTP: the status and body `export` gives, as `application/json`.
    func testErrorsAreExportsErrors() throws {
        let scratch = try TestPaths.temporaryDirectory(self)
        let curl = try Curl(self, scratch: scratch)
        let dump = try copyOfDemo(in: scratch)
        let server = try ServeProcess(self, dump: dump)
        let good = String(decoding: try Demo.payload, as: UTF8.self)
        let cases: [(String, String, String, String)] = [
            ("bad org", "not-a-uuid", Demo.workflow, good),
            ("negative step", Demo.org, Demo.workflow, "-1"),
            ("unknown workflow", Demo.org, "00000000-0000-4000-8000-000000000000", good),
            ("unknown step", Demo.org, Demo.workflow, "9"),
            ("not JSON", Demo.org, Demo.workflow, "[object Object]"),
            ("empty body", Demo.org, Demo.workflow, ""),
            ("not an object", Demo.org, Demo.workflow, "[1]"),
            ("fields", Demo.org, Demo.workflow, #"{"filters":{},"interval":{"start":"x"},"format":"pdf","limit":0}"#),
            ("filter not implemented", Demo.org, Demo.workflow,
             good.replacingOccurrences(of: #""filters": []"#, with: #""filters": [{"property":"page_url","values":["a"]}]"#)),
        ]
        for (name, org, workflow, payloadOrStep) in cases {
            let step = name == "negative step" ? "-1" : name == "unknown step" ? "9" : "2"
            let payload = name.hasSuffix("step") ? good : payloadOrStep
            let expected = try ExportAnswer.of(dump: dump, org: org, workflow: workflow, step: step,
                                               payload: Data(payload.utf8), in: scratch)
            XCTAssertNotEqual(expected.status, 200, name)
            let answer = try curl.request(server.port, route(org: org, workflow: workflow, step: step), body: Data(payload.utf8))
            XCTAssertEqual(answer.status, expected.status, name)
            XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), String(decoding: expected.body, as: UTF8.self), name)
            XCTAssertEqual(answer.headers["content-type"], "application/json", name)
            XCTAssertEqual(answer.headers["content-length"], String(answer.body.count), name)
        }
        let parse = try curl.request(server.port, Demo.path, body: Data("[object Object]".utf8))
        XCTAssertEqual(String(decoding: parse.body, as: UTF8.self),
                       #"{"detail":"JSON parse error - Expecting value: line 1 column 2 (char 1)"}"#)

        // A malformed event: 500 with the place, as `export` says it.
        try Data("{\"id\":1}\n".utf8).write(to: dump.appendingPathComponent("events/zz-broken.ndjson"))
        let broken = try ExportAnswer.of(dump: dump, org: Demo.org, workflow: Demo.workflow, step: "2",
                                         payload: Data(good.utf8), in: scratch)
        XCTAssertEqual(broken.status, 500)
        let answer = try curl.request(server.port, Demo.path, body: Data(good.utf8))
        XCTAssertEqual(answer.status, 500)
        XCTAssertEqual(answer.body, broken.body)
        XCTAssertEqual(server.leftovers, [])
    }

    /// Other paths 404, other methods 405 with `Allow`, a body over 1 MiB 413.
    func testRouteMethodAndBodyLimits() throws {
        let scratch = try TestPaths.temporaryDirectory(self)
        let curl = try Curl(self, scratch: scratch)
        let server = try ServeProcess(self, dump: ServePaths.demo)
        for path in ["/", "/api/reporting/workflow/v1/", Demo.path.replacingOccurrences(of: "/download/", with: "/download"),
                     Demo.path + "extra/", "/favicon.ico"] {
            let answer = try curl.request(server.port, path, body: try Demo.payload)
            XCTAssertEqual(answer.status, 404, path)
            XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), #"{"detail":"Not found."}"#, path)
            XCTAssertEqual(answer.headers["content-type"], "application/json")
        }
        for method in ["GET", "PUT", "DELETE", "PATCH"] {
            let answer = try curl.request(server.port, Demo.path, method: method)
            XCTAssertEqual(answer.status, 405, method)
            XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), "{\"detail\":\"Method \\\"\(method)\\\" not allowed.\"}")
            XCTAssertEqual(answer.headers["allow"], "POST, OPTIONS")
        }
        let head = try curl.request(server.port, Demo.path, method: "HEAD", extra: ["-I"])
        XCTAssertEqual(head.status, 405)
        XCTAssertEqual(head.headers["allow"], "POST, OPTIONS")

        var big = try Demo.payload
        big.append(Data(repeating: 0x20, count: (1 << 20) - big.count + 1))
        let tooLarge = try curl.request(server.port, Demo.path, body: big)
        XCTAssertEqual(tooLarge.status, 413)
        XCTAssertEqual(String(decoding: tooLarge.body, as: UTF8.self), #"{"detail":"Request body too large."}"#)
        // Exactly 1 MiB is allowed (spaces around JSON are fine), and chunked bodies are counted too.
        big.removeLast()
        XCTAssertEqual(try curl.request(server.port, Demo.path, body: big).status, 200)
        big.append(0x20)
        let chunked = try curl.request(server.port, Demo.path, body: big, headers: ["Transfer-Encoding: chunked"])
        XCTAssertEqual(chunked.status, 413)
    }

    /// `--tokens`: 401 with `WWW-Authenticate`, 403 per organization, 404 for a malformed path
    /// whoever asks, and the log names the token's index only.
    func testTokens() throws {
        let scratch = try TestPaths.temporaryDirectory(self)
        let curl = try Curl(self, scratch: scratch)
        let tokens = scratch.appendingPathComponent("tokens.json")
        try Data(#"{"s3cret-other": ["11111111-2222-4333-8444-555555555555"], "s3cret-demo": ["\#(Demo.org.uppercased())"], "s3cret-all": "*"}"#.utf8)
            .write(to: tokens)
        let server = try ServeProcess(self, dump: ServePaths.demo, arguments: ["--tokens", tokens.path])
        let payload = try Demo.payload
        let none = try curl.request(server.port, Demo.path, body: payload)
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual(String(decoding: none.body, as: UTF8.self), #"{"detail":"Authentication credentials were not provided."}"#)
        XCTAssertEqual(none.headers["www-authenticate"], "Bearer")
        let basic = try curl.request(server.port, Demo.path, body: payload, headers: ["Authorization: Basic eDp5"])
        XCTAssertEqual(basic.status, 401)
        XCTAssertEqual(String(decoding: basic.body, as: UTF8.self), #"{"detail":"Authentication credentials were not provided."}"#)
        let wrong = try curl.request(server.port, Demo.path, body: payload, headers: ["Authorization: Bearer nope"])
        XCTAssertEqual(wrong.status, 401)
        XCTAssertEqual(String(decoding: wrong.body, as: UTF8.self), #"{"detail":"Invalid token."}"#)
        XCTAssertEqual(wrong.headers["www-authenticate"], "Bearer")
        let other = try curl.request(server.port, Demo.path, body: payload, headers: ["Authorization: Bearer s3cret-other"])
        XCTAssertEqual(other.status, 403)
        XCTAssertEqual(String(decoding: other.body, as: UTF8.self), #"{"detail":"You do not have permission to perform this action."}"#)
        let malformed = try curl.request(server.port, route(org: "x", workflow: Demo.workflow, step: "2"), body: payload,
                                         headers: ["Authorization: Bearer s3cret-other"])
        XCTAssertEqual(malformed.status, 404)
        let expected = try Data(contentsOf: ServePaths.demo.appendingPathComponent("expected.csv"))
        for token in ["s3cret-demo", "s3cret-all"] {
            let ok = try curl.request(server.port, Demo.path, body: payload, headers: ["authorization: bearer \(token)"])
            XCTAssertEqual(ok.status, 200, token)
            XCTAssertEqual(ok.body, expected, token)
        }
        XCTAssertEqual(server.stop(), 0)
        let log = server.stderr
        XCTAssertFalse(log.contains("s3cret"), log)
        XCTAssertTrue(log.contains("403 ") && log.contains("token #0"), log)
        XCTAssertTrue(log.contains("token #1") && log.contains("token #2"), log)
    }

    /// CORS: the preflight, and the headers a page needs to read the file name; nothing for an
    /// origin not allowed.
    func testCORS() throws {
        let scratch = try TestPaths.temporaryDirectory(self)
        let curl = try Curl(self, scratch: scratch)
        let server = try ServeProcess(self, dump: ServePaths.demo, arguments: ["--cors-origin", "http://localhost:3000"])
        let preflight = try curl.request(server.port, Demo.path, method: "OPTIONS", headers: [
            "Origin: http://localhost:3000", "Access-Control-Request-Method: POST",
            "Access-Control-Request-Headers: authorization, content-type"])
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.headers["access-control-allow-origin"], "http://localhost:3000")
        XCTAssertEqual(preflight.headers["access-control-allow-methods"], "POST")
        XCTAssertEqual(preflight.headers["access-control-allow-headers"], "authorization, content-type")
        let post = try curl.request(server.port, Demo.path, body: try Demo.payload, headers: ["Origin: http://localhost:3000"])
        XCTAssertEqual(post.status, 200)
        XCTAssertEqual(post.headers["access-control-allow-origin"], "http://localhost:3000")
        XCTAssertEqual(post.headers["access-control-expose-headers"], "Content-Disposition")
        let error = try curl.request(server.port, Demo.path, body: Data("{}".utf8), headers: ["Origin: http://localhost:3000"])
        XCTAssertEqual(error.status, 400)
        XCTAssertEqual(error.headers["access-control-allow-origin"], "http://localhost:3000")
        let stranger = try curl.request(server.port, Demo.path, body: try Demo.payload, headers: ["Origin: http://evil.example"])
        XCTAssertEqual(stranger.status, 200)
        XCTAssertNil(stranger.headers["access-control-allow-origin"])
        XCTAssertNil(stranger.headers["access-control-expose-headers"])
        let any = try ServeProcess(self, dump: ServePaths.demo, arguments: ["--cors-origin", "*"])
        let anyPost = try curl.request(any.port, Demo.path, body: try Demo.payload, headers: ["Origin: http://evil.example"])
        XCTAssertEqual(anyPost.headers["access-control-allow-origin"], "*")
        XCTAssertEqual(anyPost.headers["access-control-expose-headers"], "Content-Disposition")
    }

    /// Not loopback without tokens: refused at start (usage error); with tokens it listens.
    func testLoopbackOnlyWithoutTokens() throws {
        let refused = try runProcess(TestPaths.executable, ["serve", "--dump", ServePaths.demo.path, "--host", "0.0.0.0", "--port", "0"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("without --tokens"), refused.stderr)
        let scratch = try TestPaths.temporaryDirectory(self)
        let tokens = scratch.appendingPathComponent("tokens.json")
        try Data(#"{"t": "*"}"#.utf8).write(to: tokens)
        let server = try ServeProcess(self, dump: ServePaths.demo, arguments: ["--host", "127.0.0.2", "--tokens", tokens.path])
        XCTAssertTrue(server.stderr.contains("listening on http://127.0.0.2:"), server.stderr)
        XCTAssertEqual(server.stop(), 0)
        let badTokens = scratch.appendingPathComponent("bad.json")
        try Data(#"{"t": ["not-a-uuid"]}"#.utf8).write(to: badTokens)
        let bad = try runProcess(TestPaths.executable, ["serve", "--dump", ServePaths.demo.path, "--tokens", badTokens.path])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("token #0"), bad.stderr)
    }

    /// Each request reads the dump as it stands: a new event file is in the next answer, a file
    /// that became malformed fails the next request (500), and repaired it answers again.
    func testTheDumpAsItStands() throws {
        let scratch = try TestPaths.temporaryDirectory(self)
        let curl = try Curl(self, scratch: scratch)
        let dump = try copyOfDemo(in: scratch)
        let server = try ServeProcess(self, dump: dump)
        let payload = try Demo.payload
        let before = try curl.request(server.port, Demo.path, body: payload)
        XCTAssertEqual(before.status, 200)
        // A copy of the demo's events under another name: every row comes twice.
        let events = try FileManager.default.subpathsOfDirectory(atPath: dump.appendingPathComponent("events").path)
            .filter { $0.hasSuffix(".ndjson") }.sorted()
        let first = dump.appendingPathComponent("events").appendingPathComponent(try XCTUnwrap(events.first))
        let added = dump.appendingPathComponent("events/zz-added.ndjson")
        try FileManager.default.copyItem(at: first, to: added)
        let expectedAfter = try ExportAnswer.of(dump: dump, org: Demo.org, workflow: Demo.workflow, step: "2", payload: payload, in: scratch)
        let after = try curl.request(server.port, Demo.path, body: payload)
        XCTAssertEqual(after.status, 200)
        XCTAssertEqual(after.body, expectedAfter.body)
        XCTAssertNotEqual(after.body, before.body)
        // Malformed between two requests.
        let good = try Data(contentsOf: added)
        try Data("{\"timestamp\": \"never\"}\n".utf8).write(to: added)
        let broken = try curl.request(server.port, Demo.path, body: payload)
        XCTAssertEqual(broken.status, 500)
        XCTAssertTrue(String(decoding: broken.body, as: UTF8.self).hasPrefix(#"{"detail":"Malformed event at events/zz-added"#),
                      String(decoding: broken.body, as: UTF8.self))
        try good.write(to: added)
        XCTAssertEqual(try curl.request(server.port, Demo.path, body: payload).body, expectedAfter.body)
        // A changed catalog is seen too.
        try Data("[]".utf8).write(to: dump.appendingPathComponent("workflows.json"))
        XCTAssertEqual(try curl.request(server.port, Demo.path, body: payload).status, 404)
        XCTAssertEqual(server.leftovers, [])
    }

    /// `--max-concurrent 1` with one waiting place: a third request at once is 503 with `Retry-After`.
    func testBusyIs503WithRetryAfter() throws {
        let scratch = try TestPaths.temporaryDirectory(self)
        let curl = try Curl(self, scratch: scratch)
        let dump = try GeneratedDump.make(in: scratch, events: 20_000, eventsPerFile: 2_000)
        let server = try ServeProcess(self, dump: dump.root, arguments: ["--max-concurrent", "1", "--max-waiting", "1"])
        final class Answers: @unchecked Sendable { var list: [HTTPAnswer] = []; let lock = NSLock() }
        let answers = Answers()
        // One thread per client, so that all six are in flight at once.
        let group = DispatchGroup()
        for _ in 0..<6 {
            group.enter()
            Thread {
                if let a = try? curl.request(server.port, dump.path, body: dump.payload) {
                    answers.lock.lock(); answers.list.append(a); answers.lock.unlock()
                }
                group.leave()
            }.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 300), .success)
        XCTAssertEqual(answers.list.count, 6)
        let busy = answers.list.filter { $0.status == 503 }
        XCTAssertFalse(busy.isEmpty, answers.list.map(\.status).description)
        for answer in busy {
            XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), #"{"detail":"Server busy, retry later."}"#)
            XCTAssertEqual(answer.headers["retry-after"], "1")
        }
        let served = answers.list.filter { $0.status == 200 }
        XCTAssertGreaterThanOrEqual(served.count, 2)
        let expected = try ExportAnswer.of(dump: dump.root, org: dump.org, workflow: dump.workflow, step: dump.step,
                                           payload: dump.payload, in: scratch)
        for answer in served { XCTAssertEqual(answer.body, expected.body) }
    }
}

/// A writable copy of the demo dump.
func copyOfDemo(in scratch: URL) throws -> URL {
    let copy = scratch.appendingPathComponent("demo")
    try FileManager.default.copyItem(at: ServePaths.demo, to: copy)
    return copy
}

/// A dump from `stepexport generate`, and one of its ready requests (the first one in CSV).
struct GeneratedDump {
    let root: URL
    let org: String
    let workflow: String
    let step: String
    let format: String
    let payload: Data
    var path: String { route(org: org, workflow: workflow, step: step) }
    /// Every ready request, with the rows `generate` says it answers.
    let requests: [(name: String, org: String, workflow: String, step: String, format: String, rows: Int, payload: Data)]

    static func make(in scratch: URL, events: Int, eventsPerFile: Int = 50_000) throws -> GeneratedDump {
        let root = scratch.appendingPathComponent("generated-\(events)")
        let r = try runProcess(TestPaths.executable, ["generate", "--events", String(events), "--seed", "7",
                                                     "--output", root.path, "--events-per-file", String(eventsPerFile)])
        guard r.status == 0 else { throw TestError("generate failed: \(r.stderr)") }
        var requests: [(name: String, org: String, workflow: String, step: String, format: String, rows: Int, payload: Data)] = []
        for line in String(decoding: r.stdout, as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 6, f[0] != "request" else { continue }
            let payload = try Data(contentsOf: root.appendingPathComponent("requests/\(f[0]).json"))
            requests.append((f[0], f[1], f[2], f[3], f[4], Int(f[5]) ?? 0, payload))
        }
        // The CSV request with the most rows: the largest answer.
        guard let csv = requests.filter({ $0.format == "csv" }).max(by: { $0.rows < $1.rows }) else {
            throw TestError("no CSV request in \(r.stdout)")
        }
        return GeneratedDump(root: root, org: csv.org, workflow: csv.workflow, step: csv.step, format: csv.format,
                             payload: csv.payload, requests: requests)
    }
}
