import Bytes
import Events
import JSONScan

/// Reads a `.json` event file: one JSON array of event objects (SPEC §1), streamed through a
/// window so that a file of any size is read in bounded memory. A light structural pass finds
/// where each element ends (brackets and strings); the element is then parsed strictly.
///
/// An element that is malformed but well delimited can be skipped with `--skip-invalid`; a
/// broken array (no `[`, a missing comma, a truncated file) cannot be read past, so it always
/// fails the scan.
struct JSONArrayScanner<V: EventVisitor> {
    let file: DumpFile
    let index: Int32
    let visitor: V
    let store: EventStore
    let errors: ScanErrors
    var parser = EventParser()
    var event = Event()
    private(set) var events = 0
    /// Bytes of the file's stream read so far (after decompression).
    var bytesRead: Int64 { windowOffset + Int64(window.count) }
    /// Bytes of the file read from disk (compressed, for gzip), once `run` is over.
    private(set) var fileBytesRead: Int64 = 0

    private let window = ByteBuffer(capacity: 1 << 20)
    /// Stream offset of `window`'s first byte.
    private var windowOffset: Int64 = 0
    /// Newlines before `window`'s first byte, plus those in it before `lineMark`.
    private var lines = 0
    private var lineMark = 0
    private var eof = false

    init(file: DumpFile, index: Int32, visitor: V, store: EventStore, errors: ScanErrors) {
        self.file = file
        self.index = index
        self.visitor = visitor
        self.store = store
        self.errors = errors
    }

    /// A problem that ends the reading of this file.
    private struct Stop: Error {}

    mutating func run() {
        do {
            let source = try ByteSource(file: file)
            defer { fileBytesRead = source.fileBytes }
            store.currentSourceIsCompressed = source.isGzip
            try read(source)
        } catch let error as DumpError {
            // A file that cannot be read or inflated outranks its malformed events (as in `DumpScanner`).
            errors.recordFatal(error, at: DumpPosition(file: index, offset: 0))
        } catch {
            // `Stop`: already recorded.
        }
    }

    private mutating func read(_ source: ByteSource) throws {
        var p = 0
        try fill(source, atLeast: 3)
        if window.count >= 3 && window.base[0] == 0xEF && window.base[1] == 0xBB && window.base[2] == 0xBF { p = 3 }
        p = try skipWhitespace(source, from: p)
        guard p < window.count, window.base[p] == UInt8(ascii: "[") else {
            throw fatal(at: p, "the file must hold one JSON array of events")
        }
        p = try skipWhitespace(source, from: p + 1)
        var expectElement = false
        if p < window.count && window.base[p] == UInt8(ascii: "]") {
            p += 1
        } else {
            while true {
                guard p < window.count else { throw fatal(at: p, "the array is not closed: the file ends inside it") }
                if window.base[p] == UInt8(ascii: "]") && expectElement {
                    throw fatal(at: p, "a comma is followed by ']' (trailing commas are not JSON)")
                }
                p = try element(source, at: p)
                p = try skipWhitespace(source, from: p)
                guard p < window.count else { throw fatal(at: p, "the array is not closed: the file ends inside it") }
                let c = window.base[p]
                if c == UInt8(ascii: ",") {
                    p = try skipWhitespace(source, from: p + 1)
                    expectElement = true
                    continue
                }
                if c == UInt8(ascii: "]") { p += 1; break }
                throw fatal(at: p, "expected ',' or ']' after an element")
            }
        }
        p = try skipWhitespace(source, from: p)
        if p < window.count { throw fatal(at: p, "unexpected data after the array") }
    }

