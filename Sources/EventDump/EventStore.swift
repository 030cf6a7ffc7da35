#if canImport(Glibc)
import Glibc
#endif
import Bytes

/// Where an event's bytes can be read again after the scan.
public struct EventRef: Sendable {
    /// A file index (≥ 0) for an uncompressed event file, or `-1 - n` for scanning thread n's spool.
    public let source: Int32
    public let length: Int32
    public let offset: Int64

    public init(source: Int32, length: Int32, offset: Int64) {
        self.source = source
        self.length = length
        self.offset = offset
    }
}

/// Keeps the events a scanning thread's visitors want for later — without keeping their bytes
/// in memory. An event of an uncompressed file is remembered by its place in that file; an
/// event of a gzip file (whose bytes cannot be reached again without inflating it from the start)
/// is copied to this thread's spool: an unlinked temporary file, so it is gone with the process.
/// Memory per kept event is a few words, whatever the event's size (SPEC §9: bounded memory).
public final class EventStore {
    public let index: Int32
    private let temporaryDirectory: String
    /// Set by the scanner for the chunk or file being scanned.
    var currentSourceIsCompressed = false
    private var spoolFD: Int32 = -1
    private var spoolSize: Int64 = 0
    private let spoolBuffer = ByteBuffer(capacity: 1 << 20)
    private var spoolError: String?
    /// The last event spooled, so that several visitors keeping one event share one copy.
    private var lastSpooled: (position: DumpPosition, ref: EventRef)?

    public init(index: Int, temporaryDirectory: String) {
        self.index = Int32(index)
        self.temporaryDirectory = temporaryDirectory
    }

    deinit { if spoolFD >= 0 { close(spoolFD) } }

    /// Remembers the event at `position` whose bytes are `bytes`.
    public func retain(_ bytes: UnsafeRawBufferPointer, position: DumpPosition) -> EventRef {
        guard currentSourceIsCompressed else {
            return EventRef(source: position.file, length: Int32(bytes.count), offset: position.offset)
        }
        if let last = lastSpooled, last.position == position { return last.ref }
        let ref = EventRef(source: -1 - index, length: Int32(bytes.count), offset: spoolSize + Int64(spoolBuffer.count))
        spoolBuffer.append(bytes)
        if spoolBuffer.count >= 1 << 20 { flushSpool() }
        lastSpooled = (position, ref)
        return ref
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
        var written = 0
        let bytes = spoolBuffer.readable
        while written < bytes.count {
            let n = write(spoolFD, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                spoolError = errnoDescription()
                break
            }
            written += n
        }
        spoolSize += Int64(spoolBuffer.count)
        spoolBuffer.removeAll()
    }
}
