import CVectorScan
import JSONScan

/// Cuts a `.json` file's stream — one JSON array of events (SPEC §1) — into chunks of whole
/// elements for the scanning threads, as `LineChunker` does with lines, so that an array file is
/// parsed on every core instead of one. A light structural pass (brackets, strings and their
/// escapes; nothing else) finds where each element starts and ends, and each chunk carries that
/// list; the scanning threads then parse each element strictly (`ChunkScanner`). The pass runs
/// on the reading thread, one for the whole file, so inside an element it takes 64-byte blocks
/// at a time (`vector_scan_element_end`, in CVectorScan).
///
/// The array's own syntax is checked here: the `[`, a `,` or `]` after each element, no trailing
/// comma, nothing after the `]`. A break in it cannot be read past (where the next element starts
/// is unknown), so it is a fatal error at its line; the elements before it still go to the
/// scanning threads, so that an earlier malformed element is the one reported. An element
/// longer than the event limit becomes an `oversized` chunk and its bytes are dropped as they are
/// read, while the structural pass goes on through them: memory stays bounded, and the elements
/// after it are still read.
struct ArrayChunker {
    let file: DumpFile
    let index: Int32
    let pool: ChunkBuffers
    let errors: ScanErrors
    /// Told of the file bytes read (compressed, for gzip) as each chunk goes out.
    var progress: ScanProgress?

    /// Reads the file to its end; for a gzip file, returns the check that the scanning threads
    /// complete (`GzipCheck`), to be asked once they have scanned every chunk.
    func run(push: (ScanTask) -> Void) throws -> (check: GzipCheck, streamBytes: Int64)? {
        let source = try ByteSource(file: file)
        let check = source.gzipCheck
        var cutter = ElementCutter(index: index, pool: pool, check: check)
        var fileBytes = FileBytesReporter(source: source, progress: progress)
        defer { fileBytes.report() }
        func pushChunk(_ task: ScanTask) {
            fileBytes.report()
            push(task)
        }
        var broken: ElementCutter.Break?
        do {
            while true {
                cutter.makeRoom()
                let n = try source.read(into: cutter.readPointer, capacity: cutter.readCapacity)
                if n == 0 { break }
                cutter.added(n)
                broken = cutter.advance()
                if broken != nil { break }
                cutter.cut(push: pushChunk)
            }
        } catch {
            cutter.release()
            throw error
        }
        if broken == nil { broken = cutter.end() }
        cutter.flush(push: pushChunk)
        guard let broken else { return check.map { ($0, source.streamBytes) } }
        // A corrupt gzip stream further on outranks the break (as in `LineChunker`): the rest is
        // read first (and its CRC taken), and a corrupt stream is thrown (and recorded at the
        // file's start) instead.
        if let check {
            let (scratch, capacity) = pool.take(minimum: pool.size)
            defer { pool.give(scratch, capacity: capacity) }
            while true {
                let at = source.streamBytes
                let n = try source.read(into: scratch, capacity: capacity)
                if n == 0 { break }
                check.add(scratch, count: n, at: at)
            }
        }
        let location = MalformedEventLocation(file: file.relativePath, line: broken.line + 1, reason: broken.reason)
        errors.recordFatal(.malformedEvent(location), at: DumpPosition(file: index, offset: broken.offset))
        return check.map { ($0, source.streamBytes) }
    }
}

/// The structural pass of `ArrayChunker` over one buffer at a time: the state of the array's
/// syntax and of the element being read carries over from one read to the next.
private struct ElementCutter {
    /// Where the array breaks: 0-based line, stream offset, and why.
    struct Break {
        let line: Int
        let offset: Int64
        let reason: String
    }

    private enum Phase {
        /// Before the `[` (an optional BOM and whitespace).
        case start
        /// After `[` or a comma: whitespace, then an element (or, right after `[`, the `]`).
        case beforeElement(afterComma: Bool)
        case inElement
        /// After an element: whitespace, then `,` or `]`.
        case afterElement
        /// After the `]`: whitespace only.
        case afterClose
    }

    let index: Int32
    let pool: ChunkBuffers
    /// The gzip file's check (nil: not gzip): the chunks carry it to the scanning threads, and the bytes dropped
    /// here (an oversized element's) are added to it at once.
    let check: GzipCheck?

    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes in `buffer`, and how far the pass has looked.
    private var count = 0
    private var p = 0
    /// Stream offset and file line of `buffer[0]`.
    private var offset: Int64 = 0
    private var line = 0
    private var ordinal = 0
    private var phase = Phase.start
    private var spans: [ElementChunk.Span] = []

