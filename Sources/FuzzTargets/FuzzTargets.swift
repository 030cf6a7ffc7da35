import Bytes
import CSVWriter
import CZlib
import EventDump
import Events
import FoundationEssentials
import JSONScan
import StepExport
import StepRequest
import Table
import Timestamps
import XLSXReader
import ZipArchive
import ZlibStream
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The entry points of the fuzzers in `Fuzz/` (one libFuzzer executable per target) and of the
/// corpus regression test (`FuzzCorpusTests`), which feeds every file of `Fuzz/Corpus/<name>/`
/// through the same function. Each takes arbitrary bytes and must return normally: a crash, a
/// hang, or a broken invariant (checked with `check`, which traps) is a finding.
///
/// Beyond "no crash", each target checks properties that must hold for any input, chosen so that
/// a failure is a real bug: the strict event parser and the JSON value parser agree on what is
/// valid JSON; rendered cells are valid UTF-8; error bodies are one-line JSON objects; a dump scans
/// the same whatever the thread count and chunk size.
public enum FuzzTargets {
    /// Every target by name: the name is the corpus folder and the fuzz executable's suffix.
    public static let all: [(name: String, run: (UnsafeRawBufferPointer) -> Void)] = [
        ("json", jsonScanner),
        ("payload", payloadValidator),
        ("dump", dumpReader),
        ("xlsx", xlsxReader),
        ("catalog", catalogParser),
        ("manifest", manifestParser),
    ]

    // MARK: - json: EventParser and JSONValue.parse

    /// The input as one event: `EventParser.parse` (from its first non-whitespace byte, as the
    /// NDJSON scanner calls it) against `JSONValue.parse`, then the event rendered to a row and
    /// written as CSV.
    public static func jsonScanner(_ data: UnsafeRawBufferPointer) {
        let value: JSONValue?
        do { value = try JSONValue.parse(data) } catch { value = nil }
        var s = 0
        while s < data.count && JSONBytes.isWhitespace(data[s]) { s += 1 }
        guard s < data.count else {
            check(value == nil, "JSONValue.parse accepted blank input")
            return
        }
        var parser = EventParser()
        var event = Event()
        do {
            let end = try parser.parse(data, at: s, into: &event)
            check(end > s && end <= data.count, "EventParser returned end \(end) for \(data.count) bytes from \(s)")
            let whole = allWhitespace(data, from: end)
            if whole {
                guard case .object? = value else { fail("EventParser accepted what JSONValue.parse rejects or is not an object") }
            }
            let bytes = UnsafeRawBufferPointer(rebasing: data[s..<end])
            for key in EventKey.allCases {
                let slot = event[key]
                guard slot.isPresent else { continue }
                check(slot.start >= 0 && slot.length >= 0 && Int(slot.start) + Int(slot.length) <= bytes.count,
                      "slot \(key) out of the event's bytes")
            }
            render(event, bytes)
        } catch {
            check(!error.reason.isEmpty, "empty malformed-event reason")
            if let valueEnd = error.valueEnd {
                // Only the content is wrong: the bytes up to valueEnd are one valid JSON value.
                check(valueEnd > s && valueEnd <= data.count, "valueEnd \(valueEnd) out of range")
                if allWhitespace(data, from: valueEnd) {
                    check(value != nil, "EventParser says the JSON is valid (\(error.reason)) but JSONValue.parse rejects it")
                }
            } else if let value, case .object = value {
                fail("JSONValue.parse accepts an object that EventParser calls invalid JSON: \(error.reason)")
            } else if value != nil && !error.reason.hasPrefix("nested deeper") {
                fail("JSONValue.parse accepts a value that EventParser calls invalid JSON: \(error.reason)")
            }
        }
    }

    private static func render(_ event: Event, _ bytes: UnsafeRawBufferPointer) {
        let cells = RowCells()
        for zone in [nil, helsinki] {
            RowRenderer(workflowID: "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00", stepNames: [1: "Step one"], zone: zone)
                .render(event, bytes: bytes, into: cells)
            for cell in cells.cells where cell.kind != .empty {
                check(cell.start >= 0 && cell.start + cell.length <= (cell.inEvent ? bytes.count : cells.text.count),
                      "cell out of the row's text or event")
                let text = cells.bytes(cell)
                check(isValidUTF8(text), "a rendered cell is not valid UTF-8")
            }
            let sink = MemorySink()
            let csv = CSVWriter(sink: sink, options: CSVOptions())
            do {
                try csv.writeHeader()
                try csv.write(cells)
                _ = try csv.finish()
            } catch {
                fail("CSV to memory failed: \(error)")
            }
            sink.bytes.withUnsafeBytes { check(isValidUTF8($0), "CSV output is not valid UTF-8") }
        }
    }

