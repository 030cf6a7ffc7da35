import Bytes
import Foundation
import Table
import Timestamps
import XCTest
@testable import XLSXWriter
@testable import ZipArchive

/// Synthetic step rows shaped like real workflow events: a few constant columns, several
/// columns drawn from small vocabularies, and unique ids. Pre-generated, so that timing covers
/// only the writer.
struct XLSXSyntheticRows {
    var bytes: [UInt8] = []
    var cells: [RowCells.Cell] = []
    var rowStarts: [Int] = []
    var instants: [Int64] = []
    var count: Int { instants.count }

    init(count: Int, seed: UInt64 = 7) {
        var x = seed | 1
        func next() -> UInt64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
        func hex(_ n: Int) -> String {
            var s = ""
            while s.count < n { s += String(next(), radix: 16) }
            return String(s.prefix(n))
        }
        func uuid() -> String { "\(hex(8))-\(hex(4))-4\(hex(3))-8\(hex(3))-\(hex(12))" }
        func pick(_ a: [String]) -> String { a[Int(next() % UInt64(a.count))] }
        let org = uuid(), workflow = uuid()
        let actions = (0..<20).map { "click_button_\($0)" }
        let urls = (0..<50).map { "https://shop.example.com/products/item-\($0)?ref=campaign-\($0 % 7)" }
        let rooms = (0..<10).map { _ in uuid() }
        let users = (0..<5000).map { "user-\($0)" }
        let props = ["", "returning", "returning; vip", "new", "new; mobile-app"]
        let browsers = ["Chrome", "Firefox", "Safari", "Edge", "Opera"]
        let versions = (0..<30).map { "\(100 + $0).0.\(5000 + $0 * 7).\($0 * 3)" }
        let devices = ["desktop", "mobile", "tablet"]
        let widths = ["1920", "1366", "1536", "390", "414", "768"]
        let heights = ["1080", "768", "864", "844", "896", "1024"]
        let cities = (0..<200).map { "City \($0) \(["Helsinki", "Espoo", "Tampere", "Zürich", "São Paulo", "東京"][$0 % 6])" }
        let countries = (0..<40).map { _ in String(hex(2).uppercased()) }
        let isps = (0..<100).map { "ISP \($0) Telecom Oy" }
        let oses = ["Windows", "Mac OS", "iOS", "Android", "Linux"]
        let osVersions = (0..<20).map { "\(10 + $0 / 4).\($0 % 4)" }
        var ms: Int64 = 1_667_433_600_000
        cells.reserveCapacity(count * Column.count)
        for _ in 0..<count {
            ms += Int64(next() % 5000)
            instants.append(ms)
            rowStarts.append(cells.count)
            var row = [(RowCells.Kind, String)](repeating: (.empty, ""), count: Column.count)
            func set(_ c: Column, _ k: RowCells.Kind, _ v: String) { row[c.rawValue] = (k, v) }
            set(.eventID, .text, uuid())
            var ts = [UInt8](repeating: 0, count: 32)
            let n = ts.withUnsafeMutableBufferPointer { TimestampFormat.utc(Timestamp(millis: ms), to: $0.baseAddress!) }
            set(.timestamp, .timestamp, String(decoding: ts[0..<n], as: UTF8.self))
            set(.organizationID, .text, org)
            set(.workflowID, .text, workflow)
            set(.stepIndex, .number, "2")
            set(.stepName, .text, "Checkout")
            set(.category, .text, "workflowReportingEvent")
            set(.label, .text, workflow)
            set(.action, .text, pick(actions))
            set(.pageURL, .text, pick(urls))
            set(.flowID, .text, uuid())
            set(.roomID, .text, pick(rooms))
            set(.visitorID, .text, hex(32))
            set(.sessionID, .text, hex(32))
            if next() % 10 < 3 { set(.userID, .text, pick(users)) }
            if next() % 5 == 0 { set(.value, .number, "\(next() % 1000).\(next() % 100)") }
            let p = pick(props)
            if !p.isEmpty { set(.properties, .text, p) }
            set(.vendor, .text, "giosg")
            set(.source, .text, "web")
            set(.eventVersion, .number, "1")
            set(.browserName, .text, pick(browsers))
            set(.browserVersion, .text, pick(versions))
            set(.deviceType, .text, pick(devices))
            set(.deviceScreenWidth, .number, pick(widths))
            set(.deviceScreenHeight, .number, pick(heights))
            set(.geoCity, .text, pick(cities))
            set(.geoCountry, .text, pick(countries))
            set(.ipOrganization, .text, pick(isps))
            set(.osName, .text, pick(oses))
            set(.osVersion, .text, pick(osVersions))
            for (kind, value) in row {
                let start = bytes.count
                bytes.append(contentsOf: value.utf8)
                cells.append(RowCells.Cell(kind: kind, start: start, length: bytes.count - start))
            }
        }
    }

