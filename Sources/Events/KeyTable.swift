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
}
