import Bytes
import CZlib
import FoundationEssentials
import Timestamps
#if canImport(Glibc)
import Glibc
#endif

/// How a generated dump lays its events out in files (`stepexport generate --layout`). The events
/// themselves are the same in every layout — only their order and the files change — so every
/// request has the same answer whatever the layout: the engine must not depend on it.
public enum DumpLayout: String, CaseIterable, Sendable {
    /// Time order, as the stream makes them (a few events late): one or more files a day.
    case time
    /// Each flow's events together (SPEC §4's flow: `dim1`, else `session_id`, else `visitor_id`),
    /// the flows in random order — how a per-session or per-visitor export writes them.
    case flow
    /// Random order.
    case shuffled
}

/// Writes the events of a stream in a layout other than the plain one: the stream goes to a
/// scratch file first (its events' places and flows noted, 24 bytes an event), then the events
/// are copied out in the layout's order into `files` files (the events cut into equal runs),
/// as NDJSON or as one JSON array a file, gzip-compressed or not. Memory stays a few dozen bytes
/// per event.
struct LayoutWriter {
    let layout: DumpLayout
    /// Files to spread the events over; nil: time layout's one or more files a day, else one file.
    let files: Int?
    let gzip: Bool
    /// Each file one JSON array (`[`, the events a line each with a comma after all but the last, `]`).
    let array: Bool
    let seed: UInt64

    private struct Placed {
        var offset: Int64
        var length: Int32
        var day: Int32
        var rank: UInt64
    }

