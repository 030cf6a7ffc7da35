import ArgumentParser
import CSVWriter
import StepExport

/// The output options `export` and `batch` share (SPEC §8, §10).
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Do not prefix ' to CSV text cells that start with =, +, -, @, tab or CR.")
    var noFormulaGuard = false

    @Flag(name: .long, help: "Start CSV files with a UTF-8 byte order mark (for Excel).")
    var bom = false

    @Option(name: .long, help: "CSV field separator: one ASCII character other than \", CR and LF (e.g. ';', or 'tab').")
    var delimiter: String?

    @Flag(name: .long, help: "Skip malformed events (counted and reported) instead of failing.")
    var skipInvalid = false

    @Flag(name: .long, help: "Print nothing on success.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("Scanning and rendering threads (default: one per core).", visibility: .hidden))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("How rows reach the file: auto, spill (rendered during the scan, always spilled and merged) or read-back (read back after the scan); the same bytes every way.", visibility: .hidden))
    var rowWriting: String = "auto"

    func validate() throws {
        _ = try delimiterByte()
        if !["auto", "spill", "read-back"].contains(rowWriting) {
            throw ValidationError("--row-writing takes auto, spill or read-back")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// The options given that shape CSV only (`--bom`, `--delimiter`), as the user wrote them.
    var csvOnlyOptionsGiven: [String] {
        (bom ? ["--bom"] : []) + (delimiter != nil ? ["--delimiter"] : [])
    }

    /// `export` with an XLSX answer refuses CSV-only options rather than ignore them (64).
    func refuseCSVOnlyOptions() throws {
        let given = csvOnlyOptionsGiven
        guard !given.isEmpty else { return }
        throw ValidationError(given.joined(separator: " and ") + (given.count == 1 ? " shapes" : " shape")
                              + " CSV files only, and this payload asks for "
                              + "\"format\": \"xlsx\" (drop " + (given.count == 1 ? "it" : "them") + ", or ask for CSV)")
    }

    func delimiterByte() throws -> UInt8 {
        guard let delimiter else { return UInt8(ascii: ",") }
        let text = delimiter == "tab" || delimiter == "\\t" ? "\t" : delimiter
        let bytes = Array(text.utf8)
        guard bytes.count == 1, CSVOptions.isValidDelimiter(bytes[0]) else {
            throw ValidationError("--delimiter takes one ASCII character other than \", CR and LF (or 'tab')")
        }
        return bytes[0]
    }

    func exportOptions() throws -> ExportOptions {
        var options = ExportOptions()
        options.csv.formulaGuard = !noFormulaGuard
        options.csv.byteOrderMark = bom
        options.csv.delimiter = try delimiterByte()
        options.skipInvalid = skipInvalid
        if let threads { options.threads = threads }
        options.streamRows = rowWriting != "read-back"
        options.spillRows = rowWriting == "spill"
        return options
    }
}
