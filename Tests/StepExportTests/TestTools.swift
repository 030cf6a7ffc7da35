import Foundation
import StepExportTestSupport
import XCTest

/// The optional programs and data some tests need. None comes with the Swift toolchain: a test
/// that needs a missing one skips with one line naming it and how to get it (every one of them:
/// `bash Tests/install-readers.sh`), and fails instead when the environment variable `CI` is set.
enum TestTool: String, CaseIterable {
    case python3, openpyxl, calamine, libreoffice, xmllint, unzip, tmux, schemas

    /// What is missing and how to get it, as the skip line says it.
    var howToGet: String {
        switch self {
        case .python3: return "python3 is not on PATH (apt-get install python3)"
        case .openpyxl: return "the Python package openpyxl is not installed (python3 -m pip install openpyxl)"
        case .calamine: return "the Python package python-calamine is not installed (python3 -m pip install python-calamine)"
        case .libreoffice: return "LibreOffice (soffice) is not on PATH (apt-get install libreoffice-calc-nogui)"
        case .xmllint: return "xmllint is not on PATH (apt-get install libxml2-utils)"
        case .unzip: return "unzip is not on PATH (apt-get install unzip)"
        case .tmux: return "tmux is not on PATH (apt-get install tmux)"
        case .schemas:
            return "the OOXML schemas (ECMA-376 transitional XSDs, sml.xsd and the rest) are not at "
                + ReaderTestSupport.schemaDirectory
                + " (set \(ReaderTestSupport.schemaVariable) to a folder holding them)"
        }
    }

    /// Looked up once per test process.
    var isAvailable: Bool { TestTool.availability[self] ?? false }

    private static let availability: [TestTool: Bool] = {
        func python(_ module: String) -> Bool {
            (try? ReaderTestSupport.run("python3", ["-c", "import \(module)"]).status) == 0
        }
        func onPath(_ program: String) -> Bool { pathOfProgram(program) != nil }
        var table: [TestTool: Bool] = [:]
        table[.python3] = python("sys")
        table[.openpyxl] = python("openpyxl")
        table[.calamine] = python("python_calamine")
        table[.libreoffice] = onPath("soffice") || onPath("libreoffice")
        table[.xmllint] = onPath("xmllint")
        table[.unzip] = onPath("unzip")
        table[.tmux] = onPath("tmux")
        table[.schemas] = FileManager.default.fileExists(atPath: ReaderTestSupport.schemaDirectory + "/sml.xsd")
        return table
    }()
}

extension ReaderTestSupport {
    /// Skips the test (or fails it under CI) unless every tool is there; the skip line names the
    /// missing ones.
    static func require(_ tools: TestTool..., file: StaticString = #filePath, line: UInt = #line) throws {
        try require(tools, file: file, line: line)
    }

    static func require(_ tools: [TestTool], file: StaticString = #filePath, line: UInt = #line) throws {
        let missing = tools.filter { !$0.isAvailable }
        guard !missing.isEmpty else { return }
        try skipOrFailUnderCI(message(missing), file: file, line: line)
    }

    /// What is missing and how to get it, on one line.
    static func message(_ missing: [TestTool]) -> String {
        let text = missing.map(\.howToGet).joined(separator: "; ")
        return missing.contains(where: { $0 != .schemas })
            ? text + " — bash Tests/install-readers.sh installs every optional test tool" : text
    }

    private static let noted = NSLock()
    nonisolated(unsafe) private static var notedTools: Set<TestTool> = []

    /// For tools that only part of a test needs: true when all are there; else the test goes on
    /// without that part, with one line for the whole run saying what is left out (with CI set,
    /// a failure).
    static func available(_ tools: [TestTool], orLeaveOut consequence: String,
                          file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let missing = tools.filter { !$0.isAvailable }
        guard !missing.isEmpty else { return true }
        if isCI {
            XCTFail(message(missing) + " (required because CI is set)", file: file, line: line)
            return false
        }
        noted.lock(); defer { noted.unlock() }
        for tool in missing where notedTools.insert(tool).inserted {
            print("stepexport tests: \(consequence): \(message([tool]))")
        }
        return false
    }

    /// `unzip -t` as a second reader of a zip (after Python's zipfile), where unzip is installed.
    static func checkWithUnzip(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard available([.unzip], orLeaveOut: "zips are not checked with unzip -t", file: file, line: line) else { return }
        let r = try run("unzip", ["-t", path])
        XCTAssertEqual(r.status, 0, r.stdoutText + r.stderr, file: file, line: line)
        XCTAssertTrue(r.stdoutText.contains("No errors detected"), r.stdoutText, file: file, line: line)
    }
}
