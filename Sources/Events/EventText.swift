import Bytes
import JSONScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of an event's slots, without allocating. `event` is the buffer starting at the
/// event's first byte (the base its slots are relative to), and the slots come from a successful
/// `EventParser.parse`, so the strings in them are valid JSON.
public enum EventText {
    /// Appends the value of a string slot, escapes decoded (surrogate pairs become one 4-byte
    /// UTF-8 character). A number slot appends its JSON text, an array slot its raw JSON text
    /// (see `appendJoinedStrings`), an absent slot nothing.
    @inlinable
    public static func appendString(_ slot: FieldSlot, of event: UnsafeRawBufferPointer, to out: ByteBuffer) {
        guard slot.form != .absent, slot.length > 0, let base = event.baseAddress else { return }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let from = Int(slot.start)
        let to = from &+ Int(slot.length)
        if slot.form == .escapedString {
            EscapedText.append(p, from, to, to: out)
        } else {
            out.append(UnsafeRawBufferPointer(start: p + from, count: to &- from))
        }
    }

    /// Appends the strings of an array slot (`properties`), decoded, with `separator` between
    /// them (`"; "` for SPEC §5). Any other slot is appended as by `appendString`.
    public static func appendJoinedStrings(_ slot: FieldSlot, of event: UnsafeRawBufferPointer,
                                           separator: StaticString, to out: ByteBuffer) {
        guard slot.form == .array else { return appendString(slot, of: event, to: out) }
        guard let base = event.baseAddress else { return }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let end = Int(slot.start) &+ Int(slot.length) &- 1 // the closing bracket
        var i = Int(slot.start) &+ 1
        var first = true
        while i < end {
            guard p[i] == 0x22 else { i &+= 1; continue } // whitespace and commas
            let open = i &+ 1
            var close = open
            var escaped = false
            while true {
                close = JSONBytes.scanStringRun(p, close, end)
                if close >= end { return } // not valid JSON: not from a successful parse
                let c = p[close]
                if c == 0x22 { break }
                if c == 0x5C { escaped = true; close &+= 2 } else { close &+= 1 }
            }
            if !first { out.append(separator) }
            first = false
            if escaped {
                EscapedText.append(p, open, close, to: out)
            } else {
                out.append(UnsafeRawBufferPointer(start: p + open, count: close &- open))
            }
            i = close &+ 1
        }
    }

    /// Whether the value of a string slot equals the UTF-8 bytes `other`. A plain string is
    /// compared with `memcmp`; an escaped one is decoded on the fly. A number or array slot is
    /// compared by its JSON text; an absent slot equals nothing.
    @inlinable
    public static func equals(_ slot: FieldSlot, of event: UnsafeRawBufferPointer, _ other: UnsafeRawBufferPointer) -> Bool {
        guard slot.form != .absent else { return false }
        let length = Int(slot.length)
        if slot.form != .escapedString {
            guard length == other.count else { return false }
            if length == 0 { return true }
            return memcmp(event.baseAddress! + Int(slot.start), other.baseAddress!, length) == 0
        }
        // Decoding never lengthens the text.
        guard other.count <= length, let base = event.baseAddress else { return false }
        return EscapedText.equals(base.assumingMemoryBound(to: UInt8.self), Int(slot.start),
                                  Int(slot.start) &+ length, other)
    }
}

/// Decoding of valid JSON string text (between the quotes) that has escapes.
public enum EscapedText {
    /// Appends the decoded text of `from ..< to` to `out`.
    @inlinable
    public static func append(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, to out: ByteBuffer) {
        // The decoded text is never longer than the escaped one.
        let dst = out.reserve(to &- from)
        var w = 0
        var i = from
        while i < to {
            let run: Int
            if let hit = memchr(p + i, 0x5C, to &- i) {
                run = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - p
            } else {
                run = to
            }
            (dst + w).update(from: p + i, count: run &- i)
            w &+= run &- i
            i = run
            if i >= to { break }
            let (written, next) = JSONBytes.decodeEscape(p, i, to: dst + w)
            w &+= written
            i = next
        }
        out.commit(w)
    }

    /// Calls `body` with each decoded byte of `from ..< to` until it returns false.
    @inlinable @inline(__always)
    public static func forEachByte(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ body: (UInt8) -> Bool) {
        var four: UInt32 = 0
        var i = from
        while i < to {
            let c = p[i]
            if c != 0x5C {
                if !body(c) { return }
                i &+= 1
                continue
            }
            let (written, next) = withUnsafeMutableBytes(of: &four) { raw in
                JSONBytes.decodeEscape(p, i, to: raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            for k in 0..<written {
                if !body(UInt8(truncatingIfNeeded: UInt32(littleEndian: four) >> UInt32(k &* 8))) { return }
            }
            i = next
        }
    }

    /// Decodes `from ..< to` into `out`; nil when it needs more than `capacity` bytes.
    @inlinable
    public static func decode(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int,
                              into out: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int? {
        var n = 0
        var fits = true
        forEachByte(p, from, to) { b in
            guard n < capacity else { fits = false; return false }
            out[n] = b
            n &+= 1
            return true
        }
        return fits ? n : nil
    }

    /// Whether the decoded text of `from ..< to` equals `other`.
    @inlinable
    public static func equals(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ other: UnsafeRawBufferPointer) -> Bool {
        let q = other.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let m = other.count
        var j = 0
        var i = from
        var four: UInt32 = 0
        while i < to {
            let c = p[i]
            if c != 0x5C {
                guard j < m, q![j] == c else { return false }
                j &+= 1
                i &+= 1
                continue
            }
            let (written, next) = withUnsafeMutableBytes(of: &four) { raw in
                JSONBytes.decodeEscape(p, i, to: raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard j &+ written <= m else { return false }
            for k in 0..<written where q![j &+ k] != UInt8(truncatingIfNeeded: UInt32(littleEndian: four) >> UInt32(k &* 8)) { return false }
            j &+= written
            i = next
        }
        return j == m
    }
}
