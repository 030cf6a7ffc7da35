import Events
import JSONScan

/// A scanning thread's parser of chunks (SPEC §1). An NDJSON chunk: `\n` or `\r\n` endings, empty
/// and whitespace-only lines skipped, a UTF-8 BOM at the start of the file skipped; each other
/// line must be exactly one JSON object. A `.json` chunk: each element `ArrayChunker` found must be
/// exactly one JSON object.
struct ChunkScanner<V: EventVisitor> {
    var parser = EventParser()
    var event = Event()
    let visitor: V
    let store: EventStore
    let errors: ScanErrors
    private(set) var events = 0

    init(visitor: V, store: EventStore, errors: ScanErrors) {
        self.visitor = visitor
        self.store = store
        self.errors = errors
    }

    mutating func scan(_ chunk: Chunk) {
        chunk.addToGzipCheck()
        guard DumpPosition(file: chunk.file, offset: chunk.offset) <= errors.currentCutoff() else { return }
        if chunk.oversized {
            errors.recordEvent(.init(position: DumpPosition(file: chunk.file, offset: chunk.offset), chunkOrdinal: chunk.ordinal,
                                     lineInChunk: 0, reason: "the event is larger than 64 MiB"))
            errors.recordNewlines(file: chunk.file, chunk: chunk.ordinal, count: 1)
            return
        }
        store.currentSourceIsCompressed = chunk.compressed
        let base = chunk.bytes
        let count = chunk.count
        var start = 0
        if chunk.offset == 0 && count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { start = 3 }
        let bytes = UnsafeRawBufferPointer(start: base, count: count)
        var line = 0
        while start < count {
            var first = start
            while first < count && base[first] != 0x0A && JSONBytes.isWhitespace(base[first]) { first += 1 }
            var end = first
            if first < count && base[first] != 0x0A {
                // A well-formed line is parsed without looking for its end first; any other line
                // is found (its `\n`) and parsed again within its bounds, for its error.
                if let eventEnd = parser.parseLine(bytes, at: first, into: &event), let lineEnd = lineEnd(base, after: eventEnd, count) {
                    deliver(base, from: first, to: eventEnd, chunk: chunk)
                    end = lineEnd
                } else {
                    end = firstNewline(base + first, count - first).map { first + $0 } ?? count
                    if let reason = parseLine(base, from: first, to: end, chunk: chunk) {
                        errors.recordEvent(.init(position: DumpPosition(file: chunk.file, offset: chunk.offset + Int64(first)),
                                                 chunkOrdinal: chunk.ordinal, lineInChunk: line, reason: reason))
                        if !errors.skipInvalid { return }
                    }
                }
            }
            if end < count { line += 1 }
            start = end + 1
        }
        errors.recordNewlines(file: chunk.file, chunk: chunk.ordinal, count: line)
    }

    /// Where the line ends (its `\n`, or `count`) when only whitespace follows the event that
    /// ended at `i`; nil when something else does.
    private func lineEnd(_ base: UnsafeMutablePointer<UInt8>, after i: Int, _ count: Int) -> Int? {
        var i = i
        while i < count {
            let c = base[i]
            if c == 0x0A { return i }
            guard JSONBytes.isWhitespace(c) else { return nil }
            i += 1
        }
        return i
    }

    mutating func scan(_ elements: ElementChunk) {
        let chunk = elements.chunk
        chunk.addToGzipCheck()
        guard DumpPosition(file: chunk.file, offset: chunk.offset) <= errors.currentCutoff() else { return }
        func record(_ at: Int, _ reason: String) {
            // For a `.json` file the line is the file's own (`ScanErrors.EventProblem`).
            errors.recordEvent(.init(position: DumpPosition(file: chunk.file, offset: chunk.offset + Int64(at)),
                                     chunkOrdinal: chunk.ordinal, lineInChunk: elements.line(at: at), reason: reason))
        }
        if chunk.oversized {
            record(0, "the event is larger than 64 MiB")
            return
        }
        store.currentSourceIsCompressed = chunk.compressed
        for span in elements.spans {
            let (first, end) = (Int(span.start), Int(span.end))
            do {
                let parsedEnd = try parser.parse(UnsafeRawBufferPointer(start: chunk.bytes, count: end), at: first, into: &event)
                guard parsedEnd == end else {
                    record(first, "unexpected data after the event at column \(parsedEnd - first + 1)")
                    if errors.skipInvalid { continue } else { return }
                }
            } catch {
                record(first, error.reason)
                if errors.skipInvalid { continue } else { return }
            }
            events += 1
            let bytes = UnsafeRawBufferPointer(start: chunk.bytes + first, count: end - first)
            let position = DumpPosition(file: chunk.file, offset: chunk.offset + Int64(first))
            if visitor.visit(&event, bytes: bytes, position: position) { store.keep(bytes, position: position) }
        }
    }

    /// Parses the event in `base[first..<end]`; returns why it is malformed, or nil.
    private mutating func parseLine(_ base: UnsafeMutablePointer<UInt8>, from first: Int, to end: Int, chunk: Chunk) -> String? {
        if end - first > DumpLimits.maxEventBytes { return "the event is larger than 64 MiB" }
        let line = UnsafeRawBufferPointer(start: base, count: end)
        let eventEnd: Int
        do {
            eventEnd = try parser.parse(line, at: first, into: &event)
        } catch {
            return error.reason
        }
        var rest = eventEnd
        while rest < end && JSONBytes.isWhitespace(base[rest]) { rest += 1 }
        if rest < end { return "unexpected data after the event at column \(rest - first + 1)" }
        deliver(base, from: first, to: eventEnd, chunk: chunk)
        return nil
    }

    /// Hands the parsed event in `base[first..<eventEnd]` to the visitor.
    private mutating func deliver(_ base: UnsafeMutablePointer<UInt8>, from first: Int, to eventEnd: Int, chunk: Chunk) {
        events += 1
        let bytes = UnsafeRawBufferPointer(start: base + first, count: eventEnd - first)
        let position = DumpPosition(file: chunk.file, offset: chunk.offset + Int64(first))
        if visitor.visit(&event, bytes: bytes, position: position) { store.keep(bytes, position: position) }
    }
}