    // The element being read.
    private var elementStart = 0
    private var depth = 0
    private var inString = false
    /// A backslash was the last byte read: the byte after it is skipped whatever it is.
    private var escaped = false
    /// The element passed the event limit: its bytes are dropped as they come.
    private var dropping = false
    /// The file has ended: no more bytes will come.
    private var atEnd = false

    /// Reads go in pieces of half a pooled buffer, so the element carried over always fits.
    private let step: Int

    init(index: Int32, pool: ChunkBuffers, check: GzipCheck?) {
        self.index = index
        self.pool = pool
        self.check = check
        step = pool.size / 2
        (buffer, capacity) = pool.take(minimum: step)
    }

    var readPointer: UnsafeMutablePointer<UInt8> { buffer + count }
    /// A long element still open is read on in big pieces, not `step` at a time.
    var readCapacity: Int { count > step ? capacity - count : step }

    /// Gives the buffer back after a failed read (a corrupt gzip stream), so that it does not leak.
    func release() { pool.give(buffer, capacity: capacity) }

    /// A bigger buffer when less than `step` is free.
    mutating func makeRoom() {
        guard capacity - count < step else { return }
        let (bigger, biggerCapacity) = pool.take(minimum: max(count + step, capacity * 2))
        bigger.update(from: buffer, count: count)
        pool.give(buffer, capacity: capacity)
        (buffer, capacity) = (bigger, biggerCapacity)
    }

    mutating func added(_ n: Int) { count += n }

    /// Hands on every complete element of the buffer as a chunk, and starts the next buffer with
    /// what is left (the element still open, or nothing). An element that passes the event limit
    /// is reported as an oversized chunk and dropped from then on.
    mutating func cut(push: (ScanTask) -> Void) {
        if dropping {
            // Nothing of the open element is kept: the buffer refills from its start.
            forget(count)
            return
        }
        let keep = isInElement ? elementStart : p
        if keep == 0 {
            guard isInElement && count > DumpLimits.maxEventBytes else { return }
            // The chunk takes the buffer (and gives it back to the pool once scanned): the
            // bookkeeping is done before it goes.
            let oversized = ElementChunk(chunk: chunk(count: 0, oversized: true), spans: [], firstLine: line)
            check?.add(buffer, count: count, at: offset)
            line += newlineCount(buffer, count)
            offset += Int64(count)
            p = 0
            count = 0
            dropping = true
            push(.elements(oversized))
            ordinal += 1
            (buffer, capacity) = pool.take(minimum: step)
            return
        }
        let (next, nextCapacity) = pool.take(minimum: count - keep + step)
        next.update(from: buffer + keep, count: count - keep)
        let complete = ElementChunk(chunk: chunk(count: keep, oversized: false), spans: spans, firstLine: line)
        line += newlineCount(buffer, keep)
        offset += Int64(keep)
        push(.elements(complete))
        ordinal += 1
        (buffer, capacity) = (next, nextCapacity)
        count -= keep
        p -= keep
        if isInElement { elementStart -= keep }
        spans.removeAll(keepingCapacity: true)
    }

    /// Hands on the whole buffer (the last chunk of the file, or what lies before a break).
    mutating func flush(push: (ScanTask) -> Void) {
        if count > 0 || !spans.isEmpty {
            push(.elements(ElementChunk(chunk: chunk(count: count, oversized: false), spans: spans, firstLine: line)))
        } else {
            pool.give(buffer, capacity: capacity)
        }
    }

    /// The file has ended: the pass runs over what is left (a BOM is no longer waited for), then
    /// says what the array still lacks, if anything.
    mutating func end() -> Break? {
        atEnd = true
        if let broken = advance() { return broken }
        switch phase {
        case .start:
            return breakAt(count, "the file must hold one JSON array of events")
        case .inElement:
            // A truncated element is still handed on (its parse reports it), then the array is unclosed.
            if !dropping { spans.append(.init(start: Int32(elementStart), end: Int32(count))) }
            return breakAt(count, "the array is not closed: the file ends inside it")
        case .beforeElement, .afterElement:
            return breakAt(count, "the array is not closed: the file ends inside it")
        case .afterClose:
            return nil
        }
    }

