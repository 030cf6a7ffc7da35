import Bytes
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One entry of a zip archive, as its central directory describes it (zip64 extra fields applied).
public struct ZipEntry: Sendable, Equatable {
    /// Position in the central directory (0-based).
    public let index: Int
    /// The entry name (UTF-8; invalid sequences become U+FFFD).
    public let name: String
    /// 0 = stored, 8 = deflated (the only methods `ZipReader` reads).
    public let method: UInt16
    /// General purpose bit flags.
    public let flags: UInt16
    public let crc32: UInt32
    public let compressedSize: UInt64
    public let uncompressedSize: UInt64
    /// Offset of the local file header.
    public let localHeaderOffset: UInt64
    /// Offset of the entry's (compressed) data, after the local header.
    public let dataOffset: UInt64

    public var isDirectory: Bool { name.hasSuffix("/") }
}

/// A zip archive that cannot be read, or an entry that is damaged. `description` names the
/// archive, the entry (where there is one) and the problem.
public struct ZipReaderError: Error, CustomStringConvertible, Equatable {
    public let path: String
    /// The entry concerned, or nil for the archive as a whole.
    public let entry: String?
    public let problem: String

    public init(path: String, entry: String? = nil, problem: String) {
        self.path = path
        self.entry = entry
        self.problem = problem
    }

    public var description: String {
        if let entry { return "\(path): zip entry \(entry): \(problem)" }
        return "\(path): \(problem)"
    }
}

/// Reads a zip archive from a file: its central directory at `init`, then any entry's bytes,
/// streamed (`forEachChunk`, `openEntry`) or whole (`data(of:)`, for small parts).
///
/// Everything is checked, so that damaged or hostile input ends in a `ZipReaderError` rather than
/// a crash, a hang or unbounded memory:
/// - the end of central directory record (and the zip64 locator and record where the archive has
///   them) must be consistent with the file size; multi-disk archives are refused;
/// - every entry's local header must be where the central directory says, agree with it on the
///   name and method, and its data must lie inside the file, before the central directory and
///   without overlapping another entry (which defeats "overlapping entry" zip bombs);
/// - only stored and deflated entries without encryption are read; a declared uncompressed size
///   over `Limits.maxEntrySize` (4 GiB) or a declared ratio no deflate stream can reach (1032:1)
///   is refused up front;
/// - reading inflates at most the declared size (one byte more is an error), and checks the
///   compressed size, the uncompressed size and the CRC-32 at the end of the entry.
///
/// Memory stays bounded by the central directory (itself bounded by the file) plus one chunk
/// buffer per open entry. Reading entries is not thread-safe for one `ZipReader` unless each
/// thread uses its own `ZipEntryReader` (`pread` is positionless, so that works).
public final class ZipReader {
    public struct Limits: Sendable {
        /// Largest uncompressed entry the reader accepts (declared and actual).
        public var maxEntrySize: UInt64 = 4 << 30
        /// Most entries an archive may list.
        public var maxEntries: Int = 1_000_000
        public init() {}
    }

    public let path: String
    public let entries: [ZipEntry]
    /// Size of the archive file in bytes.
    public let fileSize: UInt64
    public let limits: Limits
    /// True where the archive has a zip64 end of central directory record.
    public let isZip64: Bool

    private let fd: Int32
    private let byName: [String: Int]

