import Bytes
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV file that breaks RFC 4180: names the file, the line (1-based, counting LF) and the problem.
public struct CSVReaderError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let line: Int
    public let problem: String

    public init(path: String, line: Int, problem: String) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String {
        line > 0 ? "\(path):\(line): \(problem)" : "\(path): \(problem)"
    }
}

/// Reads an RFC 4180 CSV file record by record, streamed, and validates it:
/// - a field is either unquoted (no `"`, CR or LF in it) or wholly quoted (`"…"`, inner `"`
///   doubled, CR and LF allowed); text after a closing quote, a quote inside an unquoted field,
///   or a quoted field still open at the end of the file is an error;
/// - records end with CRLF or LF (the last one may end at the end of the file); a CR anywhere
///   else outside quotes is an error;
/// - the text must be UTF-8; a UTF-8 BOM at the very start is skipped;
/// - a record over `maxRecordBytes` (256 MiB) is an error, so memory stays bounded.
/// Records need not have equal numbers of fields. An empty line is a record of one empty field.
public final class CSVReader {
    public let path: String
    public let delimiter: UInt8
    public static let maxRecordBytes = 256 << 20

    public init(path: String, delimiter: UInt8 = UInt8(ascii: ",")) throws {
        guard delimiter != 0x22, delimiter != 0x0D, delimiter != 0x0A, delimiter < 0x80 else {
            throw CSVReaderError(path: path, line: 0, problem: "invalid delimiter")
        }
        self.path = path
        self.delimiter = delimiter
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }

    /// Calls `body` with each record's fields.
    public func forEachRecord(_ body: ([String]) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CSVReaderError(path: path, line: 0, problem: "cannot open: \(errnoDescription())")
        }
        defer { close(fd) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { chunk.deallocate() }

        var state = State.fieldStart
        var field: [UInt8] = []
        var record: [String] = []
        var recordBytes = 0
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var first = true
        var bomCheck: [UInt8] = []
        let d = delimiter

        func fail(_ problem: String, at l: Int? = nil) -> CSVReaderError {
            CSVReaderError(path: path, line: l ?? line, problem: problem)
        }
        func endField() throws {
            guard let s = String(validating: field, as: UTF8.self) else {
                throw fail("invalid UTF-8 in field \(record.count + 1)")
            }
            record.append(s)
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() throws {
            try endField()
            try body(record)
            record.removeAll(keepingCapacity: true)
            recordBytes = 0
        }

        func consume(_ c: UInt8) throws {
            recordBytes += 1
            if recordBytes > CSVReader.maxRecordBytes {
                throw fail("record longer than \(CSVReader.maxRecordBytes) bytes", at: recordLine)
            }
            switch state {
            case .fieldStart:
                if c == 0x22 { state = .quoted; quoteLine = line }
                else if c == d { try endField() }
                else if c == 0x0D { state = .afterCR }
                else if c == 0x0A { try endRecord(); line += 1; recordLine = line }
                else { field.append(c); state = .unquoted }
            case .unquoted:
                if c == d { try endField(); state = .fieldStart }
                else if c == 0x22 { throw fail("quote inside an unquoted field (field \(record.count + 1))") }
                else if c == 0x0D { state = .afterCR }
                else if c == 0x0A { try endRecord(); line += 1; recordLine = line; state = .fieldStart }
                else { field.append(c) }
            case .quoted:
                if c == 0x22 { state = .quoteInQuoted }
                else { field.append(c); if c == 0x0A { line += 1 } }
            case .quoteInQuoted:
                if c == 0x22 { field.append(c); state = .quoted }
                else if c == d { try endField(); state = .fieldStart }
                else if c == 0x0D { state = .afterCR }
                else if c == 0x0A { try endRecord(); line += 1; recordLine = line; state = .fieldStart }
                else { throw fail("text after the closing quote of field \(record.count + 1)") }
            case .afterCR:
                guard c == 0x0A else { throw fail("CR not followed by LF outside a quoted field") }
                try endRecord()
                line += 1
                recordLine = line
                state = .fieldStart
            }
        }

        while true {
            let n = read(fd, chunk.baseAddress!, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("read error: \(errnoDescription())")
            }
            if n == 0 { break }
            var bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<n])
            if first {
                // Skip a UTF-8 BOM, which may straddle reads.
                let need = 3 - bomCheck.count
                let take = min(need, bytes.count)
                bomCheck.append(contentsOf: bytes[0..<take])
                bytes = UnsafeRawBufferPointer(rebasing: bytes[take...])
                if bomCheck.count < 3 && bomCheck == Array([0xEF, 0xBB, 0xBF].prefix(bomCheck.count)) { continue }
                first = false
                if bomCheck != [0xEF, 0xBB, 0xBF] { for c in bomCheck { try consume(c) } }
            }
            for c in bytes { try consume(c) }
        }
        if first { for c in bomCheck where bomCheck != [0xEF, 0xBB, 0xBF] { try consume(c) } }
        switch state {
        case .quoted:
            throw fail("quoted field opened on line \(quoteLine) is never closed (unterminated quote)", at: quoteLine)
        case .afterCR:
            throw fail("CR not followed by LF at the end of the file")
        case .unquoted, .quoteInQuoted:
            try endRecord()
        case .fieldStart:
            // A clean end after a line break, or an empty last field after a delimiter.
            if !record.isEmpty { try endRecord() }
        }
    }

    /// All records (for small files and tests).
    public func records() throws -> [[String]] {
        var out: [[String]] = []
        try forEachRecord { out.append($0) }
        return out
    }
}
