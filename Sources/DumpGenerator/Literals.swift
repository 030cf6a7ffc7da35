import Bytes

/// A piece of ready JSON text (a quoted, escaped string, or a number) prepared once before the
/// hot loop, so writing an event is a run of `memcpy`s with no per-event formatting.
struct Lit {
    let pointer: UnsafePointer<UInt8>
    let count: Int
}

/// Owns the bytes every `Lit` points to; lives as long as the generator that made them.
final class LiteralStore {
    private var blocks: [UnsafeMutablePointer<UInt8>] = []

    deinit { for b in blocks { b.deallocate() } }

    func make(_ bytes: [UInt8]) -> Lit {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        p.initialize(from: bytes, count: bytes.count)
        blocks.append(p)
        return Lit(pointer: UnsafePointer(p), count: bytes.count)
    }

    /// `s` as a JSON string literal (quotes included).
    func string(_ s: String, asciiOnly: Bool = false) -> Lit { make(JSONText.quoted(s, asciiOnly: asciiOnly)) }

    /// `s` as raw JSON text (a number, `true`, an object…), written as is.
    func raw(_ s: String) -> Lit { make(Array(s.utf8)) }
}

/// A write position in memory reserved beforehand (`Cursor.maxEvent` bytes per event).
struct Cursor {
    /// No generated event comes near this (the longest is under 2 KiB).
    static let maxEvent = 16 << 10
    var p: UnsafeMutablePointer<UInt8>

    init(_ p: UnsafeMutablePointer<UInt8>) { self.p = p }

    @inline(__always) mutating func put(_ lit: Lit) {
        p.update(from: lit.pointer, count: lit.count)
        p += lit.count
    }

    @inline(__always) mutating func put(_ s: StaticString) {
        p.update(from: s.utf8Start, count: s.utf8CodeUnitCount)
        p += s.utf8CodeUnitCount
    }

    @inline(__always) mutating func byte(_ b: UInt8) {
        p.pointee = b
        p += 1
    }

    /// The decimal digits of a non-negative `value`.
    @inline(__always) mutating func decimal(_ value: Int) {
        var digits = 1
        var t = value
        while t >= 10 { t /= 10; digits += 1 }
        var v = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            p[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
        }
        p += digits
    }
}

/// JSON text for the catalog, the request payloads and the literal tables (never the hot loop).
public enum JSONText {
    /// `s` as a JSON string: quotes, backslashes and control characters escaped. With
    /// `asciiOnly`, every non-ASCII character becomes `\uXXXX` (a surrogate pair beyond the BMP),
    /// as Python's `json.dumps` writes by default.
    public static func quoted(_ s: String, asciiOnly: Bool = false) -> [UInt8] {
        var out: [UInt8] = [0x22]
        let hex = Array("0123456789abcdef".utf8)
        func escapeUnit(_ u: UInt16) {
            out += [0x5C, 0x75, hex[Int(u >> 12)], hex[Int(u >> 8 & 15)], hex[Int(u >> 4 & 15)], hex[Int(u & 15)]]
        }
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0..<0x20: escapeUnit(UInt16(scalar.value))
            case 0x20..<0x80: out.append(UInt8(scalar.value))
            default:
                if asciiOnly {
                    for unit in String(scalar).utf16 { escapeUnit(unit) }
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(0x22)
        return out
    }

    public static func quotedString(_ s: String) -> String { String(decoding: quoted(s), as: UTF8.self) }
}

/// Lowercase or uppercase hex digits, for ids written straight into the output.
enum HexDigits {
    static let lower: UnsafePointer<UInt8> = StaticString("0123456789abcdef").utf8Start
    static let upper: UnsafePointer<UInt8> = StaticString("0123456789ABCDEF").utf8Start
}

extension Cursor {
    /// `"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"` (a version-4 UUID from two random words), quoted.
    @inline(__always) mutating func putUUID(_ hi: UInt64, _ lo: UInt64, uppercase: Bool) {
        let h = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let l = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let dst = p
        let d = uppercase ? HexDigits.upper : HexDigits.lower
        do {
            dst[0] = 0x22
            var o = 1
            for i in 0..<16 {
                if i == 4 || i == 6 || i == 8 || i == 10 { dst[o] = 0x2D; o += 1 }
                let byte = i < 8 ? UInt8(truncatingIfNeeded: h >> UInt64(56 - 8 * i))
                                 : UInt8(truncatingIfNeeded: l >> UInt64(56 - 8 * (i - 8)))
                dst[o] = d[Int(byte >> 4)]
                dst[o + 1] = d[Int(byte & 15)]
                o += 2
            }
            dst[37] = 0x22
        }
        p += 38
    }

    /// `"` + 32 lowercase hex digits + `"` (a giosg-style visitor id).
    @inline(__always) mutating func putHex32(_ hi: UInt64, _ lo: UInt64) {
        let dst = p
        let d = HexDigits.lower
        do {
            dst[0] = 0x22
            for i in 0..<16 {
                let w = i < 8 ? hi : lo
                let byte = UInt8(truncatingIfNeeded: w >> UInt64(56 - 8 * (i & 7)))
                dst[1 + 2 * i] = d[Int(byte >> 4)]
                dst[2 + 2 * i] = d[Int(byte & 15)]
            }
            dst[33] = 0x22
        }
        p += 34
    }
}

/// The text of a version-4 UUID from two words (same bits as `ByteBuffer.putUUID`).
func uuidString(_ hi: UInt64, _ lo: UInt64) -> String {
    var bytes = [UInt8](repeating: 0, count: 38)
    bytes.withUnsafeMutableBufferPointer { b in
        var c = Cursor(b.baseAddress!)
        c.putUUID(hi, lo, uppercase: false)
    }
    return String(decoding: bytes[1..<37], as: UTF8.self)
}
