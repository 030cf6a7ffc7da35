import Bytes

/// Turns a rendered row into the bytes its writer takes; each rendering thread has its own.
public protocol RowEncoding {
    func encode(_ row: RowCells, into out: ByteBuffer)
}

/// A writer of either format as an export drives it: rows arrive encoded, in batches, by
/// encoders it made (one per rendering thread). `CSVTable` and `XLSXTable` implement it.
public protocol TableOutput: AnyObject {
    func makeEncoder() -> RowEncoding
    func write(encoded bytes: UnsafeRawBufferPointer, rows: Int) throws
    /// Writes what remains (the XLSX package's end, the last buffered bytes).
    func finish() throws -> TableSummary
}

/// What a finished table wrote.
public struct TableSummary: Sendable {
    public var bytes: Int
    /// Cells cut at the format's length limit (XLSX; 0 for CSV).
    public var cutCells: Int

    public init(bytes: Int, cutCells: Int) {
        self.bytes = bytes
        self.cutCells = cutCells
    }
}

/// Rows as packed cells (`RowCells.pack`), for a writer that needs the cells themselves.
public struct PackedRowEncoding: RowEncoding {
    public init() {}
    public func encode(_ row: RowCells, into out: ByteBuffer) { row.pack(into: out) }
}
