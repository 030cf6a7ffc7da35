import Bytes
import Foundation
import StepExportTestSupport
import XCTest
@testable import XLSXReader
import ZipArchive

/// What XLSXReader gives for the fixtures of Tests/interop/make_fixtures.py.
enum ReaderFixtureExpectations {
    static let openpyxlSheets = ["Step 2", "Step 2 (2)"]
    static let openpyxlRows: [[[String]]] = [
        [
            ["event_id", "timestamp", "value", "label", "flag"],
            ["e1", "2024-01-02 03:04:05.678", "42", "plain", "TRUE"],
            ["e2, comma", "1900-03-01 00:00:00.000", "1.5", "quote \" inside", "FALSE"],
            ["line\nbreak", "2023-12-31 23:59:59.999", "-0.25", " lead space", ""],
            ["unicod\u{e9} \u{2713} \u{1F600}", "", "12345678901234", "tab\there", ""],
            ["", "", "", "", ""],
            ["", "after gap", "", "0.1", ""],
        ],
        [
            ["event_id", "timestamp", "value"],
            ["e9", "2024-02-29 12:00:00.001", "7"],
        ],
    ]

    static let handmadeSheets = ["Zeta", "Alpha"]
    static func handmadeRows(date1904: Bool = false) -> [[[String]]] {
        let e8 = [String](repeating: "", count: 8)
        return [
            [
                ["hello", "", "Bold part", "", "", "", "", ""],
                e8,
                ["\u{6f22}\u{5b57}", "a\rb", "_x000D_", "ctl\u{1}x", "", "", "", ""],
                ["", date1904 ? "2028-01-03 03:04:05.678" : "2024-01-02 03:04:05.678",
                 date1904 ? "1904-03-02 00:00:00.000" : "1900-03-01 00:00:00.000", "7", "3.14159", "1E-3", "", ""],
                ["TRUE", "FALSE", "xy", "#N/A", "", "<tag> & \r end", "inline", ""],
                e8,
                e8,
                ["", "", "", "", "", "", "", "  two spaces  "],
            ],
            [
                ["name", "value", "", ""],
                ["rich", "-12.5", "", ""],
                ["", "A_x0041_", "x\r\ny", ""],
            ],
        ]
    }
}

