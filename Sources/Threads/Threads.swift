#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Threads of the project's own (`pthread`), detached: each runs `body` and ends; callers wait
/// for one through their own condition or group. Foundation's `Thread` is not used for the
/// reason `Lock` gives.
public enum Threads {
    /// Starts a thread running `body`; `name` (at most 15 bytes on Linux) shows in `top -H`
    /// and in debuggers. `stackBytes`: the stack's size, where the system's default is not
    /// enough (deeply nested JSON is scanned recursively).
    public static func start(name: String? = nil, stackBytes: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(name: name, run: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackBytes { pthread_attr_setstacksize(&attributes, stackBytes) }
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let started = pthread_create(&thread, &attributes, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            if let name = body.name { Threads.nameCurrent(name) }
            body.run()
            return nil
        }, context)
        // Without a thread the work cannot be done at all: stopping is the only honest answer.
        precondition(started == 0, "cannot start a thread: \(String(cString: strerror(started)))")
        #if canImport(Darwin)
        pthread_detach(thread!)
        #else
        pthread_detach(thread)
        #endif
    }

    private final class Body {
        let name: String?
        let run: @Sendable () -> Void
        init(name: String?, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }

    private static func nameCurrent(_ name: String) {
        #if os(Linux)
        // Linux takes at most 15 bytes and a terminating zero (cut bytes, not characters).
        let bytes = name.utf8.prefix(15).map { CChar(bitPattern: $0) } + [0]
        _ = setName?(pthread_self(), bytes)
        #elseif canImport(Darwin)
        _ = pthread_setname_np(name)
        #endif
    }

    #if os(Linux)
    private typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
    /// `pthread_setname_np`, which Glibc's module leaves out (it needs `_GNU_SOURCE`).
    private static let setName: SetName? = dlsym(nil, "pthread_setname_np").map { unsafeBitCast($0, to: SetName.self) }
    #endif
}
