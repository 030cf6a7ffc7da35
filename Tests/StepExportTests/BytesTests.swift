import Bytes
import Foundation
import StepExportTestSupport
import XCTest

/// The `Bytes` module: the reused buffer, the interning table, UUID text and the file sink.
final class BytesTests: XCTestCase {
    func testBufferAppendsEveryKindAndGrowsKeepingTheBytes() {
        let b = ByteBuffer(capacity: 1) // the minimum capacity, so every append below grows it
        var expected: [UInt8] = []
        var random = SeededRandom(seed: 7)
        for round in 0..<2_000 {
            switch round % 5 {
            case 0:
                let byte = UInt8.random(in: 0...255, using: &random)
                b.append(byte); expected.append(byte)
            case 1:
                let bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                b.append(bytes); expected += bytes
            case 2:
                b.append("é\"x" as StaticString); expected += Array("é\"x".utf8)
            case 3:
                let value = Int.random(in: Int.min...Int.max, using: &random)
                b.appendDecimal(value); expected += Array(String(value).utf8)
            default:
                let n = Int.random(in: 0...64, using: &random)
                let p = b.reserve(n)
                for k in 0..<n { p[k] = UInt8(truncatingIfNeeded: k); expected.append(UInt8(truncatingIfNeeded: k)) }
                b.commit(n)
            }
            XCTAssertGreaterThanOrEqual(b.capacity, b.count)
        }
        XCTAssertEqual(b.bytes, expected)
        b.appendDecimal(Int.min)
        XCTAssertEqual(Array(b.bytes.suffix(20)), Array(String(Int.min).utf8))
    }

    func testBufferRemoveFirstTruncateAndRemoveAll() {
        let b = ByteBuffer(capacity: 16)
        b.append(Array("0123456789".utf8))
        b.removeFirst(3)
        XCTAssertEqual(String(decoding: b.bytes, as: UTF8.self), "3456789")
        b.removeFirst(7)
        XCTAssertTrue(b.isEmpty)
        b.append("abcdef" as StaticString)
        b.truncate(to: 2)
        XCTAssertEqual(String(decoding: b.bytes, as: UTF8.self), "ab")
        let capacity = b.capacity
        b.removeAll()
        XCTAssertEqual(b.count, 0)
        XCTAssertEqual(b.capacity, capacity, "removeAll keeps the memory")
    }

    /// Against a dictionary: dense ids in first-seen order, each string once, across rehashes,
    /// with strings that share prefixes, differ only in length, or are empty.
    func testTableAgreesWithADictionary() {
        let table = ByteStringTable(expectedCount: 1)
        var ids: [[UInt8]: Int32] = [:]
        var random = SeededRandom(seed: 11)
        let alphabet: [UInt8] = [0, 0x61, 0x62, 0xff]
        for _ in 0..<20_000 {
            let key = (0..<Int.random(in: 0...19, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let known = ids[key]
            let found = key.withUnsafeBytes { table.find($0) }
            XCTAssertEqual(found, known)
            let id = key.withUnsafeBytes { table.intern($0) }
            if let known { XCTAssertEqual(id, known) } else {
                XCTAssertEqual(Int(id), ids.count, "ids are dense, in first-seen order")
                ids[key] = id
            }
        }
        XCTAssertEqual(table.count, ids.count)
        for (key, id) in ids { XCTAssertEqual(Array(table.bytes(id)), key) }
        XCTAssertEqual(table.intern("ab"), Array("ab".utf8).withUnsafeBytes { table.intern($0) })
    }

    func testHashDependsOnEveryByteAndTheLength() {
        let base = Array("organization-0123456789".utf8)
        let h = base.withUnsafeBytes { ByteStringTable.hash($0) }
        for i in base.indices {
            var changed = base
            changed[i] ^= 1
            XCTAssertNotEqual(changed.withUnsafeBytes { ByteStringTable.hash($0) }, h, "byte \(i)")
        }
        XCTAssertNotEqual((base + [0]).withUnsafeBytes { ByteStringTable.hash($0) }, h)
    }

    func testUUIDText() {
        XCTAssertTrue(isUUID("7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21"))
        XCTAssertTrue(isUUID("7F3C2A10-5B4E-4C1D-9A8F-0E6D5C4B3A21"))
        for bad in ["", "7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a2", "7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a210",
                    "7f3c2a105b4e-4c1d-9a8f-0e6d5c4b3a21-", "7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a2g",
                    "{7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21}", "7f3c2a10_5b4e_4c1d_9a8f_0e6d5c4b3a21",
                    "７f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21"] {
            XCTAssertFalse(isUUID(bad), bad)
        }
    }

    /// The words are the UUID's 16 bytes, big-endian, whatever the case: checked against
    /// Foundation's parser on random UUIDs, spelled in both cases.
    func testUUIDValueIsTheUUIDsBytes() throws {
        for _ in 0..<1000 {
            let uuid = UUID()
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            for text in [uuid.uuidString, uuid.uuidString.lowercased()] {
                let value = try XCTUnwrap(uuidValue(text), text)
                XCTAssertEqual(value.0, high, text)
                XCTAssertEqual(value.1, low, text)
            }
        }
    }

    func testFileSinkWritesEverythingAndReportsTheFailure() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let path = folder.appendingPathComponent("out").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let sink = FileDescriptorSink(fd: fd, path: path)
        let chunk = [UInt8](repeating: 0x41, count: 3 << 20)
        for _ in 0..<4 { try chunk.withUnsafeBytes { try sink.write($0) } }
        close(fd)
        XCTAssertEqual(sink.bytesWritten, 12 << 20)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, 12 << 20)

        let full = open("/dev/full", O_WRONLY)
        guard full >= 0 else { throw XCTSkip("no /dev/full on this system") }
        defer { close(full) }
        let failing = FileDescriptorSink(fd: full, path: "/dev/full")
        XCTAssertThrowsError(try chunk.withUnsafeBytes { try failing.write($0) }) { error in
            XCTAssertEqual("\(error)", "Cannot write /dev/full: \(errnoDescription(ENOSPC))")
        }
    }

