import Bytes
import Dispatch
import EventDump
import FoundationEssentials
import JSONScan
import Selection
import StepRequest
import Threads

/// A batch manifest that cannot be used at all (SPEC §10): no jobs run.
public struct ManifestError: Error, CustomStringConvertible {
    public let description: String
}

/// What one batch job did: its summary line's content.
public struct BatchOutcome: Sendable {
    public let job: Int
    public let result: Result<ExportResult, RequestError>
    /// The job's `output` as the manifest wrote it (or the API's file name when it gave none).
    public let output: String
    /// The answer's format, once the job's request passed its checks (nil before).
    public var format: OutputFormat?

    /// The JSON line of SPEC §10.
    public var summaryLine: String {
        switch result {
        case .success(let r):
            var line = "{\"job\":\(job),\"status\":200,\"output\":\(ErrorBodyJSON.quoted(output)),"
                + "\"rows\":\(r.rows),\"bytes\":\(r.bytes),\"seconds\":\(printfText("%.3f", r.seconds))"
            if r.cutCells > 0 { line += ",\"cut_cells\":\(r.cutCells)" }
            if r.skipped > 0 {
                line += ",\"skipped\":\(r.skipped),\"first_skipped\":\(ErrorBodyJSON.quoted(r.firstSkipped ?? ""))"
            }
            if r.otherFiles > 0 {
                line += ",\"other_files\":\(r.otherFiles),\"first_other_file\":\(ErrorBodyJSON.quoted(r.firstOtherFile ?? ""))"
            }
            return line + "}"
        case .failure(let e):
            return "{\"job\":\(job),\"status\":\(e.status),\"error\":\(e.body)}"
        }
    }
}

/// Many requests against one dump (SPEC §10). The dump is scanned once: every event goes to
/// every job's selection. Jobs are independent — one failing never stops or spoils another.
public enum Batch {
    /// One job of a manifest, as `parseManifest` reads it.
    public struct Job {
        public let organizationID: String
        public let workflowID: String
        public let stepIndex: String
        public let payload: JSONValue
        public let output: String?
    }

