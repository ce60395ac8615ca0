-- wrk script: every request carries the session cookie of a logged-in user
-- (BENCH_COOKIE, "name=value"). A 3xx (e.g. a redirect to /login) counts as
-- an error too: run.sh checks each URL answers 200 before loading it.
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") or ""
function done(summary, latency, requests)
  io.write(string.format("BENCH_WRK rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout + summary.errors.status))
end
