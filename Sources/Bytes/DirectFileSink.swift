import Threads
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a new regular file past the page cache (Linux `O_DIRECT`): the bytes are gathered in
/// chunks of `chunkBytes`, and a thread of its own writes each whole chunk at its offset while
/// the caller goes on producing the next. `finish()` writes the short last chunk through the
/// page cache and waits for everything; the caller then syncs and renames the file.
///
/// Why: an output is synced before it is renamed into place (`AtomicOutput`), so its bytes go to
/// the disk before the export ends whatever the writes look like. Through the page cache they
/// are first copied into memory the kernel has to find for them — new memory for every export,
/// which on a virtual machine whose host takes freed memory back costs about 3 µs a page on
/// first touch (`Benchmarks/README.md`, "Fresh memory"): a write-heavy export after another
/// program had freed its memory spent up to 0.4 s of system time there. Written directly, the
/// only copy is into a chunk buffer that is used again and again.
///
/// Where the file system refuses `O_DIRECT` (at `fcntl`, or `EINVAL` at the first write), the
/// same thread writes the chunks through the page cache instead, starting the disk writes as
/// the file grows (`sync_file_range`) so that the final sync has little left to wait for.
public final class DirectFileSink: OutputSink, @unchecked Sendable {
    /// `ChunkedWriter`'s chunks, so that each whole chunk it passes on fills one here.
    public static let chunkBytes = ChunkedWriter.chunkBytes
    /// Chunks in all: one being filled, the others queued or being written.
    static let chunkCount = 3
    /// What direct writes must be aligned to, in memory, in the file and in size: a multiple of
    /// every disk's logical block size.
    static let alignment = 4096
    /// Through the page cache: bytes after which the disk writes are started.
    static let flushBehindBytes: Int64 = 8 << 20

    private let fd: Int32
    private let path: String
    /// The chunk being filled, and how much of it is.
    private var current: UnsafeMutableRawPointer
    private var filled = 0
    /// The file offset of `current`'s first byte.
    private var offset: Int64 = 0
    /// Whether the writing thread was started. Only a flag: the thread's closure holds the sink
    /// until it ends, so the sink must not hold the thread (that cycle once leaked every output).
    private var writerStarted = false

    // Shared with the writing thread, under `condition`.
    private let condition = Condition()
    private var free: [UnsafeMutableRawPointer] = []
    private var queue: [(chunk: UnsafeMutableRawPointer, offset: Int64)] = []
    private var failure: OutputError?
    private var direct: Bool
    private var stopping = false
    private var writing = false
    private var writerRunning = false

    /// The writing thread's own: through the page cache, where the bytes not yet handed to the
    /// disk begin.
    private var unflushed: Int64 = 0

    /// `fd`: a regular file opened for writing, empty. `tryDirect: false` writes through the page
    /// cache (tests).
    public init(fd: Int32, path: String, tryDirect: Bool = true) {
        self.fd = fd
        self.path = path
        direct = tryDirect && DirectFileSink.turnDirect(fd, on: true)
        // The other chunks only once one is full: most outputs of a batch are smaller.
        current = DirectFileSink.newChunk()
    }

