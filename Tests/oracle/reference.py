#!/usr/bin/env python3
"""Reference implementation ("oracle") of StepExport's CSV answer: SPEC.md §1-§6 and §9.

Deliberately simple and slow: read everything into memory, check every rule literally, then
select, sort and print. It is the yardstick for differential tests of the Swift code, so every
function is meant to be read next to the SPEC paragraph it implements.

Usage:
  reference.py --dump DIR --org ORG --workflow WF --step N --payload FILE
               [--no-formula-guard] [--bom] [--delimiter C] [--skip-invalid]

Exit codes: 0 with the CSV bytes on stdout; 44 for 404 (body on stderr); 46 for 406;
50 for a malformed dump, with one JSON line on stdout:
  {"status":500,"kind":"event"|"array"|"gzip"|"catalog"|"unreadable","file":..,"line":..,"reason":..}
  kind "event": a malformed event, location file:line (SPEC §9).
  kind "array": a `.json` file whose array structure is broken, located at the offending byte's line.
  kind "gzip":  a truncated or corrupt gzip stream (the whole file is bad; line is null).
  kind "catalog": workflows.json is malformed (file/line null).
Payload validation (SPEC §3.1-3.3) is NOT done: requests are assumed valid.
"""

import argparse
import datetime
import json
import os
import re
import sys
import zlib
import zoneinfo

sys.setrecursionlimit(10000)

MAX_EVENT_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 512
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
JSON_WS = b" \t\r\n"


