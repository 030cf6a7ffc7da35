import Bytes
import Foundation
import Table
import Timestamps
import XCTest

/// Helpers shared by the zip and XLSX writer tests (named apart from other test files' helpers).
enum XLSXTestSupport {
    /// Fills `row` by hand: each value's UTF-8 goes into `row.text` and becomes that column's cell.
    static func fill(_ row: RowCells, _ values: [(Column, RowCells.Kind, [UInt8])],
                     instant: Timestamp = Timestamp(millis: 0), offsetSeconds: Int = 0) {
        row.reset()
        row.instant = instant
        row.offsetSeconds = offsetSeconds
        for (column, kind, bytes) in values {
            let start = row.text.count
            row.text.append(bytes)
            row.set(column, kind: kind, from: start)
        }
    }

    static func fill(_ row: RowCells, text values: [(Column, RowCells.Kind, String)],
                     instant: Timestamp = Timestamp(millis: 0), offsetSeconds: Int = 0) {
        fill(row, values.map { ($0.0, $0.1, Array($0.2.utf8)) }, instant: instant, offsetSeconds: offsetSeconds)
    }

    /// A timestamp cell: its CSV form as bytes, the instant on the row.
    static func csvTimestamp(_ t: Timestamp, offsetSeconds: Int = 0) -> String {
        var out = [UInt8](repeating: 0, count: 32)
        let n = out.withUnsafeMutableBufferPointer { buf -> Int in
            offsetSeconds == 0 ? TimestampFormat.utc(t, to: buf.baseAddress!)
                : TimestampFormat.local(t, offsetSeconds: offsetSeconds, to: buf.baseAddress!)
        }
        return String(decoding: out[0..<n], as: UTF8.self)
    }

    /// Deterministic pseudo-random bytes (xorshift).
    static func noise(_ count: Int, seed: UInt64 = 0x1234_5678_9ABC_DEF1) -> [UInt8] {
        var x = seed
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            out[i] = UInt8(truncatingIfNeeded: x)
        }
        return out
    }

    /// Writes bytes to a file in `dir`, returning its path.
    static func save(_ bytes: [UInt8], in dir: String, name: String) throws -> String {
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs a Python snippet with arguments; returns stdout, failing the test on a non-zero exit.
    /// Skips (fails under CI) without python3, or without the reader the snippet imports.
    static func python(_ code: String, _ arguments: [String], file: StaticString = #filePath,
                       line: UInt = #line) throws -> String {
        var tools: [TestTool] = [.python3]
        if code.contains("openpyxl") { tools.append(.openpyxl) }
        if code.contains("python_calamine") { tools.append(.calamine) }
        try ReaderTestSupport.require(tools, file: file, line: line)
        let r = try ReaderTestSupport.run("python3", ["-c", code] + arguments)
        XCTAssertEqual(r.status, 0, "python failed: \(r.stderr)", file: file, line: line)
        return r.stdoutText
    }

    /// Lists a zip's entries and checks every one with Python's zipfile (testzip), printing
    /// `name|compress_type|date_time|size` per line.
    static let pythonZipCheck = """
    import sys, zipfile
    z = zipfile.ZipFile(sys.argv[1])
    bad = z.testzip()
    if bad is not None: sys.exit('bad entry: ' + bad)
    for i in z.infolist():
        print('%s|%d|%s|%d' % (i.filename, i.compress_type, ','.join(map(str, i.date_time)), i.file_size))
    """
}
