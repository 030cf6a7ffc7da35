import Bytes
import CZlib
import FoundationEssentials
import Threads

/// Errors of the zip writer. (Named for the writer so the reader's own error type can sit beside it.)
public enum ZipWriterError: Error, CustomStringConvertible {
    /// zlib refused a call: which call and its return code.
    case zlib(String, Int32)
    /// A file system call on a spool file failed.
    case spool(String, String)
    /// A misuse of the writer's API (e.g. an entry finished twice).
    case usage(String)

    public var description: String {
        switch self {
        case let .zlib(call, code): return "zlib \(call) failed (\(code))"
        case let .spool(what, reason): return "spool file: \(what): \(reason)"
        case let .usage(what): return "zip writer misuse: \(what)"
        }
    }
}

// MARK: - One zlib raw-deflate state

/// A zlib level and, optionally, its match search retuned (`deflateTune`: the lengths at which
/// a match is good enough to search less, short enough to insert all its strings, long enough
/// to stop searching; and the longest hash chain searched).
public struct DeflateSettings: Sendable {
    public var level: Int32
    public var tuning: (goodLength: Int32, maxLazy: Int32, niceLength: Int32, maxChain: Int32)?

    public init(level: Int32, tuning: (goodLength: Int32, maxLazy: Int32, niceLength: Int32, maxChain: Int32)? = nil) {
        self.level = level
        self.tuning = tuning
    }
}

/// A zlib raw-deflate stream (window bits -15: no zlib header or trailer, as zip wants), reset and
/// reused for chunk after chunk.
final class RawDeflater {
    private var stream = z_stream()
    private var live = false
    private let settings: DeflateSettings

    init(_ settings: DeflateSettings) throws {
        self.settings = settings
        let rc = deflateInit2_(&stream, settings.level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw ZipWriterError.zlib("deflateInit2", rc) }
        live = true
    }

    deinit { if live { deflateEnd(&stream) } }

    /// Compresses `input` as one chunk of a chunked stream, appending to `output`: a fresh state
    /// primed with `dictionary` (the ≤ 32 KiB of input just before this chunk), ended by a sync
    /// flush (byte-aligned, not final) or, when `final`, by the stream's final block.
    ///
    /// The bytes depend only on (settings, dictionary, input, final): never on which thread runs it
    /// or on what the state compressed before.
    func compress(_ input: UnsafeRawBufferPointer, dictionary: UnsafeRawBufferPointer,
                  final: Bool, into output: ByteBuffer) throws {
        var rc = deflateReset(&stream)
        guard rc == Z_OK else { throw ZipWriterError.zlib("deflateReset", rc) }
        // deflateReset puts the level's own search parameters back.
        if let t = settings.tuning {
            rc = deflateTune(&stream, t.goodLength, t.maxLazy, t.niceLength, t.maxChain)
            guard rc == Z_OK else { throw ZipWriterError.zlib("deflateTune", rc) }
        }
        if let d = dictionary.baseAddress, dictionary.count > 0 {
            rc = deflateSetDictionary(&stream, d.assumingMemoryBound(to: Bytef.self), uInt(dictionary.count))
            guard rc == Z_OK else { throw ZipWriterError.zlib("deflateSetDictionary", rc) }
        }
        stream.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.avail_in = uInt(input.count)
        // deflateBound covers Z_FINISH; a sync flush adds at most an empty stored block.
        var room = Int(deflateBound(&stream, uLong(input.count))) + 64
        let flush = final ? Z_FINISH : Z_SYNC_FLUSH
        while true {
            let out = output.reserve(room)
            stream.next_out = out
            stream.avail_out = uInt(room)
            rc = deflate(&stream, flush)
            let produced = room - Int(stream.avail_out)
            output.commit(produced)
            if final {
                if rc == Z_STREAM_END { break }
                guard rc == Z_OK || rc == Z_BUF_ERROR else { throw ZipWriterError.zlib("deflate", rc) }
            } else {
                guard rc == Z_OK || rc == Z_BUF_ERROR else { throw ZipWriterError.zlib("deflate", rc) }
                // A sync flush is complete once deflate returns with output space left over.
                if stream.avail_out > 0 && stream.avail_in == 0 { break }
            }
            room = max(room, 64 * 1024)
        }
        stream.next_in = nil
        stream.next_out = nil
    }
}

