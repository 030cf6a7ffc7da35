import Bytes
import EventDump
import Foundation
import Selection
@testable import StepExport
import StepExportTestSupport
import StepRequest
import Table
import Timestamps
import XCTest

/// The writing stage on several threads (`RowPipeline`): many batches, any thread count, the
/// same bytes; a failure in any batch stops the export with its error and no file.
final class RowPipelineTests: XCTestCase {
    /// A generated dump whose write-heavy request selects several thousand rows: many batches.
    private static let generated = GeneratedTestDump(name: "pipeline", events: 6_000, seed: 3, eventsPerFile: 500)
    private static var dump: URL { generated.root }

    override class func tearDown() {
        generated.remove()
        super.tearDown()
    }

    private typealias Request = GeneratedTestDump.Request

    private func request(_ name: String) throws -> Request { try Self.generated.request(name) }

    private func export(_ r: Request, threads: Int, to out: URL) -> Result<ExportResult, RequestError> {
        var options = ExportOptions()
        options.threads = threads
        // The generated dump is nearly in time order: without this its rows would go out during the scan.
        options.streamRows = false
        return Exporter.run(organizationID: r.org, workflowID: r.workflow, stepIndex: r.step, payload: r.payload,
                            dump: Dump(root: Self.dump.path), output: .file(out.path), options: options)
    }

    func testSameBytesWhateverTheThreadCount() throws {
        let dir = try TestPaths.temporaryDirectory(self)
        for name in ["write-heavy", "write-heavy-xlsx"] {
            let r = try request(name)
            XCTAssertGreaterThan(r.expectedRows, 4 * RowPipeline.batchRows, "the test needs several batches")
            var outputs: [Data] = []
            for threads in [1, 2, 5] {
                let out = dir.appendingPathComponent("\(name)-\(threads)")
                guard case .success(let result) = export(r, threads: threads, to: out) else {
                    return XCTFail("\(name), \(threads) threads: the export failed")
                }
                XCTAssertEqual(result.rows, r.expectedRows, "\(name), \(threads) threads")
                outputs.append(try Data(contentsOf: out))
            }
            XCTAssertEqual(outputs[0], outputs[1], "\(name): 1 and 2 threads differ")
            XCTAssertEqual(outputs[0], outputs[2], "\(name): 1 and 5 threads differ")
        }
        // The CSV has every row once, in order: as many records as rows, after the header.
        let csv = try String(contentsOf: dir.appendingPathComponent("write-heavy-2"), encoding: .utf8)
        XCTAssertEqual(csv.components(separatedBy: "\r\n").count - 2, try request("write-heavy").expectedRows)
    }

    /// An event file that shrinks between the scan and the writing: a worker's batch fails, the
    /// export answers 500 and leaves no file, and every thread is joined (the call returns).
    func testFailureInALaterBatchStopsTheExport() throws {
        let r = try request("write-heavy")
        let copy = try TestPaths.temporaryDirectory(self).appendingPathComponent("dump")
        try FileManager.default.copyItem(at: Self.dump, to: copy)
        let dump = Dump(root: copy.path)
        guard case .success(let prepared) = r.payload.withUnsafeBytes({
            PreparedExport.prepare(organizationID: r.org, workflowID: r.workflow, stepIndex: r.step, payload: $0, dump: dump)
        }) else { return XCTFail("the request does not prepare") }
        for threads in [1, 3] {
            var options = ExportOptions()
            options.threads = threads
            let selection = Selection(query: prepared.query, threads: options.threads)
            let files = try dump.files()
            let scan = try DumpScanner.scan(files: files, visitors: selection.visitors, options: options.scanOptions)
            // Cut the last event file (in dump order) to nothing: its rows come late in the answer.
            let last = try XCTUnwrap(files.last)
            try Data().write(to: URL(fileURLWithPath: last.absolutePath))
            let out = copy.deletingLastPathComponent().appendingPathComponent("out-\(threads).csv")
            let result = Exporter.write(prepared, selection: selection, scan: scan, renderThreads: threads,
                                        output: .file(out.path), options: options)
            guard case .failure(let error) = result else { return XCTFail("\(threads) threads: expected a failure") }
            XCTAssertEqual(error.status, 500)
            XCTAssertTrue(error.body.contains("changed during the export"), error.body)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a failed export left a file")
            try FileManager.default.removeItem(at: copy)
            try FileManager.default.copyItem(at: Self.dump, to: copy)
        }
    }

    func testPackedRowsComeBackAsRendered() {
        let row = RowCells()
        row.text.append("abc" as StaticString)
        row.set(.eventID, kind: .text, from: 0)
        let start = row.text.count
        row.text.append("2024-01-02T03:04:05.678Z" as StaticString)
        row.set(.timestamp, kind: .timestamp, from: start)
        let n = row.text.count
        row.text.append("-1.5e3" as StaticString)
        row.set(.value, kind: .number, from: n)
        row.instant = Timestamp(millis: 1_704_164_645_678, subMillisecondNanos: 123_456)
        row.offsetSeconds = -3600
        let packed = ByteBuffer()
        row.pack(into: packed)
        row.pack(into: packed)
        let back = RowCells()
        let first = back.unpack(from: UnsafeRawPointer(packed.base))
        XCTAssertEqual(first * 2, packed.count)
        _ = back.unpack(from: UnsafeRawPointer(packed.base + first))
        for column in Column.allCases {
            let a = row.cell(column), b = back.cell(column)
            XCTAssertEqual(a.kind, b.kind, "\(column)")
            XCTAssertEqual(Array(row.bytes(a)), Array(back.bytes(b)), "\(column)")
        }
        XCTAssertEqual(back.instant, row.instant)
        XCTAssertEqual(back.offsetSeconds, -3600)
    }
}
