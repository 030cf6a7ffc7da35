#!/usr/bin/env python3
"""Writes the DuckDB SQL that answers one ready request of a generated dump (Benchmarks/compare.sh).

    duckdb_sql.py DUMP REQUEST OUT [--format csv|xlsx] [--excel-extension PATH]

REQUEST is a name from DUMP/requests/index.tsv (path-scan, write-heavy, ...). The SQL implements
SPEC §4 for what those requests use: workflow events (category, label and organization_id
compared case-insensitively, an integer dim5, timestamp in [start, end)), the identifier by
workflow type, the flow (dim1, else session_id, else visitor_id), the step_data path constraints,
and filters (target "default" only). It reads the events with read_ndjson (read_json with
format 'array' for a dump of `.json` array files) and an explicit column
list (DuckDB's fastest JSON form: no schema sampling, only the named keys are materialised),
orders by timestamp, then file name (DuckDB has no line number to break ties within a file,
which StepExport's dump position does; ties are rare in generated dumps), and writes the 31
columns of SPEC §5 with COPY ... TO (csv: CSV with a header; xlsx: the excel extension, with
numbers as numbers and the timestamp as a date).

Not covered: epoch-millisecond timestamps (the generator writes ISO strings only), the formula
guard (DuckDB writes cells as they are), time zones, limit, target triggered_goal.
"""
import argparse
import csv
import glob
import json
import os
import sys

COLUMNS = {
    "id": "VARCHAR", "timestamp": "TIMESTAMPTZ", "organization_id": "VARCHAR", "category": "VARCHAR",
    "label": "VARCHAR", "action": "VARCHAR", "dim1": "VARCHAR", "dim2": "VARCHAR", "dim4": "VARCHAR",
    "dim5": "VARCHAR", "value": "VARCHAR", "properties": "VARCHAR[]", "visitor_id": "VARCHAR",
    "session_id": "VARCHAR", "user_id": "VARCHAR", "page_url": "VARCHAR", "view_uid": "VARCHAR",
    "vendor": "VARCHAR", "source": "VARCHAR", "event_version": "BIGINT", "browser_name": "VARCHAR",
    "browser_version": "VARCHAR", "device_type": "VARCHAR", "device_screen_width": "BIGINT",
    "device_screen_height": "BIGINT", "geo_city": "VARCHAR", "geo_country": "VARCHAR",
    "ip_organization": "VARCHAR", "os_name": "VARCHAR", "os_version": "VARCHAR",
}
IDENTIFIER = {"giosg-default": "COALESCE(page_url, action)", "interaction": "COALESCE(view_uid, action)"}
FILTER_COLUMN = {"flow_id": "dim1", "room_id": "dim2"}


