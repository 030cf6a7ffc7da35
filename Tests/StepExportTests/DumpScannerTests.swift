import Foundation
import StepExportTestSupport
import XCTest
@testable import EventDump
@testable import Events
import JSONScan

/// Records what a scan hands over: each event's id and position.
final class RecordingVisitor: EventVisitor {
    var seen: [(position: DumpPosition, id: String)] = []
    func visit(_ event: inout Event, bytes: UnsafeRawBufferPointer, position: DumpPosition) -> Bool {
        let slot = event[.id]
        let id = slot.isPresent ? String(decoding: bytes[Int(slot.start)..<Int(slot.start + slot.length)], as: UTF8.self) : ""
        seen.append((position, id))
        return false
    }
}

final class DumpScannerTests: XCTestCase {
    /// Scans with several thread counts and tiny chunks (or the `scans` given); all must agree.
    private func scan(_ root: String, skipInvalid: Bool = false,
                      scans: [(threads: Int, chunk: Int)] = [(1, 4 << 20), (2, 64), (3, 7)]) throws -> (ids: [String], report: ScanReport) {
        var answers: [([String], ScanReport)] = []
        for (threads, chunk) in scans {
            let visitors = (0..<threads).map { _ in RecordingVisitor() }
            var options = ScanOptions(skipInvalid: skipInvalid)
            options.chunkSize = chunk
            let report = try DumpScanner.scan(files: DumpFiles.list(dumpRoot: root), visitors: visitors, options: options).report
            let ids = visitors.flatMap(\.seen).sorted { $0.position < $1.position }.map(\.id)
            answers.append((ids, report))
        }
        for a in answers.dropFirst() {
            XCTAssertEqual(a.0, answers[0].0)
            XCTAssertEqual(a.1.skipped, answers[0].1.skipped)
            XCTAssertEqual(a.1.firstSkipped, answers[0].1.firstSkipped)
        }
        return answers[0]
    }

    private func scanError(_ root: String) -> DumpError? {
        for (threads, chunk) in [(1, 4 << 20), (2, 50)] {
            var options = ScanOptions()
            options.chunkSize = chunk
            do {
                _ = try DumpScanner.scan(files: DumpFiles.list(dumpRoot: root),
                                         visitors: (0..<threads).map { _ in RecordingVisitor() }, options: options)
            } catch let error as DumpError {
                if threads == 2 { return error }
                continue
            } catch {
                XCTFail("unexpected \(error)")
            }
        }
        return nil
    }

    func testFileOrderAndFormats() throws {
        let ndjson = "\u{FEFF}" + scanEvent("a1") + "\r\n\r\n   \n" + scanEvent("a2") + "\n"
        let array = "[\n " + scanEvent("b1") + ",\n" + scanEvent("b2") + "\n]\n"
        let root = try makeScanDump([
            "events/b/x.json": Data(array.utf8),
            "events/a.ndjson": Data(ndjson.utf8),
            "events/c.jsonl.gz": try gzip(Data((scanEvent("c1") + "\n").utf8)) + gzip(Data(scanEvent("c2").utf8)),
            "events/B.ndjson": Data((scanEvent("upper") + "\n").utf8),
            "events/notes.txt": Data("not events".utf8),
        ])
        let (ids, report) = try scan(root)
        // Byte-wise order: "B.ndjson" < "a.ndjson" < "b/x.json" < "c.jsonl.gz".
        XCTAssertEqual(ids, ["upper", "a1", "a2", "b1", "b2", "c1", "c2"])
        XCTAssertEqual(report.events, 7)
        XCTAssertEqual(report.skipped, 0)
    }

    func testGzipDetectedByMagicWhateverTheName() throws {
        let root = try makeScanDump(["events/plain.ndjson": try gzip(Data((scanEvent("z") + "\n").utf8))])
        XCTAssertEqual(try scan(root).ids, ["z"])
    }

