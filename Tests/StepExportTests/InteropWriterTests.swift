import Bytes
import Foundation
import StepExportTestSupport
import Table
import Timestamps
import XCTest
import XLSXReader
import XLSXWriter
import ZipArchive

/// The project's XLSXWriter output, read back with XLSXReader, validated part by part against
/// the schemas, and opened with openpyxl, calamine and LibreOffice.
final class InteropWriterTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory(self).path
    }


    /// One row to write: values by column, and the instant / offset of its timestamp.
    struct Row {
        var values: [Column: (RowCells.Kind, String)] = [:]
        var instant: Timestamp?
        var offsetSeconds = 0

        init(_ pairs: [(Column, RowCells.Kind, String)], timestamp: String? = nil, offsetSeconds: Int = 0) {
            for (c, k, v) in pairs { values[c] = (k, v) }
            self.offsetSeconds = offsetSeconds
            if let timestamp {
                let t = TimestampParser.parse(timestamp)!
                instant = t
                values[.timestamp] = (.timestamp, Self.csvForm(t, offsetSeconds))
            }
        }

        static func csvForm(_ t: Timestamp, _ offset: Int) -> String {
            var out = [UInt8](repeating: 0, count: 40)
            let n = out.withUnsafeMutableBufferPointer { p in
                offset == 0 ? TimestampFormat.utc(t, to: p.baseAddress!) : TimestampFormat.local(t, offsetSeconds: offset, to: p.baseAddress!)
            }
            return String(decoding: out[0..<n], as: UTF8.self)
        }

        /// The row as a reader should see it: 31 cells; a date cell as `YYYY-MM-DD HH:MM:SS.mmm`
        /// (local time), a timestamp before 1900-03-01 as its CSV text; long text cut at 32,767
        /// UTF-16 units (never inside a surrogate pair).
        var expected: [String] {
            Column.allCases.map { c -> String in
                guard let (kind, text) = values[c] else { return "" }
                switch kind {
                case .empty: return ""
                case .number: return text
                case .text: return Self.cut(text)
                case .timestamp:
                    if let t = instant, TimestampFormat.excelSerial(t, offsetSeconds: offsetSeconds) != nil {
                        return String(text.prefix(23)).replacingOccurrences(of: "T", with: " ")
                    }
                    return text
                }
            }
        }

        static func cut(_ s: String) -> String {
            let units = Array(s.utf16)
            guard units.count > 32_767 else { return s }
            var n = 32_767
            if UTF16.isLeadSurrogate(units[n - 1]) { n -= 1 }
            return String(decoding: units[0..<n], as: UTF16.self)
        }
    }

    static let header = Column.allCases.map { "\($0.header)" }

    private func write(_ rows: [Row], name: String = "w.xlsx", _ change: (inout XLSXOptions) -> Void = { _ in }) throws -> (String, XLSXSummary) {
        var options = XLSXOptions(stepIndexText: "2", title: "Interop", created: TimestampParser.parse("2024-01-01T00:00:00Z")!,
                                  temporaryDirectory: dir)
        change(&options)
        let path = dir + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        let sink = FileDescriptorSink(fd: fd, path: path)
        let writer = try XLSXWriter(sink: sink, options: options)
        let cells = RowCells()
        for r in rows {
            cells.reset()
            cells.instant = r.instant ?? Timestamp(millis: 0)
            cells.offsetSeconds = r.offsetSeconds
            for c in Column.allCases {
                guard let (kind, text) = r.values[c] else { continue }
                let start = cells.text.count
                cells.text.append(text)
                cells.set(c, kind: kind, from: start)
            }
            try writer.write(cells)
        }
        return (path, try writer.finish())
    }

    /// Rows every reader shows the same way: no control characters or `_xHHHH_` look-alikes.
    static let plainRows: [Row] = [
        Row([(.eventID, .text, "e-1"), (.organizationID, .text, "0f0e0d0c-0000-4000-8000-000000000001"),
             (.workflowID, .text, "AAAAAAAA-0000-4000-8000-000000000002"), (.stepIndex, .number, "2"),
             (.stepName, .text, "Step two"), (.category, .text, "workflowReportingEvent"),
             (.label, .text, "=SUM(A1:A2)"), (.action, .text, "a&b<c>d\"e'f"),
             (.pageURL, .text, "https://example.com/?a=1&b=2"), (.value, .number, "-1.5e3"),
             (.properties, .text, "x; y"), (.userID, .text, "  padded  "), (.vendor, .text, "tab\there"),
             (.source, .text, "line1\nline2"), (.geoCity, .text, "Zürich 東京 😀"),
             (.eventVersion, .number, "12345678901234567"), (.deviceScreenWidth, .number, "0"),
             (.browserName, .text, "comma, and \"quotes\"")],
            timestamp: "2022-11-03T12:34:56.789Z"),
        Row([(.eventID, .text, "e-2"), (.stepIndex, .number, "3"), (.label, .text, "+1"), (.value, .number, "0.1")],
            timestamp: "1900-03-01T00:00:00Z"),
        Row([(.eventID, .text, "e-3"), (.category, .text, "goal"), (.deviceType, .text, " "), (.value, .number, "1E+300")],
            timestamp: "2023-07-15T12:00:00.5Z", offsetSeconds: 10_800),
        Row([(.eventID, .text, "e-4"), (.label, .text, "-1"), (.osName, .text, "@home")],
            timestamp: "1900-02-28T23:59:59.999Z"),
        Row([(.eventID, .text, "e-5"), (.deviceScreenHeight, .number, "1080")], timestamp: "9999-12-31T23:59:59.999Z"),
    ]

    /// Rows whose text needs `_xHHHH_` escapes or character references.
    static let escapeRows: [Row] = [
        Row([(.eventID, .text, "x-1"), (.osName, .text, "ctrl\u{1}\u{1F}\u{0}end"), (.osVersion, .text, "\u{FFFE}\u{FFFF}\u{FFFD}"),
             (.browserName, .text, "_x0041_ and _X0041_ and _xabcd_ and _x12G4_ and __x0000__"),
             (.source, .text, "cr\r lf\n crlf\r\n"), (.label, .text, "_x005F_ stays")],
            timestamp: "2024-02-29T23:59:59.999Z"),
        Row([(.eventID, .text, "x-2"), (.label, .text, String(repeating: "a", count: 40_000)),
             (.action, .text, "a" + String(repeating: "😀", count: 20_000))], timestamp: "2024-03-01T00:00:00Z"),
    ]

    private func readBack(_ path: String) throws -> (sheets: [String], rows: [[[String]]]) {
        let r = try XLSXReader(path: path)
        return (r.sheets, try r.worksheets.indices.map { try r.rows(sheet: $0) })
    }

    func testXLSXReaderReadsTheWriterBackInEveryStringStorage() throws {
        let rows = Self.plainRows + Self.escapeRows
        let expected = [Self.header] + rows.map(\.expected)
        var sizes: [XLSXStringStorage: Int64] = [:]
        for storage in [XLSXStringStorage.inline, .shared, .adaptive] {
            let (path, summary) = try write(rows, name: "\(storage).xlsx") { $0.stringStorage = storage }
            sizes[storage] = summary.bytes
            XCTAssertEqual(summary.cutCells, 2)
            let (sheets, got) = try readBack(path)
            XCTAssertEqual(sheets, ["Step 2"])
            XCTAssertEqual(got.count, 1)
            XCTAssertEqual(got[0].count, expected.count, "\(storage)")
            for (i, row) in got[0].enumerated() where i < expected.count {
                XCTAssertEqual(row, expected[i], "\(storage), row \(i + 1)")
            }
            try validateXLSXPackage(path: path)
        }
        XCTAssertEqual(sizes.count, 3)
    }

    func testSheetsPastTheRowLimitAndInspect() throws {
        let rows = (1...5).map { i in
            Row([(.eventID, .text, "event-\(i)"), (.stepIndex, .number, "\(i)")], timestamp: "2022-11-03T00:00:0\(i).00\(i)Z")
        }
        let (path, summary) = try write(rows) { $0.sheetRowLimit = 2 }
        XCTAssertEqual(summary.sheets, 3)
        let (sheets, got) = try readBack(path)
        XCTAssertEqual(sheets, ["Step 2", "Step 2 (2)", "Step 2 (3)"])
        XCTAssertEqual(got, [
            [Self.header, rows[0].expected, rows[1].expected],
            [Self.header, rows[2].expected, rows[3].expected],
            [Self.header, rows[4].expected],
        ])
        if let report = try validateXLSXPackage(path: path) {
            XCTAssertTrue(report.validated.contains { $0.part == "xl/worksheets/sheet3.xml" && $0.schema == "sml.xsd" }, "\(report.validated)")
        }
        // Inspect: every sheet's rows back to back, each starting with its header row.
        let sink = MemorySink()
        let s = try Inspect.run(path: path, output: sink)
        XCTAssertEqual(s, InspectSummary(kind: .xlsx, sheets: sheets, rows: 8))
        let headerLine = Self.header.joined(separator: ",") + "\r\n"
        func line(_ r: Row) -> String { r.expected.joined(separator: ",") + "\r\n" }
        XCTAssertEqual(String(decoding: sink.bytes, as: UTF8.self),
                       headerLine + line(rows[0]) + line(rows[1]) + headerLine + line(rows[2]) + line(rows[3]) + headerLine + line(rows[4]))
    }

    func testZip64AndHeaderOnlyWorkbooks() throws {
        let (path, _) = try write(Self.plainRows, name: "zip64.xlsx") { $0.forceZip64 = true }
        XCTAssertTrue(try ZipReader(path: path).isZip64)
        XCTAssertEqual(try readBack(path).rows, [[Self.header] + Self.plainRows.map(\.expected)])
        try validateXLSXPackage(path: path)
        let (empty, _) = try write([], name: "empty.xlsx")
        XCTAssertEqual(try readBack(empty).rows, [[Self.header]])
        try validateXLSXPackage(path: empty)
    }

    /// openpyxl, calamine and LibreOffice read the writer's plain rows as XLSXReader does.
    /// LibreOffice's CSV shows numbers as displayed (General: 15 significant digits), so for it
    /// numbers agree to a relative 1e-14.
    func testRealReadersReadTheWriter() throws {
        let expected = [Self.header] + Self.plainRows.map(\.expected)
        for storage in [XLSXStringStorage.inline, .shared] {
            let (path, _) = try write(Self.plainRows, name: "real-\(storage).xlsx") { $0.stringStorage = storage }
            XCTAssertEqual(try readBack(path).rows, [expected])
            try ReaderTestSupport.checkRealReaders(path, sheets: ["Step 2"], rows: [expected]) { reader, got, want in
                if ReaderTestSupport.cellsAgree(got, want) { return true }
                if reader == "libreoffice", let g = Double(got), let w = Double(want), w != 0 {
                    return abs(g - w) / abs(w) < 1e-14
                }
                return false
            }
        }
    }

    /// With escapes: XLSXReader and calamine decode `_xHHHH_` (Excel's rule); calamine 0.9.1
    /// leaves `_xFFFE_` / `_xFFFF_` undecoded. openpyxl 3.1 decodes none (and in shared strings
    /// drops `x005F_`), so it is not compared here.
    func testCalamineReadsTheWritersEscapes() throws {
        let expected = [Self.header] + Self.escapeRows.map(\.expected)
        for storage in [XLSXStringStorage.inline, .shared] {
            let (path, _) = try write(Self.escapeRows, name: "esc-\(storage).xlsx") { $0.stringStorage = storage }
            XCTAssertEqual(try readBack(path).rows, [expected])
            try ReaderTestSupport.checkRealReaders(path, sheets: ["Step 2"], rows: [expected], readers: ["calamine"]) { _, got, want in
                got == want || got == want.replacingOccurrences(of: "\u{FFFE}", with: "_xFFFE_").replacingOccurrences(of: "\u{FFFF}", with: "_xFFFF_")
            }
        }
    }
}
