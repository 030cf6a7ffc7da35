import Bytes
import Foundation
@testable import StepExport
import Selection
import StepExportTestSupport
import Timestamps
import XCTest

/// The spill file of rows out of time order (`SpilledRuns`): its runs merge back into the
/// answer's order, and the merge gives the file's memory back chunk by chunk as it goes, not
/// only at the end.
final class SpilledRunsTests: XCTestCase {
    /// `count` segments of `rows` rows each, of `rowBytes` bytes, with random keys (sorted within
    /// each segment, as the scanning threads hand them in); a row's bytes start with its number.
    private func segments(_ g: inout SeededRandom, count: Int, rows: Int, rowBytes: Int) -> [RowStream.Segment] {
        segments(&g, count: count, rows: rows) { _ in rowBytes }
    }

    /// The same, each row `rowBytes(&g)` bytes long.
    private func segments(_ g: inout SeededRandom, count: Int, rows: Int,
                          rowBytes: (inout SeededRandom) -> Int) -> [RowStream.Segment] {
        var n = 0
        return (0..<count).map { _ in
            let segment = RowStream.Segment()
            segment.reset(rendering: true)
            for _ in 0..<rows {
                let key = AnswerKey(timestamp: Timestamp(millis: Int64(g.int(0...1_000_000))), packedPosition: Int64(n))
                let length = rowBytes(&g)
                guard segment.keep(key, eventBytes: length) else { continue }
                var text = Array(String(n).utf8)
                text += Array(repeating: UInt8(ascii: "x"), count: length - text.count - 1) + [0x0A]
                segment.bytes.append(text)
                segment.endRow()
                n += 1
            }
            segment.sort()
            return segment
        }
    }

    func testTheMergeGivesTheFileBackAsItGoes() throws {
        let directory = try TestPaths.temporaryDirectory(self).path
        // Whether this file system can punch holes at all.
        let probe = try XCTUnwrap(TemporaryFile.anonymous(template: TemporaryFile.template(in: directory, "probe-XXXXXX")))
        let chunk = [UInt8](repeating: 1, count: ChunkedWriter.chunkBytes)
        _ = chunk.withUnsafeBytes { write(probe, $0.baseAddress, $0.count) }
        let canPunch = TemporaryFile.release(fd: probe, 0..<Int64(chunk.count))
        close(probe)
        try XCTSkipUnless(canPunch, "the file system of \(directory) cannot punch holes")

        var g = SeededRandom(seed: 17)
        let spill = try SpilledRuns(directory: directory)
        let all = segments(&g, count: 48, rows: 300, rowBytes: 1_000) // about 14 MiB of records
        for group in stride(from: 0, to: all.count, by: RowReorder.segmentsPerRun) {
            try spill.append(Array(all[group..<min(group + RowReorder.segmentsPerRun, all.count)]), limit: .max)
        }
        let full = spill.allocatedBytes
        XCTAssertGreaterThan(full, 12 << 20)

        var halfway: Int64 = 0
        let total = spill.rows
        let rows = try merged(spill) { merged in
            if merged == total / 2 { halfway = spill.allocatedBytes }
        }
        XCTAssertEqual(zip(rows, rows.dropFirst()).filter { !($0.key < $1.key) }.count, 0, "out of order")
        // Each row is the one of its key (its number is the key's position).
        for row in rows { XCTAssertEqual(row.number, row.key.position) }
        XCTAssertEqual(rows.count, 48 * 300)
        // Halfway through, a good part is given back already; at the end, nearly all of it (the
        // chunks where two runs meet go when both are read).
        XCTAssertLessThan(halfway, full * 3 / 4, "halfway: \(halfway) of \(full) bytes still held")
        XCTAssertLessThan(spill.allocatedBytes, Int64(ChunkedWriter.chunkBytes), "at the end: \(spill.allocatedBytes) bytes held")
    }

    /// Merges the runs of `spill`: each row's key, number and length, in the order they came;
    /// `afterEach` is told how many rows have come so far.
    private func merged(_ spill: SpilledRuns, afterEach: (Int) -> Void = { _ in }) throws
        -> [(key: AnswerKey, number: Int64?, bytes: Int)] {
        let reading = try spill.readers()
        defer { withExtendedLifetime(reading) {} }
        let readers = reading.all
        var order = AnswerOrder(limit: nil)
        var rows: [(key: AnswerKey, number: Int64?, bytes: Int)] = []
        try order.merge(sources: readers.count, head: { readers[$0].head }, emit: { i in
            let text = String(decoding: readers[i].row.prefix { $0 != UInt8(ascii: "x") }, as: UTF8.self)
            rows.append((readers[i].head!, Int64(text), readers[i].row.count))
            try readers[i].advance()
            afterEach(rows.count)
            return true
        })
        return rows
    }

