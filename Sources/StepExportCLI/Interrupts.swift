import FoundationEssentials
import StepExport
import Threads
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every signal whose default action ends the process (SPEC §8) stops it promptly, removing
/// every temporary file first so that no partial output is left; the exit status is 128 + the
/// signal (129 for HUP, 130 for INT, 143 for TERM, …).
///
/// The signals are blocked in every thread (the mask is set before any other thread exists, and
/// threads inherit it) and one thread takes them with `sigwait`: a signal sent at any moment is
/// taken, never lost to a thread that ignores it. SIGPIPE from a write to a closed pipe goes to
/// the writing thread, where it stays blocked: the write fails with `EPIPE` and is reported as
/// the usual 500. SIGXFSZ (a file-size limit, `ulimit -f`) is ignored: the write that passes the
/// limit fails with `EFBIG`, also reported as the usual 500.
///
/// Standard error is told what became of the output (`stepexport: interrupted: nothing written`).
enum Interrupts {
    /// The terminating signals that end the process (after the clean-up).
    static let terminating: [Int32] = [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2]

    /// What an interrupt leaves of the output, as the command running knows it; set before it starts.
    nonisolated(unsafe) static var whatBecameOfTheOutput = "nothing written"

    /// Call from `main` before any thread is started (parsing the arguments starts none): threads
    /// inherit the mask.
    static func install() {
        signal(SIGXFSZ, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        for sig in terminating { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        Threads.start(name: "signal waiter") { [set] in
            var set = set
            var sig: Int32 = 0
            while sigwait(&set, &sig) != 0 {}
            TemporaryFiles.shared.removeAllBeforeExit()
            ProgressDisplay.erase()
            writeStandardError("stepexport: interrupted: \(whatBecameOfTheOutput)\n")
            _exit(128 + sig)
        }
    }
}
