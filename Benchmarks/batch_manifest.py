#!/usr/bin/env python3
"""Writes a SPEC §10 batch manifest of JOBS requests against a generated dump, and a TSV of the same
jobs for running them one by one: steps 1 and 2 of the catalog's workflows in catalog order (the
write-heavy workflow left out: one such job would be most of the batch's time), every fourth job
as xlsx, the whole month as interval.

    batch_manifest.py DUMP OUT_DIR JOBS MANIFEST JOBS_TSV
"""
import json
import os
import sys


def main():
    dump, out_dir, count, manifest_path, tsv_path = sys.argv[1:6]
    count = int(count)
    with open(os.path.join(dump, "workflows.json")) as f:
        workflows = json.load(f)
    with open(os.path.join(dump, "requests", "index.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    header = rows[0]
    write_heavy = next(r for r in rows[1:] if r[0] == "write-heavy")[header.index("workflow_id")]
    jobs = []
    for w in workflows:
        if w["id"] == write_heavy:
            continue
        for step in (1, 2):
            if len(jobs) == count:
                break
            if not any(s["index"] == step for s in w.get("steps") or []):
                continue
            fmt = "xlsx" if len(jobs) % 4 == 3 else "csv"
            jobs.append({
                "organization_id": w["org_id"], "workflow_id": w["id"], "step_index": step,
                "payload": {"filters": [], "format": fmt,
                            "interval": {"start": "2022-11-01T00:00:00Z", "end": "2022-12-01T00:00:00Z"}},
                "output": os.path.join(out_dir, f"job{len(jobs):02d}.{fmt}"),
            })
    if len(jobs) < count:
        sys.exit(f"the catalog has only {len(jobs)} such jobs, not {count}")
    with open(manifest_path, "w") as f:
        json.dump({"dump": os.path.abspath(dump), "jobs": jobs}, f, indent=1)
    with open(tsv_path, "w") as f:
        for i, j in enumerate(jobs):
            payload = os.path.join(os.path.dirname(tsv_path), f"job{i:02d}.json")
            with open(payload, "w") as p:
                json.dump(j["payload"], p)
            f.write("\t".join([j["organization_id"], j["workflow_id"], str(j["step_index"]), payload, j["output"]]) + "\n")


if __name__ == "__main__":
    main()
