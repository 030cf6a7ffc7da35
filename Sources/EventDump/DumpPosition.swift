import Events

/// An event's place in the dump: its file's index in dump order and the byte offset of its first
/// byte in the file's (decompressed) stream. Orders events as SPEC §1 orders them. The reader
/// keeps files under 2^23 and streams under 2^40 bytes, so a position packs into 64 bits.
public struct DumpPosition: Comparable, Hashable, Sendable {
    public let file: Int32
    public let offset: Int64

    public init(file: Int32, offset: Int64) {
        self.file = file
        self.offset = offset
    }

    /// The position in 64 bits, `file << 40 | offset`: ordered as the position is.
    public var packed: Int64 { Int64(file) << 40 | offset }

    public init(packed: Int64) {
        file = Int32(packed >> 40)
        offset = packed & (1 << 40 - 1)
    }

    public static func < (a: DumpPosition, b: DumpPosition) -> Bool {
        a.file != b.file ? a.file < b.file : a.offset < b.offset
    }
}

/// Receives every well-formed event of a scan. The scanner gives each worker thread its own
/// visitor, so a visitor needs no locks; events reach one visitor in dump order, but the dump is
/// spread over all visitors.
public protocol EventVisitor: AnyObject {
    /// `bytes` are the event's bytes (valid only during the call); `event`'s slots point into them.
    /// Returns whether the event is to be read again after the scan (`KeptEvent`, `EventFetcher`):
    /// the scan then keeps its bytes reachable, copying them to a spool file when the event
    /// comes from a gzip file.
    func visit(_ event: inout Event, bytes: UnsafeRawBufferPointer, position: DumpPosition) -> Bool
    /// The scan's units of work — NDJSON chunks and whole `.json` files — are numbered 0, 1, 2, …
    /// in dump order. A visitor hears when its thread begins and ends each one (every unit
    /// handed out is ended, even one the scan then skips), so it can group what it does by unit.
    func beginTask(_ number: Int)
    func endTask(_ number: Int)
}

extension EventVisitor {
    public func beginTask(_ number: Int) {}
    public func endTask(_ number: Int) {}
}

/// Limits of SPEC §2: an event (a line, or an array element) over 64 MiB is malformed.
public enum DumpLimits {
    public static let maxEventBytes = 64 << 20
}
