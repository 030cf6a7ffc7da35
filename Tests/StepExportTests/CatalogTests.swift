import EventDump
import Foundation
import StepExportTestSupport
import XCTest

/// `workflows.json` (SPEC §1): two entries with the same `id` and `org_id` make a malformed
/// catalog (issue 13, case 8: they were accepted without a word); the same id in two
/// organizations is two workflows.
final class CatalogTests: XCTestCase {
    private let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90"
    private let other = "11111111-2222-4333-8444-555555555555"
    private let id = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"

    private func entry(_ id: String, _ org: String, name: String) -> String {
        #"{"id":"\#(id)","org_id":"\#(org)","type":"chat","name":"\#(name)"}"#
    }

    func testTheSameIdAndOrgTwiceIsAMalformedCatalog() {
        let text = "[" + [entry(id, org, name: "a"), entry(other, org, name: "b"), entry(id.uppercased(), org.uppercased(), name: "c")]
            .joined(separator: ",") + "]"
        XCTAssertThrowsError(try Catalog.parse(Array(text.utf8))) { error in
            XCTAssertEqual((error as? DumpError)?.detail,
                           #"Malformed workflow catalog: entry 2: the same "id" and "org_id" as entry 0"#)
        }
    }

    /// Entries are checked as they are parsed, but a JSON error anywhere wins over a bad entry
    /// before it, as when the whole document was parsed first.
    func testAJSONErrorAfterABadEntryIsTheOneReported() {
        func detail(_ text: String) -> String? {
            do { _ = try Catalog.parse(Array(text.utf8)); return nil } catch { return (error as? DumpError)?.detail }
        }
        XCTAssertEqual(detail(#"[{"id":1},"# + entry(id, org, name: "a") + ",]"),
                       "Malformed workflow catalog: workflows.json is not valid JSON: Expecting value: line 1 column 130 (char 129)")
        XCTAssertEqual(detail(#"[{"id":1},"# + entry(id, org, name: "a") + "]"),
                       #"Malformed workflow catalog: entry 0: "id" must be a UUID string"#)
        XCTAssertEqual(detail(#"{"id":1}"#), "Malformed workflow catalog: workflows.json must be a JSON array, not dict")
        XCTAssertEqual(detail("[]  x"), "Malformed workflow catalog: workflows.json is not valid JSON: Extra data: line 1 column 5 (char 4)")
    }

    func testTheSameIdInTwoOrganizationsIsTwoWorkflows() throws {
        let text = "[" + entry(id, org, name: "a") + "," + entry(id, other, name: "b") + "]"
        let catalog = try Catalog.parse(Array(text.utf8))
        XCTAssertEqual(catalog.workflow(id: id, organizationID: org)?.name, "a")
        XCTAssertEqual(catalog.workflow(id: id.uppercased(), organizationID: other)?.name, "b")
    }

    /// The catalog reader (bytes straight into workflows) reads what the value parser reads, on
    /// the shapes it reads itself and on those it leaves to the value parser (an escaped member
    /// name, a step index written `-0`, nesting deeper than it follows).
    func testTheCatalogReaderReadsWhatTheValueParserReads() throws {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let texts = [
            // Escapes in values, a null name, null steps, repeated keys (the last value counts),
            // ignored values of every kind.
            #"[{"id":"\#(id)","org_id":"\#(org)","type":"ch\u0061t","name":"a\"b\u00e9\ud83d\ude00","#
                + #""steps":[{"index":1,"name":"x","index":2},{"index":2,"name":"y","extra":[{}]}]},"#
                + #" {"id":1,"id":"\#(id.uppercased())","org_id":"\#(other)","type":"interaction","name":null,"steps":null,"#
                + #""extra":{"a":[1,-2.5e3,0.5E+2,true,false,null,{},[]],"b":"\n"}}]"#,
            #"[{"\u0069d":"\#(id)","org_id":"\#(org)","type":"chat","steps":[{"index":-0,"name":"s"}],"deep":\#(deep)}]"#,
            " [ ] ",
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            XCTAssertEqual(try Catalog.parse(bytes).workflows, try Catalog.parseValues(bytes).workflows, text)
        }
        let read = try Catalog.parse(Array(texts[0].utf8))
        XCTAssertEqual(read.workflows.map(\.name), ["a\"b\u{e9}\u{1F600}", nil])
        XCTAssertEqual(read.workflows.map(\.type), [.chat, .interaction])
        XCTAssertEqual(read.workflows[0].steps, [2: "y"])
        XCTAssertEqual(read.workflow(id: id, organizationID: other)?.id, id.uppercased())
        XCTAssertEqual(try Catalog.parse(Array(texts[1].utf8)).workflows.first?.steps, [0: "s"])
    }

    func testAnExportAgainstADuplicatedCatalogIs500() throws {
        let root = try TestPaths.temporaryDirectory(self)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("events"), withIntermediateDirectories: true)
        try Data(("[" + entry(id, org, name: "a") + "," + entry(id, org, name: "b") + "]").utf8)
            .write(to: root.appendingPathComponent("workflows.json"))
        let r = try runProcess(TestPaths.executable,
                               ["export", "--dump", root.path, "--org", org, "--workflow", id, "--step", "1", "--payload", "-",
                                "--output", root.appendingPathComponent("out.csv").path],
                               input: Data(#"{"filters":[],"interval":{"start":"2022-11-03T00:00:00Z","end":"2022-11-04T00:00:00Z"}}"#.utf8))
        XCTAssertEqual(r.status, 50, r.stderr)
        XCTAssertEqual(r.stderr, #"{"detail":"Malformed workflow catalog: entry 1: the same \"id\" and \"org_id\" as entry 0"}"# + "\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("out.csv").path))
    }
}