/// CRC-32 through zlib.
enum ZipWriterCRC {
    /// `crc` extended over `bytes`.
    @inline(__always) static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return crc }
        var c = uLong(crc)
        var p8 = p.assumingMemoryBound(to: Bytef.self)
        var left = bytes.count
        while left > 0 { // crc32 takes a 32-bit length
            let n = min(left, 1 << 30)
            c = crc32(c, p8, uInt(n))
            p8 += n
            left -= n
        }
        return UInt32(truncatingIfNeeded: c)
    }

    /// The CRC-32 of A followed by B, from the CRCs of A and B and B's length.
    @inline(__always) static func combine(_ a: UInt32, _ b: UInt32, _ lengthOfB: Int64) -> UInt32 {
        UInt32(truncatingIfNeeded: crc32_combine(uLong(a), uLong(b), .init(lengthOfB)))
    }
}

// MARK: - Chunked (pigz-style) deflate

/// One chunk of input and, once compressed, its deflate bytes and CRC.
final class DeflateChunk {
    let input: ByteBuffer
    let dictionary: ByteBuffer
    let output: ByteBuffer
    var final = false
    var crc: UInt32 = 0
    var error: Error?
    var done = false

    init(capacity: Int) {
        input = ByteBuffer(capacity: capacity + 4096)
        dictionary = ByteBuffer(capacity: ChunkedDeflateStream.window)
        output = ByteBuffer(capacity: capacity / 2 + 4096)
    }

    func reset() {
        input.removeAll(); dictionary.removeAll(); output.removeAll()
        final = false; crc = 0; error = nil; done = false
    }

    /// Compresses this chunk with `deflater` (on whatever thread calls it).
    func run(_ deflater: RawDeflater) {
        crc = ZipWriterCRC.update(0, input.readable)
        do {
            try deflater.compress(input.readable, dictionary: dictionary.readable, final: final, into: output)
        } catch {
            self.error = error
        }
    }
}

/// Threads that compress chunks handed to them. Results are collected by the submitter, in order.
final class DeflateWorkers: @unchecked Sendable {
    private let condition = Condition()
    private var queue: [DeflateChunk] = []
    private var queueHead = 0
    private var stopping = false
    private var alive = 0
    private var startError: Error?

    init(threads: Int, settings: DeflateSettings) throws {
        alive = threads
        for _ in 0..<threads {
            Threads.start(name: "zip-deflate") { [self] in self.work(settings) }
        }
    }

    private func work(_ settings: DeflateSettings) {
        let deflater: RawDeflater
        do {
            deflater = try RawDeflater(settings)
        } catch {
            condition.lock()
            startError = error
            alive -= 1
            condition.broadcast()
            condition.unlock()
            return
        }
        while true {
            condition.lock()
            while queueHead == queue.count && !stopping { condition.wait() }
            if queueHead == queue.count {
                alive -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let chunk = queue[queueHead]
            queueHead += 1
            if queueHead > 64 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            condition.unlock()
            chunk.run(deflater)
            condition.lock()
            chunk.done = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Whether a worker has finished `chunk` (read under the lock the workers set it under).
    func isDone(_ chunk: DeflateChunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return chunk.done
    }

    func submit(_ chunk: DeflateChunk) throws {
        condition.lock()
        defer { condition.unlock() }
        if let e = startError { throw e }
        queue.append(chunk)
        condition.signal()
    }

    /// Waits until `chunk` is compressed.
    func wait(for chunk: DeflateChunk) throws {
        condition.lock()
        defer { condition.unlock() }
        while !chunk.done {
            if let e = startError, alive == 0 { throw e }
            condition.wait()
        }
    }

    /// Lets the threads finish what is queued and end; returns once they have.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while alive > 0 { condition.wait() }
        condition.unlock()
    }
}

/// A raw deflate stream cut into fixed-size chunks, pigz's way: chunk *i* is compressed on its own,
/// primed with the last 32 KiB of chunk *i−1* as dictionary, and ends with a sync flush (the last
/// chunk ends the stream). Chunks can therefore be compressed in parallel, and since the cut points
/// depend only on `chunkSize`, the bytes are the same whatever the thread count (0 threads =
/// compress on the caller's thread). CRCs are computed per chunk and joined with `crc32_combine`.
///
/// Input is appended to `buffer` (re-read it after each `flushFullChunks()`, which may swap it) or
/// passed to `write`. Compressed bytes go, in order, to `output`.
final class ChunkedDeflateStream {
    static let window = 32 * 1024

    let chunkSize: Int
    private let settings: DeflateSettings
    private let output: (UnsafeRawBufferPointer) throws -> Void
    private let workers: DeflateWorkers?
    private let maxInFlight: Int
    private var inline: RawDeflater?
    private var inFlight: [DeflateChunk] = []
    private var spare: [DeflateChunk] = []
    private var current: DeflateChunk
    /// Input tail of the previous chunk (the next chunk's dictionary).
    private let previousTail: ByteBuffer

    private(set) var crc: UInt32 = 0
    private(set) var uncompressedSize: Int64 = 0
    private(set) var compressedSize: Int64 = 0
    private(set) var finished = false

    /// Where to append input.
    var buffer: ByteBuffer { current.input }

    /// `threads`: worker threads (0: compress on the caller's thread).
    init(settings: DeflateSettings, chunkSize: Int, threads: Int,
         output: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        precondition(chunkSize >= ChunkedDeflateStream.window)
        self.settings = settings
        self.chunkSize = chunkSize
        self.output = output
        self.current = DeflateChunk(capacity: chunkSize)
        self.previousTail = ByteBuffer(capacity: ChunkedDeflateStream.window)
        if threads >= 1 {
            workers = try DeflateWorkers(threads: threads, settings: settings)
            maxInFlight = threads * 2 + 1
        } else {
            workers = nil
            maxInFlight = 1
        }
    }

    deinit { workers?.stop() }

    /// Appends input bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while !rest.isEmpty {
            let room = chunkSize - current.input.count
            if room <= 0 { try flushFullChunks(); continue }
            let n = min(room, rest.count)
            current.input.append(UnsafeRawBufferPointer(rebasing: rest[0..<n]))
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            if current.input.count >= chunkSize { try flushFullChunks() }
        }
    }

