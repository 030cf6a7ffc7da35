import Foundation
import StepExportTestSupport
import XCTest
@testable import EventDump

/// The gzip CRC-32 and length check done off the inflating thread (`GzipCheck`): the trailer read
/// by `ByteSource`, the CRC pieces taken by the scanning threads and cut at member ends, and the
/// bytes of an oversized line that the reader drops.
final class GzipCheckTests: XCTestCase {
    /// Thread counts and chunk sizes: tiny chunks put member ends inside chunks, and many chunks
    /// inside a member.
    private static let everyScan = [(1, 4 << 20), (2, 64), (3, 7), (2, 100_000)]

    /// The scan's ids, or the DumpError it ended with, the same for each of `scans`.
    private func outcome(_ root: String, skipInvalid: Bool = false, scans: [(threads: Int, chunk: Int)] = everyScan,
                         file: StaticString = #filePath, line: UInt = #line) throws -> Result<[String], DumpError> {
        var outcomes: [Result<[String], DumpError>] = []
        for (threads, chunk) in scans {
            var options = ScanOptions(skipInvalid: skipInvalid)
            options.chunkSize = chunk
            let visitors = (0..<threads).map { _ in RecordingVisitor() }
            do {
                _ = try DumpScanner.scan(files: DumpFiles.list(dumpRoot: root), visitors: visitors, options: options)
                outcomes.append(.success(visitors.flatMap(\.seen).sorted { $0.position < $1.position }.map(\.id)))
            } catch let error as DumpError {
                outcomes.append(.failure(error))
            }
        }
        for other in outcomes.dropFirst() {
            XCTAssertEqual("\(other)", "\(outcomes[0])", "threads and chunk sizes disagree", file: file, line: line)
        }
        return outcomes[0]
    }

    private func reason(_ result: Result<[String], DumpError>, file name: String = "events/a.ndjson.gz") -> String? {
        guard case .failure(.corruptGzip(let path, let reason)) = result else { return nil }
        XCTAssertEqual(path, name)
        return reason
    }

    private func lines(_ ids: Range<Int>, _ prefix: String) -> [UInt8] {
        Array(ids.map { scanEvent("\(prefix)\($0)") + "\n" }.joined().utf8)
    }

    /// The members' trailers damaged in turn (those of `damaged`, by index), the CRC and then the
    /// ISIZE: the member's own problem is found whichever member it is, and an undamaged file
    /// scans whole. `pack` makes one member.
    private func checkTrailers(_ members: [[UInt8]], damaged: [Int]? = nil, scans: [(threads: Int, chunk: Int)] = everyScan,
                               file name: String = "events/a.ndjson.gz", expected ids: [String],
                               pack: ([UInt8]) throws -> [UInt8], line: UInt = #line) throws {
        let packed = try members.map(pack)
        let good = packed.flatMap { $0 }
        XCTAssertEqual(try outcome(makeScanDump([name: Data(good)]), scans: scans).get(), ids, line: line)
        for m in damaged ?? Array(members.indices) {
            let end = packed[...m].reduce(0) { $0 + $1.count }
            for (field, expected) in [(end - 8, "incorrect data check"), (end - 4, "incorrect length check")] {
                var bad = good
                bad[field] ^= 0x10
                XCTAssertEqual(reason(try outcome(makeScanDump([name: Data(bad)]), scans: scans), file: name), expected,
                               "member ending at \(end)", line: line)
            }
        }
    }

    func testManyMembersFromTheSystemGzip() throws {
        var random = SeededRandom(seed: 5)
        var members: [[UInt8]] = []
        var ids: [String] = []
        for m in 0..<12 {
            let count = [0, 1, 3, 40].randomElement(using: &random)!
            // A member may end inside a line (the fifth here): the line reads as one, across members.
            var text = m == 5 ? Array(scanEvent("split").utf8.dropFirst(10)) + [0x0A] : []
            if m == 5 { ids.append("split") }
            text += lines(0..<count, "m\(m)-")
            if m == 4 { text += Array(scanEvent("split").utf8.prefix(10)) }
            members.append(text)
            ids += (0..<count).map { "m\(m)-\($0)" }
        }
        XCTAssertTrue(members.contains([]), "an empty member")
        try checkTrailers(members, expected: ids) { Array(try gzip(Data($0), level: 1)) }
    }

