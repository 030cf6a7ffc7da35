import Bytes
import Foundation
@testable import StepExport
import Selection
import StepExportTestSupport
import StepRequest
import Table
import Timestamps
import XCTest

/// Rows written during the scan (`RowStream`, `RowReorder`): in the answer's order whenever the
/// stream goes through, the same bytes as rows written after the scan, and a fall back to that
/// when the dump is too far out of order.
final class RowStreamTests: XCTestCase {
    // MARK: - The reorder buffer alone

    /// Keeps what the reorder buffer writes.
    private final class RecordingTable: TableOutput {
        var bytes: [UInt8] = []
        var rows = 0
        func makeEncoder() -> RowEncoding { NoEncoding() }
        func write(encoded bytes: UnsafeRawBufferPointer, rows: Int) throws {
            self.bytes += bytes
            self.rows += rows
        }
        func finish() throws -> TableSummary { TableSummary(bytes: bytes.count, cutCells: 0) }
    }

    private struct NoEncoding: RowEncoding {
        func encode(_ row: RowCells, into out: ByteBuffer) {}
    }

    /// Runs rows (their keys in dump order, cut into segments of the given sizes) through a
    /// reorder buffer; each row's bytes are its dump index as a line. Returns the indexes
    /// written and the runs spilled, or nil when the buffer gave up.
    private func reorder(_ keys: [Int64], segments sizes: [Int], limit: Int? = nil,
                         spillAlways: Bool = false) -> (rows: [Int], spilled: Int)? {
        let table = RecordingTable()
        let reorder = RowReorder(table: table, limit: limit, progress: nil, spillDirectory: NSTemporaryDirectory(),
                                 spillAlways: spillAlways)
        var next = 0
        for size in sizes {
            let segment = RowStream.Segment()
            segment.reset(rendering: !reorder.limitMet)
            for i in next..<(next + size)
            where segment.keep(AnswerKey(timestamp: Timestamp(millis: keys[i]), packedPosition: Int64(i)), eventBytes: 1) {
                segment.bytes.append("\(i)\n")
                segment.endRow()
            }
            next += size
            segment.sort()
            guard reorder.take(segment) else { return nil }
        }
        guard reorder.drain() else { return nil }
        let lines = String(decoding: table.bytes, as: UTF8.self).split(separator: "\n").map { Int($0)! }
        XCTAssertEqual(table.rows, lines.count)
        XCTAssertEqual(reorder.rowsWritten, lines.count)
        return (lines, reorder.spilledRuns)
    }

    /// The answer's order: by key, ties by dump order.
    private func sortedIndexes(_ keys: [Int64]) -> [Int] {
        keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
    }

    /// Random rows, most in order, some late (by up to `lateness` rows' worth of time), many
    /// equal keys; random segment sizes, empty ones included.
    private func randomCase(_ g: inout SeededRandom, lateness: Int) -> (keys: [Int64], sizes: [Int]) {
        let count = g.int(0...400)
        var keys: [Int64] = []
        for i in 0..<count {
            let base = Int64(i / 3) * 10 // three rows per time step: ties
            keys.append(g.chance(0.1) ? base - Int64(g.int(0...lateness)) * 10 / 3 : base)
        }
        var sizes: [Int] = []
        var left = count
        while left > 0 || g.chance(0.2) {
            let size = min(left, g.int(0...40))
            sizes.append(size)
            left -= size
        }
        return (keys, sizes)
    }

    func testWrittenRowsAreInTheAnswersOrderOrTheBufferGivesUp() {
        var g = SeededRandom(seed: 41)
        var straight = 0, spilled = 0, gaveUp = 0
        for round in 0..<2_000 {
            let (keys, sizes) = randomCase(&g, lateness: [6, 200, 100_000][round % 3])
            let limit: Int? = round % 5 == 0 ? g.int(0...50) : nil
            let answer = Array(sortedIndexes(keys).prefix(limit ?? keys.count))
            // Spilling every segment never gives up, whatever the order.
            XCTAssertEqual(reorder(keys, segments: sizes, limit: limit, spillAlways: true)?.rows, answer, "round \(round)")
            guard let (written, runs) = reorder(keys, segments: sizes, limit: limit) else {
                gaveUp += 1
                continue
            }
            if runs > 0 { spilled += 1 } else { straight += 1 }
            XCTAssertEqual(written, answer, "round \(round)")
        }
        // Every outcome must have happened for the test to say anything.
        XCTAssertGreaterThan(straight, 400)
        XCTAssertGreaterThan(spilled, 200)
        XCTAssertGreaterThan(gaveUp, 50)
    }