    private static let helsinki = ZoneOffsets(identifier: "Europe/Helsinki")

    // MARK: - payload: StepRequest.validate

    /// The input as a request payload (with a valid path): the answer is a request or a one-line
    /// JSON error body with status 400, and validating the parsed value gives the same answer.
    public static func payloadValidator(_ data: UnsafeRawBufferPointer) {
        let org = "6f1c2b1e-0c1d-4d6e-9a51-3c2f4b7d8e90", workflow = "0b7e3f5a-8c2d-4e1f-b6a9-5d4c3b2a1f00"
        let result = StepRequest.validate(organizationID: org, workflowID: workflow, stepIndex: "2", payload: data)
        switch result {
        case .success(let request):
            check(request.intervalStart < request.intervalEnd, "a request whose interval does not end after its start")
            if let limit = request.limit { check(limit >= 1, "limit below 1") }
        case .failure(let error):
            check(error.status == 400, "payload error with status \(error.status)")
            check(!error.body.utf8.contains(0x0A), "a multi-line error body")
            var body = Array(error.body.utf8)
            let parsed = body.withUnsafeMutableBytes { try? JSONValue.parse(UnsafeRawBufferPointer($0)) }
            guard case .object? = parsed else { fail("error body is not a JSON object: \(error.body)") }
        }
        if let value = try? JSONValue.parse(data) {
            let again = StepRequest.validate(organizationID: org, workflowID: workflow, stepIndex: "2", payload: value)
            check(again == result, "validate(bytes) and validate(value) disagree")
        }
    }

    // MARK: - dump: gzip, NDJSON chunks, .json arrays, parallel scan

    /// The input as the only event file of a dump: `events/a.json` when it looks like an array (its
    /// first byte after a BOM and whitespace is `[`; for a gzip input, when its last byte is odd),
    /// else `events/a.ndjson`. It is scanned with one thread and whole-file chunks and with two
    /// threads and 7-byte chunks, with and without `--skip-invalid`: each pair must agree on the
    /// events, their positions and the error. A gzip input must also fail on a wrong CRC-32 or
    /// length in a trailer exactly when zlib's own check, as it inflates, says so: the scan checks
    /// them itself, off the inflating thread (`GzipCheck`).
    public static func dumpReader(_ data: UnsafeRawBufferPointer) {
        let dump = FuzzDump.shared
        do {
            let name = looksLikeArray(data) ? "a.json" : "a.ndjson"
            let path = dump.write(data, at: "events/" + name)
            defer { unlink(path) }
            let zlibVerdict = zlibCheck(data)
            let files: [DumpFile]
            do { files = try DumpFiles.list(dumpRoot: dump.root) } catch { fail("listing the fuzz dump: \(error)") }
            check(files.count == 1, "expected one event file, found \(files.count)")
            for skipInvalid in [false, true] {
                var first: ScanOutcome?
                for (threads, chunkSize) in [(1, 1 << 17), (2, 7)] {
                    let outcome = scan(files, threads: threads, chunkSize: chunkSize, skipInvalid: skipInvalid, dump: dump)
                    let error = outcome.error ?? ""
                    switch zlibVerdict {
                    case .wrongTrailer:
                        check(error.hasPrefix("Malformed gzip stream in events/\(name): "),
                              "zlib finds a wrong trailer, the scan gives \(outcome.summary)")
                    case .soundTrailers:
                        check(!error.contains("incorrect data check") && !error.contains("incorrect length check")
                              && !error.contains("CRC-32 check missed"), "zlib finds every trailer right, the scan gives \(error)")
                    case .notGzip, .otherProblem:
                        break
                    }
                    if let first {
                        check(outcome == first, "\(name): \(threads) threads / \(chunkSize)-byte chunks disagree: "
                              + "\(outcome.summary) vs \(first.summary)")
                    } else {
                        first = outcome
                    }
                }
            }
        }
    }

    enum ZlibVerdict { case notGzip, soundTrailers, wrongTrailer, otherProblem }

    /// What zlib finds inflating a gzip input member after member, checking each trailer as it
    /// goes: every trailer right (the input may end inside a member, or garbage follow one), a
    /// wrong CRC-32 or length, or another problem first (which hides what the trailers hold).
    private static func zlibCheck(_ data: UnsafeRawBufferPointer) -> ZlibVerdict {
        guard data.count >= 2 && data[0] == 0x1F && data[1] == 0x8B else { return .notGzip }
        guard let stream = InflateStream(.gzip) else { fail("zlib could not start an inflate stream") }
        let outputBytes = 1 << 16
        let output = UnsafeMutableRawPointer.allocate(byteCount: outputBytes, alignment: 1)
        defer { output.deallocate() }
        stream.setInput(data)
        while true {
            stream.setOutput(output, count: outputBytes)
            switch stream.inflate() {
            case Z_OK:
                continue
            case Z_STREAM_END:
                guard stream.z.avail_in >= 2, stream.z.next_in[0] == 0x1F, stream.z.next_in[1] == 0x8B else {
                    return .soundTrailers
                }
                stream.reset()
            case Z_BUF_ERROR:
                return .soundTrailers // the input ends inside a member
            default:
                let message = stream.z.msg.map { String(cString: $0) }
                return message == "incorrect data check" || message == "incorrect length check" ? .wrongTrailer : .otherProblem
            }
        }
    }

