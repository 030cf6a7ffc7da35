import Foundation
import StepExportTestSupport
import XCTest

/// docs/examples.md stays true: every example there — a ```json payload, a ```sh `stepexport
/// export` command, a ```text block of some columns — is run with the executable, and the rows
/// must be exactly the ones shown.
final class DocsExamplesTests: XCTestCase {
    struct Example {
        let payload: String
        let arguments: [String]
        let expected: [String]
    }

    /// The fenced blocks of a markdown file, in order: (language, text).
    static func blocks(_ markdown: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var language: String?
        var lines: [String] = []
        for line in markdown.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if let open = language {
                    out.append((open, lines.joined(separator: "\n")))
                    language = nil
                } else {
                    language = String(line.dropFirst(3))
                    lines = []
                }
            } else if language != nil {
                lines.append(line)
            }
        }
        return out
    }

    /// Each json, sh, text run of blocks whose command is a `stepexport export`.
    static func examples(_ markdown: String) -> [Example] {
        let b = blocks(markdown)
        var out: [Example] = []
        for i in 0..<max(0, b.count - 2) where b[i].0 == "json" && b[i + 1].0 == "sh" && b[i + 2].0 == "text" {
            let command = b[i + 1].1.replacingOccurrences(of: "\\\n", with: " ")
            var words = command.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
            guard words.first == "stepexport", words.dropFirst().first == "export" else { continue }
            words.removeFirst()
            if let p = words.firstIndex(of: "--payload"), p + 1 < words.count { words[p + 1] = "-" }
            out.append(Example(payload: b[i].1, arguments: words,
                               expected: b[i + 2].1.split(separator: "\n").map(String.init)))
        }
        return out
    }

    func testEveryExampleGivesTheRowsShown() throws {
        let markdown = try String(contentsOf: TestPaths.repoRoot.appendingPathComponent("docs/examples.md"), encoding: .utf8)
        let examples = DocsExamplesTests.examples(markdown)
        XCTAssertEqual(examples.count, 6, "one example per workflow type, and the goals")
        for example in examples {
            let label = example.arguments.joined(separator: " ")
            let r = try runProcess(TestPaths.executable, example.arguments, input: Data(example.payload.utf8),
                                   currentDirectory: TestPaths.repoRoot)
            XCTAssertEqual(r.status, 0, "\(label): \(r.stderr)")
            let csv = r.stdoutText
            XCTAssertFalse(csv.contains("\""), "\(label): the examples show no quoted fields")
            let records = csv.components(separatedBy: "\r\n").dropLast().map { $0.components(separatedBy: ",") }
            guard let header = records.first, let wanted = example.expected.first?.components(separatedBy: ",") else {
                XCTFail("\(label): no header"); continue
            }
            XCTAssertEqual(header.count, 31, label)
            let columns = try wanted.map { name in try XCTUnwrap(header.firstIndex(of: name), "\(label): no column \(name)") }
            let shown = records.map { record in columns.map { record[$0] }.joined(separator: ",") }
            XCTAssertEqual(shown, example.expected, label)
        }
    }
}
