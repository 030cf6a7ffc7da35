#!/usr/bin/env python3
"""Seeded random dump generator for differential tests (StepExport vs reference.py).

  make_dump.py --seed S --events N --out DIR [--bad K]

Writes DIR/workflows.json and DIR/events/... . The same seed and N give the same bytes.
Events are written as hand-built JSON text so that number spellings, escapes, key order,
null values and unknown keys vary. --bad K also inserts K malformed lines into NDJSON files
(for --skip-invalid runs); without it every event is well-formed.
"""

import argparse
import gzip
import io
import json
import os
import random

TYPES = ["giosg-default", "interaction", "user-generated", "chat", "voice-video"]

NASTY = [
    "plain", "with space", " leading space", "trailing space ", "a,b", 'say "hi"', "line\nbreak", "cr\rhere",
    "crlf\r\nx", "=1+2", "+49 123", "-minus", "@at", "\tTab", "\rCR first", "emoji 😀", "𝄞 clef", "é accent",
    "ctl\u0001char", "semi;colon", "'quote", "=HYPERLINK(\"x\")", "", " ", "ä,ö\"ü", "日本語", "back\\slash",
    "_x0041_", "nul\u0000byte", "del\u007f",
]
URLS = ["https://shop.example/", "https://shop.example/cart", "https://shop.example/checkout?a=1,2",
        "https://shop.example/p/42", "https://shop.example/thanks", " https://spaced.example/ "]
VIEWS = ["view-1", "view-2", "view-3", "=view4", "view 5", "view,6"]
ACTIONS = ["User dialed", "Visitor dialed", "Chat started", "Chat ended", "clicked", "-x", "a\"b"]
COUNTRIES = ["FI", "SE", "US", "DE", "", "fi"]
CITIES = ["Helsinki", "Espoo", "New York", "São Paulo", "Zürich"]
DEVICES = ["desktop", "mobile", "tablet"]
BROWSERS = ["Chrome", "Firefox", "Safari", "Edge"]
OSES = ["Windows", "macOS", "Linux", "iOS", "Android"]
VALUES = ["1", "-0", "0", "1.50", "1e3", "2E-2", "-3.25", "12345678901234567890", "0.1", "7E+1", "-1e-7"]


def uuid(rng, upper=False):
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    s = "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])
    return s.upper() if upper else s


