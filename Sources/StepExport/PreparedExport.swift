import EventDump
import Selection
import StepRequest

/// A request that passed checks 1–6 of SPEC §3, ready to select rows.
public struct PreparedExport {
    public let request: StepRequest
    public let workflow: Workflow
    public let query: SelectionQuery

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
            return .failure(.dumpError(error as! DumpError))
        }
        guard let workflow = catalog.workflow(id: request.workflowID, organizationID: request.organizationID) else {
            return .failure(.notFound)
        }
        if let steps = workflow.steps {
            guard let n = request.stepIndex, steps[n] != nil else { return .failure(.notFound) }
        }
        if let error = request.unsupportedFilterError() { return .failure(error) }
        let query = SelectionQuery(
            workflow: workflow, step: request.stepIndex, start: request.intervalStart, end: request.intervalEnd,
            stepData: request.stepData, filters: request.filters.map { ($0.property, $0.values) },
            target: request.target == .triggeredGoal ? .triggeredGoals : .steps, limit: request.limit)
        return .success(PreparedExport(request: request, workflow: workflow, query: query))
    }
}

extension RequestError {
    /// The 500 answer for a problem with the dump (SPEC §3.7, §9).
    static func dumpError(_ error: DumpError) -> RequestError {
        .detail(500, error.detail)
    }
}
