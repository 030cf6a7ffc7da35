import Bytes
import CSVWriter
import EventDump
import Events
import FoundationEssentials
import Selection
import StepRequest
import Table
import Timestamps
import XLSXWriter

/// One request, end to end: request → dump → selection → writer → file.
public enum Exporter {
    /// Answers one request the way the API would: the file, or the error body and status.
    public static func run(organizationID: String, workflowID: String, stepIndex: String, payload: [UInt8],
                           dump: Dump, output: OutputTarget, options: ExportOptions) -> Result<ExportResult, RequestError> {
        let started = Date()
        let prepared = payload.withUnsafeBytes {
            PreparedExport.prepare(organizationID: organizationID, workflowID: workflowID, stepIndex: stepIndex,
                                   payload: $0, dump: dump)
        }
        return prepared.flatMap { prepared in
            let path = outputPath(prepared, output)
            let listing: DumpListing
            var options = options
            do {
                listing = try dump.listing()
            } catch {
                return .failure(.dumpError(error as! DumpError))
            }
            options.readFiles.formUnion(dump.readFiles())
            var way = firstWay(prepared, path: path, options: options)
            while true {
                if way != .readBack, let path {
                    // Rows rendered during the scan: no row is remembered for later, no event spooled.
                    let selection = Selection(query: prepared.query, threads: options.threads, remembersRows: false)
                    guard let streamed = StreamedOutput(prepared, selection: selection, path: path, options: options,
                                                        spillAlways: way == .spill) else {
                        way = .readBack // the usual way reports the output's error in its usual place
                        continue
                    }
                    let report: ScanReport
                    do {
                        report = try DumpScanner.scan(files: listing.files, visitors: streamed.visitors,
                                                      options: options.scanOptions).report
                    } catch {
                        streamed.discard()
                        return .failure(failure(error, path: path))
                    }
                    switch streamed.finish() {
                    case .finished(let written): return finished(written, prepared, report: report, listing: listing, started: started)
                    case .abandoned(let forOrder):
                        // Scan again: spilling takes any order; a segment too big goes the read-back way.
                        way = forOrder && way == .auto ? .spill : .readBack
                        continue
                    }
                }
                let selection = Selection(query: prepared.query, threads: options.threads)
                let scan: DumpScan
                do {
                    scan = try DumpScanner.scan(files: listing.files, visitors: selection.visitors, options: options.scanOptions)
                } catch {
                    return .failure(failure(error, path: path))
                }
                let written = write(prepared, selection: selection, scan: scan, renderThreads: options.threads, path: path,
                                    options: options)
                return finished(written, prepared, report: scan.report, listing: listing, started: started)
            }
        }
    }

    /// How rows reach the file: rendered during the scan and written straight or spilled and
    /// merged (`RowStream`), or remembered and read back after it (`RowPipeline`).
    private enum RowWay { case auto, spill, readBack }

    /// Rendering during the scan needs every kept row to be an answer row and a file to write
    /// that is replaced when complete: standard output, a device or a pipe cannot take back rows
    /// of an export that may still fail.
    private static func firstWay(_ prepared: PreparedExport, path: String?, options: ExportOptions) -> RowWay {
        let answerRowsOnly = Selection(query: prepared.query, threads: 0).keepsOnlyAnswerRows
        guard options.streamRows, answerRowsOnly, let path, !AtomicOutput.writesInPlace(path) else { return .readBack }
        return options.spillRows ? .spill : .auto
    }

    private static func finished(_ written: Result<ExportResult, RequestError>, _ prepared: PreparedExport,
                                 report: ScanReport, listing: DumpListing, started: Date) -> Result<ExportResult, RequestError> {
        written.map { written in
            var result = written
            result.report(report, listing)
            result.seconds = Date().timeIntervalSince(started)
            result.fileName = prepared.fileName
            return result
        }
    }

