import Foundation

/// Every temporary file the process has open, so that an interrupt (SIGINT, SIGTERM) can remove
/// them before exiting: no partial output is left behind.
public final class TemporaryFiles: @unchecked Sendable {
    public static let shared = TemporaryFiles()
    private let lock = NSLock()
    private var paths: Set<String> = []

    public func register(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
    public func unregister(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

    /// Removes them all (from a signal handler's thread; `unlink` is async-signal-safe).
    public func removeAll() {
        lock.lock()
        let all = paths
        paths.removeAll()
        lock.unlock()
        for p in all { unlink(p) }
    }
}