    /// Parses the element starting at `start`; returns the index after it.
    private mutating func element(_ source: ByteSource, at start: Int) throws -> Int {
        var s = start
        let end = try elementEnd(source, start: &s)
        let line = lineNumber(at: s)
        let position = DumpPosition(file: index, offset: windowOffset + Int64(s))
        let element = UnsafeRawBufferPointer(start: window.base, count: end)
        do {
            let parsedEnd = try parser.parse(element, at: s, into: &event)
            if parsedEnd != end {
                recordEvent(position, line, "unexpected data after the event at column \(parsedEnd - s + 1)")
            } else {
                events += 1
                let bytes = UnsafeRawBufferPointer(start: window.base + s, count: end - s)
                if visitor.visit(&event, bytes: bytes, position: position) { store.keep(bytes, position: position) }
            }
        } catch {
            recordEvent(position, line, error.reason)
        }
        return end
    }

    private func recordEvent(_ position: DumpPosition, _ line: Int, _ reason: String) {
        errors.recordEvent(.init(position: position, chunkOrdinal: 0, lineInChunk: line, reason: reason))
    }

    /// Finds the end of the element at `start` by structure alone, reading more as needed. The
    /// window may move, so `start` is updated to the element's new index.
    private mutating func elementEnd(_ source: ByteSource, start: inout Int) throws -> Int {
        // Drop what is behind the element so the window holds only what is still needed.
        dropConsumed(before: &start)
        var p = start
        var depth = 0
        var inString = false
        while true {
            if p >= window.count {
                if p - start > DumpLimits.maxEventBytes {
                    recordEvent(DumpPosition(file: index, offset: windowOffset + Int64(start)), lineNumber(at: start),
                                "the event is larger than 64 MiB")
                    throw Stop()
                }
                if eof { return window.count }
                if try !fill(source, atLeast: p + 1) { return window.count }
                continue
            }
            let c = window.base[p]
            if inString {
                if c == UInt8(ascii: "\\") { p += 2; continue }
                if c == UInt8(ascii: "\"") { inString = false; if depth == 0 { return p + 1 } }
            } else {
                switch c {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return p }
                    depth -= 1
                    if depth == 0 { return p + 1 }
                case UInt8(ascii: ","), 0x20, 0x0A, 0x0D, 0x09:
                    if depth == 0 { return p }
                default: break
                }
            }
            p += 1
        }
    }

    /// Once more than 1 MiB of the window is behind index `p`, drops it (counting its lines) and
    /// moves `p` to the window's new start.
    private mutating func dropConsumed(before p: inout Int) {
        guard p > (1 << 20) else { return }
        countLines(upTo: p)
        window.removeFirst(p)
        windowOffset += Int64(p)
        lineMark -= p
        p = 0
    }

    private mutating func skipWhitespace(_ source: ByteSource, from start: Int) throws -> Int {
        var p = start
        while true {
            while p < window.count && JSONBytes.isWhitespace(window.base[p]) { p += 1 }
            if p < window.count || eof { return p }
            dropConsumed(before: &p)
            _ = try fill(source, atLeast: window.count + 1)
        }
    }

    /// Reads until the window holds `atLeast` bytes or the file ends; false when nothing was added.
    @discardableResult
    private mutating func fill(_ source: ByteSource, atLeast: Int) throws -> Bool {
        var added = false
        while window.count < atLeast && !eof {
            let room = max(1 << 20, atLeast - window.count)
            let n = try source.read(into: window.reserve(room), capacity: room)
            if n == 0 { eof = true } else { window.commit(n); added = true }
        }
        return added
    }

    private mutating func countLines(upTo p: Int) {
        var i = lineMark
        while i < p {
            if window.base[i] == 0x0A { lines += 1 }
            i += 1
        }
        lineMark = p
    }

    /// 0-based line of window index `p`.
    private mutating func lineNumber(at p: Int) -> Int {
        countLines(upTo: p)
        return lines
    }

    private mutating func fatal(at p: Int, _ reason: String) -> Stop {
        let location = MalformedEventLocation(file: file.relativePath, line: lineNumber(at: p) + 1, reason: reason)
        errors.recordFatal(.malformedEvent(location), at: DumpPosition(file: index, offset: windowOffset + Int64(p)))
        return Stop()
    }
}
