#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way StepExport makes a temporary file: `mkstemp` from a template ending in `XXXXXX`,
/// close-on-exec (a process the engine starts does not inherit it). `StepExport.TemporaryFiles`
/// adds the registry an interrupt cleans up.
public enum TemporaryFile {
    /// The system's folder for temporary files: `$TMPDIR` if set, else `/tmp`, with a trailing
    /// slash (as Foundation's `NSTemporaryDirectory` gives it).
    public static var systemDirectory: String {
        guard let value = getenv("TMPDIR").map({ String(cString: $0) }), !value.isEmpty else { return "/tmp/" }
        return value.hasSuffix("/") ? value : value + "/"
    }

    /// A new file from `template`: its descriptor and path; nil, with `errno` set, when it cannot
    /// be created.
    public static func create(template: String) -> (fd: Int32, path: String)? {
        var bytes = Array(template.utf8CString)
        let fd = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (fd, String(cString: bytes))
    }

    /// A file only its descriptor reaches: created and unlinked at once, so it disappears when
    /// closed, on an error, or if the process dies. Nil, with `errno` set, when it cannot be made.
    public static func anonymous(template: String) -> Int32? {
        guard let (fd, path) = create(template: template) else { return nil }
        unlink(path)
        return fd
    }

    /// Gives back bytes of a temporary file that will not be read again, by punching a hole (the
    /// size stays): the page-cache memory they held is free at once, for the writes that follow
    /// (see `ChunkedWriter` for why that matters). Returns false where the file system cannot
    /// punch holes (nothing happens then).
    @discardableResult
    public static func release(fd: Int32, _ range: Range<Int64>) -> Bool {
        guard let fallocate = GNUCalls.fallocate, !range.isEmpty else { return false }
        return fallocate(fd, GNUCalls.punchHoleKeepingSize, range.lowerBound, range.upperBound - range.lowerBound) == 0
    }

    /// `directory/name`, whether or not `directory` ends in `/`.
    public static func template(in directory: String, _ name: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + name
    }
}
