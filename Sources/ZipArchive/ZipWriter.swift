import Bytes
import CZlib
import ZlibStream

/// How a `ZipWriter` compresses and lays out entries.
public struct ZipWriterOptions {
    /// zlib level and match search; see `ZipWriter.defaultDeflate` for the choice.
    public var deflate = ZipWriter.defaultDeflate
    /// Bytes of input per deflate chunk (see `ChunkedDeflateStream`). Part of the output format:
    /// a different size gives different (equally valid) bytes, so it is fixed, not tuned per run.
    public var chunkSize: Int = ZipWriter.defaultChunkSize
    /// Worker threads compressing chunks of a streamed entry while the caller produces the next
    /// ones; 0 compresses on the caller's thread. The bytes written do not depend on it.
    public var threads: Int = 0
    /// Where streamed entries are spooled (anonymous files, removed as soon as created).
    public var temporaryDirectory: String
    /// Writes zip64 extra fields on every entry and the zip64 end records even when nothing
    /// needs them (for tests of readers on a small archive).
    public var forceZip64: Bool = false
    /// Sizes and offsets at or above this need zip64 (tests lower it to exercise the "only where
    /// needed" rules on a small archive; the format's value is 0xFFFFFFFF).
    var zip64Limit: Int64 = 0xFFFF_FFFF
    /// Entry counts at or above this need the zip64 end records (format: 0xFFFF).
    var zip64CountLimit = 0xFFFF

    public init(temporaryDirectory: String) {
        self.temporaryDirectory = temporaryDirectory
    }
}

/// Writes a zip archive, front to back, to an `OutputSink`; nothing is ever rewritten in place.
///
/// Every entry's sizes and CRC are known before its local header is written (no data descriptors):
/// small entries are compressed in memory (`addEntry(name:data:)`); large ones are streamed through
/// a `ZipStreamingEntry`, which compresses into an anonymous spool file in the temporary directory,
/// and are copied in with `addEntry(_:)`. An entry is stored instead of deflated when deflate does
/// not make it smaller. Every entry is dated 1980-01-01 00:00 (DOS date 0x0021, time 0), so the
/// same entries give the same bytes. Zip64 extra fields and end records are written only where a
/// size, an offset or the entry count needs them (or with `forceZip64`).
///
/// Deflate output depends on the zlib build as well as on the input: the same bytes are promised
/// for the same zlib (1.2.13 here), not across zlib implementations (e.g. zlib-ng).
public final class ZipWriter {
    /// Level 3's fast (greedy) matcher with its search halved, by measurement (zlib 1.2.13).
    ///
    /// On the sheet XML of 20,000 synthetic event rows (22.6 MB; min of 7 runs, one core):
    ///
    ///     level 1: 24.3 % of the input, 0.292 s     level 3: 21.3 %, 0.356 s
    ///     level 2: 22.6 %,              0.300 s     level 6: 19.0 %, 0.630 s
    ///
    /// The issue caps the file at 110 % of libxlsxwriter's; on the benchmark's write-heavy sheet
    /// (200.5 MB of XML, 185,076 rows; libxlsxwriter's file 40.9 MB; CPU seconds, min of 3):
    ///
    ///     level 2                                  45.1 MB = 110.2 %   2.40 s
    ///     level 3                                  42.0 MB = 102.6 %   3.17 s
    ///     level 3, chain 16, nice 32, lazy 5       42.7 MB = 104.5 %   2.73 s   ← this
    ///     level 3, chain 8,  nice 32, lazy 5       44.1 MB = 107.8 %   2.58 s
    ///
    /// (`Benchmarks/tools/deflate_settings.c`; a second run gave 2.27 s for level 3 and 1.96 s
    /// for this, the same 14 %). Deflate is about two thirds of an XLSX
    /// export's CPU time, so the 14 % saved there is felt; the next step down leaves too little
    /// room under the cap for dumps less repetitive than the generated one.
    ///
    /// Since cells name their reference only after a gap (`XLSXWriter`), the same rows are 150.9 MB
    /// of XML and the choice still holds (libxlsxwriter's file ~40.9 MB; the cap is now its size):
    ///
    ///     level 1                                  29.1 MB =  71 %     1.04 s
    ///     level 3, chain 16, nice 32, lazy 5       26.5 MB =  65 %     1.17 s   ← this
    ///     level 6                                  23.7 MB =  58 %     2.74 s
    public static let defaultDeflate = DeflateSettings(
        level: 3, tuning: (goodLength: 4, maxLazy: 5, niceLength: 32, maxChain: 16))
    /// 1 MiB chunks: chunking costs +0.01–0.02 % in size against one plain stream (a sync
    /// marker and a re-primed 32 KiB dictionary per chunk), nothing measurable in time; memory
    /// stays a few MiB per thread.
    public static let defaultChunkSize = 1 << 20

