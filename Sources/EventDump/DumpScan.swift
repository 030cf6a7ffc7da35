/// An event a visitor kept during the scan (its `visit` returned true): its place in the dump
/// and its length, all it takes to read it again through the scan's `EventFetcher`.
public struct KeptEvent: Sendable {
    public let position: DumpPosition
    public let length: Int32

    public init(position: DumpPosition, length: Int32) {
        self.position = position
        self.length = length
    }
}

/// What a finished scan leaves: what it saw (`report`), and the means to read the kept events
/// again — the event files and the scanning threads' spools (`EventStore`), which live as long
/// as this value. Read-only once the scan is over, so fetchers on several threads may share it.
public final class DumpScan: @unchecked Sendable {
    public let report: ScanReport
    let files: [DumpFile]
    let stores: [EventStore]
    /// The stores that spooled events (none for a dump without gzip files).
    private let spooling: [EventStore]

    init(report: ScanReport, files: [DumpFile], stores: [EventStore]) {
        self.report = report
        self.files = files
        self.stores = stores
        spooling = stores.filter(\.hasSpooled)
    }

    /// Where a kept event's bytes are: in the spool of the thread that kept it, if it came from
    /// a gzip file, else in its own file at its position.
    func ref(_ kept: KeptEvent) -> EventRef {
        for store in spooling {
            if let offset = store.spoolOffset(of: kept.position) {
                return EventRef(source: -1 - store.index, length: kept.length, offset: offset)
            }
        }
        return EventRef(source: kept.position.file, length: kept.length, offset: kept.position.offset)
    }

    /// A reader of kept events, for one thread.
    public func fetcher() -> EventFetcher { EventFetcher(self) }
}