    /// A `.json` array over many members: one ends inside an element, one between an element and
    /// its comma, some are empty.
    func testArrayOverManyMembers() throws {
        let ids = (0..<60).map { "a\($0)" }
        let text = Array(("[\n" + ids.map { scanEvent($0) }.joined(separator: ",\n") + "\n]\n").utf8)
        var cuts = [0, 0, 30, 31, text.count / 2, text.count / 2 + 1, text.count - 3, text.count, text.count]
        if let comma = text.firstIndex(of: UInt8(ascii: ",")) { cuts.append(comma) }
        cuts.sort()
        let members = zip(cuts, cuts.dropFirst()).map { Array(text[$0..<$1]) }
        XCTAssertEqual(members.joined().count, text.count)
        try checkTrailers(members, file: "events/a.json.gz", expected: ids) { Array(try gzip(Data($0), level: 1)) }
    }

    /// The trailer split by the edge of `ByteSource`'s input buffer, by 1 to 7 bytes: its first
    /// bytes were consumed from one fill of the buffer, the rest from the next.
    func testTrailerAcrossTheInputBuffersEdge() throws {
        let edge = ByteSource.gzipInputBytes
        for before in 1...7 {
            // Stored members (their size is exact) up to the member whose trailer starts `before`
            // bytes ahead of the edge, its size set by a line of spaces (an empty line).
            var members: [[UInt8]] = []
            var size = 0
            var next = 0
            let straddlingEnd = edge - before + 8
            while straddlingEnd - size > 60_000 {
                members.append(lines(next..<next + 500, "p"))
                next += 500
                size += StoredGzip.size(of: members.last!.count)
            }
            // One stored block: its member's size is its bytes + 23.
            var straddling = lines(next..<next + 10, "p")
            next += 10
            straddling += Array(repeating: 0x20, count: straddlingEnd - size - 23 - straddling.count - 1) + [0x0A]
            members.append(straddling)
            XCTAssertEqual(size + StoredGzip.size(of: straddling.count), straddlingEnd)
            members.append(lines(0..<3, "after"))
            let ids = (0..<next).map { "p\($0)" } + ["after0", "after1", "after2"]
            try checkTrailers(members, damaged: [members.count - 2], scans: [(1, 4 << 20), (2, 64 << 10)],
                              expected: ids, pack: StoredGzip.member)
        }
    }

    func testOversizedLineIsChecked() throws {
        var text = Array((scanEvent("a") + "\n").utf8)
        // Long enough to outlast the read that passes the limit (up to 64 MiB more), so that the
        // reader drops bytes of it.
        text += Array(repeating: UInt8(ascii: "x"), count: 2 * DumpLimits.maxEventBytes + 3_000_000)
        text += Array(("\n" + scanEvent("b") + "\n").utf8)
        let packed = Array(try gzip(Data(text), level: 1))
        var options = ScanOptions(skipInvalid: true)
        options.chunkSize = 1 << 20
        let visitor = RecordingVisitor()
        _ = try DumpScanner.scan(files: DumpFiles.list(dumpRoot: makeScanDump(["events/a.ndjson.gz": Data(packed)])),
                                 visitors: [visitor], options: options)
        XCTAssertEqual(visitor.seen.map(\.id), ["a", "b"])
        // The line's bytes are dropped unparsed, yet their CRC counts: a wrong one is found.
        var bad = packed
        bad[bad.count - 8] ^= 1
        XCTAssertThrowsError(try DumpScanner.scan(files: DumpFiles.list(dumpRoot: makeScanDump(["events/a.ndjson.gz": Data(bad)])),
                                                  visitors: [RecordingVisitor()], options: options)) { error in
            XCTAssertEqual((error as? DumpError)?.detail, "Malformed gzip stream in events/a.ndjson.gz: incorrect data check")
        }
    }

