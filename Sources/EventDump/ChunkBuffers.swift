import FoundationEssentials
import Threads

/// The buffers NDJSON chunks are read into, reused rather than freed: a scan cycles through a
/// few dozen megabytes instead of asking malloc for megabyte after megabyte from several threads, which
/// glibc answers by growing per-thread heaps that are never returned (seen as ~190 MB peak RSS
/// on a 170 MB dump before this pool).
final class ChunkBuffers: @unchecked Sendable {
    /// Capacity of a pooled buffer; a chunk that needs more (a line longer than this) gets a
    /// buffer of its own, freed after use.
    let size: Int
    private let limit: Int
    private let lock = Lock()
    private var free: [UnsafeMutablePointer<UInt8>] = []

    init(size: Int, limit: Int) {
        self.size = size
        self.limit = limit
    }

    deinit { for b in free { b.deallocate() } }

    /// A buffer of at least `minimum` bytes, and its capacity.
    func take(minimum: Int) -> (UnsafeMutablePointer<UInt8>, Int) {
        guard minimum <= size else { return (.allocate(capacity: minimum), minimum) }
        lock.lock()
        let pooled = free.popLast()
        lock.unlock()
        return (pooled ?? .allocate(capacity: size), size)
    }

    func give(_ buffer: UnsafeMutablePointer<UInt8>, capacity: Int) {
        if capacity == size {
            lock.lock()
            if free.count < limit {
                free.append(buffer)
                lock.unlock()
                return
            }
            lock.unlock()
        }
        buffer.deallocate()
    }
}
