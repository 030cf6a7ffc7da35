import Foundation
import XCTest
@testable import JSONScan

/// A small seeded generator (SplitMix64), so every property test is reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
}

/// Writes JSON text with random (valid) spelling: whitespace between tokens, escapes chosen at
/// random, non-BMP characters raw or as surrogate pairs, hex digits in either case.
struct JSONWriter {
    var out: [UInt8] = []

    mutating func whitespace(_ r: inout SeededRandom) {
        guard r.chance(0.3) else { return }
        for _ in 0..<r.int(1...3) { out.append(r.pick([0x20, 0x09, 0x0A, 0x0D])) }
    }

    mutating func hex4(_ v: UInt32, _ r: inout SeededRandom) {
        let digits = Array((r.chance(0.5) ? "0123456789abcdef" : "0123456789ABCDEF").utf8)
        out += [0x5C, 0x75] + [12, 8, 4, 0].map { digits[Int((v >> $0) & 15)] }
    }

    mutating func string(_ s: String, _ r: inout SeededRandom) {
        out.append(0x22)
        for scalar in s.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x22: if r.chance(0.8) { out += [0x5C, 0x22] } else { hex4(v, &r) }
            case 0x5C: if r.chance(0.8) { out += [0x5C, 0x5C] } else { hex4(v, &r) }
            case 0x2F: if r.chance(0.5) { out += [0x5C, 0x2F] } else { out.append(0x2F) }
            case 0x08 where r.chance(0.5): out += [0x5C, 0x62]
            case 0x0C where r.chance(0.5): out += [0x5C, 0x66]
            case 0x0A where r.chance(0.5): out += [0x5C, 0x6E]
            case 0x0D where r.chance(0.5): out += [0x5C, 0x72]
            case 0x09 where r.chance(0.5): out += [0x5C, 0x74]
            case 0..<0x20: hex4(v, &r)
            default:
                if r.chance(0.75) {
                    out += Array(String(scalar).utf8)
                } else if v < 0x10000 {
                    hex4(v, &r)
                } else {
                    let u = v - 0x10000
                    hex4(0xD800 + (u >> 10), &r)
                    hex4(0xDC00 + (u & 0x3FF), &r)
                }
            }
        }
        out.append(0x22)
    }

    mutating func value(_ v: JSONValue, _ r: inout SeededRandom) {
        switch v {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .integer(let t), .float(let t): out += Array(t.utf8)
        case .string(let s): string(s, &r)
        case .array(let items):
            out.append(0x5B)
            whitespace(&r)
            for (k, item) in items.enumerated() {
                if k > 0 { whitespace(&r); out.append(0x2C); whitespace(&r) }
                value(item, &r)
            }
            whitespace(&r)
            out.append(0x5D)
        case .object(let o):
            members(o.keys.map { ($0, o[$0]!) }, &r)
        }
    }

    /// An object from explicit members (repeated keys allowed).
    mutating func members(_ members: [(String, JSONValue)], _ r: inout SeededRandom) {
        out.append(0x7B)
        whitespace(&r)
        for (k, (key, member)) in members.enumerated() {
            if k > 0 { whitespace(&r); out.append(0x2C); whitespace(&r) }
            string(key, &r)
            whitespace(&r)
            out.append(0x3A)
            whitespace(&r)
            value(member, &r)
        }
        whitespace(&r)
        out.append(0x7D)
    }
}

