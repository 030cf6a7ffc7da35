import Bytes

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `Inspect.run` printed.
public struct InspectSummary: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case xlsx, csv }
    public var kind: Kind
    /// Sheet names (xlsx), in workbook order; empty for CSV.
    public var sheets: [String]
    /// Rows printed, all sheets together (header rows included).
    public var rows: Int

    public init(kind: Kind, sheets: [String], rows: Int) {
        self.kind = kind
        self.sheets = sheets
        self.rows = rows
    }
}

/// `stepexport inspect FILE.xlsx|FILE.csv`: reads an export back and prints its rows as CSV.
///
/// Output format: RFC 4180, UTF-8 without BOM, `,` between fields, CRLF after every record; a
/// field is quoted (inner `"` doubled) when it contains `,`, `"`, CR or LF or begins or ends with
/// a space (the quoting rule of SPEC §6, so inspecting a default CSV export prints its exact bytes).
///
/// An **xlsx** file: every worksheet in workbook order, its rows back to back with no separator
/// line — an export's sheets each start with the header row, so the header row marks where each
/// sheet begins (`Step 2`, then `Step 2 (2)`, …). Cells are rendered as `XLSXReader` reads them:
/// strings as is (escapes decoded), numbers as their stored text, date cells as
/// `YYYY-MM-DD HH:MM:SS.mmm`, booleans `TRUE`/`FALSE`; rows padded to the sheet's width.
///
/// A **csv** file: its records re-printed after an RFC 4180 parse with validation (`CSVReader`).
/// The delimiter is `,` unless the file is an export written with another one: when its first
/// record starts with `event_id` followed by `;`, a tab, `|` or another ASCII punctuation byte,
/// that byte is the delimiter. Output always uses `,`.
///
/// The kind is the content's: a file starting with a zip local header (`PK\3\4`) or named
/// `.xlsx` is read as xlsx, anything else as CSV.
///
/// Errors (a damaged zip, a malformed part, a bad CSV) are thrown — `ZipReaderError`,
/// `XLSXReaderError` or `CSVReaderError`, each naming the file, the part or line, and the
/// problem; the command then exits non-zero. Rows printed before the error stay printed.
public enum Inspect {
    @discardableResult
    public static func run(path: String, output: OutputSink) throws -> InspectSummary {
        try run(path: path, output: output, csvDelimiter: nil)
    }

    /// As `run(path:output:)`, with the CSV delimiter given (nil: detect it, see above).
    @discardableResult
    public static func run(path: String, output: OutputSink, csvDelimiter: UInt8?) throws -> InspectSummary {
        let head = try firstBytes(path, 4096)
        let isZip = head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06])
        let writer = InspectCSVOutput(sink: output)
        if isZip || path.lowercased().hasSuffix(".xlsx") {
            let reader = try XLSXReader(path: path)
            var rows = 0
            for i in reader.worksheets.indices {
                try reader.forEachRow(sheet: i) { row in
                    writer.record(row)
                    rows += 1
                    try writer.flushIfFull()
                }
            }
            try writer.flush()
            return InspectSummary(kind: .xlsx, sheets: reader.sheets, rows: rows)
        }
        let delimiter = csvDelimiter ?? detectDelimiter(head)
        let csv = try CSVReader(path: path, delimiter: delimiter)
        var rows = 0
        try csv.forEachRecord { record in
            writer.record(record)
            rows += 1
            try writer.flushIfFull()
        }
        try writer.flush()
        return InspectSummary(kind: .csv, sheets: [], rows: rows)
    }

    /// The delimiter of an export's CSV, from the byte after its first header `event_id`.
    static func detectDelimiter(_ head: [UInt8]) -> UInt8 {
        var b = head[...]
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
        let name = Array("event_id".utf8)
        guard b.starts(with: name), b.count > name.count else { return UInt8(ascii: ",") }
        let c = b[b.startIndex + name.count]
        let isAlnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
        if c == 0x09 || (c > 0x20 && c < 0x7F && !isAlnum && c != 0x22) { return c }
        return UInt8(ascii: ",")
    }

    private static func firstBytes(_ path: String, _ n: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CSVReaderError(path: path, line: 0, problem: "cannot open: \(errnoDescription())")
        }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: n)
        var got = 0
        while got < n {
            let r = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, n - got) }
            if r < 0 {
                if errno == EINTR { continue }
                throw CSVReaderError(path: path, line: 0, problem: "cannot read: \(errnoDescription())")
            }
            if r == 0 { break }
            got += r
        }
        return Array(out[0..<got])
    }
}

/// Buffers CSV records for an `OutputSink`.
final class InspectCSVOutput {
    private let sink: OutputSink
    private let buffer = ByteBuffer(capacity: 512 * 1024)

    init(sink: OutputSink) { self.sink = sink }

    func record(_ fields: [String]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            field(f)
        }
        buffer.append(0x0D)
        buffer.append(0x0A)
    }

    private func field(_ f: String) {
        var s = f
        s.withUTF8 { u in
            guard !u.isEmpty else { return }
            var quote = u[0] == 0x20 || u[u.count - 1] == 0x20
            if !quote {
                for c in u where c == 0x2C || c == 0x22 || c == 0x0D || c == 0x0A { quote = true; break }
            }
            if !quote { buffer.append(UnsafeRawBufferPointer(u)); return }
            buffer.append(0x22)
            var start = 0
            for (k, c) in u.enumerated() where c == 0x22 {
                buffer.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(u)[start...k]))
                buffer.append(0x22)
                start = k + 1
            }
            buffer.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(u)[start...]))
            buffer.append(0x22)
        }
    }

    func flushIfFull() throws {
        if buffer.count >= 256 * 1024 { try flush() }
    }

    func flush() throws {
        if !buffer.isEmpty {
            try sink.write(buffer.readable)
            buffer.removeAll()
        }
    }
}
