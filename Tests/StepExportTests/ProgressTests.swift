import Foundation
import StepExportTestSupport
import XCTest

/// SPEC §8: long runs on a terminal show progress on standard error; none when standard error is
/// not a terminal, or with `--quiet`.
final class ProgressTests: XCTestCase {
    /// A dump in time order (rows are written during the scan) and one out of order (after it).
    nonisolated(unsafe) private static var dump: URL!
    nonisolated(unsafe) private static var unorderedDump: URL!

    override class func setUp() {
        super.setUp()
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("stepexport-progress-\(UUID().uuidString)")
        dump = base.appendingPathComponent("ordered")
        unorderedDump = base.appendingPathComponent("unordered")
        try! LargeDump.write(events: 150_000, to: dump)
        // Three times the events: its scan must outlast the display's first half second (150,000
        // were scanned in under 0.5 s once strings were scanned 16 bytes at a time).
        try! LargeDump.write(events: 450_000, to: unorderedDump, inTimeOrder: false)
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: dump.deletingLastPathComponent())
        super.tearDown()
    }

    /// `export` arguments writing into a new folder; the payload keeps 60,000 rows.
    private func arguments(_ extra: [String] = [], dump: URL = ProgressTests.dump) throws -> [String] {
        let folder = try TestPaths.temporaryDirectory(self)
        let payload = folder.appendingPathComponent("payload.json")
        try Data(#"{"filters":[],\#(LargeDump.interval),"limit":60000}"#.utf8).write(to: payload)
        return ["export", "--dump", dump.path, "--org", LargeDump.org, "--workflow", LargeDump.workflow,
                "--step", "1", "--payload", payload.path, "--output", folder.appendingPathComponent("out.csv").path] + extra
    }

    /// Runs the executable on a pseudo-terminal (util-linux `script`); returns what the terminal showed.
    private func onTerminal(_ arguments: [String]) throws -> (status: Int32, screen: String) {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else { throw XCTSkip("no /usr/bin/script for a terminal") }
        let command = ([TestPaths.executable.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
            .joined(separator: " ")
        let r = try runProcess(script, ["-qefc", command, "/dev/null"])
        return (r.status, String(decoding: r.stdout, as: UTF8.self))
    }

    /// Rows written after the scan: first the scan's progress, then the rows out of their total.
    /// (Read back after the scan: a dump out of order is otherwise spilled during the scan and
    /// merged after it, often faster than the display's next refresh. One thread, so that the
    /// scan outlasts the half second before the display first appears, on a fast machine too.)
    func testATerminalSeesProgressThenTheSummary() throws {
        let started = Date()
        let (status, screen) = try onTerminal(try arguments(["--row-writing", "read-back", "--threads", "1"],
                                                            dump: ProgressTests.unorderedDump))
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(status, 0, screen)
        // At most ten redraws a second (each starts with CR and the prefix; the summary follows an erase).
        let redraws = screen.components(separatedBy: "\rstepexport: ").count - 1
        XCTAssertGreaterThan(redraws, 0)
        XCTAssertLessThanOrEqual(Double(redraws), 10 * seconds, "\(redraws) redraws in \(seconds) s")
        XCTAssertTrue(screen.hasPrefix("\rstepexport: "), screen.debugDescription.prefix(300).description)
        // The scan: on-disk bytes of the dump's total, percentage, rate, time left.
        // (No time left once all is read.)
        XCTAssertNotNil(screen.range(of: #"stepexport: [0-9,]+\.[0-9] of [0-9,]+\.[0-9] MB read \([0-9]+%\), [0-9,]+\.[0-9] MB/s(, [0-9]+:[0-9]{2} left|\x1B)"#,
                                     options: .regularExpression), screen.debugDescription.prefix(400).description)
        // The writer: rows of their total, percentage, rate, time left.
        XCTAssertNotNil(screen.range(of: #"MB read, [0-9,]+ of 60,000 rows written \([0-9]+%\)"#, options: .regularExpression),
                        "the writer's progress")
        try checkSummaryEnds(screen)
    }

    /// Rows written during the scan: their count goes up with the bytes read, with no total.
    func testRowsWrittenDuringTheScanShowWithoutATotal() throws {
        let (status, screen) = try onTerminal(try arguments())
        XCTAssertEqual(status, 0, screen)
        XCTAssertNotNil(screen.range(of: #"MB read \([0-9]+%\), [0-9,]+ rows written, [0-9,]+\.[0-9] MB/s"#, options: .regularExpression),
                        screen.debugDescription.prefix(300).description)
        XCTAssertFalse(screen.contains(" of 60,000 rows"), "a total before the scan is over")
        try checkSummaryEnds(screen)
    }

    /// The last progress line is erased before the summary, which ends the output.
    private func checkSummaryEnds(_ screen: String) throws {
        let summary = try XCTUnwrap(screen.range(of: "\r\u{1B}[Kstepexport: 60,000 rows, "), screen.debugDescription.suffix(300).description)
        // (The terminal turns the summary's newline into CR LF.)
        let rest = Array(screen[summary.upperBound...].utf8)
        XCTAssertEqual(rest.suffix(2), [13, 10])
        XCTAssertFalse(rest.dropLast(2).contains(13), "nothing drawn after the summary")
    }

    func testNoProgressWhenStandardErrorIsAPipe() throws {
        let r = try runProcess(TestPaths.executable, try arguments())
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("stepexport: 60,000 rows, "), r.stderr)
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
        XCTAssertFalse(r.stderr.contains("\r") || r.stderr.contains("MB read"), r.stderr)
    }

    func testNoProgressWithQuiet() throws {
        let (status, screen) = try onTerminal(try arguments(["--quiet"]))
        XCTAssertEqual(status, 0, screen)
        XCTAssertEqual(screen, "")
    }
}
