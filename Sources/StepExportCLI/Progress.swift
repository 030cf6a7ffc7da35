import Dispatch
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

/// The progress line of a long run on a terminal (SPEC §8), on standard error. While the dump is
/// read — bytes as they lie on disk (compressed bytes for gzip) out of the event files' total:
///
///     stepexport: 412.3 of 1,024.0 MB read (40%), 187.4 MB/s, 0:04 left
///     stepexport: 412.3 of 1,024.0 MB read (40%), 120,000 rows written, 187.4 MB/s, 0:04 left
///
/// (the second when rows are written during the scan, their number not yet known); then, when
/// rows are written after the scan:
///
///     stepexport: 1,024.0 MB read, 120,000 of 310,512 rows written (38%), 95,210 rows/s, 0:02 left
///
/// Without a known total (a batch) the bytes read and the rate only. Numbers are in
/// `NumberStyle`, as in the summary line. Shown only when standard error is a terminal and
/// `--quiet` is off (and not while the export itself goes to a terminal on standard output). It
/// first appears after half a second, so a short run prints nothing but its summary; it is redrawn
/// in place with `\r` five times a second (at most ten, as the issue asks) from a timer thread
/// reading the counters the scan and the writers update, and erased before the summary line (or
/// the error body) is printed.
final class ProgressDisplay {
    /// What the export counts; give it to `ExportOptions.progress`.
    let counters = ExportProgress()
    /// The event files' size on disk, when known.
    private let totalBytes: Int64?
    private let queue = DispatchQueue(label: "stepexport.progress")
    private let timer: DispatchSourceTimer
    private let started = DispatchTime.now()
    /// When rows began to be written after the scan (on `queue`).
    private var writingSince: DispatchTime?

    /// Whether a line is on the screen now; an interrupt erases it before exiting.
    private static let lock = Lock()
    nonisolated(unsafe) private static var lineShown = false

    /// A running display, or nil when progress is not to be shown. `totalBytes` is asked only
    /// when the display is shown.
    static func start(quiet: Bool, outputIsStandardOutput: Bool = false,
                      totalBytes: () -> Int64? = { nil }) -> ProgressDisplay? {
        guard !quiet, isatty(2) == 1, !(outputIsStandardOutput && isatty(1) == 1) else { return nil }
        return ProgressDisplay(totalBytes: totalBytes())
    }

    private init(totalBytes: Int64?) {
        self.totalBytes = totalBytes
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(200))
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
        let line = "stepexport: " + ProgressDisplay.text(read: counters.scan.fileBytes, of: totalBytes,
                                                         rows: counters.rows, rates: rates())
        ProgressDisplay.lock.lock(); defer { ProgressDisplay.lock.unlock() }
        writeStandardError("\r" + line + "\u{1B}[K")
        ProgressDisplay.lineShown = true
    }

    /// Bytes read per second since the start, rows written per second since the writing began.
    private func rates() -> (bytes: Double, rows: Double?) {
        let now = DispatchTime.now()
        let bytes = Double(counters.scan.fileBytes) / seconds(from: started, to: now)
        let rows = counters.rows
        guard rows.written > 0 else { return (bytes, nil) }
        if writingSince == nil { writingSince = now }
        let elapsed = seconds(from: writingSince!, to: now)
        return (bytes, elapsed >= 0.5 ? Double(rows.written) / elapsed : nil)
    }

    /// The line's text (without the `stepexport: ` prefix), from the counters and the rates.
    static func text(read: Int64, of total: Int64?, rows: (written: Int, total: Int?),
                     rates: (bytes: Double, rows: Double?)) -> String {
        typealias N = NumberStyle
        let scanning = rows.total == nil || rows.total == 0 && rows.written == 0
        if scanning {
            var parts: [String]
            if let total, total > 0 {
                parts = [N.megabytes(read).dropLast(3) + " of " + N.megabytes(total) + " read (" + N.percent(read, of: total) + ")"]
            } else {
                parts = [N.megabytes(read) + " read"]
            }
            if rows.written > 0 { parts.append(N.grouped(rows.written) + " rows written") }
            parts.append(N.megabytes(Int64(rates.bytes)) + "/s")
            if let total, total > read, rates.bytes > 0 {
                parts.append(N.duration(Double(total - read) / rates.bytes) + " left")
            }
            return parts.joined(separator: ", ")
        }
        let all = rows.total ?? 0
        var parts = [N.megabytes(read) + " read",
                     N.grouped(rows.written) + " of " + N.grouped(all) + " rows written ("
                        + N.percent(Int64(rows.written), of: Int64(all)) + ")"]
        if let rate = rates.rows, rate > 0 {
            parts.append(N.grouped(Int(rate)) + " rows/s")
            if all > rows.written { parts.append(N.duration(Double(all - rows.written) / rate) + " left") }
        }
        return parts.joined(separator: ", ")
    }
}

private func seconds(from start: DispatchTime, to end: DispatchTime) -> Double {
    max(1e-3, Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
}

/// The event files' size on disk (compressed size for gzip), or nil when they cannot be listed.
func eventBytesOnDisk(_ dump: Dump) -> Int64? {
    guard let files = try? dump.files() else { return nil }
    return files.reduce(0) { sum, file in
        var info = stat()
        return sum + (stat(file.absolutePath, &info) == 0 ? Int64(info.st_size) : 0)
    }
}

/// Text on standard error, for the progress display and the interrupt path (a lost write is no crash).
func writeStandardError(_ text: String) { StandardStreams.write(2, text) }
