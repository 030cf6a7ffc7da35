import Bytes
import Timestamps

/// One output row, rendered: for each column, what kind of cell it is and its UTF-8 bytes.
/// A cell's bytes are either the event's own (a plain string or number, as it stands in the
/// dump: no copy) or in `text`, which the renderer reuses row after row for what it has to
/// build (decoded escapes, the timestamp, joined properties). No allocation per cell.
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
        /// Whether `start` is an offset into the event's bytes (`eventBytes`) rather than `text`.
        public var inEvent: Bool
        public var start: Int
        public var length: Int

        @inlinable public init(kind: Kind, inEvent: Bool = false, start: Int, length: Int) {
            self.kind = kind
            self.inEvent = inEvent
            self.start = start
            self.length = length
        }
    }

    /// Built cells' bytes, back to back.
    public let text = ByteBuffer(capacity: 16 * 1024)
    /// The bytes of the event the row was rendered from, for cells `inEvent`: valid only as long
    /// as those bytes are (the row is encoded or packed before the next event is read).
    public var eventBytes: UnsafePointer<UInt8>?
    /// One cell per column, indexed by `Column.rawValue`. Owned memory rather than an array:
    /// written 31 times a row, it should cost no uniqueness or exclusivity checks.
    public let cells: UnsafeMutableBufferPointer<Cell> = {
        let cells = UnsafeMutableBufferPointer<Cell>.allocate(capacity: Column.count)
        cells.initialize(repeating: Cell(kind: .empty, start: 0, length: 0))
        return cells
    }()
    @usableFromInline var storedByteCount = 0
    /// At least the sum of the cells' lengths (exactly, unless a column was set twice).
    public var byteCount: Int { storedByteCount }
    /// The row's instant (for the timestamp column).
    public var instant = Timestamp(millis: 0)
    /// The UTC offset the timestamp is shown in (0 without `time_zone`).
    public var offsetSeconds = 0

    public init() {}

    deinit { cells.deallocate() }

    public func reset() {
        text.removeAll()
        eventBytes = nil
        storedByteCount = 0
        for i in 0..<Column.count { cells[i] = Cell(kind: .empty, start: 0, length: 0) }
    }

    /// Marks the bytes appended to `text` since `start` as column `column`'s cell.
    @inlinable public func set(_ column: Column, kind: Kind, from start: Int) {
        cells[column.rawValue] = Cell(kind: kind, start: start, length: text.count - start)
        storedByteCount += text.count - start
    }

    /// Makes `length` bytes of the event at `start` column `column`'s cell.
    @inlinable public func set(_ column: Column, kind: Kind, eventStart start: Int, length: Int) {
        cells[column.rawValue] = Cell(kind: kind, inEvent: true, start: start, length: length)
        storedByteCount += length
    }

    @inlinable public func cell(_ column: Column) -> Cell { cells[column.rawValue] }

    /// Where a cell's bytes begin.
    @inlinable public func base(_ cell: Cell) -> UnsafePointer<UInt8> {
        cell.inEvent ? eventBytes! + cell.start : UnsafePointer(text.base + cell.start)
    }

    /// The bytes of a cell.
    @inlinable public func bytes(_ cell: Cell) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base(cell), count: cell.length)
    }
}
