/// 8-4-4-4-12 hexadecimal digits, any case: the request path's ids (SPEC §3.1) and the catalog's.
public func isUUID(_ s: String) -> Bool { uuidValue(s) != nil }

/// A UUID's 32 hex digits as two 64-bit words (its dashes skipped, case ignored), so that two
/// spellings of one UUID compare equal without building strings; nil for anything that is not
/// 8-4-4-4-12 hexadecimal digits.
public func uuidValue(_ uuid: String) -> (UInt64, UInt64)? {
    var text = uuid
    return text.withUTF8 { uuidValue(utf8: $0) }
}

/// As `uuidValue`, from UTF-8 bytes (a catalog's, read without making a string). Table-driven
/// and without a branch per digit: a million-entry catalog reads two million UUIDs.
public func uuidValue(utf8 bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
    guard bytes.count == 36, let p = bytes.baseAddress,
          p[8] == 0x2D, p[13] == 0x2D, p[18] == 0x2D, p[23] == 0x2D else { return nil }
    return hexDigitValues.withUnsafeBufferPointer { table -> (UInt64, UInt64)? in
        var words: (UInt64, UInt64) = (0, 0)
        var invalid: UInt8 = 0
        // The digits' positions: 0-7, 9-12, 14-17 (the first word), 19-22, 24-35 (the second).
        for i in 0..<18 where i != 8 && i != 13 {
            let v = table[Int(p[i])]
            invalid |= v
            words.0 = words.0 << 4 | UInt64(v & 0x0F)
        }
        for i in 19..<36 where i != 23 {
            let v = table[Int(p[i])]
            invalid |= v
            words.1 = words.1 << 4 | UInt64(v & 0x0F)
        }
        return invalid & 0x80 == 0 ? words : nil
    }
}

/// Each byte's hexadecimal digit value (either case), or 0x80 for a byte that is not one.
private let hexDigitValues: [UInt8] = (0..<256).map { (c: Int) -> UInt8 in
    switch c {
    case 0x30...0x39: return UInt8(c - 0x30)
    case 0x41...0x46: return UInt8(c - 0x41 + 10)
    case 0x61...0x66: return UInt8(c - 0x61 + 10)
    default: return 0x80
    }
}
