import Bytes
import CSVWriter
import EventDump
import Events
import Foundation
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
            let stores = options.makeStores()
            let selection = Selection(query: prepared.query, stores: stores)
            let report: ScanReport
            let files: [DumpFile]
            do {
                files = try dump.files()
                report = try DumpScanner.scan(files: files, visitors: selection.collectors, stores: stores,
                                              options: options.scanOptions)
            } catch {
                return .failure(.dumpError(error as! DumpError))
            }
            let fetcher = EventFetcher(files: files, stores: stores)
            return write(prepared, selection: selection, fetcher: fetcher, output: output, options: options).map { written in
                var result = written
                result.skipped = report.skipped
                result.firstSkipped = report.firstSkipped.map { "\($0.file):\($0.line): \($0.reason)" }
                result.seconds = Date().timeIntervalSince(started)
                return result
            }
        }
    }

    /// Writes the selected rows in the requested format to `output`.
    public static func write(_ prepared: PreparedExport, selection: Selection, fetcher: EventFetcher,
                             output: OutputTarget, options: ExportOptions) -> Result<ExportResult, RequestError> {
        let rowCount = selection.finish()
        options.progress?.addRowsToWrite(rowCount)
        var atomic: AtomicOutput?
        let path: String?
        switch output {
        case .standardOutput: path = nil
        case .file(let p): path = p
        case .directory(let d): path = (d.hasSuffix("/") ? d : d + "/") + prepared.fileName
        }
        do {
            let sink: OutputSink
            if let path {
                atomic = try AtomicOutput(path: path)
                sink = atomic!.sink
            } else {
                sink = FileDescriptorSink(fd: 1, path: "standard output")
            }
            let table = try makeTable(prepared, sink: sink, temporaryDirectory: atomic?.directory, options: options)
            let renderer = RowRenderer(workflowID: prepared.workflow.id, stepNames: prepared.workflow.steps ?? [:],
                                       zone: prepared.request.timeZone.flatMap { ZoneOffsets(identifier: $0) })
            var parser = EventParser()
            var event = Event()
            let cells = RowCells()
            // Rows written, told to the progress display every few thousand rows.
            var unreported = 0
            try selection.forEachRow { ref in
                unreported += 1
                if unreported == 4096 { options.progress?.addRowsWritten(unreported); unreported = 0 }
                let bytes = try fetcher.bytes(ref)
                do {
                    _ = try parser.parse(bytes, at: 0, into: &event)
                } catch {
                    // It parsed during the scan: the file must have changed since.
                    throw DumpError.unreadable(path: "the dump", reason: "an event file changed during the export")
                }
                renderer.render(event, bytes: bytes, into: cells)
                try table.write(cells)
            }
            options.progress?.addRowsWritten(unreported)
            var result = try table.finish()
            try atomic?.commit()
            result.rows = rowCount
            result.path = path
            return .success(result)
        } catch let error as OutputError {
            atomic?.discard()
            return .failure(.detail(500, error.description))
        } catch let error as DumpError {
            atomic?.discard()
            return .failure(.dumpError(error))
        } catch {
            atomic?.discard()
            return .failure(.detail(500, "Cannot write \(path ?? "output"): \(error)"))
        }
    }

    private static func makeTable(_ prepared: PreparedExport, sink: OutputSink, temporaryDirectory: String?,
                                  options: ExportOptions) throws -> TableOutput {
        switch prepared.request.format {
        case .csv:
            return try CSVTable(sink: sink, options: options.csv)
        case .xlsx:
            var xlsx = XLSXOptions(stepIndexText: prepared.request.stepIndexText, title: prepared.workflow.name,
                                   created: prepared.request.intervalStart,
                                   temporaryDirectory: temporaryDirectory ?? NSTemporaryDirectory())
            xlsx.sheetRowLimit = options.sheetRowLimit
            return try XLSXTable(sink: sink, options: xlsx)
        }
    }
}

/// A writer of either format, as the export loop sees it.
protocol TableOutput {
    func write(_ row: RowCells) throws
    func finish() throws -> ExportResult
}

private final class CSVTable: TableOutput {
    let writer: CSVWriter
    init(sink: OutputSink, options: CSVOptions) throws {
        writer = CSVWriter(sink: sink, options: options)
        try writer.writeHeader()
    }
    func write(_ row: RowCells) throws { try writer.write(row) }
    func finish() throws -> ExportResult {
        var r = ExportResult()
        r.bytes = try writer.finish()
        return r
    }
}

private final class XLSXTable: TableOutput {
    let writer: XLSXWriter
    init(sink: OutputSink, options: XLSXOptions) throws { writer = try XLSXWriter(sink: sink, options: options) }
    func write(_ row: RowCells) throws { try writer.write(row) }
    func finish() throws -> ExportResult {
        let summary = try writer.finish()
        var r = ExportResult()
        r.bytes = Int(summary.bytes)
        r.cutCells = summary.cutCells
        return r
    }
}
