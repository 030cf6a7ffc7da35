#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a whole small file (a catalog, a payload) could not be read: the system's errno.
public struct FileReadError: Error, Sendable {
    public let errno: Int32
    /// The system's words, e.g. "No such file or directory".
    public var reason: String { errnoDescription(errno) }
}

/// Reads a whole file with open(2) and read(2), so that a failure keeps the system's reason
/// (a folder given as a file reads as "Is a directory").
public func readWholeFile(_ path: String) throws(FileReadError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw FileReadError(errno: errno) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    // Room for the size it has now: a 200 MB catalog grown by doubling held 384 MB at once.
    var status = stat()
    if fstat(fd, &status) == 0 && status.st_size > 0 { bytes.reserveCapacity(Int(status.st_size)) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n == 0 { return bytes }
        if n < 0 {
            if errno == EINTR { continue }
            throw FileReadError(errno: errno)
        }
        bytes.append(contentsOf: buffer[0..<n])
    }
}
