import Foundation
import StepExportTestSupport
import XCTest
@testable import XLSXReader

/// `inspect` refuses a workbook whose parts do not fit together (issue 13, case 9: a sheet whose
/// relationship pointed at `workbook.xml` printed nothing and exited 0).
final class InspectPartsTests: XCTestCase {
    private let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private let worksheetType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

    /// A workbook with sheets "S" and "T" (rId1, rId2) and relationships pointing where `targets` say.
    private func workbook(targets: [String], in folder: URL) throws -> String {
        let wb = """
        <workbook xmlns="\(main)" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\
        <sheet name="S" sheetId="1" r:id="rId1"/>\(targets.count > 1 ? "<sheet name=\"T\" sheetId=\"2\" r:id=\"rId2\"/>" : "")\
        </sheets></workbook>
        """
        let rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + targets.enumerated().map { "<Relationship Id=\"rId\($0.offset + 1)\" Type=\"\(worksheetType)\" Target=\"\($0.element)\"/>" }.joined()
            + "</Relationships>"
        let sheet = "<worksheet xmlns=\"\(main)\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData></worksheet>"
        let styles = "<styleSheet xmlns=\"\(main)\"><cellXfs count=\"1\"><xf numFmtId=\"0\"/></cellXfs></styleSheet>"
        let path = folder.appendingPathComponent(UUID().uuidString + ".xlsx").path
        try ReaderTestSupport.write(ReaderTestZip(entries: [
            .init("xl/workbook.xml", Array(wb.utf8)),
            .init("xl/_rels/workbook.xml.rels", Array(rels.utf8)),
            .init("xl/worksheets/sheet1.xml", Array(sheet.utf8)),
            .init("xl/styles.xml", Array(styles.utf8)),
        ]).bytes(), to: path)
        return path
    }

    private func readError(_ path: String) -> String? {
        do {
            let r = try XLSXReader(path: path)
            for i in r.worksheets.indices { _ = try r.rows(sheet: i) }
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testASheetThatIsAnotherKindOfPartIsRefused() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        XCTAssertNil(readError(try workbook(targets: ["worksheets/sheet1.xml"], in: folder)), "the good workbook reads")
        let pointsAtWorkbook = try XCTUnwrap(readError(try workbook(targets: ["workbook.xml"], in: folder)))
        XCTAssertTrue(pointsAtWorkbook.contains("xl/workbook.xml") && pointsAtWorkbook.contains("is the workbook too"), pointsAtWorkbook)
        let pointsAtStyles = try XCTUnwrap(readError(try workbook(targets: ["styles.xml"], in: folder)))
        XCTAssertTrue(pointsAtStyles.contains("not a worksheet: its root element is <styleSheet>"), pointsAtStyles)
        let twoSheetsOnePart = try XCTUnwrap(readError(try workbook(targets: ["worksheets/sheet1.xml", "worksheets/../worksheets/sheet1.xml"], in: folder)))
        XCTAssertTrue(twoSheetsOnePart.contains("sheet \"T\" is sheet \"S\" too"), twoSheetsOnePart)
    }

    func testInspectExits65OnSuchAWorkbook() throws {
        let folder = try TestPaths.temporaryDirectory(self)
        let path = try workbook(targets: ["workbook.xml"], in: folder)
        let r = try runProcess(TestPaths.executable, ["inspect", path])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertEqual(r.stdout.count, 0)
        XCTAssertTrue(r.stderr.contains("is the workbook too"), r.stderr)
    }
}