final class XLSXReaderTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory(self).path
    }


    // MARK: Cell text

    func testUnescape() {
        XCTAssertEqual(XLSXCellText.unescape("a_x000D_b"), "a\rb")
        XCTAssertEqual(XLSXCellText.unescape("_x000d__x000A_"), "\r\n")
        XCTAssertEqual(XLSXCellText.unescape("_x005F_x000D_"), "_x000D_")
        XCTAssertEqual(XLSXCellText.unescape("_x005F_"), "_")
        XCTAssertEqual(XLSXCellText.unescape("_x0001__x001F_"), "\u{1}\u{1F}")
        XCTAssertEqual(XLSXCellText.unescape("_xD83D__xDE00_"), "\u{1F600}", "surrogate escapes pair up")
        XCTAssertEqual(XLSXCellText.unescape("_xD83D_x"), "\u{FFFD}x", "a lone surrogate is U+FFFD")
        for s in ["", "plain", "_x00", "_x000G_", "x000D_", "_X000D_", "__x00_", "\u{e9}_x00e9"] {
            XCTAssertEqual(XLSXCellText.unescape(s), s, "left alone: \(s)")
        }
        XCTAssertEqual(XLSXCellText.unescape("\u{e9}_x00E9_\u{1F600}"), "\u{e9}\u{e9}\u{1F600}")
    }

    func testReferencesAndNumbers() {
        XCTAssertTrue(XLSXCellText.parseReference("A1")! == (1, 1))
        XCTAssertTrue(XLSXCellText.parseReference("AE100")! == (31, 100))
        XCTAssertTrue(XLSXCellText.parseReference("XFD1048576")! == (16384, 1_048_576))
        for bad in ["", "A", "1", "A0", "XFE1", "A1048577", "A1B", "$A$1", "A 1", "1A"] {
            XCTAssertNil(XLSXCellText.parseReference(bad), bad)
        }
        XCTAssertEqual(XLSXCellText.columnName(1), "A")
        XCTAssertEqual(XLSXCellText.columnName(27), "AA")
        XCTAssertEqual(XLSXCellText.columnName(16384), "XFD")
        for good in ["0", "-1", "1.5", "1E-3", "-1.25e+300", ".5", "5.", "+3"] {
            XCTAssertTrue(XLSXCellText.isNumber(Array(good.utf8)), good)
        }
        for bad in ["", "-", "abc", "1e", "0x1p3", "inf", "nan", " 1", "1 ", "1.2.3", "1e5.5"] {
            XCTAssertFalse(XLSXCellText.isNumber(Array(bad.utf8)), bad)
        }
    }

    func testDateText() {
        XCTAssertEqual(XLSXCellText.dateText(serial: 45293.12784349537), "2024-01-02 03:04:05.678")
        XCTAssertEqual(XLSXCellText.dateText(serial: 61), "1900-03-01 00:00:00.000")
        XCTAssertEqual(XLSXCellText.dateText(serial: 60), "1900-02-29 00:00:00.000")
        XCTAssertEqual(XLSXCellText.dateText(serial: 59), "1900-02-28 00:00:00.000")
        XCTAssertEqual(XLSXCellText.dateText(serial: 1), "1900-01-01 00:00:00.000")
        XCTAssertEqual(XLSXCellText.dateText(serial: 25569), "1970-01-01 00:00:00.000")
        XCTAssertEqual(XLSXCellText.dateText(serial: 25569.5), "1970-01-01 12:00:00.000")
        // Rounded to the nearest millisecond, carrying into the next day.
        XCTAssertEqual(XLSXCellText.dateText(serial: 25569 + 0.9999999999), "1970-01-02 00:00:00.000")
        XCTAssertEqual(XLSXCellText.dateText(serial: 25569 + 1.4 / 86_400_000), "1970-01-01 00:00:00.001")
        XCTAssertEqual(XLSXCellText.dateText(serial: 2_958_465.999), "9999-12-31 23:58:33.600")
        XCTAssertNil(XLSXCellText.dateText(serial: 2_958_466))
        XCTAssertNil(XLSXCellText.dateText(serial: -1))
        XCTAssertNil(XLSXCellText.dateText(serial: .nan))
        XCTAssertEqual(XLSXCellText.dateText(serial: 0, date1904: true), "1904-01-01 00:00:00.000")
        XCTAssertEqual(XLSXCellText.dateText(serial: 45293.12784349537, date1904: true), "2028-01-03 03:04:05.678")
    }

    func testDateFormats() {
        for id in [14, 15, 22, 27, 36, 45, 47, 50, 58] { XCTAssertTrue(XLSXCellText.isBuiltinDateFormat(id), "\(id)") }
        for id in [0, 1, 2, 10, 11, 12, 13, 23, 37, 44, 48, 49, 59, 164] { XCTAssertFalse(XLSXCellText.isBuiltinDateFormat(id), "\(id)") }
        for code in ["yyyy-mm-dd hh:mm:ss.000", "d/m/yy", "[h]:mm:ss", "[$-409]mmmm d, yyyy", "hh:mm AM/PM",
                     "[Red]dd/mm", "\"at \"hh:mm", "YYYY", "[ss]"] {
            XCTAssertTrue(XLSXCellText.isDateFormatCode(code), code)
        }
        for code in ["General", "0.00", "#,##0", "0.00E+00", "\"Day \"0", "@", "[Red]0.00", "0;[Red]-0;\"d\"",
                     "\\d0", "_d0", "*d0", "0.00;dd/mm"] {
            XCTAssertFalse(XLSXCellText.isDateFormatCode(code), code)
        }
    }

    // MARK: Fixtures

    func testReadsOpenpyxlWorkbook() throws {
        let path = try ReaderTestSupport.makeFixture("openpyxl", in: dir)
        let reader = try XLSXReader(path: path)
        XCTAssertEqual(reader.sheets, ReaderFixtureExpectations.openpyxlSheets)
        XCTAssertFalse(reader.date1904)
        for (i, expected) in ReaderFixtureExpectations.openpyxlRows.enumerated() {
            XCTAssertEqual(try reader.rows(sheet: i), expected, "sheet \(i)")
        }
        XCTAssertThrowsError(try reader.rows(sheet: 2)) { e in
            XCTAssertTrue("\(e)".contains("no sheet 2 (the workbook has 2)"), "\(e)")
        }
    }

    func testReadsHandmadeWorkbook() throws {
        let path = try ReaderTestSupport.makeFixture("handmade", in: dir)
        let reader = try XLSXReader(path: path)
        XCTAssertEqual(reader.sheets, ReaderFixtureExpectations.handmadeSheets)
        XCTAssertEqual(reader.worksheets.map(\.part), ["xl/worksheets/sheet2.xml", "xl/worksheets/sheet1.xml"])
        let expected = ReaderFixtureExpectations.handmadeRows()
        for i in 0..<2 {
            XCTAssertEqual(try reader.rows(sheet: i), expected[i], "sheet \(reader.sheets[i])")
        }
    }

    func testReadsDate1904Workbook() throws {
        let path = try ReaderTestSupport.makeFixture("handmade1904", in: dir)
        let reader = try XLSXReader(path: path)
        XCTAssertTrue(reader.date1904)
        XCTAssertEqual(try reader.rows(sheet: 0), ReaderFixtureExpectations.handmadeRows(date1904: true)[0])
    }

    // MARK: Hand-built packages and their damage

    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    /// A stored-entry .xlsx with one sheet "S" (parts overridable, nil to leave one out).
    private func package(sheet: String, shared: String? = nil, styles: String? = nil,
                         workbook: String? = nil, rels: String? = nil,
                         extra: [(String, [UInt8])] = [], name: String = "p.xlsx") throws -> String {
        var entries: [ReaderTestZip.Entry] = []
        let wb = workbook ?? """
        <workbook xmlns="\(Self.main)" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>
        """
        entries.append(.init("xl/workbook.xml", Array(wb.utf8)))
        let r = rels ?? """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
        """
        entries.append(.init("xl/_rels/workbook.xml.rels", Array(r.utf8)))
        entries.append(.init("xl/worksheets/sheet1.xml", Array(sheet.utf8)))
        if let shared { entries.append(.init("xl/sharedStrings.xml", Array(shared.utf8))) }
        if let styles { entries.append(.init("xl/styles.xml", Array(styles.utf8))) }
        for (n, b) in extra { entries.append(.init(n, b)) }
        let path = dir + "/" + name
        try ReaderTestSupport.write(ReaderTestZip(entries: entries).bytes(), to: path)
        return path
    }

    private func sheetXML(_ data: String, dimension: String? = nil) -> String {
        let dim = dimension.map { "<dimension ref=\"\($0)\"/>" } ?? ""
        return "<worksheet xmlns=\"\(Self.main)\">\(dim)<sheetData>\(data)</sheetData></worksheet>"
    }

    private func readAll(_ path: String) throws -> [[[String]]] {
        let r = try XLSXReader(path: path)
        return try r.worksheets.indices.map { try r.rows(sheet: $0) }
    }

    private func assertReadError(_ path: String, contains fragment: String, part: String? = "xl/worksheets/sheet1.xml",
                                 file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try readAll(path)
            XCTFail("no error, expected \"\(fragment)\"", file: file, line: line)
        } catch let e as XLSXReaderError {
            XCTAssertEqual(e.part, part, "\(e)", file: file, line: line)
            XCTAssertTrue(e.description.contains(fragment), "\"\(e)\" lacks \"\(fragment)\"", file: file, line: line)
        } catch {
            XCTAssertTrue("\(error)".contains(fragment), "\"\(error)\" lacks \"\(fragment)\"", file: file, line: line)
        }
    }

    func testGapsPaddingAndDimension() throws {
        // Dimension narrower than the data: rows keep their extra cells; width from dimension otherwise.
        let p1 = try package(sheet: sheetXML(#"<row r="2"><c r="C2"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></row>"#, dimension: "A1:B3"))
        XCTAssertEqual(try readAll(p1), [[["", ""], ["", "", "1"], ["2", ""]]])
        // No dimension: the width comes from a first pass.
        let p2 = try package(sheet: sheetXML(#"<row r="1"><c r="B1"><v>1</v></c></row><row r="4"><c r="D4"><v>2</v></c></row>"#), name: "p2.xlsx")
        XCTAssertEqual(try readAll(p2), [[["", "1", "", ""], ["", "", "", ""], ["", "", "", ""], ["", "", "", "2"]]])
        // Rows and cells without references follow on.
        let p3 = try package(sheet: sheetXML(#"<row><c><v>1</v></c><c r="C1"><v>3</v></c><c><v>4</v></c></row><row><c><v>5</v></c></row>"#), name: "p3.xlsx")
        XCTAssertEqual(try readAll(p3), [[["1", "", "3", "4"], ["5", "", "", ""]]])
        // An empty sheet.
        let p4 = try package(sheet: sheetXML(""), name: "p4.xlsx")
        XCTAssertEqual(try readAll(p4), [[]])
        let p5 = try package(sheet: "<worksheet xmlns=\"\(Self.main)\"><sheetData/></worksheet>", name: "p5.xlsx")
        XCTAssertEqual(try readAll(p5), [[]])
    }

    func testStructureErrors() throws {
        let onlyTypes = dir + "/types.xlsx"
        try ReaderTestSupport.write(ReaderTestZip(entries: [.init("[Content_Types].xml", Array("<Types/>".utf8))]).bytes(), to: onlyTypes)
        assertReadError(onlyTypes, contains: "not an xlsx workbook: the package has no xl/workbook.xml", part: nil)
        let noRel = try package(sheet: sheetXML(""), rels: "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>", name: "norel.xlsx")
        assertReadError(noRel, contains: "no relationship rId1 for sheet \"S\"", part: "xl/_rels/workbook.xml.rels")
        let missing = dir + "/missing.xlsx"
        try ReaderTestSupport.write(ReaderTestZip(entries: [
            .init("xl/workbook.xml", Array("<workbook xmlns=\"\(Self.main)\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".utf8)),
            .init("xl/_rels/workbook.xml.rels", Array("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet9.xml\"/></Relationships>".utf8)),
        ]).bytes(), to: missing)
        assertReadError(missing, contains: "missing: it is sheet \"S\"", part: "xl/worksheets/sheet9.xml")
        let badWorkbook = try package(sheet: sheetXML(""), workbook: "<workbook><sheets>", name: "badwb.xlsx")
        assertReadError(badWorkbook, contains: "malformed XML: line 1", part: "xl/workbook.xml")
    }

    func testCellErrors() throws {
        let cases: [(String, String)] = [
            (#"<row r="1"><c r="A1"><v>1</v></c>"#, "malformed XML"),                      // unclosed
            (#"<row r="1"><c r="A0"><v>1</v></c></row>"#, "cell has an invalid reference"),
            (#"<row r="1"><c r="XFE1"><v>1</v></c></row>"#, "cell has an invalid reference"),
            (#"<row r="2"/><row r="1"/>"#, "row 1 is out of order (after row 2)"),
            (#"<row r="0"/>"#, "row has an invalid row number"),
            (#"<row r="1048577"/>"#, "row has an invalid row number"),
            (#"<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row>"#, "cell A1 is out of order (after column B)"),
            (#"<row r="1"><c r="A2"><v>1</v></c></row>"#, "cell A2 is inside row 1"),
            (#"<row r="1"><c r="A1"><v>abc</v></c></row>"#, "cell A1 has an invalid number \"abc\""),
            (#"<row r="1"><c r="A1"><v>0x10</v></c></row>"#, "invalid number"),
            (#"<row r="1"><c r="A1" t="b"><v>2</v></c></row>"#, "cell A1 has an invalid boolean \"2\""),
            (#"<row r="1"><c r="A1" t="zz"><v>2</v></c></row>"#, "cell A1 has an unknown type \"zz\""),
            (#"<row r="1"><c r="A1" t="s"><v>3</v></c></row>"#, "cell A1 refers to shared string 3, but there are only 0"),
            (#"<row r="1"><c r="A1" t="s"><v>-1</v></c></row>"#, "invalid shared string index"),
            (#"<row r="1"><c r="A1" s="4"><v>1</v></c></row>"#, "cell A1 has style 4, but the workbook has only 0 cell formats"),
            (#"<row r="1"><c r="A1" s="x"><v>1</v></c></row>"#, "invalid style index"),
        ]
        for (i, (data, fragment)) in cases.enumerated() {
            let path = try package(sheet: sheetXML(data), name: "c\(i).xlsx")
            assertReadError(path, contains: fragment)
        }
        // Not XML at all, a DTD, invalid UTF-8, a truncated document.
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>" + sheetXML(#"<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>"#)
        assertReadError(try package(sheet: dtd, name: "dtd.xlsx"), contains: "document type declaration")
        var bad = Array(sheetXML(#"<row r="1"><c r="A1" t="inlineStr"><is><t>XX</t></is></c></row>"#).utf8)
        let at = bad.firstIndex(of: UInt8(ascii: "X"))!
        bad[at] = 0xFF
        let badPath = dir + "/utf8.xlsx"
        try ReaderTestSupport.write(ReaderTestZip(entries: [
            .init("xl/workbook.xml", Array("<workbook xmlns=\"\(Self.main)\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".utf8)),
            .init("xl/_rels/workbook.xml.rels", Array("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".utf8)),
            .init("xl/worksheets/sheet1.xml", bad),
        ]).bytes(), to: badPath)
        assertReadError(badPath, contains: "malformed XML")
        // Nesting deeper than libxml2's limit (256 without XML_PARSE_HUGE).
        let deep = sheetXML(#"<row r="1"><c r="A1"><v>1</v>"# + String(repeating: "<x>", count: 5000) + String(repeating: "</x>", count: 5000) + "</c></row>")
        assertReadError(try package(sheet: deep, name: "deep.xlsx"), contains: "malformed XML")
        let full = sheetXML(#"<row r="1"><c r="A1"><v>1</v></c></row>"#)
        assertReadError(try package(sheet: String(full.prefix(full.count - 20)), name: "cut.xlsx"), contains: "malformed XML")
        // Shared strings damaged.
        assertReadError(try package(sheet: sheetXML(""), shared: "<sst xmlns=\"\(Self.main)\"><si><t>a</t></si>", name: "sst.xlsx"),
                        contains: "malformed XML", part: "xl/sharedStrings.xml")
    }

    func testSharedStringTableIsBounded() throws {
        let items = String(repeating: "<si/>", count: 40) + "<si><t>0123456789</t></si>"
        let path = try package(sheet: sheetXML(""), shared: "<sst xmlns=\"\(Self.main)\">\(items)</sst>", name: "sst.xlsx")
        XCTAssertNoThrow(try XLSXReader(path: path, sharedStringBudget: 41 * 32 + 10))
        XCTAssertThrowsError(try XLSXReader(path: path, sharedStringBudget: 41 * 32 + 9)) { e in
            XCTAssertTrue("\(e)".contains("xl/sharedStrings.xml: the shared string table is too large (over 1321 bytes with 40 strings)"), "\(e)")
        }
        XCTAssertThrowsError(try XLSXReader(path: path, sharedStringBudget: 20 * 32)) { e in
            XCTAssertTrue("\(e)".contains("too large (over 640 bytes with 20 strings)"), "\(e)")
        }
    }

    func testZipDamageInsideAWorkbookIsReported() throws {
        let path = try ReaderTestSupport.makeFixture("handmade", in: dir)
        var bytes = try ReaderTestSupport.read(path)
        // Corrupt the last entry's data (sheet2.xml, deflated): found when that sheet is read.
        let z = try ZipReader(path: path)
        let e = z.entry(named: "xl/worksheets/sheet2.xml")!
        bytes[Int(e.dataOffset) + Int(e.compressedSize) / 2] ^= 0x55
        let damaged = dir + "/damaged.xlsx"
        try ReaderTestSupport.write(bytes, to: damaged)
        let reader = try XLSXReader(path: damaged)
        XCTAssertThrowsError(try reader.rows(sheet: 0)) { err in
            XCTAssertTrue("\(err)".contains("xl/worksheets/sheet2.xml"), "\(err)")
        }
        XCTAssertNoThrow(try reader.rows(sheet: 1))
    }

    func testRandomDamageNeverCrashes() throws {
        // Byte flips in the XML of stored parts (CRC recomputed, so the XML parser sees them),
        // and in a deflated package: each read ends in rows or a clean error.
        let sheet = sheetXML(#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>x_x000D_</t></r></is></c><c r="C1" s="1"><v>45000.5</v></c></row><row r="3"><c t="b"><v>1</v></c></row>"#, dimension: "A1:C3")
        let shared = "<sst xmlns=\"\(Self.main)\"><si><t>s0</t></si></sst>"
        let styles = "<styleSheet xmlns=\"\(Self.main)\"><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/></numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>"
        let cleanPath = try package(sheet: sheet, shared: shared, styles: styles, name: "clean.xlsx")
        XCTAssertEqual(try readAll(cleanPath), [[["s0", "x\r", "2023-03-15 12:00:00.000"], ["", "", ""], ["TRUE", "", ""]]])
        var x: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
        var outcomes = [0, 0]
        for round in 0..<300 {
            var parts = [Array(sheet.utf8), Array(shared.utf8), Array(styles.utf8)]
            let which = Int(next() % 3)
            for _ in 0..<(1 + round % 3) {
                let at = Int(next() % UInt64(parts[which].count))
                parts[which][at] = UInt8(truncatingIfNeeded: next())
            }
            let path = try package(sheet: String(decoding: parts[0], as: UTF8.self),
                                   shared: String(decoding: parts[1], as: UTF8.self),
                                   styles: String(decoding: parts[2], as: UTF8.self), name: "fuzz.xlsx")
            do { _ = try readAll(path); outcomes[0] += 1 } catch is XLSXReaderError { outcomes[1] += 1 } catch is ZipReaderError { outcomes[1] += 1 }
        }
        XCTAssertGreaterThan(outcomes[1], 50)
        let fixture = try ReaderTestSupport.makeFixture("handmade", in: dir)
        let good = try ReaderTestSupport.read(fixture)
        for _ in 0..<200 {
            var bytes = good
            let at = Int(next() % UInt64(bytes.count))
            bytes[at] ^= UInt8(truncatingIfNeeded: next()) | 1
            let path = dir + "/fuzz2.xlsx"
            try ReaderTestSupport.write(bytes, to: path)
            do { _ = try readAll(path) } catch is XLSXReaderError {} catch is ZipReaderError {}
        }
    }

    // MARK: CSV

    private func csvFile(_ bytes: [UInt8], _ name: String = "t.csv") throws -> String {
        let path = dir + "/" + name
        try ReaderTestSupport.write(bytes, to: path)
        return path
    }

    func testCSVReaderParses() throws {
        let text = "a,b,c\r\n\"q,1\",\"he said \"\"hi\"\"\",\"multi\r\nline\"\r\n,,\r\nlast,row,no-newline"
        let r = try CSVReader(path: try csvFile(Array(text.utf8))).records()
        XCTAssertEqual(r, [["a", "b", "c"], ["q,1", "he said \"hi\"", "multi\r\nline"], ["", "", ""], ["last", "row", "no-newline"]])
        // LF endings, a BOM, an empty line, a trailing empty field, a semicolon delimiter.
        let lf = [0xEF, 0xBB, 0xBF] + Array("x;y\n\n1;\n\"\";\"a;b\"\n".utf8)
        XCTAssertEqual(try CSVReader(path: try csvFile(lf), delimiter: UInt8(ascii: ";")).records(),
                       [["x", "y"], [""], ["1", ""], ["", "a;b"]])
        XCTAssertEqual(try CSVReader(path: try csvFile([])).records(), [])
        XCTAssertEqual(try CSVReader(path: try csvFile([0xEF, 0xBB, 0xBF])).records(), [])
        XCTAssertThrowsError(try CSVReader(path: try csvFile([0xEF, 0xBB])).records()) { e in
            XCTAssertTrue("\(e)".contains("invalid UTF-8"), "\(e)")
        }
    }

    func testCSVReaderErrors() throws {
        let cases: [(String, String)] = [
            ("a,b\r\n\"open,c\r\nmore\r\n", ":2: quoted field opened on line 2 is never closed"),
            ("a,b\r\nx\"y,z\r\n", ":2: quote inside an unquoted field (field 1)"),
            ("a,\"b\"c\r\n", ":1: text after the closing quote of field 2"),
            ("a,b\rc\r\n", ":1: CR not followed by LF"),
            ("a,b\r", "CR not followed by LF at the end of the file"),
        ]
        for (i, (text, fragment)) in cases.enumerated() {
            let path = try csvFile(Array(text.utf8), "e\(i).csv")
            XCTAssertThrowsError(try CSVReader(path: path).records()) { e in
                XCTAssertTrue(e is CSVReaderError)
                XCTAssertTrue("\(e)".contains(fragment), "\"\(e)\" lacks \"\(fragment)\"")
            }
        }
        let invalid = try csvFile(Array("ok\r\nbad,".utf8) + [0xC3, 0x28], "utf8.csv")
        XCTAssertThrowsError(try CSVReader(path: invalid).records()) { e in
            XCTAssertTrue("\(e)".contains(":2: invalid UTF-8 in field 2"), "\(e)")
        }
        XCTAssertThrowsError(try CSVReader(path: dir + "/nope.csv").records()) { e in
            XCTAssertTrue("\(e)".contains("cannot open"), "\(e)")
        }
    }

    // MARK: Inspect

    private func inspect(_ path: String) throws -> String {
        let sink = MemorySink()
        try Inspect.run(path: path, output: sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    func testInspectCSVRoundTripsAnExport() throws {
        // A CSV in the form SPEC §6 writes: inspect prints the same bytes.
        let export = "event_id,timestamp,value,label\r\n" +
            "e1,2024-01-02T03:04:05.678Z,42,plain\r\n" +
            "\"e,2\",2024-01-02T03:04:05.678Z,,\"quote \"\" and\r\nbreak\"\r\n" +
            "e3,,1.5,\" lead\"\r\n" +
            "e4,,,'=formula\r\n"
        let path = try csvFile(Array(export.utf8), "export.csv")
        XCTAssertEqual(try inspect(path), export)
        let sink = MemorySink()
        let summary = try Inspect.run(path: path, output: sink)
        XCTAssertEqual(summary, InspectSummary(kind: .csv, sheets: [], rows: 5))
        // With a BOM and a tab delimiter (detected from the header), LF endings: normalized.
        let tabbed = [0xEF, 0xBB, 0xBF] + Array("event_id\tvalue\ne1\t\"a\tb\"\ne2\tx,y\n".utf8)
        XCTAssertEqual(try inspect(try csvFile(tabbed, "tab.csv")), "event_id,value\r\ne1,a\tb\r\ne2,\"x,y\"\r\n")
        XCTAssertEqual(try inspect(try csvFile(Array("event_id;value\r\ne1;1\r\n".utf8), "semi.csv")), "event_id,value\r\ne1,1\r\n")
        XCTAssertEqual(Inspect.detectDelimiter(Array("event_id,x".utf8)), UInt8(ascii: ","))
        XCTAssertEqual(Inspect.detectDelimiter(Array("event_id|x".utf8)), UInt8(ascii: "|"))
        XCTAssertEqual(Inspect.detectDelimiter(Array("event_idx".utf8)), UInt8(ascii: ","))
        XCTAssertEqual(Inspect.detectDelimiter(Array("name;x".utf8)), UInt8(ascii: ","))
    }

    func testInspectCSVErrors() throws {
        let path = try csvFile(Array("event_id,x\r\n\"unterminated\r\n".utf8), "bad.csv")
        XCTAssertThrowsError(try inspect(path)) { e in
            XCTAssertTrue("\(e)".contains("bad.csv:2: quoted field opened on line 2 is never closed"), "\(e)")
        }
        XCTAssertThrowsError(try inspect(dir + "/absent.csv")) { e in
            XCTAssertTrue("\(e)".contains("cannot open"), "\(e)")
        }
    }

    func testInspectXLSX() throws {
        let path = try ReaderTestSupport.makeFixture("openpyxl", in: dir)
        let expected = "event_id,timestamp,value,label,flag\r\n" +
            "e1,2024-01-02 03:04:05.678,42,plain,TRUE\r\n" +
            "\"e2, comma\",1900-03-01 00:00:00.000,1.5,\"quote \"\" inside\",FALSE\r\n" +
            "\"line\nbreak\",2023-12-31 23:59:59.999,-0.25,\" lead space\",\r\n" +
            "unicod\u{e9} \u{2713} \u{1F600},,12345678901234,tab\there,\r\n" +
            ",,,,\r\n" +
            ",after gap,,0.1,\r\n" +
            "event_id,timestamp,value\r\n" +
            "e9,2024-02-29 12:00:00.001,7\r\n"
        XCTAssertEqual(try inspect(path), expected)
        let summary = try Inspect.run(path: path, output: MemorySink())
        XCTAssertEqual(summary, InspectSummary(kind: .xlsx, sheets: ["Step 2", "Step 2 (2)"], rows: 9))
        // A damaged xlsx: an error naming the file, whatever its name.
        var bytes = try ReaderTestSupport.read(path)
        bytes.removeLast(100)
        let cut = dir + "/cut.bin"
        try ReaderTestSupport.write(bytes, to: cut)
        XCTAssertThrowsError(try inspect(cut)) { e in
            XCTAssertTrue(e is ZipReaderError, "\(e)")
            XCTAssertTrue("\(e)".contains("cut.bin: no end of central directory record"), "\(e)")
        }
        let notZip = try csvFile(Array("not a zip".utf8), "fake.xlsx")
        XCTAssertThrowsError(try inspect(notZip)) { e in
            XCTAssertTrue("\(e)".contains("fake.xlsx: too short for a zip archive (9 bytes)"), "\(e)")
        }
    }
}

private func == (a: (column: Int, row: Int), b: (Int, Int)) -> Bool { a.column == b.0 && a.row == b.1 }
