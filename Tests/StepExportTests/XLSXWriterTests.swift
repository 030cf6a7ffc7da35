import Bytes
import Foundation
import StepExportTestSupport
import Table
import Timestamps
import XCTest
@testable import XLSXWriter
@testable import ZipArchive

final class XLSXWriterTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory(self).path
    }


    struct TestRow {
        var values: [(Column, RowCells.Kind, String)]
        var instant = Timestamp(millis: 0)
        var offsetSeconds = 0
    }

    static let created = TimestampParser.parse("2022-11-03T00:00:00Z")!

    private func options(_ change: (inout XLSXOptions) -> Void = { _ in }) -> XLSXOptions {
        var o = XLSXOptions(stepIndexText: "2", title: "Checkout & \"pay\" <flow>", created: XLSXWriterTests.created,
                            temporaryDirectory: dir)
        change(&o)
        return o
    }

    private func write(_ rows: [TestRow], _ options: XLSXOptions) throws -> ([UInt8], XLSXSummary) {
        let sink = MemorySink()
        let writer = try XLSXWriter(sink: sink, options: options)
        let cells = RowCells()
        for r in rows {
            XLSXTestSupport.fill(cells, text: r.values, instant: r.instant, offsetSeconds: r.offsetSeconds)
            try writer.write(cells)
        }
        let summary = try writer.finish()
        XCTAssertEqual(summary.bytes, Int64(sink.bytes.count))
        return (sink.bytes, summary)
    }

    private func save(_ bytes: [UInt8], _ name: String = "out.xlsx") throws -> String {
        try XLSXTestSupport.save(bytes, in: dir, name: name)
    }

    /// A timestamp row value: the CSV form as the cell's bytes, the instant on the row.
    private func stamp(_ text: String, offsetSeconds: Int = 0) -> (TestRow) -> TestRow {
        let t = TimestampParser.parse(text)!
        return { row in
            var r = row
            r.values.append((.timestamp, .timestamp, XLSXTestSupport.csvTimestamp(t, offsetSeconds: offsetSeconds)))
            r.instant = t
            r.offsetSeconds = offsetSeconds
            return r
        }
    }

    /// Rows exercising every kind of cell and every escaping rule.
    private func mixedRows() -> [TestRow] {
        var rows: [TestRow] = []
        rows.append(stamp("2022-11-03T12:34:56.789Z")(TestRow(values: [
            (.eventID, .text, "e-1"),
            (.organizationID, .text, "0f0e0d0c-0000-4000-8000-000000000001"),
            (.workflowID, .text, "AAAAAAAA-0000-4000-8000-000000000002"),
            (.stepIndex, .number, "2"),
            (.stepName, .text, "Step two"),
            (.category, .text, "workflowReportingEvent"),
            (.action, .text, "a&b<c>d\"e'f"),
            (.pageURL, .text, "https://example.com/?a=1&b=2"),
            (.value, .number, "-1.5e3"),
            (.properties, .text, "x; y"),
            (.userID, .text, "  padded  "),
            (.vendor, .text, "tab\there"),
            (.source, .text, "line1\nline2\r\nline3\r"),
            (.geoCity, .text, "Zürich 東京 😀"),
            (.browserName, .text, "_x0041_ and _X0041_ and _xabcd_ and _x12G4_ and __x0000__"),
            (.osName, .text, "ctrl\u{1}\u{1F}\u{0}end"),
            (.osVersion, .text, "\u{FFFE}\u{FFFF}\u{FFFD}"),
            (.eventVersion, .number, "12345678901234567"),
            (.deviceScreenWidth, .number, "0"),
            (.label, .text, "=SUM(A1:A2)"),
        ])))
        rows.append(stamp("1900-02-28T23:59:59.999Z")(TestRow(values: [
            (.eventID, .text, "e-2"),
            (.category, .text, "workflowReportingEvent"),
            (.stepIndex, .number, "2"),
            (.label, .text, "+1"),
        ])))
        rows.append(stamp("1900-03-01T00:00:00Z")(TestRow(values: [
            (.eventID, .text, "e-3"),
            (.category, .text, "workflowReportingEvent"),
            (.stepIndex, .number, "3"),
            (.label, .text, "-1"),
        ])))
        rows.append(stamp("2023-07-15T12:00:00.5Z", offsetSeconds: 10800)(TestRow(values: [
            (.eventID, .text, "e-4"),
            (.category, .text, "goal"),
            (.deviceType, .text, " "),
            (.value, .number, "0.1"),
        ])))
        return rows
    }

    // MARK: Text rules

    private func escaped(_ s: String) -> String {
        escaped(Array(s.utf8))
    }

    private func escaped(_ bytes: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: bytes.count * XMLText.maxExpansion + 1)
        let n = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                XMLText.escapeCell(src.baseAddress ?? UnsafePointer(dst.baseAddress!), bytes.count, into: dst.baseAddress!)
            }
        }
        return String(decoding: out[0..<n], as: UTF8.self)
    }

    func testEscapesMarkupAndLineEnds() {
        XCTAssertEqual(escaped(""), "")
        XCTAssertEqual(escaped("plain text"), "plain text")
        XCTAssertEqual(escaped("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d\"e'f")
        XCTAssertEqual(escaped("t\tl\nc\r."), "t\tl\nc&#13;.")
        XCTAssertEqual(escaped("Zürich 東京 😀 \u{FFFD} \u{10FFFF}"), "Zürich 東京 😀 \u{FFFD} \u{10FFFF}")
    }

    func testEscapesEveryCharacterXMLCannotCarry() {
        for c in 0..<0x20 where c != 0x09 && c != 0x0A && c != 0x0D {
            let hex = String(format: "%04X", c)
            XCTAssertEqual(escaped([0x61, UInt8(c), 0x62]), "a_x\(hex)_b", "U+\(hex)")
        }
        XCTAssertEqual(escaped("\u{FFFE}"), "_xFFFE_")
        XCTAssertEqual(escaped("\u{FFFF}x"), "_xFFFF_x")
        XCTAssertEqual(escaped("\u{FFFD}\u{FFEF}"), "\u{FFFD}\u{FFEF}")
    }

    func testEscapesLiteralUnderscoreXSequences() {
        XCTAssertEqual(escaped("_x0041_"), "_x005F_x0041_")
        XCTAssertEqual(escaped("_xabcd_"), "_x005F_xabcd_")
        XCTAssertEqual(escaped("_xAbCd_"), "_x005F_xAbCd_")
        XCTAssertEqual(escaped("_x005F_"), "_x005F_x005F_")
        XCTAssertEqual(escaped("_x0041__x0042_"), "_x005F_x0041__x005F_x0042_")
        XCTAssertEqual(escaped("__x0041_"), "__x005F_x0041_")
        // Not the pattern: left alone.
        for s in ["_x004_", "_x00G1_", "_X0041_", "x0041_", "_x0041", "_ x0041_", "_", "__", "_x"] {
            XCTAssertEqual(escaped(s), s, s)
        }
    }

    func testReplacesBytesThatAreNotUTF8() {
        XCTAssertEqual(escaped([0x61, 0xFF, 0x62]), "a\u{FFFD}b")
        XCTAssertEqual(escaped([0xC3]), "\u{FFFD}")                    // truncated
        XCTAssertEqual(escaped([0xC0, 0x80]), "\u{FFFD}\u{FFFD}")        // overlong
        XCTAssertEqual(escaped([0xED, 0xA0, 0x80]), "\u{FFFD}\u{FFFD}\u{FFFD}") // surrogate
        XCTAssertEqual(escaped([0xF4, 0x90, 0x80, 0x80]), String(repeating: "\u{FFFD}", count: 4))
    }

    func testCutsAt32767UTF16UnitsNeverInsideASurrogatePair() {
        func cut(_ s: String) -> Int? {
            var b = Array(s.utf8)
            return b.withUnsafeMutableBufferPointer { XMLText.cutLength($0.baseAddress!, $0.count) }
        }
        let limit = XMLText.cellLimit
        XCTAssertNil(cut(String(repeating: "a", count: limit)))
        XCTAssertEqual(cut(String(repeating: "a", count: limit + 1)), limit)
        // 32,766 units, then a pair that would end at 32,768: cut before the pair.
        XCTAssertEqual(cut(String(repeating: "a", count: limit - 1) + "😀b"), limit - 1)
        // The pair ends exactly at the limit: it stays, what follows goes.
        XCTAssertEqual(cut(String(repeating: "a", count: limit - 2) + "😀b"), limit - 2 + 4)
        XCTAssertNil(cut(String(repeating: "a", count: limit - 2) + "😀"))
        // Three-byte characters count one unit each.
        XCTAssertNil(cut(String(repeating: "東", count: limit)))
        XCTAssertEqual(cut(String(repeating: "東", count: limit + 1)), limit * 3)
    }

    func testSerialsReadBackExactly() {
        var p = [UInt8](repeating: 0, count: 40)
        var ms: Int64 = TimestampFormat.excelFirstMillis
        var x: UInt64 = 88172645463325252
        for _ in 0..<20_000 {
            let serial = TimestampFormat.excelSerial(Timestamp(millis: ms), offsetSeconds: 0)!
            let n = p.withUnsafeMutableBufferPointer { XLSXWriter.writeSerial(serial, to: $0.baseAddress!) }
            let text = String(decoding: p[0..<n], as: UTF8.self)
            XCTAssertEqual(Double(text), serial, text)
            XCTAssertFalse(text.contains("e"), text)
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            ms += Int64(x % 20_000_000_000)
            if ms > Timestamp.latestMillis { ms = TimestampFormat.excelFirstMillis + Int64(x % 1000) }
        }
        XCTAssertEqual(writeSerial(61), "61")
        XCTAssertEqual(writeSerial(44868.5), "44868.5")
    }

    private func writeSerial(_ v: Double) -> String {
        var p = [UInt8](repeating: 0, count: 40)
        let n = p.withUnsafeMutableBufferPointer { XLSXWriter.writeSerial(v, to: $0.baseAddress!) }
        return String(decoding: p[0..<n], as: UTF8.self)
    }

    func testColumnWidthFormulaAndSheetNames() {
        XCTAssertEqual(XLSXColumns.width(characters: 8), "8.7109375")
        XCTAssertEqual(XLSXColumns.width(characters: 10), "10.7109375")
        XCTAssertEqual(XLSXColumns.letters.map { String(decoding: $0, as: UTF8.self) }.suffix(6),
                       ["Z", "AA", "AB", "AC", "AD", "AE"])
        XCTAssertEqual(XLSXWriter.sheetName(stepText: "3", number: 1), "Step 3")
        XCTAssertEqual(XLSXWriter.sheetName(stepText: "3", number: 12), "Step 3 (12)")
        let long = XLSXWriter.sheetName(stepText: String(repeating: "9", count: 40), number: 2)
        XCTAssertEqual(long.count, 31)
        XCTAssertTrue(long.hasSuffix(" (2)"))
    }

    // MARK: Whole workbooks

    /// Unpacks an xlsx (with Python's zipfile) into a fresh directory; returns it.
    private func unpack(_ path: String) throws -> String {
        let to = dir + "/unpacked-\(UUID().uuidString)"
        _ = try XLSXTestSupport.python("import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", [path, to])
        return to
    }

    /// Every part validated with xmllint against the schema schemas/README.md names for it.
    private func validateParts(_ path: String, sheets: Int, sharedStrings: Bool,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        // Without the schemas or xmllint the calling test goes on unvalidated (one line for the run);
        // with CI set that fails.
        guard ReaderTestSupport.available([.schemas, .xmllint], orLeaveOut: "XLSX parts are not validated with xmllint",
                                          file: file, line: line) else { return }
        let s = ReaderTestSupport.schemaDirectory
        let root = try unpack(path)
        var parts: [(String, String?)] = [
            ("[Content_Types].xml", s + "/opc-contentTypes.xsd"),
            ("_rels/.rels", s + "/opc-relationships.xsd"),
            ("xl/_rels/workbook.xml.rels", s + "/opc-relationships.xsd"),
            ("docProps/app.xml", s + "/shared-documentPropertiesExtended.xsd"),
            ("docProps/core.xml", nil),
            ("xl/workbook.xml", s + "/sml.xsd"),
            ("xl/styles.xml", s + "/sml.xsd"),
        ]
        for i in 1...sheets { parts.append(("xl/worksheets/sheet\(i).xml", s + "/sml.xsd")) }
        if sharedStrings { parts.append(("xl/sharedStrings.xml", s + "/sml.xsd")) }
        let listed = try XLSXTestSupport.python(
            "import sys, zipfile; print('\\n'.join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))", [path])
        XCTAssertEqual(listed.split(separator: "\n").map(String.init), parts.map { $0.0 }.sorted(),
                       "parts in the package", file: file, line: line)
        for (part, schema) in parts {
            var arguments = ["--nonet", "--noout"]
            if let schema = schema { arguments += ["--schema", schema] }
            let r = try ReaderTestSupport.run("xmllint", arguments + [root + "/" + part])
            XCTAssertEqual(r.status, 0, "\(part): \(r.stderr)", file: file, line: line)
        }
    }

    /// What openpyxl sees: per sheet, title, freeze pane, filter, dimensions, widths, header
    /// boldness, cell values (dates as ISO text) and, for row 2, types and number formats.
    static let openpyxlDump = """
    import sys, json, datetime, openpyxl
    wb = openpyxl.load_workbook(sys.argv[1])
    out = []
    for ws in wb.worksheets:
        rows = []
        for r in ws.iter_rows():
            rows.append([(c.value.isoformat() if isinstance(c.value, datetime.datetime) else c.value) for c in r])
        second = [[c.data_type, c.number_format] for c in ws[2]] if ws.max_row >= 2 else []
        out.append({'title': ws.title, 'freeze': ws.freeze_panes, 'filter': ws.auto_filter.ref,
                    'dimensions': ws.dimensions, 'bold': all(c.font.b for c in ws[1]),
                    'widths': [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, 32)],
                    'rows': rows, 'second': second})
    print(json.dumps({'sheets': out, 'title': wb.properties.title,
                      'created': wb.properties.created.isoformat(), 'modified': wb.properties.modified.isoformat()}))
    """

    private func openpyxl(_ path: String) throws -> [String: Any] {
        let text = try XLSXTestSupport.python(XLSXWriterTests.openpyxlDump, [path])
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    private func sheets(_ dump: [String: Any]) -> [[String: Any]] {
        dump["sheets"] as? [[String: Any]] ?? []
    }

    private func rows(_ sheet: [String: Any]) -> [[Any]] {
        sheet["rows"] as? [[Any]] ?? []
    }

    private func cell(_ sheet: [String: Any], _ row: Int, _ column: Column) -> Any {
        rows(sheet)[row - 1][column.rawValue]
    }

    func testWorkbookPartsValidateAgainstTheSchemas() throws {
        try ReaderTestSupport.require(.schemas, .xmllint)
        for storage in [XLSXStringStorage.inline, .shared, .adaptive] {
            let (bytes, _) = try write(mixedRows(), options { $0.stringStorage = storage })
            try validateParts(try save(bytes), sheets: 1, sharedStrings: storage != .inline)
        }
        // Header only.
        let (empty, summary) = try write([], options())
        XCTAssertEqual(summary, XLSXSummary(rows: 0, cutCells: 0, bytes: Int64(empty.count), sheets: 1))
        try validateParts(try save(empty, "empty.xlsx"), sheets: 1, sharedStrings: false)
    }

    func testOpenpyxlReadsCellsBack() throws {
        for storage in [XLSXStringStorage.inline, .shared] {
            try checkOpenpyxl(storage)
        }
    }

    private func checkOpenpyxl(_ storage: XLSXStringStorage) throws {
        let (bytes, summary) = try write(mixedRows(), options { $0.stringStorage = storage })
        XCTAssertEqual(summary.rows, 4)
        XCTAssertEqual(summary.cutCells, 0)
        let dump = try openpyxl(try save(bytes))
        XCTAssertEqual(dump["title"] as? String, "Checkout & \"pay\" <flow>")
        XCTAssertEqual(dump["created"] as? String, "2022-11-03T00:00:00")
        XCTAssertEqual(dump["modified"] as? String, "2022-11-03T00:00:00")
        let s = try XCTUnwrap(sheets(dump).first)
        XCTAssertEqual(sheets(dump).count, 1)
        XCTAssertEqual(s["title"] as? String, "Step 2")
        XCTAssertEqual(s["freeze"] as? String, "A2")
        XCTAssertEqual(s["filter"] as? String, "A1:AE5")
        XCTAssertEqual(s["dimensions"] as? String, "A1:AE5")
        XCTAssertEqual(s["bold"] as? Bool, true)
        XCTAssertEqual(rows(s)[0].compactMap { $0 as? String }, Column.allCases.map { "\($0.header)" })

        // Numbers are numbers, verbatim.
        XCTAssertEqual(cell(s, 2, .stepIndex) as? Int, 2)
        XCTAssertEqual(cell(s, 2, .value) as? Double, -1500)
        XCTAssertEqual((cell(s, 2, .eventVersion) as? NSNumber)?.int64Value, 12_345_678_901_234_567)
        XCTAssertEqual(cell(s, 2, .deviceScreenWidth) as? Int, 0)
        XCTAssertEqual(cell(s, 5, .value) as? Double, 0.1)
        // Dates: the serial of the (local) wall time, formatted.
        XCTAssertEqual(cell(s, 2, .timestamp) as? String, "2022-11-03T12:34:56.789000")
        XCTAssertEqual(cell(s, 5, .timestamp) as? String, "2023-07-15T15:00:00.500000")
        let second = try XCTUnwrap(s["second"] as? [[String]])
        XCTAssertEqual(second[Column.timestamp.rawValue], ["d", "yyyy-mm-dd hh:mm:ss.000"])
        XCTAssertEqual(second[Column.stepIndex.rawValue][0], "n")
        XCTAssertEqual(second[Column.eventID.rawValue][0], "s")
        // Text, escaped and given back; formulas are just text.
        XCTAssertEqual(cell(s, 2, .action) as? String, "a&b<c>d\"e'f")
        XCTAssertEqual(cell(s, 2, .pageURL) as? String, "https://example.com/?a=1&b=2")
        XCTAssertEqual(cell(s, 2, .userID) as? String, "  padded  ")
        XCTAssertEqual(cell(s, 2, .vendor) as? String, "tab\there")
        XCTAssertEqual(cell(s, 2, .source) as? String, "line1\nline2\r\nline3\r")
        XCTAssertEqual(cell(s, 2, .geoCity) as? String, "Zürich 東京 😀")
        XCTAssertEqual(cell(s, 2, .label) as? String, "=SUM(A1:A2)")
        XCTAssertEqual(cell(s, 5, .deviceType) as? String, " ")
        XCTAssertEqual(second[Column.label.rawValue][0], "s")
        // openpyxl does not decode _xHHHH_ (its reader leaves them as written), except that for
        // shared strings it drops every "x005F_"; calamine decodes them (testCalamineReadsCellsBack).
        XCTAssertEqual(cell(s, 2, .osName) as? String, "ctrl_x0001__x001F__x0000_end")
        XCTAssertEqual(cell(s, 2, .browserName) as? String, storage == .inline
                       ? "_x005F_x0041_ and _X0041_ and _x005F_xabcd_ and _x12G4_ and __x005F_x0000__"
                       : "_x0041_ and _X0041_ and _xabcd_ and _x12G4_ and __x0000__")
        // Before 1900-03-01: the CSV form as text. From 1900-03-01 on: a date.
        XCTAssertEqual(cell(s, 3, .timestamp) as? String, "1900-02-28T23:59:59.999Z")
        XCTAssertEqual(cell(s, 4, .timestamp) as? String, "1900-03-01T00:00:00")
        // Widths: at least the header (+ filter button), at most the cap.
        let widths = try XCTUnwrap(s["widths"] as? [Double])
        XCTAssertEqual(widths.count, 31)
        for (i, w) in widths.enumerated() {
            XCTAssertGreaterThanOrEqual(w, Double(Column.allCases[i].header.utf8CodeUnitCount + 2))
            XCTAssertLessThanOrEqual(w, 61)
        }
        XCTAssertGreaterThanOrEqual(widths[Column.timestamp.rawValue], 24)
    }

    static let calamineDump = """
    import sys, json, datetime
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_path(sys.argv[1])
    out = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = [[(v.isoformat() if isinstance(v, (datetime.datetime, datetime.date)) else v) for v in r] for r in rows]
    print(json.dumps(out))
    """

    private func calamine(_ path: String) throws -> [String: [[Any]]] {
        let text = try XLSXTestSupport.python(XLSXWriterTests.calamineDump, [path])
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [[Any]]], text)
    }

    func testCalamineReadsCellsBack() throws {
        for storage in [XLSXStringStorage.inline, .shared] {
            let (bytes, _) = try write(mixedRows(), options { $0.stringStorage = storage })
            let book = try calamine(try save(bytes))
            let rows = try XCTUnwrap(book["Step 2"])
            XCTAssertEqual(rows.count, 5)
            func at(_ row: Int, _ c: Column) -> Any { rows[row - 1][c.rawValue] }
            XCTAssertEqual(at(2, .osName) as? String, "ctrl\u{1}\u{1F}\u{0}end", "\(storage)")
            // calamine (0.9.1) leaves _xFFFE_ and _xFFFF_ undecoded; XML has no other way to
            // carry them, and Excel decodes them.
            XCTAssertEqual(at(2, .osVersion) as? String, "_xFFFE__xFFFF_\u{FFFD}", "\(storage)")
            XCTAssertEqual(at(2, .browserName) as? String,
                           "_x0041_ and _X0041_ and _xabcd_ and _x12G4_ and __x0000__", "\(storage)")
            XCTAssertEqual(at(2, .source) as? String, "line1\nline2\r\nline3\r", "\(storage)")
            XCTAssertEqual(at(2, .userID) as? String, "  padded  ", "\(storage)")
            XCTAssertEqual(at(2, .action) as? String, "a&b<c>d\"e'f", "\(storage)")
            XCTAssertEqual(at(2, .stepIndex) as? Double, 2, "\(storage)")
            XCTAssertEqual(at(2, .timestamp) as? String, "2022-11-03T12:34:56.789000", "\(storage)")
            XCTAssertEqual(at(3, .timestamp) as? String, "1900-02-28T23:59:59.999Z", "\(storage)")
            XCTAssertEqual(at(4, .timestamp) as? String, "1900-03-01", "\(storage)") // midnight: a date
        }
    }
}