    /// Segments far out of time order with each other are spilled from the start: nothing goes
    /// straight, so nothing late can make the stream give up.
    func testSegmentsOverlappingInTimeAreSpilledAndMerged() throws {
        var g = SeededRandom(seed: 5)
        // The buffer chooses once it holds one segment more than it keeps: that segment's
        // smallest key must come before segment 0's largest for the choice to spill.
        let deciding = RowReorder.maximumSegments
        for round in 0..<200 {
            let sizes = (0..<g.int(deciding + 1...deciding + 27)).map { _ in g.int(1...40) }
            let keys = (0..<sizes.reduce(0, +)).map { _ in Int64(g.int(0...1_000)) }
            let first = keys[0..<sizes[0]]
            let last = keys[sizes[0..<deciding].reduce(0, +)..<sizes[0...deciding].reduce(0, +)]
            guard last.min()! < first.max()! else { continue }
            let (written, runs) = try XCTUnwrap(reorder(keys, segments: sizes), "round \(round)")
            XCTAssertEqual(written, sortedIndexes(keys), "round \(round)")
            // Every segment spilled, a run for each `segmentsPerRun` of them.
            let perRun = RowReorder.segmentsPerRun
            XCTAssertEqual(runs, (sizes.count + perRun - 1) / perRun, "round \(round)")
        }
    }

    /// After taking segment s the buffer has written nothing above the largest key of segments
    /// up to s − maximumSegments: a row no smaller than that never makes it give up.
    func testRowsLateByFewerSegmentsThanItHoldsNeverMakeItGiveUp() {
        var g = SeededRandom(seed: 7)
        let held = RowReorder.maximumSegments
        for round in 0..<1_000 {
            let sizes = (0..<g.int(1...30)).map { _ in g.int(0...20) }
            var keys: [Int64] = []
            var maxima: [Int64] = [] // the largest key of each segment so far
            for size in sizes {
                // The smallest key allowed: the largest of every segment `held + 1` or more back.
                let floor = maxima.dropLast(held).max() ?? 0
                var largest = floor
                for _ in 0..<size {
                    let key = floor + Int64(g.int(0...50))
                    keys.append(key)
                    largest = max(largest, key)
                }
                maxima.append(largest)
            }
            XCTAssertEqual(reorder(keys, segments: sizes)?.rows, sortedIndexes(keys), "round \(round)")
        }
    }

    func testARowBeforeOneAlreadyWrittenMakesItGiveUp() {
        let held = RowReorder.maximumSegments
        // Segments of one row each, rising, then a row earlier than all of them: with `held`
        // segments before it nothing has been written yet, with two more the first has.
        let reachable = (1...held).map { Int64($0 * 10) } + [5]
        XCTAssertEqual(reorder(reachable, segments: Array(repeating: 1, count: held + 1))?.rows, [held] + Array(0..<held))
        let late = (1...(held + 2)).map { Int64($0 * 10) } + [5]
        XCTAssertNil(reorder(late, segments: Array(repeating: 1, count: held + 3)))
    }

    // MARK: - Whole exports

    /// A generated dump in many small files (so many units of scan work), nearly in time order
    /// as real dumps are: about 1 % of events arrive late.
    private static let generated = GeneratedTestDump(name: "stream", events: 6_000, seed: 11, eventsPerFile: 150)
    private static var dump: URL { generated.root }

    override class func tearDown() {
        generated.remove()
        super.tearDown()
    }

    /// A generated request, its payload as an object to change.
    private struct Request {
        let org, workflow, step: String
        var payload: [String: Any]
    }

    private func request(_ name: String) throws -> Request {
        let r = try Self.generated.request(name)
        let payload = try JSONSerialization.jsonObject(with: Data(r.payload)) as! [String: Any]
        return Request(org: r.org, workflow: r.workflow, step: r.step, payload: payload)
    }

    private func export(_ r: Request, dump: URL, streamRows: Bool, threads: Int = 2,
                        to out: URL) throws -> Result<ExportResult, RequestError> {
        var options = ExportOptions()
        options.threads = threads
        options.streamRows = streamRows
        return Exporter.run(organizationID: r.org, workflowID: r.workflow, stepIndex: r.step,
                            payload: Array(try JSONSerialization.data(withJSONObject: r.payload)),
                            dump: Dump(root: dump.path), output: .file(out.path), options: options)
    }

    /// Exports `r` both ways; checks the files are equal; returns how the streamed export went.
    private func bothWays(_ r: Request, dump: URL, label: String) throws -> (streamed: ExportResult, rows: Int) {
        let dir = try TestPaths.temporaryDirectory(self)
        let during = dir.appendingPathComponent("during"), after = dir.appendingPathComponent("after")
        let streamed = try export(r, dump: dump, streamRows: true, to: during).get()
        let written = try export(r, dump: dump, streamRows: false, to: after).get()
        XCTAssertFalse(written.writtenDuringScan, label)
        XCTAssertEqual(streamed.rows, written.rows, label)
        XCTAssertEqual(try Data(contentsOf: during), try Data(contentsOf: after), label)
        return (streamed, streamed.rows)
    }

