/// 8-4-4-4-12 hexadecimal digits, any case: the request path's ids (SPEC §3.1) and the catalog's.
public func isUUID(_ s: String) -> Bool {
    var n = 0
    for c in s.utf8 {
        switch n {
        case 8, 13, 18, 23:
            guard c == 0x2D else { return false }
        default:
            guard (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) else { return false }
        }
        n += 1
        if n > 36 { return false }
    }
    return n == 36
}
