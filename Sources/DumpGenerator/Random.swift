/// SplitMix64 (Steele, Lea, Flood 2014): seeds the main generator and mixes indexes into
/// well-spread 64-bit values (`mix`), so per-visitor attributes need no stored table.
public struct SplitMix64 {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective, well-avalanching mix of one word.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman, Vigna 2018): the generator's only source of randomness. Never the
/// system RNG — the same seed must give the same dump on every machine and Swift version.
public struct Xoshiro256StarStar {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Seeds the four words from SplitMix64 of `seed` mixed with `stream` (independent streams
    /// for the catalog and the events, so event count never changes the catalog's ids).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var sm = SplitMix64(seed: seed ^ SplitMix64.mix(stream &+ 0x5851_F42D_4C95_7F2D))
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A value in `0..<n` (`n` ≥ 1), by multiply-shift (Lemire; the tiny bias is irrelevant here
    /// and skipping rejection keeps the stream length fixed).
    @inlinable @inline(__always)
    public mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// A value in `lo...hi`.
    @inlinable @inline(__always)
    public mutating func between(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    /// True with probability `p` (0…1), `p` given in 1/65536 units for speed: see `Chance`.
    @inlinable @inline(__always)
    public mutating func chance(_ p: Chance) -> Bool { UInt32(truncatingIfNeeded: next() >> 48) < p.threshold }

    /// A uniform double in [0, 1).
    @inlinable @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

/// A probability, fixed to 1/65536 steps so comparisons are integer and exactly reproducible.
public struct Chance {
    public let threshold: UInt32
    public init(_ p: Double) { threshold = UInt32((min(max(p, 0), 1) * 65536).rounded()) }
}
