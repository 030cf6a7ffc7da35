#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file as the file system knows it — device and inode — so that two spellings of one file
/// (`./a`, `sub/../a`, a symbolic or hard link) compare equal. Outputs are checked against the
/// files a request reads by this, never by their paths.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    public init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    /// The file at `path`, symbolic links followed; nil when there is none (or it cannot be seen).
    public init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }

    /// The file open as `fd`; nil when `fd` is not open.
    public init?(descriptor fd: Int32) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        self.init(st)
    }
}
