import ArgumentParser
import Dispatch
import FoundationEssentials
import Logging
import StepExportServer
import Threads

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer the download API over HTTP, from a dump (for frontends, tests and demos).",
        discussion: """
        POST /api/reporting/workflow/v1/orgs/<org>/workflows/<workflow>/step/<n>/download/ with the \
        payload as the body answers what `export` writes, with the API's headers, statuses and error \
        bodies. Prints `stepexport: listening on http://HOST:PORT` once ready, then one line per \
        request (unless --quiet). SIGINT or SIGTERM: stops accepting, lets running exports finish \
        (at most 30 s), removes temporary files, exits 0.
        """)

    @Option(name: .long, help: "The dump folder (workflows.json and events/), read anew by every request.")
    var dump: String

    @Option(name: .long, help: "Address to listen on; other than loopback only with --tokens.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0: any free port, printed when listening).")
    var port = 8080

    @Option(name: .long, help: "JSON file {\"<token>\": [\"<organization UUID>\", …] or \"*\"}: require Authorization: Bearer.")
    var tokens: String?

    @Option(name: .long, help: "An origin whose pages may read the answers (CORS); repeatable; * for any.")
    var corsOrigin: [String] = []

    @Option(name: .long, help: "Exports running at once (default: one per core); 64 more may wait, then 503.")
    var maxConcurrent: Int?

    @Option(name: .long, help: ArgumentHelp("Seconds before an idle or too-slow connection is closed.", visibility: .hidden))
    var idleTimeout = 30.0

    @Option(name: .long, help: ArgumentHelp("Requests that may wait for an export slot.", visibility: .hidden))
    var maxWaiting = 64

    @Option(name: .long, help: ArgumentHelp("Seconds running exports may go on after SIGINT / SIGTERM.", visibility: .hidden))
    var shutdownGrace = 30.0

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if let maxConcurrent, maxConcurrent < 1 { throw ValidationError("--max-concurrent must be at least 1") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0...65535") }
        if !(idleTimeout > 0) { throw ValidationError("--idle-timeout must be positive") }
        if maxWaiting < 0 { throw ValidationError("--max-waiting must be at least 0") }
        if !(shutdownGrace >= 0) { throw ValidationError("--shutdown-grace must be at least 0") }
    }

    func run() throws {
        var settings = ServeSettings(dump: dump)
        settings.host = host
        settings.port = port
        settings.corsOrigins = corsOrigin
        if let maxConcurrent { settings.maxConcurrent = maxConcurrent }
        settings.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        settings.maxWaiting = maxWaiting
        settings.shutdownGrace = .milliseconds(Int64(shutdownGrace * 1000))
        settings.export = try outputOptions.exportOptions()
        settings.quiet = outputOptions.quiet
        if let tokens {
            do { settings.tokens = try TokenTable.load(path: tokens) } catch let error as TokenFileError {
                throw ValidationError(error.description)
            }
        }
        guard FileManager.default.fileExists(atPath: dump) else {
            throw ValidationError("no dump folder at \(dump)")
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "stepexport.serve")
        let outcome = ServeOutcome()
        let finished = DispatchSemaphore(value: 0)
        Task { [settings] in
            do {
                try await Server.run(settings, logger: logger) { port in
                    printError("stepexport: listening on http://\(settings.host):\(port) (dump \(settings.dump))")
                }
            } catch {
                outcome.set(error)
            }
            finished.signal()
        }
        finished.wait()
        if let error = outcome.error {
            if let error = error as? ServeError { throw ValidationError(error.description) }
            printError("stepexport: \(error)")
            throw ExitCode(70)
        }
    }
}

/// How the server task ended, handed to the waiting main thread.
private final class ServeOutcome: @unchecked Sendable {
    private let lock = Lock()
    private var stored: Error?
    func set(_ error: Error) { lock.lock(); stored = error; lock.unlock() }
    var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }
}
