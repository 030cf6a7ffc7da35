import Bytes
import Table

extension CSVEncoder: RowEncoding {}

/// CSV as a `TableOutput`: rows are encoded to their final bytes on the rendering threads.
public final class CSVTable: TableOutput {
    private let writer: CSVWriter

    /// Writes the header row at once.
    public init(sink: OutputSink, options: CSVOptions) throws {
        writer = CSVWriter(sink: sink, options: options)
        try writer.writeHeader()
    }

    public func makeEncoder() -> RowEncoding { writer.encoder }

    public func write(encoded bytes: UnsafeRawBufferPointer, rows: Int) throws {
        try writer.write(encoded: bytes, rows: rows)
    }

    public func finish() throws -> TableSummary { TableSummary(bytes: try writer.finish(), cutCells: 0) }
}
