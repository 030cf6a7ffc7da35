import Bytes
import EventDump
import StepExport
import StepRequest

/// The `hint:` line printed after an error body (which stays exact, as the API sends it, and the
/// last line that starts with `{`): which part of the request was not found, or what to try.
/// Only the command line says this; the API itself answers a bare `{"detail":"Not found."}`.
enum Hints {
    struct Request {
        let organizationID: String
        let workflowID: String
        let stepIndex: String
        let dump: Dump
        let skipInvalid: Bool
    }

    static func hint(for error: RequestError, _ request: Request) -> String? {
        switch error.status {
        case 404: return notFound(request)
        case 406:
            return "filters can use " + FilterProperty.allCases.map(\.rawValue).joined(separator: ", ")
        case 400:
            return "the payload's fields, their types and messages are described in docs/request.md"
        case 500 where error.body.hasPrefix(#"{"detail":"Malformed event at "#) && !request.skipInvalid:
            return "--skip-invalid skips malformed events (counted and reported) instead of failing"
        default: return nil
        }
    }

    /// Which of the path's parts was not found (SPEC §3 checks 1, 4 and 5).
    private static func notFound(_ r: Request) -> String? {
        if !isUUID(r.organizationID) {
            return "the organization id \(quoted(r.organizationID)) is not a UUID (8-4-4-4-12 hexadecimal digits)"
        }
        if !isUUID(r.workflowID) {
            return "the workflow id \(quoted(r.workflowID)) is not a UUID (8-4-4-4-12 hexadecimal digits)"
        }
        if !isStepIndex(r.stepIndex) {
            return "the step index \(quoted(r.stepIndex)) is not a decimal integer ≥ 0 without sign"
        }
        guard let catalog = try? r.dump.catalog() else { return nil }
        guard let workflow = catalog.workflow(id: r.workflowID, organizationID: r.organizationID) else {
            let others = catalog.workflows.filter { $0.id.lowercased() == r.workflowID.lowercased() }
            if !others.isEmpty {
                return "workflow \(r.workflowID) is not in organization \(r.organizationID) but in "
                    + others.map(\.organizationID).joined(separator: ", ")
            }
            let count = catalog.workflows.filter { $0.organizationID.lowercased() == r.organizationID.lowercased() }.count
            return "no workflow with id \(r.workflowID) in organization \(r.organizationID) "
                + "(the catalog lists \(count) workflow\(count == 1 ? "" : "s") for it)"
        }
        guard let steps = workflow.steps else { return nil }
        return "workflow \(workflow.id) has steps \(ranges(steps.keys.sorted())), not \(r.stepIndex)"
    }

    /// [0, 1, 2, 3, 5] → "0–3, 5"; [] → "none".
    static func ranges(_ sorted: [Int64]) -> String {
        guard var low = sorted.first else { return "none" }
        var parts: [String] = []
        var high = low
        func close() { parts.append(low == high ? "\(low)" : "\(low)–\(high)") }
        for n in sorted.dropFirst() {
            if n == high + 1 { high = n; continue }
            close()
            (low, high) = (n, n)
        }
        close()
        return parts.joined(separator: ", ")
    }

    private static func quoted(_ s: String) -> String { "'" + s + "'" }
}
