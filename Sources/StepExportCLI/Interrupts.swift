import Foundation
import StepExport

/// SIGINT and SIGTERM stop the process promptly, removing every temporary file first so that no
/// partial output is left; the exit status is 128 + the signal (130, 143). Standard error is told
/// what became of the output (`stepexport: interrupted: nothing written`).
enum Interrupts {
    private static var sources: [DispatchSourceSignal] = []
    /// What an interrupt leaves of the output, as the command running knows it; set before it starts.
    nonisolated(unsafe) static var whatBecameOfTheOutput = "nothing written"

    static func install() {
        for sig in [SIGINT, SIGTERM] {
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