    struct Record {
        var name: [UInt8]
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int64
        var uncompressedSize: Int64
        var offset: Int64
        var localZip64: Bool
    }

    let options: ZipWriterOptions
    private let sink: OutputSink
    private let out = ByteBuffer(capacity: 256 * 1024)
    private var records: [Record] = []
    private var names = Set<[UInt8]>()
    private var finished = false
    private var streaming: ZipStreamingEntry?

    /// Bytes handed to the sink so far (plus those still buffered).
    public private(set) var offset: Int64 = 0

    public init(sink: OutputSink, options: ZipWriterOptions) {
        self.sink = sink
        self.options = options
    }

    // MARK: Entries

    /// Adds an entry whose bytes are all in memory (small parts).
    public func addEntry(name: String, data: UnsafeRawBufferPointer) throws {
        try checkOpen(name)
        let compressed = ByteBuffer(capacity: data.count / 2 + 64)
        let stream = try ChunkedDeflateStream(settings: options.deflate, chunkSize: options.chunkSize, threads: 0) {
            compressed.append($0)
        }
        try stream.write(data)
        try stream.finish()
        let crc = stream.crc
        if compressed.count < data.count {
            try writeEntry(name: name, method: 8, crc: crc, compressedSize: Int64(compressed.count),
                           uncompressedSize: Int64(data.count)) { try self.emit(compressed.readable) }
        } else {
            try writeEntry(name: name, method: 0, crc: crc, compressedSize: Int64(data.count),
                           uncompressedSize: Int64(data.count)) { try self.emit(data) }
        }
    }

