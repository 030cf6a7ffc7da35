import ArgumentParser
import Bytes
import Foundation
import StepExport

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Answer many requests against one dump, reading the dump once.",
        discussion: """
        Prints one JSON line per job, in manifest order. Exits 0 when every job got 200, 2 otherwise, \
        64 for a manifest that cannot be used.
        """)

    @Argument(help: "The manifest: {\"dump\": DIR, \"jobs\": [{organization_id, workflow_id, step_index, payload, output}]}.")
    var manifest: String

    @Option(name: .long, help: "Jobs written at the same time (default: one per core).")
    var jobs: Int?

    @Option(name: .long, help: "The folder every output must lie in (default: the manifest's folder).")
    var outputRoot: String?

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        var options = try outputOptions.exportOptions()
        let progress = ProgressDisplay.start(quiet: outputOptions.quiet)
        options.progress = progress?.counters
        let outcomes: [BatchOutcome]
        do {
            defer { progress?.stop() }
            outcomes = try Batch.run(manifestPath: manifest, outputRoot: outputRoot, options: options,
                                     parallelJobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        } catch let error as ManifestError {
            throw ValidationError(error.description)
        }
        var text = ""
        for outcome in outcomes { text += outcome.summaryLine + "\n" }
        guard StandardStreams.write(1, text) else {
            printError("stepexport: cannot write the job lines to standard output: \(errnoDescription())")
            throw ExitCode(50)
        }
        if !outputOptions.quiet {
            let failed = outcomes.filter { if case .failure = $0.result { return true } else { return false } }.count
            printError("stepexport: \(outcomes.count) jobs, \(outcomes.count - failed) succeeded, \(failed) failed")
        }
        if outcomes.contains(where: { if case .failure = $0.result { return true } else { return false } }) {
            throw ExitCode(2)
        }
    }
}
