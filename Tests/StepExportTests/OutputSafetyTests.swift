import Foundation
import StepExportTestSupport
import XCTest

/// What `export --output` does with what is already at the path (SPEC §8; issue 13, case 1: a
/// device, a FIFO or a symbolic link was replaced by a regular file, exit 0, and an input of the
/// request could be overwritten). Judged by the file itself (device and inode), not its spelling.
final class OutputSafetyTests: XCTestCase {
    private let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"
    private let workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"
    private let payload = #"{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#

    /// A folder holding `dump/` (three events) and `payload.json`.
    private func makeFolder() throws -> URL {
        let folder = try TestPaths.temporaryDirectory(self).resolvingSymlinksInPath()
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.createDirectory(at: dump.appendingPathComponent("events"), withIntermediateDirectories: true)
        try Data(#"[{"id":"\#(workflow)","org_id":"\#(org)","type":"chat"}]"#.utf8).write(to: dump.appendingPathComponent("workflows.json"))
        let events = (1...3).map {
            #"{"id":"e\#($0)","timestamp":"2022-11-03T10:00:0\#($0)Z","organization_id":"\#(org)","category":"workflowReportingEvent","label":"\#(workflow)","action":"open","dim5":1}"#
        }
        try Data(events.joined(separator: "\n").utf8).write(to: dump.appendingPathComponent("events/a.ndjson"))
        try Data(payload.utf8).write(to: folder.appendingPathComponent("payload.json"))
        return folder
    }

    private func export(_ folder: URL, to output: String) throws -> ProcessResult {
        try runProcess(TestPaths.executable,
                       ["export", "--dump", "dump", "--org", org, "--workflow", workflow, "--step", "1",
                        "--payload", "payload.json", "--output", output], currentDirectory: folder)
    }

    /// The CSV the three events give (written to a fresh regular file).
    private func expectedCSV(_ folder: URL) throws -> Data {
        XCTAssertEqual(try export(folder, to: "expected.csv").status, 0)
        return try Data(contentsOf: folder.appendingPathComponent("expected.csv"))
    }

    private func fileType(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
    }

    private func partials(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.contains(".partial-") }
    }

    /// Device nodes can be made only by root; elsewhere the case is skipped with a line.
    private func makeDevice(_ path: String, minor: Int32) -> Bool {
        if mknod(path, S_IFCHR | 0o666, makedev(1, UInt32(minor))) == 0 { return true }
        print("OutputSafetyTests: skipped, cannot make a device node here (\(String(cString: strerror(errno))))")
        return false
    }

