import Foundation
import StepExportTestSupport
import XCTest
import XLSXReader

/// What one reader of Tests/interop/read_xlsx.py saw.
struct InteropReaderResult {
    var status: String
    var reason: String
    var warnings: [String]
    var sheets: [(name: String, rows: [[String]])]
}

extension ReaderTestSupport {
    static let interopReaders = ["openpyxl", "calamine", "libreoffice"]

    /// Runs read_xlsx.py on `path`; returns each reader's result by name.
    static func readWithRealReaders(_ path: String, readers: [String] = interopReaders,
                                    file: StaticString = #filePath, line: UInt = #line) throws -> [String: InteropReaderResult] {
        try require(.python3, file: file, line: line)
        let r = try run("python3", [interopDirectory + "/read_xlsx.py", path, "--readers", readers.joined(separator: ",")])
        guard r.status == 0 else {
            XCTFail("read_xlsx.py failed (\(r.status)): \(r.stderr)", file: file, line: line)
            return [:]
        }
        guard let top = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any],
              let all = top["readers"] as? [String: [String: Any]] else {
            XCTFail("read_xlsx.py printed no JSON object: \(r.stdoutText.prefix(500))", file: file, line: line)
            return [:]
        }
        var out: [String: InteropReaderResult] = [:]
        for (name, v) in all {
            let sheets = (v["sheets"] as? [[String: Any]] ?? []).map { s in
                (name: s["name"] as? String ?? "", rows: s["rows"] as? [[String]] ?? [])
            }
            out[name] = InteropReaderResult(status: v["status"] as? String ?? "?", reason: v["reason"] as? String ?? "",
                                            warnings: v["warnings"] as? [String] ?? [], sheets: sheets)
        }
        return out
    }

    /// Checks every reader's view of `path` against `expected` sheets, cell by cell. A missing
    /// reader fails under CI and skips elsewhere (after the others were checked).
    static func checkRealReaders(_ path: String, sheets expectedNames: [String], rows expected: [[[String]]],
                                 readers: [String] = interopReaders,
                                 agree: @escaping (String, String, String) -> Bool = { _, a, b in cellsAgree(a, b) },
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let results = try readWithRealReaders(path, readers: readers, file: file, line: line)
        var missing: [TestTool] = []
        for name in readers {
            guard let r = results[name] else { XCTFail("no result for \(name)", file: file, line: line); continue }
            switch r.status {
            case "missing":
                missing.append(TestTool(rawValue: name) ?? .python3)
                continue
            case "ok":
                break
            default:
                XCTFail("\(name) could not read \(path): \(r.reason)", file: file, line: line)
                continue
            }
            let warnings = r.warnings.filter { !$0.contains("javaldx") }
            XCTAssertEqual(warnings, [], "\(name) warned", file: file, line: line)
            XCTAssertEqual(r.sheets.map(\.name), expectedNames, "\(name) sheet names", file: file, line: line)
            for (i, sheet) in r.sheets.enumerated() where i < expected.count {
                let diffs = differences(sheet.rows, expected[i]) { agree(name, $0, $1) }
                XCTAssertEqual(diffs, [], "\(name), sheet \(sheet.name)", file: file, line: line)
            }
        }
        try require(missing, file: file, line: line)
    }
}

final class InteropTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory(self).path
    }


    /// openpyxl, calamine and LibreOffice read the openpyxl-made workbook as expected — and so
    /// does XLSXReader (the same expectations as XLSXReaderTests).
    func testRealReadersReadTheOpenpyxlFixture() throws {
        let path = try ReaderTestSupport.makeFixture("openpyxl", in: dir)
        let ours = try XLSXReader(path: path)
        for i in 0..<2 {
            XCTAssertEqual(ReaderTestSupport.differences(try ours.rows(sheet: i), ReaderFixtureExpectations.openpyxlRows[i]), [])
        }
        try ReaderTestSupport.checkRealReaders(path, sheets: ReaderFixtureExpectations.openpyxlSheets,
                                               rows: ReaderFixtureExpectations.openpyxlRows)
    }

    /// On the hand-made package (shared strings, rich and phonetic runs, `_xHHHH_` escapes, gaps,
    /// date styles, cells without references), XLSXReader agrees with calamine, which follows
    /// Excel's rules; calamine reads error cells (`#N/A`) as empty.
    func testXLSXReaderAgreesWithCalamineOnTheHandmadeFixture() throws {
        let path = try ReaderTestSupport.makeFixture("handmade", in: dir)
        let expected = ReaderFixtureExpectations.handmadeRows()
        let ours = try XLSXReader(path: path)
        for i in 0..<2 { XCTAssertEqual(try ours.rows(sheet: i), expected[i]) }
        try ReaderTestSupport.checkRealReaders(path, sheets: ReaderFixtureExpectations.handmadeSheets, rows: expected,
                                               readers: ["calamine"]) { _, got, want in
            ReaderTestSupport.cellsAgree(got, want) || (want == "#N/A" && got.isEmpty)
        }
    }

    /// read_xlsx.py reports a file that a reader cannot open as "error" (never as "missing").
    func testReadScriptReportsAnUnreadableFileAsAnError() throws {
        let path = dir + "/broken.xlsx"
        try ReaderTestSupport.write(Array("not a zip".utf8), to: path)
        let results = try ReaderTestSupport.readWithRealReaders(path, readers: ["openpyxl", "calamine"])
        for (name, r) in results where r.status != "missing" {
            XCTAssertEqual(r.status, "error", name)
            XCTAssertFalse(r.reason.isEmpty, name)
        }
    }
}
