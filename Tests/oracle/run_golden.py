#!/usr/bin/env python3
"""Checks Fixtures/golden/* against the oracle (default) or a stepexport binary.

  run_golden.py                      # the oracle must reproduce every golden case
  run_golden.py --stepexport PATH    # the Swift CLI must too (export ... --output -)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.normpath(os.path.join(HERE, "..", "..", "Fixtures"))
EXIT = {0: 200, 40: 400, 44: 404, 46: 406, 50: 500}


def run_case(case, stepexport):
    dump = os.path.join(FIX, "dumps", case["dump"])
    text = case["payload_text"] if "payload_text" in case else json.dumps(case["payload"])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(text)
    common = ["--dump", dump, "--org", case["org"], "--workflow", case["workflow"], "--step", case["step"],
              "--payload", f.name] + case["flags"]
    if stepexport:
        cmd = [stepexport, "export"] + common + ["--output", "-", "--quiet"]
    else:
        cmd = [sys.executable, os.path.join(HERE, "reference.py")] + common
    r = subprocess.run(cmd, capture_output=True)
    os.unlink(f.name)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stepexport")
    a = ap.parse_args()
    failed = 0
    names = sorted(os.listdir(os.path.join(FIX, "golden")))
    for name in names:
        d = os.path.join(FIX, "golden", name)
        case = json.load(open(os.path.join(d, "case.json"), encoding="utf-8"))
        r = run_case(case, a.stepexport)
        status = EXIT.get(r.returncode, r.returncode)
        problem = None
        if os.path.exists(os.path.join(d, "expected.csv")):
            want = open(os.path.join(d, "expected.csv"), "rb").read()
            if status != 200 or r.stdout != want:
                problem = "status %s, output differs" % status
        else:
            want = json.load(open(os.path.join(d, "expected.json"), encoding="utf-8"))
            if status != want["status"]:
                problem = "status %s, want %s" % (status, want["status"])
            elif not a.stepexport and status == 500:
                pass  # the oracle prints a location, not a body; make_fixtures.py checked it
            else:
                # The body is the last line that starts with `{` (a `hint:` line may follow it).
                bodies = [l for l in r.stderr.decode("utf-8", "replace").splitlines() if l.startswith("{")]
                body = bodies[-1] if bodies else ""
                if "body" in want and body != want["body"]:
                    problem = "body %r" % body
                if "body_prefix" in want and not body.startswith(want["body_prefix"]):
                    problem = "body %r" % body
                if "body_contains" in want and want["body_contains"] not in body:
                    problem = "body %r" % body
        if problem:
            failed += 1
            print("FAIL %s: %s" % (name, problem))
    print("%d/%d golden cases pass" % (len(names) - failed, len(names)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
