import XCTest
import JSONScan
@testable import StepRequest

/// RequestError, ErrorBodyJSON and the Python text of `target` values.
final class RequestErrorBodyTests: XCTestCase {
    func testRequestErrorBasics() {
        XCTAssertEqual(RequestError.notFound.status, 404)
        XCTAssertEqual(RequestError.notFound.body, #"{"detail":"Not found."}"#)
        XCTAssertEqual(RequestError.notFound, .detail(404, "Not found."))
        XCTAssertEqual(RequestError.detail(400, "x").exitCode, 40)
        XCTAssertEqual(RequestError.notFound.exitCode, 44)
        XCTAssertEqual(RequestError.detail(406, "x").exitCode, 46)
        XCTAssertEqual(RequestError.detail(500, "x").exitCode, 50)
        XCTAssertNotEqual(RequestError.detail(400, "x"), .detail(500, "x"))
        // Bodies compare as bytes: "é" precomposed and decomposed are different bodies.
        XCTAssertNotEqual(RequestError.detail(400, "\u{E9}"), .detail(400, "e\u{301}"))
        XCTAssertEqual(RequestError.detail(500, #"Cannot write /tmp/a "b".csv: No space"#).body,
                       #"{"detail":"Cannot write /tmp/a \"b\".csv: No space"}"#)
    }

    func testEscapes() {
        let cases: [(String, String)] = [
            ("", #""""#),
            ("plain", #""plain""#),
            ("\"", #""\"""#),
            ("\\", #""\\""#),
            ("/", #""/""#),
            ("\n\r\t\u{8}\u{C}", #""\n\r\t\b\f""#),
            ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
            ("\u{7F}", "\"\u{7F}\""),
            ("\u{80}é漢😀", "\"\u{80}é漢😀\""),
            ("\u{2028}\u{2029}", #""\u2028\u2029""#),
            ("\u{2027}\u{202A}", "\"\u{2027}\u{202A}\""),
            ("a\"b\\c\nd", #""a\"b\\c\nd""#),
            ("\u{FEFF}x", "\"\u{FEFF}x\""),
        ]
        for (raw, quoted) in cases {
            XCTAssertEqual(Array(ErrorBodyJSON.quoted(raw).utf8), Array(quoted.utf8), raw.debugDescription)
        }
        XCTAssertEqual(ErrorBodyJSON.detail("a\"b"), #"{"detail":"a\"b"}"#)
        let long = String(repeating: "ab\"", count: 10_000)
        XCTAssertEqual(ErrorBodyJSON.quoted(long), "\"" + String(repeating: #"ab\""#, count: 10_000) + "\"")
    }

    func testErrorNodeLayout() {
        let node = ErrorNode.object([
            ("a", .list([.object([]), .object([("k", .messages(["m1", "m2"]))])])),
            ("b", .object([])),
        ])
        XCTAssertEqual(node.json, #"{"a":[{},{"k":["m1","m2"]}],"b":{}}"#)
    }

    func testPythonFloatRepr() {
        // Expected values are Python 3's repr(float(text)).
        let cases: [(String, String)] = [
            ("1.5", "1.5"), ("1.0", "1.0"), ("100.0", "100.0"), ("1e5", "100000.0"), ("1E+5", "100000.0"),
            ("0.1", "0.1"), ("0.0001", "0.0001"), ("1e-5", "1e-05"), ("0.00001234", "1.234e-05"),
            ("2.5e-7", "2.5e-07"), ("1e15", "1000000000000000.0"), ("9.1e15", "9100000000000000.0"),
            ("1e16", "1e+16"), ("1.2345678901234567e17", "1.2345678901234566e+17"), ("1e22", "1e+22"),
            ("1e100", "1e+100"), ("-1.5", "-1.5"), ("-0.0", "-0.0"), ("0.0", "0.0"), ("0e0", "0.0"),
            ("1e-400", "0.0"), ("-1e-400", "-0.0"), ("1e400", "inf"), ("-1e400", "-inf"),
            ("5e-324", "5e-324"), ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("123.456", "123.456"), ("0.30000000000000004", "0.30000000000000004"), ("1.10", "1.1"),
            ("12345678901234567890.0", "1.2345678901234567e+19"), ("9007199254740993.0", "9007199254740992.0"),
        ]
        for (text, repr) in cases {
            XCTAssertEqual(PythonText.floatRepr(text), repr, text)
        }
    }

    func testPythonStringRepr() {
        // Expected values are Python 3's repr(str).
        let cases: [(String, String)] = [
            ("", "''"), ("a", "'a'"), ("it's", #""it's""#), ("a\"b", #"'a"b'"#), ("it's \"x\"", #"'it\'s "x"'"#),
            ("a\\b", #"'a\\b'"#), ("\t\n\r", #"'\t\n\r'"#), ("\u{0}\u{1}\u{1F}\u{7F}", #"'\x00\x01\x1f\x7f'"#),
            ("é漢😀", "'é漢😀'"), ("\u{A0}", #"'\xa0'"#), ("\u{AD}", #"'\xad'"#), ("\u{85}", #"'\x85'"#),
            ("\u{200B}", #"'\u200b'"#), ("\u{2028}", #"'\u2028'"#), ("\u{3000}", #"'\u3000'"#),
            ("\u{E000}", #"'\ue000'"#), ("\u{F0000}", #"'\U000f0000'"#), ("\u{E0001}", #"'\U000e0001'"#),
        ]
        for (s, repr) in cases {
            XCTAssertEqual(PythonText.repr(.string(s)), repr, s.debugDescription)
        }
        XCTAssertEqual(PythonText.str(.string("it's")), "it's")
    }

    func testPythonContainerRepr() {
        var o = JSONObject()
        o.set("k", .array([.integer("1"), .float("2e0"), .null, .bool(false), .string("v")]))
        o.set("e", .object(JSONObject()))
        XCTAssertEqual(PythonText.str(.object(o)), "{'k': [1, 2.0, None, False, 'v'], 'e': {}}")
        XCTAssertEqual(PythonText.str(.integer("-0")), "0")
        XCTAssertEqual(PythonText.str(.integer("-10")), "-10")
        // Very deep nesting is cut short instead of recursing without bound.
        var deep = JSONValue.array([])
        for _ in 0..<1100 { deep = .array([deep]) }
        let text = PythonText.str(deep)
        XCTAssertTrue(text.hasPrefix("[[[[") && text.contains("..."))
        XCTAssertLessThan(text.utf8.count, 3000)
        // The parser's deepest tree (512 levels) is written in full.
        let parsed = try? JSONValue.parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
        XCTAssertEqual(parsed.map(PythonText.str), String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
    }
}
