import FoundationEssentials
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import StepExport
import StepRequest
import Threads

/// Maps each HTTP request to the engine and back (SPEC §11): route, method, authentication,
/// body, then `Exporter.run` through the concurrency gate; CORS headers and one log line on
/// every answer.
struct ServeResponder: HTTPResponder {
    typealias Context = ServeContext

    let settings: ServeSettings
    let gate: ExportGate
    let logger: Logger

    init(settings: ServeSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        gate = ExportGate(limit: settings.maxConcurrent, maxWaiting: settings.maxWaiting)
    }

    func respond(to request: Request, context: ServeContext) async throws -> Response {
        var line = RequestLogLine(method: request.method.rawValue, path: request.uri.path, quiet: settings.quiet,
                                  logger: logger)
        var response = await answer(request, context: context, line: &line)
        addCORSHeaders(to: &response, origin: request.headers[.origin])
        // A file is logged by its body once sent (`FileBody`), errors here.
        if response.status != .ok { line.log(status: Int(response.status.code), bytes: response.body.contentLength ?? 0) }
        return response
    }

    private func answer(_ request: Request, context: ServeContext, line: inout RequestLogLine) async -> Response {
        guard let route = DownloadRoute(path: request.uri.path) else { return .error(.notFound) }
        switch request.method {
        case .post: break
        case .options: return preflight()
        default:
            var response = Response.error(.detail(405, "Method \"\(request.method.rawValue)\" not allowed."))
            response.headers[.allow] = "POST, OPTIONS"
            return response
        }
        if let tokens = settings.tokens {
            switch tokens.verdict(authorization: request.headers[.authorization]) {
            case .noCredentials: return .unauthorized("Authentication credentials were not provided.")
            case .invalidToken: return .unauthorized("Invalid token.")
            case .token(let grant):
                line.token = grant.index
                // A malformed path is 404 whoever asks; a well-formed one needs the token's permission.
                if StepRequest.pathIsValid(organizationID: route.organizationID, workflowID: route.workflowID,
                                           stepIndex: route.stepIndex),
                   !grant.allows(organizationID: route.organizationID) {
                    return .error(.detail(403, "You do not have permission to perform this action."))
                }
            }
        }
        let payload: [UInt8]
        switch await readBody(request) {
        case .success(let bytes): payload = bytes
        case .failure(let error): return .error(error)
        }
        return await export(route, payload: payload, channel: context.channel, line: line)
    }

    /// The body, at most `maxBodyBytes` (413 beyond; an announced length beyond it is refused unread).
    private func readBody(_ request: Request) async -> Result<[UInt8], RequestError> {
        let tooLarge = RequestError.detail(413, "Request body too large.")
        if let announced = request.headers[.contentLength].flatMap({ Int($0) }), announced > settings.maxBodyBytes {
            return .failure(tooLarge)
        }
        var bytes: [UInt8] = []
        do {
            for try await buffer in request.body {
                guard bytes.count + buffer.readableBytes <= settings.maxBodyBytes else { return .failure(tooLarge) }
                bytes.append(contentsOf: buffer.readableBytesView)
            }
        } catch {
            return .failure(.detail(400, "Request body incomplete: \(error)"))
        }
        return .success(bytes)
    }

    private func export(_ route: DownloadRoute, payload: [UInt8], channel: any Channel, line: RequestLogLine) async -> Response {
        let cancellation = ExportCancellation()
        channel.whenClientGone { cancellation.cancel() }
        guard await gate.enter() else {
            var response = Response.error(.detail(503, "Server busy, retry later."))
            response.headers[.retryAfter] = "1"
            return response
        }
        let settings = settings
        let options = {
            var options = settings.export
            options.cancellation = cancellation
            return options
        }()
        let outcome: Result<FileAnswer, RequestError>
        if cancellation.isCancelled {
            outcome = .failure(.cancelled)
        } else {
            outcome = await withTaskCancellationHandler {
                await offEventLoops {
                    FileAnswer.export(route, payload: payload, dump: settings.dump,
                                      directory: options.temporaryDirectory, options: options)
                }
            } onCancel: {
                cancellation.cancel()
            }
        }
        await gate.leave()
        switch outcome {
        case .failure(let error): return .error(error)
        case .success(let file):
            var headers = HTTPFields()
            headers[.contentType] = file.contentType
            headers[.contentDisposition] = "attachment; filename=\(file.fileName)"
            return Response(status: .ok, headers: headers, body: FileBody.body(for: file, line: line))
        }
    }

    private func preflight() -> Response {
        var response = Response(status: .noContent)
        response.headers[.allow] = "POST, OPTIONS"
        response.headers[.accessControlAllowMethods] = "POST"
        response.headers[.accessControlAllowHeaders] = "authorization, content-type"
        response.headers[.accessControlMaxAge] = "600"
        return response
    }

    private func addCORSHeaders(to response: inout Response, origin: String?) {
        guard let origin, !settings.corsOrigins.isEmpty else { return }
        if settings.corsOrigins.contains("*") {
            response.headers[.accessControlAllowOrigin] = "*"
        } else if settings.corsOrigins.contains(origin) {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.vary] = "Origin"
        } else {
            // Not an allowed origin: no CORS headers, so its page cannot read the answer.
            response.headers[.accessControlAllowMethods] = nil
            response.headers[.accessControlAllowHeaders] = nil
            response.headers[.accessControlMaxAge] = nil
            return
        }
        response.headers[.accessControlExposeHeaders] = "Content-Disposition"
    }
}

/// Runs blocking work (an export: its own threads, file I/O) on a thread of its own, never on an
/// event loop or a Swift concurrency thread.
func offEventLoops<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Threads.start(stackBytes: 8 << 20) { continuation.resume(returning: work()) }
    }
}

extension Response {
    /// An error answer of SPEC §3 / §11: its status and exact JSON body.
    static func error(_ error: RequestError) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: HTTPResponse.Status(code: error.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: error.body)))
    }

    static func unauthorized(_ detail: String) -> Response {
        var response = Response.error(.detail(401, detail))
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }
}
