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
        var n = 0
        return (0..<count).map { _ in
            let segment = RowStream.Segment()
            segment.reset(rendering: true)
            for _ in 0..<rows {
                let key = AnswerKey(timestamp: Timestamp(millis: Int64(g.int(0...1_000_000))), packedPosition: Int64(n))
                guard segment.keep(key, eventBytes: rowBytes) else { continue }
                var text = Array(String(n).utf8)
                text += Array(repeating: UInt8(ascii: "x"), count: rowBytes - text.count - 1) + [0x0A]
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
        try spill.finishWriting()
        let full = spill.allocatedBytes
        XCTAssertGreaterThan(full, 12 << 20)

        let readers = try spill.readers()
        var order = AnswerOrder(limit: nil)
        var previous: AnswerKey?
        var merged = 0
        var halfway: Int64 = 0
        let total = spill.rows
        try order.merge(sources: readers.count, head: { readers[$0].head }, emit: { i in
            let key = try XCTUnwrap(readers[i].head)
            if let previous { XCTAssertLessThan(previous, key) }
            previous = key
            // The row is the one of that key (its number is the key's position).
            let text = String(decoding: readers[i].row.prefix { $0 != UInt8(ascii: "x") }, as: UTF8.self)
            XCTAssertEqual(Int64(text), key.position)
            try readers[i].advance()
            merged += 1
            if merged == total / 2 { halfway = spill.allocatedBytes }
            return true
        })
        XCTAssertEqual(merged, 48 * 300)
        // Halfway through, a good part is given back already; at the end, nearly all of it (the
        // chunks where two runs meet go when both are read).
        XCTAssertLessThan(halfway, full * 3 / 4, "halfway: \(halfway) of \(full) bytes still held")
        XCTAssertLessThan(spill.allocatedBytes, Int64(ChunkedWriter.chunkBytes), "at the end: \(spill.allocatedBytes) bytes held")
    }
}
