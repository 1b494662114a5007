#!/usr/bin/env bash
# Records what kpolicy prints for a fixed set of inputs, so that a refactor can be checked for
# "same outputs for the same inputs": run it with the old and the new binary, then diff the folders.
#
#   scripts/golden_outputs.sh BINARY OUTDIR
#   diff -r OLD_OUTDIR NEW_OUTDIR
#
# Known noise: question queries (search_b_19..23) may swap two equal-scored hits between runs.
# Inputs: documents/, tests/fixtures/extract, the KorQuAD and AutoRAG corpora (../shared/eval)
# indexed with one analysis thread (equal scores are then ordered the same way on every run),
# the queries of scripts/bench_queries.tsv plus filter/paging variants, `inspect --json` of every
# fixture, `stats --json` and `analyze --json` of the seed articles' first lines.
set -euo pipefail
bin=$(realpath "$1")
out=$2
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
if [ ! -f "$shared/eval/korquad/corpus.jsonl" ] || [ ! -d "$shared/seeds" ]; then
  echo "golden_outputs.sh: $shared/eval and $shared/seeds not found: set SHARED=DIR" >&2
  exit 2
fi
mkdir -p "$out"
out=$(realpath "$out")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here"

# Index 1: documents/ + fixtures (folder input, relative paths as a user types them).
"$bin" index documents tests/fixtures/extract --index "$work/a" --threads 1 --json \
  | sed -E 's/"(elapsed|seconds|ms|elapsed_ms|mb_per_s|docs_per_s)":[ ]*[0-9.e+-]+/"\1":0/g' \
  > "$out/index_a.json" || true
# Index 2: KorQuAD + AutoRAG corpora as JSON lines.
cat "$shared/eval/korquad/corpus.jsonl" "$shared/eval/autorag/corpus.jsonl" > "$work/eval.jsonl"
"$bin" index --jsonl "$work/eval.jsonl" --index "$work/b" --threads 1 --json \
  | sed -E 's/"(elapsed|seconds|ms|elapsed_ms|mb_per_s|docs_per_s)":[ ]*[0-9.e+-]+/"\1":0/g' \
  > "$out/index_b.json" || true

n=0
run() { # name, args...
  local name=$1
  shift
  local code=0
  "$bin" "$@" > "$out/$name.out" 2> "$out/$name.err" || code=$?
  echo "$code" > "$out/$name.code"
}
queries=$(grep -v '^#' scripts/bench_queries.tsv | cut -f2)
queries+=$'\n'"바이오·백신"$'\n'"바이오 백신"$'\n'"바이오백신"$'\n'"인공지능"$'\n'"title:이차전지"$'\n'"이차전지 OR 배터리"$'\n'"인공지능 -광주형일자리"$'\n'"\"인공지능 중심도시\""
while IFS= read -r q; do
  [ -z "$q" ] && continue
  n=$((n + 1))
  for ix in a b; do
    run "search_${ix}_$n" search "$q" --index "$work/$ix" --json --limit 20
  done
  run "search_a_${n}_text" search "$q" --index "$work/a" --color never
  run "search_a_${n}_any" search "$q" --index "$work/a" --json --any
done <<< "$queries"
run filter_region search 산업 --index "$work/a" --json --region 경상북도
run filter_region_short search 산업 --index "$work/a" --json --region 경북
run filter_mentioned search 산업 --index "$work/a" --json --region 대구 --mentioned
run filter_industry search 산업 --index "$work/a" --json --industry 바이오·백신
run filter_year search 산업 --index "$work/a" --json --year 2020
run filter_unknown_year search 산업 --index "$work/a" --json --year unknown
run filter_since search 산업 --index "$work/a" --json --since 2019 --until 2021
run filter_bad_region search 산업 --index "$work/a" --json --region 아틀란티스
run filter_bad_industry search 산업 --index "$work/a" --json --industry 없는산업
run paging search 대통령 --index "$work/b" --json --limit 5 --offset 7
run nohits search 쀍쀍쀍 --index "$work/a" --json
run stats_a stats --index "$work/a" --json
run stats_b stats --index "$work/b" --json
run inspect inspect --json documents/*.txt tests/fixtures/extract/*.txt
run inspect_text inspect --color never documents/*.txt
for f in "$shared"/seeds/*; do
  n=$((n + 1))
  head -c 600 "$f" > "$work/seed.txt"
  run "analyze_$n" analyze --json "$(cat "$work/seed.txt")"
done
# Timing fields are not outputs: zero them in stats.
sed -i -E 's/"(last_update|updated_at|updated|last_commit|size_bytes|index_bytes|bytes)":[ ]*"?[^,}"]*"?/"\1":0/g' \
  "$out"/stats_*.out
# Temporary paths differ from run to run; scores are compared to 4 digits (question queries sum
# floats in hash order, so the last digits vary between runs of the same binary).
sed -i -E 's/"score": ([0-9]+\.[0-9]{1,3})[0-9]*/"score": \1/' "$out"/*.out
sed -i "s#$work#WORK#g" "$out"/*
echo "recorded $(ls "$out" | wc -l) files in $out"
