import Foundation
import StepExportTestSupport
import XCTest

/// A real browser: headless Chromium loads a page from a second loopback origin that runs the
/// seed page's download snippet against `serve` (cross-origin, with a bearer token and CORS).
final class ServeBrowserTests: XCTestCase {
    func testSeedSnippetInChromium() throws {
        let chromium = try requireTool("chromium")
        let python = try requireTool("python3")
        let scratch = try TestPaths.temporaryDirectory(self)
        let tokens = scratch.appendingPathComponent("tokens.json")
        try Data(#"{"browser-token": ["\#(Demo.org)"]}"#.utf8).write(to: tokens)

        // The page's origin first, so that serve can allow exactly it.
        let page = scratch.appendingPathComponent("page.html"), report = scratch.appendingPathComponent("report.json")
        let pageServer = Process()
        pageServer.executableURL = python
        pageServer.arguments = [ServePaths.testFiles.appendingPathComponent("browser/page_server.py").path, page.path, report.path]
        let portPipe = Pipe()
        pageServer.standardOutput = portPipe
        try pageServer.run()
        addTeardownBlock { pageServer.terminate(); pageServer.waitUntilExit() }
        let portLine = String(decoding: portPipe.fileHandleForReading.availableData, as: UTF8.self)
        let pagePort = try XCTUnwrap(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)), portLine)
        let origin = "http://127.0.0.1:\(pagePort)"

        let server = try ServeProcess(self, dump: ServePaths.demo,
                                      arguments: ["--tokens", tokens.path, "--cors-origin", origin])
        let template = try String(contentsOf: ServePaths.testFiles.appendingPathComponent("browser/page.html"), encoding: .utf8)
        let html = template
            .replacingOccurrences(of: "__API_URL__", with: "http://127.0.0.1:\(server.port)\(Demo.path)")
            .replacingOccurrences(of: "__PAYLOAD__", with: String(decoding: try Demo.payload, as: UTF8.self))
            .replacingOccurrences(of: "__TOKEN__", with: "browser-token")
        try Data(html.utf8).write(to: page)

        let browser = Process()
        browser.executableURL = chromium
        browser.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=\(scratch.appendingPathComponent("profile").path)", origin + "/"]
        browser.standardOutput = FileHandle.nullDevice
        browser.standardError = FileHandle.nullDevice
        try browser.run()
        addTeardownBlock { if browser.isRunning { browser.terminate(); browser.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(90)
        while !FileManager.default.fileExists(atPath: report.path) && Date() < deadline && browser.isRunning { usleep(100_000) }
        browser.terminate()
        let data = try Data(contentsOf: report)
        let results = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String: Any]],
                                    String(decoding: data, as: UTF8.self))

        // As written: the object is sent as "[object Object]", and the API's parse error comes back.
        let asWritten = try XCTUnwrap(results["asWritten"])
        XCTAssertEqual(asWritten["status"] as? Int, 400)
        XCTAssertEqual(asWritten["body"] as? String, #"{"detail":"JSON parse error - Expecting value: line 1 column 2 (char 1)"}"#)

        // With JSON.stringify: the file, named from Content-Disposition, the bytes `export` writes.
        let expected = try ExportAnswer.of(dump: ServePaths.demo, org: Demo.org, workflow: Demo.workflow, step: "2",
                                           payload: try Demo.payload, in: scratch)
        let stringified = try XCTUnwrap(results["stringified"])
        XCTAssertEqual(stringified["status"] as? Int, 200, "\(stringified)")
        XCTAssertEqual(stringified["fileName"] as? String, "workflow_\(Demo.workflow)_step_2.csv")
        XCTAssertEqual(stringified["size"] as? Int, expected.body.count)
        XCTAssertEqual(stringified["sha256"] as? String, try sha256(expected.body, scratch: scratch))
        XCTAssertTrue(server.stderr.contains("OPTIONS \(Demo.path) 204"), server.stderr)
    }

    /// SHA-256 by a tool of its own (coreutils), not by code of this project.
    private func sha256(_ data: Data, scratch: URL) throws -> String {
        let file = scratch.appendingPathComponent("expected.bin")
        try data.write(to: file)
        let out = try runProcess(try requireTool("sha256sum"), [file.path])
        return String(String(decoding: out.stdout, as: UTF8.self).prefix(64))
    }
}
