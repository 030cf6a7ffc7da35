import Bytes
import Table
import Timestamps

/// The small parts of the package, written whole at the end (they depend on the sheet count).
/// Each validates against the ECMA-376 transitional schemas (see schemas/README.md).
enum XLSXParts {
    static let declaration: StaticString = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    /// The SpreadsheetML namespace of the workbook, styles, worksheet and shared-string parts.
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    /// Style indexes in `cellXfs`.
    static let boldStyle = 1
    static let dateStyle = 2

    static func contentTypes(sheets: Int, sharedStrings: Bool) -> ByteBuffer {
        let b = ByteBuffer(capacity: 2048)
        b.append(declaration)
        b.append("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                 + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                 + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                 + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>")
        for i in 1...sheets {
            b.append("<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>")
        }
        b.append("<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>")
        if sharedStrings {
            b.append("<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>")
        }
        b.append("<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
                 + "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
                 + "</Types>")
        return b
    }

    static func rootRelationships() -> ByteBuffer {
        let b = ByteBuffer(capacity: 1024)
        b.append(declaration)
        b.append("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                 + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
                 + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
                 + "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
                 + "</Relationships>")
        return b
    }

    static func app(sheetNames: [String]) -> ByteBuffer {
        let b = ByteBuffer(capacity: 1024)
        b.append(declaration)
        b.append("<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\""
                 + " xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
                 + "<Application>StepExport</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
                 + "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\">"
                 + "<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>"
                 + "<vt:variant><vt:i4>\(sheetNames.count)</vt:i4></vt:variant></vt:vector></HeadingPairs>"
                 + "<TitlesOfParts><vt:vector size=\"\(sheetNames.count)\" baseType=\"lpstr\">")
        for name in sheetNames { b.append("<vt:lpstr>\(XMLText.escapeMeta(name))</vt:lpstr>") }
        b.append("</vt:vector></TitlesOfParts><LinksUpToDate>false</LinksUpToDate>"
                 + "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>")
        return b
    }

    /// `YYYY-MM-DDThh:mm:ssZ` (W3CDTF, whole seconds: the form Excel writes and every reader parses).
    static func w3cdtf(_ t: Timestamp) -> String {
        var scratch = [UInt8](repeating: 0, count: TimestampFormat.utcLength)
        _ = scratch.withUnsafeMutableBufferPointer { TimestampFormat.utc(t, to: $0.baseAddress!) }
        return String(decoding: scratch[0..<19], as: UTF8.self) + "Z"
    }

    static func core(title: String?, created: Timestamp) -> ByteBuffer {
        let b = ByteBuffer(capacity: 1024)
        let date = w3cdtf(created)
        b.append(declaration)
        b.append("<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\""
                 + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\""
                 + " xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">")
        if let title = title {
            b.append("<dc:title>\(XMLText.escapeMeta(title))</dc:title>")
        }
        b.append("<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(date)</dcterms:created>"
                 + "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">\(date)</dcterms:modified>"
                 + "</cp:coreProperties>")
        return b
    }

    /// A sheet name in a formula: quoted, inner `'` doubled.
    static func quotedSheetName(_ name: String) -> String {
        "'" + name.replacingAll("'", with: "''") + "'"
    }

    static func workbook(sheetNames: [String], lastRows: [Int]) -> ByteBuffer {
        let b = ByteBuffer(capacity: 2048)
        b.append(declaration)
        b.append("<workbook xmlns=\"\(mainNamespace)\""
                 + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                 + "<workbookPr/><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>")
        for (i, name) in sheetNames.enumerated() {
            b.append("<sheet name=\"\(XMLText.escapeMeta(name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>")
        }
        b.append("</sheets><definedNames>")
        // The autofilter's range, as Excel records it.
        for (i, name) in sheetNames.enumerated() {
            let ref = quotedSheetName(name) + "!$A$1:$\(XLSXColumns.lastLetters)$\(lastRows[i])"
            b.append("<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(i)\" hidden=\"1\">"
                     + XMLText.escapeMeta(ref) + "</definedName>")
        }
        b.append("</definedNames></workbook>")
        return b
    }

    static func workbookRelationships(sheets: Int, sharedStrings: Bool) -> ByteBuffer {
        let b = ByteBuffer(capacity: 1024)
        b.append(declaration)
        b.append("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">")
        for i in 1...sheets {
            b.append("<Relationship Id=\"rId\(i)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i).xml\"/>")
        }
        b.append("<Relationship Id=\"rId\(sheets + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>")
        if sharedStrings {
            b.append("<Relationship Id=\"rId\(sheets + 2)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>")
        }
        b.append("</Relationships>")
        return b
    }

    /// Fonts: 0 regular, 1 bold. Cell formats: 0 general, 1 bold (header), 2 date-time.
    static func styles() -> ByteBuffer {
        let b = ByteBuffer(capacity: 2048)
        b.append(declaration)
        b.append("<styleSheet xmlns=\"\(mainNamespace)\">"
                 + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm:ss.000\"/></numFmts>"
                 + "<fonts count=\"2\">"
                 + "<font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
                 + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
                 + "</fonts>"
                 + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
                 + "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
                 + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
                 + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
                 + "<cellXfs count=\"3\">"
                 + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
                 + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
                 + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
                 + "</cellXfs>"
                 + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
                 + "<dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/>"
                 + "</styleSheet>")
        return b
    }
}

/// Column letters (`A` … `AE`) and widths.
enum XLSXColumns {
    static let letters: [[UInt8]] = (0..<Column.count).map { (i: Int) -> [UInt8] in
        let first = UInt8(i / 26 + 64)
        let last = UInt8(i % 26 + 65)
        return i < 26 ? [last] : [first, last]
    }
    static var lastLetters: String { String(decoding: letters[Column.count - 1], as: UTF8.self) }

    /// Widest a column gets, in characters.
    static let maxCharacters = 60
    /// Room for the autofilter button beside a header.
    static let filterButtonCharacters = 2

    /// Excel's stored width for `characters` digits of Calibri 11 (7-pixel digits, 5 pixels of
    /// padding): trunc((chars × 7 + 5) / 7 × 256) / 256 — e.g. 8 → 8.7109375.
    static func width(characters: Int) -> String {
        let w256 = (characters * 7 + 5) * 256 / 7
        let whole = w256 / 256
        var frac = w256 % 256 // exact in binary: print all its decimals
        if frac == 0 { return "\(whole)" }
        var digits = ""
        while frac != 0 {
            frac *= 10
            digits.append(Character(Unicode.Scalar(UInt8(48 + frac / 256))))
            frac %= 256
        }
        return "\(whole).\(digits)"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
