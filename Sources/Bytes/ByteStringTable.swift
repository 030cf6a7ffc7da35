#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns byte strings: each distinct string gets a dense id (0, 1, 2, …) and is stored once in
/// an arena. Lookups take raw bytes and allocate nothing — the selection stage asks "is this
/// flow / action / visitor known?" for every event, so this must not build `[UInt8]` or `String`.
///
/// Open addressing with linear probing over a power-of-two slot array; full 64-bit hashes are
/// kept so probes compare bytes only on a hash match.
public final class ByteStringTable {
    private let arena: ByteBuffer
    private var offsets: [Int] = []
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    /// Slot → id + 1 (0 = empty).
    private var slots: [Int32]
    private var mask: Int

    /// Memory follows `expectedCount` (32 bytes of arena per string, at most 4 KiB up front), so
    /// that a small table is small: a batch holds several per job.
    public init(expectedCount: Int = 16) {
        arena = ByteBuffer(capacity: min(4096, expectedCount * 32))
        var size = 16
        while size < expectedCount * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    public var count: Int { offsets.count }

    /// The bytes of string `id`; valid until the next `intern`.
    public func bytes(_ id: Int32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: arena.base + offsets[Int(id)], count: Int(lengths[Int(id)]))
    }

    /// The id of `key`, if it was interned.
    public func find(_ key: UnsafeRawBufferPointer) -> Int32? {
        let h = ByteStringTable.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            let id = Int(s - 1)
            if hashes[id] == h && equal(id, key) { return Int32(id) }
            i = (i + 1) & mask
        }
    }

    /// The id of `key`, adding it if new.
    @discardableResult
    public func intern(_ key: UnsafeRawBufferPointer) -> Int32 {
        let h = ByteStringTable.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            let id = Int(s - 1)
            if hashes[id] == h && equal(id, key) { return Int32(id) }
            i = (i + 1) & mask
        }
        let id = offsets.count
        offsets.append(arena.count)
        lengths.append(Int32(key.count))
        hashes.append(h)
        arena.append(key)
        slots[i] = Int32(id + 1)
        if offsets.count * 2 > slots.count { rehash() }
        return Int32(id)
    }

    @discardableResult
    public func intern(_ string: String) -> Int32 {
        var s = string
        return s.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    private func equal(_ id: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        guard Int(lengths[id]) == key.count else { return false }
        guard let k = key.baseAddress else { return true }
        return memcmp(arena.base + offsets[id], k, key.count) == 0
    }

    private func rehash() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for id in 0..<offsets.count {
            var i = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(id + 1)
        }
    }

    /// A fast non-cryptographic hash, eight bytes at a time (wyhash-style multiply-mix).
    @inlinable public static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let p = key.baseAddress else { return h }
        var i = 0
        let n = key.count
        @inline(__always) func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let m = a.multipliedFullWidth(by: b)
            return m.high ^ m.low
        }
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = mix(h ^ w, 0xA076_1D64_78BD_642F)
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = mix(h ^ w, 0xE703_7ED1_A0B4_28DB)
        }
        return mix(h, 0x8EBC_6AF0_9C88_C6E3)
    }
}
