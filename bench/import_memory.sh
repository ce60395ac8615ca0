#!/usr/bin/env bash
# Peak memory of ledger imports (issue 19, point 1): a county-year workbook of
# 10^5 rows accepted, each bomb refused (CLI, /usr/bin/time -v), and four bombs
# uploaded at once to one server (its VmHWM). The bombs are built here, by
# Python's zlib, and never stored in git. Knobs: BIN (default the dev build),
# WORK (default target/bench-import). Prints BENCH lines; see docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/debug/jinguo}
# Address-space guard per process (KB), so a regression fails instead of
# taking the machine down; jemalloc reserves well below this.
GUARD_KB=${GUARD_KB:-4000000}
WORK=${WORK:-target/bench-import}
PORT=${PORT:-18090}
rm -rf "$WORK"; mkdir -p "$WORK/bombs"

python3 - "$WORK/bombs" <<'PY'
import sys, zipfile, zlib, os
out = sys.argv[1]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
def xlsx(path, sheet_data, shared=None):
    z = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    z.writestr("_rels/.rels", f'<Relationships xmlns="{REL}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{REL}"><Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    if callable(sheet_data):
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            sheet_data(f)
    else:
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>{sheet_data}</sheetData></worksheet>')
    if shared:
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            shared(f)
    z.close()
# 1. Sparse: A1 and XFD1048576 only (under 3 KB).
xlsx(f"{out}/sparse.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
# 2. Shared strings: ~800 MB unpacked.
def sst(f):
    n = 20_000_000
    f.write(f'<sst xmlns="{MAIN}" count="{n}" uniqueCount="{n}">'.encode())
    chunk = b"<si><t>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</t></si>" * 100_000
    for _ in range(n // 100_000):
        f.write(chunk)
    f.write(b"</sst>")
xlsx(f"{out}/shared.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', sst)
# 3. 活动.csv of ~900 MB of commas in a zip.
with zipfile.ZipFile(f"{out}/commas.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open("活动.csv", "w", force_zip64=True) as f:
        f.write("活动编号,活动名称\n".encode())
        block = b"," * (1 << 20)
        for _ in range(900):
            f.write(block)
        f.write(b"x\n")
# 4. 2,000,000 tiny rows, as an xlsx (plain CSV: see the security test).
def rows(f):
    f.write(f'<worksheet xmlns="{MAIN}"><dimension ref="A1:A2000001"/><sheetData>'.encode())
    f.write('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'.encode())
    for r in range(2, 2_000_002):
        f.write(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>'.encode())
    f.write(b"</sheetData></worksheet>")
xlsx(f"{out}/rows.xlsx", rows)
# 5. A zip in a zip.
with zipfile.ZipFile(f"{out}/inner.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("人员.csv", "姓名\n王芳\n")
with zipfile.ZipFile(f"{out}/nested.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write(f"{out}/inner.zip", "里层.zip")
os.remove(f"{out}/inner.zip")
# 6. 600,000 empty entries (52 MB): the zip reader's own table.
with zipfile.ZipFile(f"{out}/entries.zip", "w", zipfile.ZIP_STORED) as z:
    for i in range(600_000):
        z.writestr(zipfile.ZipInfo(str(i)), b"")
PY

peak() { # label, command...: prints the BENCH line of peak RSS (MB) and exit code
  local label=$1; shift
  local rc=0
  (ulimit -v "$GUARD_KB"; exec /usr/bin/time -v "$@") > "$WORK/out.txt" 2> "$WORK/time.txt" || rc=$?
  local kb; kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
  local msg; msg=$(grep -m1 -o '超出导入限制：[^。]*' "$WORK/time.txt" "$WORK/out.txt" 2>/dev/null | head -1 | cut -d: -f2- || true)
  echo "BENCH import_memory $label peak_rss_mb=$((kb / 1024)) exit=$rc size=$(du -k "${@: -1}" | cut -f1)KB ${msg}"
}

DATA="$WORK/data"; mkdir -p "$DATA"
"$BIN" --data "$DATA" migrate >/dev/null
"$BIN" bench-data --counties 1 --out "$WORK/csv" > /dev/null
rows=$(( $(cat "$WORK"/csv/county-001/*.csv | wc -l) + $(ls "$WORK"/csv/county-001 | grep -c "\.png$") ))
peak "accept_county_${rows}_lines_and_photos" "$BIN" --data "$DATA" import "$WORK/csv/county-001"
# The same county as one .xlsx, every cell a shared string as Excel writes it
# (`jinguo export` of a whole county fails on SQLite today: too many SQL
# variables), read back as a dry run.
python3 - "$WORK/csv/county-001" "$WORK/county.xlsx" <<'PY'
import sys, csv, glob, os, zipfile
from xml.sax.saxutils import escape
src, out = sys.argv[1], sys.argv[2]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
strings, index, sheets = [], {}, []
def col(n):
    s = ""
    while n: n, r = divmod(n - 1, 26); s = chr(65 + r) + s
    return s
for path in sorted(glob.glob(f"{src}/*.csv")):
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for r, rec in enumerate(csv.reader(f), 1):
            cells = []
            for c, v in enumerate(rec, 1):
                if v == "": continue
                i = index.setdefault(v, len(strings))
                if i == len(strings): strings.append(v)
                cells.append(f'<c r="{col(c)}{r}" t="s"><v>{i}</v></c>')
            rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheets.append((os.path.basename(path)[:-4], "".join(rows)))
z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
z.writestr("_rels/.rels", f'<Relationships xmlns="{REL}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>' + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _) in enumerate(sheets, 1)) + "</sheets></workbook>")
z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{REL}">' + "".join(f'<Relationship Id="rId{i}" Type="{DOC}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1)) + "</Relationships>")
for i, (_, data) in enumerate(sheets, 1):
    z.writestr(f"xl/worksheets/sheet{i}.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>')
z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}" uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
z.close()
PY
peak "accept_county_xlsx_$(( rows - $(ls "$WORK"/csv/county-001 | grep -c "\.png$") ))_lines_dry_run" "$BIN" --data "$DATA" import --dry-run "$WORK/county.xlsx"
"$BIN" --data "$DATA" bench-data --counties 0 >/dev/null   # the bench account (after its county)
for b in sparse.xlsx shared.xlsx commas.zip rows.xlsx nested.zip entries.zip; do
  peak "refuse_$b" "$BIN" --data "$DATA" import --dry-run "$WORK/bombs/$b"
done

# Four bombs at once through one server.
(ulimit -v "$GUARD_KB"; exec "$BIN" --data "$DATA" --listen 127.0.0.1:$PORT serve) > "$WORK/serve.log" 2>&1 & SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && break; sleep 0.1; done
cookie=$(curl -s -D - -o /dev/null -H "Origin: http://127.0.0.1:$PORT" \
  --data-urlencode username=bench --data-urlencode 'password=Load#Test2020x' "http://127.0.0.1:$PORT/login" \
  | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip' | tr -d '\r' | head -1)
[ -n "$cookie" ] || { echo "login failed" >&2; exit 1; }
base=$(sed -n 's/VmRSS:\s*\([0-9]*\).*/\1/p' /proc/$SERVER/status)
pids=()
for b in shared.xlsx commas.zip rows.xlsx sparse.xlsx; do
  curl -s -o "$WORK/up-$b.html" -w "%{http_code}\n" -H "Origin: http://127.0.0.1:$PORT" -H "Cookie: $cookie" \
    -F "file=@$WORK/bombs/$b" "http://127.0.0.1:$PORT/ledger/import" > "$WORK/code-$b" & pids+=($!)
done
wait "${pids[@]}"
# Queued ones finish in the background: poll until each page is final.
for b in shared.xlsx commas.zip rows.xlsx sparse.xlsx; do
  for _ in $(seq 300); do
    url=$(grep -o 'hx-get="/ledger/import/[0-9a-f]*/status"' "$WORK/up-$b.html" | head -1 | cut -d'"' -f2 || true)
    [ -z "$url" ] && break
    curl -s -o "$WORK/up-$b.html" -H "Cookie: $cookie" "http://127.0.0.1:$PORT$url"; sleep 0.2
  done
  echo "BENCH import_memory server_refused_$b $(grep -c '超出导入限制' "$WORK/up-$b.html") first_http=$(cat "$WORK/code-$b")"
done
hwm=$(sed -n 's/VmHWM:\s*\([0-9]*\).*/\1/p' /proc/$SERVER/status)
echo "BENCH import_memory server_four_bombs_at_once peak_rss_mb=$((hwm / 1024)) before_mb=$((base / 1024))"
