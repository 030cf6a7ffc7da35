import FoundationEssentials
import StepRequest
import Threads

/// Lets another thread abandon a running export: `stepexport serve` cancels the export of a client
/// that went away. The scan asks before each event file, the writer before each batch of rows; an
/// abandoned export removes its temporary file and answers `RequestError.cancelled`.
public final class ExportCancellation: @unchecked Sendable {
    private let lock = Lock()
    private var cancelled = false

    public init() {}

    public func cancel() { lock.lock(); cancelled = true; lock.unlock() }

    public var isCancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }
}

/// Thrown by the writer loop when the export's `ExportCancellation` is set.
struct ExportCancelled: Error {}

extension RequestError {
    /// The outcome of a cancelled export. Nobody receives it (its client is gone); 499 is the
    /// status servers log for a client that closed the request.
    public static let cancelled = RequestError(status: 499, body: #"{"detail":"Export cancelled."}"#)
}