    /// Rows bigger than a read buffer (at most 512 KiB) among small ones come back whole, in
    /// order: the reading thread makes room for them.
    func testRowsBiggerThanTheReadBuffersComeBackWhole() throws {
        var g = SeededRandom(seed: 23)
        let spill = try SpilledRuns(directory: try TestPaths.temporaryDirectory(self).path)
        let all = segments(&g, count: 12, rows: 40) { g in g.chance(0.1) ? g.int(500 << 10...1_300 << 10) : g.int(20...3_000) }
        var lengths: [Int64: Int] = [:]
        for segment in all {
            for r in 0..<segment.keys.count { lengths[segment.keys[r].position] = segment.range(of: r).count }
        }
        XCTAssertGreaterThan(lengths.values.filter { $0 > 512 << 10 }.count, 10)
        for group in stride(from: 0, to: all.count, by: 4) {
            try spill.append(Array(all[group..<group + 4]), limit: .max)
        }
        let rows = try merged(spill)
        XCTAssertEqual(rows.count, 12 * 40)
        XCTAssertEqual(zip(rows, rows.dropFirst()).filter { !($0.key < $1.key) }.count, 0, "out of order")
        for row in rows {
            XCTAssertEqual(row.number, row.key.position)
            XCTAssertEqual(row.bytes, lengths[row.key.position], "row \(row.key.position)")
        }
    }

    /// A spill file cut short or damaged (it is ours alone, but a disk can fail) ends the merge
    /// with an error naming the file, not with a crash or a short answer.
    func testACutOrDamagedSpillFileIsAnError() throws {
        var g = SeededRandom(seed: 29)
        let directory = try TestPaths.temporaryDirectory(self).path
        func twoRuns() throws -> SpilledRuns {
            let spill = try SpilledRuns(directory: directory)
            let all = segments(&g, count: 8, rows: 200, rowBytes: 700)
            try spill.append(Array(all[0..<4]), limit: .max)
            try spill.append(Array(all[4..<8]), limit: .max)
            return spill
        }
        for cut in [1, 23, 24, 25, 5_000] {
            let spill = try twoRuns()
            let size = try XCTUnwrap(spill.runs.last?.upperBound)
            XCTAssertEqual(ftruncate(spill.fd, off_t(size - Int64(cut))), 0)
            XCTAssertThrowsError(try merged(spill), "cut by \(cut)") { error in
                XCTAssertTrue("\(error)".contains("the spill file in") && "\(error)".contains("shorter than written"), "\(error)")
            }
        }
        // A run cut inside its first buffer: the readers fail as they start, and their reading
        // thread ends (a server goes on after a failed export).
        let threads = {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).filter {
                (try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8)) == "spill reader\n"
            }.count
        }
        let before = threads()
        for _ in 0..<3 {
            let spill = try SpilledRuns(directory: directory)
            try spill.append(segments(&g, count: 1, rows: 50, rowBytes: 700), limit: .max)
            XCTAssertEqual(ftruncate(spill.fd, off_t(spill.runs[0].upperBound - 10)), 0)
            XCTAssertThrowsError(try spill.readers()) { error in
                XCTAssertTrue("\(error)".contains("shorter than written"), "\(error)")
            }
        }
        let deadline = Date().addingTimeInterval(5)
        while threads() > before && Date() < deadline { usleep(10_000) }
        XCTAssertLessThanOrEqual(threads(), before, "reading threads left running")

        // The last row's length running past its run's end; a negative length.
        for (length, reason) in [(Int32(701), "a run ends inside a row"), (-5, "length is damaged")] {
            let spill = try twoRuns()
            var damaged = length
            let header = spill.runs[1].upperBound - Int64(SpilledRuns.headerBytes + 700)
            XCTAssertEqual(pwrite(spill.fd, &damaged, 4, off_t(header + 12)), 4)
            XCTAssertThrowsError(try merged(spill), "length \(length)") { error in
                XCTAssertTrue("\(error)".contains(reason), "\(error)")
            }
        }
    }
}
