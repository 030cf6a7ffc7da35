import ArgumentParser
import Foundation
import StepExport
import StepRequest

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Answer one download request: write its CSV or XLSX file, or print its error body.",
        discussion: """
        Exit codes: 0 success; 40, 44, 46, 50 for the API's 400, 404, 406, 500 (the error body is \
        printed on standard error); 64 wrong usage.
        """)

    @Option(name: .long, help: "The dump folder (workflows.json and events/).")
    var dump: String

    @Option(name: .long, help: "organization_id of the request path.")
    var org: String

    @Option(name: .long, help: "workflow_id of the request path.")
    var workflow: String

    @Option(name: .long, help: "step_index of the request path.")
    var step: String

    @Option(name: .long, help: "The JSON payload: a file, or - for standard input.")
    var payload: String

    @Option(name: .long, help: "Where to write: a path, or - for standard output (default: the API's file name here).")
    var output: String?

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let payload = try readPayload(self.payload)
        let target: OutputTarget
        switch output {
        case nil: target = .directory(FileManager.default.currentDirectoryPath)
        case "-"?: target = .standardOutput
        case let path?: target = .file(path)
        }
        var options = try outputOptions.exportOptions()
        if let file = payload.file { options.readFiles.insert(file) }
        let progress = ProgressDisplay.start(quiet: outputOptions.quiet, outputIsStandardOutput: output == "-")
        options.progress = progress?.counters
        let result = Exporter.run(organizationID: org, workflowID: workflow, stepIndex: step, payload: payload.bytes,
                                  dump: Dump(root: dump), output: target, options: options)
        progress?.stop()
        switch result {
        case .success(let r):
            if !outputOptions.quiet { printError(Summary.line(for: r)) }
        case .failure(let error):
            printError(error.body)
            throw ExitCode(error.exitCode)
        }
    }
}
