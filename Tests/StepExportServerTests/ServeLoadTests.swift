import Foundation
import StepExportTestSupport
import XCTest

/// Load: 64 concurrent clients (one curl process, `--parallel-max 64`), 2,000 requests of mixed
/// formats and errors over a generated dump. Every answer is checked against `export`'s, none
/// may be missing, no temporary file may be left, and the server's peak RSS stays under a bound.
/// (Latency figures come from `Benchmarks/serve/run.sh`, not from here.)
final class ServeLoadTests: XCTestCase {
    static let requests = 2_000
    static let clients = 64
    /// The server's peak resident memory must stay below this over the whole run.
    static let peakRSSBound = 768 << 20

    func testMixedLoadAllAnswersCorrect() throws {
        let curl = try requireTool("curl")
        let scratch = try TestPaths.temporaryDirectory(self)
        let dump = try GeneratedDump.make(in: scratch, events: 1_500)
        // What each kind of request must answer, from `export`.
        var kinds: [(path: String, payload: Data, expected: ExportAnswer)] = []
        for r in dump.requests {
            let expected = try ExportAnswer.of(dump: dump.root, org: r.org, workflow: r.workflow, step: r.step,
                                               payload: r.payload, in: scratch)
            XCTAssertEqual(expected.status, 200, r.name)
            kinds.append((route(org: r.org, workflow: r.workflow, step: r.step), r.payload, expected))
        }
        let base = dump.requests[0]
        let errors: [(String, String, String, String)] = [
            (base.org, base.workflow, base.step, #"{"filters":[],"interval":{"start":"2022-11-01T00:00:00Z","end":"2022-11-02T00:00:00Z"},"format":"pdf"}"#),
            (base.org, "00000000-0000-4000-8000-000000000000", base.step, String(decoding: base.payload, as: UTF8.self)),
            (base.org, base.workflow, base.step, #"{"filters":[{"property":"page_url","values":["x"]}],"interval":{"start":"2022-11-01T00:00:00Z","end":"2022-11-02T00:00:00Z"}}"#),
            ("not-a-uuid", base.workflow, base.step, "{}"),
            (base.org, base.workflow, base.step, "[object Object]"),
        ]
        for (org, workflow, step, payload) in errors {
            let expected = try ExportAnswer.of(dump: dump.root, org: org, workflow: workflow, step: step,
                                               payload: Data(payload.utf8), in: scratch)
            XCTAssertNotEqual(expected.status, 200)
            kinds.append((route(org: org, workflow: workflow, step: step), Data(payload.utf8), expected))
        }

        // One engine thread per export: 64 clients keep every core busy already.
        let server = try ServeProcess(self, dump: dump.root, arguments: ["--quiet", "--threads", "1"])
        let outputs = scratch.appendingPathComponent("answers")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        var payloadFiles: [URL] = []
        for (i, kind) in kinds.enumerated() {
            let file = scratch.appendingPathComponent("kind-\(i).json")
            try kind.payload.write(to: file)
            payloadFiles.append(file)
        }
        var config = ""
        for n in 0..<Self.requests {
            let k = n % kinds.count
            if n > 0 { config += "next\n" }
            config += """
            url = "http://127.0.0.1:\(server.port)\(kinds[k].path)"
            request = "POST"
            header = "content-type: application/json"
            data-binary = "@\(payloadFiles[k].path)"
            output = "\(outputs.path)/\(n)"
            write-out = "%{http_code} \(n)\\n"
            max-time = 300

            """
        }
        let configFile = scratch.appendingPathComponent("curl.config")
        try Data(config.utf8).write(to: configFile)
        let started = Date()
        let result = try runProcess(curl, ["-sS", "--parallel", "--parallel-immediate", "--parallel-max", String(Self.clients),
                                    "-K", configFile.path])
        let seconds = Date().timeIntervalSince(started)

        var statuses: [Int: Int] = [:]
        for line in String(decoding: result.stdout, as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 2, let status = Int(f[0]), let n = Int(f[1]) { statuses[n] = status }
        }
        XCTAssertEqual(statuses.count, Self.requests, "answers missing; curl said: \(result.stderr.prefix(2000))")
        var wrong = 0
        for n in 0..<Self.requests {
            let expected = kinds[n % kinds.count].expected
            let body = (try? Data(contentsOf: outputs.appendingPathComponent(String(n)))) ?? Data()
            if statuses[n] != expected.status || body != expected.body {
                wrong += 1
                if wrong <= 5 { XCTFail("request \(n): status \(statuses[n] ?? -1), \(body.count) bytes; expected \(expected.status), \(expected.body.count) bytes") }
            }
        }
        XCTAssertEqual(wrong, 0)
        let rss = try XCTUnwrap(server.peakRSS)
        print("load: \(Self.requests) requests, \(Self.clients) clients, \(kinds.count) kinds, \(String(format: "%.1f", seconds)) s, "
              + "server peak RSS \(rss >> 20) MiB (bound \(Self.peakRSSBound >> 20) MiB)")
        XCTAssertLessThan(rss, Self.peakRSSBound)
        XCTAssertEqual(server.leftovers, [])
        XCTAssertEqual(server.stop(), 0)
        XCTAssertEqual(server.leftovers, [])
    }
}
