import FoundationEssentials

/// A ready request against a generated dump, and how many rows it must answer.
public struct GeneratedRequest: Sendable {
    /// `path-scan`, `write-heavy`, …; the payload is `requests/<name>.json`.
    public let name: String
    public let organizationID: String
    public let workflowID: String
    public let workflowName: String
    public let workflowType: WorkflowKind
    public let stepIndex: Int
    public let format: String
    /// The number of answer rows, counted by the generator as it wrote the events.
    public let expectedRows: Int
    /// What the request selects, in one sentence.
    public let summary: String
    /// The payload JSON text.
    public let payload: String

    public var payloadFile: String { name + ".json" }
}

extension DumpGenerator {
    static func makeRequests(world: World, tally: Tally) -> [GeneratedRequest] {
        let interval = "\"interval\": {\"start\": \"\(GeneratedInterval.startText)\", \"end\": \"\(GeneratedInterval.endText)\"}"
        func q(_ s: String) -> String { JSONText.quotedString(s) }

        let pw = world.workflows[world.pathWorkflow]
        let step1 = pw.steps[1].identifiers.prefix(EventStream.pathStep1Alternatives)
        let step2 = pw.steps[2].identifiers[0]
        let pathPayload = """
        {
          "filters": [],
          "step_data": [
            {},
            {"actions": [\(step1.map(q).joined(separator: ", "))]},
            {"actions": [\(q(step2))]}
          ],
          \(interval),
          "format": "csv"
        }

        """
        func bulkPayload(_ format: String) -> String {
            "{\n  \"filters\": [],\n  \(interval),\n  \"format\": \"\(format)\"\n}\n"
        }
        let goalPayload = """
        {
          "filters": [
            {"property": "label", "values": ["Purchase"]},
            {"property": "device_type", "values": ["desktop", "tablet"]}
          ],
          \(interval),
          "target": "triggered_goal",
          "format": "csv"
        }

        """
        let goalRows = tally.purchases.reduce(0) { $0 + (tally.goalStepMin[Int($1.0)] <= $1.1 ? 1 : 0) }

        func request(_ name: String, _ w: Int, _ step: Int, _ format: String, _ rows: Int, _ summary: String, _ payload: String) -> GeneratedRequest {
            let spec = world.workflows[w]
            return GeneratedRequest(name: name, organizationID: world.orgIDs[spec.org], workflowID: world.workflowIDs[w],
                                    workflowName: spec.name, workflowType: spec.kind, stepIndex: step, format: format,
                                    expectedRows: rows, summary: summary, payload: payload)
        }
        let bulk = world.workflows[world.bulkWorkflow]
        return [
            request("path-scan", world.pathWorkflow, 2, "csv", tally.pathRows,
                    "step 2 (\(pw.steps[2].name)) events at \(step2) of flows that passed step 1 (\(pw.steps[1].name)) at one of \(step1.count) landing pages",
                    pathPayload),
            request("write-heavy", world.bulkWorkflow, world.bulkStep, "csv", tally.bulkRows,
                    "every step-\(world.bulkStep) (\(bulk.steps[world.bulkStep].name)) event of the high-volume workflow: ~92.5 % of the dump",
                    bulkPayload("csv")),
            request("write-heavy-xlsx", world.bulkWorkflow, world.bulkStep, "xlsx", tally.bulkRows,
                    "the same rows as write-heavy, as XLSX", bulkPayload("xlsx")),
            request("triggered-goal", world.goalWorkflow, world.goalStep, "csv", goalRows,
                    "Purchase goals of visitors who reached step \(world.goalStep) (\(pw.steps[world.goalStep].name)) on a desktop or tablet before the goal",
                    goalPayload),
        ]
    }

