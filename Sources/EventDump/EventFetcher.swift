#if canImport(Glibc)
import Glibc
#endif
import Bytes

/// Reads kept events back (see `EventStore`) in any order. Reads go through a 1 MiB window per
/// source, so rows that lie near each other in the files — the usual case, since dumps tend to
/// be in time order — cost one read per window, not one per row.
public final class EventFetcher {
    private let files: [DumpFile]
    private let stores: [EventStore]
    private var descriptors: [Int32: Int32] = [:]
    private let window = ByteBuffer(capacity: 1 << 20)
    private var windowSource: Int32 = .min
    private var windowStart: Int64 = 0

    public init(files: [DumpFile], stores: [EventStore]) {
        self.files = files
        self.stores = stores
    }

    deinit {
        for (source, fd) in descriptors where source >= 0 { close(fd) }
    }

    /// The event's bytes, valid until the next call.
    public func bytes(_ ref: EventRef) throws -> UnsafeRawBufferPointer {
        let length = Int(ref.length)
        if ref.source != windowSource || ref.offset < windowStart
            || ref.offset + Int64(length) > windowStart + Int64(window.count) {
            try load(ref)
        }
        return UnsafeRawBufferPointer(start: window.base + Int(ref.offset - windowStart), count: length)
    }

    private func load(_ ref: EventRef) throws {
        let fd = try descriptor(ref.source)
        window.removeAll()
        let want = max(1 << 20, Int(ref.length))
        let p = window.reserve(want)
        var got = 0
        while got < Int(ref.length) {
            let n = pread(fd, p + got, want - got, off_t(ref.offset) + off_t(got))
            if n < 0 {
                if errno == EINTR { continue }
                throw DumpError.unreadable(path: name(ref.source), reason: errnoText())
            }
            if n == 0 {
                throw DumpError.unreadable(path: name(ref.source), reason: "the file changed during the export")
            }
            got += n
        }
        window.commit(got)
        windowSource = ref.source
        windowStart = ref.offset
    }

    private func descriptor(_ source: Int32) throws -> Int32 {
        if let fd = descriptors[source] { return fd }
        let fd: Int32
        if source >= 0 {
            fd = open(files[Int(source)].absolutePath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw DumpError.unreadable(path: name(source), reason: errnoText()) }
        } else {
            fd = stores[Int(-1 - source)].spoolDescriptor
        }
        descriptors[source] = fd
        return fd
    }

    private func name(_ source: Int32) -> String {
        source >= 0 ? files[Int(source)].relativePath : "the spool file"
    }
}
