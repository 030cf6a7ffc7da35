import Foundation
import XCTest
import XLSXReader

/// Validates every part of the .xlsx at `path` against its ECMA-376 schema (see
/// shared/schemas/README.md: sml.xsd for workbook, sheets, styles, shared strings;
/// opc-contentTypes.xsd; opc-relationships.xsd for every .rels; the extended properties schema for
/// docProps/app.xml; well-formedness only for docProps/core.xml and parts without a schema).
///
/// Records a test failure listing every invalid part with libxml2's messages. The schemas are
/// found at `$STEPEXPORT_OOXML_SCHEMAS` or `<repo root>/../shared/schemas/ooxml`. Without them the
/// package is not validated (nil) and the rest of the calling test goes on — its reading back and
/// comparing need no schemas — with one line printed for the whole run; with CI set it fails.
@discardableResult
func validateXLSXPackage(path: String, file: StaticString = #filePath, line: UInt = #line) throws -> PackageValidationReport? {
    guard ReaderTestSupport.available([.schemas], orLeaveOut: "XLSX packages are read back but not schema-validated",
                                      file: file, line: line) else { return nil }
    do {
        return try PartValidator.validatePackage(path: path, schemaDirectory: ReaderTestSupport.schemaDirectory)
    } catch let e as PartValidationError {
        XCTFail("\(path) has invalid parts:\n\(e)", file: file, line: line)
    } catch {
        XCTFail("\(path) could not be validated: \(error)", file: file, line: line)
    }
    return PackageValidationReport()
}
