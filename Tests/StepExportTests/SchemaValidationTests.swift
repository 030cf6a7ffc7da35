import Foundation
import StepExportTestSupport
import XCTest
@testable import XLSXReader

final class SchemaValidationTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try TestPaths.temporaryDirectory(self).path
        try ReaderTestSupport.require(.schemas)
    }


    private var sml: String { ReaderTestSupport.schemaDirectory + "/sml.xsd" }
    private let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    private func validate(_ xml: String, schema: String? = nil) throws {
        var bytes = Array(xml.utf8)
        try bytes.withUnsafeMutableBytes { raw in
            try PartValidator.validate(xml: UnsafeRawBufferPointer(raw), schemaPath: schema ?? sml, part: "test.xml")
        }
    }

    private func assertInvalid(_ xml: String, schema: String? = nil, contains fragment: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try validate(xml, schema: schema), file: file, line: line) { e in
            guard let e = e as? PartValidationError else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertEqual(e.failures.first?.part, "test.xml", file: file, line: line)
            XCTAssertTrue(e.description.contains(fragment), "\"\(e)\" lacks \"\(fragment)\"", file: file, line: line)
        }
    }

    func testValidatesSheetXMLInMemory() throws {
        try validate("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="\(main)"><dimension ref="A1:B2"/><sheetData>\
        <row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> x </t></is></c><c r="B1" s="0"><v>1.5</v></c></row>\
        </sheetData></worksheet>
        """)
        // Wrong element order, an unknown cell type, an attribute the schema lacks, a bad number.
        assertInvalid("<worksheet xmlns=\"\(main)\"><sheetData/><dimension ref=\"A1\"/></worksheet>",
                      contains: "dimension")
        assertInvalid("<worksheet xmlns=\"\(main)\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"bogus\"><v>1</v></c></row></sheetData></worksheet>",
                      contains: "bogus")
        assertInvalid("<worksheet xmlns=\"\(main)\"><sheetData><row r=\"1\" color=\"red\"/></sheetData></worksheet>",
                      contains: "color")
        assertInvalid("<worksheet xmlns=\"\(main)\"><sheetData><row r=\"x\"/></sheetData></worksheet>",
                      contains: "line 1")
        // Not well-formed at all.
        assertInvalid("<worksheet xmlns=\"\(main)\"><sheetData></worksheet>", contains: "line 1")
        // Several errors are all reported.
        do {
            try validate("<worksheet xmlns=\"\(main)\"><sheetData><row r=\"x\"/><row r=\"y\"/></sheetData></worksheet>")
            XCTFail("valid?")
        } catch let e as PartValidationError {
            XCTAssertGreaterThanOrEqual(e.failures[0].messages.count, 2, "\(e)")
        }
    }

    func testWellFormednessAndSchemaErrors() throws {
        var ok = Array("<a><b/></a>".utf8)
        try ok.withUnsafeMutableBytes { try PartValidator.checkWellFormed(xml: UnsafeRawBufferPointer($0), part: "core.xml") }
        var bad = Array("<a><b></a>".utf8)
        XCTAssertThrowsError(try bad.withUnsafeMutableBytes { try PartValidator.checkWellFormed(xml: UnsafeRawBufferPointer($0), part: "core.xml") }) { e in
            XCTAssertTrue("\(e)".hasPrefix("core.xml (well-formedness): line 1"), "\(e)")
        }
        XCTAssertThrowsError(try validate("<a/>", schema: dir + "/none.xsd")) { e in
            XCTAssertTrue(e is SchemaLoadError, "\(e)")
        }
        try Data("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element name=\"a\" type=\"nope\"/></xs:schema>".utf8)
            .write(to: URL(fileURLWithPath: dir + "/broken.xsd"))
        XCTAssertThrowsError(try validate("<a/>", schema: dir + "/broken.xsd")) { e in
            XCTAssertTrue("\(e)".contains("cannot load schema"), "\(e)")
        }
    }

    func testSchemaMapFollowsTheReadme() {
        XCTAssertEqual(PartValidator.schemaFile(forPart: "[Content_Types].xml"), "opc-contentTypes.xsd")
        XCTAssertEqual(PartValidator.schemaFile(forPart: "_rels/.rels"), "opc-relationships.xsd")
        XCTAssertEqual(PartValidator.schemaFile(forPart: "xl/_rels/workbook.xml.rels"), "opc-relationships.xsd")
        XCTAssertEqual(PartValidator.schemaFile(forPart: "docProps/app.xml"), "shared-documentPropertiesExtended.xsd")
        XCTAssertNil(PartValidator.schemaFile(forPart: "docProps/core.xml"))
        for p in ["xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet12.xml"] {
            XCTAssertEqual(PartValidator.schemaFile(forPart: p), "sml.xsd", p)
        }
        XCTAssertNil(PartValidator.schemaFile(forPart: "xl/theme/theme1.xml"))
        XCTAssertNil(PartValidator.schemaFile(forPart: "xl/worksheets/_rels/sheet1.xml"))
    }

    func testOpenpyxlAndHandmadePackagesValidate() throws {
        let openpyxl = try ReaderTestSupport.makeFixture("openpyxl", in: dir)
        let report = try XCTUnwrap(try validateXLSXPackage(path: openpyxl))
        XCTAssertEqual(Set(report.validated.map(\.part)), [
            "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
        ])
        XCTAssertEqual(Set(report.wellFormedOnly), ["docProps/core.xml", "xl/theme/theme1.xml"])
        let handmade = try ReaderTestSupport.makeFixture("handmade", in: dir)
        let r2 = try XCTUnwrap(try validateXLSXPackage(path: handmade))
        XCTAssertEqual(r2.validated.count, 8)
    }

    func testInvalidPartsOfAPackageAreAllListed() throws {
        let rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Type=\"t\" Target=\"x\"/></Relationships>"
        let sheet = "<worksheet xmlns=\"\(main)\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"bogus\"/></row></sheetData></worksheet>"
        let path = dir + "/bad.xlsx"
        try ReaderTestSupport.write(ReaderTestZip(entries: [
            .init("_rels/.rels", Array(rels.utf8)),
            .init("xl/worksheets/sheet1.xml", Array(sheet.utf8)),
            .init("docProps/core.xml", Array("<cp:coreProperties xmlns:cp=\"x\">".utf8)),
            .init("xl/media/image1.png", [0x89, 0x50]),
        ]).bytes(), to: path)
        XCTAssertThrowsError(try PartValidator.validatePackage(path: path, schemaDirectory: ReaderTestSupport.schemaDirectory)) { e in
            guard let e = e as? PartValidationError else { return XCTFail("\(e)") }
            XCTAssertEqual(e.failures.map(\.part), ["_rels/.rels", "xl/worksheets/sheet1.xml", "docProps/core.xml"])
            XCTAssertTrue(e.description.contains("_rels/.rels against opc-relationships.xsd: line 1"), "\(e)")
            XCTAssertTrue(e.description.contains("'Id' is required"), "\(e)")
            XCTAssertTrue(e.description.contains("xl/worksheets/sheet1.xml against sml.xsd"), "\(e)")
            XCTAssertTrue(e.description.contains("docProps/core.xml (well-formedness)"), "\(e)")
        }
    }

    func testValidationIsThreadSafe() throws {
        let xml = Array("<worksheet xmlns=\"\(main)\"><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>".utf8)
        let path = sml
        final class Count: @unchecked Sendable { var failures = 0; let lock = NSLock() }
        let count = Count()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10 {
                do {
                    try xml.withUnsafeBytes { try PartValidator.validate(xml: $0, schemaPath: path) }
                } catch {
                    count.lock.lock(); count.failures += 1; count.lock.unlock()
                }
            }
        }
        XCTAssertEqual(count.failures, 0)
    }
}