class Malformed(Exception):
    """Something in the dump breaks SPEC §1/§2/§9."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class DumpFailure(Exception):
    """The request fails with 500 (what `main` prints)."""

    def __init__(self, kind, file, line, reason):
        super().__init__(reason)
        self.kind, self.file, self.line, self.reason = kind, file, line, reason


# ---------------------------------------------------------------------------------------------
# Strict JSON (RFC 8259) keeping number text.

class Num:
    """A JSON number, kept as its exact text. `is_int`: no fraction and no exponent."""

    def __init__(self, text, is_int):
        self.text, self.is_int = text, is_int

    def __repr__(self):
        return "Num(%r)" % self.text


def _reject_constant(name):
    raise ValueError("%s is not JSON" % name)


_DECODER = json.JSONDecoder(
    parse_int=lambda s: Num(s, True),
    parse_float=lambda s: Num(s, False),
    parse_constant=_reject_constant,  # NaN, Infinity, -Infinity
    strict=True,  # no raw control characters inside strings
)


def nesting_depth(data):
    """Deepest nesting of arrays/objects in JSON bytes (strings skipped). Stops early past MAX_DEPTH."""
    depth = deepest = 0
    in_string = False
    i = 0
    n = len(data)
    while i < n:
        c = data[i]
        if in_string:
            if c == 0x5C:  # backslash: skip the escaped byte
                i += 1
            elif c == 0x22:
                in_string = False
        elif c == 0x22:
            in_string = True
        elif c in (0x7B, 0x5B):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif c in (0x7D, 0x5D):
            depth -= 1
        i += 1
    return deepest


def _check_no_lone_surrogates(value):
    """json accepts "\\ud800"; RFC 8259 (and SPEC §1) does not. Valid pairs are already combined."""
    if isinstance(value, str):
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            raise Malformed("a \\u escape leaves a lone surrogate")
    elif isinstance(value, list):
        for v in value:
            _check_no_lone_surrogates(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_no_lone_surrogates(k)
            _check_no_lone_surrogates(v)


def parse_json_bytes(data):
    """One JSON document from bytes (surrounding JSON whitespace allowed). Raises Malformed."""
    try:
        text = data.decode("utf-8")  # strict: invalid UTF-8 (incl. encoded surrogates) fails
    except UnicodeDecodeError as e:
        raise Malformed("invalid UTF-8: %s" % e)
    if nesting_depth(data) > MAX_DEPTH:
        raise Malformed("nested deeper than %d levels" % MAX_DEPTH)
    try:
        value = _DECODER.decode(text)  # also rejects a BOM and trailing data
    except (ValueError, RecursionError) as e:
        raise Malformed("invalid JSON: %s" % e)
    _check_no_lone_surrogates(value)
    return value


# ---------------------------------------------------------------------------------------------
# Timestamps: integer nanoseconds since the Unix epoch (UTC).

MIN_NS = -62135596800 * 10 ** 9                      # 0001-01-01T00:00:00Z
MAX_NS = 253402300800 * 10 ** 9 - 1                 # 9999-12-31T23:59:59.999999999Z
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

TIMESTAMP_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})?"
)


def parse_timestamp_text(s):
    """`YYYY-MM-DDThh:mm[:ss[.f]][Z|±hh:mm]` → ns, or None. `T`, `t` or a space; `Z` or `z` (RFC 3339
    §5.6, contract 1.1). No offset means UTC."""
    m = TIMESTAMP_RE.fullmatch(s)
    if not m:
        return None
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    second = int(m.group(6) or "0")
    fraction = (m.group(7) or "").ljust(9, "0")
    if year < 1 or hour > 23 or minute > 59 or second > 59:
        return None
    try:
        days = datetime.date(year, month, day).toordinal() - EPOCH_ORDINAL
    except ValueError:
        return None
    offset_seconds = 0
    zone = m.group(8)
    if zone and zone not in ("Z", "z"):
        oh, om = int(zone[1:3]), int(zone[4:6])
        if oh > 23 or om > 59:
            return None
        offset_seconds = (oh * 3600 + om * 60) * (1 if zone[0] == "+" else -1)
    seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds
    ns = seconds * 10 ** 9 + int(fraction)
    if not (MIN_NS <= ns <= MAX_NS):
        return None
    return ns


def format_timestamp(ns, zone):
    """`YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, or local `…mmm+hh:mm` in `zone` (SPEC §5). Truncated to ms."""
    ms = ns // 10 ** 6  # floor: truncates the fraction of the civil time
    utc = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=ms)
    if zone is None:
        return utc.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (utc.microsecond // 1000)
    local = utc.astimezone(zoneinfo.ZoneInfo(zone))
    off = int(local.utcoffset().total_seconds())
    sign = "+" if off >= 0 else "-"
    off = abs(off)
    return (local.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d" % (local.microsecond // 1000)
            + "%s%02d:%02d" % (sign, off // 3600, off % 3600 // 60))


# ---------------------------------------------------------------------------------------------
# Events (SPEC §2).

STRING_KEYS = [
    "id", "organization_id", "category", "label", "action", "dim1", "dim2", "dim4",
    "visitor_id", "session_id", "user_id", "page_url", "view_uid", "vendor", "source",
    "browser_name", "browser_version", "device_type",
    "geo_city", "geo_country", "ip_organization", "os_name", "os_version",
]
INTEGER_KEYS = ["event_version", "device_screen_width", "device_screen_height"]


def int64_of(num):
    """The value of an integer Num, or None if it does not fit a signed 64-bit integer."""
    digits = num.text.lstrip("-")
    if len(digits) > 19:
        return None
    v = int(num.text)
    return v if INT64_MIN <= v <= INT64_MAX else None


def check_event(obj):
    """Validates one parsed JSON value as an event; returns a dict of the known keys:
    strings as str, numbers as Num, properties as list of str, plus
    '_ts' (ns) and '_step' (int or None: dim5 as an integer, when it is one that fits int64)."""
    if not isinstance(obj, dict):
        raise Malformed("an event must be a JSON object")
    ev = {}
    for key in STRING_KEYS:
        v = obj.get(key)
        if v is None:
            continue
        if not isinstance(v, str):
            raise Malformed('"%s" must be a string' % key)
        ev[key] = v
    for key in INTEGER_KEYS:
        v = obj.get(key)
        if v is None:
            continue
        if not (isinstance(v, Num) and v.is_int):
            raise Malformed('"%s" must be an integer' % key)
        if int64_of(v) is None:
            raise Malformed('"%s" does not fit a signed 64-bit integer' % key)
        ev[key] = v
    v = obj.get("value")
    if v is not None:
        if not isinstance(v, Num):
            raise Malformed('"value" must be a number')
        try:
            finite = float(v.text) not in (float("inf"), float("-inf"))
        except OverflowError:
            finite = False
        if not finite:
            raise Malformed('"value" is not a finite double')
        ev["value"] = v
    v = obj.get("properties")
    if v is not None:
        if not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            raise Malformed('"properties" must be an array of strings')
        ev["properties"] = v
    ev["_step"] = None
    v = obj.get("dim5")
    if v is not None:
        if isinstance(v, Num) and v.is_int:
            step = int64_of(v)
            if step is None:
                raise Malformed('"dim5" does not fit a signed 64-bit integer')
            ev["dim5"] = v.text
            ev["_step"] = step
        elif isinstance(v, str) and re.fullmatch(r"[0-9]+", v, re.ASCII):
            shown = v.lstrip("0") or "0"
            ev["dim5"] = shown
            step = int(shown) if len(shown) <= 19 else None
            ev["_step"] = step if step is not None and step <= INT64_MAX else None  # too big: no step
        else:
            raise Malformed('"dim5" must be an integer or a string of decimal digits')
    v = obj.get("timestamp")
    if v is None:
        raise Malformed('no "timestamp"')
    if isinstance(v, str):
        ns = parse_timestamp_text(v)
    elif isinstance(v, Num) and v.is_int:
        ms = int64_of(v)
        ns = None if ms is None else ms * 10 ** 6
        if ns is not None and not (MIN_NS <= ns <= MAX_NS):
            ns = None
    else:
        raise Malformed('"timestamp" must be a string or an integer')
    if ns is None:
        raise Malformed('unparsable "timestamp"')
    ev["_ts"] = ns
    return ev


# ---------------------------------------------------------------------------------------------
# Reading the dump (SPEC §1, §9).

def event_files(dump):
    """Relative paths (str, '/'-separated) of event files, in byte-wise order."""
    found = []

    def walk(rel):
        with os.scandir(os.path.join(dump, rel)) as it:
            for entry in it:
                child = rel + "/" + entry.name
                if entry.is_dir(follow_symlinks=False):
                    walk(child)
                elif entry.is_file(follow_symlinks=False):
                    base = entry.name[:-3] if entry.name.endswith(".gz") else entry.name
                    if base.endswith((".ndjson", ".jsonl", ".json")):
                        found.append(child)

    if not os.path.isdir(os.path.join(dump, "events")):
        raise DumpFailure("unreadable", "events", None, "no events/ folder")
    walk("events")
    return sorted(found, key=lambda p: os.fsencode(p))


def gunzip_all(data):
    """Decompresses one or more gzip members in a row; anything else after a member is corrupt."""
    out = []
    while True:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out.append(d.decompress(data))
        except zlib.error as e:
            raise Malformed("corrupt gzip stream: %s" % e)
        if not d.eof:
            raise Malformed("truncated gzip stream")
        data = d.unused_data
        if not data:
            return b"".join(out)
        if not data.startswith(b"\x1f\x8b"):
            raise Malformed("unexpected bytes after a gzip member")


def file_content(dump, rel):
    with open(os.path.join(dump, rel), "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gunzip_all(data)
        except Malformed as e:
            raise DumpFailure("gzip", rel, None, e.reason)
    return data


def ndjson_events(rel, data):
    """Yields (line, event-or-Malformed) for each non-blank line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the file ends with a newline
    for number, raw in enumerate(lines, start=1):
        body = raw.lstrip(JSON_WS)
        if not body.strip(JSON_WS):
            continue  # empty or whitespace-only (a CRLF line's CR is JSON whitespace too)
        try:
            if len(body) > MAX_EVENT_BYTES:
                raise Malformed("the event is larger than 64 MiB")
            yield number, check_event(parse_json_bytes(body))
        except Malformed as e:
            yield number, e


def json_array_events(rel, data):
    """Yields (line, event-or-Malformed) per element of a `.json` file's top-level array.
    A broken array structure raises DumpFailure(kind="array") at the offending byte's line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    n = len(data)

    def line_at(p):
        return data.count(b"\n", 0, p) + 1

    def broken(p, reason):
        return DumpFailure("array", rel, line_at(p), reason)

    def skip_ws(p):
        while p < n and data[p] in JSON_WS:
            p += 1
        return p

    def element_end(p):
        """End of the element starting at p, found by structure alone (brackets and strings)."""
        depth = 0
        in_string = False
        while p < n:
            c = data[p]
            if in_string:
                if c == 0x5C:
                    p += 2
                    continue
                if c == 0x22:
                    in_string = False
                    if depth == 0:
                        return p + 1
            elif c == 0x22:
                in_string = True
            elif c in (0x7B, 0x5B):
                depth += 1
            elif c in (0x7D, 0x5D):
                if depth == 0:
                    return p
                depth -= 1
                if depth == 0:
                    return p + 1
            elif c in b", \t\r\n" and depth == 0:
                return p
            p += 1
        return n

    p = skip_ws(0)
    if p >= n or data[p] != 0x5B:
        raise broken(p, "the file must hold one JSON array of events")
    p = skip_ws(p + 1)
    if p < n and data[p] == 0x5D:
        p += 1
    else:
        after_comma = False
        while True:
            if p >= n:
                raise broken(p, "the array is not closed")
            if data[p] == 0x5D and after_comma:
                raise broken(p, "trailing comma")
            end = element_end(p)
            try:
                if end - p > MAX_EVENT_BYTES:
                    raise Malformed("the event is larger than 64 MiB")
                yield line_at(p), check_event(parse_json_bytes(data[p:end]))
            except Malformed as e:
                yield line_at(p), e
            p = skip_ws(end)
            if p >= n:
                raise broken(p, "the array is not closed")
            if data[p] == 0x2C:
                p = skip_ws(p + 1)
                after_comma = True
                continue
            if data[p] == 0x5D:
                p += 1
                break
            raise broken(p, "expected ',' or ']' after an element")
    p = skip_ws(p)
    if p < n:
        raise broken(p, "unexpected data after the array")


def read_events(dump, skip_invalid):
    """All well-formed events in dump order, each with '_pos' = (file ordinal, ordinal in file).
    Returns (events, skipped_count, first_skipped_location)."""
    events, skipped, first = [], 0, None
    for file_no, rel in enumerate(event_files(dump)):
        try:
            data = file_content(dump, rel)
        except OSError as e:
            raise DumpFailure("unreadable", rel, None, str(e))
        base = rel[:-3] if rel.endswith(".gz") else rel
        reader = json_array_events if base.endswith(".json") else ndjson_events
        for ordinal, (line, ev) in enumerate(reader(rel, data)):
            if isinstance(ev, Malformed):
                if not skip_invalid:
                    raise DumpFailure("event", rel, line, ev.reason)
                skipped += 1
                first = first or (rel, line, ev.reason)
                continue
            ev["_pos"] = (file_no, ordinal)
            events.append(ev)
    return events, skipped, first


# ---------------------------------------------------------------------------------------------
# The catalog (SPEC §1).

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
TYPES = ("giosg-default", "interaction", "user-generated", "chat", "voice-video")


def read_catalog(dump):
    """List of {'id','org_id','type','name','steps': {index: name} or None}. Raises DumpFailure."""
    def bad(reason):
        return DumpFailure("catalog", None, None, reason)

    try:
        with open(os.path.join(dump, "workflows.json"), "rb") as f:
            data = f.read()
    except OSError as e:
        raise bad("cannot read workflows.json: %s" % e)
    try:
        root = parse_json_bytes(data)
    except Malformed as e:
        raise bad("workflows.json: " + e.reason)
    if not isinstance(root, list):
        raise bad("workflows.json must be a JSON array")
    catalog = []
    for i, entry in enumerate(root):
        if not isinstance(entry, dict):
            raise bad("entry %d is not an object" % i)
        for key in ("id", "org_id"):
            if not (isinstance(entry.get(key), str) and UUID_RE.fullmatch(entry[key])):
                raise bad('entry %d: "%s" must be a UUID string' % (i, key))
        if entry.get("type") not in TYPES:
            raise bad('entry %d: bad "type"' % i)
        name = entry.get("name")
        if name is not None and not isinstance(name, str):
            raise bad('entry %d: "name" must be a string' % i)
        steps = entry.get("steps")
        if steps is not None:
            if not isinstance(steps, list):
                raise bad('entry %d: "steps" must be an array' % i)
            table = {}
            for j, step in enumerate(steps):
                ok = (isinstance(step, dict) and isinstance(step.get("index"), Num) and step["index"].is_int
                      and int64_of(step["index"]) is not None and int64_of(step["index"]) >= 0
                      and isinstance(step.get("name"), str))
                if not ok:
                    raise bad("entry %d: steps[%d] must be {\"index\": integer >= 0, \"name\": string}" % (i, j))
                table[int64_of(step["index"])] = step["name"]  # a repeated index: the last one wins
            steps = table
        catalog.append({"id": entry["id"], "org_id": entry["org_id"], "type": entry["type"],
                        "name": name, "steps": steps})
    return catalog


# ---------------------------------------------------------------------------------------------
# Selection (SPEC §4).

FILTER_KEY = {"action": None, "label": "label", "visitor_id": "visitor_id", "session_id": "session_id",
              "flow_id": "dim1", "room_id": "dim2", "geo_country": "geo_country", "geo_city": "geo_city",
              "device_type": "device_type", "browser_name": "browser_name", "os_name": "os_name"}
IDENTIFIER_KEY = {"giosg-default": "page_url", "interaction": "view_uid"}


class NotFound(Exception):
    pass


class NotImplementedFilter(Exception):
    pass


def identifier(ev, wf_type):
    key = IDENTIFIER_KEY.get(wf_type, "action")
    return ev[key] if key in ev else ev.get("action")


def flow(ev):
    for key in ("dim1", "session_id", "visitor_id"):
        if ev.get(key):
            return ev[key]
    return None


def passes(ev, filters, wf_type):
    """AND across filters, OR within one filter's values. An absent key matches nothing."""
    for f in filters:
        if f["property"] == "action":
            v = identifier(ev, wf_type)
        else:
            v = ev.get(FILTER_KEY[f["property"]])
        if v is None or v not in f["values"]:
            return False
    return True


def select(events, wf, n, payload):
    wf_type = wf["type"]
    start = parse_timestamp_text(payload["interval"]["start"])
    end = parse_timestamp_text(payload["interval"]["end"])
    target = payload.get("target") or "default"
    filters = payload["filters"]
    if target == "triggered_goal":
        step_filters = [f for f in filters if f["property"] != "label"]
        goal_filters = [f for f in filters if f["property"] == "label"]
    else:
        step_filters, goal_filters = filters, []

    def in_interval(ev):
        return start <= ev["_ts"] < end

    E = [ev for ev in events
         if ev.get("category") == "workflowReportingEvent"
         and ev.get("label") is not None and ev["label"].lower() == wf["id"].lower()
         and ev.get("organization_id") is not None and ev["organization_id"].lower() == wf["org_id"].lower()
         and ev["_step"] is not None
         and in_interval(ev)]

    step_data = payload.get("step_data")
    C = []
    if wf_type in ("giosg-default", "interaction") and step_data is not None:
        for k in range(1, n + 1):
            if k < len(step_data) and step_data[k].get("actions"):
                C.append(k)

    def matches_step(ev, k):
        return ev["_step"] == k and identifier(ev, wf_type) in step_data[k]["actions"]

    S = []
    for e in E:
        if e["_step"] != n:
            continue
        if n in C and not matches_step(e, n):
            continue
        ok = True
        for k in C:
            if k < n:
                f = flow(e)
                if f is None or not any(flow(x) == f and matches_step(x, k) for x in E):
                    ok = False
                    break
        if ok and passes(e, step_filters, wf_type):
            S.append(e)

    if target == "triggered_goal":
        rows = []
        for g in events:
            if (g.get("category") == "goal"
                    and g.get("organization_id") is not None
                    and g["organization_id"].lower() == wf["org_id"].lower()
                    and in_interval(g)
                    and passes(g, goal_filters, wf_type)
                    and g.get("visitor_id")
                    and any(s.get("visitor_id") == g["visitor_id"] and g["_ts"] >= s["_ts"] for s in S)):
                rows.append(g)
    else:
        rows = S
    rows = sorted(rows, key=lambda ev: (ev["_ts"], ev["_pos"]))
    limit = payload.get("limit")
    if limit is not None:
        rows = rows[:int(limit)]
    return rows


# ---------------------------------------------------------------------------------------------
# Table and CSV (SPEC §5, §6).

COLUMNS = ["event_id", "timestamp", "organization_id", "workflow_id", "step_index", "step_name", "category",
           "label", "action", "page_url", "view_uid", "flow_id", "room_id", "visitor_id", "session_id", "user_id",
           "value", "properties", "vendor", "source", "event_version", "browser_name", "browser_version",
           "device_type", "device_screen_width", "device_screen_height", "geo_city", "geo_country",
           "ip_organization", "os_name", "os_version"]
NUMBER_COLUMNS = {"step_index", "value", "event_version", "device_screen_width", "device_screen_height"}
COLUMN_KEY = {"event_id": "id", "flow_id": "dim1", "room_id": "dim2"}


def row_cells(ev, wf, zone):
    cells = []
    for col in COLUMNS:
        if col == "timestamp":
            v = format_timestamp(ev["_ts"], zone)
        elif col == "workflow_id":
            v = wf["id"]
        elif col == "step_index":
            v = ev.get("dim5", "")
        elif col == "step_name":
            v = ev.get("dim4") or ""
            if not v and wf["steps"] is not None and ev["_step"] is not None:
                v = wf["steps"].get(ev["_step"], "")
        elif col == "properties":
            v = "; ".join(ev.get("properties", []))
        else:
            v = ev.get(COLUMN_KEY.get(col, col), "")
            if isinstance(v, Num):
                v = v.text
        cells.append(v)
    return cells


def csv_field(value, is_text, guard, delimiter):
    if guard and is_text and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        value = "'" + value
    if (delimiter in value or '"' in value or "\r" in value or "\n" in value
            or value.startswith(" ") or value.endswith(" ")):
        value = '"' + value.replace('"', '""') + '"'
    return value


def write_csv(rows, wf, zone, guard, bom, delimiter):
    out = []
    if bom:
        out.append("\ufeff")
    out.append(delimiter.join(csv_field(c, False, False, delimiter) for c in COLUMNS) + "\r\n")
    for ev in rows:
        cells = row_cells(ev, wf, zone)
        out.append(delimiter.join(
            csv_field(v, col not in NUMBER_COLUMNS and col != "timestamp", guard, delimiter)
            for col, v in zip(COLUMNS, cells)) + "\r\n")
    return "".join(out).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The request (SPEC §3.4-3.7, assuming §3.1-3.3 pass).

def answer(dump, org, workflow, step, payload, guard=True, bom=False, delimiter=",", skip_invalid=False):
    """Returns (csv_bytes, skipped, first_skipped). Raises NotFound, NotImplementedFilter, DumpFailure."""
    n = int(step)
    catalog = read_catalog(dump)
    wf = next((w for w in catalog if w["id"].lower() == workflow.lower() and w["org_id"].lower() == org.lower()),
              None)
    if wf is None:
        raise NotFound()
    if wf["steps"] is not None and n not in wf["steps"]:
        raise NotFound()
    for f in payload["filters"]:
        if f["property"] not in FILTER_KEY:
            raise NotImplementedFilter(f["property"])
    events, skipped, first = read_events(dump, skip_invalid)
    rows = select(events, wf, n, payload)
    zone = payload["interval"].get("time_zone")
    return write_csv(rows, wf, zone, guard, bom, delimiter), skipped, first


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dump", required=True)
    ap.add_argument("--org", required=True)
    ap.add_argument("--workflow", required=True)
    ap.add_argument("--step", required=True)
    ap.add_argument("--payload", required=True, help="payload JSON file, or - for stdin")
    ap.add_argument("--no-formula-guard", action="store_true")
    ap.add_argument("--bom", action="store_true")
    ap.add_argument("--delimiter", default=",")
    ap.add_argument("--skip-invalid", action="store_true")
    a = ap.parse_args(argv)
    if a.delimiter == "\\t":
        a.delimiter = "\t"
    if len(a.delimiter) != 1 or ord(a.delimiter) > 127 or a.delimiter in '"\r\n':
        ap.error("--delimiter takes one ASCII character other than \", CR and LF")
    text = sys.stdin.read() if a.payload == "-" else open(a.payload, encoding="utf-8").read()
    payload = json.loads(text)
    try:
        data, skipped, first = answer(a.dump, a.org, a.workflow, a.step, payload, not a.no_formula_guard,
                                      a.bom, a.delimiter, a.skip_invalid)
    except NotFound:
        print('{"detail":"Not found."}', file=sys.stderr)
        return 44
    except NotImplementedFilter as e:
        print(json.dumps({"detail": "Filtering by '%s' is not implemented." % e.args[0]},
                         separators=(",", ":"), ensure_ascii=False), file=sys.stderr)
        return 46
    except DumpFailure as e:
        print(json.dumps({"status": 500, "kind": e.kind, "file": e.file, "line": e.line, "reason": e.reason},
                         ensure_ascii=False))
        return 50
    if skipped:
        print("skipped %d malformed event(s); first at %s:%d: %s" % (skipped, *first), file=sys.stderr)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
