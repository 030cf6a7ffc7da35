import Foundation

/// The smallest dump with an answer, for tests about how a run behaves rather than what it
/// selects: one chat workflow and one step-1 event of it on 2022-11-03.
enum OneEventDump {
    static let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"
    static let workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"
    /// A payload whose interval holds the event.
    static let payload = #"{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#

    /// Writes the dump to `folder/dump`.
    static func write(in folder: URL) throws {
        let dump = folder.appendingPathComponent("dump")
        try FileManager.default.createDirectory(at: dump.appendingPathComponent("events"), withIntermediateDirectories: true)
        try Data(#"[{"id":"\#(workflow)","org_id":"\#(org)","type":"chat"}]"#.utf8).write(to: dump.appendingPathComponent("workflows.json"))
        try Data(#"{"id":"e1","timestamp":"2022-11-03T10:00:00Z","organization_id":"\#(org)","category":"workflowReportingEvent","label":"\#(workflow)","action":"open","dim5":1}"#.utf8)
            .write(to: dump.appendingPathComponent("events/a.ndjson"))
    }

    /// A batch manifest job for the dump's answer, written to `output`.
    static func job(output: String) -> String {
        #"{"organization_id":"\#(org)","workflow_id":"\#(workflow)","step_index":1,"payload":\#(payload),"output":"\#(output)"}"#
    }
}