enum JSONGen {
    static let nastyScalars: [Unicode.Scalar] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{A}", "\u{C}", "\u{D}",
        "\u{1F}", "\u{7F}", "\u{80}", "é", "ß", "€", "\u{2028}", "\u{FEFF}", "\u{FFFD}", "\u{FFFF}", "😀",
        "𝄞", "\u{10FFFF}", "中", "{", "}", "[", "]", ",", ":", "u", "n",
    ]

    static func string(_ r: inout SeededRandom, maxLength: Int = 12) -> String {
        var s = String.UnicodeScalarView()
        let n = r.int(0...maxLength)
        for _ in 0..<n {
            if r.chance(0.4) {
                s.append(Unicode.Scalar(UInt8(r.int(0x20...0x7E))))
            } else {
                s.append(r.pick(nastyScalars))
            }
        }
        return String(s)
    }

    static func integerText(_ r: inout SeededRandom) -> String {
        switch r.int(0...4) {
        case 0: return "0"
        case 1: return "-0"
        case 2: return String(Int64.random(in: .min ... .max, using: &r))
        case 3: return String(r.int(-1000...1000))
        default: return (r.chance(0.5) ? "-" : "") + "1" + String(repeating: "0", count: r.int(19...40))
        }
    }

    static func floatText(_ r: inout SeededRandom) -> String {
        var t = r.chance(0.3) ? "-" : ""
        t += r.chance(0.3) ? "0" : String(r.int(1...99999))
        var hasFraction = false
        if r.chance(0.7) {
            hasFraction = true
            t += "." + String((0..<r.int(1...8)).map { _ in Character(Unicode.Scalar(UInt8(r.int(0x30...0x39)))) })
        }
        if !hasFraction || r.chance(0.4) {
            t += r.pick(["e", "E"]) + r.pick(["", "+", "-"]) + String(r.int(0...400))
        }
        return t
    }

    /// A random value; objects come back with their members (repeated keys possible) for writing.
    static func value(_ r: inout SeededRandom, depth: Int) -> (JSONValue, Writer) {
        let kind = depth > 4 ? r.int(0...5) : r.int(0...7)
        switch kind {
        case 0: return (.null, .plain)
        case 1: let b = r.chance(0.5); return (.bool(b), .plain)
        case 2: let t = integerText(&r); return (.integer(t), .plain)
        case 3: let t = floatText(&r); return (.float(t), .plain)
        case 4, 5: let s = string(&r); return (.string(s), .plain)
        case 6:
            var items: [JSONValue] = []
            var writers: [Writer] = []
            for _ in 0..<r.int(0...5) {
                let (v, w) = value(&r, depth: depth + 1)
                items.append(v)
                writers.append(w)
            }
            return (.array(items), .array(writers))
        default:
            var object = JSONObject()
            var members: [(String, JSONValue, Writer)] = []
            let keyPool = (0..<3).map { _ in string(&r, maxLength: 4) }
            for _ in 0..<r.int(0...5) {
                let key = r.chance(0.3) ? r.pick(keyPool) : string(&r, maxLength: 6)
                let (v, w) = value(&r, depth: depth + 1)
                object.set(key, v)
                members.append((key, v, w))
            }
            return (.object(object), .object(members))
        }
    }

    /// How to write a generated value: objects keep every member in order, repeats included.
    indirect enum Writer {
        case plain
        case array([Writer])
        case object([(String, JSONValue, Writer)])
    }

    static func write(_ v: JSONValue, _ w: Writer, _ out: inout JSONWriter, _ r: inout SeededRandom) {
        switch (v, w) {
        case (.array(let items), .array(let writers)):
            out.out.append(0x5B)
            out.whitespace(&r)
            for k in items.indices {
                if k > 0 { out.whitespace(&r); out.out.append(0x2C); out.whitespace(&r) }
                write(items[k], writers[k], &out, &r)
            }
            out.whitespace(&r)
            out.out.append(0x5D)
        case (.object, .object(let members)):
            out.out.append(0x7B)
            out.whitespace(&r)
            for (k, (key, member, writer)) in members.enumerated() {
                if k > 0 { out.whitespace(&r); out.out.append(0x2C); out.whitespace(&r) }
                out.string(key, &r)
                out.whitespace(&r)
                out.out.append(0x3A)
                out.whitespace(&r)
                write(member, writer, &out, &r)
            }
            out.whitespace(&r)
            out.out.append(0x7D)
        default:
            out.value(v, &r)
        }
    }

    /// A random document and its text.
    static func document(_ r: inout SeededRandom) -> (JSONValue, [UInt8]) {
        let (v, w) = value(&r, depth: 0)
        var writer = JSONWriter()
        writer.whitespace(&r)
        write(v, w, &writer, &r)
        writer.whitespace(&r)
        return (v, writer.out)
    }
}

