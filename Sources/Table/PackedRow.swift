import Bytes
import Timestamps

/// A rendered row as bytes, so that rows rendered on one thread reach a writer on another in one
/// buffer: the instant (8 + 4 bytes), the UTC offset (4), each column's kind (1) and length (4),
/// then the cells' bytes in column order. Native byte order: it never leaves the process.
extension RowCells {
    static let packedHeaderBytes = 16 + Column.count * 5

    /// Appends this row's packed form to `out`.
    public func pack(into out: ByteBuffer) {
        let d = UnsafeMutableRawPointer(out.reserve(RowCells.packedHeaderBytes + byteCount))
        d.storeBytes(of: instant.millis, as: Int64.self)
        d.storeBytes(of: instant.subMillisecondNanos, toByteOffset: 8, as: Int32.self)
        d.storeBytes(of: Int32(offsetSeconds), toByteOffset: 12, as: Int32.self)
        var o = 16
        for cell in cells {
            d.storeBytes(of: cell.kind.rawValue, toByteOffset: o, as: UInt8.self)
            d.storeBytes(of: UInt32(cell.length), toByteOffset: o + 1, as: UInt32.self)
            o += 5
        }
        for cell in cells where cell.length > 0 {
            (d + o).copyMemory(from: base(cell), byteCount: cell.length)
            o += cell.length
        }
        out.commit(o)
    }

    /// Replaces this row with the packed row at `p`; returns the packed row's size.
    public func unpack(from p: UnsafeRawPointer) -> Int {
        reset()
        instant = Timestamp(millis: p.loadUnaligned(as: Int64.self),
                            subMillisecondNanos: p.loadUnaligned(fromByteOffset: 8, as: Int32.self))
        offsetSeconds = Int(p.loadUnaligned(fromByteOffset: 12, as: Int32.self))
        var o = RowCells.packedHeaderBytes
        for i in 0..<Column.count {
            let kind = Kind(rawValue: p.load(fromByteOffset: 16 + 5 * i, as: UInt8.self))!
            let length = Int(p.loadUnaligned(fromByteOffset: 17 + 5 * i, as: UInt32.self))
            let start = text.count
            text.append(UnsafeRawBufferPointer(start: p + o, count: length))
            set(Column(rawValue: i)!, kind: kind, from: start)
            o += length
        }
        return o
    }
}
