import DumpGenerator
import Foundation
import StepExportTestSupport
import XCTest

/// `stepexport generate` (SPEC §8): deterministic, every event valid per SPEC §2, and the ready
/// requests select what they claim — checked here by an independent reading of the dump
/// (Foundation's JSON decoder and a small reference implementation of SPEC §4).
final class DumpGeneratorTests: XCTestCase {
    // MARK: Determinism

    func testSameCountAndSeedGiveSameBytes() throws {
        let a = try TestPaths.temporaryDirectory(self), b = try TestPaths.temporaryDirectory(self)
        var options = DumpGenerator.Options(events: 3_000, seed: 42)
        options.eventsPerFile = 40 // several files a day
        try DumpGenerator.generate(options, to: a.path)
        try DumpGenerator.generate(options, to: b.path)
        let filesA = try allFiles(a), filesB = try allFiles(b)
        XCTAssertEqual(filesA, filesB)
        XCTAssertGreaterThan(filesA.filter { $0.hasPrefix("events/") }.count, 30)
        for f in filesA {
            XCTAssertEqual(try Data(contentsOf: a.appendingPathComponent(f)), try Data(contentsOf: b.appendingPathComponent(f)), f)
        }
        // The in-memory form is the same bytes as the files, concatenated in dump order.
        let memory = DumpGenerator.ndjson(events: 3_000, seed: 42)
        var concatenated = Data()
        for f in filesA where f.hasPrefix("events/") { concatenated += try Data(contentsOf: a.appendingPathComponent(f)) }
        XCTAssertEqual(Data(memory), concatenated)
    }

    func testOtherSeedGivesOtherDumpButSameShape() throws {
        let a = DumpGenerator.ndjson(events: 500, seed: 1), b = DumpGenerator.ndjson(events: 500, seed: 2)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(a.filter { $0 == 0x0A }.count, 500)
        XCTAssertEqual(b.filter { $0 == 0x0A }.count, 500)
        // The catalog depends on the seed only, not on the event count.
        XCTAssertEqual(DumpGenerator.workflows(seed: 5).map(\.id), DumpGenerator.workflows(seed: 5).map(\.id))
        XCTAssertNotEqual(DumpGenerator.workflows(seed: 5).map(\.id), DumpGenerator.workflows(seed: 6).map(\.id))
    }

    func testExistingDumpIsReplacedOnlyWhenAsked() throws {
        let dir = try TestPaths.temporaryDirectory(self)
        try DumpGenerator.generate(.init(events: 300, seed: 1), to: dir.path)
        XCTAssertThrowsError(try DumpGenerator.generate(.init(events: 200, seed: 1), to: dir.path))
        let report = try DumpGenerator.generate(.init(events: 200, seed: 1), to: dir.path, replace: true)
        XCTAssertEqual(report.events, 200)
        XCTAssertEqual(try Sample.readEvents(dir).count, 200)
    }

    // MARK: Validity (SPEC §1, §2)

    func testCatalogFollowsSpec() throws {
        let sample = try Sample.shared()
        let data = try Data(contentsOf: sample.root.appendingPathComponent("workflows.json"))
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        var types: [String: Int] = [:]
        for entry in array {
            XCTAssertTrue(Sample.isUUID(entry["id"] as? String ?? ""), "\(entry)")
            XCTAssertTrue(Sample.isUUID(entry["org_id"] as? String ?? ""), "\(entry)")
            let type = try XCTUnwrap(entry["type"] as? String)
            XCTAssertTrue(WorkflowKind(rawValue: type) != nil, type)
            types[type, default: 0] += 1
            if let name = entry["name"] { XCTAssertTrue(name is String) }
            if let steps = entry["steps"] {
                let list = try XCTUnwrap(steps as? [[String: Any]])
                for (i, step) in list.enumerated() {
                    XCTAssertEqual((step["index"] as? NSNumber)?.intValue, i)
                    XCTAssertTrue(step["name"] is String)
                }
            }
        }
        for kind in WorkflowKind.allCases { XCTAssertGreaterThanOrEqual(types[kind.rawValue] ?? 0, 3, kind.rawValue) }
        XCTAssertTrue(array.contains { $0["steps"] == nil }, "one entry without steps (SPEC §1 allows it)")
    }

