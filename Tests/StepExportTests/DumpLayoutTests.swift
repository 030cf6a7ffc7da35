import DumpGenerator
import Foundation
@testable import StepExport
import StepExportTestSupport
import XCTest

/// The same events in every layout `stepexport generate` writes (time order, grouped by flow,
/// shuffled; one file or many, several folders deep; NDJSON or JSON arrays; gzip or not) give the same answer bytes
/// for every generated request, whatever the thread count and the way rows are written
/// (straight during the scan, spilled and merged, read back after the scan).
final class DumpLayoutTests: XCTestCase {
    private struct Layout {
        let name: String
        let layout: DumpLayout
        var files: Int?
        var gzip = false
        var array = false
    }

    private static let events = 4_000
    private static let layouts = [
        Layout(name: "time", layout: .time),
        Layout(name: "time-7-gzip", layout: .time, files: 7, gzip: true),
        Layout(name: "flow-1", layout: .flow),
        Layout(name: "flow-40", layout: .flow, files: 40),
        Layout(name: "flow-40-gzip", layout: .flow, files: 40, gzip: true),
        Layout(name: "shuffled-40", layout: .shuffled, files: 40),
        Layout(name: "flow-40-array", layout: .flow, files: 40, array: true),
        Layout(name: "shuffled-1-array-gzip", layout: .shuffled, gzip: true, array: true),
    ]
    private static let root = FileManager.default.temporaryDirectory.appendingPathComponent("stepexport-layouts-\(getpid())")

    override class func tearDown() {
        try? FileManager.default.removeItem(at: root)
        super.tearDown()
    }

    private func generate(_ l: Layout) throws -> (URL, DumpGenerator.Report) {
        let dir = Self.root.appendingPathComponent(l.name)
        var options = DumpGenerator.Options(events: Self.events, seed: 3)
        options.eventsPerFile = 150
        options.layout = l.layout
        options.files = l.files
        options.gzip = l.gzip
        options.array = l.array
        return (dir, try DumpGenerator.generate(options, to: dir.path, replace: true))
    }

    /// The events of a dump in dump order, a line each, gzip files inflated. A `.json` file must
    /// be `[`, the events a line each with a comma after all but the last, `]`.
    private func lines(_ dir: URL, _ report: DumpGenerator.Report) throws -> [Substring] {
        var events: [Substring] = []
        for file in report.files {
            let url = dir.appendingPathComponent(file)
            let data = file.hasSuffix(".gz")
                ? try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-dc", url.path]).stdout
                : try Data(contentsOf: url)
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
            guard file.hasSuffix(".json") || file.hasSuffix(".json.gz") else {
                events += lines
                continue
            }
            XCTAssertEqual(lines.first, "[", file)
            XCTAssertEqual(lines.last, "]", file)
            let inner = lines.dropFirst().dropLast()
            for (k, line) in inner.enumerated() {
                let last = k == inner.count - 1
                XCTAssertEqual(line.hasSuffix("},"), !last, "\(file): the comma after event \(k)")
                events.append(last ? line : line.dropLast())
            }
        }
        return events
    }

    private func export(_ r: GeneratedTestDump.Request, dump: URL, to out: URL, threads: Int = 2,
                        streamRows: Bool = true, spillRows: Bool = false) throws -> (Data, ExportResult) {
        var options = ExportOptions()
        options.threads = threads
        options.streamRows = streamRows
        options.spillRows = spillRows
        let result = try Exporter.run(organizationID: r.org, workflowID: r.workflow, stepIndex: r.step, payload: r.payload,
                                      dump: Dump(root: dump.path), output: .file(out.path), options: options).get()
        return (try Data(contentsOf: out), result)
    }

