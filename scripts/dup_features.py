#!/usr/bin/env python3
"""MinHash (set overlap) or SimHash for telling copies of one story apart (issue 23)?

    scripts/dup_features.py SET_DIR        (a folder written by scripts/dup_eval.py --out SET_DIR)

Every pair of articles of the labelled set is scored two ways on the same features, word
trigrams of the body (whitespace words, punctuation removed; kpolicy itself uses its analysed
terms):
- overlap: the share of the longer article's trigrams the other has too (what kpolicy's MinHash
  estimates, exactly here);
- SimHash: 64-bit SimHash of the trigrams, Hamming distance.
For each, the best threshold is the one with the most true pairs found while no pair of
different stories passes (precision 1), and the recall there is printed, for all pairs and for
the template series (where almost every word is shared). The quantity check kpolicy adds is
left out here: the question is which similarity separates copies from other stories better.
"""

import hashlib
import itertools
import json
import os
import re
import sys


def trigrams(text):
    w = re.findall(r"\w+", text)
    return {" ".join(t) for t in zip(w, w[1:], w[2:])}


def h64(s):
    return int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")


def simhash(grams):
    v = [0] * 64
    for g in grams:
        x = h64(g)
        for i in range(64):
            v[i] += 1 if (x >> i) & 1 else -1
    return sum(1 << i for i in range(64) if v[i] > 0)


def main():
    if len(sys.argv) != 2:
        print(__doc__.split("\n")[2].strip(), file=sys.stderr)
        return 2
    d = sys.argv[1]
    arts = [json.loads(l) for l in open(os.path.join(d, "set.jsonl"), encoding="utf-8")]
    labels = {x["id"]: x for x in (json.loads(l) for l in open(os.path.join(d, "labels.jsonl"), encoding="utf-8"))}
    grams = [trigrams(a["text"]) for a in arts]
    sims = [simhash(g) for g in grams]
    rows = []
    for i, j in itertools.combinations(range(len(arts)), 2):
        a, b = grams[i], grams[j]
        if not a or not b:
            continue
        overlap = len(a & b) / max(len(a), len(b))
        if overlap < 0.05 and labels[arts[i]["id"]]["story"] != labels[arts[j]["id"]]["story"]:
            # Unrelated pairs: far below any threshold; SimHash distance still counted below.
            pass
        hamming = bin(sims[i] ^ sims[j]).count("1")
        same = labels[arts[i]["id"]]["story"] == labels[arts[j]["id"]]["story"]
        template = "template" in (labels[arts[i]["id"]]["kind"], labels[arts[j]["id"]]["kind"])
        rows.append((overlap, hamming, same, template))
    true_pairs = sum(r[2] for r in rows)

    def best(score, higher_is_same, pairs):
        # Highest recall at precision 1: the threshold just past the most similar wrong pair.
        wrong = [score(r) for r in pairs if not r[2]]
        edge = max(wrong) if higher_is_same else min(wrong)
        found = sum(1 for r in pairs if r[2] and (score(r) > edge if higher_is_same else score(r) < edge))
        return edge, found / true_pairs

    print(f"{len(arts)} articles, {len(rows)} pairs, {true_pairs} pairs of one story")
    for name, pairs in (("all pairs", rows), ("without the template series (what the quantity check is for)",
                                              [r for r in rows if not r[3]])):
        print(f"{name}:")
        edge, recall = best(lambda r: r[0], True, pairs)
        print(f"  overlap (MinHash estimates it): most similar pair of different stories at {edge:.3f}; "
              f"above it {recall:.4f} of the true pairs")
        edge, recall = best(lambda r: r[1], False, pairs)
        print(f"  SimHash 64-bit: closest pair of different stories at Hamming distance {edge}; "
              f"below it {recall:.4f} of the true pairs")
    tmpl = [r for r in rows if r[3] and not r[2]]
    print(f"template pairs of different stories: overlap up to {max(r[0] for r in tmpl):.3f}, "
          f"SimHash distance down to {min(r[1] for r in tmpl)} (copies: overlap median "
          f"{sorted(r[0] for r in rows if r[2])[true_pairs // 2]:.3f}, distance median "
          f"{sorted(r[1] for r in rows if r[2])[true_pairs // 2]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