extension XLSXWriterTests {
    private func numberedRows(_ count: Int, from first: Int = 1) -> [TestRow] {
        (first..<first + count).map { i in
            stamp("2022-11-03T00:00:0\(i % 10).\(100 + i)Z")(TestRow(values: [
                (.eventID, .text, "event-\(i)"),
                (.stepIndex, .number, "\(i)"),
                (.category, .text, "workflowReportingEvent"),
                (.visitorID, .text, "visitor-\(i % 3)"),
            ]))
        }
    }

    func testRowsPastTheLimitContinueOnNewSheets() throws {
        let (bytes, summary) = try write(numberedRows(8), options { $0.sheetRowLimit = 3 })
        XCTAssertEqual(summary.rows, 8)
        XCTAssertEqual(summary.sheets, 3)
        let path = try save(bytes)
        try validateParts(path, sheets: 3, sharedStrings: true)
        let dump = try openpyxl(path)
        let all = sheets(dump)
        XCTAssertEqual(all.map { $0["title"] as? String }, ["Step 2", "Step 2 (2)", "Step 2 (3)"])
        XCTAssertEqual(all.map { $0["dimensions"] as? String }, ["A1:AE4", "A1:AE4", "A1:AE3"])
        XCTAssertEqual(all.map { $0["filter"] as? String }, ["A1:AE4", "A1:AE4", "A1:AE3"])
        XCTAssertEqual(all.map { $0["freeze"] as? String }, ["A2", "A2", "A2"])
        var seen: [Int] = []
        for sheet in all {
            XCTAssertEqual(sheet["bold"] as? Bool, true)
            let r = rows(sheet)
            XCTAssertEqual(r[0].first as? String, "event_id", "header repeated")
            for row in r.dropFirst() {
                seen.append(row[Column.stepIndex.rawValue] as? Int ?? -1)
                XCTAssertEqual(row[Column.eventID.rawValue] as? String, "event-\(seen.last!)")
            }
        }
        XCTAssertEqual(seen, Array(1...8))
        // Exactly at the limit: no empty extra sheet.
        let (exact, exactSummary) = try write(numberedRows(6), options { $0.sheetRowLimit = 3 })
        XCTAssertEqual(exactSummary.sheets, 2)
        try validateParts(try save(exact, "exact.xlsx"), sheets: 2, sharedStrings: true)
    }

