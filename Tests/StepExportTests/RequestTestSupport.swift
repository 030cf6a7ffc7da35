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

/// Runs checks 1–3 on a payload text through the bytes entry point (parser included), and checks
/// that the parsed-tree entry point (batch manifests) gives the same answer whenever the text parses.
func validateText(_ text: String, org: String = validOrg, workflow: String = validWorkflow, step: String = "1",
                  file: StaticString = #filePath, line: UInt = #line) -> Result<StepRequest, RequestError>? {
    validateBytes(Array(text.utf8), org: org, workflow: workflow, step: step, file: file, line: line)
}

func validateBytes(_ bytes: [UInt8], org: String = validOrg, workflow: String = validWorkflow, step: String = "1",
                   file: StaticString = #filePath, line: UInt = #line) -> Result<StepRequest, RequestError> {
    let viaBytes = StepRequest.validate(organizationID: org, workflowID: workflow, stepIndex: step, payload: bytes)
    if let value = try? JSONValue.parse(bytes) {
        let viaTree = StepRequest.validate(organizationID: org, workflowID: workflow, stepIndex: step, payload: value)
        XCTAssertEqual(viaTree, viaBytes, "tree and bytes entry points differ", file: file, line: line)
    }
    return viaBytes
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
        // Every body is one line of valid JSON whose top level is an object.
        XCTAssertFalse(e.body.utf8.contains(0x0A) || e.body.utf8.contains(0x0D), file: file, line: line)
        if case .object? = try? JSONValue.parse(e.body) {} else {
            XCTFail("body is not a JSON object: \(e.body)", file: file, line: line)
        }
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

/// A catalog of the given workflows (id, organization and listed steps, nil for none), for checks
/// 4–6 without a dump.
struct TestDirectory: WorkflowDirectory {
    struct Entry: Equatable { let id: String; let organizationID: String; let steps: Set<Int64>? }
    var entries: [Entry]

    func workflow(id: String, organizationID: String) -> Entry? {
        entries.first { $0.id.lowercased() == id.lowercased() && $0.organizationID.lowercased() == organizationID.lowercased() }
    }
    func hasStep(_ index: Int64?, in workflow: Entry) -> Bool {
        guard let steps = workflow.steps else { return true }
        return index.map(steps.contains) ?? false
    }
}

extension StepRequest {
    /// Check 6 alone: checks 4 and 5 against a catalog that holds this workflow with every step.
    func filterCheckError() -> RequestError? {
        let directory = TestDirectory(entries: [.init(id: workflowID, organizationID: organizationID, steps: nil)])
        if case .failure(let error) = answerable(in: directory) { return error }
        return nil
    }
}
