#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where finished bytes go. Writers batch their output into large pieces before calling this.
public protocol OutputSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Whether the sink gathers pieces of any size into whole chunks of its own
    /// (`DirectFileSink`): a `ChunkedWriter` then hands each piece straight on, one copy fewer.
    var gathersPieces: Bool { get }
}

extension OutputSink {
    public var gathersPieces: Bool { false }
}

public struct OutputError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "Cannot write \(path): \(reason)" }
}

/// The text of `errno`, as `strerror` gives it.
public func errnoDescription(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// Writes to a file descriptor at its position, each piece whole (`WholeWrite`).
public final class FileDescriptorSink: OutputSink {
    public let fd: Int32
    public let path: String
    public private(set) var bytesWritten: Int64 = 0

    public init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let p = bytes.baseAddress else { return }
        if let code = WholeWrite.write(fd, p, bytes.count) { throw OutputError(path: path, reason: errnoDescription(code)) }
        bytesWritten += Int64(bytes.count)
    }
}

/// Collects everything in memory (tests, small parts).
public final class MemorySink: OutputSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ chunk: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: chunk) }
}