    private static func looksLikeArray(_ data: UnsafeRawBufferPointer) -> Bool {
        if data.count >= 2 && data[0] == 0x1F && data[1] == 0x8B { return data[data.count - 1] & 1 == 1 }
        var i = data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? 3 : 0
        while i < data.count && JSONBytes.isWhitespace(data[i]) { i += 1 }
        return i < data.count && data[i] == UInt8(ascii: "[")
    }

    struct ScanOutcome: Equatable {
        var events: [Seen] = []
        var error: String?
        var skipped = 0
        var firstSkipped: MalformedEventLocation?

        var summary: String {
            "\(events.count) events, error \(error ?? "none"), \(skipped) skipped, first \(firstSkipped.map { "\($0.line): \($0.reason)" } ?? "none")"
        }
    }

    struct Seen: Equatable {
        let position: DumpPosition
        let length: Int
    }

    private static func scan(_ files: [DumpFile], threads: Int, chunkSize: Int, skipInvalid: Bool,
                             dump: FuzzDump) -> ScanOutcome {
        let visitors = (0..<threads).map { _ in CheckingVisitor() }
        var options = ScanOptions(skipInvalid: skipInvalid)
        options.chunkSize = chunkSize
        options.progress = ScanProgress()
        options.temporaryDirectory = dump.root
        var outcome = ScanOutcome()
        do {
            let scan = try DumpScanner.scan(files: files, visitors: visitors, options: options)
            let report = scan.report
            check(report.events == visitors.reduce(0) { $0 + $1.seen.count }, "report.events differs from the events visited")
            outcome.skipped = report.skipped
            outcome.firstSkipped = report.firstSkipped
            outcome.events = visitors.flatMap(\.seen).sorted { $0.position < $1.position }
            // Kept events read back as the writer reads them.
            let fetcher = scan.fetcher()
            var parser = EventParser()
            var event = Event()
            for visitor in visitors {
                guard (try? fetcher.load(visitor.kept)) != nil else { fail("a kept event cannot be read back") }
                for i in visitor.kept.indices {
                    do { _ = try parser.parse(fetcher.bytes(at: i), at: 0, into: &event) } catch {
                        fail("a kept event does not parse again: \(error)")
                    }
                }
            }
        } catch let error as DumpError {
            outcome.error = error.detail
        } catch {
            fail("scan threw a non-DumpError: \(error)")
        }
        return outcome
    }

    /// Checks every event the scan hands over and keeps it, as a selection keeps its candidate rows.
    final class CheckingVisitor: EventVisitor {
        var seen: [Seen] = []
        var kept: [KeptEvent] = []
        var parser = EventParser()
        var event = Event()

        func visit(_ visited: inout Event, bytes: UnsafeRawBufferPointer, position: DumpPosition) -> Bool {
            seen.append(Seen(position: position, length: bytes.count))
            check(visited[.timestamp].isPresent, "an event without a timestamp reached a visitor")
            do {
                let end = try parser.parse(bytes, at: 0, into: &event)
                check(end == bytes.count, "a visited event's bytes hold more than the event")
            } catch {
                fail("a visited event does not parse again: \(error)")
            }
            kept.append(KeptEvent(position: position, length: Int32(bytes.count)))
            return true
        }
    }
}

extension FuzzTargets {
    // MARK: - xlsx: ZipReader, XLSXReader, CSVReader (the `inspect` command)

    /// The input as a file given to `stepexport inspect` (read as xlsx when it starts like a zip,
    /// else as CSV): it prints rows or throws one of the readers' errors. Every entry of a zip is
    /// also streamed through `ZipReader`, which either reads it whole or throws `ZipReaderError`.
    public static func xlsxReader(_ data: UnsafeRawBufferPointer) {
        let path = FuzzDump.shared.write(data, at: "inspect.bin")
        defer { unlink(path) }
        do {
            let summary = try Inspect.run(path: path, output: MemorySink())
            check(summary.rows >= 0, "negative row count")
        } catch is ZipReaderError {
        } catch is XLSXReaderError {
        } catch is CSVReaderError {
        } catch {
            fail("inspect threw an unexpected error: \(type(of: error)) \(error)")
        }
        guard let zip = try? ZipReader(path: path) else { return }
        for entry in zip.entries {
            var produced: UInt64 = 0
            do {
                try zip.forEachChunk(entry) { chunk in produced += UInt64(chunk.count) }
                check(produced == entry.uncompressedSize, "entry \(entry.name) read as \(produced) bytes, declared \(entry.uncompressedSize)")
            } catch is ZipReaderError {
            } catch {
                fail("ZipReader threw an unexpected error: \(type(of: error)) \(error)")
            }
        }
    }
}

