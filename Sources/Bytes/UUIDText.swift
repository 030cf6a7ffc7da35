/// 8-4-4-4-12 hexadecimal digits, any case: the request path's ids (SPEC §3.1) and the catalog's.
public func isUUID(_ s: String) -> Bool { uuidValue(s) != nil }

/// A UUID's 32 hex digits as two 64-bit words (its dashes skipped, case ignored), so that two
/// spellings of one UUID compare equal without building strings; nil for anything that is not
/// 8-4-4-4-12 hexadecimal digits.
public func uuidValue(_ uuid: String) -> (UInt64, UInt64)? { uuidValue(utf8: uuid.utf8) }

/// As `uuidValue`, from UTF-8 bytes (a catalog's, read without making a string).
@inlinable
public func uuidValue<Text: Sequence>(utf8: Text) -> (UInt64, UInt64)? where Text.Element == UInt8 {
    var words: (UInt64, UInt64) = (0, 0)
    var n = 0, digits = 0
    for c in utf8 {
        defer { n += 1 }
        if n == 8 || n == 13 || n == 18 || n == 23 {
            guard c == 0x2D else { return nil }
            continue
        }
        let v: UInt8
        switch c {
        case 0x30...0x39: v = c - 0x30
        case 0x41...0x46, 0x61...0x66: v = (c | 0x20) - 0x61 + 10
        default: return nil
        }
        guard digits < 32 else { return nil }
        if digits < 16 { words.0 = words.0 << 4 | UInt64(v) } else { words.1 = words.1 << 4 | UInt64(v) }
        digits += 1
    }
    return n == 36 ? words : nil
}
