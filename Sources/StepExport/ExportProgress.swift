import EventDump
import FoundationEssentials
import Threads

/// How far an export (or a batch) has got, for a progress display (SPEC §8: long runs on a
/// terminal show progress). The scan and the writer loop add to it; a display reads it from
/// another thread. Counting is cheap: the scan adds per 512 KiB chunk, the writer per batch of rows.
public final class ExportProgress: @unchecked Sendable {
    /// Bytes of event data read so far.
    public let scan = ScanProgress()
    private let lock = Lock()
    private var written = 0
    private var toWrite = 0
    /// Rows written during the scan, before their number is known.
    private var streamed = 0

    public init() {}

    /// Rows written so far, and the rows the finished selections will write in all: nil while
    /// rows are written during the scan, before anyone knows how many there will be.
    public var rows: (written: Int, total: Int?) {
        lock.lock(); defer { lock.unlock() }
        return (written, streamed > 0 ? nil : toWrite)
    }

    func addRowsToWrite(_ n: Int) { lock.lock(); toWrite += n; lock.unlock() }
    func addRowsWritten(_ n: Int) { lock.lock(); written += n; lock.unlock() }
    /// Rows written during the scan.
    func addRowsStreamed(_ n: Int) { lock.lock(); written += n; streamed += n; lock.unlock() }
    /// Takes back rows written during the scan that will be written again after it (the
    /// stream gave up).
    func retractStreamedRows(_ n: Int) { lock.lock(); written -= n; streamed -= n; lock.unlock() }
}
