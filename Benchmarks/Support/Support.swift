import Benchmark
import Bytes
import DumpGenerator
import EventDump
import Events
import Foundation
import Table
import Timestamps

/// The data every suite works on: a dump from `DumpGenerator` (the same generator as
/// `stepexport generate`), `BENCH_EVENTS` events (default 20,000, ~17 MB), seed 1.
public enum Fixture {
    public static let events = Int(ProcessInfo.processInfo.environment["BENCH_EVENTS"] ?? "") ?? 20_000
    public static let seed: UInt64 = 1

    /// All event lines, concatenated (what the scanner sees, as one buffer).
    public static let ndjson: [UInt8] = DumpGenerator.ndjson(events: events, seed: seed)

    /// Where each line starts and ends (without its newline).
    public static let lines: [Range<Int>] = {
        var out: [Range<Int>] = []
        var start = 0
        for (i, b) in ndjson.enumerated() where b == 0x0A {
            out.append(start..<i)
            start = i + 1
        }
        return out
    }()

    public static let workflows: [GeneratedWorkflow] = DumpGenerator.workflows(seed: seed)

    /// The same dump on disk, written once per process into a temporary folder.
    public static let dump: (root: String, report: DumpGenerator.Report) = {
        let root = NSTemporaryDirectory() + "stepexport-bench-\(getpid())"
        let report = try! DumpGenerator.generate(.init(events: events, seed: seed), to: root, replace: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "stepexport-bench-\(getpid())") }
        return (root, report)
    }()

    public static func request(_ name: String) -> GeneratedRequest {
        dump.report.requests.first { $0.name == name }!
    }

    public static func workflow(_ id: String) -> Workflow {
        try! Catalog.load(dumpRoot: dump.root).workflows.first { $0.id == id }!
    }

    public static let intervalStart = Timestamp(millis: GeneratedInterval.start)
    public static let intervalEnd = Timestamp(millis: GeneratedInterval.end)

    /// Calls `body` with every event of the in-memory dump parsed and rendered as a row of the
    /// write-heavy request's workflow (one reused `RowCells`, as the exporter does).
    public static func forEachRenderedRow(_ body: (RowCells) throws -> Void) rethrows {
        let w = workflow(request("write-heavy").workflowID)
        let renderer = RowRenderer(workflowID: w.id, stepNames: w.steps ?? [:], zone: nil)
        var parser = EventParser()
        var event = Event()
        let cells = RowCells()
        try ndjson.withUnsafeBytes { all in
            for line in lines {
                let bytes = UnsafeRawBufferPointer(rebasing: all[line])
                _ = try! parser.parse(bytes, at: 0, into: &event)
                renderer.render(event, bytes: bytes, into: cells)
                try body(cells)
            }
        }
    }

    /// A temporary folder for spools (removed at exit).
    public static let temporaryDirectory: String = {
        let path = NSTemporaryDirectory() + "stepexport-bench-spool-\(getpid())"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()
}

/// Counts what it is given and drops it.
public final class NullSink: OutputSink {
    public private(set) var bytes = 0
    public init() {}
    public func write(_ chunk: UnsafeRawBufferPointer) throws { bytes += chunk.count }
}

/// An `EventVisitor` that only counts (what the scanner costs on its own).
public final class CountingVisitor: EventVisitor {
    public private(set) var count = 0
    public init() {}
    public func visit(_ event: inout Event, bytes: UnsafeRawBufferPointer, position: DumpPosition) -> Bool {
        count += 1
        return false
    }
}

extension BenchmarkMetric {
    /// Input megabytes (10^6 bytes) per second of one iteration.
    public static let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    /// Rows per second of one iteration, in thousands.
    public static let kiloRowsPerSecond = BenchmarkMetric.custom("k rows/s", polarity: .prefersLarger, useScalingFactor: false)
}

extension Benchmark.Configuration {
    /// A few seconds per benchmark; each iteration does the whole fixture once.
    public static func suite(_ extra: [BenchmarkMetric] = []) -> Benchmark.Configuration {
        .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident] + extra,
              warmupIterations: 1, maxDuration: .seconds(3), maxIterations: 20)
    }
}

/// Runs `work` (which returns how many bytes and rows it handled), timing it, and records MB/s
/// and rows/s besides the package's own metrics.
public func measured(_ benchmark: Benchmark, _ work: () throws -> (bytes: Int, rows: Int)) rethrows {
    let clock = ContinuousClock()
    let start = clock.now
    let (bytes, rows) = try work()
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    guard seconds > 0 else { return }
    if bytes > 0 { benchmark.measurement(.megabytesPerSecond, Int(Double(bytes) / seconds / 1e6)) }
    if rows > 0 { benchmark.measurement(.kiloRowsPerSecond, Int(Double(rows) / seconds / 1e3)) }
}
