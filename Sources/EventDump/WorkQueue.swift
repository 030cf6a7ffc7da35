import FoundationEssentials
import Threads

/// A bounded first-in first-out queue between the reading thread and the scanning threads:
/// `push` waits while it is full, so reading never runs far ahead of scanning (memory stays
/// bounded); `pop` waits while it is empty and returns nil once it is closed and drained.
final class WorkQueue<Item>: @unchecked Sendable {
    private let condition = Condition()
    /// Popped slots are set to nil at once, so a popped item is not kept alive by the queue.
    private var items: [Item?] = []
    private var head = 0
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    func push(_ item: Item) {
        condition.lock()
        while items.count - head >= capacity { condition.wait() }
        items.append(item)
        condition.broadcast()
        condition.unlock()
    }

    func pop() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let item = items[head]
        items[head] = nil
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
