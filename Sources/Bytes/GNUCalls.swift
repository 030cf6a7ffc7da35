#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Linux calls that Swift's Glibc module does not export (they need `_GNU_SOURCE`), each looked
/// up once by name; nil where the C library lacks it, and off Linux.
enum GNUCalls {
    /// `syncfs(fd)`: writes the file system holding `fd` to disk.
    static let syncfs: (@convention(c) (Int32) -> Int32)? = lookup("syncfs")
    /// `sync_file_range(fd, offset, count, flags)`.
    static let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = lookup("sync_file_range")
    /// `fallocate(fd, mode, offset, length)` (64-bit offsets on every 64-bit Linux).
    static let fallocate: (@convention(c) (Int32, Int32, Int64, Int64) -> Int32)? = lookup("fallocate")

    /// `O_DIRECT`, whose value differs between architectures; nil where it is not known.
    static let directIO: Int32? = {
        #if os(Linux) && arch(x86_64)
        return 0o40000
        #elseif os(Linux) && arch(arm64)
        return 0o200000
        #else
        return nil
        #endif
    }()

    /// `SYNC_FILE_RANGE_WRITE`: start writing the dirty pages of the range, without waiting.
    static let syncFileRangeWrite: UInt32 = 2
    /// `FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE`: free a range's blocks, the size unchanged.
    static let punchHoleKeepingSize: Int32 = 0x01 | 0x02

    private static func lookup<Function>(_ name: String) -> Function? {
        #if os(Linux)
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
        #else
        return nil
        #endif
    }
}
