import CLibXML2
import ZipArchive

/// One worksheet of a workbook, in workbook order.
public struct XLSXSheet: Sendable, Equatable {
    /// The tab name.
    public let name: String
    /// The worksheet part (`xl/worksheets/sheet1.xml`).
    public let part: String
}

/// Reads an .xlsx file back "as a reader sees it": workbook order and names of the worksheets,
/// then each worksheet's rows as text, streamed.
///
/// How parts are found: `_rels/.rels` → the workbook (`xl/workbook.xml` when there is no such
/// relationship); its sheets in order; `xl/_rels/workbook.xml.rels` → each sheet's part, the
/// shared strings and the styles (or their usual paths). Only worksheets are listed (a chartsheet
/// has no cells).
///
/// How cells read (`forEachRow`):
/// - shared (`t="s"`) and inline (`t="inlineStr"`) strings: the text of their `<t>` elements, rich
///   runs concatenated, phonetic runs (`<rPh>`) left out, `_xHHHH_` escapes decoded
///   (`XLSXCellText.unescape`);
/// - `t="str"` (formula text), `t="e"` (error) and `t="d"` (ISO date): the `<v>` text as is;
/// - booleans: `TRUE` / `FALSE`;
/// - numbers: their `<v>` text exactly; when the cell's style has a date or time number format,
///   the serial as `YYYY-MM-DD HH:MM:SS.mmm` (`XLSXCellText.dateText`, honouring `date1904`);
/// - a cell without a value: empty.
///
/// Rows start at row 1 and column A. Skipped cells and rows read as empty; every row is padded
/// with empty cells to the sheet's width (the last column of `<dimension>`, or where the sheet
/// has none, the rightmost cell found by a first pass), and a row that reaches further keeps
/// its extra cells.
///
/// A damaged part throws `XLSXReaderError` (naming the part and the problem) or `ZipReaderError`.
/// Memory is bounded: sheets are streamed through libxml2's `xmlTextReader` straight from the
/// zip entry; only the shared strings are held (at most `maxSharedStringBytes`). The rows printed
/// are bounded by Excel's grid (1,048,576 rows × 16,384 columns): a hostile `<dimension>` or
/// a far-off cell can make output large, never unbounded.
public final class XLSXReader {
    public let path: String
    public let worksheets: [XLSXSheet]
    /// True for a workbook in the 1904 date system.
    public let date1904: Bool
    /// Limit on the shared string table's memory: its UTF-8 bytes plus 32 bytes per string
    /// must stay within 1 GiB (so a table of millions of empty strings is refused too).
    public static let maxSharedStringBytes = 1 << 30

    fileprivate let zip: ZipReader
    private let sharedStrings: [String]
    /// Per cell style (`s`), whether its number format shows dates.
    fileprivate let dateStyles: [Bool]

    /// The sheet names, in workbook order.
    public var sheets: [String] { worksheets.map(\.name) }

    public convenience init(path: String) throws {
        try self.init(path: path, sharedStringBudget: XLSXReader.maxSharedStringBytes)
    }