    /// A write longer than `WholeWrite.pieceBytes` goes out in pieces: every byte arrives at its
    /// place, whether written at an offset or at the file position, and around piece boundaries.
    func testWholeWriteWritesLongBuffersInPiecesEveryByteInPlace() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let piece = WholeWrite.pieceBytes
        var random = SystemRandomNumberGenerator()
        let source = (0..<(5 * piece + 777)).map { _ in UInt8.random(in: 0...255, using: &random) }
        for size in [1, piece - 1, piece, piece + 1, 3 * piece, source.count] {
            let path = folder.appendingPathComponent("whole-\(size)").path
            let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
            XCTAssertGreaterThanOrEqual(fd, 0)
            // At the position first, then the same bytes again after a gap of 4,321 zero bytes.
            let gap = 4321
            source.withUnsafeBytes { bytes in
                XCTAssertNil(WholeWrite.write(fd, bytes.baseAddress!, size))
                XCTAssertNil(WholeWrite.write(fd, bytes.baseAddress!, size, at: Int64(size + gap)))
            }
            close(fd)
            let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let expected = Array(source[..<size]) + [UInt8](repeating: 0, count: gap) + Array(source[..<size])
            XCTAssertEqual(written.count, expected.count, "size \(size)")
            XCTAssertTrue(written == expected, "size \(size): the bytes differ")
        }
    }

    /// Pieces gathered by the kernel (`pwritev`): empty ones, short ones, ones longer than
    /// `WholeWrite.pieceBytes` and more of them than one call takes, at an offset that is not a
    /// piece boundary: every byte arrives at its place, nothing more.
    func testGatheredWritesPutEveryPieceInPlace() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        var g = SeededRandom(seed: 41)
        let piece = WholeWrite.pieceBytes
        for round in 0..<6 {
            let count = round == 0 ? 0 : g.int(1...3_000)
            let pieces: [[UInt8]] = (0..<count).map { _ in
                let length = g.chance(0.1) ? 0 : g.chance(0.02) ? g.int(piece - 1...3 * piece + 1) : g.int(1...700)
                return (0..<length).map { _ in UInt8(g.int(0...255)) }
            }
            let offset = Int64(g.int(0...3 * piece))
            let path = folder.appendingPathComponent("gathered-\(round)").path
            let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
            XCTAssertGreaterThanOrEqual(fd, 0)
            let storage = pieces.map { bytes -> UnsafeMutableRawBufferPointer in
                let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
                bytes.withUnsafeBytes { p.copyMemory(from: $0) }
                return p
            }
            defer { storage.forEach { $0.deallocate() } }
            let vectors = zip(storage, pieces).map { iovec(iov_base: $0.baseAddress, iov_len: $1.count) }
            XCTAssertNil(WholeWrite.write(fd, gathering: vectors, at: offset))
            close(fd)
            let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            // Nothing written (no piece, or only empty ones) leaves the file empty.
            let data = Array(pieces.joined())
            let expected = data.isEmpty ? [] : [UInt8](repeating: 0, count: Int(offset)) + data
            XCTAssertEqual(written.count, expected.count, "round \(round)")
            XCTAssertTrue(written == expected, "round \(round): the bytes differ")
        }
    }

    /// Pieces of random sizes, in files of sizes around the chunk size and across several chunks,
    /// written past the page cache and through it: every byte arrives, in order, nothing more.
    func testDirectSinkWritesEveryByteInOrder() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let chunk = DirectFileSink.chunkBytes
        var random = SystemRandomNumberGenerator()
        let source = (0..<(7 * chunk + 5000)).map { _ in UInt8.random(in: 0...255, using: &random) }
        var sawDirect = false
        for tryDirect in [true, false] {
            for size in [0, 1, 4095, chunk - 1, chunk, chunk + 1, 3 * chunk + 12_345, source.count] {
                let path = folder.appendingPathComponent("out-\(tryDirect)-\(size)").path
                let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
                XCTAssertGreaterThanOrEqual(fd, 0)
                let sink = DirectFileSink(fd: fd, path: path, tryDirect: tryDirect)
                sawDirect = sawDirect || sink.writesDirect
                var at = 0
                while at < size {
                    let n = min(size - at, Int.random(in: 1...(3 * chunk / 2), using: &random))
                    try source.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[at..<(at + n)])) }
                    at += n
                }
                try sink.finish()
                close(fd)
                let written = try Data(contentsOf: URL(fileURLWithPath: path))
                XCTAssertEqual(written.count, size, "\(path)")
                XCTAssert(written.elementsEqual(source[0..<size]), "\(path): bytes differ")
            }
        }
        if !sawDirect { print("note: \(folder.path) takes no O_DIRECT writes; only the page-cache path ran") }
    }

    /// A failing disk: the error the writing thread met comes out of a later write or `finish`,
    /// and nothing hangs.
    func testDirectSinkReportsTheWritingThreadsFailure() throws {
        let full = open("/dev/full", O_WRONLY)
        guard full >= 0 else { throw XCTSkip("no /dev/full on this system") }
        defer { close(full) }
        let sink = DirectFileSink(fd: full, path: "/dev/full")
        let piece = [UInt8](repeating: 0x41, count: DirectFileSink.chunkBytes)
        var failure: Error?
        do {
            for _ in 0..<8 { try piece.withUnsafeBytes { try sink.write($0) } }
            try sink.finish()
        } catch {
            failure = error
        }
        XCTAssertEqual(failure.map { "\($0)" }, "Cannot write /dev/full: \(errnoDescription(ENOSPC))")
    }

    /// An output abandoned with chunks queued: `stop` returns, and the sink goes away cleanly.
    func testDirectSinkStopsWithChunksQueued() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let path = folder.appendingPathComponent("abandoned").path
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        var sink: DirectFileSink? = DirectFileSink(fd: fd, path: path)
        let piece = [UInt8](repeating: 0x42, count: 5 * DirectFileSink.chunkBytes / 2)
        try piece.withUnsafeBytes { try sink!.write($0) }
        sink!.stop()
        sink = nil
        close(fd)
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertLessThanOrEqual(Int(st.st_size), piece.count)
    }

    /// A sink whose writing thread ran is freed once finished: the thread must not keep it
    /// (a server writes one per answer; each holds 3 MiB of chunks).
    func testDirectSinkIsFreedAfterItsThreadEnds() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let path = folder.appendingPathComponent("freed").path
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        weak var freed: DirectFileSink?
        do {
            let sink = DirectFileSink(fd: fd, path: path)
            freed = sink
            let piece = [UInt8](repeating: 0x43, count: 3 * DirectFileSink.chunkBytes)
            try piece.withUnsafeBytes { try sink.write($0) }
            try sink.finish()
        }
        // The thread object goes away just after its last line: give it a moment.
        let deadline = Date().addingTimeInterval(5)
        while freed != nil && Date() < deadline { usleep(10_000) }
        XCTAssertNil(freed, "the sink outlived its output")
    }
}