def q(s):
    return "'" + str(s).replace("'", "''") + "'"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dump")
    p.add_argument("request")
    p.add_argument("out")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--excel-extension")
    a = p.parse_args()

    with open(os.path.join(a.dump, "requests", "index.tsv"), newline="") as f:
        rows = {r["name"]: r for r in csv.DictReader(f, delimiter="\t")}
    r = rows[a.request]
    with open(os.path.join(a.dump, "requests", r["payload"])) as f:
        payload = json.load(f)
    with open(os.path.join(a.dump, "workflows.json")) as f:
        catalog = json.load(f)
    wf = next(w for w in catalog if w["id"].lower() == r["workflow_id"].lower()
              and w["org_id"].lower() == r["organization_id"].lower())
    n = int(r["step_index"])
    if payload.get("target", "default") != "default" or "limit" in payload or "time_zone" in payload["interval"]:
        sys.exit("duckdb_sql.py: only target default, no limit, no time_zone")

    ident = IDENTIFIER.get(wf["type"], "action")
    columns = "{" + ", ".join(f"{q(k)}: {q(v)}" for k, v in COLUMNS.items()) + "}"
    events = os.path.join(a.dump, "events")
    if glob.glob(os.path.join(events, "**", "*.json*"), recursive=True):
        # A dump of JSON array files (compare.sh's array layout).
        source = (f"read_json({q(os.path.join(events, '**', '*.json*'))}, format='array', columns={columns},"
                  " filename=true)")
    else:
        source = f"read_ndjson({q(os.path.join(events, '**', '*.ndjson*'))}, columns={columns}, filename=true)"
    where = (f"category = 'workflowReportingEvent' AND lower(label) = {q(wf['id'].lower())}"
             f" AND lower(organization_id) = {q(wf['org_id'].lower())}"
             f" AND \"timestamp\" >= TIMESTAMPTZ {q(payload['interval']['start'])}"
             f" AND \"timestamp\" < TIMESTAMPTZ {q(payload['interval']['end'])}")
    step = "TRY_CAST(dim5 AS BIGINT)"

    # Path constraints (SPEC §4): only for giosg-default and interaction.
    constraints = {}
    if wf["type"] in IDENTIFIER:
        for k, item in enumerate(payload.get("step_data") or []):
            if 1 <= k <= n and isinstance(item, dict) and item.get("actions"):
                constraints[k] = item["actions"]
    conditions = [f"step = {n}"]
    if n in constraints:
        conditions.append(f"ident IN ({', '.join(map(q, constraints[n]))})")
    earlier = [k for k in sorted(constraints) if k < n]
    for k in earlier:
        conditions.append(f"flow IN (SELECT flow FROM ev WHERE step = {k} AND ident IN ({', '.join(map(q, constraints[k]))}))")
    for flt in payload.get("filters", []):
        column = {"action": "ident"}.get(flt["property"], FILTER_COLUMN.get(flt["property"], flt["property"]))
        conditions.append(f"{column} IN ({', '.join(map(q, flt['values']))})")

    names = {s["index"]: s["name"] for s in wf.get("steps", [])}
    catalog_name = ("CASE step " + " ".join(f"WHEN {i} THEN {q(v)}" for i, v in sorted(names.items())) + " END") if names else "NULL"
    xlsx = a.format == "xlsx"
    select = ", ".join([
        "id AS event_id",
        "timezone('UTC', \"timestamp\") AS \"timestamp\"" if xlsx else
        "strftime(\"timestamp\", '%Y-%m-%dT%H:%M:%S.%gZ') AS \"timestamp\"",
        "organization_id", f"{q(wf['id'])} AS workflow_id", "step AS step_index",
        f"COALESCE(NULLIF(dim4, ''), {catalog_name}) AS step_name",
        "category", "label", "action", "page_url", "view_uid", "dim1 AS flow_id", "dim2 AS room_id",
        "visitor_id", "session_id", "user_id",
        "TRY_CAST(value AS DOUBLE) AS value" if xlsx else "value",
        "array_to_string(properties, '; ') AS properties",
        "vendor", "source", "event_version", "browser_name", "browser_version", "device_type",
        "device_screen_width", "device_screen_height", "geo_city", "geo_country", "ip_organization",
        "os_name", "os_version",
    ])
    derived = (f"SELECT *, {step} AS step, {ident} AS ident, "
               "COALESCE(NULLIF(dim1, ''), NULLIF(session_id, ''), NULLIF(visitor_id, '')) AS flow, "
               f"\"timestamp\" AS ts_ FROM {source} WHERE {where} AND {step} IS NOT NULL")
    if earlier:
        # The events are needed twice (step rows, and the flows of earlier steps): read them once.
        query = (f"WITH ev AS MATERIALIZED ({derived}) "
                 f"SELECT {select} FROM ev WHERE {' AND '.join(conditions)} ORDER BY ts_, filename")
    else:
        query = f"SELECT {select} FROM ({derived}) WHERE {' AND '.join(conditions)} ORDER BY ts_, filename"

    out = []
    out.append("SET autoinstall_known_extensions = false;")
    out.append("SET autoload_known_extensions = false;")
    out.append("SET TimeZone = 'UTC';")
    if xlsx:
        if not a.excel_extension:
            sys.exit("duckdb_sql.py: --excel-extension PATH is needed for xlsx")
        out.append(f"LOAD {q(a.excel_extension)};")
        out.append(f"COPY ({query}) TO {q(a.out)} (FORMAT xlsx, HEADER true);")
    else:
        out.append(f"COPY ({query}) TO {q(a.out)} (FORMAT csv, HEADER true);")
    print("\n".join(out))


if __name__ == "__main__":
    main()
