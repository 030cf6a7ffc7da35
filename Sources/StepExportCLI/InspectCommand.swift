import ArgumentParser
import Bytes
import FoundationEssentials
import XLSXReader
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print an export's rows as CSV (an .xlsx: every sheet, values as a reader sees them).",
        discussion: """
        Exits 66 when the file cannot be opened (EX_NOINPUT), 65 when it is damaged (EX_DATAERR).

        Example:
          stepexport inspect workflow_4e9b8c7d-1a2b-4c3d-8e5f-6a7b8c9d0e1f_step_2.xlsx
        """)

    @Argument(help: "An .xlsx or .csv file.")
    var file: String

    func run() throws {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            printError("stepexport: cannot open \(file): \(errnoDescription())")
            throw ExitCode(66)
        }
        close(fd)
        do {
            try Inspect.run(path: file, output: FileDescriptorSink(fd: 1, path: "standard output"))
        } catch {
            // The readers' errors mostly name the file already; name it once.
            let text = "\(error)"
            printError("stepexport: " + (text.hasPrefix(file) ? text : "\(file): \(text)"))
            throw ExitCode(65)
        }
    }
}
