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

/// Writes rows as RFC 4180 CSV (SPEC §6): UTF-8, CRLF after every record, a field quoted only if
/// it holds the delimiter, `"`, CR or LF, or begins or ends with a space. Output collects in a
/// large buffer and goes to the sink in big writes.
public final class CSVWriter {
    private let sink: OutputSink
    private let options: CSVOptions
    private let out = ByteBuffer(capacity: 1 << 20)
    private let quoting: QuotingTable
    public private(set) var bytesWritten = 0
    public private(set) var rows = 0

    private static let flushThreshold = 1 << 20 - (64 << 10)

    public init(sink: OutputSink, options: CSVOptions) {
        self.sink = sink
        self.options = options
        self.quoting = QuotingTable(delimiter: options.delimiter)
    }

    public func writeHeader() throws {
        if options.byteOrderMark { out.append("\u{FEFF}" as StaticString) }
        for (i, column) in Column.allCases.enumerated() {
            if i > 0 { out.append(options.delimiter) }
            out.append(column.header)
        }
        out.append("\r\n" as StaticString)
    }

    public func write(_ row: RowCells) throws {
        for i in 0..<Column.count {
            if i > 0 { out.append(options.delimiter) }
            let cell = row.cells[i]
            guard cell.kind != .empty else { continue }
            let bytes = row.bytes(cell)
            let guarded = options.formulaGuard && cell.kind == .text && CSVWriter.needsGuard(bytes)
            writeField(bytes, guardPrefix: guarded)
        }
        out.append("\r\n" as StaticString)
        rows += 1
        if out.count >= CSVWriter.flushThreshold { try flush() }
    }

    /// Flushes what is buffered; returns the total bytes written.
    public func finish() throws -> Int {
        try flush()
        return bytesWritten
    }

    private func flush() throws {
        try sink.write(out.readable)
        bytesWritten += out.count
        out.removeAll()
    }

    /// A text cell a spreadsheet would run as a formula (SPEC §6 formula guard).
    @inline(__always) static func needsGuard(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first else { return false }
        return first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") || first == 0x09 || first == 0x0D
    }

    private func writeField(_ bytes: UnsafeRawBufferPointer, guardPrefix: Bool) {
        let n = bytes.count
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // The guard's `'` becomes the first character, so only the last can be a space then.
        let edgeSpace = (!guardPrefix && base[0] == 0x20) || base[n - 1] == 0x20
        if !edgeSpace && quoting.firstSpecial(base, n) == n {
            if guardPrefix { out.append(UInt8(ascii: "'")) }
            out.append(bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        if guardPrefix { out.append(UInt8(ascii: "'")) }
        // Copy runs between quote characters, doubling each quote.
        var runStart = 0
        while let q = memchr(base + runStart, 0x22, n - runStart) {
            let i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(q))
            out.append(UnsafeRawBufferPointer(start: base + runStart, count: i + 1 - runStart))
            out.append(UInt8(ascii: "\""))
            runStart = i + 1
        }
        out.append(UnsafeRawBufferPointer(start: base + runStart, count: n - runStart))
        out.append(UInt8(ascii: "\""))
    }
}

/// Which bytes force a field into quotes, as a 256-entry table (csv-core's approach): one load
/// and test per byte instead of four comparisons.
struct QuotingTable {
    private var special = [Bool](repeating: false, count: 256)

    init(delimiter: UInt8) {
        for c in [delimiter, UInt8(ascii: "\""), 0x0D, 0x0A] { special[Int(c)] = true }
    }

    /// Index of the first byte that needs quoting, or `n`.
    @inline(__always) func firstSpecial(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        return special.withUnsafeBufferPointer { table in
            var i = 0
            while i < n && !table[Int(p[i])] { i += 1 }
            return i
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
