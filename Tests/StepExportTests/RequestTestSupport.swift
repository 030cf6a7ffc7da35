import XCTest
import JSONScan
@testable import StepRequest

/// Path parameters that pass check 1.
let validOrg = "0b1e2c3d-4e5f-6789-abcd-ef0123456789"
let validWorkflow = "A1B2C3D4-E5F6-4789-ABCD-EF0123456789"

/// A payload that passes every field check; tests replace or remove one key at a time.
let goodInterval = #"{"start":"2022-11-03T00:00:00+00:00","end":"2022-11-04T00:00:00+00:00"}"#

func payload(filters: String? = "[]", stepData: String? = nil, interval: String? = goodInterval,
             target: String? = nil, format: String? = nil, limit: String? = nil, extra: String? = nil) -> String {
    var members: [String] = []
    if let filters { members.append(#""filters":"# + filters) }
    if let stepData { members.append(#""step_data":"# + stepData) }
    if let interval { members.append(#""interval":"# + interval) }
    if let target { members.append(#""target":"# + target) }
    if let format { members.append(#""format":"# + format) }
    if let limit { members.append(#""limit":"# + limit) }
    if let extra { members.append(extra) }
    return "{" + members.joined(separator: ",") + "}"
}

/// Parses JSON text into a tree, for tests.
func parseForTest(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONValue? {
    do {
        var p = TestJSONParser(Array(text.utf8))
        return try p.document()
    } catch {
        XCTFail("test payload is not JSON: \(text)", file: file, line: line)
        return nil
    }
}

/// Runs checks 1–3 on a payload text.
func validateText(_ text: String, org: String = validOrg, workflow: String = validWorkflow, step: String = "1",
                  file: StaticString = #filePath, line: UInt = #line) -> Result<StepRequest, RequestError>? {
    guard let value = parseForTest(text, file: file, line: line) else { return nil }
    return StepRequest.validate(organizationID: org, workflowID: workflow, stepIndex: step, payload: value)
}

/// Asserts that the payload text fails with exactly this status and body.
func assertError(_ text: String, _ status: Int, _ body: String, org: String = validOrg,
                 workflow: String = validWorkflow, step: String = "1",
                 file: StaticString = #filePath, line: UInt = #line) {
    guard let result = validateText(text, org: org, workflow: workflow, step: step, file: file, line: line) else { return }
    switch result {
    case .success:
        XCTFail("expected \(status) \(body), got success for \(text)", file: file, line: line)
    case .failure(let e):
        XCTAssertEqual(e.status, status, "status for \(text)", file: file, line: line)
        XCTAssertEqual(Array(e.body.utf8), Array(body.utf8),
                       "\nbody:     \(e.body)\nexpected: \(body)\npayload:  \(text)", file: file, line: line)
    }
}

/// Asserts 400 with `{"<key>":<errorJSON>}`.
func assertFieldError(_ text: String, _ key: String, _ errorJSON: String,
                      file: StaticString = #filePath, line: UInt = #line) {
    assertError(text, 400, "{\"\(key)\":\(errorJSON)}", file: file, line: line)
}

/// Asserts success and returns the request.
@discardableResult
func assertValid(_ text: String, step: String = "1", file: StaticString = #filePath, line: UInt = #line) -> StepRequest? {
    guard let result = validateText(text, step: step, file: file, line: line) else { return nil }
    switch result {
    case .success(let r): return r
    case .failure(let e):
        XCTFail("expected success, got \(e) for \(text)", file: file, line: line)
        return nil
    }
}

/// A small strict JSON reader for test payloads (keeps integer/float spelling and key order, as
/// JSONScan's tree does).
struct TestJSONParser {
    struct Failure: Error {}
    let b: [UInt8]
    var i = 0
    init(_ b: [UInt8]) { self.b = b }

    mutating func document() throws -> JSONValue {
        let v = try value()
        ws()
        guard i == b.count else { throw Failure() }
        return v
    }

    mutating func ws() { while i < b.count, [0x20, 0x09, 0x0A, 0x0D].contains(b[i]) { i += 1 } }

    mutating func literal(_ s: String) throws {
        for c in s.utf8 { guard i < b.count, b[i] == c else { throw Failure() }; i += 1 }
    }

    mutating func value() throws -> JSONValue {
        ws()
        guard i < b.count else { throw Failure() }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var o = JSONObject()
            ws()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            while true {
                ws()
                let k = try string()
                ws()
                try literal(":")
                o.set(k, try value())
                ws()
                guard i < b.count else { throw Failure() }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                try literal("}")
                return .object(o)
            }
        case UInt8(ascii: "["):
            i += 1
            var a: [JSONValue] = []
            ws()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                a.append(try value())
                ws()
                guard i < b.count else { throw Failure() }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                try literal("]")
                return .array(a)
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            let start = i
            var isFloat = false
            if b[i] == UInt8(ascii: "-") { i += 1 }
            while i < b.count, (b[i] >= 0x30 && b[i] <= 0x39) || [0x2E, 0x65, 0x45, 0x2B, 0x2D].contains(b[i]) {
                if [0x2E, 0x65, 0x45].contains(b[i]) { isFloat = true }
                i += 1
            }
            let text = String(decoding: b[start..<i], as: UTF8.self)
            guard i > start, Double(text) != nil else { throw Failure() }
            return isFloat ? .float(text) : .integer(text)
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<i + 4], as: UTF8.self), radix: 16) else { throw Failure() }
        i += 4
        return v
    }

    mutating func string() throws -> String {
        try literal("\"")
        var out: [UInt8] = []
        while true {
            guard i < b.count else { throw Failure() }
            let c = b[i]
            i += 1
            if c == UInt8(ascii: "\"") { break }
            guard c >= 0x20 else { throw Failure() }
            if c != UInt8(ascii: "\\") { out.append(c); continue }
            guard i < b.count else { throw Failure() }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
            case UInt8(ascii: "u"):
                var v = try hex4()
                if v >= 0xD800 && v < 0xDC00 {
                    try literal("\\u")
                    let lo = try hex4()
                    guard lo >= 0xDC00 && lo < 0xE000 else { throw Failure() }
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                }
                guard let s = Unicode.Scalar(v) else { throw Failure() }
                out.append(contentsOf: Array(String(Character(s)).utf8))
            default: throw Failure()
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
