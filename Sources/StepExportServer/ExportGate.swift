/// At most `limit` exports at once (SPEC §11 `--max-concurrent`); up to `maxWaiting` more wait
/// in arrival order, and a request beyond those is turned away (503).
actor ExportGate {
    private let limit: Int
    private let maxWaiting: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int, maxWaiting: Int) {
        self.limit = limit
        self.maxWaiting = maxWaiting
    }

    /// Takes a slot, waiting for one if need be; false when the queue is full (nothing taken).
    func enter() async -> Bool {
        if running < limit {
            running += 1
            return true
        }
        guard waiting.count < maxWaiting else { return false }
        // `leave()` hands its slot straight to the first waiter, so `running` stays as it is.
        await withCheckedContinuation { waiting.append($0) }
        return true
    }

    /// Gives the slot back (or to the next waiter).
    func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
