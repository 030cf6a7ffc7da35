import Foundation
import StepExportTestSupport
import Threads
import XCTest

/// The locks, conditions and threads of `Threads`, which replace Foundation's in the program.
final class ThreadsTests: XCTestCase {
    /// Producers and consumers through one condition: every item is taken once, none is lost,
    /// and every thread started runs to its end.
    func testConditionHandsEveryItemOverOnce() {
        let condition = Condition()
        final class Shared: @unchecked Sendable {
            var queue: [Int] = []
            var taken: [Int] = []
            var producing = 4
            var running = 0
        }
        let shared = Shared()
        let perProducer = 5_000
        for p in 0..<4 {
            condition.lock(); shared.running += 1; condition.unlock()
            Threads.start(name: "producer \(p)") {
                for i in 0..<perProducer {
                    condition.lock()
                    shared.queue.append(p * perProducer + i)
                    condition.signal()
                    condition.unlock()
                }
                condition.lock()
                shared.producing -= 1
                shared.running -= 1
                condition.broadcast()
                condition.unlock()
            }
        }
        for _ in 0..<3 {
            condition.lock(); shared.running += 1; condition.unlock()
            Threads.start {
                condition.lock()
                while true {
                    while shared.queue.isEmpty && shared.producing > 0 { condition.wait() }
                    guard let item = shared.queue.popLast() else { break }
                    shared.taken.append(item)
                }
                shared.running -= 1
                condition.broadcast()
                condition.unlock()
            }
        }
        condition.lock()
        while shared.running > 0 { condition.wait() }
        condition.unlock()
        XCTAssertEqual(shared.taken.sorted(), Array(0..<(4 * perProducer)))
    }

    /// A lock keeps concurrent increments whole.
    func testLockExcludes() {
        let lock = Lock()
        final class Counter: @unchecked Sendable { var value = 0 }
        let counter = Counter()
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Threads.start {
                for _ in 0..<100_000 {
                    lock.lock()
                    counter.value += 1
                    lock.unlock()
                }
                group.leave()
            }
        }
        group.wait()
        XCTAssertEqual(counter.value, 400_000)
    }

    /// A thread gets the stack it asks for (the scanning threads' 8 MiB for nested JSON), and
    /// its name.
    func testStackSizeAndName() {
        final class Seen: @unchecked Sendable {
            var stack = 0
            var name = ""
        }
        let seen = Seen()
        let done = DispatchSemaphore(value: 0)
        Threads.start(name: "a long thread name", stackBytes: 8 << 20) {
            // `pthread_getattr_np` needs `_GNU_SOURCE`, which Glibc's module leaves out.
            typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
            if let symbol = dlsym(nil, "pthread_getattr_np") {
                var attributes = pthread_attr_t()
                _ = unsafeBitCast(symbol, to: GetAttributes.self)(pthread_self(), &attributes)
                pthread_attr_getstacksize(&attributes, &seen.stack)
                pthread_attr_destroy(&attributes)
            }
            seen.name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?
                .trimmingCharacters(in: .newlines) ?? ""
            done.signal()
        }
        done.wait()
        XCTAssertGreaterThanOrEqual(seen.stack, 8 << 20)
        XCTAssertEqual(seen.name, "a long thread n", "cut to Linux's 15 bytes")
    }

    /// The program itself does not load swift-corelibs-foundation (README, "No Foundation in the
    /// program"): what this module is for. Its libraries as the dynamic linker resolves them.
    func testTheProgramLoadsNoFoundation() throws {
        guard let ldd = pathOfProgram("ldd") else { try skipOrFailUnderCI("ldd is not installed") }
        let result = try runProcess(URL(fileURLWithPath: ldd), [TestPaths.executable.path])
        let libraries = String(decoding: result.stdout, as: UTF8.self)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(libraries.contains("libFoundationEssentials"), libraries)
        // FoundationInternationalization (and its ICU) is linked for named time zones only.
        for unwanted in ["libFoundation.so"] {
            // A build folder from before the change can hold objects that still link Foundation
            // (SwiftPM does not rebuild them): a fresh build does not.
            XCTAssertFalse(libraries.contains(unwanted), "\(unwanted) is loaded (a stale build folder?):\n\(libraries)")
        }
    }
}
