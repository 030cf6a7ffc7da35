import NIOCore

/// Two guards on the sending side of a connection, where Hummingbird has none:
///
/// - A close asked while written bytes still wait in NIO's buffer (Hummingbird closes right after
///   the last part when a graceful shutdown asked it to) waits until they are on the socket;
///   otherwise the end of a large answer would be dropped.
/// - A client that takes no bytes for `stallTimeout` (the socket stays unwritable) has its
///   connection closed: too slow, like an idle one (SPEC §11).
final class SendingGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny

    private let stallTimeout: TimeAmount
    private var outstandingWrites = 0
    private var deferredClose: EventLoopPromise<Void>?
    private var deferredCloseAsked = false
    private var stallTimer: Scheduled<Void>?

    init(stallTimeout: TimeAmount) { self.stallTimeout = stallTimeout }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        outstandingWrites += 1
        let written = promise ?? context.eventLoop.makePromise()
        written.futureResult.assumeIsolated().whenComplete { _ in
            self.outstandingWrites -= 1
            if self.outstandingWrites == 0 { self.closeIfDeferred(context) }
        }
        context.write(data, promise: written)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, outstandingWrites > 0, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        if let promise {
            if let deferredClose { deferredClose.futureResult.cascade(to: promise) } else { deferredClose = promise }
        }
        deferredCloseAsked = true
        context.flush()
        startStallTimer(context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
        } else {
            startStallTimer(context)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stallTimer?.cancel()
        stallTimer = nil
        context.fireChannelInactive()
    }

    private func startStallTimer(_ context: ChannelHandlerContext) {
        guard stallTimer == nil else { return }
        stallTimer = context.eventLoop.assumeIsolated().scheduleTask(in: stallTimeout) {
            self.stallTimer = nil
            self.deferredCloseAsked = false
            let promise = self.deferredClose
            self.deferredClose = nil
            context.close(mode: .all, promise: promise)
        }
    }

    private func closeIfDeferred(_ context: ChannelHandlerContext) {
        guard deferredCloseAsked else { return }
        deferredCloseAsked = false
        stallTimer?.cancel()
        stallTimer = nil
        let promise = deferredClose
        deferredClose = nil
        context.close(mode: .all, promise: promise)
    }
}
