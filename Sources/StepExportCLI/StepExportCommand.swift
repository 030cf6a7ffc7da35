import ArgumentParser

@main
struct StepExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepexport",
        abstract: "Answers the Workflow step source data download API offline, from local event dumps.",
        subcommands: [ExportCommand.self, BatchCommand.self, InspectCommand.self, GenerateCommand.self])

    static func main() {
        StandardStreams.holdClosedNumbers()
        Interrupts.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