    private var isInElement: Bool { if case .inElement = phase { return true } else { return false } }

    private func chunk(count: Int, oversized: Bool) -> Chunk {
        Chunk(file: index, ordinal: ordinal, offset: offset, bytes: buffer, capacity: capacity, count: count, pool: pool,
              oversized: oversized, gzipCheck: check)
    }

    /// Drops the first `n` bytes of the buffer (an oversized element's), keeping the count of lines.
    private mutating func forget(_ n: Int) {
        check?.add(buffer, count: n, at: offset)
        line += newlineCount(buffer, n)
        offset += Int64(n)
        buffer.update(from: buffer + n, count: count - n)
        count -= n
        p -= n
        elementStart = 0
    }

    private func breakAt(_ q: Int, _ reason: String) -> Break {
        Break(line: line + newlineCount(buffer, q), offset: offset + Int64(q), reason: reason)
    }

    /// Runs the pass over the bytes read so far; returns the break, if the array has one.
    mutating func advance() -> Break? {
        while p < count {
            switch phase {
            case .start:
                // A BOM is looked for once three bytes are in (or the file has ended: see `end`).
                if offset == 0 && p == 0 {
                    if count < 3 && !atEnd { return nil }
                    if count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { p = 3; continue }
                }
                skipWhitespace()
                guard p < count else { return nil }
                guard buffer[p] == UInt8(ascii: "[") else { return breakAt(p, "the file must hold one JSON array of events") }
                p += 1
                phase = .beforeElement(afterComma: false)
            case .beforeElement(let afterComma):
                skipWhitespace()
                guard p < count else { return nil }
                if buffer[p] == UInt8(ascii: "]") {
                    if afterComma { return breakAt(p, "a comma is followed by ']' (trailing commas are not JSON)") }
                    p += 1
                    phase = .afterClose
                    continue
                }
                elementStart = p
                depth = 0
                inString = false
                escaped = false
                phase = .inElement
            case .inElement:
                guard let end = elementEnd() else { return nil }
                if dropping {
                    dropping = false
                    forget(end)
                } else {
                    spans.append(.init(start: Int32(elementStart), end: Int32(end)))
                }
                phase = .afterElement
            case .afterElement:
                skipWhitespace()
                guard p < count else { return nil }
                switch buffer[p] {
                case UInt8(ascii: ","): phase = .beforeElement(afterComma: true)
                case UInt8(ascii: "]"): phase = .afterClose
                default: return breakAt(p, "expected ',' or ']' after an element")
                }
                p += 1
            case .afterClose:
                skipWhitespace()
                if p < count { return breakAt(p, "unexpected data after the array") }
            }
        }
        return nil
    }

    private mutating func skipWhitespace() {
        while p < count && JSONBytes.isWhitespace(buffer[p]) { p += 1 }
    }

