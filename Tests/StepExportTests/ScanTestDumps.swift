import Foundation
import StepExportTestSupport
import XCTest

extension XCTestCase {
    /// A dump folder (removed after the test) holding `files` by their relative paths, and an
    /// `events/` folder even when none is given.
    func makeScanDump(_ files: [String: Data]) throws -> String {
        let root = try TestPaths.temporaryDirectory(self)
        for (path, data) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("events"), withIntermediateDirectories: true)
        return root.path
    }

    /// The smallest valid event: an id and a timestamp, then `extra` (`,"key":value…`).
    func scanEvent(_ id: String, _ extra: String = "") -> String {
        "{\"id\":\"\(id)\",\"timestamp\":\"2022-11-03T10:00:00Z\"\(extra)}"
    }
}
