#!/usr/bin/env bash
# What folding copies of one story (issue 23) costs: indexing throughput, index size and CLI
# search latency of two binaries on the side-by-side text (../shared/bench/side_by_side.sh's
# 41 MB: petitions + statutes cut into 3,000-character pieces), runs alternated so that a busy
# machine slows both alike.
#
#   scripts/dup_cost.sh BASE_BIN NEW_BIN [RUNS]     (RUNS index runs each, default 2)
#
# Prints, per run, wall seconds, MB/s and index bytes; then for each query of
# scripts/bench_queries.tsv the median of 7 `kpolicy search` runs (process start to exit, the
# first search of a process, which also forms the groups of copies), and the median over the
# queries; then the in-process latency: `kpolicy serve` on each index, every query 20 times
# through /api/search (top 10 with snippets and facets; the first search of the server, which
# forms the groups, is timed apart), p50 and p99. Work folder: $DUP_COST_DIR (default a
# temporary one, removed at the end). DUP_COST_CORPUS=FILE.jsonl indexes that corpus instead
# (e.g. the 100k articles of scripts/gen_bench_corpus.py).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 BASE_BIN NEW_BIN [RUNS]" >&2; exit 2; }
BASE=$(realpath "$1"); NEW=$(realpath "$2"); RUNS=${3:-2}
for b in "$BASE" "$NEW"; do [ -x "$b" ] || { echo "$b: not an executable kpolicy binary" >&2; exit 2; }; done
HERE=$(cd "$(dirname "$0")/.." && pwd)
DATA=$HERE/../shared/eval
[ -f "$DATA/petitions/corpus.jsonl" ] || { echo "skipped: $DATA is missing (../shared holds the eval corpora)"; exit 0; }
W=${DUP_COST_DIR:-$(mktemp -d)}
[ -n "${DUP_COST_DIR:-}" ] || trap 'rm -rf "$W"' EXIT
mkdir -p "$W"
if [ -n "${DUP_COST_CORPUS:-}" ]; then
    ln -sf "$(realpath "$DUP_COST_CORPUS")" "$W/corpus.jsonl"
    python3 -c "import json,sys; print(sum(len((json.loads(l)['title']+json.loads(l)['text']).encode()) for l in open(sys.argv[1], encoding='utf-8')))" "$W/corpus.jsonl" > "$W/bytes"
else
python3 - "$DATA" "$W" <<'PY'
import json, sys
src, w = sys.argv[1], sys.argv[2]
out = open(f"{w}/corpus.jsonl", "w", encoding="utf-8")
n = total = 0
for name, cap in (("petitions", 10**9), ("laws", 28_000_000)):
    size = 0
    for line in open(f"{src}/{name}/corpus.jsonl", encoding="utf-8"):
        d = json.loads(line); t = d["text"]
        for i in range(0, len(t), 3000):
            piece = t[i:i+3000]
            out.write(json.dumps({"id": f"{d['id']}-{i//3000}", "title": d["title"], "text": piece}, ensure_ascii=False) + "\n")
            size += len(piece.encode()); total += len((d["title"] + piece).encode()); n += 1
        if size > cap: break
open(f"{w}/bytes", "w").write(str(total))
print(f"{n} docs, {total/1e6:.1f} MB")
PY
fi
BYTES=$(cat "$W/bytes")
index_run() { # BIN NAME
    local s e
    s=$(date +%s.%N)
    "$1" index --jsonl "$W/corpus.jsonl" --index "$W/idx-$2" --rebuild >/dev/null 2>"$W/log" || { tail -3 "$W/log"; exit 1; }
    e=$(date +%s.%N)
    python3 -c "print(f'$2 run: {$e-$s:.1f} s, {$BYTES/1e6/($e-$s):.2f} MB/s, index $(du -sb "$W/idx-$2" | cut -f1) bytes')"
}
# RUNS=0 with DUP_COST_DIR: the indexes already there are searched, not made again.
for r in $(seq "$RUNS"); do
    index_run "$BASE" base
    index_run "$NEW" new
done
echo "groups of copies in the new index: $("$NEW" stats --json --index "$W/idx-new" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["groups"], "groups,", s["grouped_articles"], "articles")')"
python3 - "$BASE" "$NEW" "$W" "$HERE/scripts/bench_queries.tsv" <<'PY'
import statistics, subprocess, sys, time
base, new, w, tsv = sys.argv[1:5]
queries = []
for line in open(tsv, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    parts = line.rstrip("\n").split("\t")
    args = [parts[1]] + (["--region", parts[2]] if len(parts) > 2 and parts[2] else [])
    queries.append(args)
med = {"base": [], "new": []}
for q in queries:
    times = {"base": [], "new": []}
    for _ in range(7):
        for name, b in (("base", base), ("new", new)):
            s = time.perf_counter()
            subprocess.run([b, "search", *q, "--json", "--index", f"{w}/idx-{name}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append((time.perf_counter() - s) * 1e3)
    for name in med:
        med[name].append(statistics.median(times[name]))
for name in med:
    print(f"{name}: CLI search median of per-query medians {statistics.median(med[name]):.1f} ms, worst query {max(med[name]):.1f} ms ({len(queries)} queries x 7)")
PY
python3 - "$BASE" "$NEW" "$W" "$HERE/scripts/bench_queries.tsv" <<'PY'
import json, statistics, subprocess, sys, time, urllib.parse, urllib.request
base, new, w, tsv = sys.argv[1:5]
queries = []
for line in open(tsv, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    parts = line.rstrip("\n").split("\t")
    p = {"q": parts[1]}
    if len(parts) > 2 and parts[2]:
        p["region"] = parts[2]
    queries.append(urllib.parse.urlencode(p))
for name, b in (("base", base), ("new", new)):
    srv = subprocess.Popen([b, "serve", "--index", f"{w}/idx-{name}", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = srv.stdout.readline().strip()
        get = lambda q: urllib.request.urlopen(f"{url}api/search?{q}").read()
        s = time.perf_counter(); get(queries[0]); first = (time.perf_counter() - s) * 1e3
        times = []
        for _ in range(20):
            for q in queries:
                s = time.perf_counter(); get(q); times.append((time.perf_counter() - s) * 1e3)
        times.sort()
        print(f"{name}: server /api/search p50 {statistics.median(times):.2f} ms, p99 {times[int(len(times) * 0.99)]:.2f} ms "
              f"({len(queries)} queries x 20); first search {first:.0f} ms")
    finally:
        srv.terminate(); srv.wait()
PY