    /// Writes the stream's events under `root/events/`; returns the files (relative, in dump order)
    /// and the bytes written.
    func write(_ stream: EventStream, count: Int, eventsPerFile: Int, root: URL) throws -> (files: [String], bytes: Int) {
        let scratchPath = root.appendingPathComponent(".generate-scratch").path
        let scratch = try FileOutput(path: scratchPath)
        defer { unlink(scratchPath) }
        var placed: [Placed] = []
        placed.reserveCapacity(count)
        let buffer = ByteBuffer(capacity: 8 << 20)
        var written: Int64 = 0
        while stream.index < count {
            let day = Int32(stream.nextDay)
            let start = buffer.count
            stream.next(into: buffer)
            let line = UnsafeRawBufferPointer(rebasing: buffer.readable[start..<buffer.count])
            let i = UInt64(placed.count)
            let rank: UInt64
            switch layout {
            case .time: rank = i
            case .shuffled: rank = SplitMix64.mix(seed ^ 0x5348_5546 ^ i)
            case .flow:
                // Flows in random order (a hash of the flow), each flow's events in stream order.
                let flow = LayoutWriter.flowHash(line) ?? SplitMix64.mix(i ^ 0x4E4F_4E45)
                rank = SplitMix64.mix(seed ^ flow)
            }
            placed.append(Placed(offset: written + Int64(start), length: Int32(line.count), day: day, rank: rank))
            if buffer.count >= 4 << 20 {
                try scratch.write(buffer)
                written += Int64(buffer.count)
                buffer.removeAll()
            }
        }
        try scratch.write(buffer)
        buffer.removeAll()
        try scratch.close()

        // Stable: equal ranks (one flow's events) keep stream order.
        let order = placed.indices.sorted { placed[$0].rank != placed[$1].rank ? placed[$0].rank < placed[$1].rank : $0 < $1 }
        let cuts = fileCuts(placed: placed, order: order, eventsPerFile: eventsPerFile)

        let fd = open(scratchPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DumpGenerator.Failure.io("Cannot read \(scratchPath): \(errnoDescription())") }
        defer { close(fd) }
        var names: [String] = []
        var bytes = 0
        let fm = FileManager.default
        for (n, range) in cuts.enumerated() {
            let name = fileName(n, of: cuts.count, firstDay: placed[order[range.lowerBound]].day, partOfDay: range)
            let url = root.appendingPathComponent(name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let out = try FileOutput(path: url.path)
            let compressor = gzip ? try GzipCompressor() : nil
            if array { buffer.append("[\n") }
            for k in range {
                let p = placed[order[k]]
                let into = buffer.reserve(Int(p.length))
                guard pread(fd, into, Int(p.length), off_t(p.offset)) == Int(p.length) else {
                    throw DumpGenerator.Failure.io("Cannot read \(scratchPath): \(errnoDescription())")
                }
                buffer.commit(Int(p.length))
                if array && k + 1 < range.upperBound {
                    // The event's line ends in "\n": the comma goes before it.
                    buffer.truncate(to: buffer.count - 1)
                    buffer.append(",\n")
                }
                if buffer.count >= 4 << 20 { try flush(buffer, compressor, out, counting: &bytes) }
            }
            if array { buffer.append("]\n") }
            try flush(buffer, compressor, out, counting: &bytes)
            if let compressor { try out.write(try compressor.finish()) }
            try out.close()
            names.append(name)
        }
        return (names, bytes)
    }

    /// Writes out `buffer` (compressed, for gzip), adding its length to `bytes` (the events' text).
    private func flush(_ buffer: ByteBuffer, _ compressor: GzipCompressor?, _ out: FileOutput, counting bytes: inout Int) throws {
        bytes += buffer.count
        if let compressor {
            try out.write(try compressor.compress(buffer.readable))
        } else {
            try out.write(buffer)
        }
        buffer.removeAll()
    }

    /// The events of each file, as ranges of `order`.
    private func fileCuts(placed: [Placed], order: [Int], eventsPerFile: Int) -> [Range<Int>] {
        if let files {
            let n = max(1, min(files, order.count))
            return (0..<n).map { k in (k * order.count / n)..<((k + 1) * order.count / n) }
        }
        guard layout == .time, !order.isEmpty else { return [0..<order.count] }
        // As the plain layout: a new file at each day and every `eventsPerFile` events.
        var cuts: [Range<Int>] = []
        var start = 0
        for k in 1..<order.count where placed[order[k]].day != placed[order[start]].day || k - start == eventsPerFile {
            cuts.append(start..<k)
            start = k
        }
        cuts.append(start..<order.count)
        return cuts
    }

    /// File `n` of `count`: several folders deep when the events are spread over many files, a
    /// day's files as in the plain layout otherwise; names sort in dump order (SPEC §1).
    private func fileName(_ n: Int, of count: Int, firstDay: Int32, partOfDay: Range<Int>) -> String {
        let ext = (array ? "json" : "ndjson") + (gzip ? ".gz" : "")
        if files != nil {
            return printfText("events/part-%03ld/%03ld/%05ld.", n / 64, n / 8, n) + ext
        }
        if layout != .time { return "events/\(layout.rawValue).\(ext)" }
        let (y, m, d) = Civil.date(days: Int64(firstDay))
        return printfText("events/%04ld/%02ld/%02ld-%05ld.", y, m, d, n) + ext
    }

    /// A hash of the event's flow (SPEC §4: the first non-empty of `dim1`, `session_id`,
    /// `visitor_id`), read from the line's bytes; nil for an event without one.
    static func flowHash(_ line: UnsafeRawBufferPointer) -> UInt64? {
        for key: StaticString in ["\"dim1\":\"", "\"session_id\":\"", "\"visitor_id\":\""] {
            if let value = stringValue(after: key, in: line), !value.isEmpty {
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for b in value { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
                return h
            }
        }
        return nil
    }

    /// The raw bytes of the string after `key` (up to its closing quote), if the line has the key.
    private static func stringValue(after key: StaticString, in line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let k = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        guard let base = line.baseAddress, line.count >= k.count else { return nil }
        var i = 0
        while i <= line.count - k.count && memcmp(base + i, k.baseAddress!, k.count) != 0 { i += 1 }
        guard i <= line.count - k.count else { return nil }
        let start = i + k.count
        var j = start
        while j < line.count && line[j] != 0x22 { j += line[j] == 0x5C ? 2 : 1 }
        return UnsafeRawBufferPointer(rebasing: line[start..<min(j, line.count)])
    }
}

/// A gzip member written piece by piece (zlib deflate, level 1: fast to write; reading a gzip
/// file costs the same whatever the level).
final class GzipCompressor {
    private var stream = z_stream()
    private let out = ByteBuffer(capacity: 1 << 20)

    init() throws {
        let rc = deflateInit2_(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                               Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw DumpGenerator.Failure.io("zlib deflateInit2 failed (\(rc))") }
    }

    deinit { deflateEnd(&stream) }

    /// The compressed bytes for `input` so far (valid until the next call).
    func compress(_ input: UnsafeRawBufferPointer) throws -> ByteBuffer { try run(input, flush: Z_NO_FLUSH) }

    /// The member's last bytes.
    func finish() throws -> ByteBuffer { try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH) }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32) throws -> ByteBuffer {
        out.removeAll()
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while true {
            let room = 256 << 10
            let p = out.reserve(room)
            stream.next_out = p
            stream.avail_out = uInt(room)
            let rc = deflate(&stream, flush)
            out.commit(room - Int(stream.avail_out))
            if rc == Z_STREAM_END { return out }
            guard rc == Z_OK || rc == Z_BUF_ERROR else { throw DumpGenerator.Failure.io("zlib deflate failed (\(rc))") }
            if flush == Z_NO_FLUSH && stream.avail_in == 0 && stream.avail_out > 0 { return out }
        }
    }
}
