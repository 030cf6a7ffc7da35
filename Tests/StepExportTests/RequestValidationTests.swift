import XCTest
import JSONScan
import Timestamps
@testable import StepRequest

/// Golden tests for SPEC §3 checks 1–3 and 6: exact status and body for every message.
final class RequestValidationTests: XCTestCase {
    let required = #"["This field is required."]"#
    let null = #"["This field may not be null."]"#
    let notString = #"["Not a valid string."]"#
    let notEmpty = #"["This list may not be empty."]"#
    let datetime = #"["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]"#
    let formatMessage = #"["Format must be 'xlsx' or 'csv'. Change the value or omit the field from payload."]"#
    let validInteger = #"["A valid integer is required."]"#
    let atLeastOne = #"["Ensure this value is greater than or equal to 1."]"#
    func expectedList(_ type: String) -> String { #"["Expected a list of items but got type \"\#(type)\"."]"# }
    func expectedDict(_ type: String) -> String { #"{"non_field_errors":["Invalid data. Expected a dictionary, but got \#(type)."]}"# }

    // MARK: Check 1 — path

    func testPathNotFound() {
        let good = payload()
        for org in ["", "0b1e2c3d4e5f6789abcdef0123456789", "0b1e2c3d-4e5f-6789-abcd-ef012345678",
                    "0b1e2c3d-4e5f-6789-abcd-ef01234567890", "0b1e2c3g-4e5f-6789-abcd-ef0123456789",
                    "{0b1e2c3d-4e5f-6789-abcd-ef0123456789}", " 0b1e2c3d-4e5f-6789-abcd-ef0123456789",
                    "0b1e2c3d-4e5f-6789-abcd-ef0123456789 ", "0b1e2c3d_4e5f_6789_abcd_ef0123456789",
                    "0b1e2c3d-4e5f6-789-abcd-ef0123456789", "0b1e2c3d-4e5f-6789-abcd-ef012345678\u{FF10}",
                    "urn:uuid:0b1e2c3d-4e5f-6789-abcd-ef0123456789"] {
            assertError(good, 404, #"{"detail":"Not found."}"#, org: org)
            assertError(good, 404, #"{"detail":"Not found."}"#, workflow: org)
        }
        for step in ["", "-1", "+1", "1.0", " 1", "1 ", "1e2", "0x1", "\u{0661}", "\u{FF11}", "one", "-0"] {
            assertError(good, 404, #"{"detail":"Not found."}"#, step: step)
        }
    }

    func testPathAccepted() {
        let good = payload()
        for (org, wf) in [(validOrg, validWorkflow),
                          ("ABCDEF01-2345-6789-ABCD-EF0123456789", "abcdef01-2345-6789-abcd-ef0123456789"),
                          ("aBcDeF01-2345-6789-AbCd-eF0123456789", "00000000-0000-0000-0000-000000000000")] {
            guard let r = validateText(good, org: org, workflow: wf), case .success(let req) = r else {
                XCTFail("\(org) \(wf)"); continue
            }
            XCTAssertEqual(req.organizationID, org)
            XCTAssertEqual(req.workflowID, wf)
        }
    }

    func testStepIndexNormalized() {
        let cases: [(String, String, Int64?)] = [
            ("0", "0", 0), ("000", "0", 0), ("7", "7", 7), ("007", "7", 7), ("10", "10", 10),
            ("9223372036854775807", "9223372036854775807", .max),
            ("09223372036854775807", "9223372036854775807", .max),
            ("9223372036854775808", "9223372036854775808", nil),
            ("123456789012345678901234567890", "123456789012345678901234567890", nil),
        ]
        for (given, text, value) in cases {
            guard let r = assertValid(payload(), step: given) else { continue }
            XCTAssertEqual(r.stepIndexText, text, given)
            XCTAssertEqual(r.stepIndex, value, given)
        }
    }

    // MARK: Check order

    func testBadPathWinsOverEverything() {
        // Bad path + not an object, + bad fields: 404.
        assertError("[]", 404, #"{"detail":"Not found."}"#, step: "x")
        assertError("{}", 404, #"{"detail":"Not found."}"#, org: "nope")
        assertError(payload(format: #""pdf""#), 404, #"{"detail":"Not found."}"#, workflow: "")
    }

    func testNotAnObjectWinsOverFields() {
        // A list of good-looking payload members is still not an object.
        assertError(#"[{"filters":[]}]"#, 400, #"{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}"#)
    }

    // MARK: Check 2 — not an object

    func testPayloadNotAnObject() {
        for (text, type) in [("[]", "list"), (#""x""#, "str"), ("1", "int"), ("-0", "int"), ("1.5", "float"),
                             ("1e3", "float"), ("true", "bool"), ("false", "bool"), ("null", "NoneType")] {
            assertError(text, 400, #"{"non_field_errors":["Invalid data. Expected a dictionary, but got \#(type)."]}"#)
        }
    }

    // MARK: Check 3 — filters

    func testFiltersRequiredAndNull() {
        assertFieldError(payload(filters: nil), "filters", required)
        assertFieldError(payload(filters: "null"), "filters", null)
    }

    func testFiltersNotAList() {
        for (text, type) in [("{}", "dict"), (#""action""#, "str"), ("1", "int"), ("1.0", "float"),
                             ("true", "bool")] {
            assertFieldError(payload(filters: text), "filters", expectedList(type))
        }
    }

    func testFiltersEmptyListIsValid() {
        XCTAssertEqual(assertValid(payload(filters: "[]"))?.filters, [])
    }

    func testFiltersParsed() {
        let r = assertValid(payload(filters: #"[{"property":"action","values":["a","b"],"x":1},{"values":[""],"property":"label"}]"#))
        XCTAssertEqual(r?.filters, [Filter(property: "action", values: ["a", "b"]), Filter(property: "label", values: [""])])
    }

    func testFilterItemErrorsAlignedWithItems() {
        assertFieldError(payload(filters: #"[{"property":"action","values":["a"]},{"property":"action","values":[]}]"#),
                         "filters", #"[{},{"values":["This list may not be empty."]}]"#)
        assertFieldError(payload(filters: #"[{"property":"a","values":[]},{"property":"action","values":["a"]},"x"]"#),
                         "filters", #"[{"values":["This list may not be empty."]},{},\#(expectedDict("str"))]"#)
    }

    func testFilterItemMissingKeys() {
        assertFieldError(payload(filters: "[{}]"), "filters", #"[{"property":\#(required),"values":\#(required)}]"#)
        assertFieldError(payload(filters: #"[{"values":["a"]}]"#), "filters", #"[{"property":\#(required)}]"#)
        assertFieldError(payload(filters: #"[{"property":"action"}]"#), "filters", #"[{"values":\#(required)}]"#)
    }

    func testFilterPropertyNotAString() {
        for text in ["1", "1.5", "true", "[]", "{}", #"["action"]"#] {
            assertFieldError(payload(filters: #"[{"property":\#(text),"values":["a"]}]"#), "filters",
                             #"[{"property":\#(notString)}]"#)
        }
        assertFieldError(payload(filters: #"[{"property":null,"values":["a"]}]"#), "filters", #"[{"property":\#(null)}]"#)
    }

    func testFilterValuesErrors() {
        for (text, type) in [(#""a""#, "str"), ("{}", "dict"), ("1", "int"), ("2.5", "float"), ("false", "bool")] {
            assertFieldError(payload(filters: #"[{"property":"action","values":\#(text)}]"#), "filters",
                             #"[{"values":\#(expectedList(type))}]"#)
        }
        assertFieldError(payload(filters: #"[{"property":"action","values":null}]"#), "filters", #"[{"values":\#(null)}]"#)
        assertFieldError(payload(filters: #"[{"property":"action","values":[]}]"#), "filters", #"[{"values":\#(notEmpty)}]"#)
        for element in ["1", "null", "true", "[]", "{}", "1.5"] {
            assertFieldError(payload(filters: #"[{"property":"action","values":["a",\#(element),"b",\#(element)]}]"#),
                             "filters", #"[{"values":\#(notString)}]"#)
        }
    }

    func testFilterBothKeysWrongInKeyOrder() {
        // Keys come out in the order property, values, whatever the payload's order.
        assertFieldError(payload(filters: #"[{"values":[],"property":5}]"#), "filters",
                         #"[{"property":\#(notString),"values":\#(notEmpty)}]"#)
    }

    func testFilterItemNotAnObject() {
        for (text, type) in [(#""action""#, "str"), ("[]", "list"), ("1", "int"), ("1.5", "float"),
                             ("true", "bool"), ("null", "NoneType")] {
            assertFieldError(payload(filters: "[\(text)]"), "filters", "[\(expectedDict(type))]")
        }
    }

    // MARK: step_data

    func testStepDataOptionalAndParsed() {
        XCTAssertEqual(assertValid(payload())?.stepData.count, 0)
        XCTAssertEqual(assertValid(payload(stepData: "[]"))?.stepData.count, 0)
        let r = assertValid(payload(stepData: #"[{},{"actions":["p1","p2"]},{"actions":[]},{"other":1}]"#))
        XCTAssertEqual(r?.stepData.count, 4)
        XCTAssertEqual(r?.stepData[0], nil)
        XCTAssertEqual(r?.stepData[1], ["p1", "p2"])
        XCTAssertEqual(r?.stepData[2], [])
        XCTAssertEqual(r?.stepData[3], nil)
    }

    func testStepDataErrors() {
        assertFieldError(payload(stepData: "null"), "step_data", null)
        for (text, type) in [("{}", "dict"), (#""a""#, "str"), ("3", "int"), ("3.0", "float"), ("true", "bool")] {
            assertFieldError(payload(stepData: text), "step_data", expectedList(type))
        }
        for (text, type) in [(#""a""#, "str"), ("[]", "list"), ("0", "int"), ("null", "NoneType")] {
            assertFieldError(payload(stepData: "[{},\(text)]"), "step_data", "[{},\(expectedDict(type))]")
        }
        assertFieldError(payload(stepData: #"[{},{"actions":["a",1]}]"#), "step_data", #"[{},{"actions":\#(notString)}]"#)
        assertFieldError(payload(stepData: #"[{},{"actions":[null]}]"#), "step_data", #"[{},{"actions":\#(notString)}]"#)
        assertFieldError(payload(stepData: #"[{"actions":"a"}]"#), "step_data", #"[{"actions":\#(expectedList("str"))}]"#)
        assertFieldError(payload(stepData: #"[{"actions":{}}]"#), "step_data", #"[{"actions":\#(expectedList("dict"))}]"#)
        assertFieldError(payload(stepData: #"[{"actions":null}]"#), "step_data", #"[{"actions":\#(null)}]"#)
    }

    // MARK: interval

    func testIntervalRequiredNullNotObject() {
        assertFieldError(payload(interval: nil), "interval", required)
        assertFieldError(payload(interval: "null"), "interval", null)
        for (text, type) in [("[]", "list"), (#""2022-11-03T00:00""#, "str"), ("1", "int"), ("1.5", "float"),
                             ("false", "bool")] {
            assertFieldError(payload(interval: text), "interval", expectedDict(type))
        }
    }

    func testIntervalStartEndMissingOrNull() {
        assertFieldError(payload(interval: "{}"), "interval", #"{"start":\#(required),"end":\#(required)}"#)
        assertFieldError(payload(interval: #"{"end":"2022-11-04T00:00"}"#), "interval", #"{"start":\#(required)}"#)
        assertFieldError(payload(interval: #"{"start":"2022-11-04T00:00"}"#), "interval", #"{"end":\#(required)}"#)
        assertFieldError(payload(interval: #"{"start":null,"end":null}"#), "interval", #"{"start":\#(null),"end":\#(null)}"#)
    }

    func testIntervalWrongFormat() {
        for bad in [#""2022-11-03""#, #""2022-11-03T24:00""#, #""2022-02-30T00:00""#, #""""#, #""yesterday""#,
                    #""2022-11-03T00:00:00.1234567890""#, #""2022-11-03T00:00+0100""#, "1667433600000", "1.5",
                    "true", "[]", "{}", #"["2022-11-03T00:00"]"#] {
            assertFieldError(payload(interval: #"{"start":\#(bad),"end":"2022-11-04T00:00"}"#), "interval",
                             #"{"start":\#(datetime)}"#)
            assertFieldError(payload(interval: #"{"end":\#(bad),"start":"2022-11-02T00:00"}"#), "interval",
                             #"{"end":\#(datetime)}"#)
        }
        // Keys in the order start, end, time_zone whatever the payload's order.
        assertFieldError(payload(interval: #"{"time_zone":"Nowhere/Land","end":1,"start":2}"#), "interval",
                         #"{"start":\#(datetime),"end":\#(datetime),"time_zone":["Unknown time zone 'Nowhere/Land'."]}"#)
    }

    func testIntervalValues() {
        let r = assertValid(payload(interval: #"{"start":"2022-11-03T00:00:00+02:00","end":"2022-11-03 00:00:00.000000001","x":[]}"#))
        XCTAssertEqual(r?.intervalStart, Timestamp(millis: 1_667_426_400_000))
        XCTAssertEqual(r?.intervalEnd, Timestamp(millis: 1_667_433_600_000, subMillisecondNanos: 1))
        XCTAssertNil(r?.timeZone)
        // Without offset the time is UTC even with a time_zone.
        let z = assertValid(payload(interval: #"{"start":"2022-11-03T00:00","end":"2022-11-04T00:00Z","time_zone":"Europe/Helsinki"}"#))
        XCTAssertEqual(z?.intervalStart, Timestamp(millis: 1_667_433_600_000))
        XCTAssertEqual(z?.timeZone, "Europe/Helsinki")
    }

    /// Contract 1.1: interval bounds take `t` and `z` too (RFC 3339 §5.6).
    func testIntervalLowerCaseTAndZ() {
        let r = assertValid(payload(interval: #"{"start":"2022-11-03t00:00:00z","end":"2022-11-03t02:00:00.5+02:00"}"#))
        XCTAssertEqual(r?.intervalStart, Timestamp(millis: 1_667_433_600_000))
        XCTAssertEqual(r?.intervalEnd, Timestamp(millis: 1_667_433_600_500))
        assertFieldError(payload(interval: #"{"start":"2022-11-03x00:00","end":"2022-11-04T00:00"}"#), "interval",
                         #"{"start":\#(datetime)}"#)
    }

    func testEndMustBeAfterStart() {
        let endAfter = #"{"non_field_errors":["End must be after start."]}"#
        assertFieldError(payload(interval: #"{"start":"2022-11-04T00:00","end":"2022-11-03T00:00"}"#), "interval", endAfter)
        assertFieldError(payload(interval: #"{"start":"2022-11-04T00:00","end":"2022-11-04T00:00:00.000Z"}"#), "interval", endAfter)
        // Same instant written in two offsets.
        assertFieldError(payload(interval: #"{"start":"2022-11-04T02:00+02:00","end":"2022-11-04T00:00Z"}"#), "interval", endAfter)
        // One nanosecond later is after.
        assertValid(payload(interval: #"{"start":"2022-11-04T00:00","end":"2022-11-04T00:00:00.000000001"}"#))
        // Only when both parse and nothing else in interval is wrong.
        assertFieldError(payload(interval: #"{"start":"2022-11-04T00:00","end":"2022-11-03T00:00","time_zone":"Mars/Base"}"#),
                         "interval", #"{"time_zone":["Unknown time zone 'Mars/Base'."]}"#)
        assertFieldError(payload(interval: #"{"start":"x","end":"2022-11-03T00:00"}"#), "interval", #"{"start":\#(datetime)}"#)
    }

    func testTimeZone() {
        for good in ["UTC", "Europe/Helsinki", "America/Argentina/Buenos_Aires", "Etc/GMT+2", "Etc/GMT-14",
                     "US/Eastern", "EST", "GMT", "GMT+0", "GMT-0", "Etc/UTC", "Asia/Kolkata", "Asia/Calcutta"] {
            XCTAssertEqual(assertValid(payload(interval: #"{"start":"2022-11-03T00:00","end":"2022-11-04T00:00","time_zone":"\#(good)"}"#))?.timeZone,
                           good)
        }
        for bad in ["", "europe/helsinki", "Europe/Helsinki ", "Helsinki", "Mars/Base", "GMT+2", "UTC+1", "GMT+02:00",
                    "PST", "CST", "IST", "JST", "SystemV/AST4", "US/Pacific-New", "../zoneinfo/UTC",
                    "/usr/share/zoneinfo/UTC", "Europe/../UTC", "Europe//Helsinki", "Europe/Helsinki/", "Etc/GMT+15",
                    "-UTC", "Z", "+02:00", "localtime", "posixrules", "zone.tab"] {
            assertFieldError(payload(interval: #"{"start":"2022-11-03T00:00","end":"2022-11-04T00:00","time_zone":"\#(bad)"}"#),
                             "interval", #"{"time_zone":["Unknown time zone '\#(bad)'."]}"#)
        }
        assertFieldError(payload(interval: #"{"start":"2022-11-03T00:00","end":"2022-11-04T00:00","time_zone":null}"#),
                         "interval", #"{"time_zone":\#(null)}"#)
        for notAString in ["1", "1.5", "true", "[]", #"["UTC"]"#, "{}"] {
            assertFieldError(payload(interval: #"{"start":"2022-11-03T00:00","end":"2022-11-04T00:00","time_zone":\#(notAString)}"#),
                             "interval", #"{"time_zone":\#(notString)}"#)
        }
    }

    func testTimeZoneNastyNames() {
        // Quotes, backslashes, control characters, non-ASCII and U+2028 come back escaped in the body.
        let cases: [(String, String)] = [
            (#"Europe/\"Helsinki\"\\"#, #"Europe/\"Helsinki\"\\"#),
            (#"Europe/Helsinki\n"#, #"Europe/Helsinki\n"#),
            (#"Europe/Helsinki\u0000"#, #"Europe/Helsinki\u0000"#),
            (#"\u001f\u0008\u000c\r\t\u007f"#, "\\u001f\\b\\f\\r\\t\u{7F}"),
            (#"Europa/Zürich ☃ 😀"#, "Europa/Zürich ☃ 😀"),
            (#"a\u2028b\u2029c"#, #"a\u2028b\u2029c"#),
            (#"</script>"#, #"</script>"#),
        ]
        for (json, escaped) in cases {
            assertFieldError(payload(interval: #"{"start":"2022-11-03T00:00","end":"2022-11-04T00:00","time_zone":"\#(json)"}"#),
                             "interval", #"{"time_zone":["Unknown time zone '\#(escaped)'."]}"#)
        }
    }

    // MARK: target

    func testTarget() {
        XCTAssertEqual(assertValid(payload())?.target, .default)
        XCTAssertEqual(assertValid(payload(target: #""default""#))?.target, .default)
        XCTAssertEqual(assertValid(payload(target: #""triggered_goal""#))?.target, .triggeredGoal)
        assertFieldError(payload(target: "null"), "target", null)
        let cases: [(String, String)] = [
            (#""goal""#, "goal"), (#""Default""#, "Default"), (#""""#, ""), (#"" default""#, " default"),
            ("5", "5"), ("-0", "0"), ("12345678901234567890123", "12345678901234567890123"),
            ("true", "True"), ("false", "False"), ("1.5", "1.5"), ("1.0", "1.0"), ("1e5", "100000.0"),
            ("1E400", "inf"), ("-1e400", "-inf"), ("-0.0", "-0.0"), ("1e16", "1e+16"), ("1e-5", "1e-05"),
            ("[]", "[]"), ("{}", "{}"),
            (#"["default",1,null,true,2.50]"#, "['default', 1, None, True, 2.5]"),
            (#"{"a":{"b":[false]},"c":"d","a":1}"#, "{'a': 1, 'c': 'd'}"),
            (#"["it's"]"#, #"[\"it's\"]"#),
            (#"[""]"#, "['']"),
        ]
        for (json, shown) in cases {
            assertFieldError(payload(target: json), "target", #"["\"\#(shown)\" is not a valid choice."]"#)
        }
    }

    func testTargetNastyStrings() {
        // The value is user input: quotes, backslash, newline, control characters and non-ASCII
        // are JSON-escaped in the body (after Python's str()).
        assertFieldError(payload(target: #""a\"b\\c\nd""#), "target", #"["\"a\"b\\c\nd\" is not a valid choice."]"#)
        assertFieldError(payload(target: #""\u0001\u001F""#), "target", #"["\"\u0001\u001f\" is not a valid choice."]"#)
        assertFieldError(payload(target: #""trïggered_goal 🎯""#), "target", #"["\"trïggered_goal 🎯\" is not a valid choice."]"#)
        // Inside a list the Python repr escapes first, then JSON escapes the backslashes.
        assertFieldError(payload(target: #"["a\"b\\c\nd"]"#), "target", #"["\"['a\"b\\\\c\\nd']\" is not a valid choice."]"#)
    }

    // MARK: format

    func testFormat() {
        XCTAssertEqual(assertValid(payload())?.format, .csv)
        XCTAssertEqual(assertValid(payload(format: #""csv""#))?.format, .csv)
        XCTAssertEqual(assertValid(payload(format: #""xlsx""#))?.format, .xlsx)
        for bad in [#""CSV""#, #""XLSX""#, #""pdf""#, #""""#, #""csv ""#, #""totally-not-valid-format""#, "null",
                    "1", "1.5", "true", "[]", #"["csv"]"#, "{}"] {
            assertFieldError(payload(format: bad), "format", formatMessage)
        }
    }

    // MARK: limit

    func testLimitValues() {
        let noLimit = assertValid(payload()); XCTAssertNotNil(noLimit); XCTAssertNil(noLimit?.limit)
        let cases: [(String, Int)] = [("1", 1), ("100", 100), (#""1""#, 1), (#""0005""#, 5),
                                      ("9223372036854775807", .max), ("9223372036854775808", .max),
                                      ("123456789012345678901234567890", .max),
                                      (#""99999999999999999999999""#, .max)]
        for (json, value) in cases {
            XCTAssertEqual(assertValid(payload(limit: json))?.limit, value, json)
        }
    }

    func testLimitErrors() {
        assertFieldError(payload(limit: "null"), "limit", null)
        for bad in ["1.0", "1e2", "1.5", "true", "false", "[]", "[1]", "{}", #""""#, #""1.0""#, #"" 5""#, #""5 ""#,
                    #""-5""#, #""+5""#, #""five""#, #""١""#, #""0x10""#] {
            assertFieldError(payload(limit: bad), "limit", validInteger)
        }
        for low in ["0", "-0", "-1", "-99999999999999999999999", #""0""#, #""000""#] {
            assertFieldError(payload(limit: low), "limit", atLeastOne)
        }
    }

    // MARK: Combined

    func testAllFieldErrorsInKeyOrder() {
        // Payload keys deliberately in another order; unknown keys are ignored.
        let text = #"{"limit":0,"format":"pdf","zzz":1,"target":"x","interval":{},"step_data":"s","filters":[{}]}"#
        assertError(text, 400,
                    #"{"filters":[{"property":["This field is required."],"values":["This field is required."]}],"#
                    + #""step_data":["Expected a list of items but got type \"str\"."],"#
                    + #""interval":{"start":["This field is required."],"end":["This field is required."]},"#
                    + #""target":["\"x\" is not a valid choice."],"#
                    + #""format":["Format must be 'xlsx' or 'csv'. Change the value or omit the field from payload."],"#
                    + #""limit":["Ensure this value is greater than or equal to 1."]}"#)
        assertError("{}", 400, #"{"filters":["This field is required."],"interval":["This field is required."]}"#)
        assertError(#"{"filters":null,"step_data":null,"interval":null,"target":null,"format":null,"limit":null}"#, 400,
                    #"{"filters":\#(null),"step_data":\#(null),"interval":\#(null),"target":\#(null),"format":\#(formatMessage),"limit":\#(null)}"#)
    }

    func testSomeFieldsWrong() {
        assertError(payload(filters: #"[{"property":"action","values":[1]}]"#, format: #""doc""#), 400,
                    #"{"filters":[{"values":["Not a valid string."]}],"format":\#(formatMessage)}"#)
        assertError(payload(stepData: "[1]", limit: #""x""#), 400,
                    #"{"step_data":[\#(expectedDict("int"))],"limit":\#(validInteger)}"#)
    }

    func testUnknownKeysIgnoredAndDuplicateKeysLastWins() {
        let r = assertValid(#"{"filters":[],"interval":\#(goodInterval),"format":"pdf","format":"xlsx","limit":"x","limit":3,"extra":{"deep":[1,2]}}"#)
        XCTAssertEqual(r?.format, .xlsx)
        XCTAssertEqual(r?.limit, 3)
    }

    func testSeedExamplePayload() {
        let text = #"""
        {"filters":[{"property":"action","values":["User dialed"]}],
         "step_data":[{},{"actions":["User dialed","Visitor dialed"]}],
         "interval":{"start":"2022-11-03T00:00:00+00:00","end":"2022-11-04T00:00:00+00:00"},
         "format":"xlsx"}
        """#
        let r = assertValid(text)
        XCTAssertEqual(r?.filters, [Filter(property: "action", values: ["User dialed"])])
        XCTAssertEqual(r?.stepData.count, 2)
        XCTAssertEqual(r?.stepData[1], ["User dialed", "Visitor dialed"])
        XCTAssertEqual(r?.format, .xlsx)
        XCTAssertEqual(r?.target, .default)
        XCTAssertNotNil(r); XCTAssertNil(r?.limit)
        XCTAssertNil(r?.filterCheckError())

        let wrong = text.replacingOccurrences(of: #""format":"xlsx""#, with: #""format":"totally-not-valid-format""#)
        assertError(wrong, 400, #"{"format":["Format must be 'xlsx' or 'csv'. Change the value or omit the field from payload."]}"#)
    }

    // MARK: Check 6 — filters not implemented

    func testUnsupportedFilter() {
        for property in FilterProperty.allCases.map(\.rawValue) {
            XCTAssertNil(assertValid(payload(filters: #"[{"property":"\#(property)","values":["x"]}]"#))?.filterCheckError())
        }
        let r = assertValid(payload(filters: #"[{"property":"action","values":["x"]},{"property":"page_url","values":["x"]},{"property":"dim1","values":["x"]}]"#))
        XCTAssertEqual(r?.filterCheckError(), RequestError(status: 406, body: #"{"detail":"Filtering by 'page_url' is not implemented."}"#))
        XCTAssertEqual(r?.filterCheckError()?.exitCode, 46)
        let cases: [(String, String)] = [
            (#""#, #""#), (#"Action"#, #"Action"#), (#"action "#, #"action "#),
            (#"a'b\"c\\d\ne"#, #"a'b\"c\\d\ne"#), (#"\u0000\u2028"#, #"\u0000\u2028"#),
            (#"действие"#, "действие"),
            // KELVIN SIGN is canonically equivalent to K but is not the same bytes.
            (#"\u212Aey"#, "\u{212A}ey"),
        ]
        for (json, escaped) in cases {
            let r = assertValid(payload(filters: #"[{"property":"\#(json)","values":["x"]}]"#))
            XCTAssertEqual(r?.filterCheckError(),
                           RequestError(status: 406, body: #"{"detail":"Filtering by '\#(escaped)' is not implemented."}"#), json)
        }
    }
}

/// SPEC §3 checks 4–6 against a catalog, in their order.
final class RequestCatalogCheckTests: XCTestCase {
    let other = "11111111-2222-4333-8444-555555555555"

    private func check(step: String = "2", filters: String = #"[{"property":"page_url","values":["x"]}]"#,
                       _ directory: TestDirectory) -> Result<AnswerableRequest<TestDirectory.Entry>, RequestError>? {
        guard case .success(let request) = validateText(payload(filters: filters), step: step) else {
            XCTFail("the payload should pass checks 1–3"); return nil
        }
        return request.answerable(in: directory)
    }

    func testWorkflowThenStepThenFilters() {
        let notFound = RequestError.notFound
        let unsupported = RequestError(status: 406, body: #"{"detail":"Filtering by 'page_url' is not implemented."}"#)
        // Check 4: the id must exist in the path's organization (any case); its 404 comes before
        // check 6's 406.
        XCTAssertEqual(check(TestDirectory(entries: [])).flatMap(\.failure), notFound)
        XCTAssertEqual(check(TestDirectory(entries: [.init(id: validWorkflow, organizationID: other, steps: nil)])).flatMap(\.failure), notFound)
        XCTAssertEqual(check(TestDirectory(entries: [.init(id: other, organizationID: validOrg, steps: nil)])).flatMap(\.failure), notFound)
        // Check 5: a workflow that lists steps must list this one; one that lists none takes any.
        XCTAssertEqual(check(TestDirectory(entries: [.init(id: validWorkflow.lowercased(), organizationID: validOrg.uppercased(), steps: [0, 1])])).flatMap(\.failure), notFound)
        XCTAssertEqual(check(step: "99999999999999999999", TestDirectory(entries: [.init(id: validWorkflow, organizationID: validOrg, steps: [0])])).flatMap(\.failure), notFound)
        XCTAssertEqual(check(step: "99999999999999999999", TestDirectory(entries: [.init(id: validWorkflow, organizationID: validOrg, steps: nil)])).flatMap(\.failure), unsupported)
        // Check 6 once the workflow and step are found.
        XCTAssertEqual(check(TestDirectory(entries: [.init(id: validWorkflow, organizationID: validOrg, steps: [0, 1, 2])])).flatMap(\.failure), unsupported)
    }

    func testAnswerableRequestCarriesTheEntryAndTypedFilters() throws {
        let entry = TestDirectory.Entry(id: validWorkflow, organizationID: validOrg, steps: [2])
        let filters = #"[{"property":"flow_id","values":["a","b"]},{"property":"label","values":["g"]}]"#
        let answerable = try XCTUnwrap(check(filters: filters, TestDirectory(entries: [entry]))?.get())
        XCTAssertEqual(answerable.workflow, entry)
        XCTAssertEqual(answerable.filters.map(\.property), [.flowID, .label])
        XCTAssertEqual(answerable.filters.map(\.values), [["a", "b"], ["g"]])
        XCTAssertEqual(FilterProperty.allCases.count, 11)
    }
}

private extension Result {
    var failure: Failure? { if case .failure(let e) = self { return e }; return nil }
}
