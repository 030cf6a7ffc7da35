#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing every byte of a piece to a descriptor: the one loop, for every writer in the
/// project (the sinks, the spool files, the standard streams, the fuzz targets' scratch files),
/// that retries `EINTR` and goes on after a short write.
public enum WholeWrite {
    /// The most one call hands the kernel. A buffered write of n bytes gets page-cache folios of
    /// about n bytes (ext4 on Linux 6.18 here), and large folios come from large free blocks. On
    /// a VM with free page reporting (virtio-balloon) the host takes back free blocks of 2 MiB
    /// and more, so once the few hot large blocks are used up (by files written in large pieces,
    /// say) each large folio is memory the host must fault in again, page by page. Small pieces
    /// take small, hot blocks: 400 MB written into a new file in 1 MiB calls took 1.3-1.6 s on
    /// such a machine, in 16-64 KiB calls 0.26-0.45 s (Benchmarks/README.md, "Hot and cold
    /// memory"). The extra calls did not show on a warm machine (paired runs: 0.99).
    public static let pieceBytes = 64 << 10

    /// Writes `count` bytes from `bytes` to `fd`: at `offset` (`pwrite`), or at the file
    /// position when it is nil (`write`, which pipes and terminals need). Returns nil once every
    /// byte is written, else the `errno` of the write that failed.
    public static func write(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int, at offset: Int64? = nil) -> Int32? {
        var done = 0
        while done < count {
            let piece = min(count - done, pieceBytes)
            let n = offset.map { pwrite(fd, bytes + done, piece, off_t($0) + off_t(done)) }
                ?? systemWrite(fd, bytes + done, piece)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            // A non-empty write that takes nothing would loop for ever.
            if n == 0 { return EIO }
            done += n
        }
        return nil
    }

    /// Writes the bytes of `pieces`, one after the other, to `fd` at `offset` (`pwritev`, the
    /// kernel gathering them: no copy into a buffer first), each call ending at a multiple of
    /// `pieceBytes` in the file as the calls of `write` do. Returns nil once every byte is
    /// written, else the `errno` of the write that failed.
    public static func write(_ fd: Int32, gathering pieces: [iovec], at offset: Int64) -> Int32? {
        var call: [iovec] = []
        call.reserveCapacity(gatherCount)
        var at = offset
        // The first piece not wholly written, and how much of it is.
        var first = 0
        var written = 0
        while true {
            while first < pieces.count && pieces[first].iov_len == 0 { first += 1 }
            guard first < pieces.count else { return nil }
            let room = pieceBytes - Int(at % Int64(pieceBytes))
            var want = 0
            var i = first
            var skip = written
            call.removeAll(keepingCapacity: true)
            while i < pieces.count && want < room && call.count < gatherCount {
                let take = min(pieces[i].iov_len - skip, room - want)
                call.append(iovec(iov_base: pieces[i].iov_base.map { $0 + skip }, iov_len: take))
                want += take
                if skip + take == pieces[i].iov_len {
                    i += 1
                    skip = 0
                } else {
                    skip += take
                }
            }
            let n = pwritev(fd, call, Int32(call.count), off_t(at))
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            at += Int64(n)
            // Past the `n` bytes written (fewer than asked for, after a short write).
            var left = n
            while left > 0 {
                let rest = pieces[first].iov_len - written
                if left < rest {
                    written += left
                    left = 0
                } else {
                    left -= rest
                    first += 1
                    written = 0
                }
            }
        }
    }

    /// The most pieces one `pwritev` takes (`IOV_MAX` on Linux).
    static let gatherCount = 1024

    /// Writes all of `text`'s UTF-8 to `fd` at its position; nil once written, else the `errno`.
    public static func write(_ fd: Int32, _ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { utf8 in utf8.baseAddress.flatMap { write(fd, $0, utf8.count) } }
    }

    @inline(__always) private static func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, p, n)
        #elseif canImport(Musl)
        return Musl.write(fd, p, n)
        #else
        return Darwin.write(fd, p, n)
        #endif
    }
}
