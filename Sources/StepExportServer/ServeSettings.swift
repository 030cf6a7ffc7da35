import FoundationEssentials
import StepExport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stepexport serve` was asked for (SPEC §11), and the limits it keeps.
public struct ServeSettings: Sendable {
    /// The dump folder; read anew by every request.
    public var dump: String
    public var host = "127.0.0.1"
    /// 0: any free port (the one chosen is printed when listening).
    public var port = 8080
    /// Bearer tokens and what they may read; nil: no authentication, loopback only.
    public var tokens: TokenTable?
    /// Origins whose pages may read the answers (`*`: any).
    public var corsOrigins: [String] = []
    /// Exports running at once; the next ones wait.
    public var maxConcurrent = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Requests waiting for an export slot; one more is answered 503.
    public var maxWaiting = 64
    /// How every export is written (formula guard, skip-invalid, threads).
    public var export = ExportOptions()
    /// No line per request on standard error.
    public var quiet = false
    /// A connection with nothing to do (or too slow to finish its request) is closed after this.
    public var idleTimeout: Duration = .seconds(30)
    /// How long running exports may go on after SIGINT or SIGTERM.
    public var shutdownGrace: Duration = .seconds(30)
    /// Largest request body (the payload).
    public var maxBodyBytes = 1 << 20
    /// Largest request head (request line and headers).
    public var maxHeaderBytes = 16 << 10

    public init(dump: String) { self.dump = dump }
}

/// Whether `host` is a loopback address (127.0.0.0/8, ::1) or `localhost`: the only addresses
/// `serve` listens on without `--tokens`.
public func isLoopback(host: String) -> Bool {
    if host == "localhost" { return true }
    var v4 = in_addr()
    if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, host, &v6) == 1 {
        return withUnsafeBytes(of: &v6) { b in b.prefix(15).allSatisfy { $0 == 0 } && b[15] == 1 }
    }
    return false
}