    public func addEntry(name: String, bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try addEntry(name: name, data: $0) }
    }

    public func addEntry(name: String, buffer: ByteBuffer) throws {
        try addEntry(name: name, data: buffer.readable)
    }

    /// Starts an entry whose bytes are produced piece by piece and compressed into a spool file as
    /// they come. Fill it, `close` it, then add it with `addEntry(_:)` (later entries may be
    /// added in between, so the archive's entry order is the caller's choice). One at a time.
    public func beginStreamingEntry(name: String) throws -> ZipStreamingEntry {
        try checkOpen(name)
        if let s = streaming, s.state == .open {
            throw ZipWriterError.usage("entry \(s.name) is still open")
        }
        let entry = try ZipStreamingEntry(name: name, options: options)
        streaming = entry
        return entry
    }

    /// Copies a closed streaming entry into the archive, and releases its spool file.
    public func addEntry(_ entry: ZipStreamingEntry) throws {
        try checkOpen(entry.name)
        guard entry.state == .closed, let spool = entry.spool else {
            throw ZipWriterError.usage("entry \(entry.name) is not closed, or was already added")
        }
        defer { entry.release() }
        let uncompressed = entry.uncompressedSize
        let compressed = Int64(entry.prefixCompressed.count) + spool.size
        if compressed < uncompressed {
            try writeEntry(name: entry.name, method: 8, crc: entry.crc, compressedSize: compressed,
                           uncompressedSize: uncompressed) {
                try self.emit(entry.prefixCompressed.readable)
                try self.copy(spool)
            }
        } else {
            // Deflate did not help (e.g. already-compressed data): store the original bytes,
            // got back by inflating the spool.
            try writeEntry(name: entry.name, method: 0, crc: entry.crc, compressedSize: uncompressed,
                           uncompressedSize: uncompressed) {
                try self.emit(entry.prefixPlain.readable)
                try self.inflate(spool)
            }
        }
    }

    private func checkOpen(_ name: String) throws {
        guard !finished else { throw ZipWriterError.usage("archive already finished") }
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 0xFFFF else { throw ZipWriterError.usage("bad entry name \(name)") }
        guard !names.contains(bytes) else { throw ZipWriterError.usage("duplicate entry \(name)") }
    }

    private func writeEntry(name: String, method: UInt16, crc: UInt32, compressedSize: Int64,
                            uncompressedSize: Int64, body: () throws -> Void) throws {
        let nameBytes = Array(name.utf8)
        let limit = options.zip64Limit
        let zip64 = options.forceZip64 || compressedSize >= limit || uncompressedSize >= limit
        let record = Record(name: nameBytes, method: method, crc: crc, compressedSize: compressedSize,
                            uncompressedSize: uncompressedSize, offset: offset, localZip64: zip64)
        // Local file header (APPNOTE 4.3.7). A zip64 local header carries both sizes in its extra field.
        let h = ByteBuffer(capacity: 64 + nameBytes.count)
        h.le32(0x0403_4B50)
        h.le16(zip64 ? 45 : 20)
        h.le16(flags(nameBytes))
        h.le16(method)
        h.le16(0)          // time 00:00
        h.le16(0x0021)     // date 1980-01-01
        h.le32(crc)
        h.le32(zip64 ? 0xFFFF_FFFF : UInt32(compressedSize))
        h.le32(zip64 ? 0xFFFF_FFFF : UInt32(uncompressedSize))
        h.le16(UInt16(nameBytes.count))
        h.le16(zip64 ? 20 : 0)
        h.append(nameBytes)
        if zip64 {
            h.le16(0x0001); h.le16(16)
            h.le64(UInt64(uncompressedSize)); h.le64(UInt64(compressedSize))
        }
        try emit(h.readable)
        let start = offset
        try body()
        guard offset - start == compressedSize else {
            throw ZipWriterError.usage("entry \(name): wrote \(offset - start) bytes, expected \(compressedSize)")
        }
        records.append(record)
        names.insert(nameBytes)
    }

    private func flags(_ name: [UInt8]) -> UInt16 {
        name.contains(where: { $0 >= 0x80 }) ? 0x0800 : 0 // bit 11: the name is UTF-8
    }

    // MARK: Output

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.count >= 64 * 1024 {
            try flushOut()
            try sink.write(bytes)
        } else {
            if out.count + bytes.count > out.capacity { try flushOut() }
            out.append(bytes)
        }
        offset += Int64(bytes.count)
    }

    private func flushOut() throws {
        if out.count > 0 {
            try sink.write(out.readable)
            out.removeAll()
        }
    }

    private func copy(_ spool: ZipSpoolFile) throws {
        let block = ByteBuffer(capacity: 1 << 20)
        var at: Int64 = 0
        while at < spool.size {
            let n = Int(min(Int64(block.capacity), spool.size - at))
            block.removeAll()
            try spool.read(at: at, count: n, into: block)
            try emit(block.readable)
            at += Int64(n)
        }
    }

    private func inflate(_ spool: ZipSpoolFile) throws {
        let inflater = try ZipWriterInflater()
        let input = ByteBuffer(capacity: 256 * 1024)
        var at: Int64 = 0
        var ended = false
        while !ended {
            input.removeAll()
            let n = Int(min(Int64(input.capacity), spool.size - at))
            if n > 0 { try spool.read(at: at, count: n, into: input) }
            at += Int64(n)
            ended = try inflater.inflate(input.readable, atEnd: at >= spool.size) { try self.emit($0) }
            if n == 0 && !ended { throw ZipWriterError.zlib("inflate (truncated spool)", Z_DATA_ERROR) }
        }
    }

    // MARK: Central directory

    /// Writes the central directory and end records. Returns the archive's size in bytes.
    @discardableResult
    public func finish() throws -> Int64 {
        guard !finished else { throw ZipWriterError.usage("archive already finished") }
        finished = true
        let force = options.forceZip64
        let limit = options.zip64Limit
        let cdStart = offset
        let cd = ByteBuffer(capacity: 128 * max(records.count, 1))
        for r in records {
            let bigU = force || r.uncompressedSize >= limit
            let bigC = force || r.compressedSize >= limit
            let bigO = force || r.offset >= limit
            let extraLength = (bigU ? 8 : 0) + (bigC ? 8 : 0) + (bigO ? 8 : 0)
            let zip64 = extraLength > 0 || r.localZip64
            let version: UInt16 = zip64 ? 45 : 20
            cd.le32(0x0201_4B50)
            cd.le16(version)   // made by: MS-DOS host, this version
            cd.le16(version)   // needed
            cd.le16(flags(r.name))
            cd.le16(r.method)
            cd.le16(0)
            cd.le16(0x0021)
            cd.le32(r.crc)
            cd.le32(bigC ? 0xFFFF_FFFF : UInt32(r.compressedSize))
            cd.le32(bigU ? 0xFFFF_FFFF : UInt32(r.uncompressedSize))
            cd.le16(UInt16(r.name.count))
            cd.le16(UInt16(extraLength > 0 ? 4 + extraLength : 0))
            cd.le16(0)         // comment
            cd.le16(0)         // disk number start
            cd.le16(0)         // internal attributes
            cd.le32(0)         // external attributes
            cd.le32(bigO ? 0xFFFF_FFFF : UInt32(r.offset))
            cd.append(r.name)
            if extraLength > 0 {
                // Only the fields set to 0xFFFFFFFF above, in this order (APPNOTE 4.5.3).
                cd.le16(0x0001); cd.le16(UInt16(extraLength))
                if bigU { cd.le64(UInt64(r.uncompressedSize)) }
                if bigC { cd.le64(UInt64(r.compressedSize)) }
                if bigO { cd.le64(UInt64(r.offset)) }
            }
            if cd.count >= 1 << 20 { try emit(cd.readable); cd.removeAll() }
        }
        try emit(cd.readable)
        let cdSize = offset - cdStart
        let count = records.count
        let end = ByteBuffer(capacity: 128)
        let bigCount = force || count >= options.zip64CountLimit
        let bigSize = force || cdSize >= limit
        let bigOffset = force || cdStart >= limit
        if bigCount || bigSize || bigOffset {
            let zip64End = offset
            end.le32(0x0606_4B50)  // zip64 end of central directory record
            end.le64(44)
            end.le16(45); end.le16(45)
            end.le32(0); end.le32(0)
            end.le64(UInt64(count)); end.le64(UInt64(count))
            end.le64(UInt64(cdSize)); end.le64(UInt64(cdStart))
            end.le32(0x0706_4B50)  // zip64 end of central directory locator
            end.le32(0)
            end.le64(UInt64(zip64End))
            end.le32(1)
        }
        end.le32(0x0605_4B50)
        end.le16(0); end.le16(0)
        end.le16(bigCount ? 0xFFFF : UInt16(count))
        end.le16(bigCount ? 0xFFFF : UInt16(count))
        end.le32(bigSize ? 0xFFFF_FFFF : UInt32(cdSize))
        end.le32(bigOffset ? 0xFFFF_FFFF : UInt32(cdStart))
        end.le16(0)
        try emit(end.readable)
        try flushOut()
        return offset
    }
}

