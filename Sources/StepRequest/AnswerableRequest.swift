/// The filter properties SPEC §3 check 6 accepts. What each one matches in an event is
/// Selection's business (`CompiledFilter`), which switches over this list exhaustively.
public enum FilterProperty: String, CaseIterable, Sendable {
    case action, label
    case visitorID = "visitor_id", sessionID = "session_id", flowID = "flow_id", roomID = "room_id"
    case geoCountry = "geo_country", geoCity = "geo_city", deviceType = "device_type"
    case browserName = "browser_name", osName = "os_name"

    /// The property spelled by exactly these bytes (no Unicode equivalence: `Swift.String`'s `==`
    /// would accept a canonically equivalent spelling, the API does not).
    public init?(spelling: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.utf8.elementsEqual(spelling.utf8) }) else {
            return nil
        }
        self = match
    }
}

/// What SPEC §3 checks 4 and 5 read from the dump's workflow catalog. The dump's side implements
/// it, so that this module needs to know nothing of dumps.
public protocol WorkflowDirectory {
    associatedtype Workflow
    /// The workflow with this id in this organization (UUIDs compare ignoring ASCII case), or nil.
    func workflow(id: String, organizationID: String) -> Workflow?
    /// Whether `workflow` has the step `index` (nil: digits beyond 64 bits): true when the workflow
    /// lists no steps at all, since every index is accepted then.
    func hasStep(_ index: Int64?, in workflow: Workflow) -> Bool
}

/// A request that passed all six checks of SPEC §3: what selection and the writers work from.
public struct AnswerableRequest<Workflow> {
    public let request: StepRequest
    /// The catalog entry of the path's workflow.
    public let workflow: Workflow
    /// The payload's filters in payload order, each with a property check 6 accepts.
    public let filters: [(property: FilterProperty, values: [String])]
}

extension AnswerableRequest: Sendable where Workflow: Sendable {}

extension StepRequest {
    /// SPEC §3 checks 4–6 on a request that passed checks 1–3 (`validate`): the workflow (404),
    /// its step (404), then the filter properties (406 for the first one not implemented).
    public func answerable<D: WorkflowDirectory>(in directory: D) -> Result<AnswerableRequest<D.Workflow>, RequestError> {
        guard let workflow = directory.workflow(id: workflowID, organizationID: organizationID),
              directory.hasStep(stepIndex, in: workflow) else { return .failure(.notFound) }
        var accepted: [(property: FilterProperty, values: [String])] = []
        for filter in filters {
            guard let property = FilterProperty(spelling: filter.property) else {
                return .failure(.detail(406, "Filtering by '\(filter.property)' is not implemented."))
            }
            accepted.append((property, filter.values))
        }
        return .success(AnswerableRequest(request: self, workflow: workflow, filters: accepted))
    }
}
