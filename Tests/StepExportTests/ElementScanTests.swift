import CVectorScan
import StepExportTestSupport
import XCTest

/// The array files' structural pass on 64-byte blocks (`vector_scan_element_end`) against the
/// byte-at-a-time rules it stands for, on random bytes dense with what it must get right: quotes,
/// backslash runs of every length (across block boundaries too), brackets inside and outside
/// strings, and backslashes outside strings (not JSON, left to the byte pass).
final class ElementScanTests: XCTestCase {
    /// The lexical state inside an element, one byte at a time: ElementCutter's byte pass.
    private struct ByteState: Equatable {
        var depth: Int
        var inString = false
        var escaped = false

        /// Takes byte `c` at index `k`; returns the element's end if this byte closes it.
        mutating func take(_ c: UInt8, at k: Int) -> Int? {
            if escaped {
                escaped = false
                return nil
            }
            if inString {
                if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                return nil
            }
            switch c {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return k + 1 }
            default: break
            }
            return nil
        }
    }

    /// The element's end (or the state at `end`) as the blocks and the byte pass find it between
    /// them, the way `ElementCutter` drives them: blocks while they go, the byte pass for the
    /// rest of a block they leave.
    private func blocksThenBytes(_ bytes: [UInt8], from start: Int, to end: Int, depth: Int,
                                 foundByBlocks: inout Int) -> (Int?, ByteState) {
        var state = ByteState(depth: depth)
        var i = start
        var blocksFrom = start
        while i < end {
            if i + 64 <= end && i >= blocksFrom && !state.escaped {
                var v = vector_element_state(depth: state.depth, in_string: state.inString ? 1 : 0, escaped: 0)
                var at = 0
                let found = bytes.withUnsafeBufferPointer { vector_scan_element_end($0.baseAddress!, i, end, &v, &at) }
                if found >= 0 {
                    foundByBlocks += 1
                    return (found, ByteState(depth: 0))
                }
                state = ByteState(depth: v.depth, inString: v.in_string != 0, escaped: v.escaped != 0)
                i = at
                blocksFrom = at + 64
                continue
            }
            if let found = state.take(bytes[i], at: i) { return (found, ByteState(depth: 0)) }
            i += 1
        }
        return (nil, state)
    }

    private func byteByByte(_ bytes: [UInt8], from start: Int, to end: Int, depth: Int) -> (Int?, ByteState) {
        var state = ByteState(depth: depth)
        for i in start..<end {
            if let found = state.take(bytes[i], at: i) { return (found, ByteState(depth: 0)) }
        }
        return (nil, state)
    }

    func testBlocksCutWhereTheBytePassCuts() {
        var r = SeededRandom(seed: 64)
        let plain = Array("abc:,1 \n".utf8)
        var foundByBlocks = 0
        for round in 0..<20_000 {
            let count = r.int(0...400)
            var bytes: [UInt8] = []
            while bytes.count < count {
                switch r.int(0...9) {
                case 0: bytes += [UInt8](repeating: UInt8(ascii: "\\"), count: r.int(1...70))
                case 1: bytes.append(UInt8(ascii: "\""))
                case 2: bytes.append(r.pick(Array("{}[]".utf8)))
                // Mostly strings and brackets nested the way events are: a whole string of plain
                // bytes, then and there a few more of the tricky bytes.
                case 3: bytes += [UInt8(ascii: "\"")] + (0..<r.int(0...90)).map { _ in r.pick(plain) } + [UInt8(ascii: "\"")]
                default: bytes.append(r.pick(plain))
                }
            }
            // A round in four without backslashes, where the blocks never hand a block back.
            if round % 4 == 0 { bytes.removeAll { $0 == UInt8(ascii: "\\") } }
            let start = r.int(0...min(3, bytes.count))
            let depth = r.int(1...3)
            // Bytes past `end` that would change the answer if they were read.
            let end = bytes.count
            bytes += Array(#""}}}}\\"#.utf8) + [UInt8](repeating: UInt8(ascii: "}"), count: 64)
            let expected = byteByByte(bytes, from: start, to: end, depth: depth)
            let got = blocksThenBytes(bytes, from: start, to: end, depth: depth, foundByBlocks: &foundByBlocks)
            XCTAssertEqual(got.0, expected.0, "round \(round): \(String(decoding: bytes[start..<end], as: UTF8.self).debugDescription)")
            XCTAssertEqual(got.1, expected.1, "round \(round)")
        }
        // The blocks found the end in many rounds, not only the byte pass.
        XCTAssertGreaterThan(foundByBlocks, 1000)
    }
}