/// An entry written piece by piece: bytes appended to `buffer` (or passed to `write`) are
/// compressed in chunks into a spool file, so the entry is never whole in memory.
///
/// `close(prepending:)` may supply bytes that go *before* everything written — e.g. a sheet's
/// `<dimension>` and `<cols>`, known only at the end. They are compressed as a separate raw
/// deflate stream ending in a sync flush, placed first; the body's stream starts without a
/// dictionary, so the two concatenate into one valid deflate stream, and their CRCs are joined.
public final class ZipStreamingEntry {
    enum State { case open, closed, released }

    public let name: String
    let options: ZipWriterOptions
    private(set) var spool: ZipSpoolFile?
    private var stream: ChunkedDeflateStream!
    private(set) var state = State.open
    private(set) var crc: UInt32 = 0
    private(set) var uncompressedSize: Int64 = 0
    private(set) var prefixCompressed = ByteBuffer(capacity: 64)
    private(set) var prefixPlain = ByteBuffer(capacity: 64)

    init(name: String, options: ZipWriterOptions) throws {
        self.name = name
        self.options = options
        let spool = try ZipSpoolFile(directory: options.temporaryDirectory)
        self.spool = spool
        self.stream = try ChunkedDeflateStream(settings: options.deflate, chunkSize: options.chunkSize,
                                               threads: options.threads) { try spool.append($0) }
    }

