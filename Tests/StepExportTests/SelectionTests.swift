import EventDump
import Events
import Foundation
import Selection
import StepRequest
import XCTest

/// SPEC §4 on events held in memory: the `Selection` module's collectors, finish and ordered walk,
/// against a plain re-statement of §4 over the same events, on random workflows, events and
/// requests (path constraints, filters, goals, ties, limits, several collectors). No files.
final class SelectionTests: XCTestCase {
    /// One generated event, as plain values (nil: the key is absent).
    struct Fields {
        var category: String?
        var label: String?
        var organization: String?
        var step: Int?
        var stepAsString = false
        var millis: Int64
        var pageURL: String?
        var viewUID: String?
        var action: String?
        var dim1: String?
        var dim2: String?
        var sessionID: String?
        var visitorID: String?
        var geoCity: String?

        var json: String {
            var members = [#""timestamp":\#(millis)"#]
            func add(_ key: String, _ value: String?) {
                if let value { members.append("\"\(key)\":\"\(value)\"") }
            }
            add("category", category); add("label", label); add("organization_id", organization)
            if let step { members.append(stepAsString ? "\"dim5\":\"\(step)\"" : "\"dim5\":\(step)") }
            add("page_url", pageURL); add("view_uid", viewUID); add("action", action)
            add("dim1", dim1); add("dim2", dim2); add("session_id", sessionID); add("visitor_id", visitorID)
            add("geo_city", geoCity)
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    struct Case {
        var type: WorkflowType
        var workflowID: String
        var organizationID: String
        var step: Int
        var stepData: [[String]?]
        var filters: [(FilterProperty, [String])]
        var triggeredGoal: Bool
        var limit: Int?
        var start: Int64
        var end: Int64
        var events: [Fields]
    }

    static let workflowID = "6f1c2e3d-4a5b-4c6d-8e7f-8091a2b3c4d5"
    static let organizationID = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
    static let otherID = "ffffffff-0000-4000-8000-000000000000"

    // MARK: The statement of SPEC §4 the module is checked against

    static func identifier(_ e: Fields, _ type: WorkflowType) -> String? {
        switch type {
        case .webNavigation: return e.pageURL ?? e.action
        case .interaction: return e.viewUID ?? e.action
        case .userGenerated, .chat, .voiceVideo: return e.action
        }
    }

    static func flow(_ e: Fields) -> String? {
        for v in [e.dim1, e.sessionID, e.visitorID] { if let v, !v.isEmpty { return v } }
        return nil
    }

    static func value(_ e: Fields, _ p: FilterProperty, _ type: WorkflowType) -> String? {
        switch p {
        case .action: return identifier(e, type)
        case .label: return e.label
        case .flowID: return e.dim1
        case .roomID: return e.dim2
        case .visitorID: return e.visitorID
        case .sessionID: return e.sessionID
        case .geoCity: return e.geoCity
        case .geoCountry, .deviceType, .browserName, .osName: return nil // never generated: absent
        }
    }

    /// The answer rows' indexes into `c.events`, in answer order.
    static func expectedAnswer(_ c: Case) -> [Int] {
        let inInterval = { (e: Fields) in e.millis >= c.start && e.millis < c.end }
        let workflowEvents = c.events.indices.filter { i in
            let e = c.events[i]
            return e.category == "workflowReportingEvent" && e.label?.lowercased() == c.workflowID.lowercased()
                && e.organization?.lowercased() == c.organizationID.lowercased() && e.step != nil && inInterval(e)
        }
        var constrained: [Int: Set<String>] = [:]
        if c.type == .webNavigation || c.type == .interaction {
            for (k, actions) in c.stepData.enumerated() where k >= 1 && k <= c.step {
                if let actions, !actions.isEmpty { constrained[k] = Set(actions) }
            }
        }
        let passes = { (e: Fields, filters: [(FilterProperty, [String])]) in
            filters.allSatisfy { p, values in value(e, p, c.type).map(values.contains) ?? false }
        }
        let stepFilters = c.filters.filter { !(c.triggeredGoal && $0.0 == .label) }
        let goalFilters = c.filters.filter { c.triggeredGoal && $0.0 == .label }
        let steps = workflowEvents.filter { i in
            let e = c.events[i]
            guard e.step == c.step else { return false }
            if let actions = constrained[c.step], !(identifier(e, c.type).map(actions.contains) ?? false) { return false }
            for (k, actions) in constrained where k < c.step {
                guard let f = flow(e) else { return false }
                let reached = workflowEvents.contains { j in
                    let o = c.events[j]
                    return o.step == k && flow(o) == f && (identifier(o, c.type).map(actions.contains) ?? false)
                }
                if !reached { return false }
            }
            return passes(e, stepFilters)
        }
        var rows = steps
        if c.triggeredGoal {
            rows = c.events.indices.filter { g in
                let e = c.events[g]
                guard e.category == "goal", e.organization?.lowercased() == c.organizationID.lowercased(),
                      inInterval(e), passes(e, goalFilters), let visitor = e.visitorID, !visitor.isEmpty else { return false }
                return steps.contains { s in c.events[s].visitorID == visitor && e.millis >= c.events[s].millis }
            }
        }
        // Ascending timestamp, ties by dump position (the index), then the limit.
        rows.sort { (c.events[$0].millis, $0) < (c.events[$1].millis, $1) }
        return Array(rows.prefix(c.limit ?? .max))
    }

    // MARK: The module

    /// Runs `Selection` over the events, dealt out to `collectors` collectors as scanning threads
    /// would; returns the walked rows' indexes.
    static func selected(_ c: Case, collectors: Int, seed: UInt64) throws -> [Int] {
        let catalogJSON = #"[{"id":"\#(c.workflowID)","org_id":"\#(c.organizationID)","type":"\#(c.type.rawValue)","steps":[\#((0...3).map { #"{"index":\#($0),"name":"s\#($0)"}"# }.joined(separator: ","))]}]"#
        let catalog = try Catalog.parse(Array(catalogJSON.utf8))
        func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        let stepData = "[" + c.stepData.map { $0.map { #"{"actions":\#(list($0))}"# } ?? "{}" }.joined(separator: ",") + "]"
        let filters = "[" + c.filters.map { #"{"property":"\#($0.0.rawValue)","values":\#(list($0.1))}"# }.joined(separator: ",") + "]"
        func iso(_ millis: Int64) -> String {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return f.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
        }
        var payload = #"{"filters":\#(filters),"step_data":\#(stepData),"interval":{"start":"\#(iso(c.start))","end":"\#(iso(c.end))"}"#
        if c.triggeredGoal { payload += #","target":"triggered_goal""# }
        if let limit = c.limit { payload += #","limit":\#(limit)"# }
        payload += "}"
        let query = try StepRequest.validate(organizationID: c.organizationID.uppercased(), workflowID: c.workflowID,
                                             stepIndex: String(c.step), payload: Array(payload.utf8))
            .flatMap { $0.answerable(in: CatalogDirectory(catalog)) }.get()

        let selection = Selection(query: query, threads: collectors)
        var random = SeededRandom(seed: seed)
        var parser = EventParser()
        var event = Event()
        // Kept events' bytes stay alive until the walk: rows are read back by position only.
        var texts: [[UInt8]] = []
        for (i, fields) in c.events.enumerated() {
            texts.append(Array(fields.json.utf8))
            try texts[i].withUnsafeBytes { bytes in
                _ = try parser.parse(bytes, at: 0, into: &event)
                let collector = selection.visitors[Int.random(in: 0..<collectors, using: &random)]
                _ = collector.visit(&event, bytes: bytes, position: DumpPosition(file: Int32(i / 25), offset: Int64(i) * 1000))
            }
        }
        let count = selection.finish()
        var rows: [Int] = []
        selection.forEachRow { row in rows.append(Int(row.position.offset / 1000)) }
        XCTAssertEqual(count, rows.count)
        return rows
    }

    // MARK: Random cases

    static func randomCase(_ random: inout SeededRandom) -> Case {
        let type = WorkflowType.allCases.randomElement(using: &random)!
        let vocabulary = ["a", "b", "c", ""]
        func maybe(_ values: [String], absent: Double = 0.3) -> String? {
            Double.random(in: 0..<1, using: &random) < absent ? nil : values.randomElement(using: &random)!
        }
        let start: Int64 = 1_700_000_000_000
        let end = start + Int64.random(in: 1...50, using: &random) * 1000
        let events = (0..<Int.random(in: 0...150, using: &random)).map { _ in
            Fields(category: maybe(["workflowReportingEvent", "workflowReportingEvent", "workflowReportingEvent", "goal", "goal", "other"], absent: 0.03),
                   label: maybe([workflowID, workflowID, workflowID.uppercased(), workflowID, otherID, "a"], absent: 0.03),
                   organization: maybe([organizationID, organizationID, organizationID.uppercased(), organizationID, otherID], absent: 0.03),
                   step: Int.random(in: 0..<8, using: &random) == 0 ? nil : Int.random(in: 0...3, using: &random),
                   stepAsString: Int.random(in: 0..<5, using: &random) == 0,
                   millis: start + Int64.random(in: -5...55, using: &random) * 1000,
                   pageURL: maybe(vocabulary, absent: 0.4), viewUID: maybe(vocabulary, absent: 0.4),
                   action: maybe(vocabulary, absent: 0.2), dim1: maybe(["f1", "f2", ""], absent: 0.5),
                   dim2: maybe(["r1", "r2"], absent: 0.5), sessionID: maybe(["s1", "s2", ""], absent: 0.4),
                   visitorID: maybe(["v1", "v2", "v3", ""], absent: 0.2), geoCity: maybe(["Oulu", "Turku"], absent: 0.3))
        }
        let step = Int.random(in: 0...3, using: &random)
        let stepData: [[String]?] = (0..<Int.random(in: 0...5, using: &random)).map { _ in
            Int.random(in: 0..<3, using: &random) == 0 ? nil
                : (0..<Int.random(in: 0...2, using: &random)).map { _ in vocabulary.randomElement(using: &random)! }
        }
        let properties: [FilterProperty] = [.action, .label, .flowID, .roomID, .visitorID, .sessionID, .geoCity, .osName]
        let filters: [(FilterProperty, [String])] = (0..<[0, 0, 1, 2].randomElement(using: &random)!).map { _ in
            let p = properties.randomElement(using: &random)!
            let pool = p == .label ? [workflowID, "a", "goal-label"] : ["a", "b", "f1", "r1", "v1", "s1", "Oulu", ""]
            return (p, (0..<Int.random(in: 1...3, using: &random)).map { _ in pool.randomElement(using: &random)! })
        }
        return Case(type: type, workflowID: workflowID, organizationID: organizationID, step: step, stepData: stepData,
                    filters: filters, triggeredGoal: Int.random(in: 0..<3, using: &random) == 0,
                    limit: Bool.random(using: &random) ? nil : Int.random(in: 1...6, using: &random),
                    start: start, end: end, events: events)
    }

    func testAgreesWithTheStatementOfSection4() throws {
        var random = SeededRandom(seed: 2026)
        var nonEmpty = 0, limited = 0, goals = 0, constrained = 0
        for round in 0..<600 {
            let c = Self.randomCase(&random)
            let expected = Self.expectedAnswer(c)
            for collectors in [1, 3] {
                let got = try Self.selected(c, collectors: collectors, seed: UInt64(round))
                XCTAssertEqual(got, expected, "round \(round), \(collectors) collectors: \(c.type) step \(c.step) "
                               + "step_data \(c.stepData) filters \(c.filters) goal \(c.triggeredGoal) limit \(String(describing: c.limit))")
                if got != expected { return }
            }
            if !expected.isEmpty { nonEmpty += 1 }
            if let limit = c.limit, expected.count == limit { limited += 1 }
            if c.triggeredGoal && !expected.isEmpty { goals += 1 }
            if c.step >= 2 && c.stepData.count > 1 && !expected.isEmpty { constrained += 1 }
        }
        // The cases must reach what they are meant to test.
        XCTAssertGreaterThan(nonEmpty, 150)
        XCTAssertGreaterThan(limited, 30)
        XCTAssertGreaterThan(goals, 20)
        XCTAssertGreaterThan(constrained, 20)
    }

    /// Rows with the same timestamp come in dump order, across collectors, and the limit cuts
    /// that order.
    func testTiesByDumpPositionAndLimit() throws {
        let e = { (i: Int) in
            Fields(category: "workflowReportingEvent", label: Self.workflowID, organization: Self.organizationID,
                   step: 1, millis: 1_700_000_010_000 + Int64(i % 2) * 1000, action: "x")
        }
        var c = Case(type: .chat, workflowID: Self.workflowID, organizationID: Self.organizationID, step: 1,
                     stepData: [], filters: [], triggeredGoal: false, limit: nil,
                     start: 1_700_000_000_000, end: 1_700_000_100_000, events: (0..<10).map(e))
        XCTAssertEqual(try Self.selected(c, collectors: 3, seed: 1), [0, 2, 4, 6, 8, 1, 3, 5, 7, 9])
        c.limit = 4
        XCTAssertEqual(try Self.selected(c, collectors: 3, seed: 2), [0, 2, 4, 6])
    }
}
