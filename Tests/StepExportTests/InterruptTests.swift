import Foundation
import StepExportTestSupport
import XCTest

/// A dump large enough for a debug build to take seconds: `count` small events of one chat
/// workflow, all inside the interval and at step 1, so that every one is an answer row.
enum LargeDump {
    static let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"
    static let workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"
    static let interval = #""interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}"#

    /// `inTimeOrder: false` spreads the timestamps over the day out of order, so that rows can
    /// only be written after the scan.
    static func write(events count: Int, to root: URL, inTimeOrder: Bool = true) throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("events"), withIntermediateDirectories: true)
        let catalog = #"[{"id":"\#(workflow)","org_id":"\#(org)","type":"chat","steps":[{"index":0,"name":"Source"},{"index":1,"name":"Opened"}]}]"#
        try Data(catalog.utf8).write(to: root.appendingPathComponent("workflows.json"))
        let url = root.appendingPathComponent("events/a.ndjson")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        var batch = ""
        for i in 0..<count {
            let ms = (inTimeOrder ? i : i &* 7_919) % 86_400_000
            let time = String(format: "2022-11-03T%02d:%02d:%02d.%03dZ", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
            batch += #"{"id":"e\#(i)","timestamp":"\#(time)","organization_id":"\#(org)","category":"workflowReportingEvent","label":"\#(workflow)","action":"open","dim5":1,"visitor_id":"v\#(i % 5000)"}"#
            batch += "\n"
            if batch.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(batch.utf8))
                batch = ""
            }
        }
        try handle.write(contentsOf: Data(batch.utf8))
        try handle.close()
    }

    /// A dump at `root` whose one events file is `dump`'s, gzipped and repeated `members` times
    /// (members in a row are one stream): a scan `members` times as long on a twentieth of the disk
    /// (a debug build scans 300,000 events in under 0.5 s; hard links would be read once).
    static func repeatGzipped(_ dump: URL, members: Int, to root: URL) throws {
        let events = root.appendingPathComponent("events")
        try FileManager.default.createDirectory(at: events, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: dump.appendingPathComponent("workflows.json"),
                                         to: root.appendingPathComponent("workflows.json"))
        let member = try gzip(Data(contentsOf: dump.appendingPathComponent("events/a.ndjson")))
        try Data([Data](repeating: member, count: members).joined()).write(to: events.appendingPathComponent("a.ndjson.gz"))
    }

    /// Arguments of an `export` of the large dump; the payload comes from standard input.
    static func exportArguments(dump: URL, output: String, extra: [String] = []) -> [String] {
        ["export", "--dump", dump.path, "--org", org, "--workflow", workflow, "--step", "1", "--payload", "-",
         "--output", output] + extra
    }
}

/// A process started in the background, its output going to files (so that it never blocks on a
/// full pipe while the test watches it).
final class BackgroundProcess {
    let process = Process()
    private let folder: URL

    init(_ arguments: [String], input: Data, folder: URL) throws {
        self.folder = folder
        process.executableURL = TestPaths.executable
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("stdout").path, contents: nil)
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("stderr").path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: folder.appendingPathComponent("stdout"))
        process.standardError = try FileHandle(forWritingTo: folder.appendingPathComponent("stderr"))
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
    }

    var stderr: String { (try? String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }

    /// Waits until `condition` holds or the process ends; false if it ended (or `timeout` passed) first.
    func wait(until condition: () -> Bool, timeout: TimeInterval = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            usleep(5_000)
        }
        return false
    }

    /// Sends `signal` and waits for the exit; returns the exit status and how long the exit took.
    func stop(with signal: Int32) -> (status: Int32, seconds: TimeInterval) {
        let sent = Date()
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return (process.terminationStatus, Date().timeIntervalSince(sent))
    }
}

/// SIGINT / SIGTERM (SPEC §8; README): the process exits promptly with 130 / 143 and leaves no
/// partial or temporary file, and never replaces a previous good file.
final class InterruptTests: XCTestCase {
    nonisolated(unsafe) private static var dump: URL!
    /// The same events 10 times over, for the one test that needs the scan still going after 0.5 s.
    nonisolated(unsafe) private static var longScanDump: URL!

