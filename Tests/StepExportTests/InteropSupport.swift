import Foundation
import StepExportTestSupport
import XCTest

/// Helpers of the reader, schema and interop tests (named apart from other test files' helpers).
enum ReaderTestSupport {
    /// The repository root, from this file's path (Tests/StepExportTests/InteropSupport.swift).
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var interopDirectory: String { repoRoot + "/Tests/interop" }

    /// The environment variable naming the OOXML schema folder.
    static let schemaVariable = "STEPEXPORT_OOXML_SCHEMAS"

    /// The OOXML schema folder: `$STEPEXPORT_OOXML_SCHEMAS`, else the team's copy beside the clone
    /// (`<repo root>/../shared/schemas/ooxml`, where CI lays it).
    static var schemaDirectory: String {
        if let dir = ProcessInfo.processInfo.environment[schemaVariable], !dir.isEmpty { return dir }
        return URL(fileURLWithPath: repoRoot).deletingLastPathComponent().path + "/shared/schemas/ooxml"
    }

    /// Runs a program found on PATH, reading both pipes concurrently.
    static func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
        try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments, environment: environment)
    }

    /// Makes a fixture with Tests/interop/make_fixtures.py; skips (or fails under CI) without
    /// python3 or, for `openpyxl`, without openpyxl.
    static func makeFixture(_ kind: String, in dir: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        if kind == "openpyxl" {
            try require(.python3, .openpyxl, file: file, line: line)
        } else {
            try require(.python3, file: file, line: line)
        }
        let path = dir + "/\(kind).xlsx"
        let r = try run("python3", [interopDirectory + "/make_fixtures.py", kind, path])
        guard r.status == 0 else {
            XCTFail("make_fixtures.py \(kind) failed: \(r.stderr)", file: file, line: line)
            throw XCTSkip("fixture failed")
        }
        return path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    static func read(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Drops trailing empty cells of each row and trailing empty rows (as read_xlsx.py does).
    static func trimmed(_ rows: [[String]]) -> [[String]] {
        var out = rows.map { r -> [String] in
            var r = r
            while let last = r.last, last.isEmpty { r.removeLast() }
            return r
        }
        while let last = out.last, last.isEmpty { out.removeLast() }
        return out
    }

    /// Cells agree if their text is equal, or both are numbers of equal value ("1E+300" vs "1e+300").
    static func cellsAgree(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let numberChars = Set("0123456789+-.eE")
        guard !a.isEmpty, !b.isEmpty, a.allSatisfy(numberChars.contains), b.allSatisfy(numberChars.contains),
              let x = Double(a), let y = Double(b) else { return false }
        return x == y
    }

    /// Compares two sheets cell by cell (after trimming); returns the differences, at most 20.
    static func differences(_ actual: [[String]], _ expected: [[String]],
                            agree: (String, String) -> Bool = cellsAgree) -> [String] {
        let a = trimmed(actual), e = trimmed(expected)
        var out: [String] = []
        if a.count != e.count { out.append("\(a.count) rows, expected \(e.count)") }
        for r in 0..<min(a.count, e.count) {
            let ar = a[r], er = e[r]
            for c in 0..<max(ar.count, er.count) {
                let x = c < ar.count ? ar[c] : "", y = c < er.count ? er[c] : ""
                if !agree(x, y) {
                    out.append("row \(r + 1) col \(c + 1): \(x.debugDescription), expected \(y.debugDescription)")
                    if out.count >= 20 { return out }
                }
            }
        }
        return out
    }
}

extension ProcessResult {
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}
