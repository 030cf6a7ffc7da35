import Bytes

/// The shared-string table: distinct cell texts (already cut to the cell limit, not escaped) in
/// order of first use, found again through an open-addressing hash table. Bounded: once it holds
/// `maxCount` strings or `maxBytes` bytes it takes no new ones (`index` returns nil and the caller
/// writes the cell inline), so memory stays bounded however many rows come. The hash is a fixed
/// function of the bytes, so the indexes — and the file — are the same run after run.
final class SharedStringTable {
    let maxCount: Int
    let maxBytes: Int
    /// All strings back to back.
    let storage = ByteBuffer(capacity: 1 << 20)
    /// `starts[i]..<starts[i + 1]` is string i in `storage`.
    private var starts: [Int] = [0]
    /// Slot → string index + 1 (0 = empty).
    private var slots: UnsafeMutablePointer<UInt32>
    private var hashes: UnsafeMutablePointer<UInt32>
    private var mask: Int
    /// Cells that referred to the table (the `count` attribute of `<sst>`).
    var references = 0

    var count: Int { starts.count - 1 }
    var isFull: Bool { count >= maxCount || storage.count >= maxBytes }

    init(maxCount: Int, maxBytes: Int) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
        let capacity = 4096
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        hashes = .allocate(capacity: capacity)
        hashes.initialize(repeating: 0, count: capacity)
        mask = capacity - 1
    }

    deinit {
        slots.deallocate()
        hashes.deallocate()
    }

    @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { w |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
        }
        h ^= h >> 29
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 32
        return h
    }

    /// The index of the text `p[0..<n]`, adding it if new and there is room; nil when it is new
    /// and the table is full.
    @inline(__always) func index(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        let h = SharedStringTable.hash(p, n)
        let tag = UInt32(truncatingIfNeeded: h >> 32)
        var slot = Int(truncatingIfNeeded: h) & mask
        let base = storage.base
        while true {
            let s = slots[slot]
            if s == 0 { break }
            if hashes[slot] == tag {
                let i = Int(s) - 1
                let start = starts[i]
                if starts[i + 1] - start == n && memcmp(base + start, p, n) == 0 {
                    references += 1
                    return i
                }
            }
            slot = (slot + 1) & mask
        }
        if isFull { return nil }
        let i = count
        storage.append(UnsafeRawBufferPointer(start: p, count: n))
        starts.append(storage.count)
        slots[slot] = UInt32(i + 1)
        hashes[slot] = tag
        references += 1
        if count * 2 > mask { grow() }
        return i
    }

    private func grow() {
        let capacity = (mask + 1) * 2
        let newSlots = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        newSlots.initialize(repeating: 0, count: capacity)
        let newHashes = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        newHashes.initialize(repeating: 0, count: capacity)
        let newMask = capacity - 1
        for i in 0..<count {
            let start = starts[i]
            let h = SharedStringTable.hash(storage.base + start, starts[i + 1] - start)
            var slot = Int(truncatingIfNeeded: h) & newMask
            while newSlots[slot] != 0 { slot = (slot + 1) & newMask }
            newSlots[slot] = UInt32(i + 1)
            newHashes[slot] = UInt32(truncatingIfNeeded: h >> 32)
        }
        slots.deallocate(); hashes.deallocate()
        slots = newSlots; hashes = newHashes; mask = newMask
    }

    /// The bytes of string `i`.
    func string(_ i: Int) -> (UnsafePointer<UInt8>, Int) {
        (UnsafePointer(storage.base + starts[i]), starts[i + 1] - starts[i])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