    private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
        dev_t((major & 0xfff) << 8 | (minor & 0xff) | ((minor & ~0xff) << 12))
    }

    func testACharacterDeviceIsWrittenInPlace() throws {
        let folder = try makeFolder()
        let node = folder.appendingPathComponent("nul").path
        guard makeDevice(node, minor: 3) else { return }
        let r = try export(folder, to: "nul")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("stepexport: 3 rows, "), r.stderr)
        XCTAssertEqual(fileType(node), S_IFCHR, "the device node must stay a device")
        XCTAssertEqual(partials(folder), [])
    }

    func testAWriteErrorOnADeviceIs500() throws {
        let folder = try makeFolder()
        let node = folder.appendingPathComponent("full").path
        guard makeDevice(node, minor: 7) else { return }
        let r = try export(folder, to: "full")
        XCTAssertEqual(r.status, 50, r.stderr)
        XCTAssertEqual(r.stderr, #"{"detail":"Cannot write full: No space left on device"}"# + "\n")
        XCTAssertEqual(fileType(node), S_IFCHR)
        XCTAssertEqual(partials(folder), [])
    }

    func testAFIFOIsWrittenInPlaceAndItsReaderGetsTheFile() throws {
        let folder = try makeFolder()
        let expected = try expectedCSV(folder)
        let fifo = folder.appendingPathComponent("pipe")
        XCTAssertEqual(mkfifo(fifo.path, 0o644), 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo.path]
        let out = Pipe()
        reader.standardOutput = out
        try reader.run()
        let r = try export(folder, to: "pipe")
        let got = out.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(got, expected)
        XCTAssertEqual(fileType(fifo.path), S_IFIFO)
    }

    func testASymbolicLinkHasItsTargetReplacedAndStays() throws {
        let folder = try makeFolder()
        let expected = try expectedCSV(folder)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("real"), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: folder.appendingPathComponent("real/target.csv"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link").path, withDestinationPath: "real/target.csv")
        // A link to a link, and a dangling link: the file at the end of the chain is written.
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link2").path, withDestinationPath: "link")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("dangling").path, withDestinationPath: "real/new.csv")
        for (output, target) in [("link", "real/target.csv"), ("link2", "real/target.csv"), ("dangling", "real/new.csv")] {
            let r = try export(folder, to: output)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(fileType(folder.appendingPathComponent(output).path), S_IFLNK, "\(output) must stay a link")
            XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent(target)), expected, output)
        }
        XCTAssertEqual(partials(folder.appendingPathComponent("real")), [])
    }

    func testAReplacedFileKeepsItsPermissionBits() throws {
        let folder = try makeFolder()
        for mode: mode_t in [0o600, 0o640, 0o755] {
            let path = folder.appendingPathComponent("out-\(mode).csv").path
            try Data("old".utf8).write(to: URL(fileURLWithPath: path))
            XCTAssertEqual(chmod(path, mode), 0)
            let r = try export(folder, to: "out-\(mode).csv")
            XCTAssertEqual(r.status, 0, r.stderr)
            var st = stat()
            XCTAssertEqual(stat(path, &st), 0)
            XCTAssertEqual(st.st_mode & 0o7777, mode, "permission bits of \(path)")
            XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data("old".utf8))
        }
    }

    func testAFileTheRequestReadsIsRefusedWhateverItsSpelling() throws {
        let folder = try makeFolder()
        XCTAssertEqual(link(folder.appendingPathComponent("dump/events/a.ndjson").path, folder.appendingPathComponent("hard").path), 0)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("soft").path, withDestinationPath: "dump/workflows.json")
        let before = try [("dump/workflows.json"), ("dump/events/a.ndjson"), ("payload.json")].map {
            try Data(contentsOf: folder.appendingPathComponent($0))
        }
        for output in ["dump/workflows.json", "./dump/../dump/workflows.json", "dump/events/a.ndjson", "hard", "soft",
                       "payload.json", folder.path + "/payload.json"] {
            let r = try export(folder, to: output)
            XCTAssertEqual(r.status, 50, "\(output): \(r.stderr)")
            XCTAssertEqual(r.stderr, #"{"detail":"Cannot write \#(output): it is a file this request reads"}"# + "\n")
        }
        let after = try [("dump/workflows.json"), ("dump/events/a.ndjson"), ("payload.json")].map {
            try Data(contentsOf: folder.appendingPathComponent($0))
        }
        XCTAssertEqual(after, before, "an input was touched")
        XCTAssertEqual(fileType(folder.appendingPathComponent("soft").path), S_IFLNK)
        XCTAssertEqual(partials(folder) + partials(folder.appendingPathComponent("dump")), [])
    }

    func testADirectoryOrASocketIsRefused() throws {
        let folder = try makeFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir"), withIntermediateDirectories: true)
        let r = try export(folder, to: "dir")
        XCTAssertEqual(r.status, 50, r.stderr)
        XCTAssertEqual(r.stderr, #"{"detail":"Cannot write dir: Is a directory"}"# + "\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("dir").path), [])

        let socketPath = folder.appendingPathComponent("sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in socketPath.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0, "cannot bind a socket at \(socketPath)")
        let s = try export(folder, to: "sock")
        XCTAssertEqual(s.status, 50, s.stderr)
        XCTAssertEqual(s.stderr, #"{"detail":"Cannot write sock: it is a socket"}"# + "\n")
        XCTAssertEqual(fileType(socketPath), S_IFSOCK)
    }
}
