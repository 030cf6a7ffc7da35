import Benchmark
import BenchmarkSupport
import CSVWriter
import Table

/// Row rendering and CSV writing (SPEC §5, §6): every generated event parsed and rendered as a
/// row (the baseline), then also written as CSV to a sink that only counts. The difference of
/// the two is the CSV writer's cost.
let benchmarks: @Sendable () -> Void = {
    Benchmark("RowRenderer: parse + render \(Fixture.events) rows",
              configuration: .suite([.megabytesPerSecond, .kiloRowsPerSecond])) { benchmark in
        measured(benchmark) {
            var rows = 0
            Fixture.forEachRenderedRow { cells in rows += 1; blackHole(cells) }
            return (Fixture.ndjson.count, rows)
        }
    }

    for guardOn in [true, false] {
        Benchmark("CSVWriter: parse + render + write \(Fixture.events) rows, formula guard \(guardOn ? "on" : "off")",
                  configuration: .suite([.megabytesPerSecond, .kiloRowsPerSecond])) { benchmark in
            try measured(benchmark) {
                let sink = NullSink()
                var options = CSVOptions()
                options.formulaGuard = guardOn
                let writer = CSVWriter(sink: sink, options: options)
                try writer.writeHeader()
                try Fixture.forEachRenderedRow { try writer.write($0) }
                let bytes = try writer.finish()
                return (bytes, Fixture.events)  // MB/s of CSV written
            }
        }
    }
}
