#!/usr/bin/env python3
"""SQLite FTS5 (trigram tokenizer) baseline for kpolicy's benchmarks (issue 5).

Uses Python's built-in sqlite3 module; SQLite (C) does the tokenizing, indexing and searching,
Python only reads the JSON lines and drives the queries. FTS5 is single-threaded.

  fts5_baseline.py index CORPUS.jsonl DB       build the database, print timings as JSON
  fts5_baseline.py query DB QUERIES.tsv [-r N]  run the query set N times, print p50/p99 as JSON
  fts5_baseline.py sql DB 'QUERY' [REGION]     print the SQL of one query (for the sqlite3 CLI)

Schema: `docs(id, title, date, year, province, city)` for metadata and facets, and
`fts(title, body)` with `tokenize='trigram'` holding the text (FTS5 stores it for snippet()).
The province/city columns come from the generated lead line (`경북 안동시는 …`), i.e. the
baseline is *given* the region that kpolicy has to extract.

Query translation (what a user of FTS5 trigram has to do with Korean):
  * every word of 3+ characters is a MATCH term (AND), "a phrase" is a MATCH phrase;
  * a word of 1-2 characters (most Korean nouns: 관광, 교육) cannot be a trigram MATCH term;
    it becomes a substring test `instr(title, w) > 0 OR instr(body, w) > 0` (LIKE '%w%' would be
    the obvious choice, but SQLite 3.40's trigram index answers it with no rows at all), which
    scans every row when the query has no 3+ character word to narrow it down;
  * each query returns the top 10 by bm25 with snippet() (or the first 160 characters when
    there is no MATCH part), the total count, and province and year facet counts.
"""

import json
import os
import re
import sqlite3
import sys
import time

# --region values used in scripts/bench_queries.tsv → (column, value) in `docs`.
REGION_MAP = {
    "경상북도": ("province", "경북"),
    "경기도": ("province", "경기"),
    "전주시": ("city", "전주시"),
}


def build(corpus, db):
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute(
        "CREATE TABLE docs(id TEXT, title TEXT, date TEXT, year INT, province TEXT, city TEXT)"
    )
    con.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='trigram')")

    t_parse = time.perf_counter()
    rows = []
    text_bytes = 0
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            lines = a["text"].split("\n")
            # text = headline \n date line \n lead \n body…; the lead names the region.
            lead = lines[2].split() if len(lines) > 2 else []
            province = lead[0] if lead else None
            city = lead[1][:-1] if len(lead) > 1 else None
            body = "\n".join(lines[1:])
            text_bytes += len(a["text"].encode("utf-8"))
            rows.append((a["id"], a["title"], a["date"], int(a["date"][:4]), province, city, body))
    parse_s = time.perf_counter() - t_parse

    t0 = time.perf_counter()
    with con:
        con.executemany(
            "INSERT INTO docs(rowid, id, title, date, year, province, city) VALUES (?,?,?,?,?,?,?)",
            ((i + 1, r[0], r[1], r[2], r[3], r[4], r[5]) for i, r in enumerate(rows)),
        )
        con.executemany(
            "INSERT INTO fts(rowid, title, body) VALUES (?,?,?)",
            ((i + 1, r[1], r[6]) for i, r in enumerate(rows)),
        )
    insert_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    con.commit()
    optimize_s = time.perf_counter() - t1
    con.execute("VACUUM")
    con.close()
    size = os.path.getsize(db)
    out = {
        "docs": len(rows),
        "text_bytes": text_bytes,
        "json_parse_s": round(parse_s, 3),
        "insert_s": round(insert_s, 3),
        "optimize_s": round(optimize_s, 3),
        "index_s": round(insert_s + optimize_s, 3),
        "mb_per_s": round(text_bytes / 1e6 / (insert_s + optimize_s), 3),
        "docs_per_s": round(len(rows) / (insert_s + optimize_s), 1),
        "db_bytes": size,
        "size_ratio": round(size / text_bytes, 3),
    }
    print(json.dumps(out))