    /// Where to append the entry's bytes; call `didAppend()` after appending (at least every
    /// few MiB). Re-read after `didAppend()`: the buffer is swapped when a chunk is sent off.
    public var buffer: ByteBuffer { stream.buffer }

    /// Sends complete chunks of `buffer` to compression.
    public func didAppend() throws {
        if stream.buffer.count >= stream.chunkSize { try stream.flushFullChunks() }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard state == .open else { throw ZipWriterError.usage("entry \(name) is closed") }
        try stream.write(bytes)
    }

    /// Bytes written so far (not counting a prefix).
    public var bytesWritten: Int64 { stream.uncompressedSize + Int64(stream.buffer.count) }

    /// Ends the entry. `prefix` bytes go before everything written so far.
    public func close(prepending prefix: UnsafeRawBufferPointer? = nil) throws {
        guard state == .open else { throw ZipWriterError.usage("entry \(name) closed twice") }
        try stream.finish(terminate: true)
        var crc = stream.crc
        var size = stream.uncompressedSize
        if let prefix = prefix, prefix.count > 0 {
            let compressed = prefixCompressed
            let head = try ChunkedDeflateStream(settings: options.deflate, chunkSize: options.chunkSize, threads: 0) {
                compressed.append($0)
            }
            try head.write(prefix)
            try head.finish(terminate: false)
            crc = ZipWriterCRC.combine(head.crc, crc, size)
            size += Int64(prefix.count)
            prefixPlain.append(prefix)
        }
        self.crc = crc
        self.uncompressedSize = size
        stream = nil
        state = .closed
    }

    /// Abandons the entry (its spool file goes away).
    public func discard() {
        stream = nil
        release()
    }

    func release() {
        spool?.close()
        spool = nil
        state = .released
    }
}

/// Raw inflate, for the rare spooled entry that deflate did not shrink and must be stored.
final class ZipWriterInflater {
    private let inflater: InflateStream
    private var ended = false

    init() throws {
        guard let inflater = InflateStream(.raw) else { throw ZipWriterError.zlib("inflateInit2", Z_MEM_ERROR) }
        self.inflater = inflater
    }

    /// Inflates `input`, passing output to `emit`; returns true at the end of the stream.
    func inflate(_ input: UnsafeRawBufferPointer, atEnd: Bool,
                 emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        if ended { return true }
        var out = [UInt8](repeating: 0, count: 256 * 1024)
        inflater.setInput(input)
        try out.withUnsafeMutableBytes { o in
            while true {
                inflater.setOutput(o.baseAddress!, count: o.count)
                let rc = inflater.inflate()
                let n = o.count - Int(inflater.z.avail_out)
                if n > 0 { try emit(UnsafeRawBufferPointer(rebasing: o[0..<n])) }
                if rc == Z_STREAM_END { ended = true; return }
                guard rc == Z_OK || rc == Z_BUF_ERROR else { throw ZipWriterError.zlib("inflate", rc) }
                if inflater.z.avail_out == 0 { continue } // more output may be pending
                if inflater.z.avail_in == 0 {
                    if atEnd { throw ZipWriterError.zlib("inflate (truncated spool)", Z_DATA_ERROR) }
                    return
                }
            }
        }
        inflater.setInput(UnsafeRawBufferPointer(start: nil, count: 0))
        return ended
    }
}

fileprivate extension ByteBuffer {
    @inline(__always) func le16(_ v: UInt16) {
        let p = reserve(2)
        p[0] = UInt8(truncatingIfNeeded: v); p[1] = UInt8(truncatingIfNeeded: v >> 8)
        commit(2)
    }

    @inline(__always) func le32(_ v: UInt32) {
        let p = reserve(4)
        for i in 0..<4 { p[i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
        commit(4)
    }

    @inline(__always) func le64(_ v: UInt64) {
        let p = reserve(8)
        for i in 0..<8 { p[i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
        commit(8)
    }
}
