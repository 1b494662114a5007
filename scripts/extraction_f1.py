#!/usr/bin/env python3
"""Main-text F1 of `kpolicy inspect --json --text` on public extraction benchmarks.

The score is the ScrapingHub article-extraction-benchmark's own (its `evaluate.py`, MIT):
`\\w+` tokens, shingles of 4 tokens counted as multisets, per page tp/fp/fn normalised to sum
to 1, precision and recall averaged over pages, F1 from the two averages.

Sets (checked-out copies; nothing is downloaded):

* `--scrapinghub DIR`: github.com/scrapinghub/article-extraction-benchmark (MIT): `html/*.html.gz`
  and `ground-truth.json` (`articleBody`). 181 news pages. The HELD-BACK check of issue 25.
* `--readability DIR`: github.com/mozilla/readability (Apache-2.0) `test/test-pages/*/`:
  `source.html` and `expected.html` (Readability.js's own output, taken as the expected text).
* `--wcxb DIR`: github.com/Murrough-Foley/web-content-extraction-benchmark (CC-BY-4.0), WCXB v1.0:
  `{dev,test}/html/*.html.gz` and `ground-truth/*.json` (`main_content`, without the title), scored
  with its own measure (lowercased `\\w+` words as multisets; precision, recall and F1 per page,
  averaged). `--types article` (the default: kpolicy reads news articles) or e.g.
  `article,documentation`. The dev split (793 articles) is a development set; the test split
  (257 articles) is the held-back check of issue 25.
* `--pages DIR`: `*.html` with `*.expected.txt` beside them (kpolicy's `tests/fixtures/html`;
  their expected text starts with the headline, so the headline is put before the body here).

Each page is put in a folder of its own, so no line is learned as a folder's boilerplate: this
measures the page reader and cleaning, not the folder learning.

    python3 scripts/extraction_f1.py target/release/kpolicy --scrapinghub /path/to/benchmark [--list]
"""

import argparse
import gzip
import html
import html.parser
import json
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter

TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def shingles(text, n=4):
    tokens = TOKEN.findall(text or "")
    out = []
    for i in range(0, max(1, len(tokens) - n + 1)):
        s = tuple(tokens[i : i + n])
        if s:
            out.append(s)
    return Counter(out)