def tokens(query):
    """Phrases and words of a query."""
    out = []
    for m in re.finditer(r'"([^"]*)"|(\S+)', query):
        if m.group(1) is not None:
            if m.group(1).strip():
                out.append((True, m.group(1).strip()))
        else:
            w = m.group(2).strip("?!.,")
            if w:
                out.append((False, w))
    return out


def sql_of(query, region=None):
    match, likes, params = [], [], []
    for phrase, w in tokens(query):
        if len(w) >= 3:
            match.append('"' + w.replace('"', '""') + '"')
        else:
            # Not LIKE: SQLite 3.40's trigram index returns *no rows* for a LIKE pattern
            # under 3 characters (checked: `body LIKE '%관광%'` → 0, instr → 218 of 2000).
            likes.append("(instr(fts.title, ?) > 0 OR instr(fts.body, ?) > 0)")
            params += [w, w]
    where = []
    if match:
        where.append("fts MATCH ?")
        params = [" AND ".join(match)] + params
    where += likes
    if region:
        col, val = REGION_MAP[region]
        where.append(f"docs.{col} = ?")
        params.append(val)
    cond = " AND ".join(where) if where else "1"
    base = f"FROM fts JOIN docs ON docs.rowid = fts.rowid WHERE {cond}"
    if match:
        top = (
            f"SELECT docs.id, docs.title, snippet(fts, 1, '[', ']', '…', 24) {base} "
            "ORDER BY bm25(fts) LIMIT 10"
        )
    else:
        top = f"SELECT docs.id, docs.title, substr(fts.body, 1, 160) {base} LIMIT 10"
    return [
        (top, params),
        (f"SELECT count(*) {base}", params),
        (f"SELECT docs.province, count(*) {base} GROUP BY docs.province", params),
        (f"SELECT docs.year, count(*) {base} GROUP BY docs.year", params),
    ]


def run_query(con, query, region):
    res = []
    for sql, params in sql_of(query, region):
        res.append(con.execute(sql, params).fetchall())
    return res[1][0][0]


def read_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            out.append((cols[0], cols[1], cols[2] if len(cols) > 2 and cols[2] else None))
    return out


def pct(sorted_v, p):
    return sorted_v[min(len(sorted_v) - 1, round((len(sorted_v) - 1) * p))]


def query(db, path, rounds):
    con = sqlite3.connect(db)
    qs = read_queries(path)
    hits = {}
    for cls, q, r in qs:
        hits[f"{cls} {q}" + (f" [{r}]" if r else "")] = run_query(con, q, r)
    times, by_class = [], {}
    for _ in range(rounds):
        for cls, q, r in qs:
            t = time.perf_counter()
            run_query(con, q, r)
            d = (time.perf_counter() - t) * 1e3
            times.append(d)
            by_class.setdefault(cls, []).append(d)
    by_class["ALL"] = times
    out = {"rounds": rounds, "hits": hits, "classes": {}}
    for cls, v in by_class.items():
        v.sort()
        out["classes"][cls] = {
            "runs": len(v),
            "p50_ms": round(pct(v, 0.5), 3),
            "p99_ms": round(pct(v, 0.99), 3),
            "max_ms": round(v[-1], 3),
            "mean_ms": round(sum(v) / len(v), 3),
        }
    print(json.dumps(out, ensure_ascii=False))


def inline_sql(query, region=None):
    """The four statements with parameters inlined, for the sqlite3 command-line shell."""
    stmts = []
    for sql, params in sql_of(query, region):
        for p in params:
            lit = "'" + str(p).replace("'", "''") + "'"
            sql = sql.replace("?", lit, 1)
        stmts.append(sql + ";")
    return "\n".join(stmts)


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "index":
        build(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "query":
        rounds = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "-r" else 10
        query(sys.argv[2], sys.argv[3], rounds)
    elif len(sys.argv) >= 4 and sys.argv[1] == "sql":
        print(inline_sql(sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