    /// `sharedStringBudget`: the shared string table's limit (see `maxSharedStringBytes`; tests).
    init(path: String, sharedStringBudget: Int) throws {
        self.path = path
        let zip = try ZipReader(path: path)
        self.zip = zip
        _ = LibXML.ready

        let workbookPart = try XLSXReader.officeDocument(zip: zip, path: path)
        guard let workbookEntry = XLSXReader.lookup(zip, workbookPart) else {
            throw XLSXReaderError(path: path, part: nil,
                                  problem: "not an xlsx workbook: the package has no \(workbookPart)")
        }
        let workbook = try XLSXReader.readWorkbook(zip: zip, entry: workbookEntry, path: path)
        self.date1904 = workbook.date1904

        let relsPart = XLSXReader.relationshipsPart(of: workbookEntry.name)
        var rels: [Relationship] = []
        if let relsEntry = XLSXReader.lookup(zip, relsPart) {
            rels = try XLSXReader.readRelationships(zip: zip, entry: relsEntry, path: path)
        } else if !workbook.sheets.isEmpty {
            throw XLSXReaderError(path: path, part: relsPart, problem: "missing: the workbook's sheets cannot be found without it")
        }
        let base = XLSXReader.folder(of: workbookEntry.name)
        var sheets: [XLSXSheet] = []
        // Each part plays one role: a sheet that is the workbook or another sheet's part does not fit.
        var roles = [workbookEntry.name: "the workbook"]
        for s in workbook.sheets {
            guard let rel = rels.first(where: { $0.id == s.relationshipID }) else {
                throw XLSXReaderError(path: path, part: relsPart,
                                      problem: "no relationship \(s.relationshipID) for sheet \"\(s.name)\"")
            }
            guard rel.type.hasSuffix("/worksheet") else { continue }
            let target = XLSXReader.resolve(rel.target, base: base)
            guard let entry = XLSXReader.lookup(zip, target) else {
                throw XLSXReaderError(path: path, part: target, problem: "missing: it is sheet \"\(s.name)\"")
            }
            if let role = roles.updateValue("sheet \"\(s.name)\"", forKey: entry.name) {
                throw XLSXReaderError(path: path, part: entry.name, problem: "sheet \"\(s.name)\" is \(role) too")
            }
            sheets.append(XLSXSheet(name: s.name, part: entry.name))
        }
        self.worksheets = sheets

        func related(_ suffix: String, _ fallback: String) -> ZipEntry? {
            if let rel = rels.first(where: { $0.type.hasSuffix(suffix) }) {
                return XLSXReader.lookup(zip, XLSXReader.resolve(rel.target, base: base))
            }
            return XLSXReader.lookup(zip, fallback)
        }
        if let e = related("/sharedStrings", base + "sharedStrings.xml") {
            self.sharedStrings = try XLSXReader.readSharedStrings(zip: zip, entry: e, path: path, budget: sharedStringBudget)
        } else {
            self.sharedStrings = []
        }
        if let e = related("/styles", base + "styles.xml") {
            self.dateStyles = try XLSXReader.readDateStyles(zip: zip, entry: e, path: path)
        } else {
            self.dateStyles = []
        }
    }

    /// Calls `body` with each row of worksheet `sheet` (0-based, in `sheets` order), as text.
    /// The array passed is valid during the call only if copied (it is reused).
    public func forEachRow(sheet: Int, _ body: ([String]) throws -> Void) throws {
        guard worksheets.indices.contains(sheet) else {
            throw XLSXReaderError(path: path, part: nil,
                                  problem: "no sheet \(sheet) (the workbook has \(worksheets.count))")
        }
        let part = worksheets[sheet].part
        guard let entry = XLSXReader.lookup(zip, part) else {
            throw XLSXReaderError(path: path, part: part, problem: "missing")
        }
        var width = try WorksheetParser(reader: self, entry: entry, mode: .dimension).run { _ in }
        if width < 0 {
            width = try WorksheetParser(reader: self, entry: entry, mode: .scanWidth).run { _ in }
        }
        _ = try WorksheetParser(reader: self, entry: entry, mode: .rows(width: width)).run(body)
    }

    /// All rows of a sheet (for small sheets and tests).
    public func rows(sheet: Int) throws -> [[String]] {
        var out: [[String]] = []
        try forEachRow(sheet: sheet) { out.append($0) }
        return out
    }

    // MARK: Cells

    fileprivate func sharedString(_ index: Int) -> String? {
        sharedStrings.indices.contains(index) ? sharedStrings[index] : nil
    }

    fileprivate func isDateStyle(_ style: Int) -> Bool? {
        if dateStyles.indices.contains(style) { return dateStyles[style] }
        if style == 0 { return false } // no styles part: everything is General
        return nil
    }

