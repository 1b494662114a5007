#!/bin/bash
# Extraction speed on a mixed folder (issue 25): `kpolicy index` from scratch over copies of the
# repository's fixtures — HWP/HWPX/PDF (tests/fixtures/docs ×5), saved web pages
# (tests/fixtures/html and html_lost ×40) and pasted text (tests/fixtures/extract and pasted
# ×5) — each copy made distinct by a line of its own, so that nothing is one file read twice.
# Prints, for each binary given, the best of RUNS runs: MB of input per second of wall time and
# per CPU-second (user + system; on a shared machine the CPU figure is the steadier one).
#
#   scripts/extraction_speed.sh /path/to/old/kpolicy target/release/kpolicy
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CORPUS="$WORK/corpus"
mkdir -p "$CORPUS"
i=0
while [ $i -lt 5 ]; do
  mkdir -p "$CORPUS/docs$i" "$CORPUS/text$i"
  for f in "$ROOT"/tests/fixtures/docs/hwp/* "$ROOT"/tests/fixtures/docs/hwpx/* "$ROOT"/tests/fixtures/docs/pdf/*; do
    case "$f" in *.hwp|*.hwpx|*.pdf) cp "$f" "$CORPUS/docs$i/" ;; esac
  done
  for f in "$ROOT"/tests/fixtures/extract/a*.txt "$ROOT"/tests/fixtures/pasted/p*/pasted.txt; do
    n=$(echo "$f" | tr '/' '_')
    { cat "$f"; printf '\n사본 %s-%s\n' "$i" "$n"; } > "$CORPUS/text$i/$n.txt"
  done
  i=$((i + 1))
done
i=0
while [ $i -lt 40 ]; do
  mkdir -p "$CORPUS/html$i"
  for f in "$ROOT"/tests/fixtures/html/*.html "$ROOT"/tests/fixtures/html_lost/*.html; do
    { cat "$f"; printf '<!-- copy %s -->\n' "$i"; } > "$CORPUS/html$i/$(basename "$f")"
  done
  i=$((i + 1))
done
BYTES=$(du -sb "$CORPUS" | cut -f1)
FILES=$(find "$CORPUS" -type f | wc -l)
echo "corpus: $FILES files, $BYTES bytes"
for BIN in "$@"; do
  best=""
  bestcpu=""
  r=0
  while [ $r -lt "$RUNS" ]; do
    rm -rf "$WORK/index"
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$BIN" index "$CORPUS" --index "$WORK/index" --json > "$WORK/out.json" 2>/dev/null || true
    # The last line: a non-zero exit (some fixtures are refused by design) adds one before it.
    read -r wall user sys < <(tail -n 1 "$WORK/time") 2>/dev/null || true
    cpu=$(echo "$user + $sys" | bc)
    if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then best=$wall; fi
    if [ -z "$bestcpu" ] || [ "$(echo "$cpu < $bestcpu" | bc)" = 1 ]; then bestcpu=$cpu; fi
    r=$((r + 1))
  done
  echo "$BIN: best of $RUNS: wall $best s = $(echo "scale=2; $BYTES / 1000000 / $best" | bc) MB/s; CPU $bestcpu s = $(echo "scale=2; $BYTES / 1000000 / $bestcpu" | bc) MB per CPU-second"
done