    private static func newChunk() -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: chunkBytes, alignment: alignment)
    }

    deinit {
        stop()
        current.deallocate()
        for chunk in free { chunk.deallocate() }
    }

    /// Whether chunks are being written past the page cache (false once refused).
    public var writesDirect: Bool {
        condition.lock()
        defer { condition.unlock() }
        return direct
    }

    /// Pieces are copied into the chunk being filled, whatever their size.
    public var gathersPieces: Bool { true }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let take = min(left, DirectFileSink.chunkBytes - filled)
            memcpy(current + filled, p, take)
            filled += take
            p += take
            left -= take
            if filled == DirectFileSink.chunkBytes { try handOver() }
        }
    }

    /// Writes the last, short chunk and waits for every write; throws the first failure.
    public func finish() throws {
        condition.lock()
        while !queue.isEmpty || writing { condition.wait() }
        let failed = failure
        let wasDirect = direct
        condition.unlock()
        stop()
        if let failed { throw failed }
        guard filled > 0 else { return }
        // The last chunk is not a whole one: O_DIRECT would refuse its size.
        if wasDirect { _ = DirectFileSink.turnDirect(fd, on: false) }
        if let code = WholeWrite.write(fd, current, filled, at: offset) {
            throw OutputError(path: path, reason: errnoDescription(code))
        }
        offset += Int64(filled)
        filled = 0
    }

    /// Stops the writing thread, dropping what it has not written (an abandoned output); the
    /// descriptor may be closed after it.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while writerRunning { condition.wait() }
        condition.unlock()
    }

    /// Queues the full chunk and takes a free one, waiting if none is.
    private func handOver() throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        queue.append((current, offset))
        offset += Int64(DirectFileSink.chunkBytes)
        filled = 0
        if !writerStarted { startWriter() }
        condition.broadcast()
        // After a failure too, `current` must be a chunk of its own again: the queued one is
        // back among the free ones once the writing thread has dropped it.
        while free.isEmpty { condition.wait() }
        current = free.removeLast()
        if let failure { throw failure }
    }

    private func startWriter() {
        free = (1..<DirectFileSink.chunkCount).map { _ in DirectFileSink.newChunk() }
        writerRunning = true
        writerStarted = true
        Threads.start(name: "output writer") { [self] in writeQueued() }
    }

    /// The writing thread: writes queued chunks in order until stopped.
    private func writeQueued() {
        condition.lock()
        while true {
            while queue.isEmpty && !stopping { condition.wait() }
            if stopping { break }
            let (chunk, at) = queue.removeFirst()
            writing = true
            let direct = self.direct
            condition.unlock()
            let outcome = writeChunk(chunk, at: at, direct: direct)
            condition.lock()
            writing = false
            switch outcome {
            case .written: break
            case .refused: self.direct = false
            case .failed(let error): failure = failure ?? error
            }
            free.append(chunk)
            condition.broadcast()
            if failure != nil { break }
        }
        // Stopped or failed: what was queued is dropped.
        free.append(contentsOf: queue.map(\.chunk))
        queue.removeAll()
        writerRunning = false
        condition.broadcast()
        condition.unlock()
    }

    private enum Outcome { case written, refused, failed(OutputError) }

    private func writeChunk(_ chunk: UnsafeMutableRawPointer, at: Int64, direct: Bool) -> Outcome {
        var refused = false
        if direct {
            let n = pwrite(fd, chunk, DirectFileSink.chunkBytes, off_t(at))
            if n == DirectFileSink.chunkBytes { return .written }
            // EINVAL: this file system takes no direct writes after all. A short or failed
            // write: the page cache path below writes the chunk again, or reports the error.
            refused = n < 0 && errno == EINVAL
            if refused { _ = DirectFileSink.turnDirect(fd, on: false) }
        }
        if let code = WholeWrite.write(fd, chunk, DirectFileSink.chunkBytes, at: at) {
            return .failed(OutputError(path: path, reason: errnoDescription(code)))
        }
        let end = at + Int64(DirectFileSink.chunkBytes)
        if end - unflushed >= DirectFileSink.flushBehindBytes {
            // Asynchronous: it only queues the range for writing; the final sync reports any failure.
            _ = GNUCalls.syncFileRange?(fd, unflushed, end - unflushed, GNUCalls.syncFileRangeWrite)
            unflushed = end
        }
        return refused ? .refused : .written
    }

    /// Sets or clears `O_DIRECT` on `fd`; false where that is refused (and off Linux).
    private static func turnDirect(_ fd: Int32, on: Bool) -> Bool {
        guard let flag = GNUCalls.directIO else { return false }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0 else { return false }
        return fcntl(fd, F_SETFL, on ? flags | flag : flags & ~flag) == 0
    }
}
