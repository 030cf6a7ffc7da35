import Foundation
import StepExportTestSupport
import XCTest
@testable import EventDump

/// SPEC §9: any input, however damaged or hostile, ends in a result or one of the §9 errors —
/// never a crash, a hang or unbounded memory. Each case runs the `stepexport` executable and
/// checks the answer, the time it took and the peak memory of the process.
final class HostileInputTests: XCTestCase {
    private let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"
    private let workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"
    private let payload = #"{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#

    /// Peak resident memory any run may reach. The largest legitimate need is one 64 MiB event (plus
    /// the buffer it is read into); the debug build's own footprint adds some 30 MB.
    private let memoryLimitMB = 400
    /// Wall-clock limit per run (the debug build, on a shared 2-core machine).
    private let timeLimit: TimeInterval = 120

    /// A good event of the workflow, inside the interval, with `extra` keys.
    private func event(_ id: String, _ extra: String = "") -> String {
        #"{"id":"\#(id)","timestamp":"2022-11-03T10:00:00Z","organization_id":"\#(org)","category":"workflowReportingEvent","label":"\#(workflow)","action":"open","dim5":1\#(extra)}"#
    }

    /// A dump with the workflow and the given event files (written by `write`, so they may be large).
    private func makeDump(_ files: [String: (FileHandle) throws -> Void]) throws -> URL {
        let root = try TestPaths.temporaryDirectory(self)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("events"), withIntermediateDirectories: true)
        let catalog = #"[{"id":"\#(workflow)","org_id":"\#(org)","type":"chat","steps":[{"index":0,"name":"Source"},{"index":1,"name":"Opened"}]}]"#
        try Data(catalog.utf8).write(to: root.appendingPathComponent("workflows.json"))
        for (name, write) in files {
            let url = root.appendingPathComponent("events/" + name)
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            let handle = try FileHandle(forWritingTo: url)
            try write(handle)
            try handle.close()
        }
        return root
    }

    private func bytes(_ data: Data) -> (FileHandle) throws -> Void { { try $0.write(contentsOf: data) } }
    private func text(_ s: String) -> (FileHandle) throws -> Void { bytes(Data(s.utf8)) }

    /// `count` copies of `byte`, written 16 MiB at a time.
    private func repeated(_ byte: UInt8, _ count: Int, then tail: Data = Data()) -> (FileHandle) throws -> Void {
        { handle in
            let block = Data(repeating: byte, count: 16 << 20)
            var left = count
            while left > 0 {
                let n = min(left, block.count)
                try handle.write(contentsOf: n == block.count ? block : block.prefix(n))
                left -= n
            }
            try handle.write(contentsOf: tail)
        }
    }

    /// Runs `export` (or `args`), checking time and peak memory; returns the result.
    @discardableResult
    private func run(_ what: String, dump: URL, payload: String? = nil, format: String = "csv",
                     args: [String]? = nil, status: Int32, stderrPrefix: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
        let folder = try TestPaths.temporaryDirectory(self)
        let payloadFile = folder.appendingPathComponent("payload.json")
        let body = payload ?? #"{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"},"format":"\#(format)"}"#
        try Data(body.utf8).write(to: payloadFile)
        let arguments = args ?? ["export", "--dump", dump.path, "--org", org, "--workflow", workflow, "--step", "1",
                                 "--payload", payloadFile.path, "--output", folder.appendingPathComponent("out." + format).path]
        let started = Date()
        let (r, peak) = try runProcessMeasuringPeak(TestPaths.executable, arguments)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, status, "\(what): \(r.stderr.prefix(500))", file: file, line: line)
        if let stderrPrefix {
            XCTAssertTrue(r.stderr.hasPrefix(stderrPrefix), "\(what): \(r.stderr.prefix(500))", file: file, line: line)
        }
        XCTAssertLessThan(elapsed, timeLimit, "\(what) took \(elapsed) s", file: file, line: line)
        // Under a sanitizer (Tests/sanitizers.sh) its shadow memory and quarantine count too: only logged.
        if ProcessInfo.processInfo.environment["STEPEXPORT_SANITIZER"] == nil {
            XCTAssertLessThan(peak, memoryLimitMB, "\(what): peak memory \(peak) MB", file: file, line: line)
        }
        print("hostile input: \(what): exit \(r.status) in \(String(format: "%.2f", elapsed)) s, peak RSS \(peak) MB")
        // Nothing but the finished file, or nothing at all, in the output folder.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "payload.json" }
        XCTAssertEqual(left, status == 0 && args == nil ? ["out." + format] : [], what, file: file, line: line)
        return r
    }

    private func malformed(_ file: String, _ line: Int, _ reason: String) -> String {
        #"{"detail":"Malformed event at events/\#(file):\#(line): \#(reason)"#
    }

    // MARK: - Events

    func testInvalidJSONAndNonObjects() throws {
        for (line, reason) in [(#"{"id":"#, "invalid JSON at column 7: "), ("[1,2]", "not a JSON object"),
                               (#"{"timestamp":0,}"#, "invalid JSON at column 16: "), ("nul", "invalid JSON at column 4: unexpected end of the event")] {
            let dump = try makeDump(["x.ndjson": text(event("a") + "\n" + line + "\n")])
            try run("event \(line)", dump: dump, status: 50, stderrPrefix: malformed("x.ndjson", 2, reason))
        }
    }

    func testDeepNesting() throws {
        let deep = String(repeating: "[", count: 100_000)
        let dump = try makeDump([
            "a.ndjson": text(#"{"timestamp":0,"x":"# + deep + "\n"),
        ])
        try run("100k [ in an NDJSON event", dump: dump, status: 50,
                stderrPrefix: malformed("a.ndjson", 1, "nested deeper than 512 levels at column "))
        let array = try makeDump(["a.json": text("[" + deep)])
        try run("100k [ in a .json file", dump: array, status: 50, stderrPrefix: malformed("a.json", 1, ""))
        let objects = try makeDump(["a.ndjson": text(String(repeating: #"{"a":"#, count: 100_000))])
        try run("100k nested objects", dump: objects, status: 50,
                stderrPrefix: malformed("a.ndjson", 1, "nested deeper than 512 levels at column "))
        // Exactly 512 levels is allowed.
        let ok = try makeDump(["a.ndjson": text(event("a", #","x":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511)))])
        try run("512 levels", dump: ok, status: 0)
    }

    func testHugeStringsAndNumbers() throws {
        // A 50 MiB string is a valid event: CSV keeps it, XLSX cuts it at 32,767 characters.
        let big = String(repeating: "x", count: 50 << 20)
        let dump = try makeDump(["a.ndjson": text(event("a", #","page_url":""# + big + #"""#) + "\n")])
        let csv = try run("50 MiB string, csv", dump: dump, status: 0)
        XCTAssertTrue(csv.stderr.contains("1 rows"), csv.stderr)
        let xlsx = try run("50 MiB string, xlsx", dump: dump, format: "xlsx", status: 0)
        XCTAssertTrue(xlsx.stderr.contains("1 cells cut"), xlsx.stderr)
        // Many big rows: the writing threads take them a few at a time, not a batch of them at once.
        let many = try makeDump(["a.ndjson": { handle in
            for i in 0..<12 {
                try handle.write(contentsOf: Data(self.event("big\(i)", #","page_url":""#).utf8.dropLast()))
                try self.repeated(UInt8(ascii: "z"), 24 << 20, then: Data("\"}\n".utf8))(handle)
            }
        }])
        let rows = try run("12 events of 24 MiB, csv", dump: many, status: 0)
        XCTAssertTrue(rows.stderr.contains("12 rows"), rows.stderr)
        // Over 64 MiB: malformed, and the next event is still read (with --skip-invalid).
        let over = try makeDump(["a.ndjson": { handle in
            try handle.write(contentsOf: Data(#"{"timestamp":0,"id":""#.utf8))
            try self.repeated(UInt8(ascii: "y"), 65 << 20, then: Data(("\"}\n" + self.event("after") + "\n").utf8))(handle)
        }])
        try run("65 MiB event", dump: over, status: 50, stderrPrefix: malformed("a.ndjson", 1, "the event is larger than 64 MiB"))
        // Numbers: huge but finite keeps its text; infinite or too large for 64 bits is malformed.
        let tiny = "0." + String(repeating: "0", count: 1_000_000) + "1"
        let fine = try makeDump(["a.ndjson": text(event("a", #","value":"# + tiny) + "\n")])
        try run("a 1 MB number", dump: fine, status: 0)
        for (extra, reason) in [(#","value":1"# + String(repeating: "0", count: 1_000_000), #"\"value\" is not a finite number: "#),
                                (#","value":1e400"#, #"\"value\" is not a finite number: "#),
                                (#","event_version":-"# + String(repeating: "9", count: 100_000), #"\"event_version\" does not fit a 64-bit integer"#),
                                (#","dim5":99999999999999999999"#, #"\"dim5\" does not fit a 64-bit integer"#)] {
            let dump = try makeDump(["a.ndjson": text(event("a", extra) + "\n")])
            try run("number \(extra.prefix(30))", dump: dump, status: 50, stderrPrefix: malformed("a.ndjson", 1, reason))
        }
    }

    func testInvalidUTF8() throws {
        let cases: [(String, [UInt8])] = [
            ("overlong", [0xC0, 0xAF]), ("overlong 3-byte", [0xE0, 0x80, 0xAF]), ("encoded surrogate", [0xED, 0xA0, 0x80]),
            ("truncated", [0xE2, 0x82]), ("lone continuation", [0x80]), ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("0xFF", [0xFF]),
        ]
        for (what, bad) in cases {
            var line = Data(#"{"timestamp":0,"id":"a"#.utf8)
            line.append(contentsOf: bad)
            line.append(contentsOf: Array("b\"}\n".utf8))
            let dump = try makeDump(["a.ndjson": bytes(line)])
            try run("UTF-8 \(what)", dump: dump, status: 50, stderrPrefix: malformed("a.ndjson", 1, "invalid UTF-8 at column 23: "))
        }
        // Truncated at the very end of the file, inside a string.
        let end = try makeDump(["a.ndjson": bytes(Data(#"{"timestamp":0,"id":"a"#.utf8) + Data([0xE2, 0x82]))])
        try run("UTF-8 cut at the end of the file", dump: end, status: 50, stderrPrefix: malformed("a.ndjson", 1, ""))
    }

    func testNULAndControlBytes() throws {
        for (what, line) in [("raw NUL in a string", Data(#"{"timestamp":0,"id":"a"#.utf8) + Data([0]) + Data(#"b"}"#.utf8)),
                             ("raw NUL between tokens", Data(#"{"timestamp":0,"#.utf8) + Data([0]) + Data(#""id":"a"}"#.utf8)),
                             ("raw 0x1F in a string", Data(#"{"timestamp":0,"id":"a"#.utf8) + Data([0x1F]) + Data(#""}"#.utf8)),
                             ("a NUL line", Data([0, 0, 0])),
                             ("raw tab in a string", Data(#"{"timestamp":0,"id":"a"#.utf8) + Data([9]) + Data(#""}"#.utf8))] {
            let dump = try makeDump(["a.ndjson": bytes(line + Data("\n".utf8))])
            try run(what, dump: dump, status: 50, stderrPrefix: malformed("a.ndjson", 1, ""))
        }
        // Escaped control characters are text, written as they are (CSV) or as _xHHHH_ (XLSX).
        let ok = try makeDump(["a.ndjson": text(event("a", #","page_url":"a\u0000b\u001fc""#) + "\n")])
        try run("escaped NUL, csv", dump: ok, status: 0)
        try run("escaped NUL, xlsx", dump: ok, format: "xlsx", status: 0)
    }

    func testEndlessLines() throws {
        // 200 MiB without a newline: reported as too large, read in bounded memory.
        let endless = try makeDump(["a.ndjson": repeated(UInt8(ascii: "a"), 200 << 20)])
        try run("200 MiB without a newline", dump: endless, status: 50,
                stderrPrefix: malformed("a.ndjson", 1, "the event is larger than 64 MiB"))
        // The same inside a valid event's string, then a good event: with --skip-invalid, one skipped.
        let skipped = try makeDump(["a.ndjson": { handle in
            try handle.write(contentsOf: Data(#"{"timestamp":0,"id":""#.utf8))
            try self.repeated(UInt8(ascii: "a"), 100 << 20, then: Data(("\"}\n" + self.event("after") + "\n").utf8))(handle)
        }])
        let folder = try TestPaths.temporaryDirectory(self)
        let payloadFile = folder.appendingPathComponent("p.json")
        try Data(payload.utf8).write(to: payloadFile)
        let r = try run("100 MiB line, --skip-invalid", dump: skipped,
                        args: ["export", "--dump", skipped.path, "--org", org, "--workflow", workflow, "--step", "1",
                               "--payload", payloadFile.path, "--output", "-", "--skip-invalid"], status: 0)
        XCTAssertTrue(r.stderr.contains("1 malformed events skipped, the first at events/a.ndjson:1: the event is larger than 64 MiB"), r.stderr)
        XCTAssertTrue(String(decoding: r.stdout, as: UTF8.self).contains("\r\nafter,"))
    }

    // MARK: - Gzip

    func testTruncatedAndCorruptGzip() throws {
        let events = Data((0..<2000).map { event("e\($0)") + "\n" }.joined().utf8)
        let packed = try gzip(events, level: 9)
        let truncated = try makeDump(["a.ndjson.gz": bytes(packed.prefix(packed.count / 2))])
        try run("truncated gzip", dump: truncated, status: 50,
                stderrPrefix: #"{"detail":"Malformed gzip stream in events/a.ndjson.gz: truncated"#)
        var corrupt = packed
        for i in stride(from: 100, to: corrupt.count - 100, by: 97) { corrupt[i] ^= 0x5A }
        let bad = try makeDump(["a.ndjson.gz": bytes(corrupt)])
        try run("corrupt gzip", dump: bad, status: 50, stderrPrefix: #"{"detail":"Malformed gzip stream in events/a.ndjson.gz: "#)
        var crc = packed
        crc[crc.count - 6] ^= 1
        let badCRC = try makeDump(["a.ndjson.gz": bytes(crc)])
        try run("gzip with a wrong CRC", dump: badCRC, status: 50,
                stderrPrefix: #"{"detail":"Malformed gzip stream in events/a.ndjson.gz: incorrect data check"#)
        let header = try makeDump(["a.ndjson.gz": bytes(Data([0x1F, 0x8B]))])
        try run("a gzip magic alone", dump: header, status: 50, stderrPrefix: #"{"detail":"Malformed gzip stream in events/a.ndjson.gz: "#)
        let trailing = try makeDump(["a.ndjson.gz": bytes(packed + Data("garbage".utf8))])
        try run("bytes after the gzip stream", dump: trailing, status: 50,
                stderrPrefix: #"{"detail":"Malformed gzip stream in events/a.ndjson.gz: unexpected bytes after the end of a gzip member"#)
    }

    /// A member of 10 MiB of `byte`, gzip -9: about 10 KB (1027:1).
    private func bombMember(_ byte: UInt8) throws -> Data {
        try gzip(Data(repeating: byte, count: 10 << 20), level: 9)
    }

    func testGzipBombOfSpacesIsRefused() throws {
        // 2 GiB of spaces in 2 MB: one endless line, refused once 1 GiB has inflated at over 1000:1.
        let member = try bombMember(UInt8(ascii: " "))
        let dump = try makeDump(["a.ndjson.gz": { handle in for _ in 0..<205 { try handle.write(contentsOf: member) } }])
        try run("2 GiB gzip bomb of spaces", dump: dump, status: 50,
                stderrPrefix: #"{"detail":"Malformed gzip stream in events/a.ndjson.gz: refusing a likely gzip bomb: it inflates to more than 1 GiB at over 1000 bytes per compressed byte"}"#)
    }

    func testGzipBombOfNewlinesIsRefused() throws {
        // Newlines are valid empty lines, so without the guard they would all be scanned. In
        // process, with the guard lowered to 64 MiB (the scan of a GiB of empty lines is slow in a
        // debug build); the executable refuses the same at 1 GiB.
        let member = try bombMember(0x0A)
        let bomb = try makeDump(["a.ndjson.gz": { handle in for _ in 0..<100 { try handle.write(contentsOf: member) } }])
        let saved = ByteSource.bombGuard
        ByteSource.bombGuard.minimumBytes = 8 << 20
        defer { ByteSource.bombGuard = saved }
        func scan(_ dump: URL) throws -> ScanReport {
            try DumpScanner.scan(files: DumpFiles.list(dumpRoot: dump.path), visitors: [RecordingVisitor(), RecordingVisitor()],
                                 options: ScanOptions()).report
        }
        let started = Date()
        XCTAssertThrowsError(try scan(bomb)) { error in
            XCTAssertEqual((error as? DumpError)?.detail,
                           "Malformed gzip stream in events/a.ndjson.gz: refusing a likely gzip bomb: it inflates to more than 8 MiB at over 1000 bytes per compressed byte")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "1 GiB of newlines must not be scanned to the end")
        // Below the ratio the same bytes are read to the end: 20 MiB of newlines is no event and no error.
        ByteSource.bombGuard.maximumRatio = 2000
        let small = try makeDump(["a.ndjson.gz": { handle in for _ in 0..<2 { try handle.write(contentsOf: member) } }])
        XCTAssertEqual(try scan(small).events, 0)
    }

    func testLegitimateGzipIsNotABomb() throws {
        // 300k identical small events compress about 500:1, and the guard only acts past 1 GiB anyway:
        // lowered to 1 MiB here, they still read.
        let events = Data(String(repeating: event("same") + "\n", count: 20_000).utf8)
        let packed = try gzip(events, level: 9)
        XCTAssertLessThan(events.count / packed.count, 1000, "the test's premise")
        let dump = try makeDump(["a.ndjson.gz": bytes(packed)])
        let saved = ByteSource.bombGuard
        ByteSource.bombGuard.minimumBytes = 1 << 20
        defer { ByteSource.bombGuard = saved }
        let visitors = [RecordingVisitor()]
        let report = try DumpScanner.scan(files: DumpFiles.list(dumpRoot: dump.path), visitors: visitors,
                                          options: ScanOptions()).report
        XCTAssertEqual(report.events, 20_000)
    }

    // MARK: - Payload, catalog, manifest

    func testHostilePayloads() throws {
        let dump = try makeDump(["a.ndjson": text(event("a") + "\n")])
        let cases: [(String, Data, String)] = [
            ("100k [", Data(String(repeating: "[", count: 100_000).utf8), #"{"detail":"JSON parse error - "#),
            ("10 MB string", Data(("\"" + String(repeating: "s", count: 10_000_000) + "\"").utf8),
             #"{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}"#),
            ("a 1 MB number", Data(String(repeating: "9", count: 1_000_000).utf8),
             #"{"non_field_errors":["Invalid data. Expected a dictionary, but got int."]}"#),
            ("overlong UTF-8", Data([0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D]),
             #"{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xc0 in position 2: invalid start byte"}"#),
            ("NUL", Data([0x7B, 0x00, 0x7D]), #"{"detail":"JSON parse error - "#),
        ]
        for (what, body, prefix) in cases {
            let folder = try TestPaths.temporaryDirectory(self)
            let file = folder.appendingPathComponent("p.json")
            try body.write(to: file)
            try run("payload \(what)", dump: dump,
                    args: ["export", "--dump", dump.path, "--org", org, "--workflow", workflow, "--step", "1",
                           "--payload", file.path, "--output", folder.appendingPathComponent("o.csv").path],
                    status: 40, stderrPrefix: prefix)
        }
    }

    func testHostileCatalogAndManifest() throws {
        let dump = try makeDump(["a.ndjson": text(event("a") + "\n")])
        try Data(String(repeating: "[", count: 100_000).utf8).write(to: dump.appendingPathComponent("workflows.json"))
        try run("catalog of 100k [", dump: dump, status: 50, stderrPrefix: #"{"detail":"Malformed workflow catalog: "#)
        let folder = try TestPaths.temporaryDirectory(self)
        let manifest = folder.appendingPathComponent("m.json")
        try Data((#"{"dump":"x","jobs":"# + String(repeating: "[", count: 100_000)).utf8).write(to: manifest)
        try run("manifest of 100k [", dump: dump, args: ["batch", manifest.path], status: 64)
    }
}
