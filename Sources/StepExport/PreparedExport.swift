import EventDump
import Selection
import StepRequest

/// A request that passed every check of SPEC §3, ready to select rows.
public struct PreparedExport {
    public let query: SelectionQuery
    public var request: StepRequest { query.request }
    public var workflow: Workflow { query.workflow }

    /// `Content-Disposition` file name: `workflow_<id>_step_<n>.<csv|xlsx>`, with the catalog's id.
    public var fileName: String {
        "workflow_\(workflow.id)_step_\(request.stepIndexText).\(request.format.rawValue)"
    }

    /// Runs the checks of SPEC §3 in order; the first that fails gives the answer.
    public static func prepare(organizationID: String, workflowID: String, stepIndex: String,
                               payload: UnsafeRawBufferPointer, dump: Dump) -> Result<PreparedExport, RequestError> {
        prepare(StepRequest.validate(organizationID: organizationID, workflowID: workflowID,
                                     stepIndex: stepIndex, payload: payload), dump: dump)
    }

    /// Checks 4–6 for a request that passed checks 1–3 (or that check's failure, passed on). The
    /// catalog is read first: one that cannot be read or parsed is the 500 of check 4.
    public static func prepare(_ validated: Result<StepRequest, RequestError>, dump: Dump) -> Result<PreparedExport, RequestError> {
        let request: StepRequest
        switch validated {
        case .failure(let error): return .failure(error)
        case .success(let r): request = r
        }
        let catalog: Catalog
        do {
            catalog = try dump.catalog()
        } catch {
            return .failure(.dumpError(error))
        }
        return request.answerable(in: CatalogDirectory(catalog)).map(PreparedExport.init(query:))
    }
}

extension RequestError {
    /// The 500 answer for a problem with the dump (SPEC §3.7, §9).
    static func dumpError(_ error: DumpError) -> RequestError {
        .detail(500, error.detail)
    }
}
