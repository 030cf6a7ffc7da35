/// A growable run of bytes that is reused rather than reallocated: the hot path appends
/// into one of these and hands it on in large pieces (swift-nio's ByteBuffer, much reduced).
///
/// A class, so that a buffer can be passed around without copy-on-write checks; it owns its
/// memory and frees it in `deinit`.
public final class ByteBuffer {
    // Stored internally and read through public getters, so the @inlinable appends can use them.
    @usableFromInline var storage: UnsafeMutablePointer<UInt8>
    @usableFromInline var used: Int = 0
    @usableFromInline var allocated: Int

    @inlinable public var base: UnsafeMutablePointer<UInt8> { storage }
    @inlinable public var count: Int { used }
    @inlinable public var capacity: Int { allocated }

    public init(capacity: Int = 64 * 1024) {
        self.allocated = max(capacity, 16)
        self.storage = .allocate(capacity: self.allocated)
    }

    deinit { storage.deallocate() }

    @inlinable public var isEmpty: Bool { count == 0 }

    /// The bytes written so far. Valid until the next mutating call.
    @inlinable public var readable: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Makes room for `n` more bytes and returns where they go; call `commit(n)` after writing.
    @inlinable public func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { grow(count + n) }
        return base + count
    }

    @inlinable public func commit(_ n: Int) { used += n }

    @inlinable public func append(_ byte: UInt8) {
        if count == capacity { grow(count + 1) }
        storage[used] = byte
        used += 1
    }

    @inlinable public func append(_ bytes: UnsafeRawBufferPointer) {
        guard let src = bytes.baseAddress, bytes.count > 0 else { return }
        let dst = reserve(bytes.count)
        dst.update(from: src.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        used += bytes.count
    }

    @inlinable public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(UnsafeRawBufferPointer(bytes))
    }

    @inlinable public func append(_ string: StaticString) {
        append(UnsafeRawBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }

    /// Appends a Swift string's UTF-8 (for headers and metadata, not for cells).
    public func append(_ string: String) {
        var s = string
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Appends the decimal digits of `value`.
    @inlinable public func appendDecimal(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes of scratch
        withUnsafeMutableBytes(of: &digits) { raw in
            var i = 24
            repeat {
                i -= 1
                raw[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
            } while v != 0
            append(UnsafeRawBufferPointer(rebasing: raw[i..<24]))
        }
    }

    /// Forgets the contents, keeping the memory.
    @inlinable public func removeAll() { used = 0 }

    /// Drops the first `n` bytes, moving the rest to the front.
    public func removeFirst(_ n: Int) {
        precondition(n <= count)
        if n < count { (base).update(from: base + n, count: count - n) }
        used -= n
    }

    /// Shortens the contents to `n` bytes.
    @inlinable public func truncate(to n: Int) {
        precondition(n <= count)
        used = n
    }

    public var bytes: [UInt8] { Array(readable) }

    @usableFromInline func grow(_ needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity = newCapacity * 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        storage.deallocate()
        storage = newBase
        allocated = newCapacity
    }
}
