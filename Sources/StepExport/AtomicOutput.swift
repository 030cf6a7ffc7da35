import Bytes
#if canImport(Glibc)
import Glibc
#endif

/// An output file that appears only when complete (SPEC §8): bytes go to a hidden temporary
/// file beside the target, which is renamed over the target on `commit()`. Until then the
/// target — and any previous good file there — is untouched; `discard()` removes the temporary.
public final class AtomicOutput {
    public let path: String
    public let temporaryPath: String
    public let sink: FileDescriptorSink
    private var open = true

    public init(path: String) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let template = (directory.isEmpty ? "/" : directory) + "/.\(name).partial-XXXXXX"
        guard let (fd, temporary) = TemporaryFiles.shared.create(template: template) else {
            throw OutputError(path: path, reason: errnoDescription())
        }
        fchmod(fd, 0o644)
        temporaryPath = temporary
        sink = FileDescriptorSink(fd: fd, path: path, flushBehind: true)
    }

    deinit { if open { discard() } }

    /// The directory the temporary file is in (for a writer's own spool files).
    public var directory: String {
        temporaryPath.lastIndex(of: "/").map { String(temporaryPath[..<$0]) } ?? "."
    }

    /// Makes the finished file visible under its name.
    public func commit() throws {
        guard fsync(sink.fd) == 0 || errno == EINVAL else {
            let reason = errnoDescription()
            discard()
            throw OutputError(path: path, reason: reason)
        }
        close(sink.fd)
        open = false
        if rename(temporaryPath, path) != 0 {
            let reason = errnoDescription()
            unlink(temporaryPath)
            TemporaryFiles.shared.unregister(temporaryPath)
            throw OutputError(path: path, reason: reason)
        }
        TemporaryFiles.shared.unregister(temporaryPath)
    }

    /// Abandons the output: the temporary file is removed, the target untouched.
    public func discard() {
        guard open else { return }
        open = false
        close(sink.fd)
        unlink(temporaryPath)
        TemporaryFiles.shared.unregister(temporaryPath)
    }
}
