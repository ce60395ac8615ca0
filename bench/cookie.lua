-- wrk script: every request carries the session cookie of a logged-in user
-- (BENCH_COOKIE, "name=value"). A 3xx (e.g. a redirect to /login) counts as
-- an error too: run.sh checks each URL answers 200 before loading it.
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") or ""

-- BENCH_PATHS (one path per line in a file): each request takes the next one,
-- so a measure can't be answered from one cached page (e.g. 200 different
-- name searches, or pages 1..200 of a list).
local paths = {}
local file = os.getenv("BENCH_PATHS")
if file and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then paths[#paths + 1] = line end
  end
end
local n = 0
function request()
  if #paths == 0 then return wrk.format(nil) end
  n = n % #paths + 1
  return wrk.format(nil, paths[n])
end
function done(summary, latency, requests)
  io.write(string.format("BENCH_WRK rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout + summary.errors.status))
end
