import EventDump
import Events

/// One scanning thread's visitor for several selections sharing a scan (`Selection.visitors(sharing:)`):
/// each event goes to that thread's collector of every selection, and is kept if any of them keeps it.
public final class SharedScanVisitor: EventVisitor {
    private let collectors: [SelectionCollector]

    init(_ collectors: [SelectionCollector]) { self.collectors = collectors }

    public func visit(_ event: inout Event, bytes: UnsafeRawBufferPointer, position: DumpPosition) -> Bool {
        var kept = false
        for collector in collectors {
            if collector.visit(&event, bytes: bytes, position: position) { kept = true }
        }
        return kept
    }
}
