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

    /// The raw value of the `EventKey` spelled by the `n` bytes at `p`, or -1. Reads only those bytes.
    // Generated from EventKey.jsonName: each key as little-endian words (loads may overlap).
    @inline(__always)
    static func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        switch n {
        case 2:
            let w0 = load16(p, 0)
            if w0 == 0x6469 { return 0 } // id
        case 4:
            let w0 = load32(p, 0)
            if w0 == 0x316d6964 { return 6 } // dim1
            if w0 == 0x326d6964 { return 7 } // dim2
            if w0 == 0x346d6964 { return 8 } // dim4
            if w0 == 0x356d6964 { return 9 } // dim5
        case 5:
            let w0 = load32(p, 0)
            let w1 = load32(p, 1)
            if w0 == 0x6562616c && w1 == 0x6c656261 { return 4 } // label
            if w0 == 0x756c6176 && w1 == 0x65756c61 { return 10 } // value
        case 6:
            let w0 = load32(p, 0)
            let w1 = load32(p, 2)
            if w0 == 0x69746361 && w1 == 0x6e6f6974 { return 5 } // action
            if w0 == 0x646e6576 && w1 == 0x726f646e { return 17 } // vendor
            if w0 == 0x72756f73 && w1 == 0x65637275 { return 18 } // source
        case 7:
            let w0 = load32(p, 0)
            let w1 = load32(p, 3)
            if w0 == 0x72657375 && w1 == 0x64695f72 { return 14 } // user_id
            if w0 == 0x6e5f736f && w1 == 0x656d616e { return 28 } // os_name
        case 8:
            let w0 = load64(p, 0)
            if w0 == 0x79726f6765746163 { return 3 } // category
            if w0 == 0x6c72755f65676170 { return 15 } // page_url
            if w0 == 0x6469755f77656976 { return 16 } // view_uid
            if w0 == 0x797469635f6f6567 { return 25 } // geo_city
        case 9:
            let w0 = load64(p, 0)
            let w1 = load64(p, 1)
            if w0 == 0x6d617473656d6974 && w1 == 0x706d617473656d69 { return 1 } // timestamp
        case 10:
            let w0 = load64(p, 0)
            let w1 = load64(p, 2)
            if w0 == 0x69747265706f7270 && w1 == 0x736569747265706f { return 11 } // properties
            if w0 == 0x5f726f7469736976 && w1 == 0x64695f726f746973 { return 12 } // visitor_id
            if w0 == 0x5f6e6f6973736573 && w1 == 0x64695f6e6f697373 { return 13 } // session_id
            if w0 == 0x69737265765f736f && w1 == 0x6e6f69737265765f { return 29 } // os_version
        case 11:
            let w0 = load64(p, 0)
            let w1 = load64(p, 3)
            if w0 == 0x745f656369766564 && w1 == 0x657079745f656369 { return 22 } // device_type
            if w0 == 0x6e756f635f6f6567 && w1 == 0x7972746e756f635f { return 26 } // geo_country
        case 12:
            let w0 = load64(p, 0)
            let w1 = load64(p, 4)
            if w0 == 0x5f726573776f7262 && w1 == 0x656d616e5f726573 { return 20 } // browser_name
        case 13:
            let w0 = load64(p, 0)
            let w1 = load64(p, 5)
            if w0 == 0x65765f746e657665 && w1 == 0x6e6f69737265765f { return 19 } // event_version
        case 15:
            let w0 = load64(p, 0)
            let w1 = load64(p, 7)
            if w0 == 0x617a696e6167726f && w1 == 0x64695f6e6f697461 { return 2 } // organization_id
            if w0 == 0x5f726573776f7262 && w1 == 0x6e6f69737265765f { return 21 } // browser_version
            if w0 == 0x6e6167726f5f7069 && w1 == 0x6e6f6974617a696e { return 27 } // ip_organization
        case 19:
            let w0 = load64(p, 0)
            let w1 = load64(p, 8)
            let w2 = load64(p, 11)
            if w0 == 0x735f656369766564 && w1 == 0x69775f6e65657263 && w2 == 0x68746469775f6e65 { return 23 } // device_screen_width
        case 20:
            let w0 = load64(p, 0)
            let w1 = load64(p, 8)
            let w2 = load64(p, 12)
            if w0 == 0x735f656369766564 && w1 == 0x65685f6e65657263 && w2 == 0x7468676965685f6e { return 24 } // device_screen_height
        default: break
        }
        return -1
    }
}
