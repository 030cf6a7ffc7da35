import Benchmark
import BenchmarkSupport
import Table
import XLSXWriter

/// XLSX writing (SPEC §7): every generated event parsed, rendered and written by `XLSXWriter`
/// (sheet XML, shared strings, deflate at the writer's level, zip) to a sink that only counts,
/// for each string storage. Compare with CSVWriting's RowRenderer baseline for the writer's cost,
/// and with Deflate for the compression's share.
let benchmarks: @Sendable () -> Void = {
    let storages: [(String, XLSXStringStorage)] = [("adaptive", .adaptive), ("inline", .inline), ("shared", .shared)]
    for (label, storage) in storages {
        Benchmark("XLSXWriter: parse + render + write \(Fixture.events) rows, \(label) strings",
                  configuration: .suite([.megabytesPerSecond, .kiloRowsPerSecond])) { benchmark in
            try measured(benchmark) {
                let sink = NullSink()
                var options = XLSXOptions(stepIndexText: "1", title: "Chat button impressions",
                                          created: Fixture.intervalStart, temporaryDirectory: Fixture.temporaryDirectory)
                options.stringStorage = storage
                let writer = try XLSXWriter(sink: sink, options: options)
                try Fixture.forEachRenderedRow { try writer.write($0) }
                let summary = try writer.finish()
                benchmark.measurement(.custom("file KB", polarity: .prefersSmaller, useScalingFactor: false),
                                      Int(summary.bytes / 1000))
                return (Fixture.ndjson.count, summary.rows)  // MB/s of event input
            }
        }
    }
}
