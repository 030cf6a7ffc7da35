import Logging

/// The line `serve` logs per request (SPEC §11): method, path, status, bytes, milliseconds and the
/// token's index (never the token); swift-log's handler adds the time and level in front.
struct RequestLogLine: Sendable {
    let method: String
    let path: String
    let quiet: Bool
    let logger: Logger
    var token: Int?
    let started = ContinuousClock.now

    init(method: String, path: String, quiet: Bool, logger: Logger) {
        self.method = method
        self.path = path
        self.quiet = quiet
        self.logger = logger
    }

    /// Logs the answer; `note` says what went wrong while sending (e.g. the client left).
    func log(status: Int, bytes: Int, note: String? = nil) {
        guard !quiet else { return }
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        var text = "\(method) \(path) \(status) \(bytes) bytes \(Int(ms.rounded())) ms"
        if let token { text += " token #\(token)" }
        if let note { text += " (\(note))" }
        logger.info("\(text)")
    }
}
