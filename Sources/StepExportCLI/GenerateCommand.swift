import ArgumentParser
import Bytes
import DumpGenerator
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic dump (catalog, events, ready requests) for demos, tests and benchmarks.",
        discussion: """
        Writes DIR/workflows.json, NDJSON event files under DIR/events/YYYY/MM/ (about 850 bytes an \
        event, all in 2022-11-01..2022-12-01) and ready request payloads with a README under \
        DIR/requests/. The same --events and --seed give the same bytes; --layout, --files, --gzip and \
        --array change only the events' order and files, never the events, so every request has the same answer. On completion the requests' \
        organization, workflow and step ids are printed on standard output.

        Example:
          stepexport generate --events 100000 --seed 1 --output /tmp/dump
        """)

    // Takes the next argument whatever it is, so that `--events -5` is told it must be at least 1.
    @Option(name: .long, parsing: .unconditional, help: "How many events to write.")
    var events: Int

    @Option(name: .long, help: "Seed of the pseudo-random generator.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "The dump folder to write (created if missing).")
    var output: String

    @Option(name: .long, help: ArgumentHelp("Events per file at most (files also end at each day).", visibility: .hidden))
    var eventsPerFile: Int = 50_000

    @Option(name: .long, help: ArgumentHelp("Event order: time (the stream's, a file a day), flow (each flow's events together, flows in random order) or shuffled (random).", valueName: "time|flow|shuffled"))
    var layout: DumpLayout = .time

    @Option(name: .long, help: "Spread the events over this many files, several folders deep (default: a file a day for --layout time, one file otherwise).")
    var files: Int?

    @Flag(name: .long, help: "Write the event files gzip-compressed (.ndjson.gz).")
    var gzip = false

    @Flag(name: .long, help: "Write each event file as one JSON array (.json) instead of NDJSON.")
    var array = false

    @Flag(name: .long, help: "Replace workflows.json, events/ and requests/ if the folder already has them.")
    var force = false

    func validate() throws {
        if events < 1 { throw ValidationError("--events must be at least 1") }
        if eventsPerFile < 1 { throw ValidationError("--events-per-file must be at least 1") }
        if let files, files < 1 { throw ValidationError("--files must be at least 1") }
    }

    func run() throws {
        var options = DumpGenerator.Options(events: events, seed: seed)
        options.eventsPerFile = eventsPerFile
        options.layout = layout
        options.files = files
        options.gzip = gzip
        options.array = array
        let report: DumpGenerator.Report
        do {
            report = try DumpGenerator.generate(options, to: output, replace: force)
        } catch let failure as DumpGenerator.Failure {
            printError("stepexport: \(failure)")
            throw ExitCode(failure.isUsage ? 64 : 74)
        }
        var lines = [printfText("generated %ld events, %ld files, %.1f MB in %.2f s (%.0f MB/s) → ",
                                report.events, report.files.count, Double(report.bytes) / 1e6, report.seconds,
                                Double(report.bytes) / 1e6 / max(report.seconds, 1e-9)) + output]
        lines.append("request\torganization_id\tworkflow_id\tstep\tformat\trows")
        for r in report.requests {
            lines.append("\(r.name)\t\(r.organizationID)\t\(r.workflowID)\t\(r.stepIndex)\t\(r.format)\t\(r.expectedRows)")
        }
        lines.append("payloads and README: \(output.hasSuffix("/") ? output : output + "/")requests")
        print(lines.joined(separator: "\n"))
    }
}

extension DumpGenerator.Failure {
    var isUsage: Bool { if case .notEmpty = self { return true } else { return false } }
}

extension DumpLayout: ExpressibleByArgument {}
