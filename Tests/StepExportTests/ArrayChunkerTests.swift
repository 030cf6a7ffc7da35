import Foundation
import StepExportTestSupport
import XCTest
@testable import EventDump
@testable import JSONScan

/// `.json` array files are cut into chunks of elements by a structural pass on the reading
/// thread and parsed on the scanning threads: random arrays — every spelling JSON allows
/// (whitespace and newlines between any tokens, escapes, strings full of brackets, commas,
/// quotes and backslashes, unknown keys holding nested values) — must give every element at its
/// own offset and line, whatever the chunk size and thread count, and a malformed element or a
/// broken array must be reported at the line where the test put it.
final class ArrayChunkerTests: XCTestCase {
    /// An event: its id written plainly first (the recording visitor reads its raw bytes), then
    /// unknown keys with random values and the timestamp, in random spelling.
    private func event(_ id: String, _ r: inout SeededRandom) -> [UInt8] {
        var members: [(String, JSONValue, JSONGen.Writer)] = []
        for _ in 0..<r.int(0...4) {
            let (value, writer) = JSONGen.value(&r, depth: 1)
            members.append(("x" + JSONGen.string(&r, maxLength: 5), value, writer))
        }
        members.append(("timestamp", .string("2022-11-03T10:00:00Z"), .plain))
        var out = JSONWriter()
        JSONGen.write(.object(JSONObject()), .object(members), &out, &r)
        return [UInt8(ascii: "{")] + Array("\"id\":\"\(id)\",".utf8) + out.out.dropFirst()
    }

    private struct RandomArray {
        var bytes: [UInt8] = []
        /// Each element's id, offset and 0-based line.
        var elements: [(id: String, offset: Int, line: Int)] = []
        var line: Int { bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
    }

    private func whitespace(_ r: inout SeededRandom) -> [UInt8] {
        (0..<r.int(0...3)).map { _ in r.pick([0x20, 0x09, 0x0A, 0x0D, 0x0A]) }
    }

    private func randomArray(_ count: Int, _ r: inout SeededRandom) -> RandomArray {
        var a = RandomArray()
        if r.chance(0.2) { a.bytes += [0xEF, 0xBB, 0xBF] }
        a.bytes += whitespace(&r) + [UInt8(ascii: "[")]
        for k in 0..<count {
            if k > 0 { a.bytes += whitespace(&r) + [UInt8(ascii: ",")] }
            a.bytes += whitespace(&r)
            a.elements.append(("e\(k)", a.bytes.count, a.line))
            a.bytes += event("e\(k)", &r)
        }
        a.bytes += whitespace(&r) + [UInt8(ascii: "]")] + whitespace(&r)
        return a
    }

    private func dump(_ files: [String: [UInt8]]) throws -> String {
        let root = try TestPaths.temporaryDirectory(self)
        for (path, bytes) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return root.path
    }

    /// Chunk sizes from a few bytes (an element spans many chunks, a word of eight bytes crosses
    /// every boundary) to larger than the file.
    private let settings = [(1, 8), (2, 13), (3, 64), (2, 1000), (1, 4 << 20)]

    private func scan(_ root: String, threads: Int, chunk: Int, skipInvalid: Bool = false) throws
        -> (seen: [(position: DumpPosition, id: String)], report: ScanReport) {
        let visitors = (0..<threads).map { _ in RecordingVisitor() }
        var options = ScanOptions(skipInvalid: skipInvalid)
        options.chunkSize = chunk
        let report = try DumpScanner.scan(files: DumpFiles.list(dumpRoot: root), visitors: visitors, options: options).report
        return (visitors.flatMap(\.seen).sorted { $0.position < $1.position }, report)
    }

    func testRandomArraysGiveEveryElementAtItsOffset() throws {
        var r = SeededRandom(seed: 20_261_202)
        for round in 0..<120 {
            let a = randomArray(r.int(0...30), &r)
            let gz = round % 5 == 0
            let root = try dump(["events/a.json" + (gz ? ".gz" : ""): gz ? [UInt8](try gzip(Data(a.bytes))) : a.bytes])
            for (threads, chunk) in settings {
                let (seen, report) = try scan(root, threads: threads, chunk: chunk)
                let context = "round \(round), \(threads) threads, chunk \(chunk)"
                XCTAssertEqual(seen.map(\.id), a.elements.map(\.id), context)
                XCTAssertEqual(seen.map { Int($0.position.offset) }, a.elements.map(\.offset), context)
                XCTAssertEqual(report.events, a.elements.count, context)
            }
        }
    }