    override class func setUp() {
        super.setUp()
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("stepexport-interrupt-\(UUID().uuidString)")
        dump = base.appendingPathComponent("dump")
        longScanDump = base.appendingPathComponent("long-scan")
        try! LargeDump.write(events: 300_000, to: dump)
        try! LargeDump.repeatGzipped(dump, members: 10, to: longScanDump)
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: dump.deletingLastPathComponent())
        super.tearDown()
    }

    private func contents(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    private func isPartial(_ name: String) -> Bool { name.contains(".partial-") || name.hasPrefix(".stepexport-") }

    /// Starts an export into `out/`, waits until it scans or writes, sends `signal`, checks the exit.
    private func interrupt(_ signal: Int32, expecting status: Int32, format: String = "csv",
                           previous: String? = nil, whileWriting: Bool,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let target = out.appendingPathComponent("result." + format)
        if let previous { try Data(previous.utf8).write(to: target) }
        // While scanning: a triggered-goal request, whose rows can only be written after the scan
        // (rows that may be written during it would put the temporary file there from the start).
        let goals = whileWriting ? "" : #","target":"triggered_goal""#
        let body = Data(#"{"filters":[],\#(LargeDump.interval),"format":"\#(format)"\#(goals)}"#.utf8)
        let dump: URL = whileWriting ? InterruptTests.dump : InterruptTests.longScanDump
        let run = try BackgroundProcess(LargeDump.exportArguments(dump: dump, output: target.path),
                                        input: body, folder: folder)
        if whileWriting {
            // The temporary output appears once rows are being written (here, during the scan).
            let writing = run.wait(until: { self.contents(out).contains(where: self.isPartial) })
            XCTAssertTrue(writing, "the export ended before its temporary file was seen: \(run.stderr)", file: file, line: line)
        } else {
            usleep(500_000)
            XCTAssertTrue(run.process.isRunning, "the export ended within 0.5 s: \(run.stderr)", file: file, line: line)
            XCTAssertFalse(contents(out).contains(where: isPartial), "still scanning", file: file, line: line)
        }
        let (exit, seconds) = run.stop(with: signal)
        XCTAssertEqual(run.process.terminationReason, .exit, file: file, line: line)
        XCTAssertEqual(exit, status, run.stderr, file: file, line: line)
        XCTAssertLessThan(seconds, 5, "exit took \(seconds) s", file: file, line: line)
        XCTAssertEqual(contents(out), previous == nil ? [] : ["result." + format], "left behind", file: file, line: line)
        if let previous {
            XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), previous, "the previous file was replaced",
                           file: file, line: line)
        }
        // The user is told what became of the output, on the last line.
        let told = "stepexport: interrupted: nothing written" + (previous == nil ? "" : " (\(target.path) left as it was)")
        XCTAssertTrue(run.stderr.hasSuffix(told + "\n"), run.stderr.debugDescription, file: file, line: line)
    }

    func testSIGTERMWhileScanningExits143AndLeavesNothing() throws {
        try interrupt(SIGTERM, expecting: 143, whileWriting: false)
    }

    func testSIGINTWhileWritingExits130AndRemovesThePartialFile() throws {
        try interrupt(SIGINT, expecting: 130, whileWriting: true)
    }

    func testSIGTERMWhileWritingXLSXKeepsThePreviousFile() throws {
        try interrupt(SIGTERM, expecting: 143, format: "xlsx", previous: "previous good file", whileWriting: true)
    }

    /// Issue 13, case 7: HUP (a closed terminal), QUIT, PIPE, ALRM, USR1 and USR2 left the partial file.
    func testEveryOtherTerminatingSignalWhileWritingRemovesThePartialFile() throws {
        for sig in [SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2] {
            try interrupt(sig, expecting: 128 + sig, whileWriting: true)
        }
    }

    /// Issue 13, case 7: under `ulimit -f` the process died of SIGXFSZ (153), leaving its partial
    /// file; now the write fails with EFBIG, a clean 500, and nothing is left.
    func testAFileSizeLimitIsAClean500() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let payload = folder.appendingPathComponent("payload.json")
        try Data(#"{"filters":[],\#(LargeDump.interval)}"#.utf8).write(to: payload)
        let target = out.appendingPathComponent("result.csv").path
        var arguments = LargeDump.exportArguments(dump: InterruptTests.dump, output: target)
        arguments[arguments.firstIndex(of: "-")!] = payload.path
        // 2,048 blocks of 512 bytes (1 MiB): far less than the export's CSV.
        let command = "ulimit -f 2048; exec '\(TestPaths.executable.path)' " + arguments.map { "'\($0)'" }.joined(separator: " ")
        let r = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
        XCTAssertEqual(r.status, 50, r.stderr)
        XCTAssertEqual(r.stderr, #"{"detail":"Cannot write \#(target): File too large"}"# + "\n")
        XCTAssertEqual(contents(out), [], "left behind")
    }

    func testSIGTERMDuringABatchLeavesNoPartialFiles() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let job = #"{"organization_id":"\#(LargeDump.org)","workflow_id":"\#(LargeDump.workflow)","step_index":1,"payload":{"filters":[],\#(LargeDump.interval)},"output":"out/%@"}"#
        let manifest = #"{"dump":"\#(InterruptTests.dump.path)","jobs":[\#(String(format: job, "a.csv")),\#(String(format: job, "b.csv"))]}"#
        let manifestURL = folder.appendingPathComponent("manifest.json")
        try Data(manifest.utf8).write(to: manifestURL)
        let run = try BackgroundProcess(["batch", manifestURL.path, "--jobs", "2"], input: Data(), folder: folder)
        XCTAssertTrue(run.wait(until: { self.contents(out).contains(where: self.isPartial) }), run.stderr)
        let (exit, seconds) = run.stop(with: SIGTERM)
        XCTAssertEqual(exit, 143, run.stderr)
        XCTAssertLessThan(seconds, 5)
        XCTAssertEqual(contents(out), [])
        XCTAssertTrue(run.stderr.hasSuffix("stepexport: interrupted: jobs already finished keep their outputs, no other file written\n"),
                      run.stderr)
    }
}
