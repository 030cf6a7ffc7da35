import XCTest
@testable import JSONScan

final class JSONScanTests: XCTestCase {
    /// Verdicts of Python 3.11's `json` as Django REST Framework runs it (decode the bytes as
    /// UTF-8, then `json.loads` with DRF's `strict_constant` for NaN/Infinity); "OK" = accepted.
    /// Generated once with python3 and embedded here.
    static let pythonVerdicts: [([UInt8], String)] = [
        ([], "Expecting value: line 1 column 1 (char 0)"), // 
        ([0x20], "Expecting value: line 1 column 2 (char 1)"), //  
        ([0x0a], "Expecting value: line 2 column 1 (char 1)"), // \n
        ([0x7b], "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"), // {
        ([0x7d], "Expecting value: line 1 column 1 (char 0)"), // }
        ([0x5b], "Expecting value: line 1 column 2 (char 1)"), // [
        ([0x5d], "Expecting value: line 1 column 1 (char 0)"), // ]
        ([0x7b, 0x22, 0x61, 0x22], "Expecting ':' delimiter: line 1 column 5 (char 4)"), // {"a"
        ([0x7b, 0x22, 0x61, 0x22, 0x3a], "Expecting value: line 1 column 6 (char 5)"), // {"a":
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31], "Expecting ',' delimiter: line 1 column 7 (char 6)"), // {"a":1
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x2c], "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"), // {"a":1,
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x2c, 0x7d], "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"), // {"a":1,}
        ([0x5b, 0x31, 0x2c, 0x5d], "Expecting value: line 1 column 4 (char 3)"), // [1,]
        ([0x5b, 0x31], "Expecting ',' delimiter: line 1 column 3 (char 2)"), // [1
        ([0x5b, 0x31, 0x20, 0x32, 0x5d], "Expecting ',' delimiter: line 1 column 4 (char 3)"), // [1 2]
        ([0x7b, 0x22, 0x61, 0x22, 0x20, 0x31, 0x7d], "Expecting ':' delimiter: line 1 column 6 (char 5)"), // {"a" 1}
        ([0x7b, 0x31, 0x3a, 0x32, 0x7d], "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"), // {1:2}
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x20, 0x22, 0x62, 0x22, 0x3a, 0x32, 0x7d], "Expecting ',' delimiter: line 1 column 8 (char 7)"), // {"a":1 "b":2}
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d], "OK"), // {"a":1}
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x5b, 0x31, 0x2c, 0x32, 0x2c, 0x7b, 0x22, 0x62, 0x22, 0x3a, 0x6e, 0x75, 0x6c, 0x6c, 0x7d, 0x5d, 0x2c, 0x22, 0x63, 0x22, 0x3a, 0x22, 0x64, 0x22, 0x7d], "OK"), // {"a":[1,2,{"b":null}],"c":"d"}
        ([0x5b, 0x31, 0x2c, 0x2c, 0x32, 0x5d], "Expecting value: line 1 column 4 (char 3)"), // [1,,2]
        ([0x7b, 0x2c, 0x7d], "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"), // {,}
        ([0x5b, 0x2c, 0x5d], "Expecting value: line 1 column 2 (char 1)"), // [,]
        ([0x5b, 0x5d, 0x5d], "Extra data: line 1 column 3 (char 2)"), // []]
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0x7d], "Extra data: line 1 column 8 (char 7)"), // {"a":1}}
        ([0x7b, 0x7d, 0x20, 0x7b, 0x7d], "Extra data: line 1 column 4 (char 3)"), // {} {}
        ([0x5b, 0x5d, 0x20, 0x78], "Extra data: line 1 column 4 (char 3)"), // [] x
        ([0x22, 0x61, 0x62, 0x63], "Unterminated string starting at: line 1 column 1 (char 0)"), // "abc
        ([0x22, 0x61, 0x62, 0x63, 0x5c, 0x22], "Unterminated string starting at: line 1 column 1 (char 0)"), // "abc\\"
        ([0x22, 0x5c], "Unterminated string starting at: line 1 column 1 (char 0)"), // "\\
        ([0x22, 0x61, 0x01, 0x22], "Invalid control character at: line 1 column 3 (char 2)"), // "a\x01"
        ([0x22, 0x09, 0x22], "Invalid control character at: line 1 column 2 (char 1)"), // "\t"
        ([0x22, 0x00, 0x22], "Invalid control character at: line 1 column 2 (char 1)"), // "\x00"
        ([0x22, 0x1f, 0x22], "Invalid control character at: line 1 column 2 (char 1)"), // "\x1f"
        ([0x22, 0x7f, 0x22], "OK"), // "\x7f"
        ([0x22, 0x5c, 0x71, 0x22], "Invalid \\escape: line 1 column 2 (char 1)"), // "\\q"
        ([0x22, 0x5c, 0x78, 0x34, 0x31, 0x22], "Invalid \\escape: line 1 column 2 (char 1)"), // "\\x41"
        ([0x22, 0x5c, 0x55, 0x30, 0x30, 0x34, 0x31, 0x22], "Invalid \\escape: line 1 column 2 (char 1)"), // "\\U0041"
        ([0x22, 0x5c, 0x75, 0x31, 0x32, 0x22], "Invalid \\uXXXX escape: line 1 column 3 (char 2)"), // "\\u12"
        ([0x22, 0x5c, 0x75, 0x31, 0x32, 0x78, 0x34, 0x22], "Invalid \\uXXXX escape: line 1 column 3 (char 2)"), // "\\u12x4"
        ([0x22, 0x5c, 0x75, 0x31, 0x32, 0x33, 0x34], "Invalid \\uXXXX escape: line 1 column 3 (char 2)"), // "\\u1234
        ([0x22, 0x5c, 0x75, 0x31, 0x32, 0x33], "Invalid \\uXXXX escape: line 1 column 3 (char 2)"), // "\\u123
        ([0x22, 0x5c, 0x75, 0x30, 0x30, 0x34, 0x31, 0x22], "OK"), // "\\u0041"
        ([0x22, 0x5c, 0x75, 0x30, 0x30, 0x65, 0x39, 0x5c, 0x75, 0x32, 0x30, 0x41, 0x43, 0x22], "OK"), // "\\u00e9\\u20AC"
        ([0x22, 0x5c, 0x75, 0x64, 0x38, 0x33, 0x64, 0x5c, 0x75, 0x64, 0x65, 0x30, 0x30, 0x22], "OK"), // "\\ud83d\\ude00"
        ([0x22, 0x5c, 0x75, 0x64, 0x38, 0x33, 0x64, 0x5c, 0x75, 0x31, 0x32, 0x78, 0x34, 0x22], "Invalid \\uXXXX escape: line 1 column 9 (char 8)"), // "\\ud83d\\u12x4"
        ([0x22, 0x5c, 0x22, 0x5c, 0x5c, 0x5c, 0x2f, 0x5c, 0x62, 0x5c, 0x66, 0x5c, 0x6e, 0x5c, 0x72, 0x5c, 0x74, 0x22], "OK"), // "\\"\\\\\\/\\b\\f\\n\\r\\t"
        ([0x22, 0x5c, 0x27, 0x22], "Invalid \\escape: line 1 column 2 (char 1)"), // "\\\'"
        ([0x22, 0x5c, 0x30, 0x22], "Invalid \\escape: line 1 column 2 (char 1)"), // "\\0"
        ([0x4e, 0x61, 0x4e], "Out of range float values are not JSON compliant: 'NaN'"), // NaN
        ([0x2d, 0x49, 0x6e, 0x66, 0x69, 0x6e, 0x69, 0x74, 0x79], "Out of range float values are not JSON compliant: '-Infinity'"), // -Infinity
        ([0x49, 0x6e, 0x66, 0x69, 0x6e, 0x69, 0x74, 0x79], "Out of range float values are not JSON compliant: 'Infinity'"), // Infinity
        ([0x5b, 0x4e, 0x61, 0x4e, 0x5d], "Out of range float values are not JSON compliant: 'NaN'"), // [NaN]
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x49, 0x6e, 0x66, 0x69, 0x6e, 0x69, 0x74, 0x79, 0x7d], "Out of range float values are not JSON compliant: 'Infinity'"), // {"a":Infinity}
        ([0x6e, 0x61, 0x6e], "Expecting value: line 1 column 1 (char 0)"), // nan
        ([0x2d, 0x4e, 0x61, 0x4e], "Expecting value: line 1 column 1 (char 0)"), // -NaN
        ([0x49, 0x6e, 0x66], "Expecting value: line 1 column 1 (char 0)"), // Inf
        ([0x2d, 0x49, 0x6e, 0x66], "Expecting value: line 1 column 1 (char 0)"), // -Inf
        ([0x5b, 0x31, 0x2c, 0x4e, 0x61, 0x4e], "Out of range float values are not JSON compliant: 'NaN'"), // [1,NaN
        ([0x6e, 0x75, 0x6c, 0x6c], "OK"), // null
        ([0x74, 0x72, 0x75, 0x65], "OK"), // true
        ([0x66, 0x61, 0x6c, 0x73, 0x65], "OK"), // false
        ([0x6e, 0x75, 0x6c], "Expecting value: line 1 column 1 (char 0)"), // nul
        ([0x74, 0x72, 0x75], "Expecting value: line 1 column 1 (char 0)"), // tru
        ([0x66, 0x61, 0x6c, 0x73], "Expecting value: line 1 column 1 (char 0)"), // fals
        ([0x6e, 0x75, 0x6c, 0x6c, 0x6c], "Extra data: line 1 column 5 (char 4)"), // nulll
        ([0x54, 0x72, 0x75, 0x65], "Expecting value: line 1 column 1 (char 0)"), // True
        ([0x4e, 0x6f, 0x6e, 0x65], "Expecting value: line 1 column 1 (char 0)"), // None
        ([0x5b, 0x74, 0x72, 0x75, 0x65, 0x2c, 0x66, 0x61, 0x6c, 0x73, 0x65, 0x2c, 0x6e, 0x75, 0x6c, 0x6c, 0x5d], "OK"), // [true,false,null]
        ([0x30], "OK"), // 0
        ([0x2d, 0x30], "OK"), // -0
        ([0x30, 0x31], "Extra data: line 1 column 2 (char 1)"), // 01
        ([0x2d, 0x30, 0x31], "Extra data: line 1 column 3 (char 2)"), // -01
        ([0x30, 0x30], "Extra data: line 1 column 2 (char 1)"), // 00
        ([0x2d], "Expecting value: line 1 column 1 (char 0)"), // -
        ([0x2d, 0x61], "Expecting value: line 1 column 1 (char 0)"), // -a
        ([0x2b, 0x31], "Expecting value: line 1 column 1 (char 0)"), // +1
        ([0x31, 0x2e], "Extra data: line 1 column 2 (char 1)"), // 1.
        ([0x2e, 0x35], "Expecting value: line 1 column 1 (char 0)"), // .5
        ([0x31, 0x2e, 0x65, 0x35], "Extra data: line 1 column 2 (char 1)"), // 1.e5
        ([0x31, 0x65], "Extra data: line 1 column 2 (char 1)"), // 1e
        ([0x31, 0x65, 0x2b], "Extra data: line 1 column 2 (char 1)"), // 1e+
        ([0x31, 0x45, 0x2d, 0x32], "OK"), // 1E-2
        ([0x31, 0x2e, 0x35, 0x65, 0x2b], "Extra data: line 1 column 4 (char 3)"), // 1.5e+
        ([0x31, 0x2e, 0x35, 0x65, 0x2b, 0x33], "OK"), // 1.5e+3
        ([0x5b, 0x30, 0x31, 0x5d], "Expecting ',' delimiter: line 1 column 3 (char 2)"), // [01]
        ([0x5b, 0x31, 0x2e, 0x5d], "Expecting ',' delimiter: line 1 column 3 (char 2)"), // [1.]
        ([0x5b, 0x2d, 0x5d], "Expecting value: line 1 column 2 (char 1)"), // [-]
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x2d, 0x7d], "Expecting value: line 1 column 6 (char 5)"), // {"a":-}
        ([0x31, 0x65, 0x34, 0x30, 0x30], "OK"), // 1e400
        ([0x2d, 0x31, 0x65, 0x34, 0x30, 0x30], "OK"), // -1e400
        ([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x30], "OK"), // 123456789012345678901234567890
        ([0x30, 0x2e, 0x30], "OK"), // 0.0
        ([0x2d, 0x30, 0x2e, 0x30, 0x65, 0x2d, 0x30], "OK"), // -0.0e-0
        ([0x31, 0x5f, 0x30, 0x30, 0x30], "Extra data: line 1 column 2 (char 1)"), // 1_000
        ([0x30, 0x78, 0x31, 0x30], "Extra data: line 1 column 2 (char 1)"), // 0x10
        ([0x5b, 0x31, 0x65, 0x35, 0x78, 0x5d], "Expecting ',' delimiter: line 1 column 5 (char 4)"), // [1e5x]
        ([0x31, 0x32, 0x20, 0x33, 0x34], "Extra data: line 1 column 4 (char 3)"), // 12 34
        ([0x20, 0x37, 0x20], "OK"), //  7 
        ([0xef, 0xbb, 0xbf, 0x7b, 0x7d], "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"), // \xef\xbb\xbf{}
        ([0xef, 0xbb, 0xbf], "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"), // \xef\xbb\xbf
        ([0x20, 0xef, 0xbb, 0xbf, 0x7b, 0x7d], "Expecting value: line 1 column 2 (char 1)"), //  \xef\xbb\xbf{}
        ([0x22, 0xef, 0xbb, 0xbf, 0x22], "OK"), // "\xef\xbb\xbf"
        ([0xff], "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"), // \xff
        ([0x61, 0xe2, 0x82], "'utf-8' codec can't decode bytes in position 1-2: unexpected end of data"), // a\xe2\x82
        ([0x22, 0x61, 0xe2, 0x82, 0x22], "'utf-8' codec can't decode bytes in position 2-3: invalid continuation byte"), // "a\xe2\x82"
        ([0xe2, 0x28, 0xa1], "'utf-8' codec can't decode byte 0xe2 in position 0: invalid continuation byte"), // \xe2(\xa1
        ([0xed, 0xa0, 0x80], "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"), // \xed\xa0\x80
        ([0x22, 0xed, 0xa0, 0x80, 0x22], "'utf-8' codec can't decode byte 0xed in position 1: invalid continuation byte"), // "\xed\xa0\x80"
        ([0xc0, 0x80], "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"), // \xc0\x80
        ([0x22, 0xc1, 0xbf, 0x22], "'utf-8' codec can't decode byte 0xc1 in position 1: invalid start byte"), // "\xc1\xbf"
        ([0xf8, 0x88, 0x80, 0x80, 0x80], "'utf-8' codec can't decode byte 0xf8 in position 0: invalid start byte"), // \xf8\x88\x80\x80\x80
        ([0xf4, 0x90, 0x80, 0x80], "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte"), // \xf4\x90\x80\x80
        ([0xf0, 0x90, 0x28], "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"), // \xf0\x90(
        ([0x22, 0xf0, 0x90, 0x80, 0x22], "'utf-8' codec can't decode bytes in position 1-3: invalid continuation byte"), // "\xf0\x90\x80"
        ([0x22, 0xe0, 0x80, 0x80, 0x22], "'utf-8' codec can't decode byte 0xe0 in position 1: invalid continuation byte"), // "\xe0\x80\x80"
        ([0x22, 0xf0, 0x80, 0x80, 0x80, 0x22], "'utf-8' codec can't decode byte 0xf0 in position 1: invalid continuation byte"), // "\xf0\x80\x80\x80"
        ([0x22, 0x80, 0x22], "'utf-8' codec can't decode byte 0x80 in position 1: invalid start byte"), // "\x80"
        ([0x22, 0xbf, 0x22], "'utf-8' codec can't decode byte 0xbf in position 1: invalid start byte"), // "\xbf"
        ([0x22, 0xfe, 0x22], "'utf-8' codec can't decode byte 0xfe in position 1: invalid start byte"), // "\xfe"
        ([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d], "'utf-8' codec can't decode byte 0xff in position 2: invalid start byte"), // {"\xff":1}
        ([0x5b, 0x31, 0x2c, 0x32, 0xff], "'utf-8' codec can't decode byte 0xff in position 4: invalid start byte"), // [1,2\xff
        ([0x22, 0xc3, 0x22], "'utf-8' codec can't decode byte 0xc3 in position 1: invalid continuation byte"), // "\xc3"
        ([0x22, 0xc3, 0xa9, 0x22], "OK"), // "\xc3\xa9"
        ([0x22, 0xe2, 0x82, 0xac, 0x22], "OK"), // "\xe2\x82\xac"
        ([0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22], "OK"), // "\xf0\x9f\x98\x80"
        ([0x22, 0xef, 0xbf, 0xbf, 0x22], "OK"), // "\xef\xbf\xbf"
        ([0x22, 0xf4, 0x8f, 0xbf, 0xbf, 0x22], "OK"), // "\xf4\x8f\xbf\xbf"
        ([0x22, 0xc3, 0xa9, 0xc3, 0xa9, 0x22, 0x20, 0x78], "Extra data: line 1 column 6 (char 5)"), // "\xc3\xa9\xc3\xa9" x
        ([0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22, 0x20, 0x78], "Extra data: line 1 column 5 (char 4)"), // "\xf0\x9f\x98\x80" x
        ([0x0a, 0x0a, 0x20, 0x20, 0x78], "Expecting value: line 3 column 3 (char 4)"), // \n\n  x
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0x0a, 0x20, 0x78], "Extra data: line 2 column 2 (char 9)"), // {"a":1}\n x
        ([0x7b, 0x0a, 0x22, 0x61, 0x22, 0x3a, 0x0a, 0x7d], "Expecting value: line 3 column 1 (char 7)"), // {\n"a":\n}
        ([0x5b, 0x0d, 0x0a, 0x31, 0x2c, 0x0d, 0x0a, 0x5d], "Expecting value: line 3 column 1 (char 7)"), // [\r\n1,\r\n]
        ([0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0xac, 0x22, 0x2c, 0x0a, 0x20, 0x22, 0x62, 0x22, 0x20, 0x32, 0x7d], "Expecting ':' delimiter: line 2 column 6 (char 15)"), // {"\xc3\xa9":"\xe2\x82\xac",\n "b" 2}
        ([0x00], "Expecting value: line 1 column 1 (char 0)"), // \x00
        ([0x20, 0x0b, 0x31], "Expecting value: line 1 column 2 (char 1)"), //  \x0b1
        ([0x0c, 0x31], "Expecting value: line 1 column 1 (char 0)"), // \x0c1
        ([0xc2, 0xa0, 0x31], "Expecting value: line 1 column 1 (char 0)"), // \xc2\xa01
        ([0x2f, 0x2a, 0x63, 0x2a, 0x2f, 0x31], "Expecting value: line 1 column 1 (char 0)"), // /*c*/1
        ([0x31, 0x20, 0x2f, 0x2f, 0x63], "Extra data: line 1 column 3 (char 2)"), // 1 //c
        ([0x27, 0x61, 0x27], "Expecting value: line 1 column 1 (char 0)"), // 'a'
        ([0x7b, 0x61, 0x3a, 0x31, 0x7d], "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"), // {a:1}
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0x61, 0x22, 0x3a, 0x32, 0x7d], "OK"), // {"a":1,"a":2}
        ([0x5b, 0x5b, 0x5b, 0x5d, 0x5d, 0x5d], "OK"), // [[[]]]
        ([0x5b, 0x5b, 0x5b, 0x5d, 0x5d], "Expecting ',' delimiter: line 1 column 6 (char 5)"), // [[[]]
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x7b, 0x22, 0x62, 0x22, 0x3a, 0x7b, 0x7d, 0x7d, 0x7d], "OK"), // {"a":{"b":{}}}
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x7b, 0x22, 0x62, 0x22, 0x3a, 0x7b, 0x7d, 0x7d], "Expecting ',' delimiter: line 1 column 14 (char 13)"), // {"a":{"b":{}}
        ([0x5b, 0x22, 0x61, 0x22, 0x2c, 0x5d], "Expecting value: line 1 column 6 (char 5)"), // ["a",]
        ([0x7b, 0x22, 0x61, 0x22, 0x7d], "Expecting ':' delimiter: line 1 column 5 (char 4)"), // {"a"}
        ([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x7d], "Expecting value: line 1 column 6 (char 5)"), // {"a":}
        ([0x7b, 0x22, 0x22, 0x3a, 0x22, 0x22, 0x7d], "OK"), // {"":""}
        ([0x5b, 0x22, 0x5c, 0x75, 0x30, 0x30, 0x30, 0x30, 0x22, 0x5d], "OK"), // ["\\u0000"]
    ]

    func testVerdictsAndMessagesMatchPython() {
        for (bytes, expected) in Self.pythonVerdicts {
            let label = String(decoding: bytes, as: UTF8.self).debugDescription
            do {
                _ = try JSONValue.parse(bytes)
                XCTAssertEqual("OK", expected, label)
            } catch {
                XCTAssertEqual(error.reason, expected, label)
            }
        }
    }

    /// Python accepts these; StepExport rejects them (SPEC §1: no lone surrogates; depth ≤ 512).
    func testStricterThanPython() {
        let cases: [(String, String)] = [
            (#""\ud800""#, #"Lone surrogate in \uXXXX escape: line 1 column 3 (char 2)"#),
            (#""\udc00""#, #"Lone surrogate in \uXXXX escape: line 1 column 3 (char 2)"#),
            (#"["ab\ud83d\u0041"]"#, #"Lone surrogate in \uXXXX escape: line 1 column 6 (char 5)"#),
            (#"{"\ude00x":1}"#, #"Lone surrogate in \uXXXX escape: line 1 column 4 (char 3)"#),
            (#""\ud83d\ud83d\ude00""#, #"Lone surrogate in \uXXXX escape: line 1 column 3 (char 2)"#),
            // An error Python reports wins over a lone surrogate before it.
            (#"["\ud800", x]"#, "Expecting value: line 1 column 12 (char 11)"),
            (#""\ud800\u12x4""#, #"Invalid \uXXXX escape: line 1 column 9 (char 8)"#),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try JSONValue.parse(text), text) { error in
                XCTAssertEqual((error as? JSONSyntaxError)?.reason, expected, text)
            }
        }
    }

    func testDepthLimit() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try JSONValue.parse(ok))
        let objects = String(repeating: "{\"a\":", count: 511) + "{}" + String(repeating: "}", count: 511)
        XCTAssertNoThrow(try JSONValue.parse(objects))
        let deep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        XCTAssertThrowsError(try JSONValue.parse(deep)) { error in
            XCTAssertEqual((error as? JSONSyntaxError)?.reason,
                           "Maximum nesting depth of 512 exceeded: line 1 column 513 (char 512)")
        }
        let hostile = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try JSONValue.parse(hostile))
    }

    /// The UTF-8 check agrees with the standard library's decoder on every lead byte, every
    /// second byte and boundary values of the third and fourth.
    func testUTF8SequencesAgreeWithTheStandardLibrary() {
        let edges: [UInt8] = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        var bytes: [UInt8] = [0, 0, 0, 0]
        for lead in 0x80...0xFF {
            for second in 0...0xFF {
                for third in edges {
                    for fourth in edges {
                        bytes[0] = UInt8(lead); bytes[1] = UInt8(second); bytes[2] = third; bytes[3] = fourth
                        var iterator = bytes.makeIterator()
                        var decoder = UTF8()
                        var expected = 0
                        if case .scalarValue(let scalar) = decoder.decode(&iterator) { expected = UTF8.width(scalar) }
                        let got = bytes.withUnsafeBufferPointer { JSONBytes.utf8SequenceLength($0.baseAddress!, 0, 4) }
                        if got != expected {
                            XCTFail("\(bytes): \(got) != \(expected)")
                            return
                        }
                    }
                }
            }
        }
    }

    func testValues() throws {
        let v = try JSONValue.parse(#" {"a": [1, -0, 2.5, 1e3, -1E-2, true, false, null], "b": {"c": "d"}, "a": "last"} "#)
        guard case .object(let o) = v else { return XCTFail("not an object") }
        XCTAssertEqual(o.keys, ["a", "b"])
        XCTAssertEqual(o["a"], .string("last"))
        var inner = JSONObject()
        inner.set("c", .string("d"))
        XCTAssertEqual(o["b"], .object(inner))
        let numbers = try JSONValue.parse("[1, -0, 2.5, 1e3, -1E-2, 123456789012345678901234567890, 1e400]")
        XCTAssertEqual(numbers, .array([.integer("1"), .integer("-0"), .float("2.5"), .float("1e3"), .float("-1E-2"),
                                        .integer("123456789012345678901234567890"), .float("1e400")]))
        XCTAssertEqual(try JSONValue.parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00é""#),
                       .string("\"\\/\u{8}\u{c}\n\r\tAé€😀é"))
        XCTAssertEqual(try JSONValue.parse(#""\u0000""#), .string("\u{0}"))
        XCTAssertEqual(try JSONValue.parse("[]"), .array([]))
        XCTAssertEqual(try JSONValue.parse("{}"), .object(JSONObject()))
        XCTAssertEqual(try JSONValue.parse([UInt8]("\"x\"".utf8)), .string("x"))
    }

    func testPythonTypeNames() throws {
        XCTAssertEqual(try JSONValue.parse("1").pythonTypeName, "int")
        XCTAssertEqual(try JSONValue.parse("1.0").pythonTypeName, "float")
        XCTAssertEqual(try JSONValue.parse("null").pythonTypeName, "NoneType")
    }
}