    func testSameBytesRunAfterRunAndWhateverTheThreadCount() throws {
        // Enough rows for several 1 MiB deflate chunks and more than the adaptive probe.
        let rows = numberedRows(30_000)
        let (one, _) = try write(rows, options { $0.compressionThreads = 0 })
        let (again, _) = try write(rows, options { $0.compressionThreads = 0 })
        let (single, _) = try write(rows, options { $0.compressionThreads = 1 })
        let (four, _) = try write(rows, options { $0.compressionThreads = 4 })
        XCTAssertEqual(one, again)
        XCTAssertEqual(one, single)
        XCTAssertEqual(one, four)
        let path = try save(four)
        try ReaderTestSupport.checkWithUnzip(path)
        _ = try XLSXTestSupport.python(XLSXTestSupport.pythonZipCheck, [path])
        try validateParts(path, sheets: 1, sharedStrings: true)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }, [],
                       "no spool file left behind")
        // The adaptive table: event_id (unique) went inline after the probe, category stayed shared.
        let root = try unpack(path)
        let sheet = try String(contentsOfFile: root + "/xl/worksheets/sheet1.xml", encoding: .utf8)
        XCTAssertTrue(sheet.contains("<row r=\"29999\"><c t=\"inlineStr\"><is><t>event-29998</t></is></c>"))
        XCTAssertTrue(sheet.contains("<row r=\"2\"><c t=\"s\">"))
        XCTAssertTrue(sheet.contains("<c r=\"G29999\" t=\"s\"><v>1</v></c>"))
        // A cell names its reference only after a gap: B (the timestamp) follows A directly,
        // E comes after the empty C and D.
        XCTAssertTrue(sheet.contains("</t></is></c><c s=\"\(XLSXParts.dateStyle)\"><v>"))
        XCTAssertTrue(sheet.contains("</v></c><c r=\"E29999\"><v>29998</v></c>"))
    }

    func testForcedZip64WorkbookReadsBack() throws {
        let (bytes, _) = try write(mixedRows(), options { $0.forceZip64 = true })
        let path = try save(bytes, "zip64.xlsx")
        try ReaderTestSupport.checkWithUnzip(path)
        let listing = try XLSXTestSupport.python(XLSXTestSupport.pythonZipCheck, [path])
        XCTAssertEqual(listing.split(separator: "\n").count, 9)
        let dump = try openpyxl(path)
        XCTAssertEqual(cell(try XCTUnwrap(sheets(dump).first), 2, .action) as? String, "a&b<c>d\"e'f")
        let book = try calamine(path)
        XCTAssertEqual(book["Step 2"]?.count, 5)
        let (plain, _) = try write(mixedRows(), options())
        XCTAssertGreaterThan(bytes.count, plain.count)
    }

    func testLongCellsAreCutAndCounted() throws {
        let limit = XMLText.cellLimit
        let straddling = String(repeating: "a", count: limit - 1) + "😀" + "tail"
        let long = String(repeating: "<&>", count: 20_000) // 60,000 units, escaping on the way
        let fits = String(repeating: "b", count: limit - 2) + "😀"
        let rows = [
            TestRow(values: [(.eventID, .text, "one"), (.pageURL, .text, straddling), (.label, .text, long)]),
            TestRow(values: [(.eventID, .text, "two"), (.pageURL, .text, fits)]),
        ]
        for storage in [XLSXStringStorage.inline, .shared] {
            let (bytes, summary) = try write(rows, options { $0.stringStorage = storage })
            XCTAssertEqual(summary.cutCells, 2)
            XCTAssertEqual(summary.rows, 2)
            let path = try save(bytes)
            try validateParts(path, sheets: 1, sharedStrings: storage == .shared)
            let dump = try openpyxl(path)
            let s = try XCTUnwrap(sheets(dump).first)
            XCTAssertEqual(cell(s, 2, .pageURL) as? String, String(repeating: "a", count: limit - 1))
            XCTAssertEqual((cell(s, 2, .label) as? String)?.utf16.count, limit)
            XCTAssertEqual(cell(s, 2, .label) as? String, String(String(long.utf16.prefix(limit))!))
            XCTAssertEqual(cell(s, 3, .pageURL) as? String, fits)
            // The capped widths.
            let widths = try XCTUnwrap(s["widths"] as? [Double])
            XCTAssertEqual(widths[Column.pageURL.rawValue], 60.7109375)
        }
    }

    func testHostileCellsStayBoundedAndValid() throws {
        let hugeNumber = "0." + String(repeating: "0", count: 200_000) + "1"
        let controls = String(repeating: "\u{1}", count: 1_000_000)   // 7 bytes each when escaped
        let invalid = [UInt8](repeating: 0xFF, count: 100_000)         // each becomes U+FFFD
        let sink = MemorySink()
        let writer = try XLSXWriter(sink: sink, options: options())
        let row = RowCells()
        XLSXTestSupport.fill(row, [(.value, .number, Array(hugeNumber.utf8)), (.label, .text, Array(controls.utf8)),
                                   (.action, .text, invalid), (.eventID, .text, Array("ok".utf8))])
        try writer.write(row)
        let summary = try writer.finish()
        XCTAssertEqual(summary.cutCells, 3)
        let path = try save(sink.bytes)
        try validateParts(path, sheets: 1, sharedStrings: true)
        let book = try calamine(path)
        let cells = try XCTUnwrap(book["Step 2"]?[1])
        XCTAssertEqual(cells[Column.value.rawValue] as? String, String(hugeNumber.prefix(XMLText.cellLimit)))
        XCTAssertEqual(cells[Column.label.rawValue] as? String, String(repeating: "\u{1}", count: XMLText.cellLimit))
        XCTAssertEqual(cells[Column.action.rawValue] as? String, String(repeating: "\u{FFFD}", count: XMLText.cellLimit))
        XCTAssertEqual(cells[Column.eventID.rawValue] as? String, "ok")
    }

    func testHeaderOnlyAndEmptyCells() throws {
        let rows = [
            TestRow(values: []),                                  // a row of nothing
            TestRow(values: [(.eventID, .text, ""), (.value, .number, "")]), // zero-length cells
            TestRow(values: [(.value, .number, "1e5"), (.stepIndex, .number, "not a number")]),
        ]
        let (bytes, summary) = try write(rows, options())
        XCTAssertEqual(summary.rows, 3)
        let path = try save(bytes)
        try validateParts(path, sheets: 1, sharedStrings: true)
        let dump = try openpyxl(path)
        let s = try XCTUnwrap(sheets(dump).first)
        XCTAssertEqual(s["dimensions"] as? String, "A1:AE4")
        XCTAssertTrue(cell(s, 2, .eventID) is NSNull)
        XCTAssertTrue(cell(s, 3, .eventID) is NSNull)
        XCTAssertTrue(cell(s, 3, .value) is NSNull)
        XCTAssertEqual(cell(s, 4, .value) as? Double, 100_000)
        XCTAssertEqual(cell(s, 4, .stepIndex) as? String, "not a number", "odd number text stays text")
    }

    func testMisuse() throws {
        let writer = try XLSXWriter(sink: MemorySink(), options: options())
        _ = try writer.finish()
        XCTAssertThrowsError(try writer.write(RowCells()))
        XCTAssertThrowsError(try writer.finish())
        XCTAssertThrowsError(try XLSXWriter(sink: MemorySink(), options: options { $0.sheetRowLimit = 0 }))
        let bad = try XLSXWriter(sink: MemorySink(), options: options { $0.temporaryDirectory = self.dir + "/nope" })
        XCTAssertThrowsError(try bad.write(RowCells()))
        XCTAssertThrowsError(try bad.finish(), "a failed writer stays failed")
    }
}

extension XLSXWriterTests {
    /// Leaves a sample workbook at $XLSX_SAMPLE (manual inspection); does nothing otherwise.
    func testWriteSampleWhenAsked() throws {
        guard let path = ProcessInfo.processInfo.environment["XLSX_SAMPLE"] else { return }
        let (bytes, _) = try write(mixedRows(), options())
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