    /// Writes the selected rows in the requested format to `output`, reading their events back
    /// through `scan` (the scan that fed `selection`) on `renderThreads` threads (the output is
    /// the same bytes for any count).
    public static func write(_ prepared: PreparedExport, selection: Selection, scan: DumpScan, renderThreads: Int,
                             output: OutputTarget, options: ExportOptions) -> Result<ExportResult, RequestError> {
        write(prepared, selection: selection, scan: scan, renderThreads: renderThreads, path: outputPath(prepared, output),
              options: options)
    }

    /// The file an export writes, or nil for standard output.
    static func outputPath(_ prepared: PreparedExport, _ output: OutputTarget) -> String? {
        switch output {
        case .standardOutput: return nil
        case .file(let p): return p
        case .directory(let d): return (d.hasSuffix("/") ? d : d + "/") + prepared.fileName
        }
    }

    private static func write(_ prepared: PreparedExport, selection: Selection, scan: DumpScan, renderThreads: Int,
                              path: String?, options: ExportOptions) -> Result<ExportResult, RequestError> {
        let rowCount = selection.finish()
        options.progress?.addRowsToWrite(rowCount)
        var atomic: AtomicOutput?
        do {
            let sink: OutputSink
            if let path {
                atomic = try AtomicOutput(path: path, protecting: options.readFiles, syncs: options.syncsEachOutput)
                sink = atomic!.sink
            } else {
                sink = FileDescriptorSink(fd: 1, path: "standard output")
            }
            let table = try makeTable(prepared, sink: sink, temporaryDirectory: atomic?.directory, options: options)
            // One thread renders alone; more share the rendering with the writing thread waiting on them.
            let pipeline = RowPipeline(scan: scan, renderer: makeRenderer(prepared),
                                       workers: renderThreads > 1 ? renderThreads : 0, makeEncoder: table.makeEncoder)
            try pipeline.run(selection) { bytes, rows in
                if options.cancellation?.isCancelled == true { throw ExportCancelled() }
                try table.write(encoded: bytes, rows: rows)
                options.progress?.addRowsWritten(rows)
            }
            var result = ExportResult(try table.finish())
            try atomic?.commit()
            result.rows = rowCount
            result.path = path
            return .success(result)
        } catch {
            atomic?.discard()
            return .failure(failure(error, path: path))
        }
    }

    /// The answer for an error met while writing.
    static func failure(_ error: Error, path: String?) -> RequestError {
        switch error {
        case let error as OutputError: return .detail(500, error.description)
        case let error as DumpError: return .dumpError(error)
        case is ExportCancelled, is ScanStopped: return .cancelled
        default: return .detail(500, "Cannot write \(path ?? "output"): \(error)")
        }
    }

    static func makeRenderer(_ prepared: PreparedExport) -> RowRenderer {
        RowRenderer(workflowID: prepared.workflow.id, stepNames: prepared.workflow.steps ?? [:],
                    zone: prepared.request.timeZone.flatMap { ZoneOffsets(identifier: $0) })
    }

    static func makeTable(_ prepared: PreparedExport, sink: OutputSink, temporaryDirectory: String?,
                          options: ExportOptions) throws -> TableOutput {
        switch prepared.request.format {
        case .csv:
            return try CSVTable(sink: sink, options: options.csv)
        case .xlsx:
            var xlsx = XLSXOptions(stepIndexText: prepared.request.stepIndexText, title: prepared.workflow.name,
                                   created: prepared.request.intervalStart,
                                   temporaryDirectory: temporaryDirectory ?? TemporaryFile.systemDirectory)
            xlsx.sheetRowLimit = options.sheetRowLimit
            return try XLSXTable(sink: sink, options: xlsx)
        }
    }
}

extension ExportResult {
    /// What the scan left out: skipped malformed events, files under `events/` not read.
    mutating func report(_ scan: ScanReport, _ listing: DumpListing) {
        skipped = scan.skipped
        firstSkipped = scan.firstSkipped.map { "\($0.file):\($0.line): \($0.reason)" }
        otherFiles = listing.otherFiles
        firstOtherFile = listing.firstOtherFile
    }
}
