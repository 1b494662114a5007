#!/usr/bin/env bash
# Instructions per search, by query class, counted by valgrind (callgrind): a figure that does
# not move when other work keeps the machine busy, unlike wall-clock latency. Use it to compare
# two trees on their own indexes; confirm with `cargo bench --bench search` on a quiet machine.
#
#   scripts/search_instructions.sh INDEX [BENCH_BINARY]
#
# INDEX: a kpolicy index (e.g. the 100k bench index: scripts/gen_bench_corpus.py -n 100000, then
# `kpolicy index --jsonl corpus.jsonl --index INDEX`). BENCH_BINARY: the search bench of the tree
# to measure (default: this tree's, built with `cargo bench --bench search --no-run`).
#
# For each class of scripts/bench_queries.tsv (and for all queries newest first and within a
# date range) it runs the bench loop with 0 and with 3 rounds and prints the difference per
# search (each round runs every query twice: with snippets and facets, and lean), in millions
# of instructions. Copies of one story are folded unless NO_COLLAPSE=1.
#
# Needs valgrind (Debian: apt-get install valgrind).
set -euo pipefail

index=${1:?usage: scripts/search_instructions.sh INDEX [BENCH_BINARY]}
bench=${2:-}
if ! command -v valgrind >/dev/null; then
    echo "search_instructions: valgrind not found (apt-get install valgrind)" >&2
    exit 2
fi
if [ -z "$bench" ]; then
    cd "$(dirname "$0")/.."
    bench=$(cargo bench --bench search --no-run 2>&1 | sed -n 's/.*Executable.*(\(.*\))$/\1/p' | tail -1)
fi
[ -x "$bench" ] || { echo "search_instructions: no bench binary ($bench)" >&2; exit 2; }

# Instructions of one bench process with ROUNDS rounds and the given settings.
instructions() {
    local rounds=$1
    shift
    env "$@" KPOLICY_BENCH_NO_COLLAPSE="${NO_COLLAPSE:-0}" KPOLICY_BENCH_ROUNDS="$rounds" \
        KPOLICY_BENCH_INDEX="$index" \
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" --bench skip 2>&1 |
        sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' | paste -sd+ | bc
}

# Queries of a class (all with an empty class).
queries() {
    grep -v '^#' "$(dirname "$0")/bench_queries.tsv" | grep -v '^[[:space:]]*$' | grep -c "^${1}" || true
}

row() {
    local label=$1 n=$2
    shift 2
    local a b
    a=$(instructions 0 "$@")
    b=$(instructions 3 "$@")
    printf '%-10s %8.2f\n' "$label" "$(echo "($b - $a) / 3 / ($n * 2) / 1000000" | bc -l)"
}

printf '%-10s %8s\n' class "M instr/search"
for class in word and phrase facet question; do
    row "$class" "$(queries "$class")" KPOLICY_BENCH_CLASS="$class"
done
all=$(queries "")
row all "$all" X=1
row newest "$all" KPOLICY_BENCH_SORT=newest
row dates "$all" KPOLICY_BENCH_FROM=2022-01-01 KPOLICY_BENCH_TO=2022-06-30
