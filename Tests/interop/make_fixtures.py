#!/usr/bin/env python3
"""Writes the .xlsx fixtures of the reader tests (XLSXReaderTests, InteropTests).

Usage: make_fixtures.py KIND OUT.xlsx
  openpyxl     a workbook made by openpyxl: inline strings, numbers, booleans, dates with
               milliseconds (format yyyy-mm-dd hh:mm:ss.000), skipped cells and rows, two sheets
  handmade     a package written part by part with zipfile: shared strings (rich runs, phonetic
               runs, _xHHHH_ escapes), inline strings, cells without references, a sheet without
               <dimension>, built-in and custom date formats, booleans, t="str"/"e", sheets in a
               different order from their part names, an absolute relationship target
  handmade1904 the same with <workbookPr date1904="1"/>
  zip64        a small zip whose entries use zip64 extra fields and zip64 end records
  duplicate    a zip with two entries of the same name

The expected values live in the Swift tests; keep both in step.
"""

import datetime
import sys
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def openpyxl_fixture(out):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Step 2"
    fmt = "yyyy-mm-dd hh:mm:ss.000"
    ws.append(["event_id", "timestamp", "value", "label", "flag"])
    rows = [
        ["e1", datetime.datetime(2024, 1, 2, 3, 4, 5, 678000), 42, "plain", True],
        ["e2, comma", datetime.datetime(1900, 3, 1, 0, 0, 0), 1.5, 'quote " inside', False],
        ["line\nbreak", datetime.datetime(2023, 12, 31, 23, 59, 59, 999000), -0.25, " lead space", None],
        ["unicod\u00e9 \u2713 \U0001F600", None, 12345678901234, "tab\there", None],
    ]
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row, min_col=2, max_col=2):
        for c in row:
            c.number_format = fmt
    ws.cell(row=7, column=2, value="after gap")   # row 6 empty, A7 empty
    ws.cell(row=7, column=4, value=0.1)
    ws2 = wb.create_sheet("Step 2 (2)")
    ws2.append(["event_id", "timestamp", "value"])
    ws2.append(["e9", datetime.datetime(2024, 2, 29, 12, 0, 0, 1000), 7])
    ws2["B2"].number_format = fmt
    wb.save(out)


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""

ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG_REL}">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""

WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG_REL}">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss.000"/><numFmt numFmtId="165" formatCode="&quot;Day &quot;0"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

SHARED = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{MAIN}" count="9" uniqueCount="9">
<si><t>hello</t></si>
<si><r><t>Bold</t></r><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve"> part</t></r></si>
<si><t>\u6f22\u5b57</t><rPh sb="0" eb="2"><t>\u304b\u3093\u3058</t></rPh><phoneticPr fontId="0"/></si>
<si><t>a_x000D_b</t></si>
<si><t>_x005F_x000D_</t></si>
<si><t>ctl_x0001_x</t></si>
<si><t/></si>
<si><t>&lt;tag&gt; &amp; _x000d_ end</t></si>
<si><t xml:space="preserve">  two spaces  </t></si>
</sst>"""

# Sheet "Zeta" (part sheet2.xml): no <dimension>; width comes from H8.
ZETA = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}" xmlns:r="{REL}">
<sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>
<row r="3"><c t="s"><v>2</v></c><c t="s"><v>3</v></c><c t="s"><v>4</v></c><c t="s"><v>5</v></c></row>
<row r="4"><c r="B4" s="1"><v>45293.12784349537</v></c><c r="C4" s="2"><v>61</v></c><c r="D4" s="3"><v>7</v></c><c r="E4" s="4"><v>3.14159</v></c><c r="F4"><v>1E-3</v></c><c r="G4" s="1"/></row>
<row r="5"><c r="A5" t="b"><v>1</v></c><c r="B5" t="b"><v>0</v></c><c r="C5" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="D5" t="e"><v>#N/A</v></c><c r="E5" t="s"><v>6</v></c><c r="F5" t="s"><v>7</v></c><c r="G5" t="inlineStr"><is><t>inline</t></is></c></row>
<row r="6"/>
<row r="8"><c r="H8" t="s"><v>8</v></c></row>
</sheetData>
</worksheet>"""

# Sheet "Alpha" (part sheet1.xml): <dimension> says D; inline strings with runs and escapes.
ALPHA = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}" xmlns:r="{REL}">
<dimension ref="A1:D3"/>
<sheetViews><sheetView workbookViewId="0"/></sheetViews>
<sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>value</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><r><t>ri</t></r><r><rPr><i/></rPr><t>ch</t></r></is></c><c r="B2"><v>-12.5</v></c></row>
<row r="3"><c r="B3" t="inlineStr"><is><t>_x0041__x005F_x0041_</t></is></c><c r="C3" t="inlineStr"><is><t>x_x000D__x000A_y</t></is></c></row>
</sheetData>
</worksheet>"""


def workbook(date1904):
    pr = '<workbookPr date1904="1"/>' if date1904 else '<workbookPr/>'
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}">
{pr}
<bookViews><workbookView/></bookViews>
<sheets><sheet name="Zeta" sheetId="1" r:id="rId2"/><sheet name="Alpha" sheetId="2" r:id="rId1"/></sheets>
</workbook>"""


def handmade_fixture(out, date1904=False):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook(date1904))
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/sharedStrings.xml", SHARED)
        z.writestr("xl/worksheets/sheet1.xml", ALPHA)
        z.writestr("xl/worksheets/sheet2.xml", ZETA)


def zip64_fixture(out):
    # Lowering the limits makes zipfile write zip64 extra fields and end records for small data.
    zipfile.ZIP64_LIMIT = 16
    zipfile.ZIP_FILECOUNT_LIMIT = 1
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", "hello zip64 " * 100)
        z.writestr("b.bin", bytes(range(256)) * 4, compress_type=zipfile.ZIP_STORED)


def duplicate_fixture(out):
    import warnings
    warnings.simplefilter("ignore")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.txt", "first")
        z.writestr("x.txt", "second")


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "openpyxl":
        openpyxl_fixture(out)
    elif kind == "handmade":
        handmade_fixture(out)
    elif kind == "handmade1904":
        handmade_fixture(out, date1904=True)
    elif kind == "zip64":
        zip64_fixture(out)
    elif kind == "duplicate":
        duplicate_fixture(out)
    else:
        sys.exit("unknown fixture kind " + kind)


if __name__ == "__main__":
    main()