    /// Sends every complete chunk of `buffer` to compression (cut at exactly `chunkSize`).
    @inline(__always) func flushFullChunks() throws {
        while current.input.count >= chunkSize {
            try cutChunk()
        }
    }

    private func cutChunk() throws {
        let full = current
        let next = spare.popLast() ?? DeflateChunk(capacity: chunkSize)
        next.reset()
        // Carry whatever lies past the cut into the next chunk.
        let extra = full.input.count - chunkSize
        if extra > 0 {
            next.input.append(UnsafeRawBufferPointer(start: full.input.base + chunkSize, count: extra))
            full.input.truncate(to: chunkSize)
        }
        current = next
        try submit(full, final: false)
    }

    private func submit(_ chunk: DeflateChunk, final: Bool) throws {
        chunk.final = final
        chunk.dictionary.removeAll()
        chunk.dictionary.append(previousTail.readable)
        // This chunk's tail primes the next one.
        previousTail.removeAll()
        let n = min(ChunkedDeflateStream.window, chunk.input.count)
        previousTail.append(UnsafeRawBufferPointer(start: chunk.input.base + chunk.input.count - n, count: n))
        uncompressedSize += Int64(chunk.input.count)

        if let workers = workers {
            inFlight.append(chunk)
            try workers.submit(chunk)
            // Collect in order: everything already done, then wait while too much is in flight.
            while let first = inFlight.first, workers.isDone(first) || inFlight.count >= maxInFlight {
                try workers.wait(for: first)
                inFlight.removeFirst()
                try collect(first)
            }
        } else {
            if inline == nil { inline = try RawDeflater(settings) }
            chunk.run(inline!)
            try collect(chunk)
        }
    }

    private func collect(_ chunk: DeflateChunk) throws {
        if let e = chunk.error { throw e }
        crc = ZipWriterCRC.combine(crc, chunk.crc, Int64(chunk.input.count))
        compressedSize += Int64(chunk.output.count)
        try output(chunk.output.readable)
        chunk.reset()
        if spare.count < maxInFlight + 1 { spare.append(chunk) }
    }

    /// Compresses what remains. `terminate`: end the deflate stream (final block); otherwise end
    /// with a sync flush, so another raw deflate stream (started without dictionary) can follow.
    func finish(terminate: Bool = true) throws {
        guard !finished else { throw ZipWriterError.usage("deflate stream finished twice") }
        finished = true
        if current.input.count > chunkSize { try flushFullChunks() }
        let last = current
        current = DeflateChunk(capacity: ChunkedDeflateStream.window)
        if terminate || last.input.count > 0 {
            try submit(last, final: terminate)
        }
        if let workers = workers {
            while let first = inFlight.first {
                try workers.wait(for: first)
                inFlight.removeFirst()
                try collect(first)
            }
            workers.stop()
        }
    }
}
