import CSVWriter
import EventDump
import Foundation

/// How an export is written and read, beyond the API request itself (SPEC §6, §8, §9).
public struct ExportOptions: Sendable {
    public var csv = CSVOptions()
    /// Skip malformed events (counted, first one reported) instead of failing with 500.
    public var skipInvalid = false
    /// Scanning threads, and threads rendering the rows afterwards; the output is the same bytes
    /// whatever the count.
    public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Write rows during the scan when the dump turns out to hold them in timestamp order
    /// (`RowStream`); false always writes them after the scan. The same bytes either way.
    public var streamRows = true
    /// Data rows per XLSX sheet (1,048,575, Excel's limit; lowered only by tests).
    public var sheetRowLimit = 1_048_575
    /// Where spool files go (events of gzip files kept for the writing stage).
    public var temporaryDirectory = NSTemporaryDirectory()
    /// Counts bytes read and rows written for a progress display (nil: not counted).
    public var progress: ExportProgress?
    /// Set by the caller to abandon the export (`stepexport serve`: the client went away).
    public var cancellation: ExportCancellation?

    public init() {}

    /// The scan's options.
    var scanOptions: ScanOptions {
        var scan = ScanOptions(skipInvalid: skipInvalid)
        scan.progress = progress?.scan
        if let cancellation { scan.shouldStop = { cancellation.isCancelled } }
        return scan
    }

    /// One event store per scanning thread.
    func makeStores() -> [EventStore] {
        (0..<threads).map { EventStore(index: $0, temporaryDirectory: temporaryDirectory) }
    }
}

/// Where an export goes.
public enum OutputTarget: Sendable {
    /// This path, replaced only once the new file is complete.
    case file(String)
    /// The API's file name (`workflow_<id>_step_<n>.<ext>`) in this directory.
    case directory(String)
    case standardOutput
}

/// What a successful export did.
public struct ExportResult: Sendable {
    public var rows = 0
    public var bytes = 0
    public var seconds = 0.0
    /// XLSX cells cut at 32,767 UTF-16 code units.
    public var cutCells = 0
    public var skipped = 0
    /// Where the first skipped event was, as `file:line: reason`.
    public var firstSkipped: String?
    /// The file written, or nil for standard output.
    public var path: String?
    /// The API's name for the file (`Content-Disposition`): `workflow_<id>_step_<n>.<csv|xlsx>`.
    public var fileName = ""
    /// Whether the rows were written during the scan (`ExportOptions.streamRows`), not after it.
    public var writtenDuringScan = false
}
