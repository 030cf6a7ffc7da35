import Foundation
import StepExport

/// SIGINT and SIGTERM stop the process promptly, removing every temporary file first so that no
/// partial output is left; the exit status is 128 + the signal (130, 143).
enum Interrupts {
    private static var sources: [DispatchSourceSignal] = []

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                TemporaryFiles.shared.removeAllBeforeExit()
                ProgressDisplay.erase()
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
