import Benchmark
import BenchmarkSupport
import Bytes
import CSVWriter
import ZipArchive

/// Deflate as the XLSX writer uses it: one streamed zip entry (chunked deflate into a spool
/// file, then copied into the archive) of the generated rows' CSV text, at the writer's level 1
/// and at zlib's default 6, compressing on 1 and 2 threads.
let benchmarks: @Sendable () -> Void = {
    let text: [UInt8] = {
        let sink = MemorySink()
        let writer = CSVWriter(sink: sink, options: CSVOptions())
        try! writer.writeHeader()
        Fixture.forEachRenderedRow { try! writer.write($0) }
        _ = try! writer.finish()
        return sink.bytes
    }()
    for level: Int32 in [1, 3, 6] {
        for threads in [1, 2] {
            Benchmark("ZipWriter: deflate \(text.count / 1_000_000) MB of row text, level \(level), \(threads) thread(s)",
                      configuration: .suite([.megabytesPerSecond])) { benchmark in
                try measured(benchmark) {
                    var options = ZipWriterOptions(temporaryDirectory: Fixture.temporaryDirectory)
                    options.deflate = DeflateSettings(level: level)
                    options.threads = threads
                    let sink = NullSink()
                    let zip = ZipWriter(sink: sink, options: options)
                    let entry = try zip.beginStreamingEntry(name: "xl/worksheets/sheet1.xml")
                    try text.withUnsafeBytes { try entry.write($0) }
                    try entry.close()
                    try zip.addEntry(entry)
                    _ = try zip.finish()
                    benchmark.measurement(.custom("ratio %", polarity: .prefersSmaller, useScalingFactor: false),
                                          sink.bytes * 100 / max(text.count, 1))
                    return (text.count, 0)
                }
            }
        }
    }
}