    /// An oversized `.json` element is dropped as it is read, and the bytes after a break in the
    /// array are read only for the gzip stream's sake: their CRC counts all the same.
    func testArrayBytesTheReaderDropsAreChecked() throws {
        let big = "{\"id\":\"big\",\"timestamp\":0,\"pad\":\"" + String(repeating: "x", count: 2 * DumpLimits.maxEventBytes + 3_000_000) + "\"}"
        let broken = "[" + scanEvent("a") + "] trailing garbage, then more: " + String(repeating: "[1, 2] ", count: 400_000)
        let cases: [(text: String, ids: [String]?)] = [("[" + scanEvent("a") + ",\n" + big + ",\n" + scanEvent("b") + "]", ["a", "b"]),
                                                      (broken, nil)]
        for (text, expected) in cases {
            var packed = Array(try gzip(Data(text.utf8), level: 1))
            var options = ScanOptions(skipInvalid: true)
            options.chunkSize = 1 << 20
            let root = try makeScanDump(["events/a.json.gz": Data(packed)])
            let visitor = RecordingVisitor()
            do {
                _ = try DumpScanner.scan(files: DumpFiles.list(dumpRoot: root), visitors: [visitor], options: options)
                XCTAssertEqual(visitor.seen.map(\.id), expected)
            } catch let error as DumpError {
                XCTAssertNil(expected, "\(error)")
                XCTAssertTrue(error.detail.contains("unexpected data after the array"), error.detail)
            }
            packed[packed.count - 8] ^= 1
            XCTAssertThrowsError(try DumpScanner.scan(files: DumpFiles.list(dumpRoot: makeScanDump(["events/a.json.gz": Data(packed)])),
                                                      visitors: [RecordingVisitor()], options: options)) { error in
                XCTAssertEqual((error as? DumpError)?.detail, "Malformed gzip stream in events/a.json.gz: incorrect data check")
            }
        }
    }

    /// A wrong CRC outranks a malformed event of the same file, found before it: the scanning
    /// threads stop parsing at the event, but take every chunk's CRC (NDJSON and `.json`).
    func testWrongCRCOutranksAnEarlierMalformedEvent() throws {
        let events = (1..<3000).map { scanEvent("e\($0)") }
        let files = [
            "events/a.ndjson.gz": [scanEvent("e0"), "not json"] + events,
            "events/a.json.gz": ["[" + scanEvent("e0"), ",{\"id\":5}"] + events.map { "," + $0 } + ["]"],
        ]
        for (name, lines) in files {
            var packed = Array(try gzip(Data(lines.joined(separator: "\n").utf8), level: 6))
            packed[packed.count - 6] ^= 1
            for skipInvalid in [false, true] {
                XCTAssertEqual(reason(try outcome(makeScanDump([name: Data(packed)]), skipInvalid: skipInvalid), file: name),
                               "incorrect data check", name)
            }
        }
    }

    func testLastBytesKeepsTheLastEight() {
        var random = SeededRandom(seed: 9)
        for _ in 0..<500 {
            var all: [UInt8] = []
            var last = LastBytes()
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let piece = (0..<Int.random(in: 0...12, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                all += piece
                piece.withUnsafeBufferPointer { last.append($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
            }
            let tail = Array(repeating: 0, count: max(0, 8 - all.count)) + all.suffix(8)
            XCTAssertEqual(last.bytes, tail.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }, "\(all)")
        }
    }
}

/// Gzip members of stored (uncompressed) deflate blocks, built here byte by byte, with a CRC-32
/// of their own: a writer other than zlib, whose sizes are exact.
enum StoredGzip {
    private static let blockBytes = 65_535

    /// The size of the member holding `count` bytes: header, a 5-byte head per block, trailer.
    static func size(of count: Int) -> Int { 10 + 5 * max(1, (count + blockBytes - 1) / blockBytes) + count + 8 }

    static func member(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        var start = 0
        repeat {
            let count = min(blockBytes, data.count - start)
            let final: UInt8 = start + count == data.count ? 1 : 0
            out += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[start..<start + count]
            start += count
        } while start < data.count
        for word in [crc32(data), UInt32(truncatingIfNeeded: data.count)] {
            out += (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
        }
        return out
    }

    /// CRC-32 (ISO-HDLC, as gzip uses), a byte at a time through the usual table.
    private static func crc32(_ data: [UInt8]) -> UInt32 {
        data.reduce(~UInt32(0)) { crc, byte in table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ crc >> 8 } ^ ~0
    }

    private static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { crc, _ in crc & 1 == 1 ? crc >> 1 ^ 0xEDB8_8320 : crc >> 1 }
    }
}
