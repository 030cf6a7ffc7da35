import EventDump
import Foundation
import JSONScan
import StepRequest
import XCTest

/// The value parser behind payloads, catalogs and manifests runs in linear time and memory
/// (issue 13): wide arrays and objects, a 50,000-entry catalog, a 100,000-filter payload. The
/// bounds are generous (a debug build on a busy machine); the quadratic parser took 77 s for
/// the 100,000-element array alone.
final class LinearParsingTests: XCTestCase {
    /// The time bounds catch quadratic parsing, not a slow machine: a sanitizer (Tests/sanitizers.sh)
    /// makes every allocation several times dearer, so they stretch by 5 there.
    private let bound = ProcessInfo.processInfo.environment["STEPEXPORT_SANITIZER"] == nil ? 1.0 : 5.0

    /// Seconds `body` takes, the least of `runs` runs (the least is the least disturbed).
    private func seconds(runs: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    private func array(_ n: Int) -> [UInt8] {
        Array(("[" + (0..<n).map { "\($0 % 1000)" }.joined(separator: ",") + "]").utf8)
    }

    private func object(_ n: Int) -> [UInt8] {
        Array(("{" + (0..<n).map { "\"k\($0)\":[\($0)]" }.joined(separator: ",") + "}").utf8)
    }

    func testAHundredThousandElementArrayParsesWellWithinABound() throws {
        let text = array(100_000)
        var parsed: JSONValue?
        let took = try seconds(runs: 1) { parsed = try JSONValue.parse(text) }
        guard case .array(let items)? = parsed else { return XCTFail("not an array") }
        XCTAssertEqual(items.count, 100_000)
        XCTAssertEqual(items[99_999], .integer("999"))
        XCTAssertLessThan(took, 5 * bound, "100,000 elements took \(took) s")
    }

    func testAHundredThousandObjectKeysParseWellWithinABound() throws {
        let text = object(100_000)
        var parsed: JSONValue?
        let took = try seconds(runs: 1) { parsed = try JSONValue.parse(text) }
        guard case .object(let members)? = parsed else { return XCTFail("not an object") }
        XCTAssertEqual(members.count, 100_000)
        XCTAssertEqual(members.keys.first, "k0")
        XCTAssertEqual(members["k77777"], .array([.integer("77777")]))
        XCTAssertLessThan(took, 5 * bound, "100,000 keys took \(took) s")
    }

    /// Four times the input takes well under sixteen times as long (a quadratic parser's ratio):
    /// both sizes measured in the same run, for arrays, objects and nested arrays of objects.
    func testParseTimeGrowsLinearly() throws {
        let shapes: [(String, (Int) -> [UInt8])] = [
            ("array", array),
            ("object", object),
            ("nested", { n in Array(("[" + (0..<n).map { #"{"a":[\#($0),{"b":"x"}]}"# }.joined(separator: ",") + "]").utf8) }),
        ]
        for (name, make) in shapes {
            let small = make(10_000), large = make(40_000)
            let tSmall = try seconds { _ = try JSONValue.parse(small) }
            let tLarge = try seconds { _ = try JSONValue.parse(large) }
            XCTAssertLessThan(tLarge / tSmall, 9, "\(name): 10,000 in \(tSmall) s, 40,000 in \(tLarge) s")
        }
    }

    /// The messages the payload validation relies on are unchanged (Python's wording and positions).
    func testErrorsInWideDocumentsKeepPythonsMessages() {
        func reason(_ text: String) -> String? {
            do { _ = try JSONValue.parse(text); return nil } catch { return error.reason }
        }
        let wide = (0..<1000).map(String.init).joined(separator: ",")
        XCTAssertEqual(reason("[" + wide + ",]"), "Expecting value: line 1 column \(wide.count + 3) (char \(wide.count + 2))")
        XCTAssertEqual(reason("[" + wide + " 1]"), "Expecting ',' delimiter: line 1 column \(wide.count + 3) (char \(wide.count + 2))")
        XCTAssertEqual(reason(#"{"a":1,"b":2"#), "Expecting ',' delimiter: line 1 column 13 (char 12)")
        XCTAssertEqual(reason(#"{"a":1,}"#), "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)")
        XCTAssertEqual(reason(#"{"a" 1}"#), "Expecting ':' delimiter: line 1 column 6 (char 5)")
        XCTAssertEqual(reason("[[1,2],[3,"), "Expecting value: line 1 column 11 (char 10)")
        // A repeated key keeps its first place and its last value, as Python's dict.
        XCTAssertEqual(try? JSONValue.parse(#"{"a":1,"b":2,"a":3}"#), {
            var o = JSONObject(); o.set("a", .integer("1")); o.set("b", .integer("2")); o.set("a", .integer("3"))
            return .object(o)
        }())
    }

    func testAPayloadOfAHundredThousandFiltersIsValidatedWithinABound() {
        let filters = (0..<100_000).map { #"{"property":"action","values":["a\#($0)"]}"# }.joined(separator: ",")
        let payload = Array(#"{"filters":[\#(filters)],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#.utf8)
        let start = Date()
        let result = payload.withUnsafeBytes {
            StepRequest.validate(organizationID: "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90",
                                 workflowID: "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00", stepIndex: "1", payload: $0)
        }
        let took = Date().timeIntervalSince(start)
        guard case .success(let request) = result else { return XCTFail("\(result)") }
        XCTAssertEqual(request.filters.count, 100_000)
        XCTAssertLessThan(took, 10 * bound, "validating 100,000 filters took \(took) s")
    }

    /// (The 1,000,000-entry catalog is the `ValueParsing` benchmark's, in a release build.)
    func testAFiftyThousandEntryCatalogLoadsWithinABoundAndFindsEveryEntry() throws {
        let n = 50_000
        let entries = (0..<n).map { i in
            let id = String(format: "%08x-0000-4000-8000-%012x", i, i)
            return #"{"id":"\#(id)","org_id":"6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90","type":"chat","name":"W\#(i)","steps":[{"index":0,"name":"Source"}]}"#
        }
        let text = Array(("[" + entries.joined(separator: ",") + "]").utf8)
        let start = Date()
        let catalog = try Catalog.parse(text)
        let took = Date().timeIntervalSince(start)
        XCTAssertEqual(catalog.workflows.count, n)
        XCTAssertLessThan(took, 20 * bound, "a catalog of \(n) entries took \(took) s")
        // Lookups ignore the case of both UUIDs, and are not a scan per lookup.
        let lookups = Date()
        for i in stride(from: 0, to: n, by: 7) {
            let id = String(format: "%08X-0000-4000-8000-%012X", i, i)
            XCTAssertEqual(catalog.workflow(id: id, organizationID: "6F1C2B1E-0C1D-4D6E-9A51-3C2F4B7D8E90")?.name, "W\(i)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(lookups), 5 * bound)
        XCTAssertNil(catalog.workflow(id: "ffffffff-0000-4000-8000-000000000000", organizationID: "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"))
    }
}
