import Bytes
import EventDump
import Selection
import Threads
import Timestamps
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The runs of a `SpilledRuns` file read back for the merge after the scan, a buffer ahead: each
/// run has two buffers, the merging thread takes rows from one while a thread of its own
/// (`RunFiller`) fills the other (`pread`) and gives back the file's chunks read through
/// (`SpilledRuns.read`). The merge is the one part of a spilled export that runs on one core;
/// its reads and the hole punching were 19 ms of its 40 ms of CPU on 91 MB of rows
/// (`Benchmarks/README.md`), and the other core is idle then.
///
/// A buffer holds whole records only: the filler cuts each read after the last record that fits
/// and starts the next read there, so a row is never split between two buffers.
final class RunReaders {
    /// A reader per run, in the runs' order, each on its first row.
    let all: [RunReader]
    private let filler: RunFiller

    init(spill: SpilledRuns) throws {
        let filler = RunFiller(spill: spill)
        self.filler = filler
        // Two buffers a run within `mergeMemory`, each between 16 KiB and 512 KiB.
        let each = min(512 << 10, max(16 << 10, SpilledRuns.mergeMemory / max(1, 2 * spill.runs.count)))
        all = spill.runs.map { RunReader(filler: filler, range: $0, bufferBytes: each) }
        filler.start()
        for reader in all { try reader.begin() }
    }

    /// The filling thread stops (after the read it is in) whether the merge ended or failed,
    /// or a first read failed here (a class's `deinit` runs when its `init` throws after every
    /// property is set; `SpilledRunsTests` counts the threads).
    deinit { filler.stop() }
}

/// One run read back in order: the current buffer's records one by one, then the next buffer.
final class RunReader {
    private let filler: RunFiller
    private let run: RunFiller.Run
    private var current: RunFiller.Buffer
    private var next: RunFiller.Buffer
    /// The current row's record starts at `at` in `current`.
    private var at = 0
    /// The current row's key, nil once the run is over.
    private(set) var head: AnswerKey?
    private var rowLength = 0

    init(filler: RunFiller, range: Range<Int64>, bufferBytes: Int) {
        self.filler = filler
        run = RunFiller.Run(range)
        current = RunFiller.Buffer(capacity: bufferBytes)
        next = RunFiller.Buffer(capacity: bufferBytes)
    }

    /// Asks for both buffers and waits for the first.
    fileprivate func begin() throws {
        filler.fill(current, of: run)
        filler.fill(next, of: run)
        try filler.wait(for: current)
        load()
    }

    /// The current row's bytes (valid until `advance`).
    var row: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: current.storage + at + SpilledRuns.headerBytes, count: rowLength)
    }

    func advance() throws {
        at += SpilledRuns.headerBytes + rowLength
        if at == current.count {
            try filler.wait(for: next)
            swap(&current, &next)
            at = 0
            // An empty buffer is the run's end: nothing more to ask for.
            if current.count > 0 { filler.fill(next, of: run) }
        }
        load()
    }

    /// Reads the record at `at` into `head` (nil at the run's end: an empty buffer).
    private func load() {
        guard at < current.count else {
            head = nil
            return
        }
        let h = UnsafeRawPointer(current.storage + at)
        let millis = h.loadUnaligned(fromByteOffset: 0, as: Int64.self)
        let nanos = h.loadUnaligned(fromByteOffset: 8, as: Int32.self)
        rowLength = Int(h.loadUnaligned(fromByteOffset: 12, as: Int32.self))
        let position = h.loadUnaligned(fromByteOffset: 16, as: Int64.self)
        head = AnswerKey(timestamp: Timestamp(millis: millis, subMillisecondNanos: nanos), packedPosition: position)
    }
}

/// The thread that fills the readers' buffers, in the order they are asked for (the order the
/// merge empties them), and gives back what it has read.
final class RunFiller: @unchecked Sendable {
    /// A run's bytes not yet read (only the filling thread moves `next`).
    final class Run {
        var next: Int64
        let end: Int64
        init(_ range: Range<Int64>) {
            next = range.lowerBound
            end = range.upperBound
        }
    }