    static func writeRequests(_ requests: [GeneratedRequest], world: World, options: Options, to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for r in requests { try write(r.payload, to: dir.appendingPathComponent(r.payloadFile)) }

        var tsv = "name\tpayload\torganization_id\tworkflow_id\tstep_index\tformat\texpected_rows\n"
        for r in requests {
            tsv += "\(r.name)\t\(r.payloadFile)\t\(r.organizationID)\t\(r.workflowID)\t\(r.stepIndex)\t\(r.format)\t\(r.expectedRows)\n"
        }
        try write(tsv, to: dir.appendingPathComponent("index.tsv"))

        // A batch manifest (SPEC §10) running every request; outputs land in requests/out/.
        let jobs = requests.map { r -> String in
            let payload = r.payload.split(separator: "\n").map { $0.trimmingSpaces() }.joined(separator: " ")
            return "    {\"organization_id\": \"\(r.organizationID)\", \"workflow_id\": \"\(r.workflowID)\", \"step_index\": \(r.stepIndex),\n"
                + "     \"payload\": \(payload),\n     \"output\": \"out/\(r.name).\(r.format)\"}"
        }
        try write("{\"dump\": \"..\",\n  \"jobs\": [\n" + jobs.joined(separator: ",\n") + "\n  ]\n}\n",
                  to: dir.appendingPathComponent("batch.json"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)

        var md = """
        # Requests for this dump

        Generated by `stepexport generate --events \(options.events) --seed \(options.seed)`. Every request
        covers the whole generated interval (\(GeneratedInterval.startText) to \(GeneratedInterval.endText),
        which holds every event). `rows` is the number of answer rows, counted by the generator while it
        wrote the events (the tests check it against an independent reading of the dump).

        | request | organization | workflow | type | step | format | rows | selects |
        | --- | --- | --- | --- | --- | --- | --- | --- |

        """
        for r in requests {
            md += "| `\(r.payloadFile)` | `\(r.organizationID)` | `\(r.workflowID)` (\(r.workflowName)) | \(r.workflowType.rawValue) | \(r.stepIndex) | \(r.format) | \(r.expectedRows) | \(r.summary) |\n"
        }
        md += """

        Run one with

        ```sh
        stepexport export --dump DUMP --org ORG --workflow WF --step N --payload DUMP/requests/NAME.json --output OUT
        ```

        or all of them with `stepexport batch DUMP/requests/batch.json` (outputs go to `requests/out/`).
        `index.tsv` lists the same columns for scripts (`Benchmarks/compare.sh` reads it).

        ## How the dump is shaped

        - Each event slot is, with probability 0.925, a step-\(world.bulkStep) event of the high-volume
          workflow *\(world.workflows[world.bulkWorkflow].name)* (a fresh one-event flow; 1.5 % of them go
          on to steps 2–3 later). That is why `write-heavy` selects ~92.5 % of all events.
        - The other slots are: events of ordinary flows (1–6 steps, each flow a visitor moving through one
          workflow, interleaved in time with the others; 5 % of steps repeat), goal events (60 % of
          completed flows, 5 % of abandoned ones, and some with no flow), and a little noise (category
          `pageView`, and workflow events of a deleted workflow).
        - Every step of a workflow has 1–3 identifier alternatives (page_url for giosg-default, view_uid
          for interaction, action otherwise); a flow keeps its choice, so `step_data` paths select real flows.
        - Organizations write differently: Acme (UTF-8, UTC `Z` timestamps), Kauppa Oy (non-ASCII as
          `\\u` escapes, local times with `+02:00`), Legacy GmbH (uppercase ids in events, `dim5` as a
          string of digits, one catalog entry without `steps`).

        ## Workflows

        | organization | workflow | type | steps |
        | --- | --- | --- | --- |

        """
        for w in world.publicWorkflows {
            md += "| \(w.organizationName) `\(w.organizationID)` | \(w.name) `\(w.id)` | \(w.kind.rawValue) | \(w.stepNames.count - 1) |\n"
        }
        try write(md, to: dir.appendingPathComponent("README.md"))
    }
}
