import NIOCore

/// Tells a running export that its client went away (SPEC §11: a client that goes away cancels
/// its export). Hummingbird lets the client half-close, so the connection's close alone does not
/// say it: the end of the client's input does, and so does the channel going inactive.
final class ClientGoneHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private var gone = false
    private var callbacks: [() -> Void] = []

    /// Calls `callback` once the client is gone (at once if it is already); on the channel's event loop.
    func whenGone(_ callback: @escaping () -> Void) {
        if gone { callback() } else { callbacks.append(callback) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed? = event as? ChannelEvent { markGone() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        markGone()
        context.fireChannelInactive()
    }

    private func markGone() {
        guard !gone else { return }
        gone = true
        let pending = callbacks
        callbacks = []
        for callback in pending { callback() }
    }
}

extension Channel {
    /// Runs `action` when this connection's client is gone (see `ClientGoneHandler`).
    func whenClientGone(_ action: @escaping @Sendable () -> Void) {
        eventLoop.execute {
            if let handler = try? self.pipeline.syncOperations.handler(type: ClientGoneHandler.self) {
                handler.whenGone(action)
            }
        }
    }
}