    /// `outputRoot`: the folder every output must lie in (nil: the manifest's folder).
    public static func run(manifestPath: String, outputRoot: String? = nil, options: ExportOptions,
                           parallelJobs: Int) throws -> [BatchOutcome] {
        let data: [UInt8]
        do {
            data = try readWholeFile(manifestPath)
        } catch {
            throw ManifestError(description: "cannot read the manifest \(manifestPath): \(error.reason)")
        }
        let base = URL(fileURLWithPath: manifestPath).deletingLastPathComponent()
        let (dumpPath, jobs) = try parseManifest(data)
        let dump = Dump(root: resolve(dumpPath, against: base))

        // Checks 1–6 for every job; the ones that pass share one scan.
        let prepared: [Result<PreparedExport, RequestError>] = jobs.map { job in
            PreparedExport.prepare(StepRequest.validate(organizationID: job.organizationID, workflowID: job.workflowID,
                                                        stepIndex: job.stepIndex, payload: job.payload), dump: dump)
        }
        // Every output settled before any job runs.
        var options = options
        options.syncsEachOutput = false // synced together once the jobs are done
        options.readFiles.formUnion(dump.readFiles())
        if let manifest = FileIdentity(path: manifestPath) { options.readFiles.insert(manifest) }
        let outputs = try BatchOutputs(
            zip(jobs, prepared).map { job, p in job.output ?? (try? p.get())?.fileName },
            base: base.path, root: outputRoot ?? base.path, readFiles: options.readFiles)
        var selections: [Int: Selection] = [:]
        for (i, p) in prepared.enumerated() {
            if case .success(let export) = p { selections[i] = Selection(query: export.query, threads: options.threads) }
        }
        // Nil when no job passed its checks: nothing to scan for.
        var scan: Result<DumpScan, RequestError>?
        var listing = DumpListing()
        if !selections.isEmpty {
            let visitors = Selection.visitors(sharing: selections.keys.sorted().map { selections[$0]! })
            do {
                listing = try dump.listing()
                scan = .success(try DumpScanner.scan(files: listing.files, visitors: visitors, options: options.scanOptions))
            } catch {
                scan = .failure(.dumpError(error as! DumpError))
            }
        }

        var outcomes = [BatchOutcome?](repeating: nil, count: jobs.count)
        let lock = Lock()
        let next = AtomicCounter()
        let workers = max(1, min(parallelJobs, jobs.count))
        // Jobs written side by side share the cores; a job alone gets them all.
        let renderThreads = max(1, options.threads / workers)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment()
                guard i < jobs.count else { return }
                let outcome = runJob(i, jobs[i], prepared[i], selections[i], listing, renderThreads: renderThreads,
                                     scan, outputs: outputs, options: options)
                lock.lock(); outcomes[i] = outcome; lock.unlock()
            }
        }
        var finished = outcomes.map { $0! }
        outputs.makeDurable(&finished)
        return finished
    }

    private static func runJob(_ i: Int, _ job: Job, _ prepared: Result<PreparedExport, RequestError>,
                               _ selection: Selection?, _ listing: DumpListing, renderThreads: Int,
                               _ scan: Result<DumpScan, RequestError>?,
                               outputs: BatchOutputs, options: ExportOptions) -> BatchOutcome {
        let started = Date()
        guard case .success(let export) = prepared, let selection, let scan, let path = outputs.paths[i] else {
            if case .failure(let e) = prepared { return BatchOutcome(job: i, result: .failure(e), output: job.output ?? "") }
            preconditionFailure("a prepared job always has a selection, a scan and an output")
        }
        let output = job.output ?? export.fileName
        let dumpScan: DumpScan
        switch scan {
        case .failure(let e): return BatchOutcome(job: i, result: .failure(e), output: output, format: export.request.format)
        case .success(let s): dumpScan = s
        }
        if let reason = outputs.createFolders(for: path) {
            return BatchOutcome(job: i, result: .failure(.detail(500, "Cannot write \(path): \(reason)")), output: output)
        }
        let result = Exporter.write(export, selection: selection, scan: dumpScan,
                                    renderThreads: renderThreads, output: .file(path), options: options).map { written in
            var r = written
            r.report(dumpScan.report, listing)
            r.seconds = Date().timeIntervalSince(started)
            return r
        }
        return BatchOutcome(job: i, result: result, output: output, format: export.request.format)
    }

    /// A manifest is `{"dump": "…", "jobs": [{"organization_id", "workflow_id", "step_index", "payload", "output"}]}`.
    /// A job's missing or mistyped path field fails that job with 404, as a bad path would; a
    /// missing payload is JSON null (400); a missing output is the API's file name.
    public static func parseManifest(_ bytes: [UInt8]) throws(ManifestError) -> (dump: String, jobs: [Job]) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw ManifestError(description: "the manifest is not valid JSON: \(error.reason)")
        }
        guard case .object(let object) = root else { throw ManifestError(description: "the manifest must be a JSON object") }
        guard case .string(let dump)? = object["dump"] else {
            throw ManifestError(description: "the manifest needs \"dump\": the dump folder")
        }
        guard case .array(let items)? = object["jobs"] else {
            throw ManifestError(description: "the manifest needs \"jobs\": an array of jobs")
        }
        let jobs = try items.enumerated().map { (i, item) throws(ManifestError) -> Job in
            guard case .object(let job) = item else { throw ManifestError(description: "jobs[\(i)] must be an object") }
            func text(_ key: String) -> String {
                if case .string(let s)? = job[key] { return s }
                return ""
            }
            var step = ""
            switch job["step_index"] {
            case .string(let s)?: step = s
            case .integer(let digits)?: step = digits
            default: step = ""
            }
            var output: String?
            switch job["output"] {
            case nil, .null?: output = nil
            case .string(let s)? where !s.isEmpty: output = s
            default: throw ManifestError(description: "jobs[\(i)].output must be a non-empty string")
            }
            return Job(organizationID: text("organization_id"), workflowID: text("workflow_id"), stepIndex: step,
                       payload: job["payload"] ?? .null, output: output)
        }
        return (dump, jobs)
    }

    static func resolve(_ path: String, against base: URL) -> String {
        path.hasPrefix("/") ? path : base.appendingPathComponent(path).path
    }
}

final class AtomicCounter: @unchecked Sendable {
    private let lock = Lock()
    private var value = 0
    /// Returns the value before adding one.
    func increment() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
