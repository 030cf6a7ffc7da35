/// A request's error answer (SPEC §3): the HTTP status and the exact one-line JSON body.
///
/// Two errors are equal when status and body are byte-for-byte equal.
public struct RequestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 400, 404, 406 or 500.
    public let status: Int
    /// The exact one-line JSON body, e.g. `{"detail":"Not found."}`.
    public let body: String

    /// `body` must already be the one-line JSON text (see `ErrorBodyJSON`).
    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    /// The process exit code of SPEC §8: 400 → 40, 404 → 44, 406 → 46, 500 → 50.
    /// Any other status (none is produced) maps to 50, as an unexpected error.
    public var exitCode: Int32 {
        switch status {
        case 400: return 40
        case 404: return 44
        case 406: return 46
        default: return 50
        }
    }

    /// 404 `{"detail":"Not found."}` (SPEC §3 checks 1, 4 and 5).
    public static let notFound = RequestError(status: 404, body: #"{"detail":"Not found."}"#)

    /// `{"detail":"<message>"}` with the message JSON-escaped.
    public static func detail(_ status: Int, _ message: String) -> RequestError {
        RequestError(status: status, body: ErrorBodyJSON.detail(message))
    }

    public var description: String { "\(status) \(body)" }

    public static func == (a: RequestError, b: RequestError) -> Bool {
        a.status == b.status && a.body.utf8.elementsEqual(b.body.utf8)
    }
}
