import Bytes
import Dispatch
import EventDump
import Events
import FoundationEssentials
import Selection
import Table
import Threads

/// The writing stage's heavy part — reading each answer row's event back, parsing it, rendering
/// its cells and encoding them — spread over threads. The answer rows are cut into batches in
/// answer order; workers render whole batches into bytes, and the calling thread hands the
/// batches to the writer strictly in order. Each batch's bytes depend only on its rows, so the
/// output is the same whatever the thread count. With no workers the caller renders each batch
/// itself, one after the other.
///
/// Memory is bounded: at most `inFlight` batches exist, each at most `batchRows` rows or
/// `batchEventBytes` of events (a row's bytes are at most about twice its event's), whichever
/// comes first; and once the batches in flight hold more than `pendingEventBytes` of events,
/// the writing thread waits for them before going on — so huge events (up to 64 MiB each) go
/// through one at a time.
final class RowPipeline: @unchecked Sendable {
    static let batchRows = 1024
    static let batchEventBytes = 4 << 20
    static let pendingEventBytes = 16 << 20

    final class Batch {
        var rows: [KeptEvent] = []
        private(set) var eventBytes = 0
        let bytes = ByteBuffer(capacity: 1 << 20)
        var error: Error?
        /// Set, under the pipeline's lock, once the bytes are ready.
        var done = false

        init() { rows.reserveCapacity(RowPipeline.batchRows) }

        /// Adds a row; returns whether the batch is full.
        func add(_ row: KeptEvent) -> Bool {
            rows.append(row)
            eventBytes += Int(row.length)
            return rows.count == RowPipeline.batchRows || eventBytes >= RowPipeline.batchEventBytes
        }

        func clear() {
            rows.removeAll(keepingCapacity: true)
            eventBytes = 0
        }
    }

    /// What one thread needs to render rows: its own file windows, parser and cell buffer.
    private struct Renderer {
        let fetcher: EventFetcher
        let renderer: RowRenderer
        let encoder: RowEncoding
        var parser = EventParser()
        var event = Event()
        let cells = RowCells()

        mutating func render(_ batch: Batch) {
            batch.bytes.removeAll()
            do {
                try fetcher.load(batch.rows)
                for i in batch.rows.indices {
                    let bytes = fetcher.bytes(at: i)
                    do {
                        _ = try parser.parse(bytes, at: 0, into: &event)
                    } catch {
                        // It parsed during the scan: the file must have changed since.
                        throw DumpError.unreadable(path: "the dump", reason: "an event file changed during the export")
                    }
                    renderer.render(event, bytes: bytes, into: cells)
                    encoder.encode(cells, into: batch.bytes)
                }
            } catch {
                batch.error = error
            }
        }
    }

    private let makeRenderer: () -> Renderer
    private let workers: Int
    private let inFlight: Int
    private let condition = Condition()
    /// Batches waiting for a worker, oldest first.
    private var queue: [Batch] = []
    private var stopping = false
    private let finished = DispatchGroup()

    /// `scan`: the scan that kept the rows' events. `workers`: rendering threads besides the
    /// caller (0: the caller renders).
    init(scan: DumpScan, renderer: RowRenderer, workers: Int, makeEncoder: @escaping () -> RowEncoding) {
        makeRenderer = {
            Renderer(fetcher: scan.fetcher(), renderer: renderer, encoder: makeEncoder())
        }
        self.workers = max(0, workers)
        inFlight = 2 * self.workers + 2
    }

    /// Renders the selection's answer rows, in order, passing each batch to `write` with its row count.
    func run(_ selection: Selection, write: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        if workers == 0 { return try runHere(selection, write: write) }
        for _ in 0..<workers {
            finished.enter()
            Threads.start(name: "row rendering") { [self] in
                work()
                finished.leave()
            }
        }
        defer {
            condition.lock()
            stopping = true
            condition.broadcast()
            condition.unlock()
            finished.wait()
        }
        var free = (0..<inFlight).map { _ in Batch() }
        var pending: [Batch] = []  // submitted, in answer order
        var pendingBytes = 0       // their events' bytes
        var current = free.removeLast()

        func writeOldest() throws {
            let batch = pending.removeFirst()
            pendingBytes -= batch.eventBytes
            condition.lock()
            while !batch.done { condition.wait() }
            condition.unlock()
            if let error = batch.error { throw error }
            try write(batch.bytes.readable, batch.rows.count)
            batch.clear()
            batch.done = false
            free.append(batch)
        }
        func submit() throws {
            condition.lock()
            queue.append(current)
            condition.signal()
            condition.unlock()
            pending.append(current)
            pendingBytes += current.eventBytes
            while free.isEmpty || (pendingBytes > RowPipeline.pendingEventBytes && !pending.isEmpty) {
                try writeOldest()
            }
            current = free.removeLast()
        }

        try selection.forEachRow { row in
            if current.add(row) { try submit() }
        }
        if !current.rows.isEmpty { try submit() }
        while !pending.isEmpty { try writeOldest() }
    }

    private func runHere(_ selection: Selection, write: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        var renderer = makeRenderer()
        let batch = Batch()
        func flush() throws {
            renderer.render(batch)
            if let error = batch.error { throw error }
            try write(batch.bytes.readable, batch.rows.count)
            batch.clear()
        }
        try selection.forEachRow { row in
            if batch.add(row) { try flush() }
        }
        if !batch.rows.isEmpty { try flush() }
    }

    /// A worker: renders queued batches until the pipeline stops.
    private func work() {
        var renderer = makeRenderer()
        condition.lock()
        while true {
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping { break }
            let batch = queue.removeFirst()
            condition.unlock()
            renderer.render(batch)
            condition.lock()
            batch.done = true
            condition.broadcast()
        }
        condition.unlock()
    }
}
