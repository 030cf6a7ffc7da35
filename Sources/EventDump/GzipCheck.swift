import CZlib
import Threads

/// The CRC-32 and length check of a gzip event file's members, computed off the thread that
/// inflates. One gzip stream inflates on one core, and that thread bounds the scan of a gzip
/// file; zlib's own check (`crc32` over every inflated byte) took 15 % of its time. So zlib
/// inflates without checking (`InflateStream(.gzip, checksData: false)`), `ByteSource` reads each
/// member's trailer and tells it here (`memberEnded`), and each scanning thread takes the CRC of
/// the chunk it is about to parse (`add`), while its bytes are coming into its cache anyway.
/// After the scan, `problem()` combines the pieces (`crc32_combine`) member by member and
/// compares them with the trailers. The bytes the reader drops unparsed (an oversized line or
/// element, an array's bytes after a break) it adds itself.
///
/// A piece never spans two members: `add` cuts it at every member end inside it, which the
/// reader has always told before the chunk holding it goes out.
final class GzipCheck: @unchecked Sendable {
    private struct Member {
        /// Stream offset just past the member's last inflated byte.
        let end: Int64
        let crc: UInt32
        /// The trailer's ISIZE: the member's length modulo 2^32.
        let size: UInt32
    }

    private struct Piece {
        let offset: Int64
        let length: Int
        let crc: UInt32
    }

    private let lock = Lock()
    private var members: [Member] = []
    private var pieces: [Piece] = []

    /// A member's trailer, read after its last byte at stream offset `end`.
    func memberEnded(at end: Int64, crc: UInt32, size: UInt32) {
        lock.lock(); defer { lock.unlock() }
        members.append(Member(end: end, crc: crc, size: size))
    }

    /// The CRC of the `count` stream bytes at `bytes`, which start at stream offset `offset`.
    func add(_ bytes: UnsafePointer<UInt8>, count: Int, at offset: Int64) {
        guard count > 0 else { return }
        let end = offset + Int64(count)
        lock.lock()
        let cuts = members.lazy.map(\.end).filter { $0 > offset && $0 < end }.map { Int($0 - offset) }
        var starts = [0] + cuts
        lock.unlock()
        starts.append(count)
        var found: [Piece] = []
        found.reserveCapacity(starts.count - 1)
        for (from, to) in zip(starts, starts.dropFirst()) {
            let crc = UInt32(crc32(0, bytes + from, UInt32(to - from)))
            found.append(Piece(offset: offset + Int64(from), length: to - from, crc: crc))
        }
        lock.lock()
        pieces.append(contentsOf: found)
        lock.unlock()
    }

    /// Once every byte of the stream (`streamBytes` in all) has been added: nil when every member's
    /// CRC-32 and length match its trailer, else zlib's words for what does not.
    func problem(streamBytes: Int64) -> String? {
        lock.lock(); defer { lock.unlock() }
        pieces.sort { $0.offset < $1.offset }
        var next = pieces.startIndex
        var start: Int64 = 0
        for member in members {
            var crc: uLong = 0
            var at = start
            while next < pieces.endIndex && pieces[next].offset < member.end {
                let piece = pieces[next]
                // Pieces cover the stream exactly, in order; anything else is this program's bug.
                guard piece.offset == at else { return "the CRC-32 check missed bytes at offset \(at)" }
                crc = crc32_combine(crc, uLong(piece.crc), Int(piece.length))
                at += Int64(piece.length)
                next += 1
            }
            guard at == member.end else { return "the CRC-32 check missed bytes at offset \(at)" }
            if UInt32(truncatingIfNeeded: crc) != member.crc { return "incorrect data check" }
            if UInt32(truncatingIfNeeded: member.end - start) != member.size { return "incorrect length check" }
            start = member.end
        }
        guard start == streamBytes, next == pieces.endIndex else {
            return "the CRC-32 check missed bytes at offset \(start)"
        }
        return nil
    }
}