    /// Loads row `i` into `row` (a copy of its bytes: what a real renderer would do).
    func load(_ i: Int, into row: RowCells) {
        row.text.removeAll()
        let base = rowStarts[i]
        let first = cells[base].start
        let last = cells[base + Column.count - 1]
        let end = last.start + last.length
        bytes.withUnsafeBytes { row.text.append(UnsafeRawBufferPointer(rebasing: $0[first..<end])) }
        for c in 0..<Column.count {
            var cell = cells[base + c]
            cell.start -= first
            row.cells[c] = cell
        }
        row.instant = Timestamp(millis: instants[i])
        row.offsetSeconds = 0
    }

    /// A flat file for the libxlsxwriter comparison (tools/… in the report): per row, per cell,
    /// kind byte, UInt32 length, bytes; for timestamps the serial as 8 bytes.
    func writeFlat(to path: String) throws {
        var out: [UInt8] = []
        func u32(_ v: Int) { for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
        for i in 0..<count {
            for c in 0..<Column.count {
                let cell = cells[rowStarts[i] + c]
                out.append(cell.kind.rawValue)
                u32(cell.length)
                out.append(contentsOf: bytes[cell.start..<cell.start + cell.length])
                if cell.kind == .timestamp {
                    let s = TimestampFormat.excelSerial(Timestamp(millis: instants[i]), offsetSeconds: 0)!
                    withUnsafeBytes(of: s.bitPattern.littleEndian) { out.append(contentsOf: $0) }
                }
            }
        }
        try Data(out).write(to: URL(fileURLWithPath: path))
    }
}

/// Measurements, run only with XLSX_BENCH=<rows> (build with `-c release -Xswiftc -enable-testing`).
/// XLSX_BENCH_CONFIGS picks configurations: e.g. "L1,L6,inline,shared,adaptive,T2".
final class XLSXWriterBenchmarkTests: XCTestCase {
    func testBenchmark() throws {
        guard let n = ProcessInfo.processInfo.environment["XLSX_BENCH"].flatMap({ Int($0) }) else { return }
        let configs = (ProcessInfo.processInfo.environment["XLSX_BENCH_CONFIGS"] ?? "adaptive").split(separator: ",")
        let dir = try XLSXTestSupport.makeTemporaryDirectory("bench")
        defer { XLSXTestSupport.remove(dir) }
        let t0 = Date()
        let data = XLSXSyntheticRows(count: n)
        print("generated \(n) rows, \(data.bytes.count) bytes of cell text, in \(Date().timeIntervalSince(t0)) s")
        if let flat = ProcessInfo.processInfo.environment["XLSX_BENCH_FLAT"] { try data.writeFlat(to: flat) }
        let row = RowCells()
        for config in configs {
            var o = XLSXOptions(stepIndexText: "2", title: "bench", created: Timestamp(millis: 0), temporaryDirectory: dir)
            o.compressionThreads = 0
            for part in config.split(separator: "+") {
                switch part {
                case "inline": o.stringStorage = .inline
                case "shared": o.stringStorage = .shared
                case "adaptive": o.stringStorage = .adaptive
                case let p where p.hasPrefix("L"): o.compressionLevel = Int32(p.dropFirst())!
                case let p where p.hasPrefix("T"): o.compressionThreads = Int(p.dropFirst())!
                default: XCTFail("unknown config \(part)")
                }
            }
            let path = dir + "/bench.xlsx"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            let sink = FileDescriptorSink(fd: fd, path: path)
            let wallClock = ContinuousClock()
            let cpuStart = clock()
            var summary: XLSXSummary!
            let elapsed = try wallClock.measure {
                let writer = try XLSXWriter(sink: sink, options: o)
                for i in 0..<data.count {
                    data.load(i, into: row)
                    try writer.write(row)
                }
                summary = try writer.finish()
            }
            let cpuEnd = clock()
            close(fd)
            let cpu = Double(cpuEnd - cpuStart) / Double(CLOCKS_PER_SEC) // process CPU, all threads
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(String(format: "BENCH %@ rows=%d bytes=%lld wall=%.3fs cpu=%.3fs rows/s=%.0f",
                         String(config), summary.rows, summary.bytes, s, cpu, Double(summary.rows) / s))
            if let keep = ProcessInfo.processInfo.environment["XLSX_BENCH_KEEP"] {
                try? FileManager.default.removeItem(atPath: keep)
                try FileManager.default.copyItem(atPath: path, toPath: keep)
            }
        }
    }
}
