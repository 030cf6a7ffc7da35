import ArgumentParser
import Bytes
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard input, output and error through plain `read` / `write`: a stream that is closed, full
/// or a directory is an error to report (or an exit code), never a crash (SPEC §8) — Foundation's
/// `FileHandle` traps on such errors.
enum StandardStreams {
    /// The most `--payload -` reads from standard input (SPEC §8); more is a usage error.
    static let payloadLimit = 64 << 20

    /// Holds the numbers 0, 1 and 2 when the process started with one of them closed (`<&-`,
    /// `>&-`), so that no file opened later takes the number and gets what was meant for the
    /// stream. The placeholder is `/dev/null` opened the wrong way round — write-only for input,
    /// read-only for output — so the stream still fails as a closed one does (`EBADF`).
    static func holdClosedNumbers() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let placeholder = open("/dev/null", (fd == 0 ? O_WRONLY : O_RDONLY) | O_CLOEXEC)
            if placeholder >= 0 && placeholder != fd {
                dup2(placeholder, fd)
                close(placeholder)
            }
        }
    }

    /// Writes all of `text` to `fd`; false (with `errno` set) when it cannot.
    @discardableResult
    static func write(_ fd: Int32, _ text: String) -> Bool {
        guard let code = WholeWrite.write(fd, text) else { return true }
        errno = code
        return false
    }

    /// Everything readable from `fd`, at most `limit` bytes; the `errno` text on a read error,
    /// or nil as the reason when there is more than `limit`.
    static func readAll(_ fd: Int32, limit: Int) -> Result<[UInt8], ReadError> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable(errnoDescription()))
            }
            if n == 0 { return .success(bytes) }
            guard bytes.count + n <= limit else { return .failure(.tooLarge) }
            bytes.append(contentsOf: chunk[..<n])
        }
    }

    enum ReadError: Error {
        case unreadable(String)
        case tooLarge
    }
}

/// Reads the payload file, or standard input for `-`, with its identity (an output may not
/// replace it); a payload that cannot be read, or one over 64 MiB, is a usage error (64).
func readPayload(_ source: String) throws -> (bytes: [UInt8], file: FileIdentity?) {
    let fd = source == "-" ? 0 : open(source, O_RDONLY | O_CLOEXEC)
    let name = source == "-" ? "standard input" : "the payload file \(source)"
    guard fd >= 0 else { throw ValidationError("cannot read \(name): \(errnoDescription())") }
    defer { if fd != 0 { close(fd) } }
    switch StandardStreams.readAll(fd, limit: StandardStreams.payloadLimit) {
    case .success(let bytes): return (bytes, FileIdentity(descriptor: fd))
    case .failure(.unreadable(let reason)): throw ValidationError("cannot read \(name): \(reason)")
    case .failure(.tooLarge): throw ValidationError("the payload on \(name) is over 64 MiB")
    }
}

/// One line on standard error. If standard error cannot be written, the line is lost and the
/// exit code still tells the outcome.
func printError(_ line: String) {
    StandardStreams.write(2, line + "\n")
}