    /// Opens `path` and reads its central directory.
    public init(path: String, limits: Limits = Limits()) throws {
        self.path = path
        self.limits = limits
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ZipReaderError(path: path, problem: "cannot open: \(errnoDescription())")
        }
        var ok = false
        defer { if !ok { close(fd) } }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw ZipReaderError(path: path, problem: "cannot stat: \(errnoDescription())")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw ZipReaderError(path: path, problem: "not a regular file")
        }
        let fileSize = UInt64(st.st_size)
        let directory = try ZipReaderDirectory.read(fd: fd, path: path, fileSize: fileSize, limits: limits)
        self.fd = fd
        self.fileSize = fileSize
        self.entries = directory.entries
        self.isZip64 = directory.isZip64
        var byName: [String: Int] = [:]
        for e in directory.entries { byName[e.name] = e.index }
        self.byName = byName
        ok = true
    }

    deinit { close(fd) }

    /// The entry with this exact name, or nil.
    public func entry(named name: String) -> ZipEntry? {
        byName[name].map { entries[$0] }
    }

    /// Opens an entry for pull-style reading (`ZipEntryReader.read(into:)`).
    public func openEntry(_ entry: ZipEntry) throws -> ZipEntryReader {
        try ZipEntryReader(fd: fd, path: path, entry: entry, limits: limits)
    }

    /// Streams an entry's uncompressed bytes to `body`, chunk by chunk (at most 256 KiB each),
    /// then checks sizes and CRC-32. A chunk is valid only during the call. The bytes already
    /// handed over are untrustworthy if this throws: the checks finish after the last chunk.
    public func forEachChunk(_ entry: ZipEntry, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let reader = try openEntry(entry)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try reader.read(into: buffer)
            if n == 0 { break }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// The whole uncompressed content of a small entry, checked. Refuses an entry whose declared
    /// size is over `maxSize` (default 256 MiB): stream larger ones with `forEachChunk`.
    public func data(of entry: ZipEntry, maxSize: Int = 256 << 20) throws -> [UInt8] {
        guard entry.uncompressedSize <= UInt64(maxSize) else {
            throw ZipReaderError(path: path, entry: entry.name,
                                 problem: "declares \(entry.uncompressedSize) bytes, over the \(maxSize)-byte limit for reading it whole")
        }
        var out: [UInt8] = []
        out.reserveCapacity(Int(entry.uncompressedSize))
        try forEachChunk(entry) { out.append(contentsOf: $0) }
        return out
    }

    /// `data(of:)` for the entry named `name`; throws if there is none.
    public func data(named name: String, maxSize: Int = 256 << 20) throws -> [UInt8] {
        guard let e = entry(named: name) else {
            throw ZipReaderError(path: path, entry: name, problem: "missing from the archive")
        }
        return try data(of: e, maxSize: maxSize)
    }
}

// MARK: - Central directory

private let zrLocalSignature: UInt32 = 0x0403_4B50
private let zrCentralSignature: UInt32 = 0x0201_4B50
private let zrEOCDSignature: UInt32 = 0x0605_4B50
private let zrZip64EOCDSignature: UInt32 = 0x0606_4B50
private let zrZip64LocatorSignature: UInt32 = 0x0706_4B50
private let zrEOCDSize = 22
private let zrZip64LocatorSize = 20
private let zrZip64EOCDMinSize = 56
private let zrCentralHeaderSize = 46
private let zrLocalHeaderSize = 30
/// deflate cannot expand more than 1032:1 (each 258-byte match costs at least two bits).
private let zrMaxDeflateRatio: UInt64 = 1032

/// Little-endian reads over a byte array, bounds-checked by the callers.
private struct ZRBytes {
    let b: [UInt8]
    @inline(__always) func u16(_ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    @inline(__always) func u32(_ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
    @inline(__always) func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
}

/// Reads exactly `count` bytes at `offset`, or throws (a short file is a truncated archive).
func zipReaderPread(fd: Int32, path: String, entry: String?, offset: UInt64, count: Int,
                    into dst: UnsafeMutableRawPointer) throws {
    var done = 0
    while done < count {
        let n = pread(fd, dst + done, count - done, off_t(offset) + off_t(done))
        if n < 0 {
            if errno == EINTR { continue }
            throw ZipReaderError(path: path, entry: entry, problem: "read error: \(errnoDescription())")
        }
        if n == 0 {
            throw ZipReaderError(path: path, entry: entry, problem: "unexpected end of file (truncated archive)")
        }
        done += n
    }
}

private func zrRead(fd: Int32, path: String, entry: String? = nil, offset: UInt64, count: Int) throws -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    try out.withUnsafeMutableBytes { raw in
        if count > 0 { try zipReaderPread(fd: fd, path: path, entry: entry, offset: offset, count: count, into: raw.baseAddress!) }
    }
    return out
}

private struct ZipReaderDirectory {
    var entries: [ZipEntry]
    var isZip64: Bool

