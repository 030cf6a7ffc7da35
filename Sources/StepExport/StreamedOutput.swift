import Bytes
import Foundation
import Selection
import StepRequest

/// An export whose rows are written during the scan (`RowStream`): the output file is opened
/// before the scan, and the scanning threads get visitors that render what they keep.
final class StreamedOutput {
    private let atomic: AtomicOutput
    private let table: TableOutput
    private let stream: RowStream
    let visitors: [StreamingCollector]

    /// Nil when the output cannot be opened: the export then goes the usual way, which reports
    /// that error in its usual place (after any problem with the dump).
    init?(_ prepared: PreparedExport, selection: Selection, path: String, options: ExportOptions) {
        guard let atomic = try? AtomicOutput(path: path) else { return nil }
        guard let table = try? Exporter.makeTable(prepared, sink: atomic.sink, temporaryDirectory: atomic.directory,
                                                  options: options) else {
            atomic.discard()
            return nil
        }
        self.atomic = atomic
        self.table = table
        stream = RowStream(table: table, limit: selection.limit, threads: selection.collectors.count,
                           progress: options.progress, spillDirectory: options.temporaryDirectory,
                           spillAlways: options.spillRows)
        let renderer = Exporter.makeRenderer(prepared)
        visitors = selection.collectors.map { [stream] in
            StreamingCollector(collector: $0, stream: stream, renderer: renderer, encoder: table.makeEncoder())
        }
    }

    /// After a successful scan: the finished export, or nil when the rows were not in order and
    /// must be written the usual way (the partial file is gone then).
    func finish() -> Result<ExportResult, RequestError>? {
        do {
            guard try stream.finish() else {
                atomic.discard()
                return nil
            }
            var result = try table.finish()
            try atomic.commit()
            result.rows = stream.rowsWritten
            result.path = atomic.path
            result.writtenDuringScan = true
            result.spilledRuns = stream.spilledRuns
            return .success(result)
        } catch {
            atomic.discard()
            return .failure(Exporter.failure(error, path: atomic.path))
        }
    }

    /// After a failed scan: no file.
    func discard() { atomic.discard() }
}