    fileprivate var sharedStringCount: Int { sharedStrings.count }

    // MARK: Package structure

    struct Relationship {
        var id: String
        var type: String
        var target: String
    }

    private struct WorkbookInfo {
        var sheets: [(name: String, relationshipID: String)] = []
        var date1904 = false
    }

    /// Finds a part by name; OPC part names compare case-insensitively, so fall back to that.
    static func lookup(_ zip: ZipReader, _ name: String) -> ZipEntry? {
        if let e = zip.entry(named: name) { return e }
        let lower = name.lowercased()
        return zip.entries.first { $0.name.lowercased() == lower }
    }

    static func folder(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }

    static func relationshipsPart(of part: String) -> String {
        let f = folder(of: part)
        return f + "_rels/" + part.dropFirst(f.count) + ".rels"
    }

    /// Resolves a relationship target against the source part's folder (`/x` is from the root).
    static func resolve(_ target: String, base: String) -> String {
        let joined = target.hasPrefix("/") ? String(target.dropFirst()) : base + target
        var parts: [Substring] = []
        for seg in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if seg == "." { continue }
            if seg == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(seg)
        }
        return parts.joined(separator: "/")
    }

    private static func officeDocument(zip: ZipReader, path: String) throws -> String {
        guard let e = lookup(zip, "_rels/.rels") else { return "xl/workbook.xml" }
        let rels = try readRelationships(zip: zip, entry: e, path: path)
        if let r = rels.first(where: { $0.type.hasSuffix("/officeDocument") }) {
            return resolve(r.target, base: "")
        }
        return "xl/workbook.xml"
    }

    static func readRelationships(zip: ZipReader, entry: ZipEntry, path: String) throws -> [Relationship] {
        let x = try XMLPartReader(zip: zip, entry: entry, path: path)
        let relationship = x.intern("Relationship")
        var out: [Relationship] = []
        while try x.next() {
            guard x.nodeType == XML_READER_TYPE_ELEMENT.rawValue, x.localName == relationship else { continue }
            var id: String?, type = "", target: String?, external = false
            x.forEachAttribute { name, ns, value in
                guard ns == nil else { return }
                if xmlStringEquals(name, "Id") { id = xmlString(value) }
                else if xmlStringEquals(name, "Type") { type = xmlString(value) }
                else if xmlStringEquals(name, "Target") { target = xmlString(value) }
                else if xmlStringEquals(name, "TargetMode") { external = xmlStringEquals(value, "External") }
            }
            guard let id, let target else {
                throw x.fail("line \(x.lineNumber): a Relationship lacks its Id or Target")
            }
            if !external { out.append(Relationship(id: id, type: type, target: target)) }
        }
        return out
    }

    private static func readWorkbook(zip: ZipReader, entry: ZipEntry, path: String) throws -> WorkbookInfo {
        let x = try XMLPartReader(zip: zip, entry: entry, path: path)
        let sheet = x.intern("sheet"), workbookPr = x.intern("workbookPr")
        var info = WorkbookInfo()
        while try x.next() {
            guard x.nodeType == XML_READER_TYPE_ELEMENT.rawValue else { continue }
            let name = x.localName
            if name == sheet {
                var sheetName: String?, rid: String?
                x.forEachAttribute { local, ns, value in
                    if ns == nil && xmlStringEquals(local, "name") { sheetName = xmlString(value) }
                    else if ns != nil && xmlStringEquals(local, "id") { rid = xmlString(value) }
                }
                guard let sheetName, let rid else {
                    throw x.fail("line \(x.lineNumber): a <sheet> lacks its name or r:id")
                }
                info.sheets.append((XLSXCellText.unescape(sheetName), rid))
            } else if name == workbookPr {
                x.forEachAttribute { local, ns, value in
                    if ns == nil && xmlStringEquals(local, "date1904") {
                        info.date1904 = xmlStringEquals(value, "1") || xmlStringEquals(value, "true")
                    }
                }
            }
        }
        return info
    }

    /// The shared string table (`<si>` items, each read like an inline string).
    private static func readSharedStrings(zip: ZipReader, entry: ZipEntry, path: String, budget: Int) throws -> [String] {
        let x = try XMLPartReader(zip: zip, entry: entry, path: path)
        let si = x.intern("si")
        var text = RichTextCollector(x)
        var out: [String] = []
        var totalBytes = 0
        var inItem = false
        while try x.next() {
            let type = x.nodeType
            if type == XML_READER_TYPE_ELEMENT.rawValue {
                if x.localName == si {
                    text.reset()
                    if x.isEmptyElement {
                        totalBytes += 32
                        if totalBytes > budget {
                            throw x.fail("the shared string table is too large (over \(budget) bytes with \(out.count) strings)")
                        }
                        out.append("")
                    } else {
                        inItem = true
                    }
                    continue
                }
                if inItem { text.element() }
            } else if type == XML_READER_TYPE_END_ELEMENT.rawValue {
                if x.localName == si, inItem {
                    inItem = false
                    totalBytes += text.bytes.count + 32
                    if totalBytes > budget {
                        throw x.fail("the shared string table is too large (over \(budget) bytes with \(out.count) strings)")
                    }
                    out.append(XLSXCellText.unescape(text.bytes))
                } else if inItem {
                    text.endElement()
                }
            } else if inItem && x.isText {
                text.text()
            }
        }
        return out
    }

    /// For each cell format (`cellXfs/xf`, in order), whether its number format shows dates.
    private static func readDateStyles(zip: ZipReader, entry: ZipEntry, path: String) throws -> [Bool] {
        let x = try XMLPartReader(zip: zip, entry: entry, path: path)
        let numFmt = x.intern("numFmt"), cellXfs = x.intern("cellXfs"), xf = x.intern("xf")
        var custom: [Int: Bool] = [:]
        var xfFormats: [Int] = []
        var inCellXfs = false
        while try x.next() {
            let type = x.nodeType
            if type == XML_READER_TYPE_ELEMENT.rawValue {
                let name = x.localName
                if name == numFmt {
                    var id: Int?, code: String?
                    x.forEachAttribute { local, ns, value in
                        guard ns == nil else { return }
                        if xmlStringEquals(local, "numFmtId") {
                            id = XLSXCellText.parseIndex(UnsafeRawPointer(value).map { $0.assumingMemoryBound(to: UInt8.self) }, max: 1 << 20)
                        } else if xmlStringEquals(local, "formatCode") {
                            code = xmlString(value)
                        }
                    }
                    guard let id, let code else {
                        throw x.fail("line \(x.lineNumber): a <numFmt> lacks a valid numFmtId or formatCode")
                    }
                    custom[id] = XLSXCellText.isDateFormatCode(XLSXCellText.unescape(code))
                } else if name == cellXfs {
                    inCellXfs = !x.isEmptyElement
                } else if name == xf && inCellXfs {
                    var id = 0
                    x.forEachAttribute { local, ns, value in
                        if ns == nil && xmlStringEquals(local, "numFmtId") {
                            id = XLSXCellText.parseIndex(UnsafeRawPointer(value).map { $0.assumingMemoryBound(to: UInt8.self) }, max: 1 << 20) ?? -1
                        }
                    }
                    guard id >= 0 else { throw x.fail("line \(x.lineNumber): an <xf> has an invalid numFmtId") }
                    xfFormats.append(id)
                }
            } else if type == XML_READER_TYPE_END_ELEMENT.rawValue, x.localName == cellXfs {
                inCellXfs = false
            }
        }
        return xfFormats.map { custom[$0] ?? XLSXCellText.isBuiltinDateFormat($0) }
    }
}

