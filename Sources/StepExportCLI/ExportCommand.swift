import ArgumentParser
import Bytes
import FoundationEssentials
import StepExport
import StepRequest
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Answer one download request: write its CSV or XLSX file, or print its error body.",
        discussion: """
        The request is the API's: the path's organization, workflow and step, and a JSON payload \
        such as

          {"filters": [{"property": "geo_country", "values": ["FI", "SE"]}],
           "step_data": [{}, {"actions": ["/home"]}],
           "interval": {"start": "2022-11-01T00:00:00Z", "end": "2022-12-01T00:00:00Z",
                        "time_zone": "Europe/Helsinki"},
           "target": "default", "format": "xlsx", "limit": 1000}

        (`filters` and `interval` are required). Every field, the dump's layout and the 31 \
        columns are described in docs/request.md, docs/dump.md and docs/output.md.

        Exit codes: 0 success; 40, 44, 46, 50 for the API's 400, 404, 406, 500 (the error body is \
        printed on standard error, then a `hint:` line where one helps); 64 wrong usage.

        Example:
          stepexport export --dump Fixtures/demo --org 7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21 \\
            --workflow 4e9b8c7d-1a2b-4c3d-8e5f-6a7b8c9d0e1f --step 2 \\
            --payload Fixtures/demo/request.json --output demo-step2.csv
        """)

    @Option(name: .long, help: "The dump folder (workflows.json and events/).")
    var dump: String

    // The path's parts take the next argument whatever it is (`--step -1`): checking them is the
    // request's job (404), as the API does it.
    @Option(name: .long, parsing: .unconditional, help: "organization_id of the request path (a UUID).")
    var org: String

    @Option(name: .long, parsing: .unconditional, help: "workflow_id of the request path (a UUID).")
    var workflow: String

    @Option(name: .long, parsing: .unconditional, help: "step_index of the request path (0 is the Source step).")
    var step: String

    @Option(name: .long, help: "The JSON payload: a file, or - for standard input.")
    var payload: String

    @Option(name: .long, help: "Where to write: a path, or - for standard output (default: the API's file name here).")
    var output: String?

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let payload = try readPayload(self.payload)
        let format = StepRequest.validate(organizationID: org, workflowID: workflow, stepIndex: step,
                                          payload: payload.bytes).map(\.format)
        if case .success(.xlsx) = format { try outputOptions.refuseCSVOnlyOptions() }
        let target: OutputTarget
        switch output {
        case nil: target = .directory(FileManager.default.currentDirectoryPath)
        case "-"?: target = .standardOutput
        case let path?:
            target = .file(path)
            if case .success(let format) = format, let warning = extensionWarning(path, format) {
                printError("stepexport: warning: \(warning)")
            }
        }
        Interrupts.whatBecameOfTheOutput = output == "-"
            ? "standard output got an incomplete file"
            : "nothing written" + (output.map { FileManager.default.fileExists(atPath: $0) ? " (\($0) left as it was)" : "" } ?? "")
        var options = try outputOptions.exportOptions()
        if let file = payload.file { options.readFiles.insert(file) }
        let dump = Dump(root: dump)
        let progress = ProgressDisplay.start(quiet: outputOptions.quiet, outputIsStandardOutput: output == "-",
                                             totalBytes: { eventBytesOnDisk(dump) })
        options.progress = progress?.counters
        let result = Exporter.run(organizationID: org, workflowID: workflow, stepIndex: step, payload: payload.bytes,
                                  dump: dump, output: target, options: options)
        progress?.stop()
        switch result {
        case .success(let r):
            if !outputOptions.quiet { printError(Summary.line(for: r)) }
        case .failure(let error):
            printError(error.body)
            let request = Hints.Request(organizationID: org, workflowID: workflow, stepIndex: step, dump: dump,
                                        skipInvalid: outputOptions.skipInvalid)
            if let hint = Hints.hint(for: error, request) { printError("hint: " + hint) }
            throw ExitCode(error.exitCode)
        }
    }
}

/// The extensions that name a spreadsheet format; an output named with one that is not the
/// answer's format gets a warning (the file is written all the same: the name is the user's).
private let formatExtensions: Set<String> = ["csv", "tsv", "xlsx", "xls", "xlsm", "ods"]

func extensionWarning(_ path: String, _ format: OutputFormat) -> String? {
    let ext = pathExtension(path).lowercased()
    guard formatExtensions.contains(ext), ext != format.rawValue else { return nil }
    return "\(path) ends in .\(ext) but the answer is \(format.rawValue.uppercased()) (the payload's \"format\")"
}