    static func read(fd: Int32, path: String, fileSize: UInt64, limits: ZipReader.Limits) throws -> ZipReaderDirectory {
        func fail(_ problem: String) -> ZipReaderError { ZipReaderError(path: path, problem: problem) }
        guard fileSize >= UInt64(zrEOCDSize) else {
            throw fail(fileSize == 0 ? "empty file, not a zip archive" : "too short for a zip archive (\(fileSize) bytes)")
        }
        // The EOCD record is the last 22 bytes plus a comment of up to 65,535 bytes.
        let tailCount = Int(min(fileSize, UInt64(zrEOCDSize + 0xFFFF)))
        let tailStart = fileSize - UInt64(tailCount)
        let tail = ZRBytes(b: try zrRead(fd: fd, path: path, offset: tailStart, count: tailCount))
        var eocdAt = -1
        var i = tailCount - zrEOCDSize
        while i >= 0 {
            if tail.b[i] == 0x50, tail.u32(i) == zrEOCDSignature,
               i + zrEOCDSize + Int(tail.u16(i + 20)) == tailCount {
                eocdAt = i
                break
            }
            i -= 1
        }
        guard eocdAt >= 0 else {
            throw fail("no end of central directory record: not a zip archive, or truncated")
        }
        let eocdOffset = tailStart + UInt64(eocdAt)
        let diskNumber = tail.u16(eocdAt + 4)
        let cdDisk = tail.u16(eocdAt + 6)
        var entriesOnDisk = UInt64(tail.u16(eocdAt + 8))
        var totalEntries = UInt64(tail.u16(eocdAt + 10))
        var cdSize = UInt64(tail.u32(eocdAt + 12))
        var cdOffset = UInt64(tail.u32(eocdAt + 16))
        var directoryEnd = eocdOffset // where the central directory must end
        var isZip64 = false

        // A zip64 locator sits right before the EOCD record.
        if eocdOffset >= UInt64(zrZip64LocatorSize) {
            let locOffset = eocdOffset - UInt64(zrZip64LocatorSize)
            let loc = locOffset >= tailStart
                ? ZRBytes(b: Array(tail.b[Int(locOffset - tailStart) ..< Int(locOffset - tailStart) + zrZip64LocatorSize]))
                : ZRBytes(b: try zrRead(fd: fd, path: path, offset: locOffset, count: zrZip64LocatorSize))
            if loc.u32(0) == zrZip64LocatorSignature {
                isZip64 = true
                let z64Disk = loc.u32(4)
                let z64Offset = loc.u64(8)
                let totalDisks = loc.u32(16)
                guard z64Disk == 0, totalDisks <= 1 else { throw fail("multi-disk (spanned) archives are not supported") }
                guard z64Offset <= locOffset, locOffset - z64Offset >= UInt64(zrZip64EOCDMinSize) else {
                    throw fail("zip64 end of central directory offset \(z64Offset) is out of range")
                }
                let rec = ZRBytes(b: try zrRead(fd: fd, path: path, offset: z64Offset, count: zrZip64EOCDMinSize))
                guard rec.u32(0) == zrZip64EOCDSignature else {
                    throw fail("no zip64 end of central directory record at offset \(z64Offset)")
                }
                let recordSize = rec.u64(4)
                guard recordSize >= 44, recordSize <= locOffset - z64Offset - 12 else {
                    throw fail("zip64 end of central directory record has a bad size \(recordSize)")
                }
                guard rec.u32(16) == 0, rec.u32(20) == 0 else {
                    throw fail("multi-disk (spanned) archives are not supported")
                }
                // The zip64 values win where the classic fields are saturated; otherwise they must agree.
                let z64OnDisk = rec.u64(24), z64Total = rec.u64(32), z64Size = rec.u64(40), z64CD = rec.u64(48)
                func merge(_ classic: UInt64, _ z64: UInt64, saturated: UInt64, _ what: String) throws -> UInt64 {
                    if classic == saturated || classic == z64 { return z64 }
                    throw fail("\(what) disagrees between the end of central directory record (\(classic)) and its zip64 record (\(z64))")
                }
                entriesOnDisk = try merge(entriesOnDisk, z64OnDisk, saturated: 0xFFFF, "entry count")
                totalEntries = try merge(totalEntries, z64Total, saturated: 0xFFFF, "entry count")
                cdSize = try merge(cdSize, z64Size, saturated: 0xFFFF_FFFF, "central directory size")
                cdOffset = try merge(cdOffset, z64CD, saturated: 0xFFFF_FFFF, "central directory offset")
                directoryEnd = z64Offset
            }
        }
        if !isZip64 {
            guard diskNumber == 0, cdDisk == 0 else { throw fail("multi-disk (spanned) archives are not supported") }
        }
        guard entriesOnDisk == totalEntries else {
            throw fail("entry counts disagree (\(entriesOnDisk) on this disk, \(totalEntries) in all): damaged, or a multi-disk archive")
        }
        guard totalEntries <= UInt64(limits.maxEntries) else {
            throw fail("lists \(totalEntries) entries, over the limit of \(limits.maxEntries)")
        }
        guard cdOffset <= directoryEnd, cdSize == directoryEnd - cdOffset else {
            throw fail("central directory (offset \(cdOffset), size \(cdSize)) does not end where the end record begins (\(directoryEnd)): damaged or truncated archive")
        }
        guard cdSize >= totalEntries * UInt64(zrCentralHeaderSize) else {
            throw fail("central directory of \(cdSize) bytes is too small for \(totalEntries) entries")
        }
        guard cdSize <= UInt64(Int.max) else { throw fail("central directory too large") }
        let cd = ZRBytes(b: try zrRead(fd: fd, path: path, offset: cdOffset, count: Int(cdSize)))

        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(totalEntries))
        var pos = 0
        for index in 0..<Int(totalEntries) {
            guard pos + zrCentralHeaderSize <= cd.b.count, cd.u32(pos) == zrCentralSignature else {
                throw fail("central directory entry \(index) is damaged (no header signature at offset \(cdOffset + UInt64(pos)))")
            }
            let flags = cd.u16(pos + 8)
            let method = cd.u16(pos + 10)
            let crc = cd.u32(pos + 16)
            var csize = UInt64(cd.u32(pos + 20))
            var usize = UInt64(cd.u32(pos + 24))
            let nameLen = Int(cd.u16(pos + 28))
            let extraLen = Int(cd.u16(pos + 30))
            let commentLen = Int(cd.u16(pos + 32))
            var diskStart = UInt32(cd.u16(pos + 34))
            var offset = UInt64(cd.u32(pos + 42))
            let varStart = pos + zrCentralHeaderSize
            let next = varStart + nameLen + extraLen + commentLen
            guard next <= cd.b.count else {
                throw fail("central directory entry \(index) runs past the end of the central directory")
            }
            let nameBytes = cd.b[varStart ..< varStart + nameLen]
            let name = String(decoding: nameBytes, as: UTF8.self)
            func entryFail(_ problem: String) -> ZipReaderError { ZipReaderError(path: path, entry: name, problem: problem) }
            // Zip64 extended information: only the fields saturated in the header, in this order.
            var e = varStart + nameLen
            let extraEnd = e + extraLen
            while e + 4 <= extraEnd {
                let id = cd.u16(e), size = Int(cd.u16(e + 2))
                guard e + 4 + size <= extraEnd else { throw entryFail("extra field runs past its end") }
                if id == 0x0001 {
                    var f = e + 4
                    let fEnd = f + size
                    func take64() throws -> UInt64 {
                        guard f + 8 <= fEnd else { throw entryFail("zip64 extra field is too short") }
                        defer { f += 8 }
                        return cd.u64(f)
                    }
                    if usize == 0xFFFF_FFFF { usize = try take64() }
                    if csize == 0xFFFF_FFFF { csize = try take64() }
                    if offset == 0xFFFF_FFFF { offset = try take64() }
                    if diskStart == 0xFFFF {
                        guard f + 4 <= fEnd else { throw entryFail("zip64 extra field is too short") }
                        diskStart = cd.u32(f)
                    }
                }
                e += 4 + size
            }
            guard diskStart == 0 else { throw entryFail("starts on another disk (spanned archives are not supported)") }
            guard flags & 0x0001 == 0, flags & 0x0040 == 0 else { throw entryFail("is encrypted (not supported)") }
            guard method == 0 || method == 8 else {
                throw entryFail("uses compression method \(method); only stored (0) and deflated (8) are supported")
            }
            guard usize <= limits.maxEntrySize else {
                throw entryFail("declares \(usize) bytes uncompressed, over the limit of \(limits.maxEntrySize)")
            }
            if method == 0 {
                guard csize == usize else {
                    throw entryFail("is stored but its compressed size (\(csize)) differs from its size (\(usize))")
                }
            } else {
                let (maxOut, overflow) = csize.multipliedReportingOverflow(by: zrMaxDeflateRatio)
                guard overflow || usize <= maxOut + 64 else {
                    throw entryFail("declares \(usize) bytes from \(csize) compressed, a ratio no deflate stream can reach (zip bomb or damaged sizes)")
                }
            }
            guard offset < cdOffset else {
                throw entryFail("local header offset \(offset) is outside the entry data area (which ends at \(cdOffset))")
            }
            // The local header: signature, name, method; its extra field length gives the data offset.
            let local = ZRBytes(b: try zrRead(fd: fd, path: path, entry: name, offset: offset,
                                              count: Int(min(UInt64(zrLocalHeaderSize), cdOffset - offset))))
            guard local.b.count == zrLocalHeaderSize, local.u32(0) == zrLocalSignature else {
                throw entryFail("no local file header at offset \(offset) (bad offset or damaged archive)")
            }
            let localNameLen = Int(local.u16(26)), localExtraLen = Int(local.u16(28))
            guard local.u16(8) == method else {
                throw entryFail("local header method \(local.u16(8)) differs from the central directory's (\(method))")
            }
            let dataOffset = offset + UInt64(zrLocalHeaderSize + localNameLen + localExtraLen)
            guard dataOffset <= cdOffset else { throw entryFail("local header runs into the central directory") }
            let localName = try zrRead(fd: fd, path: path, entry: name, offset: offset + UInt64(zrLocalHeaderSize), count: localNameLen)
            guard localName.elementsEqual(nameBytes) else {
                throw entryFail("local header names it \"\(String(decoding: localName, as: UTF8.self))\"")
            }
            guard csize <= cdOffset - dataOffset else {
                throw entryFail("compressed size \(csize) runs past the entry data area (damaged sizes or truncated archive)")
            }
            entries.append(ZipEntry(index: index, name: name, method: method, flags: flags, crc32: crc,
                                    compressedSize: csize, uncompressedSize: usize,
                                    localHeaderOffset: offset, dataOffset: dataOffset))
            pos = next
        }
        guard pos == cd.b.count else {
            throw fail("central directory has \(cd.b.count - pos) bytes after its \(totalEntries) entries (damaged entry count)")
        }

        // No two entries may share bytes, nor a name.
        var seen = Set<String>()
        for e in entries where !seen.insert(e.name).inserted {
            throw ZipReaderError(path: path, entry: e.name, problem: "appears more than once in the archive")
        }
        let byOffset = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for k in 1 ..< max(byOffset.count, 1) {
            let prev = byOffset[k - 1], cur = byOffset[k]
            if prev.dataOffset + prev.compressedSize > cur.localHeaderOffset {
                throw ZipReaderError(path: path, entry: cur.name,
                                     problem: "overlaps entry \(prev.name) (overlapping entries: zip bomb or damaged archive)")
            }
        }
        return ZipReaderDirectory(entries: entries, isZip64: isZip64)
    }
}
