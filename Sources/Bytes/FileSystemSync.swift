#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes everything cached for the file system holding `fd` to disk and waits for it: one
/// call for many files, where an fsync each waits for the disk once per file. Returns 0, or the
/// errno of a failure. Linux's `syncfs`; where it does not exist, `sync`, which reports nothing.
public func syncFileSystem(of fd: Int32) -> Int32 {
    guard let syncfs = GNUCalls.syncfs else {
        sync()
        return 0
    }
    return syncfs(fd) == 0 ? 0 : errno
}
