/// Finds which `EventKey` a key's bytes spell, without hashing or allocating: dispatch on the
/// length, then compare one to three machine words.
enum KeyTable {
    @inline(__always) static func load16(_ p: UnsafePointer<UInt8>, _ o: Int) -> UInt16 {
        UInt16(littleEndian: UnsafeRawPointer(p + o).loadUnaligned(as: UInt16.self))
    }
    @inline(__always) static func load32(_ p: UnsafePointer<UInt8>, _ o: Int) -> UInt32 {
        UInt32(littleEndian: UnsafeRawPointer(p + o).loadUnaligned(as: UInt32.self))
    }
    @inline(__always) static func load64(_ p: UnsafePointer<UInt8>, _ o: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p + o).loadUnaligned(as: UInt64.self))
    }

    /// The `EventKey` spelled by the `n` bytes at `p`, or nil. Reads only those bytes.
    // Generated from EventKey.jsonName: each key as little-endian words (loads may overlap).
    @inline(__always)
    static func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> EventKey? {
        switch n {
        case 2:
            let w0 = load16(p, 0)
            if w0 == 0x6469 { return .id }
        case 4:
            let w0 = load32(p, 0)
            if w0 == 0x316d6964 { return .dim1 }
            if w0 == 0x326d6964 { return .dim2 }
            if w0 == 0x346d6964 { return .dim4 }
            if w0 == 0x356d6964 { return .dim5 }
        case 5:
            let w0 = load32(p, 0)
            let w1 = load32(p, 1)
            if w0 == 0x6562616c && w1 == 0x6c656261 { return .label }
            if w0 == 0x756c6176 && w1 == 0x65756c61 { return .value }
        case 6:
            let w0 = load32(p, 0)
            let w1 = load32(p, 2)
            if w0 == 0x69746361 && w1 == 0x6e6f6974 { return .action }
            if w0 == 0x646e6576 && w1 == 0x726f646e { return .vendor }
            if w0 == 0x72756f73 && w1 == 0x65637275 { return .source }
        case 7:
            let w0 = load32(p, 0)
            let w1 = load32(p, 3)
            if w0 == 0x72657375 && w1 == 0x64695f72 { return .userID }
            if w0 == 0x6e5f736f && w1 == 0x656d616e { return .osName }
        case 8:
            let w0 = load64(p, 0)
            if w0 == 0x79726f6765746163 { return .category }
            if w0 == 0x6c72755f65676170 { return .pageURL }
            if w0 == 0x6469755f77656976 { return .viewUID }
            if w0 == 0x797469635f6f6567 { return .geoCity }
        case 9:
            let w0 = load64(p, 0)
            let w1 = load64(p, 1)
            if w0 == 0x6d617473656d6974 && w1 == 0x706d617473656d69 { return .timestamp }
        case 10:
            let w0 = load64(p, 0)
            let w1 = load64(p, 2)
            if w0 == 0x69747265706f7270 && w1 == 0x736569747265706f { return .properties }
            if w0 == 0x5f726f7469736976 && w1 == 0x64695f726f746973 { return .visitorID }
            if w0 == 0x5f6e6f6973736573 && w1 == 0x64695f6e6f697373 { return .sessionID }
            if w0 == 0x69737265765f736f && w1 == 0x6e6f69737265765f { return .osVersion }
        case 11:
            let w0 = load64(p, 0)
            let w1 = load64(p, 3)
            if w0 == 0x745f656369766564 && w1 == 0x657079745f656369 { return .deviceType }
            if w0 == 0x6e756f635f6f6567 && w1 == 0x7972746e756f635f { return .geoCountry }
        case 12:
            let w0 = load64(p, 0)
            let w1 = load64(p, 4)
            if w0 == 0x5f726573776f7262 && w1 == 0x656d616e5f726573 { return .browserName }
        case 13:
            let w0 = load64(p, 0)
            let w1 = load64(p, 5)
            if w0 == 0x65765f746e657665 && w1 == 0x6e6f69737265765f { return .eventVersion }
        case 15:
            let w0 = load64(p, 0)
            let w1 = load64(p, 7)
            if w0 == 0x617a696e6167726f && w1 == 0x64695f6e6f697461 { return .organizationID }
            if w0 == 0x5f726573776f7262 && w1 == 0x6e6f69737265765f { return .browserVersion }
            if w0 == 0x6e6167726f5f7069 && w1 == 0x6e6f6974617a696e { return .ipOrganization }
        case 19:
            let w0 = load64(p, 0)
            let w1 = load64(p, 8)
            let w2 = load64(p, 11)
            if w0 == 0x735f656369766564 && w1 == 0x69775f6e65657263 && w2 == 0x68746469775f6e65 { return .deviceScreenWidth }
        case 20:
            let w0 = load64(p, 0)
            let w1 = load64(p, 8)
            let w2 = load64(p, 12)
            if w0 == 0x735f656369766564 && w1 == 0x65685f6e65657263 && w2 == 0x7468676965685f6e { return .deviceScreenHeight }
        default: break
        }
        return nil
    }

    /// The known key whose name (and closing quote) starts at `p`, and the name's length, read
    /// without scanning the string: its bytes are compared with each candidate's, chosen by its
    /// first four. Needs 24 readable bytes; nil when fewer, or when the key is none of ours or is
    /// spelled with escapes (the caller then scans it).
    // Generated from EventKey.jsonName: each name and its closing quote as little-endian words.
    @inline(__always)
    static func match(_ p: UnsafePointer<UInt8>, available: Int) -> (key: EventKey, length: Int)? {
        guard available >= 24 else { return nil }
        let w0 = load64(p, 0)
        if w0 & 0xffffff == 0x226469 { return (.id, 2) }
        switch UInt32(truncatingIfNeeded: w0) {
        case 0x656d6974:
            if w0 == 0x6d617473656d6974 && load64(p, 2) == 0x22706d617473656d { return (.timestamp, 9) }
        case 0x6167726f:
            if w0 == 0x617a696e6167726f && load64(p, 8) == 0x2264695f6e6f6974 { return (.organizationID, 15) }
        case 0x65746163:
            if w0 == 0x79726f6765746163 && load64(p, 1) == 0x2279726f67657461 { return (.category, 8) }
        case 0x6562616c:
            if w0 & 0xffffffffffff == 0x226c6562616c { return (.label, 5) }
        case 0x69746361:
            if w0 & 0xffffffffffffff == 0x226e6f69746361 { return (.action, 6) }
        case 0x316d6964:
            if w0 & 0xffffffffff == 0x22316d6964 { return (.dim1, 4) }
        case 0x326d6964:
            if w0 & 0xffffffffff == 0x22326d6964 { return (.dim2, 4) }
        case 0x346d6964:
            if w0 & 0xffffffffff == 0x22346d6964 { return (.dim4, 4) }
        case 0x356d6964:
            if w0 & 0xffffffffff == 0x22356d6964 { return (.dim5, 4) }
        case 0x756c6176:
            if w0 & 0xffffffffffff == 0x2265756c6176 { return (.value, 5) }
        case 0x706f7270:
            if w0 == 0x69747265706f7270 && load64(p, 3) == 0x2273656974726570 { return (.properties, 10) }
        case 0x69736976:
            if w0 == 0x5f726f7469736976 && load64(p, 3) == 0x2264695f726f7469 { return (.visitorID, 10) }
        case 0x73736573:
            if w0 == 0x5f6e6f6973736573 && load64(p, 3) == 0x2264695f6e6f6973 { return (.sessionID, 10) }
        case 0x72657375:
            if w0 == 0x2264695f72657375 { return (.userID, 7) }
        case 0x65676170:
            if w0 == 0x6c72755f65676170 && load64(p, 1) == 0x226c72755f656761 { return (.pageURL, 8) }
        case 0x77656976:
            if w0 == 0x6469755f77656976 && load64(p, 1) == 0x226469755f776569 { return (.viewUID, 8) }
        case 0x646e6576:
            if w0 & 0xffffffffffffff == 0x22726f646e6576 { return (.vendor, 6) }
        case 0x72756f73:
            if w0 & 0xffffffffffffff == 0x22656372756f73 { return (.source, 6) }
        case 0x6e657665:
            if w0 == 0x65765f746e657665 && load64(p, 6) == 0x226e6f6973726576 { return (.eventVersion, 13) }
        case 0x776f7262:
            if w0 == 0x5f726573776f7262 && load64(p, 5) == 0x22656d616e5f7265 { return (.browserName, 12) }
            if w0 == 0x5f726573776f7262 && load64(p, 8) == 0x226e6f6973726576 { return (.browserVersion, 15) }
        case 0x69766564:
            if w0 == 0x745f656369766564 && load64(p, 4) == 0x22657079745f6563 { return (.deviceType, 11) }
            if w0 == 0x735f656369766564 && load64(p, 8) == 0x69775f6e65657263 && load64(p, 12) == 0x2268746469775f6e { return (.deviceScreenWidth, 19) }
            if w0 == 0x735f656369766564 && load64(p, 8) == 0x65685f6e65657263 && load64(p, 13) == 0x227468676965685f { return (.deviceScreenHeight, 20) }
        case 0x5f6f6567:
            if w0 == 0x797469635f6f6567 && load64(p, 1) == 0x22797469635f6f65 { return (.geoCity, 8) }
            if w0 == 0x6e756f635f6f6567 && load64(p, 4) == 0x227972746e756f63 { return (.geoCountry, 11) }
        case 0x6f5f7069:
            if w0 == 0x6e6167726f5f7069 && load64(p, 8) == 0x226e6f6974617a69 { return (.ipOrganization, 15) }
        case 0x6e5f736f:
            if w0 == 0x22656d616e5f736f { return (.osName, 7) }
        case 0x765f736f:
            if w0 == 0x69737265765f736f && load64(p, 3) == 0x226e6f6973726576 { return (.osVersion, 10) }
        default: break
        }
        return nil
    }

}