/// The scratch folder (a dump) the `dump` and `xlsx` targets write their input into, one per process.
final class FuzzDump: @unchecked Sendable {
    static let shared = FuzzDump()
    let root: String

    private init() {
        root = TemporaryFile.systemDirectory + "/stepexport-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: root + "/events", withIntermediateDirectories: true)
    }

    /// Writes `data` to `relativePath` under the scratch folder and returns its path.
    func write(_ data: UnsafeRawBufferPointer, at relativePath: String) -> String {
        let path = root + "/" + relativePath
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        check(fd >= 0, "cannot create \(path)")
        if let base = data.baseAddress { check(WholeWrite.write(fd, base, data.count) == nil, "cannot write \(path)") }
        close(fd)
        return path
    }
}

// MARK: - Helpers

/// Traps (a fuzzer finding) when `condition` is false, even in release builds.
@inline(__always)
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

func fail(_ message: String) -> Never {
    _ = WholeWrite.write(2, "fuzz invariant broken: \(message)\n")
    abort()
}

private func allWhitespace(_ data: UnsafeRawBufferPointer, from i: Int) -> Bool {
    var i = i
    while i < data.count { if !JSONBytes.isWhitespace(data[i]) { return false }; i += 1 }
    return true
}

func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}

extension FuzzTargets {
    // MARK: - catalog: Catalog.parse

    /// The input as `workflows.json`: a catalog or a one-line malformed-catalog error. A catalog
    /// has one workflow per array element, each found again by its id and organization in any
    /// case, and is the value parser's reading of the bytes (`Catalog.parseValues`); JSON that
    /// `JSONValue.parse` rejects is never a catalog.
    public static func catalogParser(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        let value = try? JSONValue.parse(bytes)
        do {
            let catalog = try Catalog.parse(bytes)
            check((try? Catalog.parseValues(bytes))?.workflows == catalog.workflows,
                  "the catalog reader and the value parser read different workflows")
            guard case .array(let entries)? = value else { fail("a catalog from what is not a JSON array") }
            check(catalog.workflows.count == entries.count, "\(catalog.workflows.count) workflows from \(entries.count) entries")
            for w in catalog.workflows {
                check(catalog.workflow(id: w.id.uppercased(), organizationID: w.organizationID.lowercased()) == w,
                      "workflow \(w.id) of \(w.organizationID) not found again")
            }
        } catch let error as DumpError {
            guard case .malformedCatalog(let reason) = error else { fail("a catalog error that is not malformedCatalog: \(error)") }
            check(!reason.isEmpty && !error.detail.utf8.contains(0x0A), "catalog error not one line: \(error.detail)")
            if value == nil { check(reason.hasPrefix("workflows.json is not valid JSON: "), "invalid JSON reported as \(reason)") }
        } catch {
            fail("Catalog.parse threw \(type(of: error)): \(error)")
        }
    }

    // MARK: - manifest: Batch.parseManifest and each job's request

    /// The input as a batch manifest: jobs or a manifest error. Each job of a manifest that
    /// parses is validated as `batch` validates it, answering a request or a 400/404 body, the
    /// same as its payload's bytes give; a job's output is never empty.
    public static func manifestParser(_ data: UnsafeRawBufferPointer) {
        let value = try? JSONValue.parse(data)
        do {
            let (_, jobs) = try Batch.parseManifest(Array(data))
            guard case .object(let root)? = value, case .array(let items)? = root["jobs"] else {
                fail("a manifest from what is not an object with a jobs array")
            }
            check(jobs.count == items.count, "\(jobs.count) jobs from \(items.count) items")
            for job in jobs {
                check(job.output.map { !$0.isEmpty } ?? true, "an empty output")
                let result = StepRequest.validate(organizationID: job.organizationID, workflowID: job.workflowID,
                                                  stepIndex: job.stepIndex, payload: job.payload)
                if case .failure(let error) = result {
                    check(error.status == 400 || error.status == 404, "job error with status \(error.status)")
                    check(!error.body.utf8.contains(0x0A), "a multi-line error body")
                }
            }
        } catch {
            check(!error.description.isEmpty && !error.description.utf8.contains(0x0A), "manifest error not one line: \(error)")
            if value == nil { check(error.description.hasPrefix("the manifest is not valid JSON: "), "invalid JSON reported as \(error)") }
        }
    }
}