def json_str(rng, s):
    """JSON string literal for s with random (but valid) escaping."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif c < 0x20:
            short = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
            out.append(short[ch] if ch in short and rng.random() < 0.5 else "\\u%04x" % c)
        elif c > 0xFFFF and rng.random() < 0.5:
            v = c - 0x10000
            out.append("\\u%04x\\u%04X" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)))
        elif c > 0x7F and rng.random() < 0.3:
            out.append("\\u%04x" % c)
        elif ch == "/" and rng.random() < 0.3:
            out.append("\\/")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def timestamp_text(rng, ms, extra_ns):
    """A string form of ms (+ sub-ms nanoseconds) with a random offset and fraction length."""
    import datetime
    offset_min = rng.choice([0, 0, 120, 180, -300, -240, 330, 525, -570])
    local = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms, minutes=offset_min)
    ns = (ms % 1000) * 1_000_000 + extra_ns
    sep = rng.choice("TTt ")  # `t` and `z` as RFC 3339 §5.6 allows (contract 1.1)
    text = local.strftime("%Y-%m-%d") + sep + local.strftime("%H:%M")
    needed = len(("%09d" % ns).rstrip("0"))  # fraction digits needed to be exact
    if not (ns == 0 and local.second == 0 and rng.random() < 0.3):
        text += ":%02d" % local.second
        digits = rng.randint(needed, 9) if needed else rng.choice([0, 0, 1, 3, 6, 9])
        if digits:
            text += "." + ("%09d" % ns)[:digits]
    if offset_min == 0:
        text += rng.choice(["Z", "z", "", "+00:00", "-00:00"])
    else:
        sign = "+" if offset_min > 0 else "-"
        text += "%s%02d:%02d" % (sign, abs(offset_min) // 60, abs(offset_min) % 60)
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--events", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bad", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    org = uuid(rng)
    other_org = uuid(rng)
    types = rng.sample(TYPES, rng.randint(2, 4))
    if rng.random() < 0.7 and "giosg-default" not in types:
        types[0] = "giosg-default"
    workflows = []
    for t in types:
        nsteps = rng.randint(1, 6)
        wf = {"id": uuid(rng, upper=rng.random() < 0.3), "org_id": org, "type": t,
              "name": rng.choice(["Flow", "Checkout, v2", "Ünïcode 😀"]), "description": "x", "is_published": True}
        if rng.random() < 0.6:
            wf["steps"] = [{"index": i, "name": rng.choice(["Source", "Step %d" % i, "=Step", " spaced "])}
                           for i in range(nsteps + 1)]
        wf["_nsteps"] = nsteps
        workflows.append(wf)
    workflows.append({"id": uuid(rng), "org_id": other_org, "type": "chat"})  # another org's workflow

    base_ms = 1678406400000  # 2023-03-10T00:00:00Z; DST changes on 03-12 (US) and 03-26 (EU)
    span_ms = 20 * 86400 * 1000
    visitors = ["v%d" % i for i in range(12)] + ["", " v sp"]
    sessions = ["s%d" % i for i in range(15)] + [""]
    flows = ["f%d" % i for i in range(10)] + ["", "s3"]

    lines = []  # (json_text)
    last_ms = base_ms
    for _ in range(a.events):
        if rng.random() < 0.15:
            ms, extra = last_ms, 0  # a tie (or near-tie) with the previous event
            extra = rng.choice([0, 0, 1, 999_999])
        else:
            ms, extra = base_ms + rng.randrange(span_ms), rng.choice([0, 0, rng.randrange(1_000_000)])
        last_ms = ms
        wf = rng.choice(workflows[:-1])
        kind = rng.random()
        fields = []

        def add(key, text):
            fields.append((key, text))

        def s(key, value):
            add(key, json_str(rng, value))

        if rng.random() < 0.8:
            s("id", "ev-%d" % rng.randrange(10 ** 6) if rng.random() < 0.9 else rng.choice(NASTY))
        if extra == 0 and rng.random() < 0.3:
            add("timestamp", str(ms))
        else:
            s("timestamp", timestamp_text(rng, ms, extra))
        if kind < 0.72:
            s("category", "workflowReportingEvent")
            label = wf["id"]
            s("label", label.lower() if rng.random() < 0.2 else label)
            s("organization_id", org.upper() if rng.random() < 0.2 else org)
            step = rng.randint(0, wf["_nsteps"])
            r = rng.random()
            if r < 0.6:
                add("dim5", str(step) if step or rng.random() < 0.7 else "-0")
            elif r < 0.8:
                add("dim5", json_str(rng, "0" * rng.randint(0, 2) + str(step)))
            elif r < 0.85:
                add("dim5", json_str(rng, "99999999999999999999999"))
            elif r < 0.9:
                add("dim5", "null")
            else:
                add("dim5", str(step))
            if rng.random() < 0.6:
                s("dim4", rng.choice(["", "Named step", "=named", " lead"]))
        elif kind < 0.88:
            s("category", "goal" if rng.random() < 0.9 else "Goal")
            s("organization_id", org if rng.random() < 0.9 else other_org)
            s("label", rng.choice(["goal-a", "goal-b", "goal,c", wf["id"]]))
            if rng.random() < 0.2:
                add("dim5", str(rng.randint(0, 3)))
        else:
            s("category", rng.choice(["workflowReportingEvent", "other", "goal"]))
            s("label", rng.choice([wf["id"], uuid(rng)]))
            s("organization_id", rng.choice([other_org, org]))
            add("dim5", str(rng.randint(0, 3)))
        if rng.random() < 0.7:
            s("action", rng.choice(ACTIONS + NASTY[:8]))
        if rng.random() < 0.8:
            s("page_url", rng.choice(URLS))
        if rng.random() < 0.6:
            s("view_uid", rng.choice(VIEWS))
        if rng.random() < 0.7:
            s("dim1", rng.choice(flows))
        if rng.random() < 0.3:
            s("dim2", rng.choice(["room-1", "room-2", "", "=room"]))
        if rng.random() < 0.85:
            s("visitor_id", rng.choice(visitors))
        if rng.random() < 0.7:
            s("session_id", rng.choice(sessions))
        if rng.random() < 0.3:
            s("user_id", rng.choice(NASTY))
        if rng.random() < 0.5:
            add("value", rng.choice(VALUES))
        if rng.random() < 0.4:
            props = rng.sample(NASTY, rng.randint(0, 3))
            add("properties", "[" + ",".join(json_str(rng, p) for p in props) + "]")
        for key, pool in (("vendor", NASTY), ("source", ["web", "app", "-api"]), ("browser_name", BROWSERS),
                          ("browser_version", ["1.0", "120.0.1", ""]), ("device_type", DEVICES),
                          ("geo_city", CITIES), ("geo_country", COUNTRIES), ("ip_organization", NASTY),
                          ("os_name", OSES), ("os_version", ["10", "14.2", "-"])):
            if rng.random() < 0.4:
                s(key, rng.choice(pool))
        for key in ("event_version", "device_screen_width", "device_screen_height"):
            if rng.random() < 0.4:
                add(key, rng.choice(["1", "2", "-0", "1920", "-5", "9223372036854775807"]))
        if rng.random() < 0.2:
            add(rng.choice(["extra", "nested", "dim3"]),
                rng.choice(['{"a":[1,2,{"b":null}]}', "1.5e300", '"\\ud83d\\ude00"', "true", "[]"]))
        if rng.random() < 0.1:
            add(rng.choice(["vendor", "geo_city", "user_id"]), "null")
        if rng.random() < 0.05 and fields:
            k, v = rng.choice(fields)
            if k not in ("timestamp", "dim5") and v.startswith('"'):
                add(k, json_str(rng, "dup-last"))  # a duplicate key: the last one wins
        rng.shuffle(fields)
        lines.append([json_str(rng, k) + ":" + v for k, v in fields])

    # Files: several formats in nested folders.
    kinds = ["a/x.ndjson", "a/x-y.ndjson", "a.ndjson", "b/c/d.jsonl", "b/e.json", "b/f.ndjson.gz",
             "b/g.json.gz", "c/crlf.ndjson", "c/bom.jsonl", "c/multi.ndjson.gz", "plain-named.gz.ndjson"]
    names = rng.sample(kinds, rng.randint(3, len(kinds)))
    buckets = {name: [] for name in names}
    for line in lines:
        buckets[rng.choice(names)].append(line)
    bad = ['{"timestamp":"2023-03-12T00:00:00Z","dim5":1.5}', '{"oops"', "[1]", '{"timestamp":"nope"}',
           '{"timestamp":1,"label":"\\ud800"}']
    events_dir = os.path.join(a.out, "events")
    for name, items in buckets.items():
        path = os.path.join(events_dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        base = name[:-3] if name.endswith(".gz") else name
        if base.endswith(".json"):
            parts = []
            for item in items:
                sep = rng.choice([",", ", ", ",\n  ", ",\r\n\t"])
                parts.append("{" + sep.join(item) + "}")
            text = "[\n" + ",\n".join(parts) + "\n]\n" if items else rng.choice(["[]", " [ ]\n"])
        else:
            out = []
            for item in items:
                out.append("{" + rng.choice([",", ", ", ",\t"]).join(item) + "}")
                if rng.random() < 0.05:
                    out.append(rng.choice(["", "   ", "\t"]))
            if a.bad and "gz" not in name:
                for _ in range(rng.randint(0, a.bad)):
                    out.insert(rng.randint(0, len(out)), rng.choice(bad))
            eol = "\r\n" if "crlf" in name else "\n"
            text = eol.join(out) + (eol if out and rng.random() < 0.8 else "")
            if "bom" in name:
                text = "\ufeff" + text
        data = text.encode("utf-8")
        if name.endswith(".gz") or name == "plain-named.gz.ndjson":
            if "multi" in name and len(data) > 10:
                cut = len(data) // 2
                data = gzip.compress(data[:cut], mtime=0) + gzip.compress(data[cut:], mtime=0)
            elif name != "b/f.ndjson.gz" or rng.random() < 0.8:
                data = gzip.compress(data, mtime=0)
            # else: a .gz name holding plain text (gzip is detected by magic bytes only)
        with open(path, "wb") as f:
            f.write(data)

    catalog = [{k: v for k, v in wf.items() if not k.startswith("_")} for wf in workflows]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "workflows.json"), "w", encoding="utf-8") as f:
        json.dump(catalog, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
