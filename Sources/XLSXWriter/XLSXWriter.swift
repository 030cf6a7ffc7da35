import Bytes
import FoundationEssentials
import Table
import Timestamps
import ZipArchive

public struct XLSXOptions {
    /// The step index as the request spelled it; sheets are `Step <n>`, `Step <n> (2)`, …
    public var stepIndexText: String
    /// The workflow's name: `docProps/core.xml`'s title.
    public var title: String?
    /// The interval start: `dcterms:created` and `dcterms:modified`.
    public var created: Timestamp
    /// Excel's 1,048,576 rows a sheet, less the header row.
    public static let maxSheetRows = 1_048_575
    /// Data rows per sheet (`maxSheetRows`; lowered only by tests).
    public var sheetRowLimit: Int = XLSXOptions.maxSheetRows
    /// Where sheets are spooled while written (anonymous files, gone when closed).
    public var temporaryDirectory: String
    /// Zip64 records on every entry and at the end even when not needed (tests).
    public var forceZip64: Bool = false
    /// Threads compressing sheet data while the calling thread writes the next rows (0: the
    /// caller compresses too). The file's bytes are the same for every value.
    public var compressionThreads: Int = XLSXWriter.defaultCompressionThreads
    /// How text cells are stored; see `XLSXStringStorage`. Part of the output format.
    public var stringStorage: XLSXStringStorage = .adaptive

    public init(stepIndexText: String, title: String? = nil, created: Timestamp,
                temporaryDirectory: String) {
        self.stepIndexText = stepIndexText
        self.title = title
        self.created = created
        self.temporaryDirectory = temporaryDirectory
    }
}

/// Where text cells' strings go.
///
/// Measured on synthetic event rows (constant ids, columns drawn from small vocabularies, four
/// unique ids per row), with the zlib level 2 of the time (the level is now 3, see
/// `ZipWriter.defaultDeflate`; the comparison between the storages is what matters here):
///
///     200,000 rows     file      writer CPU      20,000 rows   sheet XML   openpyxl*   calamine
///     inline         56.5 MB    2.5–3.0 s        inline         35.0 MB     8.8 s       1.05 s
///     adaptive       52.7 MB    2.7–2.8 s        adaptive       22.6 MB     5.8 s       0.69 s
///     (* read-only mode; CPU, min of 3. libxlsxwriter's constant-memory mode, which writes
///     inline strings, took 12.2–12.6 s for the same 200,000 rows: 47.8 MB at its level 6.)
///
/// A shared-string table makes each repeated value (workflow and organization ids, category,
/// label, step name, browser / OS / geo names) a short `<v>`: a third less XML, a file 7 %
/// smaller, and reading 1.5 × faster in both readers; writing costs about the same (deflate
/// has less to do, hashing a little more; the difference is within this machine's noise).
/// But a column of unique values (`event_id`, mostly `visitor_id`, `session_id`, `flow_id`)
/// gains nothing from the table, would make it grow with the row count, and readers hold the
/// whole table in memory. Hence `.adaptive`, the default: every text column starts out shared;
/// after the first `probeRows` data rows a column whose lookups mostly found new strings
/// (fewer than half hits) switches to inline strings for the rest of the workbook. The table
/// is bounded (`maxSharedStrings` strings, `maxSharedBytes` bytes); once full, new values go
/// inline. openpyxl, calamine and LibreOffice read both kinds. Every decision depends only on
/// the rows, so the output stays deterministic.
public enum XLSXStringStorage: Sendable {
    /// Every text cell inline (`t="inlineStr"`).
    case inline
    /// Every text cell through the (bounded) shared-string table.
    case shared
    /// Shared for columns whose values repeat, inline for the others (the default).
    case adaptive
}

public enum XLSXWriterError: Error, CustomStringConvertible {
    case usage(String)
    public var description: String {
        switch self { case let .usage(what): return "XLSX writer misuse: \(what)" }
    }
}

public struct XLSXSummary: Sendable, Equatable {
    /// Data rows written (not counting header rows).
    public var rows: Int
    /// Cells cut at 32,767 UTF-16 code units.
    public var cutCells: Int
    /// Bytes of the finished file.
    public var bytes: Int64
    /// Worksheets in the workbook.
    public var sheets: Int
}

