import Foundation
import StepExportTestSupport
import XCTest
import XLSXReader
@testable import StepExport

/// Every golden request that answers with a CSV also answers as XLSX with the same cells: the
/// request is run again with `"format":"xlsx"`, every part is validated against the OOXML
/// schemas, and the workbook read back must hold the CSV's values (formula guard off: XLSX
/// cells are never formulas) — text and number text equal, timestamps as date cells showing the
/// same wall time (or, before 1900-03-01, the CSV's text as a string cell).
final class GoldenXLSXTests: XCTestCase {
    func testEveryCSVGoldenCaseAlsoWorksAsXLSX() throws {
        var checked = 0
        for c in try GoldenTests.cases() {
            guard FileManager.default.fileExists(atPath: c.directory.appendingPathComponent("expected.csv").path),
                  var payload = c.spec["payload"] as? [String: Any] else { continue }
            let dir = try TestPaths.temporaryDirectory(self)
            let dump = Dump(root: TestPaths.fixtures.appendingPathComponent("dumps")
                .appendingPathComponent(c.spec["dump"] as! String).path)
            var options = GoldenTests.options(c)
            options.csv = .init()
            options.csv.formulaGuard = false

            /// Exports in `format`, rows written during the scan where they can be and after it:
            /// the same bytes both ways.
            func run(_ format: String, _ name: String) throws -> URL {
                payload["format"] = format
                let out = dir.appendingPathComponent(name)
                for streamRows in [false, true] {
                    options.streamRows = streamRows
                    let result = Exporter.run(
                        organizationID: c.spec["org"] as! String, workflowID: c.spec["workflow"] as! String,
                        stepIndex: c.spec["step"] as! String,
                        payload: Array(try JSONSerialization.data(withJSONObject: payload)),
                        dump: dump, output: .file(streamRows ? out.path : out.path + ".after"), options: options)
                    if case .failure(let e) = result { XCTFail("\(c.name) as \(format): \(e)") }
                }
                XCTAssertEqual(try Data(contentsOf: out), try Data(contentsOf: URL(fileURLWithPath: out.path + ".after")),
                               "\(c.name) as \(format): rows written during and after the scan differ")
                return out
            }
            let csv = try CSVReader(path: run("csv", "out.csv").path).records()
            let xlsxPath = try run("xlsx", "out.xlsx").path
            try validateXLSXPackage(path: xlsxPath)
            let reader = try XLSXReader(path: xlsxPath)
            XCTAssertEqual(reader.sheets.count, 1, c.name)
            let sheet = try reader.rows(sheet: 0)
            XCTAssertEqual(sheet.count, csv.count, c.name)
            for (r, (want, got)) in zip(csv, sheet).enumerated() {
                XCTAssertEqual(got.count, want.count, "\(c.name) row \(r)")
                for (i, (w, g)) in zip(want, got).enumerated() {
                    XCTAssertEqual(g, r > 0 && i == 1 ? Self.shownDate(w) : w, "\(c.name) row \(r) column \(i)")
                }
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 40)
    }

    func testRowsPastTheSheetLimitContinueOnNewSheetsWithTheHeader() throws {
        let c = try XCTUnwrap(try GoldenTests.cases().first { $0.name == "formats-all-variants-step1" })
        var payload = try XCTUnwrap(c.spec["payload"] as? [String: Any])
        payload["format"] = "xlsx"
        var options = ExportOptions()
        options.sheetRowLimit = 2
        let out = try TestPaths.temporaryDirectory(self).appendingPathComponent("out.xlsx")
        let result = Exporter.run(
            organizationID: c.spec["org"] as! String, workflowID: c.spec["workflow"] as! String,
            stepIndex: c.spec["step"] as! String, payload: Array(try JSONSerialization.data(withJSONObject: payload)),
            dump: Dump(root: TestPaths.fixtures.appendingPathComponent("dumps/\(c.spec["dump"] as! String)").path),
            output: .file(out.path), options: options)
        let rows = try result.get().rows
        try validateXLSXPackage(path: out.path)
        let reader = try XLSXReader(path: out.path)
        let expectedSheets = (rows + 1) / 2
        XCTAssertGreaterThan(expectedSheets, 2)
        XCTAssertEqual(reader.sheets, ["Step 1"] + (2...expectedSheets).map { "Step 1 (\($0))" })
        let csv = try CSVReader(path: c.directory.appendingPathComponent("expected.csv").path).records()
        var dataRows: [[String]] = []
        for s in 0..<reader.sheets.count {
            let sheet = try reader.rows(sheet: s)
            XCTAssertEqual(sheet.first, csv.first, "sheet \(s) starts with the header")
            XCTAssertLessThanOrEqual(sheet.count - 1, 2)
            dataRows += sheet.dropFirst()
        }
        XCTAssertEqual(dataRows.map { $0[0] }, csv.dropFirst().map { $0[0] }, "event ids in order across sheets")
    }

    /// The XLSX reading of a CSV timestamp: the date cell's wall time (`T` → space, no offset),
    /// or the text itself when it is before 1900-03-01 (a string cell).
    static func shownDate(_ csv: String) -> String {
        guard csv.count >= 23, csv >= "1900-03-01" else { return csv }
        return String(csv.prefix(23)).replacingOccurrences(of: "T", with: " ")
    }
}
