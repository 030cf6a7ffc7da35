import Benchmark
import BenchmarkSupport
import EventDump
import Events

/// JSON scanning: `EventParser` over the generated NDJSON in memory (one thread, the parser
/// alone), and `DumpScanner` over the same dump on disk (file reading, line chunking and
/// parsing on 1 and 2 threads, with a visitor that only counts).
let benchmarks: @Sendable () -> Void = {
    Benchmark("EventParser: \(Fixture.events) events in memory, 1 thread",
              configuration: .suite([.megabytesPerSecond, .kiloRowsPerSecond])) { benchmark in
        var parser = EventParser()
        var event = Event()
        var parsed = 0
        measured(benchmark) {
            Fixture.ndjson.withUnsafeBytes { all in
                for line in Fixture.lines {
                    if (try? parser.parse(UnsafeRawBufferPointer(rebasing: all[line]), at: 0, into: &event)) != nil {
                        parsed += 1
                    }
                }
            }
            return (Fixture.ndjson.count, Fixture.lines.count)
        }
        precondition(parsed % Fixture.lines.count == 0, "every generated event parses")
        blackHole(parsed)
    }

    for threads in [1, 2] {
        Benchmark("DumpScanner: \(Fixture.events)-event dump from disk, \(threads) thread(s)",
                  configuration: .suite([.megabytesPerSecond, .kiloRowsPerSecond])) { benchmark in
            let files = try DumpFiles.list(dumpRoot: Fixture.dump.root)
            let visitors = (0..<threads).map { _ in CountingVisitor() }
            var scanOptions = ScanOptions()
            scanOptions.temporaryDirectory = Fixture.temporaryDirectory
            try measured(benchmark) {
                let report = try DumpScanner.scan(files: files, visitors: visitors, options: scanOptions).report
                precondition(report.events == Fixture.events)
                return (Fixture.dump.report.bytes, report.events)
            }
        }
    }
}