/// Collects the text of a rich text element (`<si>`, `<is>`): the `<t>` elements, directly or in
/// runs (`<r>`), but not those of phonetic runs (`<rPh>`).
struct RichTextCollector {
    private let t: UnsafePointer<xmlChar>
    private let rPh: UnsafePointer<xmlChar>
    private unowned let x: XMLPartReader
    private(set) var bytes: [UInt8] = []
    private var inT = false
    private var phoneticDepth = 0

    init(_ x: XMLPartReader) {
        self.x = x
        self.t = x.intern("t")
        self.rPh = x.intern("rPh")
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        inT = false
        phoneticDepth = 0
    }

    /// At a start element inside the item.
    mutating func element() {
        let name = x.localName
        if name == rPh {
            if !x.isEmptyElement { phoneticDepth += 1 }
        } else if name == t && phoneticDepth == 0 {
            inT = !x.isEmptyElement
        }
    }

    mutating func endElement() {
        let name = x.localName
        if name == rPh { phoneticDepth -= 1 } else if name == t { inT = false }
    }

    mutating func text() {
        if inT { appendXMLString(x.value, to: &bytes) }
    }
}

/// One pass over a worksheet part.
private struct WorksheetParser {
    enum Mode {
        /// Only the `<dimension>` element: returns its last column, or -1 without one.
        case dimension
        /// Returns the rightmost cell's column.
        case scanWidth
        /// Emits rows padded to `width`.
        case rows(width: Int)
    }

