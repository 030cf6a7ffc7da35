import XCTest
import JSONScan
@testable import StepRequest

/// SPEC §3 check 2: payload text that is not JSON, through the bytes entry point.
/// Expected reasons are CPython 3.11's `json` messages for the same bytes (DRF's JSONParser).
final class RequestParseTests: XCTestCase {
    func assertParseError(_ bytes: [UInt8], _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
        let result = validateBytes(bytes, file: file, line: line)
        guard case .failure(let e) = result else {
            return XCTFail("expected a parse error for \(bytes)", file: file, line: line)
        }
        XCTAssertEqual(e.status, 400, file: file, line: line)
        XCTAssertEqual(e.exitCode, 40, file: file, line: line)
        XCTAssertEqual(e.body, #"{"detail":"JSON parse error - "# + reason + #""}"#, file: file, line: line)
    }

    func assertParseError(_ text: String, _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
        assertParseError(Array(text.utf8), reason, file: file, line: line)
    }

    func testParseErrors() {
        assertParseError("", "Expecting value: line 1 column 1 (char 0)")
        assertParseError(" ", "Expecting value: line 1 column 2 (char 1)")
        assertParseError("{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")
        assertParseError("nul", "Expecting value: line 1 column 1 (char 0)")
        assertParseError(#"{"a":1} x"#, "Extra data: line 1 column 9 (char 8)")
        assertParseError("01", "Extra data: line 1 column 2 (char 1)")
        assertParseError(#"{"format":"pdf""#, "Expecting ',' delimiter: line 1 column 16 (char 15)")
        assertParseError(#"{'filters':[]}"#, "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")
        assertParseError(#"{"a" 1}"#, "Expecting ':' delimiter: line 1 column 6 (char 5)")
        assertParseError(#"{"a":1,}"#, "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)")
        assertParseError("[1,]", "Expecting value: line 1 column 4 (char 3)")
        assertParseError("NaN", "Out of range float values are not JSON compliant: 'NaN'")
        assertParseError("[Infinity]", "Out of range float values are not JSON compliant: 'Infinity'")
    }

    func testParseErrorReasonsAreEscaped() {
        // Python's message holds a backslash: `Invalid \escape`.
        assertParseError(#""\q""#, #"Invalid \\escape: line 1 column 2 (char 1)"#)
        assertParseError([0x22, 0x61, 0x01, 0x62, 0x22], "Invalid control character at: line 1 column 3 (char 2)")
    }

    func testUndecodableBytes() {
        assertParseError([0xFF], "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte")
        assertParseError([0x22, 0xC3, 0x22], "'utf-8' codec can't decode byte 0xc3 in position 1: invalid continuation byte")
        assertParseError([0xEF, 0xBB, 0xBF, 0x7B, 0x7D], "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)")
    }

    func testCheckOrder() {
        // Bad path wins over bad JSON.
        for (org, wf, step) in [("x", validWorkflow, "1"), (validOrg, "", "1"), (validOrg, validWorkflow, "-1")] {
            for payload in ["", "{", "[]", "{}"] {
                XCTAssertEqual(validateText(payload, org: org, workflow: wf, step: step), .failure(.notFound))
            }
        }
        // Bad JSON wins over what would be field errors.
        assertParseError(#"{"filters":1,"format":"pdf","limit":0"#, "Expecting ',' delimiter: line 1 column 38 (char 37)")
        // Valid JSON, not an object, wins over anything inside it.
        XCTAssertEqual(validateText(#"[{"format":"pdf"}]"#),
                       .failure(RequestError(status: 400, body: #"{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}"#)))
    }

    func testWhitespaceAroundPayloadIsFine() {
        XCTAssertNotNil(try? validateText(" \r\n\t" + payload() + "\n ")?.get())
    }

    func testUnsafeRawBufferPointerEntryPoint() {
        let bytes = Array(payload(format: #""xlsx""#).utf8)
        let r = bytes.withUnsafeBytes {
            StepRequest.validate(organizationID: validOrg, workflowID: validWorkflow, stepIndex: "02", payload: $0)
        }
        XCTAssertEqual(try? r.get().format, .xlsx)
        XCTAssertEqual(try? r.get().stepIndexText, "2")
        let empty = StepRequest.validate(organizationID: validOrg, workflowID: validWorkflow, stepIndex: "0",
                                         payload: UnsafeRawBufferPointer(start: nil, count: 0))
        XCTAssertEqual(empty, .failure(.detail(400, "JSON parse error - Expecting value: line 1 column 1 (char 0)")))
    }
}
