import ArgumentParser

@main
struct StepExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepexport",
        abstract: "Answers the Workflow step source data download API offline, from local event dumps.",
        subcommands: [ExportCommand.self, BatchCommand.self, ServeCommand.self, InspectCommand.self, GenerateCommand.self])

    static func main() {
        do {
            var command = try parseAsRoot()
            // `serve` shuts down gracefully on SIGINT / SIGTERM by itself (SPEC §11).
            if !(command is ServeCommand) { Interrupts.install() }
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
