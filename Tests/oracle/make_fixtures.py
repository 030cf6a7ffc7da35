#!/usr/bin/env python3
"""Writes Fixtures/dumps/* and Fixtures/golden/* (hand-designed; expected.csv from reference.py,
then read by hand). Re-run after changing a fixture: python3 Tests/oracle/make_fixtures.py"""

import gzip
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FIX = os.path.join(ROOT, "Fixtures")
DUMPS = os.path.join(FIX, "dumps")
GOLDEN = os.path.join(FIX, "golden")

ORG = "11111111-2222-4333-8444-555555555555"
OTHER = "99999999-8888-4777-8666-555555555555"
WEB = "AAAAAAAA-0000-4000-8000-00000000000A"      # catalog spelling (upper case)
WEB_L = WEB.lower()
INT = "bbbbbbbb-0000-4000-8000-00000000000b"
UG = "cccccccc-0000-4000-8000-00000000000c"
CHAT = "dddddddd-0000-4000-8000-00000000000d"
VV = "eeeeeeee-0000-4000-8000-00000000000e"

CATALOG = [
    {"id": WEB, "org_id": ORG, "type": "giosg-default", "name": "Web shop",
     "steps": [{"index": 0, "name": "Source"}, {"index": 1, "name": "Landing"},
               {"index": 2, "name": "Cart"}, {"index": 3, "name": "Checkout"}],
     "description": "ignored", "is_published": True, "start_date": None},
    {"id": INT, "org_id": ORG, "type": "interaction", "name": "Interaction",
     "steps": [{"index": 0, "name": "Source"}, {"index": 1, "name": "Shown"}, {"index": 2, "name": "Clicked"}]},
    {"id": UG, "org_id": ORG, "type": "user-generated"},
    {"id": CHAT, "org_id": ORG, "type": "chat", "name": "Chat", "steps": [{"index": 0, "name": "Source"},
                                                                          {"index": 1, "name": "Chat started"}]},
    {"id": VV, "org_id": ORG.upper(), "type": "voice-video", "name": None},
]

INTERVAL = {"start": "2023-03-01T00:00:00Z", "end": "2023-04-01T00:00:00Z"}


def ev(id, ts, step=None, wf=WEB, **kw):
    """One event line as compact JSON (key order as given)."""
    d = {"id": id, "timestamp": ts}
    if step is not None:
        d.update({"category": "workflowReportingEvent", "label": wf, "organization_id": ORG, "dim5": step})
    d.update(kw)
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


