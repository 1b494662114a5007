#!/usr/bin/env python3
"""Findability (issue 15): is a word copied out of an article a word that finds the article?

For each corpus, samples N distinct eojeols (words as written between spaces, with the
punctuation around them trimmed the way a user copying a word would: leading and trailing
characters that are not letters or digits), each from a random article; searches each word
alone with the real binary (`kpolicy eval`, which runs the same engine as `kpolicy search`:
all matching articles are ranked, k = the number of articles, so "found" means "among the
matches") and counts how often the source article is found. Misses are classified by comparing
the word's analysis alone with its analysis inside the source sentence (`kpolicy analyze`).

    scripts/findability.py BIN [--n 1000] [--seed 15] [--corpus NAME=PATH]... [--out DIR]

Defaults: the petitions and KorQuAD corpora of ../shared/eval, seed 15, 1,000 words each.
Prints one summary line per corpus and the misses by kind; --out keeps the queries and misses.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "..", "shared"))


def trim(word):
    """What a user copying a word keeps: the word without the punctuation around it."""
    start, end = 0, len(word)
    while start < end and not word[start].isalnum():
        start += 1
    while end > start and not word[end - 1].isalnum():
        end -= 1
    return word[start:end]


def load(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs.append((str(d["id"]), d.get("text") or d.get("body") or ""))
    return docs


def sample(docs, n, seed):
    """N distinct words, each with the article it was copied from."""
    rng = random.Random(seed)
    words = {}
    tries = 0
    while len(words) < n and tries < n * 1000:
        tries += 1
        doc_id, text = rng.choice(docs)
        raw = text.split()
        if not raw:
            continue
        w = trim(rng.choice(raw))
        if not w or w in words or not any(c.isalnum() for c in w):
            continue
        words[w] = doc_id
    return list(words.items())


def run_eval(binary, corpus, pairs, k):
    with tempfile.TemporaryDirectory() as tmp:
        qpath = os.path.join(tmp, "queries.jsonl")
        with open(qpath, "w", encoding="utf-8") as f:
            for i, (w, doc_id) in enumerate(pairs):
                f.write(json.dumps({"qid": str(i), "query": w, "relevant": [doc_id]},
                                   ensure_ascii=False) + "\n")
        out = subprocess.run(
            [binary, "eval", "--corpus", corpus, "--queries", qpath, "--k", str(k), "--json",
             "--index", os.path.join(tmp, "index")],
            check=True, capture_output=True, text=True).stdout
    scores = json.loads(out)
    return {int(m["qid"]) for m in scores["misses"] if m["rank"] is None}


def analyze(binary, text):
    out = subprocess.run([binary, "analyze", text, "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        return {"morphemes": [], "terms": []}
    return json.loads(out.stdout)


def in_context(binary, text, word):
    """The morphemes and terms of `word` where it first stands in `text` (its line)."""
    for line in text.split("\n"):
        at = line.find(word)
        if at < 0:
            continue
        a = analyze(binary, line)
        lo = len(line[:at].encode())
        hi = lo + len(word.encode())
        ms = [m for m in a["morphemes"] if m["start"] >= lo and m["end"] <= hi]
        ts = [t for t in a["terms"] if t["start"] >= lo and t["end"] <= hi]
        return ms, ts
    return [], []


def classify(binary, word, text):
    alone = analyze(binary, word)
    ms, ts = in_context(binary, text, word)
    tags_alone = [m["pos"].split("+")[0] for m in alone["morphemes"]]
    tags_ctx = [m["pos"].split("+")[0] for m in ms]
    if not alone["terms"]:
        kind = "function words only"
    elif any(c.isascii() and c.isalnum() for c in word):
        kind = "Latin/number"
    elif any(m["unknown"] for m in alone["morphemes"] + ms) or any(
            t["pos"] == "BIGRAM" for t in alone["terms"] + ts):
        kind = "unknown word"
    elif any(m["kind"] == "compound" for m in alone["morphemes"] + ms):
        kind = "compound"
    elif (tags_alone and tags_alone[-1].startswith("J")) or (
            tags_ctx and tags_ctx[-1].startswith("J")):
        kind = "particle attached"
    elif [m["surface"] for m in alone["morphemes"]] == [m["surface"] for m in ms]:
        kind = "NNP/NNG (same pieces, other tags)"
    else:
        kind = "other segmentation"
    detail = "alone: {} | in text: {}".format(
        " ".join(f'{m["surface"]}/{m["pos"]}' for m in alone["morphemes"]),
        " ".join(f'{m["surface"]}/{m["pos"]}' for m in ms))
    return kind, detail


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("binary")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--corpus", action="append",
                   help="NAME=PATH (default: petitions and korquad from ../shared/eval)")
    p.add_argument("--out", help="folder for the sampled words and the misses")
    a = p.parse_args()
    corpora = a.corpus or [f"{n}={SHARED}/eval/{n}/corpus.jsonl" for n in ("petitions", "korquad")]
    binary = os.path.abspath(a.binary)
    for spec in corpora:
        name, path = spec.split("=", 1)
        docs = load(path)
        texts = dict(docs)
        pairs = sample(docs, a.n, a.seed)
        missed = run_eval(binary, path, pairs, len(docs))
        kinds = Counter()
        rows = []
        for i, (w, doc_id) in enumerate(pairs):
            if i not in missed:
                continue
            kind, detail = classify(binary, w, texts[doc_id])
            kinds[kind] += 1
            rows.append({"word": w, "doc": doc_id, "kind": kind, "detail": detail})
        content_total = sum(1 for w, _ in pairs if content_word(binary, w))
        content_missed = sum(1 for r in rows if r["kind"] != "function words only")
        n = len(pairs)
        print(f"{name}: {n - len(missed)}/{n} found = {100 * (n - len(missed)) / n:.1f}%; "
              f"content words {content_total - content_missed}/{content_total} = "
              f"{100 * (content_total - content_missed) / max(content_total, 1):.1f}% "
              f"(seed {a.seed})")
        by_kind = defaultdict(list)
        for r in rows:
            by_kind[r["kind"]].append(r)
        for kind, count in kinds.most_common():
            examples = ", ".join(r["word"] for r in by_kind[kind][:8])
            print(f"  {count:4d} {kind}: {examples}")
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            with open(os.path.join(a.out, f"{name}_words.tsv"), "w", encoding="utf-8") as f:
                for w, doc_id in pairs:
                    f.write(f"{w}\t{doc_id}\n")
            with open(os.path.join(a.out, f"{name}_misses.tsv"), "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(f'{r["word"]}\t{r["doc"]}\t{r["kind"]}\t{r["detail"]}\n')
    return 0


_content_cache = {}


def content_word(binary, w):
    """Whether `w` alone analyses to a term (what the issue calls a content word)."""
    if w not in _content_cache:
        _content_cache[w] = bool(analyze(binary, w)["terms"])
    return _content_cache[w]


if __name__ == "__main__":
    sys.exit(main())
