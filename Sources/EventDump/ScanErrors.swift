import FoundationEssentials
import Threads

/// Collects what went wrong during a scan from every thread, keeping what SPEC §9 reports: the
/// first problem in dump order, and (with `--skip-invalid`) how many events were skipped.
final class ScanErrors: @unchecked Sendable {
    /// A malformed event, located by chunk until the scan knows every chunk's line count.
    struct EventProblem {
        let position: DumpPosition
        let chunkOrdinal: Int
        /// For NDJSON: 0-based line within the chunk; for `.json`: the absolute 0-based line.
        let lineInChunk: Int
        let reason: String
    }

    private let lock = Lock()
    private var firstEvent: EventProblem?
    private var firstFatal: (position: DumpPosition, error: DumpError)?
    private(set) var skipped = 0
    /// Newlines in each chunk of each NDJSON file, to turn chunk lines into file lines.
    private var newlines: [Int32: [Int: Int]] = [:]

    /// The position past which nothing matters any more (a fatal error, or without
    /// `--skip-invalid` any error): work beyond it can be dropped.
    private(set) var cutoff = DumpPosition(file: .max, offset: .max)

    let skipInvalid: Bool

    init(skipInvalid: Bool) { self.skipInvalid = skipInvalid }

    func recordEvent(_ problem: EventProblem) {
        lock.lock(); defer { lock.unlock() }
        skipped += 1
        if firstEvent.map({ problem.position < $0.position }) ?? true { firstEvent = problem }
        if !skipInvalid && problem.position < cutoff { cutoff = problem.position }
    }

    /// A problem no flag can skip: an unreadable file or a corrupt gzip stream (at the file's
    /// start: it outranks the file's malformed events), or a broken array (where it is).
    func recordFatal(_ error: DumpError, at position: DumpPosition) {
        lock.lock(); defer { lock.unlock() }
        if firstFatal.map({ position < $0.position }) ?? true { firstFatal = (position, error) }
        if position < cutoff { cutoff = position }
    }

    func recordNewlines(file: Int32, chunk: Int, count: Int) {
        lock.lock(); defer { lock.unlock() }
        newlines[file, default: [:]][chunk] = count
    }

    func currentCutoff() -> DumpPosition {
        lock.lock(); defer { lock.unlock() }
        return cutoff
    }

    /// The error that fails the scan, if any: the first fatal problem or (without
    /// `--skip-invalid`) malformed event, whichever comes first in dump order.
    func failure(files: [DumpFile]) -> DumpError? {
        let event = firstEvent.map { (position: $0.position, error: DumpError.malformedEvent(locate($0, files))) }
        var candidates = [firstFatal].compactMap { $0 }
        if !skipInvalid, let event { candidates.append(event) }
        return candidates.min { $0.position < $1.position }?.error
    }

    /// The first skipped event, located.
    func firstSkipped(files: [DumpFile]) -> MalformedEventLocation? {
        firstEvent.map { locate($0, files) }
    }

    private func locate(_ p: EventProblem, _ files: [DumpFile]) -> MalformedEventLocation {
        let file = files[Int(p.position.file)]
        var line = p.lineInChunk
        if !file.isJSONArray, let counts = newlines[p.position.file] {
            for (ordinal, count) in counts where ordinal < p.chunkOrdinal { line += count }
        }
        return MalformedEventLocation(file: file.relativePath, line: line + 1, reason: p.reason)
    }
}
