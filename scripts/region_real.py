#!/usr/bin/env python3
"""Issuing-region accuracy of `kpolicy inspect --json` on real articles (issue 25).

The set: tests/fixtures/region_real/ (the development set; `--set tests/fixtures/region_real_check`
for the check set, labelled the same way and kept out of every decision) (articles.jsonl, labels.tsv written by hand before kpolicy
was run on it; sources and conventions in its README). Each article is written as a text file
— headline, blank line, text, as a user saves a copied page — in a folder of its own, so nothing
is learned across articles. An article is right when kpolicy's `region` is one of the accepted
paths (`-` accepts no region).

    python3 scripts/region_real.py target/release/kpolicy [--list]
"""

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parent.parent
SET = ROOT / "tests" / "fixtures" / "region_real"


def load(SET):
    arts = [json.loads(l) for l in (SET / "articles.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    labels = {}
    for line in (SET / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        labels[cols[0]] = ([None if x == "-" else x for x in cols[1].split("|")], cols[2] if len(cols) > 2 else "")
    return arts, labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kpolicy")
    ap.add_argument("--list", action="store_true", help="print every miss with kpolicy's evidence")
    ap.add_argument("--set", default=str(SET), help="a folder with articles.jsonl and labels.tsv (the check set: tests/fixtures/region_real_check)")
    args = ap.parse_args()
    arts, labels = load(pathlib.Path(args.set))
    base = pathlib.Path(tempfile.mkdtemp())
    paths = []
    for a in arts:
        d = base / a["id"]
        d.mkdir()
        p = d / "article.txt"
        p.write_text(a["title"].strip() + "\n\n" + a["text"].strip() + "\n", encoding="utf-8")
        paths.append(str(p))
    out = subprocess.run([args.kpolicy, "inspect", "--json", *paths], capture_output=True, check=False)
    got = {}
    for line in out.stdout.decode("utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            got[d["path"]] = d
    shutil.rmtree(base, ignore_errors=True)
    right, per_set, misses = 0, Counter(), []
    total = Counter()
    for a, p in zip(arts, paths):
        accepted, note = labels[a["id"]]
        d = got.get(p, {})
        region = d.get("region")
        total[a["set"]] += 1
        if region in accepted:
            right += 1
            per_set[a["set"]] += 1
        else:
            ev = [d.get("evidence", {}).get("region", "")]
            misses.append((a["id"], a["title"], region, accepted, note, ev))
    n = len(arts)
    print(f"issuing region: {right}/{n} = {right / n:.3f}")
    for s in sorted(total):
        print(f"  {s}: {per_set[s]}/{total[s]} = {per_set[s] / total[s]:.3f}")
    if args.list:
        for id_, title, region, accepted, note, ev in misses:
            print(f"  miss {id_} {title[:50]!r}: got {region}, want {'|'.join(str(x) for x in accepted)} ({note})")
            for e in ev:
                print(f"      {e[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
