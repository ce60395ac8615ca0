#!/usr/bin/env python3
"""Turns one run of bench/run.sh (its results.txt) into a Markdown table, one row
per measure: date, commit, backend, measure, value, limit, ratio, target, notes.
Written to its own file (bench/run.sh: target/bench/table.md); the figures that
changed go into the current table of docs/benchmarks.md by hand, and earlier
runs stay in git."""
import re, sys

results, note, out = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(results, encoding="utf-8").read().splitlines()
head = lines[0]
date = re.search(r"# (\S+)", head).group(1)
commit = re.search(r"commit (\S+)", head).group(1)
mode = re.search(r"QUICK=(\S+) dur=(\S+) province=(\S+)", head)
mode_txt = f"{'QUICK' if mode.group(1) == '1' else 'full'}, {mode.group(2)}/URL, province {mode.group(3)}"
kv = lambda s: dict(re.findall(r"(\w+)=(\S+)", s))
data = {}
for l in lines[1:]:
    if l.startswith("#"):
        continue
    parts = l.split(" ", 3)
    b, what = parts[0], parts[1]
    if what == "http":
        data[(b, "http", parts[2])] = kv(parts[3])
    elif what in ("county", "province", "province-build"):
        data[(b, what, parts[2])] = kv(l)
    elif what in ("import", "server"):
        data.setdefault((b, what), {}).update(kv(l))
    else:
        data.setdefault((b, "warn"), []).append(l)

rows = []
def row(b, measure, value, limit="", ratio="", target=""):
    rows.append(f"| {date} | {commit} | {b} | {measure} | {value} | {limit} | {ratio} | {target} | {mode_txt}; {note} |")

for b in sorted({k[0] for k in data}):
    g = lambda *k: data.get((b,) + k, {})
    i = g("import")
    if i:
        row(b, "import county-year (rows/s, peak RSS)", f"{i['rows_per_s']} rows/s ({i['rows']} rows, {i['seconds']} s), {i['peak_rss_mb']} MB", "", "", "≥ 20,000 rows/s")
    for scope, tgt in (("county", "≤ 50 ms, ≤ 3× raw SQL"), ("province", "≤ 2 s on PostgreSQL")):
        s, r = g(scope, "stats"), g(scope, "raw_sql")
        if s:
            ratio = f"{float(s['median_ms']) / float(r['median_ms']):.1f}×" if r else ""
            row(b, f"{scope}-year statistics median / p95 (ms)", f"{s['median_ms']} / {s['p95_ms']}",
                f"raw SQL {r.get('median_ms', '?')}", ratio, tgt)
        sc = g(scope, "stats_cached")
        if sc:
            row(b, f"{scope}-year statistics, cached (unchanged data) median / p95 (ms)",
                f"{sc['median_ms']} / {sc['p95_ms']}", f"raw SQL {r.get('median_ms', '?')}",
                f"{float(sc['median_ms']) / float(r['median_ms']):.3f}×" if r else "", tgt)
        for fmt in ("html", "docx"):
            v = g(scope, f"review_{fmt}")
            row(b, f"{scope}-year review {fmt.upper()} median / p95 (ms)",
                f"{v['median_ms']} / {v['p95_ms']}" if v else "pending", "", "", "")
    pb = g("province-build", "import")
    if pb:
        row(b, "province build (bench-data, rows/s)", f"{pb['rows_per_s']} rows/s ({pb['rows']} rows)", "", "", "")
    hello = g("http", "hello")
    for k in ("hello", "login", "home", "activities_p1", "activities_p50", "activities_pages", "activity_detail", "stats_api", "people_search", "people_search_varied"):
        h = g("http", k)
        if not h:
            continue
        ratio = f"{float(h['rps']) / float(hello['rps']) * 100:.0f}% of hello" if hello and k != "hello" else ""
        row(b, f"HTTP {k} (req/s, p50, p99, errors)", f"{h['rps']}, {h['p50_ms']} ms, {h['p99_ms']} ms, {h['errors']}",
            f"hello {hello.get('rps', '?')} req/s" if k != "hello" else "", ratio,
            "≥ 5,000 req/s, p99 ≤ 50 ms, ≥ 25% of hello, 0 errors" if k.startswith("activit") else "0 errors")
    cold = g("http", "people_search_cold")
    if cold:
        row(b, "people search, first (uncached) request of 30 names, one at a time (ms)",
            f"p50 {cold['p50_ms']}, p95 {cold['p95_ms']}", "", "", "")
    for k in sorted((x[2] for x in data if x[0] == b and x[1] == "http" and x[2].startswith("ceiling")),
                    key=lambda k: int(k.rsplit("c", 1)[1])):
        h = g("http", k)
        row(b, f"ceiling: activity list at {k[9:]} connections", f"{h['rps']} req/s, p99 {h['p99_ms']} ms, {h['errors']} errors", "", "", "p99 ≤ 200 ms")
    for k, what in (("province_activities_p1", "province admin's activity list, page 1"),
                    ("province_stats_api", "province-year stats API")):
        h = g("http", k)
        if h:
            row(b, f"HTTP {what} (req/s, p50, p99, errors)", f"{h['rps']}, {h['p50_ms']} ms, {h['p99_ms']} ms, {h['errors']}",
                f"hello {hello.get('rps', '?')} req/s", f"{float(h['rps']) / float(hello['rps']) * 100:.0f}% of hello" if hello else "", "0 errors")
    for k in sorted((x[2] for x in data if x[0] == b and x[1] == "http" and x[2].startswith("province_ceiling")),
                    key=lambda k: int(k.rsplit("c", 1)[1])):
        h = g("http", k)
        row(b, f"ceiling, province database: activity list at {k.rsplit('c', 1)[1]} connections",
            f"{h['rps']} req/s, p99 {h['p99_ms']} ms, {h['errors']} errors", "", "", "p99 ≤ 200 ms")
    srv = g("server")
    if srv:
        row(b, "server peak RSS under load (MB)", srv["peak_rss_mb"], "", "", "≤ 150 MB")
        if "province_peak_rss_mb" in srv:
            row(b, "server peak RSS, province database (MB)", srv["province_peak_rss_mb"], "", "", "≤ 150 MB")
    for w in data.get((b, "warn"), []):
        row(b, "warning", w.split(" ", 1)[1])

header = ["| date | commit | backend | measure | value | limit | ratio | target | notes |",
          "|---|---|---|---|---|---|---|---|---|"]
open(out, "w", encoding="utf-8").write("\n".join(header + rows) + "\n")
print(f"{len(rows)} rows written to {out}")