    /// Whole records of a run, `count` bytes (0: the run is over); the filling thread writes
    /// it between `fill` and the end of `wait(for:)`, the merging thread reads it after.
    final class Buffer {
        fileprivate(set) var storage: UnsafeMutableRawPointer
        fileprivate(set) var capacity: Int
        fileprivate(set) var count = 0
        /// Under the filler's condition.
        fileprivate var filled = true
        fileprivate var failure: Error?

        init(capacity: Int) {
            self.capacity = capacity
            storage = .allocate(byteCount: capacity, alignment: 8)
        }

        deinit { storage.deallocate() }

        /// Room for a record bigger than the buffer, the `kept` bytes read so far kept.
        fileprivate func grow(to n: Int, keeping kept: Int) {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 8)
            grown.copyMemory(from: storage, byteCount: kept)
            storage.deallocate()
            storage = grown
            capacity = n
        }
    }

    private let spill: SpilledRuns
    private let condition = Condition()
    private var queue: [(buffer: Buffer, run: Run)] = []
    private var stopping = false
    private var running = false

    init(spill: SpilledRuns) { self.spill = spill }

    func start() {
        condition.lock()
        running = true
        condition.unlock()
        Threads.start(name: "spill reader") { [self] in work() }
    }

    /// Asks for `buffer` to be filled with the next records of `run`.
    func fill(_ buffer: Buffer, of run: Run) {
        condition.lock()
        defer { condition.unlock() }
        buffer.filled = false
        buffer.failure = nil
        queue.append((buffer, run))
        condition.broadcast()
    }

    /// Waits until `buffer` is filled; throws what went wrong reading it.
    func wait(for buffer: Buffer) throws {
        condition.lock()
        while !buffer.filled { condition.wait() }
        let failure = buffer.failure
        condition.unlock()
        if let failure { throw failure }
    }

    /// Ends the thread after the read it is in; buffers not yet filled stay so.
    func stop() {
        condition.lock()
        stopping = true
        queue.removeAll()
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping { break }
            let (buffer, run) = queue.removeFirst()
            condition.unlock()
            var failure: Error?
            do {
                buffer.count = try read(into: buffer, from: run)
            } catch {
                failure = error
            }
            condition.lock()
            buffer.failure = failure
            buffer.filled = true
            condition.broadcast()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// Reads the next whole records of `run` into `buffer`; returns their bytes (0 at the end).
    private func read(into buffer: Buffer, from run: Run) throws -> Int {
        guard run.next < run.end else { return 0 }
        var got = try read(into: buffer, at: 0, count: min(buffer.capacity, Int(run.end - run.next)), from: run.next)
        var whole = 0
        while got - whole >= SpilledRuns.headerBytes {
            let rowBytes = Int(UnsafeRawPointer(buffer.storage + whole).loadUnaligned(fromByteOffset: 12, as: Int32.self))
            guard rowBytes >= 0 else { throw DumpError.unreadable(path: spill.name, reason: "a row's length is damaged") }
            let length = SpilledRuns.headerBytes + rowBytes
            if whole + length > got {
                // The first record is bigger than the buffer: make room for it and read the rest.
                if whole == 0 && run.next + Int64(length) <= run.end {
                    buffer.grow(to: length, keeping: got)
                    got += try read(into: buffer, at: got, count: length - got, from: run.next + Int64(got))
                    whole = length
                }
                break
            }
            whole += length
        }
        // Not even one record: the run ends inside it (a record cut short at the run's end
        // comes here too, as the first of the next read).
        if whole == 0 {
            throw DumpError.unreadable(path: spill.name, reason: "a run ends inside a row")
        }
        spill.read(run.next..<(run.next + Int64(whole)))
        run.next += Int64(whole)
        return whole
    }

    /// Reads `count` bytes at `offset` of the file into `buffer` from `at`.
    private func read(into buffer: Buffer, at: Int, count: Int, from offset: Int64) throws -> Int {
        var done = 0
        while done < count {
            let n = pread(spill.fd, buffer.storage + at + done, count - done, off_t(offset + Int64(done)))
            if n < 0 {
                if errno == EINTR { continue }
                throw DumpError.unreadable(path: spill.name, reason: errnoDescription())
            }
            if n == 0 { throw DumpError.unreadable(path: spill.name, reason: "the file is shorter than written") }
            done += n
        }
        return done
    }
}
