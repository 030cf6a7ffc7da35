import DumpGenerator
import Foundation
import XCTest

/// A dump written by `DumpGenerator` into the temporary folder for one test class (create it in
/// a static `let`, remove it in `tearDown`), with the requests the generator wrote beside it.
struct GeneratedTestDump {
    struct Request {
        let org, workflow, step: String
        let payload: [UInt8]
        let expectedRows: Int
    }

    let root: URL

    init(name: String, events: Int, seed: UInt64, eventsPerFile: Int) {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("stepexport-\(name)-\(getpid())")
        var options = DumpGenerator.Options(events: events, seed: seed)
        options.eventsPerFile = eventsPerFile
        _ = try! DumpGenerator.generate(options, to: root.path, replace: true)
    }

    /// A dump already generated at `root`.
    init(existing root: URL) { self.root = root }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// The request called `name` in `requests/index.tsv`.
    func request(_ name: String) throws -> Request {
        let index = try String(contentsOf: root.appendingPathComponent("requests/index.tsv"), encoding: .utf8)
        let lines = index.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let header = lines[0]
        let row = try XCTUnwrap(lines.first { $0.first == name })
        func field(_ f: String) -> String { row[header.firstIndex(of: f)!] }
        let payload = try Data(contentsOf: root.appendingPathComponent("requests/" + field("payload")))
        return Request(org: field("organization_id"), workflow: field("workflow_id"), step: field("step_index"),
                       payload: Array(payload), expectedRows: Int(field("expected_rows"))!)
    }
}
