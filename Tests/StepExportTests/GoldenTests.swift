import Foundation
import StepExportTestSupport
import XCTest
@testable import StepExport

/// Golden files: every `Fixtures/golden/<case>/case.json` (a request against a dump under
/// `Fixtures/dumps/`) must give exactly `expected.csv`, or the status and error body of
/// `expected.json` (`body`, or `body_prefix` / `body_contains` where only the location is fixed:
/// the reason texts are StepExport's own, the oracle in `Tests/oracle` fixes only where).
final class GoldenTests: XCTestCase {
    struct Case {
        let name: String
        let directory: URL
        let spec: [String: Any]
    }

    static func cases() throws -> [Case] {
        let root = TestPaths.fixtures.appendingPathComponent("golden")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        return try names.compactMap { name in
            let dir = root.appendingPathComponent(name)
            let file = dir.appendingPathComponent("case.json")
            guard FileManager.default.fileExists(atPath: file.path) else { return nil }
            let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            return Case(name: name, directory: dir, spec: spec)
        }
    }

    static func payloadBytes(_ c: Case) throws -> [UInt8] {
        if let text = c.spec["payload_text"] as? String { return Array(text.utf8) }
        let payload = c.spec["payload"] as Any
        return Array(try JSONSerialization.data(withJSONObject: payload, options: [.fragmentsAllowed]))
    }

    static func options(_ c: Case) -> ExportOptions {
        var options = ExportOptions()
        let flags = c.spec["flags"] as? [String] ?? []
        var i = 0
        while i < flags.count {
            switch flags[i] {
            case "--no-formula-guard": options.csv.formulaGuard = false
            case "--bom": options.csv.byteOrderMark = true
            case "--skip-invalid": options.skipInvalid = true
            case "--delimiter":
                i += 1
                options.csv.delimiter = flags[i] == "tab" ? 9 : Array(flags[i].utf8)[0]
            default: XCTFail("\(c.name): unknown flag \(flags[i])")
            }
            i += 1
        }
        return options
    }

    /// Each case with 1 and 2 threads, rows written during the scan where they can be and,
    /// with 2 threads, always after it: the same answer every way.
    func testEveryGoldenCase() throws {
        let cases = try GoldenTests.cases()
        XCTAssertGreaterThan(cases.count, 0, "no golden cases found under Fixtures/golden")
        var streamed = 0
        for c in cases {
            let oneThread = try check(c, threads: 1, streamRows: true)
            let twoThreads = try check(c, threads: 2, streamRows: true)
            _ = try check(c, threads: 2, streamRows: false)
            // Whether rows go out during the scan depends on the dump's order, not on the threads.
            XCTAssertEqual(oneThread, twoThreads, "\(c.name): written during the scan with 1 thread but not 2, or back")
            if oneThread { streamed += 1 }
        }
        // A good share of the cases select rows event by event (no path constraint, no goals)
        // from dumps in time order: their rows go out during the scan.
        XCTAssertGreaterThan(streamed, cases.count / 3, "rows were hardly ever written during the scan")
    }

    /// Checks one run; returns whether its rows were written during the scan.
    private func check(_ c: Case, threads: Int, streamRows: Bool) throws -> Bool {
        let out = try TestPaths.temporaryDirectory(self).appendingPathComponent("out")
        var options = GoldenTests.options(c)
        options.threads = threads
        options.streamRows = streamRows
        let dump = Dump(root: TestPaths.fixtures.appendingPathComponent("dumps")
            .appendingPathComponent(c.spec["dump"] as! String).path)
        let result = Exporter.run(organizationID: c.spec["org"] as! String, workflowID: c.spec["workflow"] as! String,
                                  stepIndex: c.spec["step"] as! String, payload: try GoldenTests.payloadBytes(c),
                                  dump: dump, output: .file(out.path), options: options)
        let expectedCSV = c.directory.appendingPathComponent("expected.csv")
        let label = "\(c.name) (threads \(threads)\(streamRows ? "" : ", rows after the scan"))"
        if FileManager.default.fileExists(atPath: expectedCSV.path) {
            guard case .success(let written) = result else {
                XCTFail("\(label): expected a file, got \(result)")
                return false
            }
            let got = try Data(contentsOf: out)
            let want = try Data(contentsOf: expectedCSV)
            XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: want, as: UTF8.self), label)
            XCTAssertEqual(got, want, label)
            if !streamRows { XCTAssertFalse(written.writtenDuringScan, label) }
            return written.writtenDuringScan
        } else {
            let expected = try JSONSerialization.jsonObject(
                with: Data(contentsOf: c.directory.appendingPathComponent("expected.json"))) as! [String: Any]
            guard case .failure(let error) = result else {
                XCTFail("\(label): expected an error, got a file")
                return false
            }
            XCTAssertEqual(error.status, expected["status"] as? Int, label)
            if let body = expected["body"] as? String { XCTAssertEqual(error.body, body, label) }
            if let prefix = expected["body_prefix"] as? String {
                XCTAssertTrue(error.body.hasPrefix(prefix), "\(label): \(error.body) does not start with \(prefix)")
            }
            if let part = expected["body_contains"] as? String {
                XCTAssertTrue(error.body.contains(part), "\(label): \(error.body) does not contain \(part)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(label): a failed export left a file")
            return false
        }
    }
}
