import Foundation
import StepExport

/// The progress line of a long run on a terminal (SPEC §8), on standard error:
///
///     stepexport: 412.3 MB read (187.4 MB/s)
///     stepexport: 806.0 MB read, 120,000 of 310,512 rows written (95,210 rows/s)
///
/// or, when rows are written during the scan (their number not yet known):
///
///     stepexport: 412.3 MB read, 120,000 rows written (95,210 rows/s)
///
/// Shown only when standard error is a terminal and `--quiet` is off (and not while the export
/// itself goes to a terminal on standard output). It first appears after half a second, so a
/// short run prints nothing but its summary; it is redrawn in place with `\r` four times a second
/// from a timer thread reading the counters the scan and the writers update, and erased before
/// the summary line (or the error body) is printed.
final class ProgressDisplay {
    /// What the export counts; give it to `ExportOptions.progress`.
    let counters = ExportProgress()
    private let queue = DispatchQueue(label: "stepexport.progress")
    private let timer: DispatchSourceTimer
    private let started = DispatchTime.now()
    /// When rows began to be written (on `queue`).
    private var writingSince: DispatchTime?

    /// Whether a line is on the screen now; an interrupt erases it before exiting.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var lineShown = false

    /// A running display, or nil when progress is not to be shown.
    static func start(quiet: Bool, outputIsStandardOutput: Bool = false) -> ProgressDisplay? {
        guard !quiet, isatty(2) == 1, !(outputIsStandardOutput && isatty(1) == 1) else { return nil }
        return ProgressDisplay()
    }

    private init() {
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(250))
        timer.setEventHandler { [unowned self] in self.redraw() }
        timer.resume()
    }

    /// Stops redrawing and erases the line; call before printing the summary or an error.
    func stop() {
        queue.sync {
            timer.cancel()
            ProgressDisplay.erase()
        }
    }

    /// Erases the line if one is shown (also from the interrupt handler, before exiting).
    static func erase() {
        lock.lock(); defer { lock.unlock() }
        if lineShown { writeStandardError("\r\u{1B}[K") }
        lineShown = false
    }

    private func redraw() {
        let now = DispatchTime.now()
        let bytes = counters.scan.bytes
        let rows = counters.rows
        var line = "stepexport: " + megabytes(bytes) + " read"
        if rows.total == 0 && rows.written == 0 {
            line += " (" + megabytes(Int64(Double(bytes) / seconds(from: started, to: now))) + "/s)"
        } else {
            if writingSince == nil { writingSince = now }
            line += ", \(grouped(rows.written))" + (rows.total.map { " of \(grouped($0))" } ?? "") + " rows written"
            let elapsed = seconds(from: writingSince!, to: now)
            if elapsed >= 0.5 { line += " (\(grouped(Int(Double(rows.written) / elapsed))) rows/s)" }
        }
        ProgressDisplay.lock.lock(); defer { ProgressDisplay.lock.unlock() }
        writeStandardError("\r" + line + "\u{1B}[K")
        ProgressDisplay.lineShown = true
    }
}

private func seconds(from start: DispatchTime, to end: DispatchTime) -> Double {
    max(1e-3, Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
}

private func megabytes(_ n: Int64) -> String { String(format: "%.1f MB", Double(n) / 1e6) }

/// 1234567 → "1,234,567".
private func grouped(_ n: Int) -> String {
    var digits = Array(String(n))
    var i = digits.count - 3
    while i > 0 { digits.insert(",", at: i); i -= 3 }
    return String(digits)
}

private func writeStandardError(_ text: String) { StandardStreams.write(2, text) }
