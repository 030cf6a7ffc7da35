import Foundation
import StepExport

/// Every signal whose default action ends the process (SPEC §8) stops it promptly, removing
/// every temporary file first so that no partial output is left; the exit status is 128 + the
/// signal (129 for HUP, 130 for INT, 143 for TERM, …).
///
/// SIGXFSZ (a file-size limit, `ulimit -f`) is ignored instead: the write that passes the limit
/// then fails with `EFBIG`, which the export reports as its usual 500 `Cannot write …`. SIGPIPE
/// from a write to a closed pipe is not delivered while it is ignored, so the write fails with
/// `EPIPE` and is reported the same way; SIGPIPE sent by another process ends it like the others.
///
/// Standard error is told what became of the output (`stepexport: interrupted: nothing written`).
enum Interrupts {
    /// The terminating signals that end the process (after the clean-up).
    static let terminating: [Int32] = [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2]

    private static var sources: [DispatchSourceSignal] = []
    /// What an interrupt leaves of the output, as the command running knows it; set before it starts.
    nonisolated(unsafe) static var whatBecameOfTheOutput = "nothing written"

    static func install() {
        signal(SIGXFSZ, SIG_IGN)
        for sig in terminating {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                TemporaryFiles.shared.removeAllBeforeExit()
                ProgressDisplay.erase()
                writeStandardError("stepexport: interrupted: \(whatBecameOfTheOutput)\n")
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
