#if canImport(Glibc)
import Glibc
#endif
import Bytes

/// Where an event's bytes can be read again after the scan.
struct EventRef {
    /// A file index (≥ 0) for an uncompressed event file, or `-1 - n` for scanning thread n's spool.
    let source: Int32
    let length: Int32
    let offset: Int64
}

/// Keeps the events a scanning thread's visitor wants for later — without keeping their bytes
/// in memory. An event of an uncompressed file can be read again at its dump position, so
/// nothing is kept for it; an event of a gzip file (whose bytes cannot be reached again without
/// inflating it from the start) is copied to this thread's spool: an unlinked temporary file,
/// so it is gone with the process. Memory per spooled event is two words, whatever its size
/// (SPEC §9: bounded memory).
final class EventStore {
    let index: Int32
    private let temporaryDirectory: String
    /// Set by the scanner for the chunk or file being scanned.
    var currentSourceIsCompressed = false
    private var spoolFD: Int32 = -1
    private var spoolSize: Int64 = 0
    private let spoolBuffer = ByteBuffer(capacity: 1 << 20)
    private var spoolError: String?
    /// The spooled events' packed dump positions, ascending (a thread is handed its units of
    /// work in dump order), and where each one's bytes start in the spool.
    private var spooledPositions: [Int64] = []
    private var spoolOffsets: [Int64] = []

    init(index: Int, temporaryDirectory: String) {
        self.index = Int32(index)
        self.temporaryDirectory = temporaryDirectory
    }

    deinit { if spoolFD >= 0 { close(spoolFD) } }

    /// Keeps the event at `position` whose bytes are `bytes` readable after the scan.
    func keep(_ bytes: UnsafeRawBufferPointer, position: DumpPosition) {
        guard currentSourceIsCompressed else { return }
        spooledPositions.append(position.packed)
        spoolOffsets.append(spoolSize + Int64(spoolBuffer.count))
        spoolBuffer.append(bytes)
        if spoolBuffer.count >= 1 << 20 { flushSpool() }
    }

    /// Whether any event went to the spool.
    var hasSpooled: Bool { !spooledPositions.isEmpty }

    /// Where the spooled event at `position` starts in the spool, or nil if it was not spooled here.
    func spoolOffset(of position: DumpPosition) -> Int64? {
        let packed = position.packed
        var low = 0, high = spooledPositions.count
        while low < high {
            let mid = (low + high) / 2
            if spooledPositions[mid] < packed { low = mid + 1 } else { high = mid }
        }
        return low < spooledPositions.count && spooledPositions[low] == packed ? spoolOffsets[low] : nil
    }

    /// Writes out what is buffered; after the scan, before anything is read back. Throws the
    /// first spool write error (a full disk, say).
    func finishWriting() throws {
        flushSpool()
        if let spoolError { throw DumpError.unreadable(path: "the spool file in \(temporaryDirectory)", reason: spoolError) }
    }

    var spoolDescriptor: Int32 { spoolFD }

    private func flushSpool() {
        guard !spoolBuffer.isEmpty, spoolError == nil else { spoolBuffer.removeAll(); return }
        if spoolFD < 0 {
            guard let fd = TemporaryFile.anonymous(template: TemporaryFile.template(in: temporaryDirectory, ".stepexport-spool-XXXXXX")) else {
                spoolError = errnoDescription(); spoolBuffer.removeAll(); return
            }
            spoolFD = fd
        }
        if let code = WholeWrite.write(spoolFD, spoolBuffer.base, spoolBuffer.count) {
            spoolError = errnoDescription(code)
        }
        spoolSize += Int64(spoolBuffer.count)
        spoolBuffer.removeAll()
    }
}
