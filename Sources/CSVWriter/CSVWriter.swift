import Bytes
import Table

/// CSV output options (SPEC §6).
public struct CSVOptions: Sendable {
    /// Prefix `'` to text cells starting with `=`, `+`, `-`, `@`, tab or CR.
    public var formulaGuard = true
    /// Start the file with a UTF-8 byte order mark (for Excel).
    public var byteOrderMark = false
    /// The field separator: one ASCII character other than `"`, CR and LF.
    public var delimiter: UInt8 = UInt8(ascii: ",")

    public init() {}

    /// Whether `c` can separate fields.
    public static func isValidDelimiter(_ c: UInt8) -> Bool {
        c < 0x80 && c != UInt8(ascii: "\"") && c != 0x0D && c != 0x0A
    }
}

/// Encodes rows as RFC 4180 CSV (SPEC §6): UTF-8, CRLF after every record, a field quoted only
/// if it holds the delimiter, `"`, CR or LF, or begins or ends with a space. It keeps no state
/// between rows, so several threads can each encode their share of the rows with their own copy.
public struct CSVEncoder {
    private let options: CSVOptions
    private let quoting: QuotingTable

    public init(options: CSVOptions) {
        self.options = options
        self.quoting = QuotingTable(delimiter: options.delimiter)
    }

    /// The byte order mark (if asked for) and the header record.
    public func encodeHeader(into out: ByteBuffer) {
        if options.byteOrderMark { out.append("\u{FEFF}" as StaticString) }
        for (i, column) in Column.allCases.enumerated() {
            if i > 0 { out.append(options.delimiter) }
            out.append(column.header)
        }
        out.append("\r\n" as StaticString)
    }

    /// Appends one record: room for the worst case is reserved once (every byte a doubled quote,
    /// plus quotes, guard and delimiters), then fields are copied in with raw pointer writes.
    public func encode(_ row: RowCells, into out: ByteBuffer) {
        let d = out.reserve(2 * row.byteCount + 4 * Column.count + 2)
        let delimiter = options.delimiter
        let guarding = options.formulaGuard
        let cells = UnsafePointer(row.cells.baseAddress!)
        let text = UnsafePointer(row.text.base)
        let event = row.eventBytes ?? text
        var o = 0
        for i in 0..<Column.count {
            if i > 0 { d[o] = delimiter; o += 1 }
            let cell = cells[i]
            guard cell.kind != .empty && cell.length > 0 else { continue }
            let src = (cell.inEvent ? event : text) + cell.start
            let guarded = guarding && cell.kind == .text && CSVEncoder.needsGuard(src[0])
            o += encodeField(src, cell.length, guardPrefix: guarded, into: d + o)
        }
        d[o] = 0x0D; d[o + 1] = 0x0A
        out.commit(o + 2)
    }

    /// A text cell a spreadsheet would run as a formula (SPEC §6 formula guard), by its first byte.
    @inline(__always) static func needsGuard(_ first: UInt8) -> Bool {
        first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D
    }

    /// Writes one non-empty field at `d`; returns its length. Most fields need no quotes: they
    /// are copied and checked in the same pass, and only a field found to need them is written
    /// again, quoted.
    @inline(__always)
    private func encodeField(_ src: UnsafePointer<UInt8>, _ n: Int, guardPrefix: Bool,
                             into d: UnsafeMutablePointer<UInt8>) -> Int {
        // The guard's `'` becomes the first character, so only the last can be a space then.
        let edgeSpace = (!guardPrefix && src[0] == 0x20) || src[n - 1] == 0x20
        if !edgeSpace {
            let o = guardPrefix ? 1 : 0
            if quoting.copyUnlessSpecial(src, n, to: d + o) {
                if guardPrefix { d[0] = UInt8(ascii: "'") }
                return o + n
            }
        }
        var o = 0
        d[o] = UInt8(ascii: "\""); o += 1
        if guardPrefix { d[o] = UInt8(ascii: "'"); o += 1 }
        for i in 0..<n {
            let c = src[i]
            d[o] = c; o += 1
            if c == UInt8(ascii: "\"") { d[o] = c; o += 1 }
        }
        d[o] = UInt8(ascii: "\""); o += 1
        return o
    }
}

/// Writes CSV to a sink: rows encoded here (`write`) or already encoded elsewhere
/// (`write(encoded:rows:)`), passed on in whole 1 MiB chunks at 1 MiB offsets (`ChunkedWriter`,
/// which says why), big pieces without another copy.
public final class CSVWriter {
    private let chunks: ChunkedWriter
    public let encoder: CSVEncoder
    public var bytesWritten: Int { Int(chunks.bytesWritten) }
    public private(set) var rows = 0

    public init(sink: OutputSink, options: CSVOptions) {
        chunks = ChunkedWriter(sink: sink)
        self.encoder = CSVEncoder(options: options)
    }

