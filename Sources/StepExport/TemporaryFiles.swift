import Bytes
import FoundationEssentials
import Threads
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every temporary file the process has open, so that an interrupt (SIGINT, SIGTERM) can remove
/// them before exiting: no partial output is left behind.
///
/// Files are created and registered in one step under the lock, and the interrupt path keeps the
/// lock until the process exits, so no file can appear between the clean-up and the exit.
public final class TemporaryFiles: @unchecked Sendable {
    public static let shared = TemporaryFiles()
    private let lock = Lock()
    private var paths: Set<String> = []

    /// Creates a file from an `mkstemp` template (ending in `XXXXXX`) and registers it; nil with
    /// `errno` set when it cannot be created.
    public func create(template: String) -> (fd: Int32, path: String)? {
        lock.lock()
        defer { lock.unlock() }
        guard let file = TemporaryFile.create(template: template) else { return nil }
        paths.insert(file.path)
        return file
    }

    /// An unlinked file from the template (`TemporaryFile.anonymous`), made under the lock so that
    /// an interrupt cannot find it between its creation and its unlinking; nil with `errno` set.
    public func anonymous(template: String) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        return TemporaryFile.anonymous(template: template)
    }

    public func unregister(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

    /// Removes them all and keeps the lock: only for the interrupt path, which exits right after.
    public func removeAllBeforeExit() {
        lock.lock()
        for p in paths { unlink(p) }
    }
}
