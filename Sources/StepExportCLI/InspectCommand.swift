import ArgumentParser
import Bytes
import XLSXReader

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print an export's rows as CSV (an .xlsx: every sheet, values as a reader sees them).")

    @Argument(help: "An .xlsx or .csv file.")
    var file: String

    func run() throws {
        do {
            try Inspect.run(path: file, output: FileDescriptorSink(fd: 1, path: "standard output"))
        } catch {
            printError("stepexport: \(file): \(error)")
            throw ExitCode(65)
        }
    }
}
