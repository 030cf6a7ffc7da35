import Hummingbird
import NIOCore

/// Hummingbird's per-request context, keeping the connection (to see its client go away).
struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
