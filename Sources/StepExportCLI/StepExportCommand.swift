import ArgumentParser
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct StepExportCommand: ParsableCommand {
    /// The tool's version; its minor number follows the contract version it implements (1.1).
    static let version = "1.1.0"

    static let configuration = CommandConfiguration(
        commandName: "stepexport",
        abstract: "Answers the Workflow step source data download API offline, from local event dumps.",
        discussion: """
        Examples:
          stepexport generate --events 100000 --seed 1 --output /tmp/dump
          stepexport export --dump /tmp/dump --org ORG --workflow WF --step 2 --payload request.json
          stepexport help export

        User documentation: docs/README.md in the StepExport repository.
        """,
        version: "stepexport \(version) (contract 1.1)",
        subcommands: [ExportCommand.self, BatchCommand.self, ServeCommand.self, InspectCommand.self, GenerateCommand.self])

    static func main() {
        StandardStreams.holdClosedNumbers()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        // `serve` shuts down gracefully on SIGINT / SIGTERM by itself (SPEC §11).
        if !(command is ServeCommand) { Interrupts.install() }
        do {
            try command.run()
        } catch let error as ValidationError {
            // A usage error found while running (a payload or manifest that cannot be read) shows the
            // usage of the subcommand that was run, as a parsing error does.
            let subcommand = type(of: command)
            writeStandardError("Error: \(error.message)\n"
                               + "Usage: \(usageString(for: subcommand))\n"
                               + "  See 'stepexport help \(subcommand.configuration.commandName ?? "")' for more help.\n")
            Glibc.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
