import Foundation
import StepExportTestSupport
import XCTest

/// The server tests' own files; the rest is `TestPaths`.
enum ServePaths {
    static let demo = TestPaths.fixtures.appendingPathComponent("demo")
    static let testFiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
}

/// The demo request of the README.
enum Demo {
    static let org = "7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21"
    static let workflow = "4e9b8c7d-1a2b-4c3d-8e5f-6a7b8c9d0e1f"
    static let path = route(org: org, workflow: workflow, step: "2")
    static var payload: Data { get throws { try Data(contentsOf: ServePaths.demo.appendingPathComponent("request.json")) } }
}

func route(org: String, workflow: String, step: String) -> String {
    "/api/reporting/workflow/v1/orgs/\(org)/workflows/\(workflow)/step/\(step)/download/"
}

/// A tool the test needs, found on `PATH`: skips with one printed line when missing, fails under `CI`.
func requireTool(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    if let path = pathOfProgram(name) { return URL(fileURLWithPath: path) }
    let message = "\(name) is not installed: skipping"
    if !isCI { print(message) }
    try skipOrFailUnderCI(message, file: file, line: line)
}

/// What `stepexport export` answers for a request: the file's bytes, or the error body and status
/// (from its exit code), the reference every HTTP answer is compared with.
struct ExportAnswer: Equatable {
    let status: Int
    let body: Data

    static func of(dump: URL, org: String, workflow: String, step: String, payload: Data,
                   options: [String] = [], in directory: URL) throws -> ExportAnswer {
        let payloadFile = directory.appendingPathComponent("payload-\(UUID().uuidString).json")
        let output = directory.appendingPathComponent("export-\(UUID().uuidString)")
        try payload.write(to: payloadFile)
        defer { try? FileManager.default.removeItem(at: payloadFile); try? FileManager.default.removeItem(at: output) }
        let r = try runProcess(TestPaths.executable,
                        ["export", "--dump", dump.path, "--org=\(org)", "--workflow=\(workflow)", "--step=\(step)",
                         "--payload", payloadFile.path, "--output", output.path, "--quiet"] + options)
        let statuses: [Int32: Int] = [0: 200, 40: 400, 44: 404, 46: 406, 50: 500]
        guard let status = statuses[r.status] else {
            throw TestError("export exited \(r.status): \(r.stderr)")
        }
        if status == 200 { return ExportAnswer(status: 200, body: try Data(contentsOf: output)) }
        // The error body is the last line that starts with `{` (a `hint:` line may follow it).
        let body = r.stderr.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init) ?? r.stderr
        return ExportAnswer(status: status, body: Data(body.utf8))
    }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One HTTP answer as curl saw it.
struct HTTPAnswer {
    let status: Int
    /// Header names lower-cased; the last value of a repeated header.
    let headers: [String: String]
    let body: Data
}

/// A real client: curl as a process.
struct Curl {
    let path: String
    let scratch: URL

    init(_ test: XCTestCase, scratch: URL) throws {
        path = try requireTool("curl").path
        self.scratch = scratch
    }

    func request(_ port: Int, _ path: String, method: String = "POST", body: Data? = nil,
                 headers: [String] = [], extra: [String] = []) throws -> HTTPAnswer {
        let id = UUID().uuidString
        let bodyFile = scratch.appendingPathComponent("body-\(id)"), headerFile = scratch.appendingPathComponent("head-\(id)")
        defer { try? FileManager.default.removeItem(at: bodyFile); try? FileManager.default.removeItem(at: headerFile) }
        var arguments = ["-sS", "-X", method, "-o", bodyFile.path, "-D", headerFile.path, "-w", "%{http_code}",
                         "--max-time", "60"]
        if let body {
            let payload = scratch.appendingPathComponent("payload-\(id)")
            try body.write(to: payload)
            arguments += ["--data-binary", "@" + payload.path]
        }
        if body != nil && !headers.contains(where: { $0.lowercased().hasPrefix("content-type:") }) {
            arguments += ["-H", "content-type: application/json"]
        }
        for header in headers { arguments += ["-H", header] }
        arguments += extra + ["http://127.0.0.1:\(port)\(path)"]
        let r = try runProcess(URL(fileURLWithPath: self.path), arguments)
        guard let status = Int(String(decoding: r.stdout, as: UTF8.self)) else {
            throw TestError("curl failed (\(r.status)): \(r.stderr)")
        }
        var fields: [String: String] = [:]
        let head = (try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPAnswer(status: status, headers: fields, body: (try? Data(contentsOf: bodyFile)) ?? Data())
    }
}

/// A running `stepexport serve` on an ephemeral loopback port, with its own `TMPDIR` (to see that
/// no temporary file is left); its standard error is collected line by line.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    let temporaryDirectory: URL
    private let lock = NSLock()
    private var stderrText = ""
    private let stderrDone = DispatchSemaphore(value: 0)

    init(_ test: XCTestCase, dump: URL, arguments: [String] = []) throws {
        temporaryDirectory = try TestPaths.temporaryDirectory(test).appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        process.executableURL = TestPaths.executable
        process.arguments = ["serve", "--dump", dump.path, "--port", "0"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = temporaryDirectory.path
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let ready = DispatchSemaphore(value: 0)
        final class Port: @unchecked Sendable { var value: Int? }
        let found = Port()
        let handle = err.fileHandleForReading
        DispatchQueue.global().async { [self] in
            var signalled = false
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                lock.lock()
                stderrText += String(decoding: data, as: UTF8.self)
                let text = stderrText
                lock.unlock()
                if !signalled, let range = text.range(of: "listening on http://"),
                   let colon = text[range.upperBound...].firstIndex(of: ":") {
                    let digits = text[text.index(after: colon)...].prefix(while: { $0.isNumber })
                    if let port = Int(digits) { found.value = port; signalled = true; ready.signal() }
                }
            }
            if !signalled { ready.signal() }
            stderrDone.signal()
        }
        _ = ready.wait(timeout: .now() + 60)
        guard let port = found.value else {
            process.terminate()
            throw TestError("serve did not start: \(stderr)")
        }
        self.port = port
        test.addTeardownBlock { [self] in
            if process.isRunning { process.terminate(); process.waitUntilExit() }
        }
    }

    var stderr: String { lock.lock(); defer { lock.unlock() }; return stderrText }

    /// Sends a signal and waits for the exit (at most `timeout` seconds); the exit status.
    func stop(_ signal: Int32 = SIGTERM, timeout: Double = 60) -> Int32? {
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else { return nil }
        _ = stderrDone.wait(timeout: .now() + 5)
        return process.terminationStatus
    }

    /// Files left in the server's `TMPDIR`.
    var leftovers: [String] { (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory.path)) ?? [] }

    /// The server's peak resident memory so far (VmHWM), in bytes.
    var peakRSS: Int? {
        let kB = peakResidentKB(process.processIdentifier)
        return kB > 0 ? kB * 1024 : nil
    }

    /// Waits until standard error contains `text` (at most `timeout` seconds).
    func waitForLog(_ text: String, timeout: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            usleep(20_000)
        }
        return false
    }
}