final class JSONScanPropertyTests: XCTestCase {
    /// `scanStringRun` (16-byte vectors, then 8-byte words, then bytes) finds the first stop
    /// byte — `"`, `\`, a control or non-ASCII byte — at or after `i` and before `end`, the
    /// same as a byte-by-byte loop: runs of 0–80 bytes (around both block sizes), stops of each
    /// kind at random offsets, random starts, and plain bytes after `end`, so that a look past
    /// it would show.
    func testStringRunStopsWhereAByteLoopStops() {
        var r = SeededRandom(seed: 16)
        let stops: [UInt8] = [0x22, 0x5C, 0x00, 0x09, 0x1F, 0x80, 0xC3, 0xFF]
        let plain = (UInt8(0x20)...0x7E).filter { $0 != 0x22 && $0 != 0x5C }
        func isStop(_ c: UInt8) -> Bool { c == 0x22 || c == 0x5C || c < 0x20 || c >= 0x80 }
        for _ in 0..<20_000 {
            let end = r.int(0...80)
            var bytes = (0..<end + 40).map { _ in r.pick(plain) }
            for _ in 0..<r.int(0...2) where end > 0 { bytes[r.int(0...end - 1)] = r.pick(stops) }
            let start = r.int(0...end)
            let expected = (start..<end).first { isStop(bytes[$0]) } ?? end
            let got = bytes.withUnsafeBufferPointer { JSONBytes.scanStringRun($0.baseAddress!, start, end) }
            XCTAssertEqual(got, expected, "\(bytes[start..<end]) from \(start)")
        }
    }

    func testRandomDocumentsRoundTrip() throws {
        var r = SeededRandom(seed: 20_240_601)
        for iteration in 0..<3000 {
            let (expected, text) = JSONGen.document(&r)
            do {
                let parsed = try JSONValue.parse(text)
                XCTAssertEqual(parsed, expected, "iteration \(iteration): \(String(decoding: text, as: UTF8.self))")
            } catch {
                XCTFail("iteration \(iteration): \(error.reason) in \(String(decoding: text, as: UTF8.self).debugDescription)")
            }
        }
    }

    /// Random damage never crashes the parser, and a document with a byte changed either parses
    /// or throws — never both ways for the same bytes.
    func testMutatedDocumentsNeverCrash() {
        var r = SeededRandom(seed: 7)
        let interesting: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0x1F, 0x20, 0x0A, 0x80,
                                    0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFF, 0x30, 0x31, 0x2D, 0x2E,
                                    0x65, 0x75, 0x6E, 0x74, 0x66, 0x4E]
        var accepted = 0
        for _ in 0..<4000 {
            var (_, text) = JSONGen.document(&r)
            for _ in 0..<r.int(1...3) {
                guard !text.isEmpty else { break }
                let k = r.int(0...text.count - 1)
                switch r.int(0...3) {
                case 0: text[k] = r.pick(interesting)
                case 1: text.insert(r.pick(interesting), at: k)
                case 2: text.remove(at: k)
                default: text.removeLast(r.int(0...min(4, text.count)))
                }
            }
            let first = Result { () throws(JSONSyntaxError) in try JSONValue.parse(text) }
            let second = Result { () throws(JSONSyntaxError) in try JSONValue.parse(text) }
            switch (first, second) {
            case (.success(let a), .success(let b)): XCTAssertEqual(a, b); accepted += 1
            case (.failure(let a), .failure(let b)): XCTAssertEqual(a, b)
            default: XCTFail("unstable verdict")
            }
        }
        XCTAssertGreaterThan(accepted, 100) // some mutations keep the text valid
    }

    func testDeepNestingDoesNotOverflowASmallThreadStack() {
        // 512 levels of recursion must fit the stack of a secondary thread (512 KiB by default).
        let done = expectation(description: "parsed")
        let thread = Thread {
            let ok = String(repeating: "[{\"a\":", count: 256) + "1" + String(repeating: "}]", count: 256)
            let good = Result { () throws(JSONSyntaxError) in try JSONValue.parse(ok) }
            let bad = Result { () throws(JSONSyntaxError) in try JSONValue.parse(String(repeating: "[", count: 600)) }
            if case .failure(let e) = good { XCTFail(e.reason) }
            if case .success = bad { XCTFail("600 levels accepted") }
            done.fulfill()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        wait(for: [done], timeout: 60)
    }
}
