#!/usr/bin/env python3
"""One request at a time against a running `kpolicy serve`: for each query of
scripts/bench_queries.tsv (with its region filter), the median time of RUNS requests of each
kind — a search, newest first, the feed, a date range — and the mean of the medians.

    kpolicy serve --index /tmp/bench/index --port 7795 &
    python3 scripts/serve_latency.py http://127.0.0.1:7795 [RUNS]

Standard library only. Times include the HTTP round trip on loopback.
"""

import os
import statistics
import sys
import time
import urllib.parse
import urllib.request

KINDS = {
    "search": "/api/search?{p}",
    "newest": "/api/search?sort=newest&{p}",
    "feed": "/feed?{p}",
    "dates": "/api/search?from=2022-01-01&to=2022-06-30&{p}",
}


def main():
    base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:7700"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    tsv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_queries.tsv")
    queries = []
    for line in open(tsv, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        p = "q=" + urllib.parse.quote(cols[1])
        if len(cols) > 2 and cols[2]:
            p += "&region=" + urllib.parse.quote(cols[2])
        queries.append(p)

    def median_ms(url):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            with urllib.request.urlopen(base + url) as r:
                r.read()
            times.append(time.perf_counter() - t)
        return statistics.median(times) * 1000

    totals = {k: 0.0 for k in KINDS}
    for p in queries:
        row = {k: median_ms(u.format(p=p)) for k, u in KINDS.items()}
        for k, v in row.items():
            totals[k] += v
        cells = "  ".join(f"{k} {v:6.1f}" for k, v in row.items())
        print(f"{urllib.parse.unquote(p)[:40]:40s} {cells}")
    print("mean of medians (ms): " + ", ".join(f"{k} {v / len(queries):.1f}" for k, v in totals.items()))


if __name__ == "__main__":
    main()