    func testFirstMalformedEventIsNamedWithItsLine() throws {
        var lines = (1...40).map { scanEvent("e\($0)") }
        lines[24] = "{\"id\":\"bad\",\"timestamp\":12.5}"
        lines[31] = "not json"
        let root = try makeScanDump(["events/a.ndjson": Data(lines.joined(separator: "\n").utf8)])
        guard case .malformedEvent(let at)? = scanError(root) else { return XCTFail("expected a malformed event") }
        XCTAssertEqual(at.file, "events/a.ndjson")
        XCTAssertEqual(at.line, 25)
    }

    func testSkipInvalidCountsAndLocatesTheFirst() throws {
        var lines = (1...30).map { scanEvent("e\($0)") }
        lines[9] = "[1,2]"
        lines[19] = "{\"id\":\"x\"}"
        let root = try makeScanDump(["events/a.ndjson": Data(lines.joined(separator: "\n").utf8)])
        let (ids, report) = try scan(root, skipInvalid: true)
        XCTAssertEqual(ids.count, 28)
        XCTAssertEqual(report.skipped, 2)
        XCTAssertEqual(report.firstSkipped?.line, 10)
        XCTAssertEqual(report.firstSkipped?.file, "events/a.ndjson")
    }

    func testJSONArrayElementLines() throws {
        let text = "[\n" + scanEvent("a") + ",\n\n  {\"id\":5,\n\"timestamp\":\"2022-11-03T10:00:00Z\"}\n]"
        let root = try makeScanDump(["events/x.json": Data(text.utf8)])
        guard case .malformedEvent(let at)? = scanError(root) else { return XCTFail("expected a malformed event") }
        XCTAssertEqual(at.line, 4)
    }

    func testBrokenArraysFailEvenWhenSkipping() throws {
        for text in ["", "{}", "[" + scanEvent("a"), "[" + scanEvent("a") + " " + scanEvent("b") + "]", "[" + scanEvent("a") + ",]",
                     "[" + scanEvent("a") + "] x"] {
            let root = try makeScanDump(["events/x.json": Data(text.utf8)])
            var options = ScanOptions(skipInvalid: true)
            options.chunkSize = 16
            XCTAssertThrowsError(try DumpScanner.scan(files: DumpFiles.list(dumpRoot: root), visitors: [RecordingVisitor()],
                                                      options: options), text) { error in
                guard case .malformedEvent? = error as? DumpError else { return XCTFail("\(text): \(error)") }
            }
        }
    }

    func testEmptyArrayIsNoEvents() throws {
        let root = try makeScanDump(["events/x.json": Data(" [ ] \n".utf8)])
        XCTAssertEqual(try scan(root).ids, [])
    }

    func testTruncatedAndCorruptGzipFail() throws {
        let full = try gzip(Data(((1...200).map { scanEvent("e\($0)") }.joined(separator: "\n")).utf8))
        let truncated = full.prefix(full.count - 10)
        var corrupt = full
        corrupt[corrupt.count / 2] ^= 0xFF
        let trailing = full + Data([0x00, 0x01])
        for (name, data) in [("truncated", Data(truncated)), ("corrupt", corrupt), ("trailing", trailing)] {
            let root = try makeScanDump(["events/a.ndjson.gz": data])
            guard case .corruptGzip(let path, _)? = scanError(root) else { return XCTFail("\(name): expected corrupt gzip") }
            XCTAssertEqual(path, "events/a.ndjson.gz", name)
        }
    }

    func testOversizedLineIsMalformedWithoutReadingItWhole() throws {
        var big = Data((scanEvent("a") + "\n").utf8)
        // Longer than the read that passes the limit can take (up to 64 MiB more): so the line is
        // dropped as it is read, not parsed whole. Chunks of 64 KiB or more: what is dropped is
        // read a chunk at a time.
        big.append(Data(repeating: UInt8(ascii: "x"), count: 2 * DumpLimits.maxEventBytes + 10))
        big.append(Data(("\n" + scanEvent("b") + "\n").utf8))
        let root = try makeScanDump(["events/a.ndjson": big])
        let (ids, report) = try scan(root, skipInvalid: true, scans: [(1, 4 << 20), (2, 64 << 10)])
        XCTAssertEqual(ids, ["a", "b"])
        XCTAssertEqual(report.firstSkipped?.line, 2)
        XCTAssertEqual(report.firstSkipped?.reason, "the event is larger than 64 MiB")
    }