def tp_fp_fn(true, pred):
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for k in set(t) | set(p):
        tc, pc = t.get(k, 0), p.get(k, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def precision(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def metrics(rows):
    p = statistics.mean(precision(*r) for r in rows if r[0] + r[1] > 0)
    r = statistics.mean(recall(*x) for x in rows if x[0] + x[2] > 0)
    return 2 * p * r / (p + r), p, r


class _Text(html.parser.HTMLParser):
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre", "blockquote"}

    def __init__(self):
        super().__init__()
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(markup):
    p = _Text()
    p.feed(markup)
    return html.unescape("".join(p.parts))


def scrapinghub(d):
    d = pathlib.Path(d)
    truth = json.loads((d / "ground-truth.json").read_text(encoding="utf-8"))
    for key, v in sorted(truth.items()):
        page = gzip.decompress((d / "html" / f"{key}.html.gz").read_bytes())
        yield key, page, v.get("articleBody", "")


def readability(d):
    d = pathlib.Path(d)
    pages = d / "test" / "test-pages" if (d / "test" / "test-pages").is_dir() else d
    for case in sorted(p for p in pages.iterdir() if (p / "source.html").is_file()):
        expected = html_text((case / "expected.html").read_text(encoding="utf-8"))
        yield case.name, (case / "source.html").read_bytes(), expected


def wcxb(d, split, types):
    """WCXB (github.com/Murrough-Foley/web-content-extraction-benchmark, CC-BY-4.0): the pages
    of `split` whose page type is in `types`."""
    d = pathlib.Path(d)
    for gt in sorted((d / split / "ground-truth").glob("*.json")):
        data = json.loads(gt.read_text(encoding="utf-8"))
        pt = (data.get("_internal") or {}).get("page_type") or {}
        pt = pt.get("primary", "article") if isinstance(pt, dict) else pt
        g = data.get("ground_truth") or {}
        if types and pt not in types or "main_content" not in g:
            continue
        page = gzip.decompress((d / split / "html" / f"{gt.stem}.html.gz").read_bytes())
        yield gt.stem, page, g["main_content"] or ""


WORD = re.compile(r"\w+")


def word_prf(true, pred):
    """WCXB's own score (its evaluate.py): lowercased `\\w+` words as multisets, per page."""
    t, p = Counter(WORD.findall((true or "").lower())), Counter(WORD.findall((pred or "").lower()))
    if not t:
        return (1.0, 1.0, 1.0) if not p else (0.0, 0.0, 0.0)
    if not p:
        return (0.0, 0.0, 0.0)
    o = sum((t & p).values())
    pr, rc = o / sum(p.values()), o / sum(t.values())
    return (pr, rc, 2 * pr * rc / (pr + rc) if pr + rc else 0.0)


def fixtures(d):
    # The third value's flag: the expected text holds the headline.
    for page in sorted(pathlib.Path(d).glob("*.html")):
        exp = page.with_name(page.stem + ".expected.txt")
        if exp.is_file():
            yield page.stem, page.read_bytes(), exp.read_text(encoding="utf-8")


def run_over_pages(command, cases):
    """Runs `command` with the pages of `cases` ((key, page bytes, truth) triples) as arguments,
    each page alone in a folder of its own (so kpolicy learns no boilerplate across pages), and
    reads the JSON line it prints per page. Returns the objects by path, the paths in case order
    and the program's stderr. Exits with a one-line message when the program cannot run."""
    tmp = pathlib.Path(tempfile.mkdtemp())
    paths = []
    for i, (_, page, _) in enumerate(cases):
        f = tmp / f"{i:04d}" / "page.html"
        f.parent.mkdir()
        f.write_bytes(page)
        paths.append(str(f))
    try:
        out = subprocess.run([*command, *paths], capture_output=True)
    except OSError as e:
        sys.exit(f"cannot run {command[0]}: {e.strerror}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    got = {}
    # Lines end at "\n" only: a JSON string may hold U+2028, which splitlines() would cut at.
    for line in out.stdout.decode("utf-8").split("\n"):
        if line.strip():
            try:
                v = json.loads(line)
            except json.JSONDecodeError:
                sys.exit(f"{command[0]} printed a line that is not JSON: {line[:80]!r}")
            got[v["path"]] = v
    return got, paths, out.stderr.decode("utf-8", "replace")


def inspect_pages(kpolicy, cases):
    """`kpolicy inspect --json --text` over `cases`. Returns the JSON objects by path, the paths
    in case order and the number of warnings printed."""
    got, paths, err = run_over_pages([kpolicy, "inspect", "--json", "--text"], cases)
    return got, paths, err.count("warning")


def score(name, cases, texts, extra="", worst=False):
    """Prints one set's F1, precision and recall of `texts` (in case order): WCXB's mean per-page
    word scores for a WCXB set, the ScrapingHub shingle score for the others."""
    if name.startswith("wcxb"):
        # WCXB averages precision, recall and F1 over the pages.
        w = [word_prf(truth, text) for (_, _, truth), text in zip(cases, texts)]
        p, r, f1 = (statistics.mean(x[i] for x in w) for i in range(3))
        per_page = [x[2] for x in w]
    else:
        rows = [tp_fp_fn(truth, text) for (_, _, truth), text in zip(cases, texts)]
        f1, p, r = metrics(rows)
        per_page = [2 * x[0] / (2 * x[0] + x[1] + x[2]) if sum(x) else 1.0 for x in rows]
    empty = sum(1 for t in texts if not t)
    print(f"{name}: {len(cases)} pages  F1 {f1:.3f}  precision {p:.3f}  recall {r:.3f}  empty {empty}  {extra}".rstrip())
    if worst:
        for f, (key, _, _), t in sorted(zip(per_page, cases, texts), key=lambda x: x[0])[:15]:
            print(f"  {f:.3f} {key} ({len(t)} chars)")


def rs_trafilatura_texts(binary, cases, headline):
    """rs-trafilatura's text of each page, by kpolicy's example binary (one JSON line a page);
    its title first when `headline` (the expected text of kpolicy's fixtures starts with it)."""
    got, paths, _ = run_over_pages([binary], cases)
    texts = []
    for p in paths:
        v = got.get(p) or {"title": "", "text": ""}
        texts.append(f"{v['title']}\n\n{v['text']}" if headline and v["text"] else v["text"])
    return texts


def python_trafilatura_texts(cases, headline):
    """Python trafilatura's text of each page (from the bytes: its own charset detection;
    comments left out, tables kept), its title first when `headline`."""
    try:
        import trafilatura
    except ImportError:
        sys.exit("Python trafilatura is not installed (pip install trafilatura)")

    out = []
    for _, page, _ in cases:
        try:
            t = trafilatura.extract(page, include_comments=False, include_tables=True) or ""
            if headline and t:
                meta = trafilatura.extract_metadata(page)
                t = f"{(meta.title if meta else None) or ''}\n\n{t}"
        except Exception:
            t = ""
        out.append(t)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kpolicy")
    ap.add_argument("--scrapinghub")
    ap.add_argument("--readability")
    ap.add_argument("--pages")
    ap.add_argument("--wcxb", help="a WCXB checkout (scored with its own mean per-page word F1)")
    ap.add_argument("--split", default="dev", choices=["dev", "test"], help="WCXB split (test: the held-back check)")
    ap.add_argument("--types", default="article", help="WCXB page types, comma-separated ('' for all)")
    ap.add_argument("--list", action="store_true", help="the 15 worst pages")
    ap.add_argument(
        "--compare",
        metavar="RS_TRAFILATURA",
        help="also score rs-trafilatura alone (this binary: `cargo build --release --example "
        "rs_trafilatura`, target/release/examples/rs_trafilatura) and Python trafilatura alone "
        "(`pip install trafilatura`) on the same pages, in the same run",
    )
    args = ap.parse_args()
    sets = [
        (name, fn, path)
        for name, fn, path in [
            ("scrapinghub", scrapinghub, args.scrapinghub),
            ("readability", readability, args.readability),
            ("pages", fixtures, args.pages),
            (
                f"wcxb-{args.split}",
                lambda d: wcxb(d, args.split, set(filter(None, args.types.split(",")))),
                args.wcxb,
            ),
        ]
        if path
    ]
    if not sets:
        ap.error("give at least one of --scrapinghub, --readability, --pages, --wcxb")
    for name, fn, path in sets:
        cases = list(fn(path))
        if not cases:
            sys.exit(f"{name}: no pages with an expected text found in {path}")
        got, paths, warnings = inspect_pages(args.kpolicy, cases)
        texts = []
        for p in paths:
            v = got.get(p)
            text = (v or {}).get("text") or ""
            if name == "pages" and v and not v.get("title_derived"):
                text = f"{v.get('title') or ''}\n\n{text}"
            texts.append(text)
        score(name, cases, texts, f"warnings {warnings}", args.list)
        if args.compare:
            headline = name == "pages"
            score(f"{name}, rs-trafilatura alone", cases, rs_trafilatura_texts(args.compare, cases, headline))
            score(f"{name}, trafilatura (Python) alone", cases, python_trafilatura_texts(cases, headline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