/// Writes the XLSX answer (SPEC §7) row by row, straight into a zip stream.
///
/// Layout, in the spirit of libxlsxwriter's constant-memory mode and rust_xlsxwriter's
/// packager: each worksheet's XML is generated into the zip entry's chunk buffer and deflated a
/// chunk at a time into a spool file, so memory does not grow with the row count. The parts
/// of a sheet that come before `<sheetData>` but depend on all its rows (`<dimension>`, `<cols>`)
/// are made when the sheet ends and compressed as a separate deflate stream placed in front (see
/// `ZipStreamingEntry.close(prepending:)`), so column widths are measured on every row without
/// buffering any. The small parts are written when the workbook is finished, first in the zip
/// (`[Content_Types].xml` first, as Office does), then the sheets are copied in.
///
/// A cell names its reference (`r="E7"`) only after a gap in its row; the others are implied
/// (ECMA-376 Part 1, 18.3.1.4: the cell after the previous one). On the benchmark's write-heavy
/// sheet that is 25 % less XML, a file 38 % smaller and deflate 45 % faster (the row digits
/// repeated in every reference break deflate's matches). openpyxl, calamine and LibreOffice read
/// it back in `XLSXWriterTests` and the interop tests; Excel and Google Sheets accept it too.
///
/// Hot path: one `reserve` per row, then raw pointer writes; cell text is escaped with a
/// copy-runs fast path (`XMLText`); no allocation or `String` per cell.
public final class XLSXWriter {
    /// One worker per core, at most 4, none on a single core. (200,000 rows on this 2-core,
    /// shared machine: 4.2–4.9 s wall with 2 workers, 4.6–6.0 s with the caller compressing.)
    public static let defaultCompressionThreads: Int = {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return cores < 2 ? 0 : min(cores, 4)
    }()

    /// Rows of the workbook over which `.adaptive` watches each text column.
    static let probeRows = 1000
    static let maxSharedStrings = 1 << 18
    static let maxSharedBytes = 16 << 20

    final class Sheet {
        let number: Int
        let name: String
        let entry: ZipStreamingEntry
        /// Last row number written (1 = the header).
        var lastRow = 0
        var dataRows = 0
        /// Widest content per column, in characters.
        var widths = [Int](repeating: 0, count: Column.count)

        init(number: Int, name: String, entry: ZipStreamingEntry) {
            self.number = number
            self.name = name
            self.entry = entry
        }
    }

    enum ColumnStorage: UInt8 { case probing, shared, inline }

    private let zip: ZipWriter
    private let options: XLSXOptions
    private var sheet: Sheet?
    private var closedSheets: [Sheet] = []
    private let table: SharedStringTable
    private var storage: [ColumnStorage]
    private var lookups = [Int](repeating: 0, count: Column.count)
    private var hits = [Int](repeating: 0, count: Column.count)
    private var rows = 0
    private var cutCells = 0
    private var failed = false
    private var finished = false
    private let headerRowBody: [UInt8]

    public init(sink: OutputSink, options: XLSXOptions) throws {
        self.options = options
        var zo = ZipWriterOptions(temporaryDirectory: options.temporaryDirectory)
        zo.forceZip64 = options.forceZip64
        zo.threads = options.compressionThreads
        self.zip = ZipWriter(sink: sink, options: zo)
        self.table = SharedStringTable(maxCount: XLSXWriter.maxSharedStrings, maxBytes: XLSXWriter.maxSharedBytes)
        switch options.stringStorage {
        case .inline: storage = Array(repeating: .inline, count: Column.count)
        case .shared: storage = Array(repeating: .shared, count: Column.count)
        case .adaptive: storage = Array(repeating: .probing, count: Column.count)
        }
        // The header cells after `<row r="1">`: bold inline strings.
        let h = ByteBuffer(capacity: 4096)
        for column in Column.allCases {
            h.append("<c s=\"\(XLSXParts.boldStyle)\" t=\"inlineStr\"><is><t>")
            h.append(column.header)
            h.append("</t></is></c>")
        }
        headerRowBody = h.bytes
        guard options.sheetRowLimit >= 1 else { throw XLSXWriterError.usage("sheetRowLimit must be at least 1") }
    }