    func testEveryEventIsValidAndRealistic() throws {
        let sample = try Sample.shared()
        XCTAssertEqual(sample.events.count, Sample.count)
        // File layout: events/YYYY/MM/DD-NNNN.ndjson, bounded, in dump order.
        let files = try allFiles(sample.root).filter { $0.hasPrefix("events/") }
        XCTAssertEqual(files, sample.report.files)
        for f in files { XCTAssertNotNil(f.range(of: #"^events/2022/11/\d\d-\d{4}\.ndjson$"#, options: .regularExpression), f) }
        XCTAssertTrue(sample.lineCounts.allSatisfy { $0 <= Sample.perFile })

        // ~850 bytes an event.
        let mean = Double(sample.report.bytes) / Double(Sample.count)
        XCTAssertTrue((780...940).contains(mean), "mean event size \(mean)")

        // Every key of SPEC §2 appears, and every event is within the interval.
        var seenKeys = Set<String>()
        for e in sample.events {
            seenKeys.formUnion(e.presentKeys)
            XCTAssertGreaterThanOrEqual(e.millis, GeneratedInterval.start)
            XCTAssertLessThan(e.millis, GeneratedInterval.end)
        }
        XCTAssertEqual(Set(Sample.specKeys).subtracting(seenKeys), [])
        // Both forms of dim5 and of timestamp offsets, escaped and raw non-ASCII text.
        XCTAssertTrue(sample.events.contains { $0.dim5String != nil })
        XCTAssertTrue(sample.events.contains { $0.dim5Int != nil })
        XCTAssertTrue(sample.raw.contains("+02:00\""))
        XCTAssertTrue(sample.raw.contains("\\u00e4"))
        XCTAssertTrue(sample.raw.contains("ä"))
        XCTAssertTrue(sample.raw.contains("\\ud83c\\udf84"))
        // Goal events share visitors with workflow events.
        let stepVisitors = Set(sample.events.filter { $0.category == "workflowReportingEvent" }.compactMap(\.visitor_id))
        let goals = sample.events.filter { $0.category == "goal" }
        XCTAssertGreaterThan(goals.count, 0)
        XCTAssertGreaterThan(goals.filter { stepVisitors.contains($0.visitor_id ?? "") }.count, goals.count / 2)
    }

    func testFlowsHaveOneToSixStepsWithConsistentIdentifiers() throws {
        let sample = try Sample.shared()
        let catalog = DumpGenerator.workflows(seed: Sample.seed)
        var steps: [String: Set<Int>] = [:]
        var identifiers: [String: Set<String>] = [:]   // workflow/step → identifiers used
        for e in sample.events where e.category == "workflowReportingEvent" {
            guard let w = catalog.first(where: { $0.id.lowercased() == e.label?.lowercased() }), let step = e.step else { continue }
            guard let flow = e.flow else { XCTFail("no flow"); continue }
            steps[w.id + "/" + flow, default: []].insert(step)
            identifiers["\(w.id)/\(step)", default: []].insert(e.identifier(w.kind) ?? "")
        }
        XCTAssertGreaterThan(steps.count, 100)
        let sizes = steps.values.map(\.count)
        XCTAssertEqual(sizes.min(), 1)
        XCTAssertEqual(sizes.max(), 6)
        for w in catalog {
            for (step, alternatives) in w.stepIdentifiers.enumerated() {
                guard let used = identifiers["\(w.id)/\(step)"] else { continue }
                XCTAssertTrue(used.isSubset(of: Set(alternatives)), "\(w.name) step \(step): \(used)")
            }
        }
    }

    // MARK: The requests

    func testRequestsSelectWhatTheyClaim() throws {
        let sample = try Sample.shared()
        let catalog = DumpGenerator.workflows(seed: Sample.seed)
        let index = try String(contentsOf: sample.root.appendingPathComponent("requests/index.tsv"), encoding: .utf8)
        let rows = index.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.map { $0[0] }, ["path-scan", "write-heavy", "write-heavy-xlsx", "triggered-goal"])
        var answers: [String: Int] = [:]
        for row in rows {
            let payloadData = try Data(contentsOf: sample.root.appendingPathComponent("requests/" + row[1]))
            let payload = try XCTUnwrap(JSONSerialization.jsonObject(with: payloadData) as? [String: Any])
            XCTAssertEqual(payload["format"] as? String, row[5])
            let workflow = try XCTUnwrap(catalog.first { $0.id == row[3] && $0.organizationID == row[2] })
            let selected = Reference.answer(events: sample.events, workflow: workflow, step: Int(row[4])!, payload: payload)
            XCTAssertEqual(selected, Int(row[6]), row[0])
            answers[row[0]] = selected
        }
        let n = Double(Sample.count)
        XCTAssertTrue((0.90...0.95).contains(Double(answers["write-heavy"]!) / n), "write-heavy share")
        XCTAssertEqual(answers["write-heavy"], answers["write-heavy-xlsx"])
        XCTAssertGreaterThan(answers["path-scan"]!, 5)
        XCTAssertLessThan(Double(answers["path-scan"]!) / n, 0.02)
        XCTAssertGreaterThan(answers["triggered-goal"]!, 0)
        // The path constraint matters: without step_data, step 2 has more rows.
        let path = rows[0]
        let workflow = catalog.first { $0.id == path[3] }!
        let unconstrained = Reference.answer(events: sample.events, workflow: workflow, step: 2,
                                             payload: ["filters": [Any](), "interval": ["start": GeneratedInterval.startText, "end": GeneratedInterval.endText]])
        XCTAssertGreaterThan(unconstrained, answers["path-scan"]!)
        // The batch manifest runs every request.
        let manifestData = try Data(contentsOf: sample.root.appendingPathComponent("requests/batch.json"))
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        XCTAssertEqual((manifest["jobs"] as? [Any])?.count, 4)
    }

    func testGenerateCommand() throws {
        let dir = try TestPaths.temporaryDirectory(self).appendingPathComponent("dump")
        let args = ["generate", "--events", "400", "--seed", "9", "--output", dir.path]
        let first = try runProcess(TestPaths.executable, args)
        XCTAssertEqual(first.status, 0, first.stderr)
        let out = String(decoding: first.stdout, as: UTF8.self)
        let tsv = try String(contentsOf: dir.appendingPathComponent("requests/index.tsv"), encoding: .utf8)
        for line in tsv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t")
            XCTAssertTrue(out.contains("\(f[0])\t\(f[2])\t\(f[3])\t\(f[4])"), "stdout names \(f[0])")
        }
        let again = try runProcess(TestPaths.executable, args)
        XCTAssertEqual(again.status, 64, "refuses to overwrite without --force")
        let before = try allFiles(dir).map { try Data(contentsOf: dir.appendingPathComponent($0)) }
        let forced = try runProcess(TestPaths.executable, args + ["--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try allFiles(dir).map { try Data(contentsOf: dir.appendingPathComponent($0)) }, before)
        XCTAssertEqual(try runProcess(TestPaths.executable, ["generate", "--events", "0", "--output", dir.path]).status, 64)
    }

    func testEngineAnswersEveryRequestWithTheClaimedRows() throws {
        let sample = try Sample.shared()
        let out = try TestPaths.temporaryDirectory(self)
        let index = try String(contentsOf: sample.root.appendingPathComponent("requests/index.tsv"), encoding: .utf8)
        for line in index.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t").map(String.init)
            let file = out.appendingPathComponent("\(f[0]).\(f[5])")
            let run = try runProcess(TestPaths.executable, [
                "export", "--dump", sample.root.path, "--org", f[2], "--workflow", f[3], "--step", f[4],
                "--payload", sample.root.appendingPathComponent("requests/" + f[1]).path, "--output", file.path, "--quiet"])
            XCTAssertEqual(run.status, 0, "\(f[0]): \(run.stderr)")
            let inspected = try runProcess(TestPaths.executable, ["inspect", file.path])
            XCTAssertEqual(inspected.status, 0, inspected.stderr)
            // CSV records end in CRLF (a single Character in Swift): count LF bytes. No generated value holds a newline.
            XCTAssertEqual(inspected.stdout.filter { $0 == 0x0A }.count - 1, Int(f[6]), "\(f[0]) rows")
        }
        // The batch manifest runs them all (outputs in requests/out/).
        let batch = try runProcess(TestPaths.executable, ["batch", sample.root.appendingPathComponent("requests/batch.json").path, "--quiet"])
        XCTAssertEqual(batch.status, 0, batch.stderr + String(decoding: batch.stdout, as: UTF8.self))
    }

    // MARK: Helpers

    private func allFiles(_ root: URL) throws -> [String] {
        let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        var out: [String] = []
        let prefix = root.standardizedFileURL.path + "/"
        for case let url as URL in e where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out.append(String(url.standardizedFileURL.path.dropFirst(prefix.count)))
        }
        return out.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}

/// One generated dump shared by the tests that only read it.
final class Sample {
    static let count = 12_000
    static let seed: UInt64 = 20_221_101
    static let perFile = 300
    let root: URL
    let report: DumpGenerator.Report
    let events: [DecodedEvent]
    let lineCounts: [Int]
    let raw: String

    private static var cached: Sample?
    private static let lock = NSLock()

    static func shared() throws -> Sample {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("stepexport-generator-sample-\(UUID().uuidString)")
        var options = DumpGenerator.Options(events: count, seed: seed)
        options.eventsPerFile = perFile
        let report = try DumpGenerator.generate(options, to: root.path)
        let sample = try Sample(root: root, report: report)
        cached = sample
        atexit { if let root = Sample.cached?.root { try? FileManager.default.removeItem(at: root) } }
        return sample
    }

    private init(root: URL, report: DumpGenerator.Report) throws {
        self.root = root
        self.report = report
        var counts: [Int] = []
        var text = ""
        var events: [DecodedEvent] = []
        for file in report.files {
            let data = try Data(contentsOf: root.appendingPathComponent(file))
            guard let s = String(data: data, encoding: .utf8) else { throw Failure("\(file) is not UTF-8") }
            text += s
            let lines = data.split(separator: 0x0A)
            counts.append(lines.count)
            for (i, line) in lines.enumerated() {
                do { events.append(try DecodedEvent.decode(Data(line))) } catch {
                    throw Failure("\(file):\(i + 1): \(error)")
                }
            }
        }
        self.events = events
        lineCounts = counts
        raw = text
    }

    static func readEvents(_ root: URL) throws -> [DecodedEvent] {
        let files = FileManager.default.enumerator(atPath: root.appendingPathComponent("events").path)!
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".ndjson") }.sorted()
        return try files.flatMap { f in
            try Data(contentsOf: root.appendingPathComponent("events/" + f)).split(separator: 0x0A).map { try DecodedEvent.decode(Data($0)) }
        }
    }