    func testMalformedElementIsReportedAtItsLine() throws {
        var r = SeededRandom(seed: 7_001)
        let bad: [[UInt8]] = [Array("[1,2]".utf8), Array("123".utf8), Array(#""{\"id\":1}""#.utf8), Array("null".utf8),
                              Array(#"{"id":5,"timestamp":"2022-11-03T10:00:00Z"}"#.utf8), Array(#"{"id":"x"}"#.utf8),
                              Array(#"{"id":"x","timestamp":tru}"#.utf8), Array(#"{"id":"x",}"#.utf8)]
        for round in 0..<24 {
            var a = randomArray(r.int(2...20), &r)
            let victim = r.int(0...a.elements.count - 1)
            // Rebuild the text with element `victim` replaced.
            let start = a.elements[victim].offset
            let end = victim + 1 < a.elements.count ? a.bytes[..<a.elements[victim + 1].offset].lastIndex(of: UInt8(ascii: ","))!
                : a.bytes.lastIndex(of: UInt8(ascii: "]"))!
            var tail = Array(a.bytes[start..<end])
            while let last = tail.last, [0x20, 0x09, 0x0A, 0x0D].contains(last) { tail.removeLast() }
            let replacement = bad[round % bad.count]
            a.bytes.replaceSubrange(start..<start + tail.count, with: replacement)
            let expectedLine = a.elements[victim].line + 1
            let root = try dump(["events/a.json": a.bytes])
            for (threads, chunk) in settings {
                let context = "round \(round), \(threads) threads, chunk \(chunk): \(String(decoding: replacement, as: UTF8.self))"
                XCTAssertThrowsError(try scan(root, threads: threads, chunk: chunk), context) { error in
                    guard case .malformedEvent(let at)? = error as? DumpError else { return XCTFail("\(context): \(error)") }
                    XCTAssertEqual(at.file, "events/a.json", context)
                    XCTAssertEqual(at.line, expectedLine, context)
                }
                let (seen, report) = try scan(root, threads: threads, chunk: chunk, skipInvalid: true)
                XCTAssertEqual(seen.map(\.id), a.elements.map(\.id).filter { $0 != "e\(victim)" }, context)
                XCTAssertEqual(report.skipped, 1, context)
                XCTAssertEqual(report.firstSkipped?.line, expectedLine, context)
            }
        }
    }

    func testBrokenArrayIsReportedWhereItBreaks() throws {
        var r = SeededRandom(seed: 99)
        for round in 0..<20 {
            let a = randomArray(r.int(1...12), &r)
            let close = a.bytes.lastIndex(of: UInt8(ascii: "]"))!
            var broken = a.bytes
            let breakAt: Int
            let reason: String
            switch round % 4 {
            case 0: // a trailing comma before the `]`
                broken.insert(UInt8(ascii: ","), at: close)
                breakAt = close + 1
                reason = "a comma is followed by ']' (trailing commas are not JSON)"
            case 1: // data after the `]`
                broken += Array(" x".utf8)
                breakAt = broken.count - 1
                reason = "unexpected data after the array"
            case 2: // the `]` lost: the file ends inside the array
                broken = Array(broken[..<close])
                breakAt = broken.count
                reason = "the array is not closed: the file ends inside it"
            default: // the comma between the first two elements lost (or, with one element, a second one added)
                if a.elements.count > 1 {
                    let comma = broken[..<a.elements[1].offset].lastIndex(of: UInt8(ascii: ","))!
                    broken[comma] = 0x20
                    breakAt = a.elements[1].offset
                } else {
                    broken.insert(contentsOf: Array(" {}".utf8), at: close)
                    breakAt = close + 1
                }
                reason = "expected ',' or ']' after an element"
            }
            let line = broken[..<breakAt].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + 1
            let root = try dump(["events/a.json": broken])
            for (threads, chunk) in settings {
                let context = "round \(round), \(threads) threads, chunk \(chunk)"
                XCTAssertThrowsError(try scan(root, threads: threads, chunk: chunk, skipInvalid: true), context) { error in
                    guard case .malformedEvent(let at)? = error as? DumpError else { return XCTFail("\(context): \(error)") }
                    XCTAssertEqual(at.line, line, context)
                    XCTAssertEqual(at.reason, reason, context)
                }
            }
        }
    }

    func testOversizedElementIsSkippedAndTheRestRead() throws {
        var a = Array("[\n".utf8) + Array(#"{"id":"a","timestamp":"2022-11-03T10:00:00Z"}"#.utf8) + Array(",\n".utf8)
        // One element over the limit: a string of 64 MiB and more, with newlines and brackets around it.
        a += Array("{\"id\":\"big\",\n\"x\":[\"".utf8)
        a += [UInt8](repeating: UInt8(ascii: "}"), count: DumpLimits.maxEventBytes + 10)
        a += Array("\"]}\n,\n".utf8) + Array(#"{"id":"b","timestamp":"2022-11-03T10:00:00Z"}"#.utf8) + Array("]".utf8)
        let root = try dump(["events/a.json": a])
        let (seen, report) = try scan(root, threads: 2, chunk: 2 << 20, skipInvalid: true)
        XCTAssertEqual(seen.map(\.id), ["a", "b"])
        XCTAssertEqual(report.skipped, 1)
        XCTAssertEqual(report.firstSkipped?.line, 3)
        XCTAssertEqual(report.firstSkipped?.reason, "the event is larger than 64 MiB")
    }
}
