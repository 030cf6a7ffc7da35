import Foundation
import XCTest

/// Whether the tests run under CI, where every optional tool must be installed.
public var isCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "0" && $0 != "false" } ?? false }

/// For a test that cannot run here: fails under CI (where everything must be installed), skips elsewhere.
public func skipOrFailUnderCI(_ message: String, file: StaticString = #filePath, line: UInt = #line) throws -> Never {
    if isCI {
        XCTFail("\(message) (required because CI is set)", file: file, line: line)
        throw XCTSkip("failed: \(message)", file: file, line: line)
    }
    throw XCTSkip(message, file: file, line: line)
}

/// The path of `program` on `PATH`, or nil.
public func pathOfProgram(_ program: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/\(program)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}
