import Benchmark
import BenchmarkSupport
import EventDump
import JSONScan
import StepRequest

/// The value parser behind payloads and manifests (`JSONValue.parse`) and the catalog reader
/// (`Catalog.parse`, bytes straight into workflows) on wide inputs, which must take linear time:
/// a 1,000,000-entry catalog (~170 MB) under 3 s, a payload holding a 100,000-element array well
/// under a second. Each iteration parses the whole input once.
let benchmarks: @Sendable () -> Void = {
    let organization = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90", workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"
    let interval = #""interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}"#

    // A 200 KB payload: a 100,000-element array beside the required fields (ignored by the rules).
    let payload = Array((#"{"filters":[],\#(interval),"extra":["# + [String](repeating: "0", count: 100_000).joined(separator: ",") + "]}").utf8)
    Benchmark("StepRequest.validate: a payload with a 100,000-element array (\(payload.count / 1000) KB)",
              configuration: .suite([.megabytesPerSecond])) { benchmark in
        measured(benchmark) {
            let result = payload.withUnsafeBytes {
                StepRequest.validate(organizationID: organization, workflowID: workflow, stepIndex: "1", payload: $0)
            }
            precondition((try? result.get()) != nil, "the payload is valid")
            return (payload.count, 0)
        }
    }

    // 100,000 object keys: the same text shape as a payload with many unknown keys.
    let keys = Array(("{" + (0..<100_000).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}").utf8)
    Benchmark("JSONValue.parse: an object of 100,000 keys (\(keys.count / 1000) KB)",
              configuration: .suite([.megabytesPerSecond])) { benchmark in
        try measured(benchmark) {
            guard case .object(let o) = try JSONValue.parse(keys), o.count == 100_000 else { preconditionFailure() }
            return (keys.count, 0)
        }
    }

    // A catalog of 1,000,000 workflows, each with a name and two steps (~170 bytes an entry).
    let catalog: [UInt8] = {
        var text = "["
        text.reserveCapacity(175_000_000)
        for i in 0..<1_000_000 {
            let id = "\(String(i, radix: 16).leftPadded(8))-0000-4000-8000-\(String(i, radix: 16).leftPadded(12))"
            if i > 0 { text += "," }
            text += #"{"id":"\#(id)","org_id":"\#(organization)","type":"chat","name":"Workflow \#(i)","#
                + #""steps":[{"index":0,"name":"Source"},{"index":1,"name":"Opened"}]}"#
        }
        return Array((text + "]").utf8)
    }()
    Benchmark("Catalog.parse: 1,000,000 workflows (\(catalog.count / 1_000_000) MB)",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .megabytesPerSecond],
                                   warmupIterations: 0, maxDuration: .seconds(10), maxIterations: 3)) { benchmark in
        try measured(benchmark) {
            let parsed = try Catalog.parse(catalog)
            precondition(parsed.workflows.count == 1_000_000)
            return (catalog.count, 0)
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
