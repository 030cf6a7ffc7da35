import Foundation

/// Builds zip archives byte by byte for the reader tests, so that every field can be made to lie.
struct ReaderTestZip {
    struct Entry {
        var name: String
        /// The bytes as stored in the archive (already deflated when `method` is 8).
        var payload: [UInt8]
        var method: UInt16 = 0
        /// Declared values; nil means the true one.
        var crc: UInt32?
        var compressedSize: UInt32?
        var uncompressedSize: UInt32?
        /// The true uncompressed bytes (for the CRC and size when deflated); nil = payload.
        var content: [UInt8]?
        var flags: UInt16 = 0
        /// Overrides the central directory's local header offset.
        var offsetOverride: UInt32?

        init(_ name: String, _ content: [UInt8]) {
            self.name = name
            self.payload = content
        }

        init(_ name: String, deflated content: [UInt8], raw: [UInt8]) {
            self.name = name
            self.payload = raw
            self.content = content
            self.method = 8
        }
    }

    var entries: [Entry]
    var comment: [UInt8] = []

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        var offsets: [UInt32] = []
        func u16(_ v: UInt16) { out += [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) { for i in 0..<4 { out.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }
        for e in entries {
            offsets.append(UInt32(out.count))
            let content = e.content ?? e.payload
            u32(0x0403_4B50); u16(20); u16(e.flags); u16(e.method); u16(0); u16(0x21)
            u32(e.crc ?? ReaderTestZip.crc32(content))
            u32(e.compressedSize ?? UInt32(e.payload.count))
            u32(e.uncompressedSize ?? UInt32(content.count))
            u16(UInt16(e.name.utf8.count)); u16(0)
            out += Array(e.name.utf8)
            out += e.payload
        }
        let cdStart = out.count
        for (i, e) in entries.enumerated() {
            let content = e.content ?? e.payload
            u32(0x0201_4B50); u16(20); u16(20); u16(e.flags); u16(e.method); u16(0); u16(0x21)
            u32(e.crc ?? ReaderTestZip.crc32(content))
            u32(e.compressedSize ?? UInt32(e.payload.count))
            u32(e.uncompressedSize ?? UInt32(content.count))
            u16(UInt16(e.name.utf8.count)); u16(0); u16(0); u16(0); u16(0); u32(0)
            u32(e.offsetOverride ?? offsets[i])
            out += Array(e.name.utf8)
        }
        let cdSize = out.count - cdStart
        u32(0x0605_4B50); u16(0); u16(0); u16(UInt16(entries.count)); u16(UInt16(entries.count))
        u32(UInt32(cdSize)); u32(UInt32(cdStart)); u16(UInt16(comment.count))
        out += comment
        return out
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// Raw deflate (no zlib header) of `bytes`, made by Python's zlib.
    static func rawDeflate(_ bytes: [UInt8], in dir: String) throws -> [UInt8] {
        try rawDeflate(bytes, in: dir, zeros: nil).raw
    }

    /// Raw deflate of `bytes`, or of `zeros` zero bytes (made in Python, quick), and its CRC-32.
    static func rawDeflate(_ bytes: [UInt8], in dir: String, zeros: Int?) throws -> (raw: [UInt8], crc: UInt32) {
        let input = dir + "/deflate-in-\(UUID().uuidString)"
        let output = input + ".out"
        try ReaderTestSupport.write(bytes, to: input)
        defer { ReaderTestSupport.remove(input); ReaderTestSupport.remove(output) }
        let code = """
        import sys, zlib
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        d = bytes(int(sys.argv[3])) if sys.argv[3] != "-" else open(sys.argv[1], 'rb').read()
        open(sys.argv[2], 'wb').write(c.compress(d) + c.flush())
        print(zlib.crc32(d))
        """
        try ReaderTestSupport.require(.python3)
        let r = try ReaderTestSupport.run("python3", ["-c", code, input, output, zeros.map(String.init) ?? "-"])
        guard r.status == 0, let crc = UInt32(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw NSError(domain: "rawDeflate", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr])
        }
        return (try ReaderTestSupport.read(output), crc)
    }

    /// A deflate stream of stored blocks (valid without any compressor).
    static func storedDeflate(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        repeat {
            let n = min(65535, bytes.count - i)
            let last: UInt8 = i + n >= bytes.count ? 1 : 0
            out.append(last)
            out += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += bytes[i..<i + n]
            i += n
        } while i < bytes.count
        return out
    }
}
