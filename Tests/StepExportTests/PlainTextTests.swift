import Bytes
import Foundation
import StepExportTestSupport
import XCTest

/// The text helpers the program uses instead of Foundation's (`Bytes/PlainText.swift`), each
/// compared with Foundation's own on inputs made at random and on the edge cases by hand.
final class PlainTextTests: XCTestCase {
    func testPrintfTextIsStringFormat() {
        var g = SeededRandom(seed: 41)
        for _ in 0..<2_000 {
            let n = g.int(-1_000_000...1_000_000_000)
            let x = Double(g.int(-10_000_000...10_000_000)) / Double(g.int(1...100_000))
            for format in ["%ld", "%05ld", "%02ld:%03ld"] {
                XCTAssertEqual(printfText(format, n, n / 7), String(format: format, n, n / 7))
            }
            for format in ["%.3f", "%.1f MB", "%.0f", "%.2f s"] {
                XCTAssertEqual(printfText(format, x), String(format: format, x))
            }
        }
        // Longer than the first buffer.
        let long = String(repeating: "x", count: 300) + "%ld"
        XCTAssertEqual(printfText(long, 12), String(repeating: "x", count: 300) + "12")
    }

    func testTrimmingSpacesIsTrimmingWhitespaces() {
        var g = SeededRandom(seed: 42)
        let pieces = [" ", "\t", "a", "b c", "é", "", "  x  "]
        for _ in 0..<2_000 {
            let s = (0..<g.int(0...6)).map { _ in pieces[g.int(0...pieces.count - 1)] }.joined()
            XCTAssertEqual(s.trimmingSpaces(), s.trimmingCharacters(in: .whitespaces), "[\(s)]")
        }
    }

    /// The same as Foundation's, except for bytes that are not UTF-8: nil here, where Foundation
    /// gives nil for some and U+FFFD for others.
    private func assertDecodedLikeFoundation(_ s: String, file: StaticString = #filePath, line: UInt = #line) {
        let ours = percentDecoded(Substring(s)), foundation = s.removingPercentEncoding
        if ours == nil, let foundation, foundation.contains("\u{FFFD}") { return }
        XCTAssertEqual(ours, foundation, "[\(s)]", file: file, line: line)
    }

    func testPercentDecodedIsRemovingPercentEncoding() {
        let cases = ["abc", "a%2Db", "%2d%2D", "%", "%4", "%zz", "%41%42", "a+b", "%C3%A9", "%C3", "%FF", "%E2%82%AC", "",
                     "%25", "%%41", "x%0A", "%00"]
        for s in cases { assertDecodedLikeFoundation(s) }
        XCTAssertNil(percentDecoded("%A9"), "a lone continuation byte")
        XCTAssertNil(percentDecoded("%C3"), "a cut sequence")
        var g = SeededRandom(seed: 43)
        let pieces = ["a", "-", "%2D", "%", "%C3%A9", "%c3", "%A9", "%zz", "9", "%4"]
        for _ in 0..<2_000 {
            assertDecodedLikeFoundation((0..<g.int(0...6)).map { _ in pieces[g.int(0...pieces.count - 1)] }.joined())
        }
    }

    func testPathExtensionIsNSStrings() {
        let cases = ["a.csv", ".csv", "dir/.csv", "a.b/c", "a.CSV", "x/", "a.csv/", "a..csv", "a.", "/tmp/out.xlsx", "", "/",
                     "a/b.c/d.e", "..", ".", "a.tar.gz", "noext", "d.x//"]
        for p in cases {
            XCTAssertEqual(pathExtension(p), (p as NSString).pathExtension, "[\(p)]")
        }
        var g = SeededRandom(seed: 44)
        let pieces = ["a", ".", "/", "csv", "x.y"]
        for _ in 0..<2_000 {
            let p = (0..<g.int(0...6)).map { _ in pieces[g.int(0...pieces.count - 1)] }.joined()
            XCTAssertEqual(pathExtension(p), (p as NSString).pathExtension, "[\(p)]")
        }
    }
}