def write(dump, rel, data):
    path = os.path.join(DUMPS, dump, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def catalog(dump, cat=CATALOG):
    write(dump, "workflows.json", json.dumps(cat, indent=1, ensure_ascii=False) + "\n")


def gz(text):
    return gzip.compress(text.encode("utf-8") if isinstance(text, str) else text, mtime=0)


def lines(*ls, eol="\n"):
    return eol.join(ls) + eol


CASES = []


def case(name, dump, payload=None, step="2", wf=WEB_L, org=ORG, flags=(), payload_text=None, expect=None):
    CASES.append(dict(name=name, dump=dump, payload=payload, step=step, wf=wf, org=org, flags=list(flags),
                      payload_text=payload_text, expect=expect))


def P(**kw):
    p = {"filters": [], "interval": dict(INTERVAL)}
    for k, v in kw.items():
        if k == "tz":
            p["interval"]["time_zone"] = v
        elif k in ("start", "end"):
            p["interval"][k] = v
        else:
            p[k] = v
    return p


# ------------------------------------------------------------------------------------------
# Dump "formats": every input variant; all events are WEB step 1 (step 2 for the dim4 ones).

def dump_formats():
    d = "formats"
    catalog(d)
    write(d, "events/01-lf.ndjson", lines(
        ev("lf-1", "2023-03-05T10:00:00Z", 1, page_url="/a"),
        "",
        "   \t",
        ev("lf-2", "2023-03-05T10:00:01.5Z", 1, page_url="/a")))
    write(d, "events/02-crlf.ndjson", lines(
        ev("crlf-1", 1678010400000, 1, page_url="/a"),     # 2023-03-05T10:00:00Z as epoch ms: ties lf-1
        "",
        ev("crlf-2", "2023-03-05 12:00", 1, page_url="/a"), eol="\r\n"))
    write(d, "events/03-bom.jsonl", "\ufeff" + lines(
        ev("bom-1", "2023-03-05T11:00:00+01:00", 1, page_url="/a")))  # = 10:00Z: ties lf-1 and crlf-1
    write(d, "events/04-array.json", '[\n  {"id": "arr-1",\n   "timestamp": "2023-03-06T00:00:00.123456789Z",\n'
          '   "category": "workflowReportingEvent", "label": "%s", "organization_id": "%s", "dim5": 1},\n'
          '  %s\n]\n' % (WEB, ORG, ev("arr-2", "2023-03-06T00:00:00.1239Z", 1)))
    write(d, "events/05-gz.ndjson.gz", gz(lines(ev("gz-1", "2023-03-07T00:00:00Z", 1))))
    write(d, "events/06-multi.jsonl.gz", gz(lines(ev("multi-1", "2023-03-07T00:00:01Z", 1)))
          + gz(lines(ev("multi-2", "2023-03-07T00:00:02Z", 1))))
    write(d, "events/07-plain-named.ndjson.gz", lines(ev("plaingz-1", "2023-03-07T00:00:03Z", 1)))
    write(d, "events/08-gzip-unnamed.ndjson", gz(lines(ev("gzplain-1", "2023-03-07T00:00:04Z", 1))))
    write(d, "events/09-array.json.gz", gz("[" + ev("arrgz-1", "2023-03-07T00:00:05Z", 1) + "]"))
    write(d, "events/10-empty.json", "[ ]\n")
    write(d, "events/11-empty.ndjson", "")
    # byte-wise path order: "a-b.ndjson" < "a.ndjson" < "a/z.ndjson" ('-' 2D < '.' 2E < '/' 2F), Z < a
    for rel, id in (("events/a/z.ndjson", "order-4"), ("events/a.ndjson", "order-3"),
                    ("events/a-b.ndjson", "order-2"), ("events/Z.ndjson", "order-1")):
        write(d, rel, lines(ev(id, "2023-03-08T00:00:00Z", 1)))
    write(d, "events/deep/er/x.ndjson", lines(ev("deep-1", "2023-03-08T00:00:00.000000001Z", 1)))
    write(d, "events/notes.txt", "not an event file {")
    write(d, "events/old.json.bak", "not an event file {")
    write(d, "events/dim4.ndjson", lines(
        ev("name-dim4", "2023-03-09T00:00:00Z", 2, dim4="From dim4"),
        ev("name-empty-dim4", "2023-03-09T00:00:01Z", 2, dim4=""),
        ev("name-catalog", "2023-03-09T00:00:02Z", 2)))
    case("formats-all-variants-step1", d, P(), step="1")
    case("step-name-dim4-and-catalog", d, P(), step="2")
    case("limit-1", d, P(limit=1), step="1")
    case("limit-string-3", d, P(limit="3"), step="1")
    case("limit-above-count", d, P(limit=1000), step="2")
    case("workflow-id-case-insensitive", d, P(), step="2", wf=WEB.lower(), org=ORG.upper())


# ------------------------------------------------------------------------------------------
# Dump "flows": path constraints and filters on the web and interaction workflows.

def dump_flows():
    d = "flows"
    catalog(d)
    T = "2023-03-10T10:%02d:00Z"
    write(d, "events/web.ndjson", lines(
        # flow f1: /home -> /cart -> /pay
        ev("f1-s1", T % 1, 1, dim1="f1", page_url="/home", visitor_id="v1", geo_country="FI"),
        ev("f1-s2", T % 2, 2, dim1="f1", page_url="/cart", visitor_id="v1", geo_country="FI", geo_city="Helsinki",
           device_type="desktop", browser_name="Firefox", os_name="Linux", dim2="room-1", session_id="sA"),
        ev("f1-s3", T % 3, 3, dim1="f1", page_url="/pay", visitor_id="v1"),
        # flow f2: /blog -> /cart
        ev("f2-s1", T % 4, 1, dim1="f2", page_url="/blog", visitor_id="v2"),
        ev("f2-s2", T % 5, 2, dim1="f2", page_url="/cart", visitor_id="v2", geo_country="SE", geo_city="Stockholm",
           device_type="mobile", browser_name="Safari", os_name="iOS", dim2="room-2", session_id="sB"),
        # flow via session_id (dim1 empty): /home -> /wishlist
        ev("s3-s1", T % 6, 1, dim1="", session_id="s3", page_url="/home", visitor_id="v3"),
        ev("s3-s2", T % 7, 2, session_id="s3", page_url="/wishlist", visitor_id="v3"),
        # flow via visitor_id only: /home -> /cart
        ev("v4-s1", T % 8, 1, visitor_id="v4", page_url="/home"),
        ev("v4-s2", T % 9, 2, visitor_id="v4", page_url="/cart", action="Add to cart"),
        # no flow at all: step 2 only passes without constraints
        ev("noflow-s2", T % 10, 2, page_url="/cart"),
        # no page_url: identifier falls back to action
        ev("f5-s1", T % 11, 1, dim1="f5", action="/home"),
        ev("f5-s2", T % 12, 2, dim1="f5", action="/cart"),
        # step 1 of flow f6 is outside the interval: does not satisfy the constraint
        ev("f6-s1", "2023-02-01T00:00:00Z", 1, dim1="f6", page_url="/home"),
        ev("f6-s2", T % 13, 2, dim1="f6", page_url="/cart"),
        # same flow id as f1 but page_url empty string: identifier "" (present), not the action
        ev("f1-s2b", T % 14, 2, dim1="f1", page_url="", action="/cart"),
    ))
    write(d, "events/interaction.ndjson", lines(
        ev("i1-s1", T % 20, 1, wf=INT, dim1="i1", view_uid="view-A", page_url="/x"),
        ev("i1-s2", T % 21, 2, wf=INT, dim1="i1", view_uid="view-B"),
        ev("i2-s1", T % 22, 1, wf=INT, dim1="i2", view_uid="view-Z"),
        ev("i2-s2", T % 23, 2, wf=INT, dim1="i2", view_uid="view-B"),
        ev("i3-s1", T % 24, 1, wf=INT, dim1="i3", action="view-A"),   # no view_uid: action
        ev("i3-s2", T % 25, 2, wf=INT, dim1="i3", action="view-B"),
    ))
    sd = lambda *acts: [{}] + [({"actions": a} if a is not None else {}) for a in acts]
    case("web-step2-no-step-data", d, P())
    case("web-step2-constraint-step1", d, P(step_data=sd(["/home"])))
    case("web-step2-constraint-step1-and-2", d, P(step_data=sd(["/home"], ["/cart"])))
    case("web-step2-constraint-only-step2", d, P(step_data=sd(None, ["/wishlist", "/cart"])))
    case("web-step2-empty-actions-no-constraint", d, P(step_data=sd([], [])))
    case("web-step2-step-data-0-ignored", d, P(step_data=[{"actions": ["/nothing"]}, {}, {}]))
    case("web-step1-step-data-beyond-n-ignored", d, P(step_data=sd(None, ["/nothing"], ["/nothing"])), step="1")
    case("web-step3-constraints-1-2-3", d, P(step_data=sd(["/home", "/blog"], ["/cart"], ["/pay"])), step="3")
    case("interaction-view-uid-constraint", d, P(step_data=sd(["view-A"], ["view-B"])), wf=INT)
    case("filter-action-is-identifier", d, P(filters=[{"property": "action", "values": ["/cart"]}]))
    case("filter-or-within-and-across", d, P(filters=[
        {"property": "geo_country", "values": ["FI", "SE"]},
        {"property": "device_type", "values": ["mobile"]}]))
    case("filter-flow-id-and-room-id", d, P(filters=[
        {"property": "flow_id", "values": ["f1", "f2"]}, {"property": "room_id", "values": ["room-1"]}]))
    case("filter-visitor-session-label", d, P(filters=[
        {"property": "visitor_id", "values": ["v1", "v2", "v3"]},
        {"property": "session_id", "values": ["sA", "sB", "s3"]},
        {"property": "label", "values": [WEB]}]))
    case("filter-city-browser-os", d, P(filters=[
        {"property": "geo_city", "values": ["Helsinki", "Stockholm"]},
        {"property": "browser_name", "values": ["Firefox"]},
        {"property": "os_name", "values": ["Linux", "iOS"]}]))
    case("filter-label-other-spelling-matches-nothing", d, P(filters=[{"property": "label", "values": [WEB_L]}]))
    case("filter-not-implemented-406", d, P(filters=[{"property": "geo_country", "values": ["FI"]},
                                                      {"property": "page_url", "values": ["/cart"]},
                                                      {"property": "vendor", "values": ["x"]}]),
         expect={"status": 406, "body": "{\"detail\":\"Filtering by 'page_url' is not implemented.\"}"})


# ------------------------------------------------------------------------------------------
# Dump "types": chat, voice-video and user-generated workflows.

def dump_types():
    d = "types"
    catalog(d)
    write(d, "events/e.ndjson", lines(
        ev("chat-1", "2023-03-11T00:00:01Z", 1, wf=CHAT, dim1="c1", action="Chat started", page_url="/p"),
        ev("chat-2", "2023-03-11T00:00:02Z", 1, wf=CHAT, dim1="c2", action="Chat started", page_url="/q"),
        ev("chat-0", "2023-03-11T00:00:00Z", 0, wf=CHAT, dim1="c1", action="Opened"),
        ev("vv-1", "2023-03-11T00:00:03Z", 2, wf=VV.upper(), action="User dialed"),
        ev("vv-2", "2023-03-11T00:00:04Z", 2, wf=VV, action="Visitor dialed", view_uid="ignored"),
        ev("ug-7", "2023-03-11T00:00:05Z", 7, wf=UG, action="custom", dim4="Seventh"),
        ev("ug-7b", "2023-03-11T00:00:06Z", "0007", wf=UG, action="custom"),
    ))
    case("chat-step-data-ignored", d, P(step_data=[{}, {"actions": ["Nope"]}]), step="1", wf=CHAT)
    case("chat-filter-action", d, P(filters=[{"property": "action", "values": ["Chat started"]},
                                             {"property": "flow_id", "values": ["c2"]}]), step="1", wf=CHAT)
    case("voice-video-step-data-ignored", d, P(step_data=[{}, {"actions": ["x"]}, {"actions": ["y"]}],
                                                filters=[{"property": "action", "values": ["User dialed",
                                                                                           "Visitor dialed"]}]),
         step="2", wf=VV)
    case("user-generated-no-steps-any-index", d, P(), step="7", wf=UG)
    case("user-generated-no-rows-header-only", d, P(), step="8", wf=UG)
    case("404-unknown-step", d, P(), step="4", wf=WEB_L, expect={"status": 404, "body": "{\"detail\":\"Not found.\"}"})
    case("404-unknown-workflow", d, P(), step="1", wf="12345678-0000-4000-8000-000000000000",
         expect={"status": 404, "body": "{\"detail\":\"Not found.\"}"})
    case("404-org-mismatch", d, P(), step="1", wf=CHAT, org=OTHER,
         expect={"status": 404, "body": "{\"detail\":\"Not found.\"}"})


# ------------------------------------------------------------------------------------------
# Dump "goals": target triggered_goal.

def dump_goals():
    d = "goals"
    catalog(d)
    G = lambda id, ts, **kw: json.dumps(dict({"id": id, "timestamp": ts, "category": "goal",
                                              "organization_id": ORG}, **kw), separators=(",", ":"))
    write(d, "events/e.ndjson", lines(
        G("g-before", "2023-03-12T09:00:00Z", visitor_id="v1", label="buy"),
        ev("s-v1", "2023-03-12T10:00:00Z", 2, visitor_id="v1", page_url="/cart", geo_country="FI"),
        G("g-same-time", "2023-03-12T10:00:00Z", visitor_id="v1", label="buy", dim5=2),
        G("g-after", "2023-03-12T11:00:00Z", visitor_id="v1", label="signup", value=12.50),
        ev("s-v1-again", "2023-03-12T10:30:00Z", 2, visitor_id="v1", page_url="/cart"),
        G("g-other-visitor", "2023-03-12T11:00:00Z", visitor_id="v9", label="buy"),
        ev("s-empty-visitor", "2023-03-12T10:00:00Z", 2, visitor_id="", page_url="/cart"),
        G("g-empty-visitor", "2023-03-12T12:00:00Z", visitor_id="", label="buy"),
        G("g-other-org", "2023-03-12T12:00:00Z", visitor_id="v1", label="buy", organization_id=OTHER),
        G("g-org-upper", "2023-03-12T12:00:01Z", visitor_id="v1", label="buy", organization_id=ORG.upper()),
        G("g-Goal-category", "2023-03-12T12:00:02Z", visitor_id="v1", label="buy", category="Goal"),
        G("g-out-of-interval", "2023-04-02T00:00:00Z", visitor_id="v1", label="buy"),
        ev("s-v2-se", "2023-03-12T10:00:00Z", 2, visitor_id="v2", page_url="/cart", geo_country="SE"),
        G("g-v2", "2023-03-12T13:00:00Z", visitor_id="v2", label="buy"),
        ev("s-v3-step1", "2023-03-12T10:00:00Z", 1, visitor_id="v3", page_url="/cart"),
        G("g-v3", "2023-03-12T13:00:00Z", visitor_id="v3", label="buy"),
    ))
    case("goal-target-basic", d, P(target="triggered_goal"))
    case("goal-label-filter-on-goals", d, P(target="triggered_goal",
                                            filters=[{"property": "label", "values": ["buy"]}]))
    case("goal-other-filters-on-steps", d, P(target="triggered_goal",
                                             filters=[{"property": "geo_country", "values": ["SE"]}]))
    case("goal-default-target-explicit", d, P(target="default"))
    case("goal-target-with-limit", d, P(target="triggered_goal", limit=2))


# ------------------------------------------------------------------------------------------
# Dump "nasty": strings, numbers and CSV quoting.

def dump_nasty():
    d = "nasty"
    catalog(d)
    raw = [
        # written as raw JSON text to control escapes and number spellings
        '{"id":"q1","timestamp":"2023-03-13T00:00:01Z","category":"workflowReportingEvent","label":"%s",'
        '"organization_id":"%s","dim5":2,"action":"say \\"hi\\", then go","page_url":" /lead","view_uid":"trail ",'
        '"user_id":"line\\nbreak","vendor":"cr\\rhere","source":"a\\r\\nb","value":1.50,"event_version":-0,'
        '"properties":["a","b, c"," d"],"device_screen_width":1920,"device_screen_height":-0}' % (WEB, ORG),
        '{"id":"=1+2","timestamp":"2023-03-13T00:00:02Z","category":"workflowReportingEvent","label":"%s",'
        '"organization_id":"%s","dim5":"002","action":"+49 123","page_url":"-minus","view_uid":"@at",'
        '"dim1":"\\tTab","dim2":"\\rCR","visitor_id":"= spaced","session_id":" =lead space","value":1e3,'
        '"properties":["=x"],"geo_city":"emoji \\ud83d\\ude00 😀","geo_country":"\\u00e9\\u00E9é",'
        '"ip_organization":"ctl\\u0001x","os_name":"𝄞","os_version":"\'quoted"}' % (WEB, ORG),
        '{"id":"n3","timestamp":"2023-03-13T00:00:03Z","category":"workflowReportingEvent","label":"%s",'
        '"organization_id":"%s","dim5":2,"value":2E-2,"vendor":null,"source":"","dim4":" spaced name ",'
        '"properties":[],"unknown":{"deep":[1,{"x":null}],"n":1.5e300},"browser_version":"-",'
        '"user_id":"first","user_id":"last wins","id":"n3-dup"}' % (WEB, ORG),
        '{"id":"n4","timestamp":"2023-03-13T00:00:04Z","category":"workflowReportingEvent","label":"%s",'
        '"organization_id":"%s","dim5":"0000000000000000000002","value":-0,"event_version":9223372036854775807,'
        '"device_type":"semi;colon","browser_name":"tab\\there","geo_city":"\\"","properties":["; "]}' % (WEB, ORG),
        '{"id":"big-step","timestamp":"2023-03-13T00:00:05Z","category":"workflowReportingEvent","label":"%s",'
        '"organization_id":"%s","dim5":"18446744073709551618"}' % (WEB, ORG),
        '{"id":"float-step","timestamp":"2023-03-13T00:00:06Z","category":"workflowReportingEvent","label":"%s",'
        '"organization_id":"%s","dim5":"2","value":12345678901234567890123}' % (WEB, ORG),
        '{"id":"zero-step","timestamp":"2023-03-13T00:00:07Z","category":"workflowReportingEvent","label":"%s",'
        '"organization_id":"%s","dim5":-0,"action":" "}' % (WEB, ORG),
        '{"id":"000-step","timestamp":"2023-03-13T00:00:08Z","category":"workflowReportingEvent","label":"%s",'
        '"organization_id":"%s","dim5":"000"}' % (WEB, ORG),
    ]
    write(d, "events/nasty.ndjson", lines(*raw))
    case("nasty-formula-guard-on", d, P())
    case("nasty-formula-guard-off", d, P(), flags=["--no-formula-guard"])
    case("nasty-bom", d, P(), flags=["--bom"])
    case("nasty-delimiter-semicolon", d, P(), flags=["--delimiter", ";"])
    case("nasty-delimiter-tab", d, P(), flags=["--delimiter", "\t"])
    case("nasty-step0-minus-zero-and-000", d, P(), step="0")


# ------------------------------------------------------------------------------------------
# Dump "tz": time zones, DST, fractions, interval bounds, ties.

def dump_tz():
    d = "tz"
    catalog(d)
    write(d, "events/e.ndjson", lines(
        # Europe/Helsinki: 2023-03-26 01:00Z clocks go 03:00 -> 04:00 (+02:00 -> +03:00)
        ev("dst-before", "2023-03-26T00:59:59.999999999Z", 1),
        ev("dst-after", "2023-03-26T01:00:00Z", 1),
        ev("offset-input", "2023-03-25T20:30:00.1-05:00", 1),   # 2023-03-26T01:30:00.100Z
        ev("epoch-ms", 1679794200123, 1),                        # 2023-03-26T01:30:00.123Z
        ev("tie-b", "2023-03-20T00:00:00.0001Z", 1),
        ev("tie-a", "2023-03-20T00:00:00.00005Z", 1),             # earlier by 50 ns: sorts first
        ev("tie-c", "2023-03-20T00:00:00.0001Z", 1),              # equal to tie-b: dump order
        ev("start-edge", "2023-03-01T02:00:00+02:00", 1),         # = interval start: included
        ev("end-edge", "2023-04-01T00:00:00Z", 1),                # = interval end: excluded
        ev("just-before-end", "2023-03-31T23:59:59.999999999Z", 1),
        ev("no-seconds", "2023-03-15 08:07", 1),
        ev("us-dst", "2023-03-12T07:00:00Z", 1),                  # New York: 03:00 EDT (-04:00)
        ev("us-before", "2023-03-12T06:59:59Z", 1),               # New York: 01:59:59 EST (-05:00)
    ))
    case("tz-utc-default", d, P(), step="1")
    case("tz-helsinki-dst", d, P(tz="Europe/Helsinki"), step="1")
    case("tz-new-york-dst", d, P(tz="America/New_York"), step="1")
    case("tz-kolkata-half-hour", d, P(tz="Asia/Kolkata", limit=3), step="1")
    case("tz-utc-zone-name", d, P(tz="UTC", limit=2), step="1")
    case("interval-with-offsets", d, P(start="2023-03-26T03:00:00+02:00", end="2023-03-26T02:30:00.123+01:00"),
         step="1")


# ------------------------------------------------------------------------------------------
# Dump "lowercase-tz" (contract 1.1): `t` and `z` as RFC 3339 §5.6 allows, in events and in
# interval bounds; the output is the usual upper-case UTC form.

def dump_lowercase_tz():
    d = "lowercase-tz"
    catalog(d)
    write(d, "events/e.ndjson", lines(
        ev("lower-t-lower-z", "2023-03-05t10:00:00z", 1),
        ev("upper-both", "2023-03-05T10:00:01Z", 1),
        ev("lower-t-offset", "2023-03-05t12:00:02.5+02:00", 1),      # 2023-03-05T10:00:02.500Z
        ev("space-lower-z", "2023-03-05 10:03z", 1),
        ev("lower-z-fraction", "2023-03-05T10:00:03.123456789z", 1),
        ev("before-start", "2023-03-01t23:59:59.999z", 1),          # before the interval below
        ev("at-end", "2023-03-06t00:00:00z", 1),                    # = interval end: excluded
    ))
    case("lowercase-tz-events", d, P(), step="1")
    case("lowercase-tz-interval", d, P(start="2023-03-02t00:00:00z", end="2023-03-06t00:00z"), step="1")
    case("lowercase-tz-interval-zone", d, P(start="2023-03-05t11:00:00+01:00", end="2023-03-05t10:00:03z",
                                          tz="Europe/Helsinki"), step="1")


# ------------------------------------------------------------------------------------------
# Malformed dumps. Each: (name, files, expected file, expected line).

GOOD = ev("ok", "2023-03-05T00:00:00Z", 1)


def bad_dumps():
    L = "{\"category\":\"workflowReportingEvent\",\"timestamp\":\"2023-03-05T00:00:00Z\",%s}"
    kinds = [
        ("bad-invalid-json", {"events/x.ndjson": lines(GOOD, GOOD, '{"id": "x",}')}, "events/x.ndjson", 3),
        ("bad-not-object", {"events/x.ndjson": lines(GOOD, '["a"]')}, "events/x.ndjson", 2),
        ("bad-string-key-type", {"events/x.ndjson": lines(L % '"label":5')}, "events/x.ndjson", 1),
        ("bad-integer-key-fraction", {"events/x.ndjson": lines(GOOD, L % '"event_version":1.0')}, "events/x.ndjson", 2),
        ("bad-dim5-not-digits", {"events/x.ndjson": lines(L % '"dim5":"1a"')}, "events/x.ndjson", 1),
        ("bad-dim5-float", {"events/x.ndjson": lines(L % '"dim5":2.0')}, "events/x.ndjson", 1),
        ("bad-value-string", {"events/x.ndjson": lines(L % '"value":"1"')}, "events/x.ndjson", 1),
        ("bad-properties-not-strings", {"events/x.ndjson": lines(L % '"properties":["a",1]')}, "events/x.ndjson", 1),
        ("bad-timestamp-bool", {"events/x.ndjson": lines('{"timestamp":true}')}, "events/x.ndjson", 1),
        ("bad-int-overflow", {"events/x.ndjson": lines(L % '"device_screen_width":9223372036854775808')},
         "events/x.ndjson", 1),
        ("bad-value-1e400", {"events/x.ndjson": lines(GOOD, GOOD, GOOD, L % '"value":1e400')}, "events/x.ndjson", 4),
        ("bad-nan", {"events/x.ndjson": lines(L % '"value":NaN')}, "events/x.ndjson", 1),
        ("bad-lone-surrogate", {"events/x.ndjson": lines(GOOD, L % '"other":"\\ud800x"')}, "events/x.ndjson", 2),
        ("bad-invalid-utf8", {"events/x.ndjson": (lines(GOOD) + '{"timestamp":1,"id":"\xff"}\n').encode("latin-1")},
         "events/x.ndjson", 2),
        ("bad-missing-timestamp", {"events/x.ndjson": lines(GOOD, '{"id":"x","timestamp":null}')},
         "events/x.ndjson", 2),
        ("bad-timestamp-unparsable", {"events/x.ndjson": lines('{"timestamp":"2023-02-30T00:00:00Z"}')},
         "events/x.ndjson", 1),
        ("bad-timestamp-year-10000", {"events/x.ndjson": lines('{"timestamp":253402300800000}')},
         "events/x.ndjson", 1),
        ("bad-deep-nesting", {"events/x.ndjson": lines('{"timestamp":1,"x":' + "[" * 512 + "]" * 512 + "}")},
         "events/x.ndjson", 1),
        ("bad-bom-mid-file", {"events/x.ndjson": lines(GOOD, "\ufeff" + GOOD)}, "events/x.ndjson", 2),
        ("bad-crlf-line-number", {"events/x.ndjson": lines(GOOD, "", GOOD, "{", eol="\r\n")}, "events/x.ndjson", 4),
        ("bad-in-gzip", {"events/x.ndjson.gz": gz(lines(GOOD, "nope"))}, "events/x.ndjson.gz", 2),
        ("bad-first-in-path-order", {"events/b.ndjson": lines("{"), "events/a/z.ndjson": lines(GOOD, GOOD, "[")},
         "events/a/z.ndjson", 3),
        ("bad-array-element-not-object", {"events/x.json": "[\n" + GOOD + ",\n\n  1\n]\n"}, "events/x.json", 4),
        ("bad-array-element-invalid", {"events/x.json": "[" + GOOD + ",\n" + GOOD + ",\n{\"timestamp\":\n tru}]"},
         "events/x.json", 3),
        ("bad-array-missing-comma", {"events/x.json": "[\n" + GOOD + "\n" + GOOD + "\n]\n"}, "events/x.json", 3),
        ("bad-array-trailing-comma", {"events/x.json": "[\n" + GOOD + ",\n]\n"}, "events/x.json", 3),
        ("bad-array-not-closed", {"events/x.json": "[\n" + GOOD + ",\n" + GOOD + "\n"}, "events/x.json", 4),
        ("bad-array-top-level-object", {"events/x.json": "\n" + GOOD + "\n"}, "events/x.json", 2),
    ]
    for name, files, file, line in kinds:
        catalog(name)
        for rel, data in files.items():
            write(name, rel, data)
        case(name, name, P(), step="1",
             expect={"status": 500, "body_prefix": '{"detail":"Malformed event at %s:%d: ' % (file, line)})
    # gzip problems: the detail names the file; its wording is not fixed by SPEC.
    whole = gz(lines(GOOD, GOOD, GOOD))
    corrupt = bytearray(whole)
    corrupt[-8] ^= 0xFF  # CRC-32 mismatch
    for name, data in (("bad-gzip-truncated", whole[:-10]), ("bad-gzip-corrupt-crc", bytes(corrupt)),
                       ("bad-gzip-trailing-garbage", whole + b"garbage")):
        catalog(name)
        write(name, "events/x.ndjson", lines(GOOD))
        write(name, "events/y.ndjson.gz", data)
        case(name, name, P(), step="1",
             expect={"status": 500, "body_prefix": '{"detail":"Malformed ', "body_contains": "events/y.ndjson.gz"})
    # --skip-invalid: malformed events skipped, the rest answered.
    name = "bad-mixed"
    catalog(name)
    write(name, "events/x.ndjson", lines(GOOD, "{", ev("ok-2", "2023-03-05T00:00:01Z", 1), '{"timestamp":"x"}'))
    write(name, "events/y.json", "[" + ev("ok-3", "2023-03-05T00:00:02Z", 1) + ",\n 5]")
    case("skip-invalid-skips-malformed", name, P(), step="1", flags=["--skip-invalid"])
    case("skip-invalid-off-fails", name, P(), step="1",
         expect={"status": 500, "body_prefix": '{"detail":"Malformed event at events/x.ndjson:2: '})
    catalog_bad = [
        ("badcat-not-json", '[{"id": '),
        ("badcat-not-array", json.dumps({"id": WEB, "org_id": ORG, "type": "chat"})),
        ("badcat-entry-not-object", json.dumps([CATALOG[0], "x"])),
        ("badcat-missing-id", json.dumps([{"org_id": ORG, "type": "chat"}])),
        ("badcat-bad-uuid", json.dumps([{"id": "not-a-uuid", "org_id": ORG, "type": "chat"}])),
        ("badcat-bad-type", json.dumps([{"id": WEB, "org_id": ORG, "type": "web"}])),
        ("badcat-name-not-string", json.dumps([{"id": WEB, "org_id": ORG, "type": "chat", "name": 5}])),
        ("badcat-steps-not-array", json.dumps([{"id": WEB, "org_id": ORG, "type": "chat", "steps": {}}])),
        ("badcat-step-negative-index", json.dumps([{"id": WEB, "org_id": ORG, "type": "chat",
                                                    "steps": [{"index": -1, "name": "x"}]}])),
        ("badcat-step-name-missing", json.dumps([{"id": WEB, "org_id": ORG, "type": "chat", "steps": [{"index": 1}]}])),
    ]
    for name, text in catalog_bad:
        write(name, "workflows.json", text)
        write(name, "events/x.ndjson", lines(GOOD))
        case(name, name, P(), step="1",
             expect={"status": 500, "body_prefix": '{"detail":"Malformed workflow catalog: '})
    name = "badcat-missing-file"
    write(name, "events/x.ndjson", lines(GOOD))
    case(name, name, P(), step="1", expect={"status": 500, "body_prefix": '{"detail":"Malformed workflow catalog: '})


# ------------------------------------------------------------------------------------------
# Fixtures/demo: a realistic small dump (~300 events) and a step-2 request.

DEMO_ORG = "7f3c2a10-5b4e-4c1d-9a8f-0e6d5c4b3a21"
DEMO_WEB = "4e9b8c7d-1a2b-4c3d-8e5f-6a7b8c9d0e1f"
DEMO_CHAT = "0c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f"
DEMO_INT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def demo():
    import random
    rng = random.Random(2023)
    out = os.path.join(FIX, "demo")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "events", "2023-03"))
    cat = [
        {"id": DEMO_WEB, "org_id": DEMO_ORG, "type": "giosg-default", "name": "Web shop checkout",
         "steps": [{"index": 0, "name": "Visitors"}, {"index": 1, "name": "Product page"},
                   {"index": 2, "name": "Cart"}, {"index": 3, "name": "Checkout"}], "is_published": True},
        {"id": DEMO_CHAT, "org_id": DEMO_ORG, "type": "chat", "name": "Sales chat",
         "steps": [{"index": 0, "name": "Visitors"}, {"index": 1, "name": "Chat started"}]},
        {"id": DEMO_INT, "org_id": DEMO_ORG, "type": "interaction", "name": "Spring campaign"},
    ]
    with open(os.path.join(out, "workflows.json"), "w") as f:
        json.dump(cat, f, indent=1)
        f.write("\n")
    pages = {1: ["https://shop.example/p/boots", "https://shop.example/p/jacket", "https://shop.example/p/hat"],
             2: ["https://shop.example/cart"], 3: ["https://shop.example/checkout"]}
    cities = [("Helsinki", "FI"), ("Espoo", "FI"), ("Stockholm", "SE"), ("Tallinn", "EE"), ("Berlin", "DE")]
    devices = [("desktop", "Chrome", "Windows"), ("desktop", "Firefox", "Linux"), ("mobile", "Safari", "iOS"),
               ("mobile", "Chrome", "Android")]
    days = {}
    n = 0
    for v in range(86):
        visitor = "visitor-%03d" % v
        session = "session-%03d" % v
        city, country = rng.choice(cities)
        device, browser, os_name = rng.choice(devices)
        t = 1678838400000 + rng.randrange(7 * 86400 * 1000)  # 2023-03-15 .. 03-21
        common = {"visitor_id": visitor, "session_id": session, "geo_city": city, "geo_country": country,
                  "device_type": device, "browser_name": browser, "os_name": os_name, "vendor": "giosg",
                  "source": "web", "event_version": 2}
        depth = rng.choice([0, 1, 1, 2, 2, 3, 3, 3])
        for step in range(depth + 1):
            n += 1
            url = "https://shop.example/" if step == 0 else rng.choice(pages[step])
            e = {"id": "evt-%05d" % n, "timestamp": t, "category": "workflowReportingEvent", "label": DEMO_WEB,
                 "organization_id": DEMO_ORG, "dim1": "flow-%03d" % v, "dim5": step, "page_url": url,
                 "action": "pageview"}
            e.update(common)
            days.setdefault(t // 86400000, []).append(e)
            t += rng.randrange(5000, 300000)
        if depth == 3 and rng.random() < 0.7:
            n += 1
            days.setdefault(t // 86400000, []).append(dict({"id": "evt-%05d" % n, "timestamp": t + 60000,
                "category": "goal", "label": "purchase", "organization_id": DEMO_ORG, "value": 59.90}, **common))
        if rng.random() < 0.3:
            for step in (0, 1):
                n += 1
                days.setdefault(t // 86400000, []).append(dict({"id": "evt-%05d" % n, "timestamp": t + step * 1000,
                    "category": "workflowReportingEvent", "label": DEMO_CHAT, "organization_id": DEMO_ORG,
                    "dim5": step, "action": "Chat started" if step else "Chat button shown"}, **common))
    for day, evs in sorted(days.items()):
        evs.sort(key=lambda e: e["timestamp"])
        text = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in evs)
        name = datetime_name(day)
        path = os.path.join(out, "events", "2023-03", name + (".ndjson.gz" if day % 2 else ".ndjson"))
        with open(path, "wb") as f:
            f.write(gz(text) if day % 2 else text.encode())
    request = {"filters": [], "step_data": [{}, {"actions": ["https://shop.example/p/boots",
                                                              "https://shop.example/p/jacket"]},
                                            {"actions": ["https://shop.example/cart"]}],
               "interval": {"start": "2023-03-15T00:00:00+02:00", "end": "2023-03-22T00:00:00+02:00"},
               "format": "csv"}
    with open(os.path.join(out, "request.json"), "w") as f:
        json.dump(request, f, indent=2)
        f.write("\n")
    r = subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), "--dump", out, "--org", DEMO_ORG,
                        "--workflow", DEMO_WEB, "--step", "2", "--payload", os.path.join(out, "request.json")],
                       capture_output=True, check=True)
    with open(os.path.join(out, "expected.csv"), "wb") as f:
        f.write(r.stdout)
    return n


