import Foundation
import StepExportTestSupport
import XCTest

/// Standard input, output and error that are closed, full or not a stream (SPEC §8; issue 13,
/// case 4: these crashed with SIGILL in `FileHandle`, and `--payload -` read without bound). Each
/// case runs the executable under `/bin/sh` for the redirection.
final class StandardStreamTests: XCTestCase {
    private let org = OneEventDump.org
    private let workflow = OneEventDump.workflow

    private func makeFolder() throws -> URL {
        let folder = try TestPaths.temporaryDirectory(self)
        try OneEventDump.write(in: folder)
        try Data(OneEventDump.payload.utf8).write(to: folder.appendingPathComponent("payload.json"))
        try Data(#"{"dump":"dump","jobs":[\#(OneEventDump.job(output: "b.csv"))]}"#.utf8)
            .write(to: folder.appendingPathComponent("manifest.json"))
        return folder
    }

    /// `stepexport ARGS` run by the shell in `folder` with the shell redirections `redirect`.
    private func sh(_ folder: URL, _ arguments: String, _ redirect: String) throws -> ProcessResult {
        try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "exec '\(TestPaths.executable.path)' \(arguments) \(redirect)"],
                       currentDirectory: folder)
    }

    private var export: String {
        "export --dump dump --org \(org) --workflow \(workflow) --step 1"
    }

    func testStandardInputClosedOrADirectoryIsAUsageError() throws {
        let folder = try makeFolder()
        let closed = try sh(folder, export + " --payload - --output o.csv", "<&-")
        XCTAssertEqual(closed.status, 64, closed.stderr)
        XCTAssertTrue(closed.stderr.contains("cannot read standard input: Bad file descriptor"), closed.stderr)
        let directory = try sh(folder, export + " --payload - --output o.csv", "</")
        XCTAssertEqual(directory.status, 64, directory.stderr)
        XCTAssertTrue(directory.stderr.contains("cannot read standard input: Is a directory"), directory.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("o.csv").path))
    }

    func testAPayloadOver64MiBOnStandardInputIsAUsageError() throws {
        let folder = try makeFolder()
        // 64 MiB of spaces are a (blank) payload still read; one byte more is refused.
        let r = try runProcess(URL(fileURLWithPath: "/bin/sh"),
                               ["-c", "head -c 67108865 /dev/zero | tr '\\0' ' ' | '\(TestPaths.executable.path)' \(export) --payload - --output o.csv"],
                               currentDirectory: folder)
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("the payload on standard input is over 64 MiB"), r.stderr)
        let atLimit = try runProcess(URL(fileURLWithPath: "/bin/sh"),
                                     ["-c", "head -c 67108864 /dev/zero | tr '\\0' ' ' | '\(TestPaths.executable.path)' \(export) --payload - --output o.csv"],
                                     currentDirectory: folder)
        XCTAssertEqual(atLimit.status, 40, atLimit.stderr)
        XCTAssertTrue(atLimit.stderr.hasPrefix(#"{"detail":"JSON parse error - Expecting value: "#), atLimit.stderr)
    }

    func testAFullOrClosedStandardErrorKeepsTheUsualExitCode() throws {
        let folder = try makeFolder()
        let ok = try sh(folder, export + " --payload payload.json --output o.csv", "2>/dev/full")
        XCTAssertEqual(ok.status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("o.csv").path))
        let closed = try sh(folder, export + " --payload payload.json --output o2.csv", "2>&-")
        XCTAssertEqual(closed.status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("o2.csv").path))
        let notFound = try sh(folder, "export --dump dump --org \(org) --workflow \(org) --step 1 --payload payload.json", "2>/dev/full")
        XCTAssertEqual(notFound.status, 44)
    }

    func testAFullOrClosedStandardOutputForTheAnswerIs50() throws {
        let folder = try makeFolder()
        let full = try sh(folder, export + " --payload payload.json --output -", ">/dev/full")
        XCTAssertEqual(full.status, 50, full.stderr)
        XCTAssertEqual(full.stderr, #"{"detail":"Cannot write standard output: No space left on device"}"# + "\n")
        let closed = try sh(folder, export + " --payload payload.json --output -", ">&-")
        XCTAssertEqual(closed.status, 50, closed.stderr)
        XCTAssertEqual(closed.stderr, #"{"detail":"Cannot write standard output: Bad file descriptor"}"# + "\n")
        // A closed standard output is not handed to a file opened later: the output file gets the CSV only.
        let other = try sh(folder, export + " --payload payload.json --output x.csv", ">&-")
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("x.csv"), encoding: .utf8).hasPrefix("event_id,"))
    }

    func testBatchWithAFullStandardOutputIs50() throws {
        let folder = try makeFolder()
        let r = try sh(folder, "batch manifest.json", ">/dev/full")
        XCTAssertEqual(r.status, 50, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot write the job lines to standard output: No space left on device"), r.stderr)
    }
}
