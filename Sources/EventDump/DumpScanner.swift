import Foundation
import Events

public struct ScanOptions: Sendable {
    /// Skip malformed events (counted and reported) instead of failing (SPEC §9).
    public var skipInvalid = false
    /// Bytes per NDJSON chunk handed to a scanning thread (about; chunks end at a newline).
    public var chunkSize = 4 << 20

    public init(skipInvalid: Bool = false) { self.skipInvalid = skipInvalid }
}

/// What a finished scan saw.
public struct ScanReport: Sendable {
    public var events = 0
    public var skipped = 0
    public var firstSkipped: MalformedEventLocation?

    public init() {}
}

/// Reads every event of a dump once, in parallel: the calling thread reads (and inflates) the
/// files in dump order and cuts them into chunks; one thread per visitor parses chunks and
/// hands each well-formed event to its own visitor, which keeps what it needs through the
/// thread's `EventStore` (`stores[i]` serves `visitors[i]`).
public enum DumpScanner {
    public static func scan<V: EventVisitor>(files: [DumpFile], visitors: [V], stores: [EventStore],
                                             options: ScanOptions) throws -> ScanReport {
        precondition(!visitors.isEmpty && visitors.count == stores.count)
        let errors = ScanErrors(skipInvalid: options.skipInvalid)
        let queue = WorkQueue<ScanTask>(capacity: visitors.count * 2)
        // Enough buffers for the queue, one per scanning thread and the one being filled.
        let pool = ChunkBuffers(size: 2 * options.chunkSize, limit: visitors.count * 3 + 2)
        let counts = EventCounts()
        let group = DispatchGroup()
        for (visitor, store) in zip(visitors, stores) {
            group.enter()
            let thread = Thread {
                var lines = LineScanner(visitor: visitor, store: store, errors: errors)
                var arrayEvents = 0
                while let task = queue.pop() {
                    switch task {
                    case .lines(let chunk):
                        lines.scan(chunk)
                    case .jsonArray(let index):
                        var reader = JSONArrayScanner(file: files[Int(index)], index: index, visitor: visitor, store: store,
                                                      errors: errors)
                        reader.run()
                        arrayEvents += reader.events
                    }
                }
                counts.add(lines.events + arrayEvents)
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for (i, file) in files.enumerated() {
            let index = Int32(i)
            if errors.currentCutoff() < DumpPosition(file: index, offset: 0) { break }
            if file.isJSONArray {
                queue.push(.jsonArray(file: index))
                continue
            }
            do {
                try LineChunker(file: file, index: index, pool: pool, errors: errors).run(push: queue.push)
            } catch let error as DumpError {
                errors.recordFatal(error, at: DumpPosition(file: index, offset: 0))
            }
        }
        queue.close()
        group.wait()
        if let failure = errors.failure(files: files) { throw failure }
        for store in stores { try store.finishWriting() }
        var report = ScanReport()
        report.events = counts.total
        report.skipped = errors.skipped
        report.firstSkipped = errors.firstSkipped(files: files)
        return report
    }
}

private final class EventCounts: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var total = 0
    func add(_ n: Int) { lock.lock(); total += n; lock.unlock() }
}
