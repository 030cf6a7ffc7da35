import Benchmark
import BenchmarkSupport
import EventDump
import Selection
import StepRequest

/// Selection (SPEC §4) of the two benchmark requests over the dump on disk, 2 threads: the
/// scan with the selection collectors as visitors, then `finish` (path constraints, sorting)
/// and the walk over the ordered rows. The scan is included: collectors run inside it.
let benchmarks: @Sendable () -> Void = {
    for name in ["path-scan", "write-heavy"] {
        Benchmark("Selection: \(name) over \(Fixture.events) events, 2 threads",
                  configuration: .suite([.megabytesPerSecond, .kiloRowsPerSecond])) { benchmark in
            let request = Fixture.request(name)
            let catalog = try Catalog.load(dumpRoot: Fixture.dump.root)
            let query = try StepRequest.validate(organizationID: request.organizationID, workflowID: request.workflowID,
                                                 stepIndex: String(request.stepIndex), payload: Array(request.payload.utf8))
                .flatMap { $0.answerable(in: CatalogDirectory(catalog)) }.get()
            let files = try DumpFiles.list(dumpRoot: Fixture.dump.root)
            try measured(benchmark) {
                let selection = Selection(query: query, threads: 2)
                var options = ScanOptions()
                options.temporaryDirectory = Fixture.temporaryDirectory
                _ = try DumpScanner.scan(files: files, visitors: selection.visitors, options: options)
                let rows = selection.finish()
                var walked = 0
                selection.forEachRow { row in walked += 1; blackHole(row) }
                precondition(rows == request.expectedRows && walked == rows, "\(name): \(rows) rows, expected \(request.expectedRows)")
                return (Fixture.dump.report.bytes, rows)
            }
        }
    }
}
