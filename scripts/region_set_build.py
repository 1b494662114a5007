#!/usr/bin/env python3
"""Build the real-article region set (issue 25): tests/fixtures/region_real/articles.jsonl.

Sources (checked-out copies; nothing is downloaded):

* `--posts CSV`: github.com/ainaju618-blip/koreanewskorea @ 0a1c061
  `backupscrapers/backups/posts_backup_20251219_172054.csv`: 1,043 press releases of 광주·전남
  local governments, education offices and schools as posted on their own sites (field
  `original_link`), 2025-12. Works of local governments made in their duties (저작권법 제24조의2,
  공공저작물 자유이용); 132 of them carry the 공공누리 제1유형 notice themselves.
* `--news SQL`: github.com/bo-k0/yessPrj @ 00d5a1f `SQL/JW_sample.sql`: 16 short news items
  (headline + one to four sentences of the lead, 2023-01) copied into a sample database;
  short quotations, kept for measurement only.
* `--extra JSONL`: further real texts, one `{"id","title","text","source","url"}` a line.

Selection from the CSV (stated before labelling; no kpolicy output is used): one row per title and per text,
texts of at least 300 characters; per issuing body (`source`), the rows naming the most distinct
places of data/regions.tsv first (the harder ones), at most PER_SOURCE of them.

    python3 scripts/region_set_build.py --posts posts.csv --news JW_sample.sql --out tests/fixtures/region_real/articles.jsonl
"""

import argparse
import csv
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
PER_SOURCE = 3


def place_names():
    names = set()
    for line in (ROOT / "data" / "regions.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        for c in cols[:3]:
            for n in c.split(","):
                n = n.strip()
                if len(n) >= 2:
                    names.add(n)
    return names


def from_posts(path, names, skip=0, per_source=PER_SOURCE, not_in=()):
    csv.field_size_limit(10**9)
    rows = list(csv.DictReader(open(path, encoding="utf-8-sig")))
    seen, by_source = set(), {}
    for r in rows:
        t = r["title"].strip()
        body = re.sub(r"\s+", "", r["content"])
        key = body[len(body) // 2 : len(body) // 2 + 200]  # the same release posted twice
        if t in seen or key in seen or len(r["content"]) < 300 or any(key in o for o in not_in):
            continue
        seen.update((t, key))
        n = sum(1 for p in names if p in r["content"])
        by_source.setdefault(r["source"], []).append((-n, r["id"], r))
    out = []
    for src in sorted(by_source):
        for _, _, r in sorted(by_source[src])[skip : skip + per_source]:
            out.append(
                {
                    "id": "p-" + r["id"][:8],
                    "title": r["title"].strip(),
                    "text": r["content"].strip(),
                    "source": src,
                    "url": r["original_link"],
                    "set": "press",
                }
            )
    return out


def from_news(path):
    raw = pathlib.Path(path).read_bytes()
    try:
        sql = raw.decode("utf-8")
    except UnicodeDecodeError:
        sql = raw.decode("cp949")  # the file as committed at 00d5a1f is CP949
    out = []
    pat = re.compile(r"VALUES \( SEQ_NEWS_NO\.NEXTVAL ,1 ,1 ,'((?:[^']|'')*)' ,'((?:[^']|'')*)' \);")
    for i, m in enumerate(pat.finditer(sql)):
        title, text = (x.replace("''", "'") for x in m.groups())
        if title == "제목":
            continue
        out.append({"id": f"n-{i:02d}", "title": title, "text": text, "source": None, "url": None, "set": "news"})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", required=True)
    ap.add_argument("--news")
    ap.add_argument("--extra")
    ap.add_argument("--out", required=True)
    ap.add_argument("--skip", type=int, default=0, help="leave out the first N rows of each body (the check set: --skip 3 --per-source 2)")
    ap.add_argument("--per-source", type=int, default=PER_SOURCE)
    ap.add_argument("--not-in", help="an articles.jsonl whose texts (also inside a longer page) are left out")
    a = ap.parse_args()
    not_in = []
    if a.not_in:
        for l in open(a.not_in, encoding="utf-8"):
            if l.strip():
                not_in.append(re.sub(r"\s+", "", json.loads(l)["text"]))
    arts = from_posts(a.posts, place_names(), a.skip, a.per_source, not_in)
    if a.news:
        arts += from_news(a.news)
    if a.extra:
        arts += [json.loads(l) for l in open(a.extra, encoding="utf-8") if l.strip()]
    with open(a.out, "w", encoding="utf-8") as f:
        for x in arts:
            f.write(json.dumps(x, ensure_ascii=False) + "\n")
    print(f"{len(arts)} articles -> {a.out}")


if __name__ == "__main__":
    main()