    public func writeHeader() throws {
        encoder.encodeHeader(into: chunks.buffer)
    }

    public func write(_ row: RowCells) throws {
        encoder.encode(row, into: chunks.buffer)
        rows += 1
        if chunks.buffer.count >= ChunkedWriter.chunkBytes { try chunks.writeWholeChunks() }
    }

    /// Writes `rows` records that `encoder` (or a copy of it) made.
    public func write(encoded bytes: UnsafeRawBufferPointer, rows: Int) throws {
        self.rows += rows
        try chunks.write(bytes)
    }

    /// Writes what is buffered; returns the total bytes written.
    public func finish() throws -> Int {
        try chunks.finish()
        return bytesWritten
    }
}

/// Which bytes force a field into quotes: the delimiter, `"`, CR and LF. Fields are tested
/// sixteen bytes at a time with SIMD compares, from 8 to 15 bytes as two words (SWAR: a byte of
/// `w ^ c` is zero where `w` holds `c`, and `(x - 0x01…) & ~x & 0x80…` is non-zero exactly when
/// some byte of `x` is zero), shorter ones through a 256-entry table (csv-core's approach). Read-only once made, so encoders on several threads share it.
final class QuotingTable: @unchecked Sendable {
    private let special: UnsafeMutablePointer<Bool>
    private let delimiterWord: UInt64
    // Stored, not static: a static would be checked for initialization at every use.
    private let delimiterVector: SIMD16<UInt8>
    private let quotes = SIMD16<UInt8>(repeating: 0x22)
    private let returns = SIMD16<UInt8>(repeating: 0x0D)
    private let newlines = SIMD16<UInt8>(repeating: 0x0A)

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    init(delimiter: UInt8) {
        special = .allocate(capacity: 256)
        special.initialize(repeating: false, count: 256)
        for c in [delimiter, UInt8(ascii: "\""), 0x0D, 0x0A] { special[Int(c)] = true }
        delimiterWord = UInt64(delimiter) &* QuotingTable.ones
        delimiterVector = SIMD16(repeating: delimiter)
    }

    deinit { special.deallocate() }

    /// The bytes of `w` that need quoting, as bit 7 of each (non-zero exactly when some does).
    @inline(__always) private func specialBits(_ w: UInt64) -> UInt64 {
        let d = w ^ delimiterWord, q = w ^ 0x2222_2222_2222_2222, r = w ^ 0x0D0D_0D0D_0D0D_0D0D, l = w ^ 0x0A0A_0A0A_0A0A_0A0A
        let ones = QuotingTable.ones
        return ((d &- ones) & ~d | (q &- ones) & ~q | (r &- ones) & ~r | (l &- ones) & ~l) & QuotingTable.highs
    }

    /// Copies `p[0..<n]` (n ≥ 1) to `d` and returns true if no byte needs quoting; otherwise
    /// returns false, having written some of the bytes. Sixteen bytes at a time (SIMD compares),
    /// then a word of eight or four; the last piece overlaps the one before it, so nothing is
    /// read or written outside the field.
    @inline(__always) func copyUnlessSpecial(_ p: UnsafePointer<UInt8>, _ n: Int, to d: UnsafeMutablePointer<UInt8>) -> Bool {
        let src = UnsafeRawPointer(p)
        let dst = UnsafeMutableRawPointer(d)
        if n >= 16 {
            var i = 0
            while true {
                let v = src.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                if any((v .== delimiterVector) .| (v .== quotes) .| (v .== returns) .| (v .== newlines)) {
                    return false
                }
                dst.storeBytes(of: v, toByteOffset: i, as: SIMD16<UInt8>.self)
                if i &+ 16 == n { return true }
                i = min(i &+ 16, n &- 16)
            }
        }
        if n >= 8 {
            let a = src.loadUnaligned(as: UInt64.self)
            let b = src.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            if specialBits(a) | specialBits(b) != 0 { return false }
            dst.storeBytes(of: a, as: UInt64.self)
            dst.storeBytes(of: b, toByteOffset: n &- 8, as: UInt64.self)
            return true
        }
        if n >= 4 {
            // Two words of four, overlapping, widened; only the low four bytes' flags count (a
            // borrow only runs upwards, so the zero upper half cannot flag them).
            let a = UInt64(src.loadUnaligned(as: UInt32.self))
            let b = UInt64(src.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
            if (specialBits(a) | specialBits(b)) & 0x8080_8080 != 0 { return false }
            dst.storeBytes(of: UInt32(truncatingIfNeeded: a), as: UInt32.self)
            dst.storeBytes(of: UInt32(truncatingIfNeeded: b), toByteOffset: n &- 4, as: UInt32.self)
            return true
        }
        let table = special
        for i in 0..<n {
            let c = p[i]
            if table[Int(c)] { return false }
            d[i] = c
        }
        return true
    }
}
