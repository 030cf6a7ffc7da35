import Foundation
import XCTest
import XLSXReader

/// Validates every part of the .xlsx at `path` against its ECMA-376 schema (see
/// shared/schemas/README.md: sml.xsd for workbook, sheets, styles, shared strings;
/// opc-contentTypes.xsd; opc-relationships.xsd for every .rels; the extended properties schema for
/// docProps/app.xml; well-formedness only for docProps/core.xml and parts without a schema).
///
/// Records a test failure listing every invalid part with libxml2's messages. The schemas are
/// found at `$STEPEXPORT_OOXML_SCHEMAS` or `<repo root>/../shared/schemas/ooxml`; without them the
/// test is skipped, or fails when the environment variable CI is set.
@discardableResult
func validateXLSXPackage(path: String, file: StaticString = #filePath, line: UInt = #line) throws -> PackageValidationReport {
    let schemas = ReaderTestSupport.schemaDirectory
    try ReaderTestSupport.require(.schemas, file: file, line: line)
    do {
        return try PartValidator.validatePackage(path: path, schemaDirectory: schemas)
    } catch let e as PartValidationError {
        XCTFail("\(path) has invalid parts:\n\(e)", file: file, line: line)
    } catch {
        XCTFail("\(path) could not be validated: \(error)", file: file, line: line)
    }
    return PackageValidationReport()
}
