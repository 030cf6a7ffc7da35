import EventDump
import StepRequest

/// The dump's catalog as SPEC §3 checks 4 and 5 read it.
public struct CatalogDirectory: WorkflowDirectory {
    public let catalog: Catalog

    public init(_ catalog: Catalog) { self.catalog = catalog }

    public func workflow(id: String, organizationID: String) -> Workflow? {
        catalog.workflow(id: id, organizationID: organizationID)
    }

    public func hasStep(_ index: Int64?, in workflow: Workflow) -> Bool {
        guard let steps = workflow.steps else { return true }
        guard let index else { return false }
        return steps[index] != nil
    }
}

/// A request that passed every check of SPEC §3, with its catalog entry: what a `Selection` is
/// built from.
public typealias SelectionQuery = AnswerableRequest<Workflow>
