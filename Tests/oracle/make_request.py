#!/usr/bin/env python3
"""Seeded random valid request for a dump made by make_dump.py (or any well-formed dump).

  make_request.py --seed S --dump DIR

Prints one JSON line: {"org":..,"workflow":..,"step":"2","payload":{...}}. The request passes
SPEC §3.1-3.3 and §3.6 (only implemented filter properties); it may still be a 404 (§3.4-3.5):
sometimes an unknown step of a workflow with `steps`, or another org.
"""

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402

PROPS = ["action", "label", "visitor_id", "session_id", "flow_id", "room_id", "geo_country", "geo_city",
         "device_type", "browser_name", "os_name"]
ZONES = ["UTC", "Europe/Helsinki", "America/New_York", "Asia/Kolkata", "Australia/Adelaide", "Asia/Kathmandu",
         "America/St_Johns"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--dump", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    catalog = reference.read_catalog(a.dump)
    events, _, _ = reference.read_events(a.dump, skip_invalid=True)
    wf = rng.choice(catalog)
    org, wid = wf["org_id"], wf["id"]
    if rng.random() < 0.2:
        wid = wid.swapcase()
    if rng.random() < 0.2:
        org = org.upper()
    if rng.random() < 0.03:
        org = "00000000-0000-0000-0000-000000000000"
    maxstep = max(wf["steps"]) if wf["steps"] else 5
    step = rng.randint(0, maxstep + (1 if rng.random() < 0.1 else 0))
    wf_type = wf["type"]

    def pool(prop):
        vals = []
        for ev in events:
            v = reference.identifier(ev, wf_type) if prop == "action" else ev.get(reference.FILTER_KEY[prop])
            if v is not None:
                vals.append(v)
        return sorted(set(vals)) or ["none"]

    payload = {}
    filters = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        prop = rng.choice(PROPS)
        vals = pool(prop)
        chosen = rng.sample(vals, min(len(vals), rng.randint(1, 3)))
        if rng.random() < 0.1:
            chosen.append("no-such-value")
        filters.append({"property": prop, "values": chosen})
    payload["filters"] = filters
    if rng.random() < 0.7:
        step_data = [{}]
        for k in range(1, step + 1 + rng.randint(0, 1)):
            r = rng.random()
            if r < 0.2:
                step_data.append({})
            elif r < 0.3:
                step_data.append({"actions": []})
            else:
                ids = sorted({reference.identifier(ev, wf_type) for ev in events
                              if ev["_step"] == k and reference.identifier(ev, wf_type) is not None}) or ["x"]
                step_data.append({"actions": rng.sample(ids, min(len(ids), rng.randint(1, 4)))})
        if rng.random() < 0.2:
            step_data[0] = {"actions": ["ignored"]}
        payload["step_data"] = step_data
    start = rng.choice(["2023-03-10T00:00:00Z", "2023-03-09T22:00:00-02:00", "2023-03-12 00:00",
                        "2023-03-15T12:30:00.5+02:00", "2000-01-01T00:00:00Z"])
    end = rng.choice(["2023-04-01T00:00:00Z", "2023-03-25T00:00:00.000000001Z", "2023-03-28 12:00:00+03:00",
                      "2030-01-01T00:00"])
    payload["interval"] = {"start": start, "end": end}
    if rng.random() < 0.4:
        payload["interval"]["time_zone"] = rng.choice(ZONES)
    if rng.random() < 0.35:
        payload["target"] = rng.choice(["default", "triggered_goal", "triggered_goal"])
    if rng.random() < 0.3:
        payload["limit"] = rng.choice([1, 2, 5, 20, "3", 1000])
    payload["format"] = "csv"
    print(json.dumps({"org": org, "workflow": wid, "step": str(step), "payload": payload}, ensure_ascii=False))


if __name__ == "__main__":
    main()
