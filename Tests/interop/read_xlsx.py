#!/usr/bin/env python3
"""Reads an .xlsx with real spreadsheet readers and prints what each one sees, normalized.

Usage: read_xlsx.py FILE.xlsx [--readers openpyxl,calamine,libreoffice] [--timeout SECONDS]

Prints one JSON object on standard output:

  {"file": "...",
   "readers": {
     "openpyxl":    {"status": "ok", "version": "3.1.5", "warnings": [...],
                     "sheets": [{"name": "Step 2", "rows": [["event_id", ...], ...]}]},
     "calamine":    {"status": "missing", "reason": "python_calamine is not installed"},
     "libreoffice": {"status": "error", "reason": "..."}}}

status is "ok", "missing" (the reader is not installed: the caller decides whether that fails)
or "error" (the reader is there but could not read the file: always a failure).

Cell values are normalized to strings so they can be compared cell by cell:
  - empty / None -> ""
  - str -> as is (no unescaping of _xHHHH_ or anything else: what the reader gives)
  - bool -> "TRUE" / "FALSE"
  - int, and float with an integral value below 1e15 -> decimal digits ("42", "-7")
  - other float -> repr (shortest round-trip: "1.5", "1e+300")
  - datetime -> "YYYY-MM-DD HH:MM:SS.mmm" (rounded to the millisecond); date -> "YYYY-MM-DD 00:00:00.000";
    time -> "HH:MM:SS.mmm"; timedelta -> total seconds as repr
Rows start at row 1 / column A; trailing empty cells of a row and trailing empty rows of a sheet
are dropped (readers disagree on padding).

LibreOffice has no types in its CSV output: its cells are the text it shows ("save cell contents
as shown"), read back with Python's csv module. It runs headless with a private profile under
/tmp (removed afterwards), so parallel runs do not clash.
"""

import argparse
import csv
import datetime
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
import xml.etree.ElementTree as ET

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def norm(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v == v and abs(v) < 1e15 and v == int(v):
            return str(int(v))
        return repr(v)
    if isinstance(v, datetime.datetime):
        us = v.microsecond
        ms = (us + 500) // 1000
        base = v.replace(microsecond=0)
        if ms == 1000:
            base += datetime.timedelta(seconds=1)
            ms = 0
        return base.strftime("%Y-%m-%d %H:%M:%S") + ".%03d" % ms
    if isinstance(v, datetime.date):
        return v.strftime("%Y-%m-%d") + " 00:00:00.000"
    if isinstance(v, datetime.time):
        ms = (v.microsecond + 500) // 1000
        return "%02d:%02d:%02d.%03d" % (v.hour, v.minute, v.second, min(ms, 999))
    if isinstance(v, datetime.timedelta):
        return repr(v.total_seconds())
    return str(v)


def trim(rows):
    out = []
    for r in rows:
        r = list(r)
        while r and r[-1] == "":
            r.pop()
        out.append(r)
    while out and not out[-1]:
        out.pop()
    return out


def sheet_names(path):
    """Worksheet names in workbook order, from xl/workbook.xml (standard library only)."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("xl/workbook.xml"))
    return [s.get("name") for s in root.iter("{%s}sheet" % MAIN_NS)]


def read_openpyxl(path):
    try:
        import openpyxl
    except ImportError as e:
        return {"status": "missing", "reason": "openpyxl is not installed (%s)" % e}
    caught = []
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        wb = openpyxl.load_workbook(path, data_only=True)
        sheets = []
        for ws in wb.worksheets:
            rows = []
            if ws.max_row >= 1 and ws.max_column >= 1:
                for r in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row,
                                      max_col=ws.max_column, values_only=True):
                    rows.append([norm(v) for v in r])
            sheets.append({"name": ws.title, "rows": trim(rows)})
        caught = [str(x.message) for x in w]
    return {"status": "ok", "version": openpyxl.__version__, "warnings": caught, "sheets": sheets}


def read_calamine(path):
    try:
        import python_calamine
    except ImportError as e:
        return {"status": "missing", "reason": "python_calamine is not installed (%s)" % e}
    wb = python_calamine.CalamineWorkbook.from_path(path)
    sheets = []
    for name in wb.sheet_names:
        sh = wb.get_sheet_by_name(name)
        data = sh.to_python(skip_empty_area=False)
        rows = [[norm(v) for v in r] for r in data]
        sheets.append({"name": name, "rows": trim(rows)})
    version = getattr(python_calamine, "__version__", "")
    return {"status": "ok", "version": version, "warnings": [], "sheets": sheets}


def read_libreoffice(path, timeout):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return {"status": "missing", "reason": "soffice (LibreOffice) is not on PATH"}
    names = sheet_names(path)
    work = tempfile.mkdtemp(prefix="stepexport-lo-")
    try:
        profile = os.path.join(work, "profile")
        outdir = os.path.join(work, "out")
        os.makedirs(outdir)
        # Tokens: separator ',', quote '"', UTF-8, line 1, -, language, quote-all false,
        # detect-special true, as shown true, formulas false, remove spaces false, all sheets (-1).
        fmt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
        cmd = [soffice, "--headless", "--norestore", "--nologo", "--nodefault",
               "-env:UserInstallation=file://" + profile,
               "--convert-to", fmt, "--outdir", outdir, os.path.abspath(path)]
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"status": "error", "reason": "soffice timed out after %ds" % timeout}
        produced = sorted(glob.glob(os.path.join(outdir, "*.csv")))
        if p.returncode != 0 or not produced:
            return {"status": "error", "reason": "soffice exit %d, no CSV: %s %s" % (
                p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))}
        stem = os.path.splitext(os.path.basename(path))[0]
        sheets = []
        for name in names:
            candidates = [os.path.join(outdir, "%s-%s.csv" % (stem, name))]
            if len(names) == 1:
                candidates.append(os.path.join(outdir, stem + ".csv"))
            found = next((c for c in candidates if os.path.exists(c)), None)
            if found is None:
                return {"status": "error", "reason": "no CSV for sheet %r among %s" % (
                    name, [os.path.basename(x) for x in produced])}
            with open(found, newline="", encoding="utf-8") as f:
                rows = [list(r) for r in csv.reader(f)]
            sheets.append({"name": name, "rows": trim(rows)})
        version = subprocess.run([soffice, "--version"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, timeout=timeout,
                                 env=dict(os.environ, HOME=work)).stdout.decode(errors="replace").strip()
        stderr = p.stderr.decode(errors="replace").strip()
        return {"status": "ok", "version": version, "warnings": [stderr] if stderr else [], "sheets": sheets}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--readers", default="openpyxl,calamine,libreoffice")
    ap.add_argument("--timeout", type=int, default=300)
    args = ap.parse_args()
    out = {"file": args.file, "readers": {}}
    for name in args.readers.split(","):
        try:
            if name == "openpyxl":
                r = read_openpyxl(args.file)
            elif name == "calamine":
                r = read_calamine(args.file)
            elif name == "libreoffice":
                r = read_libreoffice(args.file, args.timeout)
            else:
                r = {"status": "error", "reason": "unknown reader %r" % name}
        except Exception as e:  # a reader that cannot read the file
            r = {"status": "error", "reason": "%s: %s" % (type(e).__name__, e)}
        out["readers"][name] = r
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