    /// NDJSON lines are parsed without finding their ends first (`EventParser.parseLine`): on
    /// random files of good lines, blank ones, CRLF endings, events broken over two lines, two
    /// events on a line and other breakage, the scan must find the same events and the same first
    /// error (line and reason) as parsing each line on its own, bounded at its `\n`.
    func testLinesAgreeWithParsingEachLineAlone() throws {
        var random = SeededRandom(seed: 11)
        let pieces = [
            scanEvent("g"), scanEvent("g", ",\"dim5\":\"3\""), "", "   ", "\t", scanEvent("g") + " \t", scanEvent("g") + "\r",
            "{\"id\":\"split\",", "\"timestamp\":\"2022-11-03T10:00:00Z\"}", "{\"id\":\"s2\",\"timestamp\":",
            "\"2022-11-03T10:00:00Z\"}", scanEvent("g") + scanEvent("g"), scanEvent("g") + " x", "[1]", "{\"id\":\"x\"}",
            "{\"id\":\"a\nb\",\"timestamp\":\"2022-11-03T10:00:00Z\"}", "{\"id\":\"g\",\"timestamp\":\"2022-11-03T10:00:00Z\"",
            "{\"id\":\"g\" , \"timestamp\" :\"2022-11-03T10:00:00Z\" }", "{\"timestamp\":1667469600000,\"value\":1e3}",
            "{\"timestamp\":1667469600000,\"value\":1", "{\"timestamp\":1667469600000,\"properties\":[\"a\",", "\"b\"]}",
        ]
        for round in 0..<60 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...30, using: &random) {
                var line = pieces.randomElement(using: &random)!
                if line.hasPrefix(scanEvent("g")) { line = line.replacingOccurrences(of: "\"g\"", with: "\"g\(lines.count)\"") }
                lines.append(line)
            }
            let text = lines.joined(separator: "\n") + (Bool.random(using: &random) ? "\n" : "")
            // Each line alone, as the reference: its id or why it is malformed.
            var expectedIDs: [String] = []
            var expectedErrors: [(line: Int, reason: String)] = []
            // Split as bytes: a String would keep "\r\n" together as one Character.
            for (number, line) in Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                let bytes = Array(line)
                guard let first = bytes.firstIndex(where: { !JSONBytes.isWhitespace($0) }) else { continue }
                var parser = EventParser()
                var parsed = Event()
                do {
                    let end = try bytes.withUnsafeBytes { try parser.parse($0, at: first, into: &parsed) }
                    if let extra = bytes[end...].firstIndex(where: { !JSONBytes.isWhitespace($0) }) {
                        expectedErrors.append((number + 1, "unexpected data after the event at column \(extra - first + 1)"))
                    } else {
                        let slot = parsed[.id]
                        expectedIDs.append(slot.isPresent ? String(decoding: bytes[first + Int(slot.start)..<first + Int(slot.start + slot.length)], as: UTF8.self) : "")
                    }
                } catch {
                    expectedErrors.append((number + 1, (error as? MalformedEvent)?.reason ?? "\(error)"))
                }
            }
            let root = try makeScanDump(["events/a.ndjson": Data(text.utf8)])
            let (ids, report) = try scan(root, skipInvalid: true)
            XCTAssertEqual(ids, expectedIDs, "round \(round):\n\(text)")
            XCTAssertEqual(report.skipped, expectedErrors.count, "round \(round):\n\(text)")
            XCTAssertEqual(report.firstSkipped?.line, expectedErrors.first?.line, "round \(round):\n\(text)")
            XCTAssertEqual(report.firstSkipped?.reason, expectedErrors.first?.reason, "round \(round):\n\(text)")
        }
    }

    func testMissingEventsFolderIsUnreadable() throws {
        let root = try TestPaths.temporaryDirectory(self)
        XCTAssertThrowsError(try DumpFiles.list(dumpRoot: root.path)) { error in
            XCTAssertEqual((error as? DumpError)?.detail.hasPrefix("Cannot read events/"), true)
        }
    }
}
