import FoundationEssentials
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import StepExport
import Threads
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `stepexport serve` (SPEC §11): the download endpoint over HTTP/1.1, from a dump.
public enum Server {
    /// Listens until SIGINT or SIGTERM, then stops accepting, lets running exports finish (at most
    /// `shutdownGrace`), removes every temporary file and returns. `listening` is called with the
    /// bound port (useful with port 0).
    public static func run(_ settings: ServeSettings, logger: Logger,
                           listening: @escaping @Sendable (Int) -> Void) async throws {
        guard settings.tokens != nil || isLoopback(host: settings.host) else {
            throw ServeError("refusing to listen on \(settings.host) without --tokens: anyone who reaches it could read the dump")
        }
        raiseOpenFileLimit()
        var quietLogger = logger
        quietLogger.logLevel = .warning  // Hummingbird's own messages; requests have their line.
        let responder = ServeResponder(settings: settings, logger: logger)
        let idle = TimeAmount.nanoseconds(Int64(settings.idleTimeout.components.seconds) * 1_000_000_000
            + settings.idleTimeout.components.attoseconds / 1_000_000_000)
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ClientGoneHandler(), SendingGuardHandler(stallTimeout: idle)],
            idleTimeout: idle,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: settings.maxHeaderBytes,
                                            maxHeaderListSize: settings.maxHeaderBytes))
        let started = StartFlag()
        let app = Application(
            responder: responder,
            server: .http1(configuration: http),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil,
                                 backlog: 4096),
            onServerRunning: { channel in
                started.set()
                listening(channel.localAddress?.port ?? settings.port)
            },
            logger: quietLogger)
        var configuration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: quietLogger)
        // Running exports get this long after the signal; then they are cancelled.
        configuration.maximumGracefulShutdownDuration = settings.shutdownGrace
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch where started.isSet {
            // Exports cut by the grace period end up here; their temporary files go below.
            logger.warning("stopped after the grace period: \(error)")
        }
        TemporaryFiles.shared.removeAllBeforeExit()
    }

    /// 10,000 idle connections need as many descriptors: the soft limit goes up to the hard one.
    private static func raiseOpenFileLimit() {
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}

/// Whether the server got as far as listening (a failure before that is not a shutdown).
private final class StartFlag: @unchecked Sendable {
    private let lock = Lock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

public struct ServeError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