    let owner: XLSXReader
    let x: XMLPartReader
    let mode: Mode
    let worksheet, sheetData, dimension, row, c, v, isElement: UnsafePointer<xmlChar>

    init(reader owner: XLSXReader, entry: ZipEntry, mode: Mode) throws {
        self.owner = owner
        self.mode = mode
        let x = try XMLPartReader(zip: owner.zip, entry: entry, path: owner.path)
        self.x = x
        worksheet = x.intern("worksheet"); sheetData = x.intern("sheetData"); dimension = x.intern("dimension"); row = x.intern("row")
        c = x.intern("c"); v = x.intern("v"); isElement = x.intern("is")
    }

    private func fail(_ problem: String) -> XLSXReaderError {
        x.fail("line \(x.lineNumber): \(problem)")
    }

    /// Runs the pass; returns the width found (see `Mode`).
    func run(_ body: ([String]) throws -> Void) throws -> Int {
        var width = 0
        var emitWidth = 0
        var emitting = false
        switch mode {
        case .dimension: width = -1
        case .scanWidth: break
        case .rows(let w): emitWidth = w; emitting = true
        }

        var cells: [String] = []
        var lastRow = 0          // last row number emitted
        var currentRow = 0
        var lastColumn = 0       // in the current row
        var inSheetData = false, inRow = false, inCell = false, inIs = false, inV = false
        var cellColumn = 0
        var cellType: CellType = .number
        var cellStyle = 0
        var vBytes: [UInt8] = []
        var rich = RichTextCollector(x)
        let emptyRow = [String](repeating: "", count: emitWidth)

        func emit(_ rowCells: [String]) throws {
            guard emitting else { return }
            if rowCells.count < emitWidth {
                try body(rowCells + emptyRow[rowCells.count...])
            } else {
                try body(rowCells)
            }
        }

        func place(_ value: String, at column: Int, in cells: inout [String]) throws {
            while cells.count < column - 1 { cells.append("") }
            cells.append(value)
        }

        func render(_ type: CellType, style: Int, v: [UInt8], rich: [UInt8], column: Int) throws -> String {
            var at: String { "\(XLSXCellText.columnName(column))\(currentRow)" } // for messages only
            switch type {
            case .inlineString:
                return XLSXCellText.unescape(rich)
            case .shared:
                guard !v.isEmpty else { return "" }
                guard let i = XLSXCellText.parseIndex(v, max: Int(Int32.max)) else {
                    throw fail("cell \(at) has an invalid shared string index \"\(String(decoding: v, as: UTF8.self))\"")
                }
                guard let s = owner.sharedString(i) else {
                    throw fail("cell \(at) refers to shared string \(i), but there are only \(owner.sharedStringCount)")
                }
                return s
            case .formulaString, .error, .isoDate:
                return XLSXCellText.unescape(v)
            case .boolean:
                if v == [0x31] { return "TRUE" }
                if v == [0x30] { return "FALSE" }
                if v.isEmpty { return "" }
                throw fail("cell \(at) has an invalid boolean \"\(String(decoding: v, as: UTF8.self))\"")
            case .number:
                guard !v.isEmpty else { return "" }
                guard XLSXCellText.isNumber(v) else {
                    throw fail("cell \(at) has an invalid number \"\(String(decoding: v.prefix(64), as: UTF8.self))\"")
                }
                guard let isDate = owner.isDateStyle(style) else {
                    throw fail("cell \(at) has style \(style), but the workbook has only \(owner.dateStyles.count) cell formats")
                }
                let text = String(decoding: v, as: UTF8.self)
                if isDate, let serial = Double(text), let d = XLSXCellText.dateText(serial: serial, date1904: owner.date1904) {
                    return d
                }
                return text
            }
        }

        var sawRoot = false
        while try x.next() {
            let type = x.nodeType
            if type == XML_READER_TYPE_ELEMENT.rawValue {
                let name = x.localName
                // A sheet's relationship may point at any part (the workbook itself, the styles):
                // only a <worksheet> is one, anything else would read as an empty sheet.
                if !sawRoot {
                    sawRoot = true
                    guard name == worksheet else { throw x.fail("not a worksheet: its root element is <\(xmlString(name))>") }
                }
                if inCell {
                    if name == v {
                        inV = !x.isEmptyElement
                        vBytes.removeAll(keepingCapacity: true)
                    } else if name == isElement {
                        inIs = !x.isEmptyElement
                        rich.reset()
                    } else if inIs {
                        rich.element()
                    }
                } else if inRow && name == c {
                    // <c r="C5" t="s" s="3">
                    var ref: (column: Int, row: Int)?
                    var refBad = false
                    var typeValue: UnsafePointer<xmlChar>?
                    var styleValue: UnsafePointer<xmlChar>?
                    x.forEachAttribute { local, ns, value in
                        guard ns == nil, let local else { return }
                        if local[0] == 0x72 && local[1] == 0 { // r
                            if let value { ref = XLSXCellText.parseReference(value) }
                            refBad = ref == nil
                        } else if local[0] == 0x74 && local[1] == 0 { // t
                            typeValue = value
                        } else if local[0] == 0x73 && local[1] == 0 { // s
                            styleValue = value
                        }
                    }
                    // The attribute values are only valid while on the element: read them now.
                    if refBad { throw fail("cell has an invalid reference") }
                    if let ref {
                        guard ref.row == currentRow else {
                            throw fail("cell \(XLSXCellText.columnName(ref.column))\(ref.row) is inside row \(currentRow)")
                        }
                        guard ref.column > lastColumn else {
                            throw fail("cell \(XLSXCellText.columnName(ref.column))\(ref.row) is out of order (after column \(XLSXCellText.columnName(lastColumn)))")
                        }
                        cellColumn = ref.column
                    } else {
                        cellColumn = lastColumn + 1
                        guard cellColumn <= XLSXCellText.maxColumns else { throw fail("row \(currentRow) has more than \(XLSXCellText.maxColumns) cells") }
                    }
                    lastColumn = cellColumn
                    width = max(width, cellColumn)
                    if emitting {
                        guard let t = CellType(typeValue) else {
                            throw fail("cell \(XLSXCellText.columnName(cellColumn))\(currentRow) has an unknown type \"\(xmlString(typeValue))\"")
                        }
                        cellType = t
                        if let styleValue {
                            guard let s = XLSXCellText.parseIndex(UnsafeRawPointer(styleValue).assumingMemoryBound(to: UInt8.self), max: 1 << 24) else {
                                throw fail("cell \(XLSXCellText.columnName(cellColumn))\(currentRow) has an invalid style index")
                            }
                            cellStyle = s
                        } else {
                            cellStyle = 0
                        }
                    }
                    vBytes.removeAll(keepingCapacity: true)
                    rich.reset()
                    if x.isEmptyElement {
                        if emitting { try place("", at: cellColumn, in: &cells) }
                    } else {
                        inCell = true
                    }
                } else if inSheetData && name == row {
                    var r: Int?
                    var bad = false
                    x.forEachAttribute { local, ns, value in
                        if ns == nil, let local, local[0] == 0x72 && local[1] == 0 {
                            r = XLSXCellText.parseIndex(UnsafeRawPointer(value).map { $0.assumingMemoryBound(to: UInt8.self) }, max: XLSXCellText.maxRows)
                            bad = r == nil || r == 0
                        }
                    }
                    if bad { throw fail("row has an invalid row number") }
                    let number = r ?? (currentRow + 1)
                    guard number > currentRow else {
                        throw fail("row \(number) is out of order (after row \(currentRow))")
                    }
                    guard number <= XLSXCellText.maxRows else { throw fail("more than \(XLSXCellText.maxRows) rows") }
                    // Skipped rows read as empty rows.
                    if emitting {
                        while lastRow + 1 < number { try emit([]); lastRow += 1 }
                    }
                    currentRow = number
                    lastColumn = 0
                    cells.removeAll(keepingCapacity: true)
                    if x.isEmptyElement {
                        try emit(cells)
                        lastRow = number
                    } else {
                        inRow = true
                    }
                } else if name == sheetData {
                    inSheetData = !x.isEmptyElement
                } else if name == dimension {
                    if case .dimension = mode {
                        var last: Int?
                        x.forEachAttribute { local, ns, value in
                            guard ns == nil, xmlStringEquals(local, "ref") else { return }
                            let ref = xmlString(value)
                            let end = ref.split(separator: ":").last.map(String.init) ?? ref
                            last = XLSXCellText.parseReference(end)?.column
                        }
                        return last ?? -1
                    }
                } else if case .dimension = mode, inSheetData || name == row {
                    return -1 // no <dimension> before the data
                }
            } else if type == XML_READER_TYPE_END_ELEMENT.rawValue {
                let name = x.localName
                if inCell {
                    if name == v {
                        inV = false
                    } else if name == isElement {
                        inIs = false
                    } else if name == c {
                        inCell = false
                        if emitting { try place(try render(cellType, style: cellStyle, v: vBytes, rich: rich.bytes, column: cellColumn), at: cellColumn, in: &cells) }
                    } else if inIs {
                        rich.endElement()
                    }
                } else if inRow && name == row {
                    inRow = false
                    try emit(cells)
                    lastRow = currentRow
                } else if name == sheetData {
                    inSheetData = false
                }
            } else if inCell && x.isText {
                if !emitting { continue }
                if inV { appendXMLString(x.value, to: &vBytes) } else if inIs { rich.text() }
            }
        }
        if case .dimension = mode { return -1 }
        return width

    }
}

private enum CellType {
    case number, shared, inlineString, formulaString, boolean, error, isoDate

    init?(_ t: UnsafePointer<xmlChar>?) {
        guard let t else { self = .number; return }
        if xmlStringEquals(t, "s") { self = .shared }
        else if xmlStringEquals(t, "n") { self = .number }
        else if xmlStringEquals(t, "inlineStr") { self = .inlineString }
        else if xmlStringEquals(t, "str") { self = .formulaString }
        else if xmlStringEquals(t, "b") { self = .boolean }
        else if xmlStringEquals(t, "e") { self = .error }
        else if xmlStringEquals(t, "d") { self = .isoDate }
        else { return nil }
    }
}

