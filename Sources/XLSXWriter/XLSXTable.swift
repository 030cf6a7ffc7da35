import Bytes
import Table

/// XLSX as a `TableOutput`. A row's XML depends on the rows before it (its row number,
/// shared-string indexes), so rows cross to the writing thread packed (`RowCells.pack`) and
/// become XML there.
public final class XLSXTable: TableOutput {
    private let writer: XLSXWriter
    private let row = RowCells()

    public init(sink: OutputSink, options: XLSXOptions) throws { writer = try XLSXWriter(sink: sink, options: options) }

    public func makeEncoder() -> RowEncoding { PackedRowEncoding() }

    public func write(encoded bytes: UnsafeRawBufferPointer, rows: Int) throws {
        var o = 0
        for _ in 0..<rows {
            o += row.unpack(from: bytes.baseAddress! + o)
            try writer.write(row)
        }
    }

    public func finish() throws -> TableSummary {
        let summary = try writer.finish()
        return TableSummary(bytes: Int(summary.bytes), cutCells: summary.cutCells)
    }
}
