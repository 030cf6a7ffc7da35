import Bytes

/// The one route of SPEC §11:
/// `/api/reporting/workflow/v1/orgs/<org>/workflows/<workflow>/step/<n>/download/`.
struct DownloadRoute: Equatable {
    let organizationID: String
    let workflowID: String
    let stepIndex: String

    /// The route's parts from a request path (without its query), percent-decoded after the path
    /// is cut at `/`, so that `%2F` stays inside its part (and fails §3's path check there); nil
    /// for any other path.
    init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 13, parts[0].isEmpty, parts[1] == "api", parts[2] == "reporting",
              parts[3] == "workflow", parts[4] == "v1", parts[5] == "orgs", parts[7] == "workflows",
              parts[9] == "step", parts[11] == "download", parts[12].isEmpty,
              let org = percentDecoded(parts[6]),
              let workflow = percentDecoded(parts[8]),
              let step = percentDecoded(parts[10]) else { return nil }
        organizationID = org
        workflowID = workflow
        stepIndex = step
    }
}
