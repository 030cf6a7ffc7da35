import ArgumentParser
import Bytes
import FoundationEssentials
import StepExport

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Answer many requests against one dump, reading the dump once.",
        discussion: """
        Prints one JSON line per job, in manifest order. Exits 0 when every job got 200, 2 otherwise, \
        64 for a manifest that cannot be used. --bom and --delimiter apply to the CSV jobs only \
        (the summary says so). Manifests are described in docs/cli.md.

        Example manifest (paths relative to its folder):
          {"dump": "dump", "jobs": [{"organization_id": "7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21",
            "workflow_id": "4e9b8c7d-1a2b-4c3d-8e5f-6a7b8c9d0e1f", "step_index": 2,
            "payload": {"filters": [], "interval": {"start": "2022-11-01T00:00:00Z",
                                                    "end": "2022-12-01T00:00:00Z"}},
            "output": "step2.csv"}]}

        Example:
          stepexport batch manifest.json --jobs 4
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
        Interrupts.whatBecameOfTheOutput = "jobs already finished keep their outputs, no other file written"
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
            printError("stepexport: \(NumberStyle.grouped(outcomes.count)) jobs, \(NumberStyle.grouped(outcomes.count - failed)) "
                       + "succeeded, \(NumberStyle.grouped(failed)) failed" + csvOnlyNote(outcomes))
        }
        if outcomes.contains(where: { if case .failure = $0.result { return true } else { return false } }) {
            throw ExitCode(2)
        }
    }
}

extension BatchCommand {
    /// `--bom` and `--delimiter` shape the CSV jobs only: the summary says so when XLSX jobs ran too.
    func csvOnlyNote(_ outcomes: [BatchOutcome]) -> String {
        let given = outputOptions.csvOnlyOptionsGiven
        let xlsx = outcomes.filter { $0.format == .xlsx }.count
        guard !given.isEmpty, xlsx > 0 else { return "" }
        let csv = outcomes.filter { $0.format == .csv }.count
        return "; " + given.joined(separator: " and ") + " applied to the \(NumberStyle.grouped(csv)) CSV job"
            + (csv == 1 ? "" : "s") + " only, not to the \(NumberStyle.grouped(xlsx)) XLSX job" + (xlsx == 1 ? "" : "s")
    }
}