    static let specKeys = ["id", "timestamp", "organization_id", "category", "label", "action", "dim1", "dim2", "dim4", "dim5",
                           "value", "properties", "visitor_id", "session_id", "user_id", "page_url", "view_uid", "vendor",
                           "source", "event_version", "browser_name", "browser_version", "device_type", "device_screen_width",
                           "device_screen_height", "geo_city", "geo_country", "ip_organization", "os_name", "os_version"]

    static func isUUID(_ s: String) -> Bool {
        s.range(of: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", options: .regularExpression) != nil
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}

/// An event read with the SPEC §2 types enforced: `JSONDecoder` refuses a string where a number
/// is declared and vice versa, so decoding is the type check.
struct DecodedEvent: Decodable {
    enum Step: Decodable {
        case int(Int64), digits(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int64.self) { self = .int(i); return }
            let s = try c.decode(String.self)
            guard !s.isEmpty, s.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "dim5 \(s) is not digits")
            }
            self = .digits(s)
        }
    }
    enum Time: Decodable {
        case text(String), millis(Int64)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int64.self) { self = .millis(i) } else { self = .text(try c.decode(String.self)) }
        }
    }

    let id, organization_id, category, label, action, dim1, dim2, dim4: String?
    let dim5: Step?
    let timestamp: Time
    let value: Double?
    let properties: [String]?
    let visitor_id, session_id, user_id, page_url, view_uid, vendor, source: String?
    let event_version: Int64?
    let browser_name, browser_version, device_type: String?
    let device_screen_width, device_screen_height: Int64?
    let geo_city, geo_country, ip_organization, os_name, os_version: String?
    /// Set after decoding.
    var millis: Int64 = 0
    var presentKeys: [String] = []

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, organization_id, category, label, action, dim1, dim2, dim4, dim5, timestamp, value, properties
        case visitor_id, session_id, user_id, page_url, view_uid, vendor, source, event_version
        case browser_name, browser_version, device_type, device_screen_width, device_screen_height
        case geo_city, geo_country, ip_organization, os_name, os_version
    }

    static func decode(_ line: Data) throws -> DecodedEvent {
        var e = try JSONDecoder().decode(DecodedEvent.self, from: line)
        let object = try JSONSerialization.jsonObject(with: line) as! [String: Any]
        e.presentKeys = object.filter { !($0.value is NSNull) }.map(\.key)
        if let v = object["event_version"], !(v is NSNull), "\(v)".contains(".") { throw Sample.Failure("event_version \(v)") }
        switch e.timestamp {
        case .millis(let ms): e.millis = ms
        case .text(let s):
            guard let ms = Reference.parseTimestamp(s) else { throw Sample.Failure("timestamp \(s)") }
            e.millis = ms
        }
        return e
    }

    var dim5Int: Int64? { if case .int(let i)? = dim5 { return i } else { return nil } }
    var dim5String: String? { if case .digits(let s)? = dim5 { return s } else { return nil } }
    var step: Int? {
        switch dim5 {
        case .int(let i)?: return Int(i)
        case .digits(let s)?: return Int(s)
        case nil: return nil
        }
    }

    func identifier(_ kind: WorkflowKind) -> String? {
        switch kind {
        case .giosgDefault: return page_url ?? action
        case .interaction: return view_uid ?? action
        default: return action
        }
    }

    var flow: String? {
        for candidate in [dim1, session_id, visitor_id] { if let c = candidate, !c.isEmpty { return c } }
        return nil
    }
}

