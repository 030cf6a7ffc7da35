import Foundation
import StepExportTestSupport
import XCTest
@testable import ZipArchive

final class ZipReaderTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory(self).path
    }


    private func save(_ bytes: [UInt8], _ name: String = "t.zip") throws -> String {
        let path = dir + "/" + name
        try ReaderTestSupport.write(bytes, to: path)
        return path
    }

    /// Asserts that opening or fully reading the archive throws a `ZipReaderError` whose text
    /// contains `fragment`.
    private func assertZipError(_ path: String, contains fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let z = try ZipReader(path: path)
            for e in z.entries { try z.forEachChunk(e) { _ in } }
            XCTFail("no error, expected one containing \"\(fragment)\"", file: file, line: line)
        } catch let e as ZipReaderError {
            XCTAssertTrue(e.description.contains(fragment), "\"\(e.description)\" lacks \"\(fragment)\"", file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix(path), "error does not name the file: \(e)", file: file, line: line)
        } catch {
            XCTFail("unexpected error type \(type(of: error)): \(error)", file: file, line: line)
        }
    }

    // MARK: Good archives

    func testReadsStoredAndDeflatedEntries() throws {
        let text = Array(String(repeating: "hello, zip reader! ", count: 500).utf8)
        let raw = try ReaderTestZip.rawDeflate(text, in: dir)
        let binary = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let zip = ReaderTestZip(entries: [
            .init("a.txt", deflated: text, raw: raw),
            .init("dir/b.bin", binary),
            .init("empty", []),
            .init("stored-deflate", deflated: binary, raw: ReaderTestZip.storedDeflate(binary)),
        ], comment: Array("a comment".utf8))
        let path = try save(zip.bytes())
        let z = try ZipReader(path: path)
        XCTAssertEqual(z.entries.map(\.name), ["a.txt", "dir/b.bin", "empty", "stored-deflate"])
        XCTAssertFalse(z.isZip64)
        XCTAssertEqual(try z.data(named: "a.txt"), text)
        XCTAssertEqual(try z.data(named: "dir/b.bin"), binary)
        XCTAssertEqual(try z.data(named: "empty"), [])
        XCTAssertEqual(try z.data(named: "stored-deflate"), binary)
        XCTAssertEqual(z.entry(named: "a.txt")?.method, 8)
        XCTAssertEqual(z.entry(named: "a.txt")?.uncompressedSize, UInt64(text.count))
        XCTAssertNil(z.entry(named: "missing"))
        XCTAssertThrowsError(try z.data(named: "missing")) { e in
            XCTAssertTrue("\(e)".contains("missing from the archive"), "\(e)")
        }
        // Streaming hands over bounded chunks that add up to the entry.
        var total = 0, biggest = 0
        try z.forEachChunk(z.entry(named: "a.txt")!) { total += $0.count; biggest = max(biggest, $0.count) }
        XCTAssertEqual(total, text.count)
        XCTAssertLessThanOrEqual(biggest, 256 * 1024)
        // Pull reading with a tiny buffer.
        let r = try z.openEntry(z.entry(named: "a.txt")!)
        var pulled: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 7)
        while true {
            let n = try buf.withUnsafeMutableBytes { try r.read(into: $0) }
            if n == 0 { break }
            pulled += buf[0..<n]
        }
        XCTAssertEqual(pulled, text)
        XCTAssertEqual(try buf.withUnsafeMutableBytes { try r.read(into: $0) }, 0, "stays at the end")
    }

    func testReadsPythonZipfileArchivesIncludingZip64() throws {
        let path = try ReaderTestSupport.makeFixture("zip64", in: dir)
        let z = try ZipReader(path: path)
        XCTAssertTrue(z.isZip64)
        XCTAssertEqual(z.entries.map(\.name), ["a.txt", "b.bin"])
        XCTAssertEqual(try z.data(named: "a.txt"), Array(String(repeating: "hello zip64 ", count: 100).utf8))
        XCTAssertEqual(try z.data(named: "b.bin"), Array(repeating: (0...255).map { UInt8($0) }, count: 4).flatMap { $0 })
    }

    func testStreamsALargeHighRatioEntryWithBoundedChunks() throws {
        // 64 MiB of zeros deflate to ~64 KiB (ratio ~1000:1, legitimate): streamed, never held whole.
        let size = 64 << 20
        let (raw, crc) = try ReaderTestZip.rawDeflate([], in: dir, zeros: size)
        var entry = ReaderTestZip.Entry("zeros", deflated: [], raw: raw)
        entry.crc = crc
        entry.uncompressedSize = UInt32(size)
        let path = try save(ReaderTestZip(entries: [entry]).bytes())
        let z = try ZipReader(path: path)
        var total = 0, chunks = 0
        try z.forEachChunk(z.entries[0]) { chunk in
            total += chunk.count
            chunks += 1
            XCTAssertLessThanOrEqual(chunk.count, 256 * 1024)
        }
        XCTAssertEqual(total, size)
        XCTAssertGreaterThanOrEqual(chunks, size / (256 * 1024))
        XCTAssertThrowsError(try z.data(of: z.entries[0], maxSize: 1 << 20)) { e in
            XCTAssertTrue("\(e)".contains("limit for reading it whole"), "\(e)")
        }
    }

    // MARK: Damaged and hostile archives

    func testNotAZipEmptyMissingAndDirectory() throws {
        assertZipError(try save([], "empty.zip"), contains: "empty file")
        assertZipError(try save(Array("just some text, not a zip at all".utf8), "text.zip"),
                       contains: "no end of central directory record")
        assertZipError(dir + "/does-not-exist.zip", contains: "cannot open")
        assertZipError(dir, contains: "not a regular file")
    }

    func testEveryTruncationIsAnError() throws {
        let text = Array(String(repeating: "truncate me ", count: 50).utf8)
        let zip = ReaderTestZip(entries: [
            .init("a.txt", deflated: text, raw: try ReaderTestZip.rawDeflate(text, in: dir)),
            .init("b.txt", Array("bee".utf8)),
        ]).bytes()
        for n in 0..<zip.count {
            let path = try save(Array(zip[0..<n]), "cut.zip")
            XCTAssertThrowsError(try {
                let z = try ZipReader(path: path)
                for e in z.entries { try z.forEachChunk(e) { _ in } }
            }(), "prefix of \(n) bytes") { e in
                XCTAssertTrue(e is ZipReaderError, "\(e)")
            }
        }
    }

    func testBadCRC() throws {
        var e = ReaderTestZip.Entry("x.txt", Array("payload".utf8))
        e.crc = 0xDEAD_BEEF
        assertZipError(try save(ReaderTestZip(entries: [e]).bytes()), contains: "zip entry x.txt: CRC-32 mismatch")
        // A flipped data byte, deflated entry.
        let text = Array(String(repeating: "some text to deflate. ", count: 40).utf8)
        var raw = try ReaderTestZip.rawDeflate(text, in: dir)
        raw[raw.count / 2] ^= 0x10
        assertZipError(try save(ReaderTestZip(entries: [.init("d.txt", deflated: text, raw: raw)]).bytes()),
                       contains: "zip entry d.txt")
    }

    func testCorruptDeflateStream() throws {
        // Block type 3 is reserved: inflate reports invalid block type.
        let e = ReaderTestZip.Entry("bad", deflated: Array("hello".utf8), raw: [0x07, 0x00, 0x00, 0x00])
        assertZipError(try save(ReaderTestZip(entries: [e]).bytes()), contains: "corrupt deflate data (invalid block type)")
        // Stream cut short: a stored block announcing more bytes than there are.
        var cut = ReaderTestZip.storedDeflate(Array(repeating: 0x41, count: 100))
        cut.removeLast(50)
        var e2 = ReaderTestZip.Entry("short", deflated: [], raw: cut)
        e2.uncompressedSize = 100
        assertZipError(try save(ReaderTestZip(entries: [e2]).bytes()), contains: "truncated")
        // The deflate stream ends before the declared compressed size.
        var padded = ReaderTestZip.storedDeflate(Array("abc".utf8))
        padded += [0, 0, 0, 0]
        let e3 = ReaderTestZip.Entry("padded", deflated: Array("abc".utf8), raw: padded)
        assertZipError(try save(ReaderTestZip(entries: [e3]).bytes()), contains: "ends 4 bytes before the declared compressed size")
    }

    func testLyingSizes() throws {
        let text = Array(String(repeating: "0123456789", count: 100).utf8)
        let raw = try ReaderTestZip.rawDeflate(text, in: dir)
        // Declared smaller than what inflates: refused as soon as the output passes it.
        var small = ReaderTestZip.Entry("small", deflated: text, raw: raw)
        small.uncompressedSize = 10
        assertZipError(try save(ReaderTestZip(entries: [small]).bytes()), contains: "inflates to more than its declared size of 10 bytes")
        // Declared larger.
        var large = ReaderTestZip.Entry("large", deflated: text, raw: raw)
        large.uncompressedSize = 5000
        assertZipError(try save(ReaderTestZip(entries: [large]).bytes()), contains: "has 1000 bytes, but its declared size is 5000")
        // Stored with different sizes.
        var stored = ReaderTestZip.Entry("stored", text)
        stored.uncompressedSize = 999
        assertZipError(try save(ReaderTestZip(entries: [stored]).bytes()), contains: "is stored but its compressed size (1000) differs from its size (999)")
        // Compressed size past the central directory.
        var past = ReaderTestZip.Entry("past", Array("abc".utf8))
        past.compressedSize = 100_000
        past.uncompressedSize = 100_000
        assertZipError(try save(ReaderTestZip(entries: [past]).bytes()), contains: "runs past the entry data area")
    }

    func testBombLikeDeclarations() throws {
        // A ratio no deflate stream can reach.
        var e = ReaderTestZip.Entry("bomb", deflated: [], raw: [0x03, 0x00])
        e.uncompressedSize = 3_000_000
        assertZipError(try save(ReaderTestZip(entries: [e]).bytes()), contains: "a ratio no deflate stream can reach")
        // Over the entry size limit (with a lowered limit; the default is 4 GiB).
        var limits = ZipReader.Limits()
        limits.maxEntrySize = 1000
        let path = try save(ReaderTestZip(entries: [.init("big", [UInt8](repeating: 1, count: 1001))]).bytes())
        XCTAssertThrowsError(try ZipReader(path: path, limits: limits)) { err in
            XCTAssertTrue("\(err)".contains("declares 1001 bytes uncompressed, over the limit of 1000"), "\(err)")
        }
        XCTAssertEqual(ZipReader.Limits().maxEntrySize, 4 << 30)
        // A real high-ratio stream whose declared size lies: stops at the declared size.
        var lie = ReaderTestZip.Entry("zeros", deflated: [], raw: try ReaderTestZip.rawDeflate([], in: dir, zeros: 8 << 20).raw)
        lie.uncompressedSize = 1 << 20
        lie.crc = 0
        let lyingPath = try save(ReaderTestZip(entries: [lie]).bytes())
        let z = try ZipReader(path: lyingPath)
        var seen = 0
        XCTAssertThrowsError(try z.forEachChunk(z.entries[0]) { seen += $0.count }) { err in
            XCTAssertTrue("\(err)".contains("inflates to more than its declared size"), "\(err)")
        }
        XCTAssertLessThanOrEqual(seen, 1 << 20)
        // Too many entries for the limit.
        var few = ZipReader.Limits()
        few.maxEntries = 2
        let many = try save(ReaderTestZip(entries: (0..<3).map { .init("f\($0)", [1]) }).bytes())
        XCTAssertThrowsError(try ZipReader(path: many, limits: few)) { err in
            XCTAssertTrue("\(err)".contains("lists 3 entries, over the limit of 2"), "\(err)")
        }
    }

    func testBadOffsetsAndOverlaps() throws {
        // Offset pointing into the middle of data.
        var a = ReaderTestZip.Entry("a", Array("aaaaaaaaaaaaaaaa".utf8))
        a.offsetOverride = 5
        assertZipError(try save(ReaderTestZip(entries: [a]).bytes()), contains: "no local file header at offset 5")
        // Offset past the data area.
        var b = ReaderTestZip.Entry("b", Array("bbb".utf8))
        b.offsetOverride = 0x7FFF_FFFF
        assertZipError(try save(ReaderTestZip(entries: [b]).bytes()), contains: "outside the entry data area")
        // Two central entries sharing one local header (names differ): caught by the name check.
        var c2 = ReaderTestZip.Entry("c2", Array("c".utf8))
        c2.offsetOverride = 0
        assertZipError(try save(ReaderTestZip(entries: [.init("c1", Array("c".utf8)), c2]).bytes()),
                       contains: "local header names it \"c1\"")
        // An entry whose data runs over the next entry's header (overlapping-entry bomb shape).
        var first = ReaderTestZip.Entry("first", Array("12345".utf8))
        first.compressedSize = 40
        first.uncompressedSize = 40
        assertZipError(try save(ReaderTestZip(entries: [first, .init("second", Array("67890".utf8))]).bytes()),
                       contains: "zip entry second: overlaps entry first")
    }

    func testDuplicateNamesEncryptionAndMethods() throws {
        let dup = try ReaderTestSupport.makeFixture("duplicate", in: dir)
        assertZipError(dup, contains: "zip entry x.txt: appears more than once")
        var enc = ReaderTestZip.Entry("secret", Array("x".utf8))
        enc.flags = 1
        assertZipError(try save(ReaderTestZip(entries: [enc]).bytes()), contains: "is encrypted")
        var bz = ReaderTestZip.Entry("bz", Array("x".utf8))
        bz.method = 12
        assertZipError(try save(ReaderTestZip(entries: [bz]).bytes()), contains: "compression method 12")
    }

    func testDamagedEndRecords() throws {
        let good = ReaderTestZip(entries: [.init("a", Array("abc".utf8)), .init("b", Array("de".utf8))]).bytes()
        let eocd = good.count - 22
        func patched(_ at: Int, _ bytes: [UInt8]) -> [UInt8] {
            var g = good
            for (i, b) in bytes.enumerated() { g[at + i] = b }
            return g
        }
        assertZipError(try save(patched(eocd + 8, [5, 0, 5, 0])), contains: "central directory of 94 bytes is too small for 5 entries")
        assertZipError(try save(patched(eocd + 10, [5, 0])), contains: "entry counts disagree")
        assertZipError(try save(patched(eocd + 16, [1, 0, 0, 0])), contains: "does not end where the end record begins")
        assertZipError(try save(patched(eocd + 4, [1, 0])), contains: "multi-disk")
        // A central header signature destroyed.
        let cd = Int(UInt32(good[eocd + 16]) | UInt32(good[eocd + 17]) << 8)
        assertZipError(try save(patched(cd, [0, 0, 0, 0])), contains: "central directory entry 0 is damaged")
        // Trailing garbage after the end record (comment length no longer matches).
        assertZipError(try save(good + [1, 2, 3]), contains: "no end of central directory record")
    }

    func testRandomDamageNeverCrashes() throws {
        // Flip bytes of a valid archive at pseudo-random places: every outcome is a clean result
        // or a ZipReaderError.
        let text = Array(String(repeating: "random damage test line\n", count: 200).utf8)
        let good = ReaderTestZip(entries: [
            .init("a.txt", deflated: text, raw: try ReaderTestZip.rawDeflate(text, in: dir)),
            .init("b.txt", Array("plain stored".utf8)),
        ]).bytes()
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var errors = 0
        for round in 0..<400 {
            var bytes = good
            for _ in 0..<(1 + round % 4) {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17
                let at = Int(x % UInt64(bytes.count))
                bytes[at] ^= UInt8(truncatingIfNeeded: x >> 32) | 1
            }
            let path = try save(bytes, "fuzz.zip")
            do {
                let z = try ZipReader(path: path)
                for e in z.entries { _ = try z.data(of: e) }
            } catch is ZipReaderError {
                errors += 1
            }
        }
        XCTAssertGreaterThan(errors, 100)
    }
}
