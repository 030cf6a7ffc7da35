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
    /// Writes `count` bytes from `bytes` to `fd`: at `offset` (`pwrite`), or at the file
    /// position when it is nil (`write`, which pipes and terminals need). Returns nil once every
    /// byte is written, else the `errno` of the write that failed.
    public static func write(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int, at offset: Int64? = nil) -> Int32? {
        var done = 0
        while done < count {
            let n = offset.map { pwrite(fd, bytes + done, count - done, off_t($0) + off_t(done)) }
                ?? systemWrite(fd, bytes + done, count - done)
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