    /// Moves `p` on through the open element; returns where the element ends once it does (the
    /// index after its last byte), or nil when the buffer ends first. The element ends after the
    /// bracket that closes its first one, after a string at the top level, or before a comma,
    /// whitespace or closing bracket at the top level (a bare scalar): the same bounds the
    /// strict parser then holds it to.
    private mutating func elementEnd() -> Int? {
        let b = buffer
        let n = count
        let classes = elementByteClasses
        var i = p
        var depth = self.depth
        var inString = self.inString
        defer {
            // Where the pass stopped: the element's end, or the buffer's (past it after a backslash).
            p = min(i, n)
            self.depth = depth
            self.inString = inString
        }
        if escaped {
            escaped = false
            i += 1
        }
        // Where 64-byte blocks may be scanned again (after a block the vector pass left to this one).
        var blocksFrom = i
        while i < n {
            // Inside the element's brackets, 64 bytes at a time (`vector_scan_element_end`).
            if depth > 0 && i &+ 64 <= n && i >= blocksFrom {
                var state = vector_element_state(depth: depth, in_string: inString ? 1 : 0, escaped: 0)
                var at = 0
                let end = vector_scan_element_end(b, i, n, &state, &at)
                if end >= 0 {
                    depth = 0
                    inString = false
                    i = end
                    return i
                }
                depth = state.depth
                inString = state.in_string != 0
                // On from where the blocks stopped (the buffer's end, perhaps), past the byte a
                // backslash escapes.
                i = at
                blocksFrom = at &+ 64
                if state.escaped != 0 {
                    i &+= 1
                    if i > n { escaped = true }
                }
                continue
            }
            // Then eight bytes at a time while they hold no backslash.
            if depth > 0 && i &+ 8 <= n {
                let word = UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
                if zeros(word ^ 0x5C5C_5C5C_5C5C_5C5C) == 0 {
                    let quotes = zeros(word ^ 0x2222_2222_2222_2222)
                    // `[` and `]` are `{` and `}` without the 0x20 bit.
                    let folded = word | 0x2020_2020_2020_2020
                    let brackets = zeros(folded ^ 0x7B7B_7B7B_7B7B_7B7B) | zeros(folded ^ 0x7D7D_7D7D_7D7D_7D7D)
                    if brackets == 0 {
                        // Only quotes (or nothing): an odd count of them flips the string state.
                        var parity = quotes ^ (quotes >> 32)
                        parity ^= parity >> 16
                        parity ^= parity >> 8
                        if parity & 0x80 != 0 { inString.toggle() }
                        i &+= 8
                        continue
                    }
                    // Bit k set: byte k is inside a string (an opening quote is, a closing one is not).
                    var inside = prefixParity(byteFlags(quotes))
                    if inString { inside ^= 0xFF }
                    var structural = byteFlags(brackets) & ~inside
                    while structural != 0 {
                        let k = structural.trailingZeroBitCount
                        let c = b[i &+ k]
                        if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                            depth &+= 1
                        } else {
                            depth &-= 1
                            if depth == 0 {
                                inString = false
                                i &+= k &+ 1
                                return i
                            }
                        }
                        structural &= structural &- 1
                    }
                    inString = inside & 0x80 != 0
                    i &+= 8
                    continue
                }
            }
            // One byte: at the top level (the element's first byte, or a bare scalar the parser
            // will refuse), near the buffer's end, or where a backslash is.
            let c = b[i]
            if inString {
                switch c {
                case UInt8(ascii: "\\"):
                    i &+= 2
                    if i > n { escaped = true }
                    continue
                case UInt8(ascii: "\""):
                    inString = false
                    i &+= 1
                    if depth == 0 { return i }
                    continue
                default:
                    i &+= 1
                    continue
                }
            }
            switch classes[Int(c)] {
            case .ordinary:
                break
            case .quote:
                inString = true
            case .open:
                depth &+= 1
            case .close:
                if depth == 0 { return i }
                depth &-= 1
                if depth == 0 {
                    i &+= 1
                    return i
                }
            case .separator:
                if depth == 0 { return i }
            }
            i &+= 1
        }
        return nil
    }
}

/// The bytes of `x` that are zero, flagged in their high bit. Exact for every byte: adding 0x7F
/// to a byte's low seven bits cannot carry into the next byte. (The shorter `(x - 0x01…) & ~x`
/// flags only the lowest zero byte exactly: the bytes above it can be flagged by its borrow.)
@inline(__always) private func zeros(_ x: UInt64) -> UInt64 {
    let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    return ~((((x & lows) &+ lows) | x) | lows)
}

/// The high bits of a word's eight bytes as the low eight bits (bit k: byte k).
@inline(__always) private func byteFlags(_ flags: UInt64) -> UInt64 {
    ((flags >> 7) &* 0x0102_0408_1020_4080) >> 56
}

/// Bit k of the result: the parity of bits 0 through k of `x` (eight bits).
@inline(__always) private func prefixParity(_ x: UInt64) -> UInt64 {
    var p = x ^ (x << 1)
    p ^= p << 2
    p ^= p << 4
    return p & 0xFF
}

private enum ElementByte: UInt8 {
    case ordinary, quote, open, close, separator
}

/// What each byte means to the structural pass outside strings: a table made once, read
/// through a pointer (an array would be checked for bounds and initialization at every byte).
private let elementByteClasses: UnsafePointer<ElementByte> = {
    let table = UnsafeMutablePointer<ElementByte>.allocate(capacity: 256)
    for byte in 0...255 {
        switch UInt8(byte) {
        case UInt8(ascii: "\""): table[byte] = .quote
        case UInt8(ascii: "{"), UInt8(ascii: "["): table[byte] = .open
        case UInt8(ascii: "}"), UInt8(ascii: "]"): table[byte] = .close
        case UInt8(ascii: ","), 0x20, 0x0A, 0x0D, 0x09: table[byte] = .separator
        default: table[byte] = .ordinary
        }
    }
    return UnsafePointer(table)
}()
