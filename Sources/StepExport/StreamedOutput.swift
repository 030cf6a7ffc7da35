import Bytes
import FoundationEssentials
import Selection
import StepRequest
import Table

/// An export whose rows are written during the scan (`RowStream`): the output file is opened
/// before the scan, and the scanning threads get visitors that render what they keep.
final class StreamedOutput {
    private let atomic: AtomicOutput
    private let table: TableOutput
    private let stream: RowStream
    let visitors: [StreamingCollector]

    /// Nil when the output cannot be opened: the export then goes the usual way, which reports
    /// that error in its usual place (after any problem with the dump).
    /// `spillAlways`: spill the rows as sorted runs whatever the dump's order.
    init?(_ prepared: PreparedExport, selection: Selection, path: String, options: ExportOptions, spillAlways: Bool) {
        guard let atomic = try? AtomicOutput(path: path, protecting: options.readFiles, syncs: options.syncsEachOutput) else {
            return nil
        }
        guard let table = try? Exporter.makeTable(prepared, sink: atomic.sink, temporaryDirectory: atomic.directory,
                                                  options: options) else {
            atomic.discard()
            return nil
        }
        self.atomic = atomic
        self.table = table
        stream = RowStream(table: table, limit: selection.limit, threads: selection.visitors.count,
                           progress: options.progress, spillDirectory: options.temporaryDirectory,
                           spillAlways: spillAlways)
        let renderer = Exporter.makeRenderer(prepared)
        visitors = selection.visitors.map { [stream] in
            StreamingCollector(collector: $0, stream: stream, renderer: renderer, encoder: table.makeEncoder())
        }
    }

    /// What became of the rows after a successful scan.
    enum Outcome {
        case finished(Result<ExportResult, RequestError>)
        /// The stream gave up (the partial file is gone): for a row after a later one was
        /// written (`forOrder`; spilling every segment would take it), or a segment too big.
        case abandoned(forOrder: Bool)
    }

    func finish() -> Outcome {
        do {
            guard try stream.finish() else {
                atomic.discard()
                return .abandoned(forOrder: stream.abandonedForOrder)
            }
            var result = ExportResult(try table.finish())
            try atomic.commit()
            result.rows = stream.rowsWritten
            result.path = atomic.path
            result.writtenDuringScan = true
            result.spilledRuns = stream.spilledRuns
            return .finished(.success(result))
        } catch {
            atomic.discard()
            return .finished(.failure(Exporter.failure(error, path: atomic.path)))
        }
    }

    /// After a failed scan: no file.
    func discard() { atomic.discard() }
}
