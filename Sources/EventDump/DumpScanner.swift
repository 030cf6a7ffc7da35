import Bytes
import Dispatch
import Events
import FoundationEssentials
import Threads

public struct ScanOptions: Sendable {
    /// Skip malformed events (counted and reported) instead of failing (SPEC §9).
    public var skipInvalid = false
    /// Bytes per chunk handed to a scanning thread (about; chunks end at a newline, or after an
    /// element of a `.json` array).
    /// 512 KiB: against 2 MiB, the reading thread's copy out of the page cache lands in buffers
    /// the cache still holds (its share of a path scan's samples 22 → 12 %), and peak memory is
    /// 6–13 MiB lower; with the deeper queue below as fast or faster on every layout
    /// (Benchmarks/README.md, "Smaller chunks").
    public var chunkSize = 512 << 10
    /// Counts the bytes read so far, for a progress display (nil: not counted).
    public var progress: ScanProgress?
    /// Asked before each event file: true ends the scan with `ScanStopped` (a server's client went away).
    public var shouldStop: (@Sendable () -> Bool)?
    /// Where the spool files go: the kept events of gzip files, read again after the scan.
    public var temporaryDirectory = TemporaryFile.systemDirectory

    public init(skipInvalid: Bool = false) { self.skipInvalid = skipInvalid }
}

/// A scan ended early because `ScanOptions.shouldStop` said so; nothing it read is an answer.
public struct ScanStopped: Error {}

/// What a finished scan saw.
public struct ScanReport: Sendable {
    public var events = 0
    public var skipped = 0
    public var firstSkipped: MalformedEventLocation?

    public init() {}
}

/// Reads every event of a dump once, in parallel: the calling thread reads (and inflates) the
/// files in dump order and cuts them into chunks; one thread per visitor parses chunks and
/// hands each well-formed event to its own visitor. The events a visitor keeps stay readable
/// through the thread's `EventStore`, which the returned `DumpScan` owns.
public enum DumpScanner {
    public static func scan<V: EventVisitor>(files: [DumpFile], visitors: [V], options: ScanOptions) throws -> DumpScan {
        precondition(!visitors.isEmpty)
        let stores = visitors.indices.map { EventStore(index: $0, temporaryDirectory: options.temporaryDirectory) }
        let errors = ScanErrors(skipInvalid: options.skipInvalid)
        // Four chunks a thread queued: with one, the threads waited on each other at every small
        // chunk (the 1.6M-event path scan 7 % slower, in context switches).
        let queue = WorkQueue<(number: Int, task: ScanTask)>(capacity: 4 * visitors.count)
        // Enough buffers for the queue, one per scanning thread and the one being filled.
        let pool = ChunkBuffers(size: 2 * options.chunkSize, limit: visitors.count * 5 + 2)
        let counts = EventCounts()
        let group = DispatchGroup()
        for (visitor, store) in zip(visitors, stores) {
            group.enter()
            Threads.start(name: "scan", stackBytes: 8 << 20) {
                var scanner = ChunkScanner(visitor: visitor, store: store, errors: errors)
                while let (number, task) = queue.pop() {
                    visitor.beginTask(number)
                    switch task {
                    case .lines(let chunk): scanner.scan(chunk)
                    case .elements(let elements): scanner.scan(elements)
                    }
                    visitor.endTask(number)
                }
                counts.add(scanner.events)
                group.leave()
            }
        }
        var tasks = 0
        func push(_ task: ScanTask) {
            queue.push((tasks, task))
            tasks += 1
        }
        /// `push`, telling the progress of the stream bytes handed out.
        func pushCounted(_ task: ScanTask) {
            switch task {
            case .lines(let chunk): options.progress?.add(bytes: Int64(chunk.count))
            case .elements(let elements): options.progress?.add(bytes: Int64(elements.chunk.count))
            }
            push(task)
        }
        var stopped = false
        var gzipChecks: [(index: Int32, check: GzipCheck, streamBytes: Int64)] = []
        for (i, file) in files.enumerated() {
            let index = Int32(i)
            if options.shouldStop?() == true { stopped = true; break }
            if errors.currentCutoff() < DumpPosition(file: index, offset: 0) { break }
            do {
                let gzip = file.isJSONArray
                    ? try ArrayChunker(file: file, index: index, pool: pool, errors: errors, progress: options.progress)
                        .run(push: pushCounted)
                    : try LineChunker(file: file, index: index, pool: pool, progress: options.progress).run(push: pushCounted)
                if let (check, streamBytes) = gzip { gzipChecks.append((index, check, streamBytes)) }
            } catch let error as DumpError {
                errors.recordFatal(error, at: DumpPosition(file: index, offset: 0))
            }
        }
        queue.close()
        group.wait()
        if stopped { throw ScanStopped() }
        // Every chunk is scanned, so every CRC piece is in.
        for (index, check, streamBytes) in gzipChecks {
            if let problem = check.problem(streamBytes: streamBytes) {
                errors.recordFatal(.corruptGzip(path: files[Int(index)].relativePath, reason: problem),
                                   at: DumpPosition(file: index, offset: 0))
            }
        }
        if let failure = errors.failure(files: files) { throw failure }
        for store in stores { try store.finishWriting() }
        var report = ScanReport()
        report.events = counts.total
        report.skipped = errors.skipped
        report.firstSkipped = errors.firstSkipped(files: files)
        return DumpScan(report: report, files: files, stores: stores)
    }
}

/// How much of the dump a scan has read: the event files' bytes (after decompression) handed to
/// the parsing threads so far — per NDJSON chunk, per whole `.json` file — and the bytes read
/// from the files as they lie on disk (compressed bytes for gzip), which a progress display
/// measures against the files' sizes. Read from any thread (a progress display polls it); the
/// scan adds to it a few times per 4 MiB.
public final class ScanProgress: @unchecked Sendable {
    private let lock = Lock()
    private var total: Int64 = 0
    private var onDisk: Int64 = 0

    public init() {}

    public var bytes: Int64 {
        lock.lock(); defer { lock.unlock() }
        return total
    }

    /// Bytes read from the event files on disk (for gzip files, compressed bytes).
    public var fileBytes: Int64 {
        lock.lock(); defer { lock.unlock() }
        return onDisk
    }

    public func add(bytes n: Int64) {
        lock.lock(); total += n; lock.unlock()
    }

    func add(fileBytes n: Int64) {
        lock.lock(); onDisk += n; lock.unlock()
    }
}

/// Tells a scan's progress of the file bytes a chunker's source has read since the last report.
struct FileBytesReporter {
    let source: ByteSource
    let progress: ScanProgress?
    private var reported: Int64 = 0

    init(source: ByteSource, progress: ScanProgress?) {
        self.source = source
        self.progress = progress
    }

    mutating func report() {
        progress?.add(fileBytes: source.fileBytes - reported)
        reported = source.fileBytes
    }
}

private final class EventCounts: @unchecked Sendable {
    private let lock = Lock()
    private(set) var total = 0
    func add(_ n: Int) { lock.lock(); total += n; lock.unlock() }
}
