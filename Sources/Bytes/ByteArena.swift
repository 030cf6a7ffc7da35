/// Append-only storage for many byte strings, in blocks that never move: a stored string keeps
/// its address, and growing the arena never copies what is already in it.
public final class ByteArena {
    /// Where a stored string is.
    public struct Ref: Sendable {
        public let block: Int32
        public let offset: Int32
        public let length: Int32
    }

    private var blocks: [UnsafeMutablePointer<UInt8>] = []
    private var used = 0
    private var blockCapacity = 0
    private let blockSize: Int
    public private(set) var totalBytes = 0

    public init(blockSize: Int = 4 << 20) { self.blockSize = blockSize }

    deinit { for b in blocks { b.deallocate() } }

    public func append(_ bytes: UnsafeRawBufferPointer) -> Ref {
        let n = bytes.count
        if blocks.isEmpty || used + n > blockCapacity {
            blockCapacity = max(blockSize, n)
            blocks.append(.allocate(capacity: blockCapacity))
            used = 0
        }
        if let src = bytes.baseAddress, n > 0 {
            (blocks[blocks.count - 1] + used).update(from: src.assumingMemoryBound(to: UInt8.self), count: n)
        }
        let ref = Ref(block: Int32(blocks.count - 1), offset: Int32(used), length: Int32(n))
        used += n
        totalBytes += n
        return ref
    }

    @inlinable public func bytes(_ ref: Ref) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: block(ref.block) + Int(ref.offset), count: Int(ref.length))
    }

    @usableFromInline func block(_ i: Int32) -> UnsafeMutablePointer<UInt8> { blocks[Int(i)] }
}
