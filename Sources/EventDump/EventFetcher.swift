#if canImport(Glibc)
import Glibc
#endif
import Bytes

/// Reads kept events back (`KeptEvent`, through the `DumpScan` that kept them), a batch at a time. A batch's events are read in
/// file order — sorted by source and offset, neighbours less than `gap` apart in one read,
/// every other event with one read of exactly its bytes — so a batch costs one read per
/// stretch of the file it touches, whatever order the rows come in, and no read brings more
/// than `gap` bytes per event that the batch does not need. No `mmap`: an event file that
/// shrinks during the export is a read error (a clean 500), never a SIGBUS.
public final class EventFetcher {
    /// Bytes of other events worth reading through rather than starting another read.
    static let gap: Int64 = 4096

    private let scan: DumpScan
    private var descriptors: [Int32: Int32] = [:]
    private let buffer = ByteBuffer(capacity: 1 << 20)
    /// Where the batch's events are, reused from batch to batch.
    private var refs: [EventRef] = []
    /// The batch's indexes in file order, and where each event starts in `buffer`.
    private var order: [Int] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []

    init(_ scan: DumpScan) { self.scan = scan }

    deinit {
        for (source, fd) in descriptors where source >= 0 { close(fd) }
    }

    /// Reads the events of `kept`; `bytes(at: i)` then gives `kept[i]`'s, until the next load.
    public func load(_ kept: [KeptEvent]) throws {
        refs.removeAll(keepingCapacity: true)
        refs.append(contentsOf: kept.lazy.map(scan.ref))
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: refs.indices)
        order.sort { [refs] a, b in
            refs[a].source != refs[b].source ? refs[a].source < refs[b].source : refs[a].offset < refs[b].offset
        }
        starts.removeAll(keepingCapacity: true)
        starts.append(contentsOf: repeatElement(0, count: refs.count))
        lengths.removeAll(keepingCapacity: true)
        lengths.append(contentsOf: refs.lazy.map { Int($0.length) })
        buffer.removeAll()
        var i = 0
        while i < order.count {
            let first = refs[order[i]]
            var end = first.offset + Int64(first.length)
            var j = i + 1
            while j < order.count, refs[order[j]].source == first.source, refs[order[j]].offset <= end + EventFetcher.gap {
                end = max(end, refs[order[j]].offset + Int64(refs[order[j]].length))
                j += 1
            }
            let at = buffer.count
            try read(first.source, from: first.offset, count: Int(end - first.offset))
            for k in i..<j { starts[order[k]] = at + Int(refs[order[k]].offset - first.offset) }
            i = j
        }
    }

    /// The bytes of the `i`th event of the last `load`.
    public func bytes(at i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffer.base + starts[i], count: lengths[i])
    }

    /// Appends `count` bytes of `source` from `offset` to `buffer`.
    private func read(_ source: Int32, from offset: Int64, count: Int) throws {
        let fd = try descriptor(source)
        let p = buffer.reserve(count)
        var got = 0
        while got < count {
            let n = pread(fd, p + got, count - got, off_t(offset) + off_t(got))
            if n < 0 {
                if errno == EINTR { continue }
                throw DumpError.unreadable(path: name(source), reason: errnoDescription())
            }
            if n == 0 {
                throw DumpError.unreadable(path: name(source), reason: "the file changed during the export")
            }
            got += n
        }
        buffer.commit(got)
    }

    private func descriptor(_ source: Int32) throws -> Int32 {
        if let fd = descriptors[source] { return fd }
        let fd: Int32
        if source >= 0 {
            fd = open(scan.files[Int(source)].absolutePath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw DumpError.unreadable(path: name(source), reason: errnoDescription()) }
        } else {
            fd = scan.stores[Int(-1 - source)].spoolDescriptor
        }
        descriptors[source] = fd
        return fd
    }

    private func name(_ source: Int32) -> String {
        source >= 0 ? scan.files[Int(source)].relativePath : "the spool file"
    }
}
