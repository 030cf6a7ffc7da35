import Bytes
import CSVWriter
import EventDump
import FoundationEssentials
import Table
import XLSXWriter

/// How an export is written and read, beyond the API request itself (SPEC §6, §8, §9).
public struct ExportOptions: Sendable {
    public var csv = CSVOptions()
    /// Skip malformed events (counted, first one reported) instead of failing with 500.
    public var skipInvalid = false
    /// Scanning threads, and threads rendering the rows afterwards; the output is the same bytes
    /// whatever the count.
    public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Render rows during the scan (`RowStream`) when every kept row is an answer row: written
    /// straight when the dump holds them in time order, else spilled as sorted runs and merged
    /// after the scan. False reads every row back after the scan (`RowPipeline`). The same
    /// bytes every way.
    public var streamRows = true
    /// With `streamRows`: spill and merge the rows whatever the dump's order (the way a dump out
    /// of time order goes; for tests and benchmarks).
    public var spillRows = false
    /// Data rows per XLSX sheet (Excel's limit; lowered only by tests).
    public var sheetRowLimit = XLSXOptions.maxSheetRows
    /// Where spool files (events of gzip files kept for the writing stage) and spilled runs go.
    public var temporaryDirectory = TemporaryFile.systemDirectory
    /// Counts bytes read and rows written for a progress display (nil: not counted).
    public var progress: ExportProgress?
    /// Files the request reads besides the dump's own (the payload file, a batch's manifest): the
    /// output may not be one of them (SPEC §8).
    public var readFiles: Set<FileIdentity> = []
    /// Set by the caller to abandon the export (`stepexport serve`: the client went away).
    public var cancellation: ExportCancellation?
    /// Whether an output file is fsynced before the rename that publishes it. A batch turns it
    /// off and syncs its outputs once at the end (`Batch.run`): one fsync per job was most of
    /// the time of 10,000 small jobs.
    var syncsEachOutput = true

    public init() {}

    /// The scan's options.
    var scanOptions: ScanOptions {
        var scan = ScanOptions(skipInvalid: skipInvalid)
        scan.progress = progress?.scan
        scan.temporaryDirectory = temporaryDirectory
        if let cancellation { scan.shouldStop = { cancellation.isCancelled } }
        return scan
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
    /// Files under `events/` that are not event files (not read), and the first of them.
    public var otherFiles = 0
    public var firstOtherFile: String?
    /// The file written, or nil for standard output.
    public var path: String?
    /// The API's name for the file (`Content-Disposition`): `workflow_<id>_step_<n>.<csv|xlsx>`.
    public var fileName = ""
    /// Whether the rows were written during the scan (`ExportOptions.streamRows`), not after it.
    public var writtenDuringScan = false
    /// With `writtenDuringScan`: how many sorted runs were spilled and merged (0: the rows went
    /// straight to the file, the dump being in time order).
    public var spilledRuns = 0

    public init() {}

    /// What the table wrote; the rest is filled in as the export ends.
    init(_ table: TableSummary) {
        bytes = table.bytes
        cutCells = table.cutCells
    }

}
