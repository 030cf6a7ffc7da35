#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutual-exclusion lock (a `pthread_mutex_t`). The project's own rather than Foundation's
/// `NSLock`, so that the program does not load swift-corelibs-foundation for its locks and
/// threads (README, "No Foundation in the program", says what that costs at every start).
public final class Lock: @unchecked Sendable {
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }
}

/// A lock with a condition variable, used as Foundation's `NSCondition` is: `wait()` is
/// called with the lock held, and returns with it held again.
public final class Condition: @unchecked Sendable {
    private let guarded = Lock()
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        precondition(pthread_cond_init(condition, nil) == 0)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    public func lock() { guarded.lock() }
    public func unlock() { guarded.unlock() }
    /// Waits to be woken (or wakes spuriously: callers wait in a loop on their own test).
    public func wait() { pthread_cond_wait(condition, guarded.mutex) }
    public func signal() { pthread_cond_signal(condition) }
    public func broadcast() { pthread_cond_broadcast(condition) }
}