    // MARK: Sheets

    /// `Step <n>`, `Step <n> (2)`, … cut to Excel's 31 characters if the step text were long.
    static func sheetName(stepText: String, number: Int) -> String {
        let suffix = number == 1 ? "" : " (\(number))"
        var base = "Step " + stepText
        let room = 31 - suffix.utf16.count
        if base.utf16.count > room { base = String(base.prefix(room)) }
        return base + suffix
    }

    private func startSheet() throws {
        let number = closedSheets.count + 1
        let entry = try zip.beginStreamingEntry(name: "xl/worksheets/sheet\(number).xml")
        let s = Sheet(number: number, name: XLSXWriter.sheetName(stepText: options.stepIndexText, number: number),
                      entry: entry)
        for column in Column.allCases {
            s.widths[column.rawValue] = column.header.utf8CodeUnitCount + XLSXColumns.filterButtonCharacters
        }
        let b = entry.buffer
        b.append("<sheetData><row r=\"1\">")
        b.append(headerRowBody)
        b.append("</row>")
        s.lastRow = 1
        sheet = s
        try entry.didAppend()
    }

    private func closeSheet(_ s: Sheet) throws {
        let b = s.entry.buffer
        b.append("</sheetData><autoFilter ref=\"A1:\(XLSXColumns.lastLetters)\(s.lastRow)\"/>"
                 + "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
                 + "</worksheet>")
        // What goes before <sheetData>, now that the sheet's extent and widths are known.
        let p = ByteBuffer(capacity: 4096)
        p.append(XLSXParts.declaration)
        p.append("<worksheet xmlns=\"\(XLSXParts.mainNamespace)\">"
                 + "<dimension ref=\"A1:\(XLSXColumns.lastLetters)\(s.lastRow)\"/>"
                 + "<sheetViews><sheetView\(s.number == 1 ? " tabSelected=\"1\"" : "") workbookViewId=\"0\">"
                 + "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
                 + "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>"
                 + "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>")
        for i in 0..<Column.count {
            let chars = min(s.widths[i] + 1, XLSXColumns.maxCharacters)
            p.append("<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(XLSXColumns.width(characters: chars))\" customWidth=\"1\"/>")
        }
        p.append("</cols>")
        try s.entry.close(prepending: p.readable)
        closedSheets.append(s)
        sheet = nil
    }

    // MARK: Rows

    /// Appends one data row (continuing on a new sheet past `sheetRowLimit`).
    public func write(_ row: RowCells) throws {
        guard !failed, !finished else { throw XLSXWriterError.usage("write after finish or after a failure") }
        do {
            if let s = sheet, s.dataRows >= options.sheetRowLimit { try closeSheet(s) }
            if sheet == nil { try startSheet() }
            let s = sheet!
            s.lastRow += 1
            s.dataRows += 1
            rows += 1
            writeRow(row, number: s.lastRow, sheet: s)
            if rows == XLSXWriter.probeRows { decideStorage() }
            try s.entry.didAppend()
        } catch {
            failed = true
            throw error
        }
    }

    /// After the probe: columns whose values mostly repeated stay shared, the others go inline.
    private func decideStorage() {
        for i in 0..<Column.count where storage[i] == .probing {
            storage[i] = lookups[i] > 0 && hits[i] * 2 >= lookups[i] ? .shared : .inline
        }
    }

    /// Most bytes a row's XML can take besides its escaped text.
    static let rowOverhead = 64 + Column.count * 96

    private func writeRow(_ row: RowCells, number: Int, sheet s: Sheet) {
        let buffer = s.entry.buffer
        // Room for the row: a cell's text is at most `maxCellBytes` once cut, whatever came in.
        var textBound = 0
        if row.byteCount > XMLText.maxCellBytes {
            for c in 0..<Column.count { textBound += min(row.cells[c].length, XMLText.maxCellBytes) }
        } else {
            textBound = row.byteCount
        }
        let d = buffer.reserve(XLSXWriter.rowOverhead + textBound * XMLText.maxExpansion)
        var o = 0
        @inline(__always) func put(_ text: StaticString) {
            (d + o).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            o += text.utf8CodeUnitCount
        }
        @inline(__always) func putDecimal(_ value: Int) -> Int {
            var v = value
            var len = 1
            var t = v / 10
            while t > 0 { len += 1; t /= 10 }
            for k in stride(from: len - 1, through: 0, by: -1) {
                d[o + k] = UInt8(48 + v % 10)
                v /= 10
            }
            o += len
            return len
        }
        put("<row r=\"")
        let digitsAt = o
        let digitCount = putDecimal(number)
        put("\">")
        // A cell carries its reference only after a gap (an empty value is no cell): see
        // `XLSXWriter` for why and for the readers checked.
        var nextColumn = 0
        @inline(__always) func putRef(_ column: Int) {
            defer { nextColumn = column + 1 }
            if column == nextColumn {
                put("<c")
                return
            }
            put("<c r=\"")
            let letters = column < 26 ? 1 : 2
            if column < 26 {
                d[o] = UInt8(65 + column)
            } else {
                d[o] = UInt8(64 + column / 26); d[o + 1] = UInt8(65 + column % 26)
            }
            o += letters
            for k in 0..<digitCount { d[o + k] = d[digitsAt + k] }
            o += digitCount
            d[o] = 0x22 // "
            o += 1
        }
        for column in 0..<Column.count {
            let cell = row.cells[column]
            if cell.length == 0 && cell.kind != .timestamp { continue }
            let src = row.base(cell)
            var n = cell.length
            switch cell.kind {
            case .empty:
                continue
            case .number where XLSXWriter.isNumberText(src, n):
                putRef(column)
                put("><v>")
                (d + o).update(from: src, count: n)
                o += n
                put("</v></c>")
                let shown = min(n, 11) // General format shows about 11 characters
                if shown > s.widths[column] { s.widths[column] = shown }
                continue
            case .timestamp:
                if let serial = TimestampFormat.excelSerial(row.instant, offsetSeconds: row.offsetSeconds) {
                    putRef(column)
                    put(" s=\"")
                    _ = putDecimal(XLSXParts.dateStyle)
                    put("\"><v>")
                    o += XLSXWriter.writeSerial(serial, to: d + o)
                    put("</v></c>")
                    if s.widths[column] < 23 { s.widths[column] = 23 } // yyyy-mm-dd hh:mm:ss.000
                    continue
                }
                if n == 0 { continue }
            default:
                break
            }
            // A string cell (text, a timestamp Excel cannot show, a number column with odd text).
            if let cut = XMLText.cutLength(src, n) {
                n = cut
                cutCells += 1
            }
            let w = s.widths[column]
            if n > w && w < XLSXColumns.maxCharacters {
                let chars = XMLText.characterCount(src, n)
                if chars > w { s.widths[column] = chars }
            }
            let mode = storage[column]
            if mode != .inline {
                let before = table.count
                if let index = table.index(src, n) {
                    if mode == .probing {
                        lookups[column] += 1
                        if table.count == before { hits[column] += 1 }
                    }
                    putRef(column)
                    put(" t=\"s\"><v>")
                    _ = putDecimal(index)
                    put("</v></c>")
                    continue
                }
            }
            putRef(column)
            if XMLText.needsPreserve(src, n) {
                put(" t=\"inlineStr\"><is><t xml:space=\"preserve\">")
            } else {
                put(" t=\"inlineStr\"><is><t>")
            }
            o += XMLText.escapeCell(src, n, into: d + o)
            put("</t></is></c>")
        }
        put("</row>")
        buffer.commit(o)
    }

    /// Longest number text written as a number. JSON allows any length (`0.000…1` with a
    /// million zeros is a finite double); past this it is written as a (cut) string cell, which
    /// keeps the file one that Excel opens and the row's size bounded.
    static let maxNumberBytes = 1024

    /// JSON number text (what a number cell's `<v>` may hold): digits, sign, point, exponent.
    @inline(__always) static func isNumberText(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n > maxNumberBytes { return false }
        var digit = false
        for i in 0..<n {
            let c = p[i]
            if c >= 0x30 && c <= 0x39 { digit = true; continue }
            if c == 0x2D || c == 0x2B || c == 0x2E || c == 0x45 || c == 0x65 { continue }
            return false
        }
        return digit
    }

    /// Writes the shortest text that reads back as `value` (Swift's own float printing, through
    /// `TextOutputStream._writeASCII` so no String is made), dropping a trailing `.0`. Returns
    /// the byte count (at most 32).
    static func writeSerial(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var out = SerialOutput(p: p)
        value.write(to: &out)
        var n = out.count
        if n >= 2 && p[n - 2] == 0x2E && p[n - 1] == 0x30 { n -= 2 }
        return n
    }

    struct SerialOutput: TextOutputStream {
        let p: UnsafeMutablePointer<UInt8>
        var count = 0
        init(p: UnsafeMutablePointer<UInt8>) { self.p = p }
        mutating func write(_ string: String) {
            for b in string.utf8 where count < 32 { p[count] = b; count += 1 }
        }
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
            for b in buffer where count < 32 { p[count] = b; count += 1 }
        }
    }

    // MARK: Finish

    /// Ends the last sheet, writes the package parts and the zip's central directory.
    public func finish() throws -> XLSXSummary {
        guard !failed, !finished else { throw XLSXWriterError.usage("finish called twice or after a failure") }
        finished = true
        do {
            if sheet == nil && closedSheets.isEmpty { try startSheet() }
            if let s = sheet { try closeSheet(s) }
            let sheets = closedSheets
            let names = sheets.map { $0.name }
            let shared = table.count > 0
            try zip.addEntry(name: "[Content_Types].xml", buffer: XLSXParts.contentTypes(sheets: sheets.count, sharedStrings: shared))
            try zip.addEntry(name: "_rels/.rels", buffer: XLSXParts.rootRelationships())
            try zip.addEntry(name: "docProps/app.xml", buffer: XLSXParts.app(sheetNames: names))
            try zip.addEntry(name: "docProps/core.xml", buffer: XLSXParts.core(title: options.title, created: options.created))
            try zip.addEntry(name: "xl/workbook.xml", buffer: XLSXParts.workbook(sheetNames: names, lastRows: sheets.map { $0.lastRow }))
            try zip.addEntry(name: "xl/_rels/workbook.xml.rels", buffer: XLSXParts.workbookRelationships(sheets: sheets.count, sharedStrings: shared))
            try zip.addEntry(name: "xl/styles.xml", buffer: XLSXParts.styles())
            if shared { try writeSharedStrings() }
            for s in sheets { try zip.addEntry(s.entry) }
            let bytes = try zip.finish()
            return XLSXSummary(rows: rows, cutCells: cutCells, bytes: bytes, sheets: sheets.count)
        } catch {
            failed = true
            for s in closedSheets { s.entry.discard() }
            sheet?.entry.discard()
            throw error
        }
    }

    private func writeSharedStrings() throws {
        let entry = try zip.beginStreamingEntry(name: "xl/sharedStrings.xml")
        entry.buffer.append(XLSXParts.declaration)
        entry.buffer.append("<sst xmlns=\"\(XLSXParts.mainNamespace)\""
                            + " count=\"\(table.references)\" uniqueCount=\"\(table.count)\">")
        for i in 0..<table.count {
            let (p, n) = table.string(i)
            let b = entry.buffer
            let d = b.reserve(64 + n * XMLText.maxExpansion)
            var o = 0
            @inline(__always) func put(_ text: StaticString) {
                (d + o).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
                o += text.utf8CodeUnitCount
            }
            put(XMLText.needsPreserve(p, n) ? "<si><t xml:space=\"preserve\">" : "<si><t>")
            o += XMLText.escapeCell(p, n, into: d + o)
            put("</t></si>")
            b.commit(o)
            try entry.didAppend()
        }
        entry.buffer.append("</sst>")
        try entry.close()
        try zip.addEntry(entry)
    }
}
