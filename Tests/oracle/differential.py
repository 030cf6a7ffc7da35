#!/usr/bin/env python3
"""Differential test: stepexport must answer random requests on random dumps exactly as the oracle.

  differential.py --stepexport PATH [--seeds 50] [--events 400] [--requests 5] [--bad 0]

For each dump seed: make_dump.py, then for each request seed make_request.py; runs both and
compares exit status and CSV bytes (for 500 the oracle's file:line must appear in the Swift body).
With --bad K, malformed lines are inserted and every request also runs with --skip-invalid.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXIT = {0: 200, 40: 400, 44: 404, 46: 406, 50: 500}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stepexport", required=True)
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--events", type=int, default=400)
    ap.add_argument("--requests", type=int, default=5)
    ap.add_argument("--bad", type=int, default=0)
    a = ap.parse_args()
    failures = runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, a.seeds + 1):
            dump = os.path.join(tmp, "dump%d" % seed)
            subprocess.run([sys.executable, os.path.join(HERE, "make_dump.py"), "--seed", str(seed), "--events",
                            str(a.events), "--out", dump, "--bad", str(a.bad)], check=True)
            for rs in range(1, a.requests + 1):
                req = json.loads(subprocess.run([sys.executable, os.path.join(HERE, "make_request.py"), "--seed",
                                                 str(rs), "--dump", dump], check=True, capture_output=True).stdout)
                payload = os.path.join(tmp, "payload.json")
                with open(payload, "w", encoding="utf-8") as f:
                    json.dump(req["payload"], f, ensure_ascii=False)
                args = ["--dump", dump, "--org", req["org"], "--workflow", req["workflow"], "--step", req["step"],
                        "--payload", payload]
                for extra in ([[]] + ([["--skip-invalid"]] if a.bad else [])):
                    runs += 1
                    o = subprocess.run([sys.executable, os.path.join(HERE, "reference.py")] + args + extra,
                                       capture_output=True)
                    s = subprocess.run([a.stepexport, "export"] + args + extra + ["--output", "-", "--quiet"],
                                       capture_output=True)
                    ok = EXIT.get(o.returncode) == EXIT.get(s.returncode)
                    if ok and o.returncode == 0:
                        ok = o.stdout == s.stdout
                    if ok and o.returncode == 50:
                        loc = json.loads(o.stdout)
                        where = loc["file"] if loc["line"] is None else "%s:%s" % (loc["file"], loc["line"])
                        ok = (where or "") in s.stderr.decode("utf-8", "replace")
                    if not ok:
                        failures += 1
                        print("MISMATCH dump seed %d request seed %d %s: oracle rc %d, stepexport rc %d"
                              % (seed, rs, " ".join(extra), o.returncode, s.returncode))
    print("%d/%d runs agree" % (runs - failures, runs))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