    func testEveryLayoutHoldsTheSameEventsAndGivesTheSameAnswers() throws {
        let out = try TestPaths.temporaryDirectory(self)
        let (timeDir, timeReport) = try generate(Self.layouts[0])
        let timeLines = try lines(timeDir, timeReport)
        let reference = GeneratedTestDump(existing: timeDir)
        let names = ["path-scan", "write-heavy", "write-heavy-xlsx", "triggered-goal"]
        var answers: [String: Data] = [:]
        for name in names {
            let r = try reference.request(name)
            let (bytes, result) = try export(r, dump: timeDir, to: out.appendingPathComponent("time-\(name)"))
            XCTAssertEqual(result.rows, r.expectedRows, name)
            answers[name] = bytes
            // Read back after the scan, and spilled whatever the order: the same bytes.
            XCTAssertEqual(try export(r, dump: timeDir, to: out.appendingPathComponent("a"), streamRows: false).0, bytes, name)
            XCTAssertEqual(try export(r, dump: timeDir, to: out.appendingPathComponent("s"), spillRows: true).0, bytes, name)
            if name.hasPrefix("write-heavy") {
                XCTAssertTrue(result.writtenDuringScan && result.spilledRuns == 0, "\(name): time order not written straight")
            }
        }
        for l in Self.layouts.dropFirst() {
            let (dir, report) = try generate(l)
            XCTAssertEqual(report.files.count, l.files ?? 1, l.name)
            let suffix = (l.array ? ".json" : ".ndjson") + (l.gzip ? ".gz" : "")
            XCTAssertEqual(report.files.allSatisfy { $0.hasSuffix(suffix) }, true, l.name)
            let layoutLines = try lines(dir, report)
            XCTAssertTrue(layoutLines.sorted() == timeLines.sorted(), "\(l.name): not the same events")
            XCTAssertEqual(layoutLines == timeLines, l.layout == .time, "\(l.name): time order or not")
            if l.layout == .flow { try assertFlowsTogether(layoutLines, l.name) }
            let requests = GeneratedTestDump(existing: dir)
            for name in names {
                let r = try requests.request(name)
                for threads in [1, 2] {
                    let (bytes, result) = try export(r, dump: dir, to: out.appendingPathComponent("\(l.name)-\(name)"),
                                                     threads: threads)
                    XCTAssertEqual(bytes, answers[name], "\(l.name) \(name) \(threads) threads")
                    // Rows of a dump out of time order in many files are spilled and merged, not read back.
                    if name.hasPrefix("write-heavy") && l.files == 40 {
                        XCTAssertTrue(result.writtenDuringScan && result.spilledRuns > 0, "\(l.name) \(name): not spilled")
                    }
                }
            }
        }
    }

    func testGenerateCommandTakesTheLayoutOptions() throws {
        let dir = try TestPaths.temporaryDirectory(self).appendingPathComponent("dump")
        let run = try runProcess(TestPaths.executable, ["generate", "--events", "500", "--output", dir.path,
                                                        "--layout", "shuffled", "--files", "3", "--gzip"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir.appendingPathComponent("events").path)
            .filter { $0.hasSuffix(".ndjson.gz") }.sorted()
        XCTAssertEqual(files, ["part-000/000/00000.ndjson.gz", "part-000/000/00001.ndjson.gz", "part-000/000/00002.ndjson.gz"])
        for bad in [["--layout", "sorted"], ["--files", "0"]] {
            let r = try runProcess(TestPaths.executable, ["generate", "--events", "10", "--output", dir.path, "--force"] + bad)
            XCTAssertEqual(r.status, 64, "\(bad): \(r.stderr)")
        }
    }

    /// Each flow's events (SPEC §4's flow) are next to each other.
    private func assertFlowsTogether(_ lines: [Substring], _ label: String) throws {
        var seen = Set<String>()
        var last: String?
        for line in lines {
            let e = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let flow = ["dim1", "session_id", "visitor_id"].lazy.compactMap { e[$0] as? String }.first { !$0.isEmpty }
            guard let flow else {
                last = nil
                continue
            }
            if flow != last {
                XCTAssertFalse(seen.contains(flow), "\(label): flow \(flow) is split")
                seen.insert(flow)
            }
            last = flow
        }
    }
}