    func testANearlySortedDumpIsWrittenDuringTheScan() throws {
        for name in ["write-heavy", "write-heavy-xlsx"] {
            let (streamed, rows) = try bothWays(try request(name), dump: Self.dump, label: name)
            XCTAssertTrue(streamed.writtenDuringScan && streamed.spilledRuns == 0, "\(name): rows were not written straight")
            XCTAssertGreaterThan(rows, 1_000, name)
        }
    }

    func testALimitStopsTheRowsButNotTheOrderCheck() throws {
        var r = try request("write-heavy")
        for limit in [1, 250] {
            r.payload["limit"] = limit
            let (streamed, rows) = try bothWays(r, dump: Self.dump, label: "limit \(limit)")
            XCTAssertTrue(streamed.writtenDuringScan && streamed.spilledRuns == 0, "limit \(limit)")
            XCTAssertEqual(rows, limit)
        }
    }

    /// A copy of the dump's first answer row's event, renamed, in a file after every other: far
    /// out of order, after rows went straight to the file. The stream gives up, the dump is
    /// scanned again with every segment spilled, and the merge puts that row first.
    func testAnEventFarOutOfOrderIsSpilledAndMergedOnASecondScan() throws {
        let r = try request("write-heavy")
        let copy = try TestPaths.temporaryDirectory(self).appendingPathComponent("dump")
        try FileManager.default.copyItem(at: Self.dump, to: copy)
        let files = try Dump(root: copy.path).files()
        let first = try String(contentsOfFile: try XCTUnwrap(files.first).absolutePath, encoding: .utf8)
        let line = String(try XCTUnwrap(first.split(separator: "\n").first {
            $0.contains("\"label\":\"\(r.workflow)\"") && $0.contains("\"dim5\":\(r.step),")
        }))
        let late = line.replacingOccurrences(of: "\"id\":\"", with: "\"id\":\"late-")
        XCTAssertNotEqual(late, line)
        let lastPath = try XCTUnwrap(files.last).absolutePath
        let lastFile = URL(fileURLWithPath: lastPath).deletingLastPathComponent().appendingPathComponent("zz-late.ndjson")
        try (late + "\n").write(to: lastFile, atomically: true, encoding: .utf8)

        let (streamed, _) = try bothWays(r, dump: copy, label: "late event")
        XCTAssertTrue(streamed.writtenDuringScan && streamed.spilledRuns > 0, "the late event's rows were not spilled")
        let out = try TestPaths.temporaryDirectory(self).appendingPathComponent("out.csv")
        _ = try export(r, dump: copy, streamRows: true, to: out).get()
        let records = try String(contentsOf: out, encoding: .utf8).components(separatedBy: "\r\n")
        let firstRows = records.dropFirst().prefix(3)
        XCTAssertTrue(firstRows.contains { $0.hasPrefix("late-") }, "the late event is not among the first rows")
    }

    /// Rows to spill and no temporary folder to spill them in: a clean 500 naming the spill
    /// file, and no output file.
    func testASpillFileThatCannotBeCreatedIs500() throws {
        let r = try request("write-heavy")
        var options = ExportOptions()
        options.spillRows = true
        options.temporaryDirectory = "/nonexistent-stepexport-folder"
        let out = try TestPaths.temporaryDirectory(self).appendingPathComponent("out.csv")
        let result = Exporter.run(organizationID: r.org, workflowID: r.workflow, stepIndex: r.step,
                                  payload: Array(try JSONSerialization.data(withJSONObject: r.payload)),
                                  dump: Dump(root: Self.dump.path), output: .file(out.path), options: options)
        guard case .failure(let error) = result else { return XCTFail("an export without a spill file succeeded") }
        XCTAssertEqual(error.status, 500)
        XCTAssertTrue(error.body.contains("Cannot write the spill file in /nonexistent-stepexport-folder"), error.body)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// A malformed event after many streamed rows: the export fails as usual and leaves no file.
    func testAMalformedEventLateInTheDumpLeavesNoFile() throws {
        let copy = try TestPaths.temporaryDirectory(self).appendingPathComponent("dump")
        try FileManager.default.copyItem(at: Self.dump, to: copy)
        let last = try XCTUnwrap(try Dump(root: copy.path).files().last)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: last.absolutePath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"timestamp\": oops}\n".utf8))
        try handle.close()
        let out = try TestPaths.temporaryDirectory(self).appendingPathComponent("out.csv")
        for threads in [1, 2] {
            guard case .failure(let error) = try export(try request("write-heavy"), dump: copy, streamRows: true,
                                                       threads: threads, to: out) else {
                return XCTFail("\(threads) threads: a malformed event did not fail the export")
            }
            XCTAssertEqual(error.status, 500)
            XCTAssertTrue(error.body.contains(last.relativePath), error.body)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a failed export left a file")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
            XCTAssertFalse(leftovers.contains { $0.contains(".partial-") }, "\(leftovers)")
        }
    }
}
