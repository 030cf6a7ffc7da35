import Bytes
import Foundation
import StepExportTestSupport
import XCTest
@testable import ZipArchive

final class ZipWriterTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory(self).path
    }


    /// Text that deflate shrinks, several chunks long when `lines` is large.
    private func text(lines: Int, tag: String = "") -> [UInt8] {
        var s = ""
        for i in 0..<lines { s += "<row r=\"\(i)\"><c t=\"s\"><v>\(i % 97)</v></c>\(tag)</row>\n" }
        return Array(s.utf8)
    }

    /// Builds a test archive: small deflated, small stored (noise), empty, and a streamed entry
    /// with a prefix given at the end.
    private func buildArchive(forceZip64: Bool = false, threads: Int = 0, chunkSize: Int = 64 * 1024,
                              streamed: [UInt8], prefix: [UInt8]) throws -> [UInt8] {
        let sink = MemorySink()
        var options = ZipWriterOptions(temporaryDirectory: dir)
        options.forceZip64 = forceZip64
        options.threads = threads
        options.chunkSize = chunkSize
        let zip = ZipWriter(sink: sink, options: options)
        let entry = try zip.beginStreamingEntry(name: "big/streamed.xml")
        // Feed it in uneven pieces, half through `buffer`, half through `write`.
        var at = 0
        var step = 1
        while at < streamed.count {
            let n = min(step, streamed.count - at)
            try streamed.withUnsafeBytes { raw in
                let piece = UnsafeRawBufferPointer(rebasing: raw[at..<at + n])
                if step % 2 == 0 {
                    entry.buffer.append(piece)
                    try entry.didAppend()
                } else {
                    try entry.write(piece)
                }
            }
            at += n
            step = step * 3 % 70_001 + 1
        }
        try prefix.withUnsafeBytes { try entry.close(prepending: $0) }
        try zip.addEntry(name: "a.txt", bytes: text(lines: 50))
        try zip.addEntry(name: "noise.bin", bytes: XLSXTestSupport.noise(3000))
        try zip.addEntry(name: "empty", bytes: [])
        try zip.addEntry(entry)
        let size = try zip.finish()
        XCTAssertEqual(Int64(sink.bytes.count), size)
        return sink.bytes
    }

    private func checkWithTools(_ path: String, expected: [String: [UInt8]]) throws {
        try ReaderTestSupport.checkWithUnzip(path)
        let listing = try XLSXTestSupport.python(XLSXTestSupport.pythonZipCheck, [path])
        let lines = listing.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, expected.count, listing)
        for line in lines {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(f[2], "1980,1,1,0,0,0", line)
            XCTAssertEqual(Int(f[3]), expected[f[0]]?.count, line)
        }
        // Contents, byte for byte: the expected bytes go to files, one Python run compares.
        var arguments = [path]
        for (i, (name, data)) in expected.sorted(by: { $0.key < $1.key }).enumerated() {
            arguments += [name, try XLSXTestSupport.save(data, in: dir, name: "expected\(i).bin")]
        }
        let compared = try XLSXTestSupport.python("""
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            a = sys.argv[2:]
            for name, path in zip(a[0::2], a[1::2]):
                print(name, 'same' if z.read(name) == open(path, 'rb').read() else 'DIFFERENT')
            """, arguments)
        XCTAssertEqual(compared.components(separatedBy: "DIFFERENT").count, 1, compared)
        XCTAssertEqual(compared.components(separatedBy: " same").count, expected.count + 1, compared)
    }

    private func expectedEntries(streamed: [UInt8], prefix: [UInt8]) -> [String: [UInt8]] {
        ["a.txt": text(lines: 50), "noise.bin": XLSXTestSupport.noise(3000), "empty": [],
         "big/streamed.xml": prefix + streamed]
    }

    func testArchiveReadsBackWithUnzipAndPython() throws {
        let streamed = text(lines: 20_000, tag: "<x/>")
        let prefix = Array("<?xml version=\"1.0\"?><head dimension=\"A1:B2\"/>".utf8)
        let bytes = try buildArchive(streamed: streamed, prefix: prefix)
        let path = try XLSXTestSupport.save(bytes, in: dir, name: "t.zip")
        try checkWithTools(path, expected: expectedEntries(streamed: streamed, prefix: prefix))
        // Methods: deflated where it helps, stored where not.
        let listing = try XLSXTestSupport.python(XLSXTestSupport.pythonZipCheck, [path])
        XCTAssertTrue(listing.contains("a.txt|8|"), listing)
        XCTAssertTrue(listing.contains("noise.bin|0|"), listing)
        XCTAssertTrue(listing.contains("empty|0|"), listing)
        XCTAssertTrue(listing.contains("big/streamed.xml|8|"), listing)
        // No zip64 record anywhere when nothing needs it.
        XCTAssertFalse(containsSignature(bytes, 0x0606_4B50))
        XCTAssertFalse(containsSignature(bytes, 0x0706_4B50))
    }

    func testForcedZip64ReadsBack() throws {
        let streamed = text(lines: 3000)
        let prefix = Array("prefix".utf8)
        let bytes = try buildArchive(forceZip64: true, streamed: streamed, prefix: prefix)
        let path = try XLSXTestSupport.save(bytes, in: dir, name: "t64.zip")
        try checkWithTools(path, expected: expectedEntries(streamed: streamed, prefix: prefix))
        XCTAssertTrue(containsSignature(bytes, 0x0606_4B50))
        XCTAssertTrue(containsSignature(bytes, 0x0706_4B50))
        // Every local header needs version 4.5 and carries a zip64 extra field.
        var at = 0
        var locals = 0
        while at + 30 <= bytes.count, le32(bytes, at) == 0x0403_4B50 {
            XCTAssertEqual(le16(bytes, at + 4), 45)
            XCTAssertEqual(le32(bytes, at + 18), 0xFFFF_FFFF)
            let nameLength = Int(le16(bytes, at + 26))
            let extraLength = Int(le16(bytes, at + 28))
            XCTAssertEqual(extraLength, 20)
            XCTAssertEqual(le16(bytes, at + 30 + nameLength), 1)
            let compressed = Int(le32(bytes, at + 30 + nameLength + 12))
            at += 30 + nameLength + extraLength + compressed
            locals += 1
        }
        XCTAssertEqual(locals, 4)
    }

    /// With the zip64 limits lowered, zip64 fields appear exactly where a size, an offset or the
    /// count reaches them — the rules that apply at 4 GiB / 65,535 entries, on a small archive.
    func testZip64OnlyWhereNeeded() throws {
        let sink = MemorySink()
        var options = ZipWriterOptions(temporaryDirectory: dir)
        options.zip64Limit = 2000
        options.zip64CountLimit = 3
        let zip = ZipWriter(sink: sink, options: options)
        let small = Array("small".utf8)
        let big = text(lines: 200)                    // > 2000 bytes, compresses below 2000
        let noise = XLSXTestSupport.noise(2500)       // stored: both sizes ≥ 2000
        try zip.addEntry(name: "1-small", bytes: small)  // offset 0: nothing needed
        try zip.addEntry(name: "2-big", bytes: big)      // uncompressed size needs it
        try zip.addEntry(name: "3-noise", bytes: noise)  // both sizes
        try zip.addEntry(name: "4-late", bytes: small)   // its offset is past the limit
        try zip.finish()
        let bytes = sink.bytes
        // Local headers: zip64 extra only for the entries whose sizes reach the limit.
        var at = 0
        var localExtras: [Int] = []
        while at + 30 <= bytes.count, le32(bytes, at) == 0x0403_4B50 {
            let nameLength = Int(le16(bytes, at + 26))
            let extraLength = Int(le16(bytes, at + 28))
            localExtras.append(extraLength)
            var compressed = Int(le32(bytes, at + 18))
            if extraLength > 0 {
                XCTAssertEqual(le16(bytes, at + 4), 45)
                compressed = Int(le32(bytes, at + 30 + nameLength + 12))
            } else {
                XCTAssertEqual(le16(bytes, at + 4), 20)
            }
            at += 30 + nameLength + extraLength + compressed
        }
        XCTAssertEqual(localExtras, [0, 20, 20, 0])
        // Central directory: extras hold just the fields that overflowed.
        var centralExtras: [Int] = []
        while le32(bytes, at) == 0x0201_4B50 {
            let nameLength = Int(le16(bytes, at + 28))
            let extraLength = Int(le16(bytes, at + 30))
            centralExtras.append(extraLength)
            at += 46 + nameLength + extraLength
        }
        XCTAssertEqual(centralExtras, [0, 4 + 8, 4 + 16, 4 + 8])
        XCTAssertTrue(containsSignature(bytes, 0x0606_4B50), "count and offsets need the zip64 end")
        let path = try XLSXTestSupport.save(bytes, in: dir, name: "mixed.zip")
        try checkWithTools(path, expected: ["1-small": small, "2-big": big, "3-noise": noise, "4-late": small])
    }

    func testLocalHeadersAreDatedAndSized() throws {
        let streamed = text(lines: 100)
        let bytes = try buildArchive(streamed: streamed, prefix: [])
        var at = 0
        var names: [String] = []
        while at + 30 <= bytes.count, le32(bytes, at) == 0x0403_4B50 {
            XCTAssertEqual(le16(bytes, at + 6), 0, "flags: no data descriptor")
            XCTAssertEqual(le16(bytes, at + 10), 0, "time 00:00")
            XCTAssertEqual(le16(bytes, at + 12), 0x0021, "date 1980-01-01")
            let nameLength = Int(le16(bytes, at + 26))
            names.append(String(decoding: bytes[at + 30..<at + 30 + nameLength], as: UTF8.self))
            XCTAssertEqual(le16(bytes, at + 28), 0, "no extra field")
            at += 30 + nameLength + Int(le32(bytes, at + 18))
        }
        XCTAssertEqual(names, ["a.txt", "noise.bin", "empty", "big/streamed.xml"])
        XCTAssertEqual(le32(bytes, at), 0x0201_4B50, "central directory follows the last entry")
    }

    func testSameBytesWhateverTheThreadCount() throws {
        let streamed = text(lines: 40_000, tag: "<more text=\"to compress\"/>")
        let prefix = Array("head".utf8)
        let one = try buildArchive(threads: 0, streamed: streamed, prefix: prefix)
        let again = try buildArchive(threads: 0, streamed: streamed, prefix: prefix)
        let single = try buildArchive(threads: 1, streamed: streamed, prefix: prefix)
        XCTAssertEqual(one, single)
        let three = try buildArchive(threads: 3, streamed: streamed, prefix: prefix)
        let eight = try buildArchive(threads: 8, streamed: streamed, prefix: prefix)
        XCTAssertEqual(one, again)
        XCTAssertEqual(one, three)
        XCTAssertEqual(one, eight)
        let path = try XLSXTestSupport.save(three, in: dir, name: "threads.zip")
        try checkWithTools(path, expected: expectedEntries(streamed: streamed, prefix: prefix))
    }

    func testIncompressibleStreamedEntryIsStored() throws {
        let streamed = XLSXTestSupport.noise(300_000, seed: 42)
        let prefix = XLSXTestSupport.noise(100, seed: 7)
        let bytes = try buildArchive(threads: 2, streamed: streamed, prefix: prefix)
        let path = try XLSXTestSupport.save(bytes, in: dir, name: "stored.zip")
        try checkWithTools(path, expected: expectedEntries(streamed: streamed, prefix: prefix))
        let listing = try XLSXTestSupport.python(XLSXTestSupport.pythonZipCheck, [path])
        XCTAssertTrue(listing.contains("big/streamed.xml|0|"), listing)
    }

    func testChunkBoundariesAndEmptyStreams() throws {
        // Exact multiples of the chunk size, one byte either side, and nothing at all.
        for count in [0, 1, 65_535, 65_536, 65_537, 131_072] {
            let streamed = Array(text(lines: 3000).prefix(count))
            for prefix in [[], [UInt8(0x41)]] as [[UInt8]] {
                let bytes = try buildArchive(streamed: streamed, prefix: prefix)
                let path = try XLSXTestSupport.save(bytes, in: dir, name: "b\(count).zip")
                try checkWithTools(path, expected: expectedEntries(streamed: streamed, prefix: prefix))
            }
        }
    }

    func testSpoolFilesLeaveNothingBehind() throws {
        let sink = MemorySink()
        let zip = ZipWriter(sink: sink, options: ZipWriterOptions(temporaryDirectory: dir))
        let entry = try zip.beginStreamingEntry(name: "s")
        try text(lines: 1000).withUnsafeBytes { try entry.write($0) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
        try entry.close()
        try zip.addEntry(entry)
        let abandoned = try zip.beginStreamingEntry(name: "t")
        try text(lines: 10).withUnsafeBytes { try abandoned.write($0) }
        abandoned.discard()
        try zip.finish()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testMisuseIsAnError() throws {
        let zip = ZipWriter(sink: MemorySink(), options: ZipWriterOptions(temporaryDirectory: dir))
        try zip.addEntry(name: "a", bytes: [1])
        XCTAssertThrowsError(try zip.addEntry(name: "a", bytes: [2]))
        let entry = try zip.beginStreamingEntry(name: "b")
        XCTAssertThrowsError(try zip.addEntry(entry), "not closed yet")
        XCTAssertThrowsError(try zip.beginStreamingEntry(name: "c"), "one open at a time")
        try entry.close()
        XCTAssertThrowsError(try entry.close())
        try zip.addEntry(entry)
        XCTAssertThrowsError(try zip.addEntry(entry), "added twice")
        try zip.finish()
        XCTAssertThrowsError(try zip.addEntry(name: "d", bytes: []))
        XCTAssertThrowsError(try ZipWriter(sink: MemorySink(),
                                           options: ZipWriterOptions(temporaryDirectory: dir + "/missing"))
                                .beginStreamingEntry(name: "x"))
    }

    func testCRCCombineMatchesWholeCRC() {
        let a = text(lines: 10)
        let b = XLSXTestSupport.noise(1000)
        let whole = (a + b).withUnsafeBytes { ZipWriterCRC.update(0, $0) }
        let ca = a.withUnsafeBytes { ZipWriterCRC.update(0, $0) }
        let cb = b.withUnsafeBytes { ZipWriterCRC.update(0, $0) }
        XCTAssertEqual(ZipWriterCRC.combine(ca, cb, Int64(b.count)), whole)
        XCTAssertEqual(Array("123456789".utf8).withUnsafeBytes { ZipWriterCRC.update(0, $0) }, 0xCBF4_3926)
    }

    // MARK: Little-endian reads

    private func le16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    private func le32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
    private func containsSignature(_ b: [UInt8], _ sig: UInt32) -> Bool {
        guard b.count >= 4 else { return false }
        for i in 0...(b.count - 4) where le32(b, i) == sig { return true }
        return false
    }
}