def datetime_name(day):
    import datetime
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=day)).isoformat()


def run_oracle(c):
    args = [sys.executable, os.path.join(HERE, "reference.py"), "--dump", os.path.join(DUMPS, c["dump"]),
            "--org", c["org"], "--workflow", c["wf"], "--step", c["step"], "--payload", "-"] + c["flags"]
    text = c["payload_text"] if c["payload_text"] is not None else json.dumps(c["payload"])
    return subprocess.run(args, input=text.encode(), capture_output=True)


def main():
    for p in (DUMPS, GOLDEN):
        shutil.rmtree(p, ignore_errors=True)
        os.makedirs(p)
    dump_formats(); dump_flows(); dump_types(); dump_goals(); dump_nasty(); dump_tz(); dump_lowercase_tz(); bad_dumps()
    for c in CASES:
        out = os.path.join(GOLDEN, c["name"])
        os.makedirs(out)
        doc = {"dump": c["dump"], "org": c["org"], "workflow": c["wf"], "step": c["step"]}
        if c["payload_text"] is not None:
            doc["payload_text"] = c["payload_text"]
        else:
            doc["payload"] = c["payload"]
        doc["flags"] = c["flags"]
        with open(os.path.join(out, "case.json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=2)
            f.write("\n")
        r = run_oracle(c)
        e = c["expect"]
        if e is None:
            assert r.returncode == 0, (c["name"], r.stdout, r.stderr)
            with open(os.path.join(out, "expected.csv"), "wb") as f:
                f.write(r.stdout)
            continue
        # The oracle must agree with the hand-written expectation.
        if e["status"] == 500:
            got = json.loads(r.stdout)
            assert r.returncode == 50, c["name"]
            if "Malformed event at" in e["body_prefix"]:
                assert got["kind"] in ("event", "array"), (c["name"], got)
                assert e["body_prefix"].endswith("%s:%d: " % (got["file"], got["line"])), (c["name"], got)
            elif "catalog" in e["body_prefix"]:
                assert got["kind"] == "catalog", (c["name"], got)
            else:
                assert got["kind"] == "gzip" and got["file"] == e["body_contains"], (c["name"], got)
        else:
            assert r.returncode == {404: 44, 406: 46}[e["status"]], (c["name"], r)
            assert r.stderr.decode().strip() == e["body"], (c["name"], r.stderr)
        with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
            json.dump(e, f, ensure_ascii=False)
            f.write("\n")
    print("%d cases; demo: %d events" % (len(CASES), demo()))


if __name__ == "__main__":
    main()