/// SPEC §4, written plainly (no time_zone, no limit: enough for the generated requests).
enum Reference {
    static func answer(events: [DecodedEvent], workflow w: GeneratedWorkflow, step n: Int, payload: [String: Any]) -> Int {
        let interval = payload["interval"] as! [String: Any]
        let start = parseTimestamp(interval["start"] as! String)!, end = parseTimestamp(interval["end"] as! String)!
        let org = w.organizationID.lowercased()
        let inE = events.filter {
            $0.category == "workflowReportingEvent" && $0.label?.lowercased() == w.id.lowercased()
                && $0.organization_id?.lowercased() == org && $0.step != nil && $0.millis >= start && $0.millis < end
        }
        var actions: [Int: Set<String>] = [:]
        if w.kind.usesStepData, let stepData = payload["step_data"] as? [[String: Any]] {
            for k in 1...max(n, 1) where k <= n && k < stepData.count {
                if let a = stepData[k]["actions"] as? [String], !a.isEmpty { actions[k] = Set(a) }
            }
        }
        var flowsAt: [Int: Set<String>] = [:]
        for (k, a) in actions where k < n {
            flowsAt[k] = Set(inE.filter { $0.step == k && a.contains($0.identifier(w.kind) ?? "") }.compactMap(\.flow))
        }
        let target = payload["target"] as? String ?? "default"
        let filters = (payload["filters"] as? [[String: Any]] ?? []).map { ($0["property"] as! String, Set($0["values"] as! [String])) }
        func value(_ e: DecodedEvent, _ property: String) -> String? {
            switch property {
            case "action": return e.identifier(w.kind)
            case "label": return e.label
            case "flow_id": return e.dim1
            case "room_id": return e.dim2
            case "visitor_id": return e.visitor_id
            case "session_id": return e.session_id
            case "geo_country": return e.geo_country
            case "geo_city": return e.geo_city
            case "device_type": return e.device_type
            case "browser_name": return e.browser_name
            case "os_name": return e.os_name
            default: return nil
            }
        }
        func passes(_ e: DecodedEvent, labelFilters: Bool) -> Bool {
            filters.allSatisfy { (property, values) in
                if (property == "label") != labelFilters { return true }
                guard let v = value(e, property) else { return false }
                return values.contains(v)
            }
        }
        let stepRows = inE.filter { e in
            guard e.step == n else { return false }
            if let a = actions[n], !a.contains(e.identifier(w.kind) ?? "") { return false }
            for (k, flows) in flowsAt { guard let f = e.flow, flows.contains(f) else { return false }; _ = k }
            return passes(e, labelFilters: false) && (target != "default" || passes(e, labelFilters: true))
        }
        if target == "default" { return stepRows.count }
        var earliest: [String: Int64] = [:]
        for s in stepRows { if let v = s.visitor_id, !v.isEmpty { earliest[v] = min(earliest[v] ?? .max, s.millis) } }
        return events.filter { g in
            g.category == "goal" && g.organization_id?.lowercased() == org && g.millis >= start && g.millis < end
                && passes(g, labelFilters: true) && (g.visitor_id.flatMap { earliest[$0] }.map { g.millis >= $0 } ?? false)
        }.count
    }

    /// `YYYY-MM-DDThh:mm[:ss[.f]][Z|±hh:mm]` → epoch milliseconds (fraction truncated).
    private static let timestampPattern = try! NSRegularExpression(
        pattern: #"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?(Z|[+-]\d\d:\d\d)?$"#)

    static func parseTimestamp(_ s: String) -> Int64? {
        guard let m = timestampPattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else { return nil }
        func group(_ i: Int) -> String? { Range(m.range(at: i), in: s).map { String(s[$0]) } }
        let y = Int(group(1)!)!, mo = Int(group(2)!)!, d = Int(group(3)!)!
        let h = Int(group(4)!)!, mi = Int(group(5)!)!, sec = Int(group(6) ?? "0")!
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 60 else { return nil }
        let ms = Int((group(7).map { ($0 + "00").prefix(3) }) ?? "0")!
        var offset = 0
        if let z = group(8), z != "Z" {
            let sign = z.hasPrefix("-") ? -1 : 1
            offset = sign * (Int(z.dropFirst().prefix(2))! * 60 + Int(z.suffix(2))!)
        }
        // days from civil
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        return Int64(days) * 86_400_000 + Int64(((h * 60 + mi - offset) * 60 + sec) * 1000 + ms)
    }
}
