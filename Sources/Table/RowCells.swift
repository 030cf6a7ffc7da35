import Bytes
import Timestamps

/// One output row, rendered: for each column, what kind of cell it is and its UTF-8 bytes.
/// The bytes live in `text`, which the renderer reuses row after row (no allocation per cell).
public final class RowCells {
    public enum Kind: UInt8, Sendable {
        /// No value: an empty CSV field, no XLSX cell.
        case empty
        /// Text (decoded UTF-8, possibly containing any character).
        case text
        /// JSON number text, e.g. `2`, `-1.5e3`.
        case number
        /// The timestamp column: `instant` and `offsetSeconds`; its bytes are the CSV form.
        case timestamp
    }

    public struct Cell: Sendable {
        public var kind: Kind
        public var start: Int
        public var length: Int

        @inlinable public init(kind: Kind, start: Int, length: Int) {
            self.kind = kind
            self.start = start
            self.length = length
        }
    }

    /// All cells' bytes, back to back.
    public let text = ByteBuffer(capacity: 16 * 1024)
    /// One cell per column, indexed by `Column.rawValue`.
    public var cells = [Cell](repeating: Cell(kind: .empty, start: 0, length: 0), count: Column.count)
    /// The row's instant (for the timestamp column).
    public var instant = Timestamp(millis: 0)
    /// The UTC offset the timestamp is shown in (0 without `time_zone`).
    public var offsetSeconds = 0

    public init() {}

    public func reset() {
        text.removeAll()
        for i in 0..<Column.count { cells[i] = Cell(kind: .empty, start: 0, length: 0) }
    }

    /// Marks the bytes appended to `text` since `start` as column `column`'s cell.
    @inlinable public func set(_ column: Column, kind: Kind, from start: Int) {
        cells[column.rawValue] = Cell(kind: kind, start: start, length: text.count - start)
    }

    @inlinable public func cell(_ column: Column) -> Cell { cells[column.rawValue] }

    /// The bytes of a cell.
    @inlinable public func bytes(_ cell: Cell) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: text.base + cell.start, count: cell.length)
    }
}
