#!/usr/bin/env python3
"""How far can main-text F1 go from kpolicy's text? Bounds and learned filters on WCXB (issue 25).

Reference tool, not part of the product: it needs `pip install trafilatura scikit-learn lxml`.
On one WCXB split's article pages (WCXB's own word F1, as `extraction_f1.py --wcxb`) it prints:

1. kpolicy's text and Python trafilatura's (2.x, `include_comments=False, include_tables=True`) alone;
2. **page choice, oracle**: the better of the two texts on every page, chosen with the ground truth
   (the ceiling of any rule or vote that picks one extractor's text per page);
3. **paragraph drop, oracle**: kpolicy's text without every paragraph of which less than a share
   `--keep` of the words occur in the ground truth (the ceiling of a filter of paragraphs);
4. **learned paragraph filters**, two-fold cross-validated over pages (trained on one half of the
   pages, scored on the other, and the other way round): gradient boosting on text features of
   each paragraph (length, end punctuation, capitals, digits, code characters, position, whether
   trafilatura has it), and logistic regression on the class/id words of the page element that
   holds the paragraph and its ancestors, plus text features; and gradient boosting on features
   of that element relative to the page (share of the kept words under the same parent and the
   same tag/class signature, depth against the commonest, link density, tag kind) plus text
   features; a paragraph is dropped below a probability threshold;
5. **learned additions**: trafilatura's paragraphs that kpolicy lacks, added when a cross-validated
   classifier (length, end punctuation, position, neighbours kept by kpolicy) says so.

    python3 scripts/extraction_bounds.py target/release/kpolicy --wcxb ../wcxb --split dev \
        [--rs-trafilatura target/release/examples/rs_trafilatura]
"""

import argparse
import collections
import math
import pathlib
import random
import re
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import extraction_f1 as ef  # noqa: E402

try:
    import lxml.html
    import scipy.sparse as sp
    import trafilatura
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.linear_model import LogisticRegression
except ImportError as e:
    sys.exit(f"extraction_bounds.py needs trafilatura, scikit-learn and lxml ({e})")

CODE = set("{}<>();=[]")
# The elements whose text a paragraph of kpolicy's text is looked up in.
HOLDERS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "pre",
           "figcaption", "dd", "dt", "div", "span", "section", "a", "strong", "em"}


def words(s):
    return ef.WORD.findall(s.lower())


def squash(s):
    return re.sub(r"\W+", "", s.lower())


def paragraphs(text):
    return [line for line in text.split("\n") if words(line)]


def in_truth(par, truth_words):
    w = words(par)
    return sum(1 for x in w if truth_words[x] > 0) / len(w)


def mean_f1(pairs):
    return statistics.mean(ef.word_prf(truth, text)[2] for truth, text in pairs)


def text_features(pars, i, traf):
    p = pars[i]
    w = words(p)
    toks = p.split()
    total = sum(len(words(q)) for q in pars) or 1
    return [
        len(w), math.log1p(len(p)), p.rstrip()[-1:] in '.!?"”다',
        sum(1 for t in toks if t[:1].isupper()) / max(1, len(toks)),
        sum(c.isdigit() for c in p) / len(p), sum(c in CODE for c in p) / len(p),
        i / len(pars), (len(pars) - 1 - i) / len(pars), i == 0, i == len(pars) - 1,
        len(w) / total, "http" in p, p.count(",") / len(w), squash(p) in traf,
        len(words(pars[i - 1])) if i > 0 else 0,
        len(words(pars[i + 1])) if i < len(pars) - 1 else 0,
    ]


def holders(html):
    """(length, squashed text, element) of the page's elements, smallest first."""
    try:
        doc = lxml.html.fromstring(html)
    except Exception:
        return []
    out = []
    for el in doc.iter():
        if isinstance(el.tag, str) and el.tag in HOLDERS:
            t = squash(el.text_content())
            if 3 <= len(t) <= 5000:
                out.append((len(t), t, el))
    out.sort(key=lambda x: x[0])
    return out


def lineage(el, n):
    """`el` and its ancestors, `n` elements at most, with their distance from `el`."""
    for up in range(n):
        if el is None:
            return
        yield up, el
        el = el.getparent()


def class_words(el):
    """Tag, class and id words of `el` and five ancestors (distance 0, 1, 2+ told apart)."""
    out = []
    for up, e in lineage(el, 6):
        if isinstance(e.tag, str):
            d = min(up, 2)
            out.append(f"t{d}={e.tag}")
            for attr in ("class", "id"):
                for t in re.split(r"[\s_\-]+", (e.get(attr) or "").lower()):
                    if t and not t.isdigit():
                        out += [f"{attr[0]}{d}={t}", f"{attr[0]}={t}"]
    return out


def holding_elements(pars, page):
    """For each paragraph, the smallest page element whose text holds it (None when none does)."""
    els = holders(page.decode("utf-8", "replace"))
    out = []
    for p in pars:
        sq = squash(p)
        out.append(next((e for n, t, e in els if n >= len(sq) and sq in t), None) if len(sq) >= 3 else None)
    return out


TAG_KINDS = ["p", "li", "h", "td", "div", "span", "a", "blockquote", "pre", "other"]


def depth(el):
    d = 0
    while el is not None:
        d, el = d + 1, el.getparent()
    return d


def signature(el):
    """Tag and class of the element and its two ancestors."""
    return tuple(f"{e.tag}.{(e.get('class') or '').strip()}" for _, e in lineage(el, 3))


def parent_path(el):
    """The parent's XPath: a stable key (lxml makes a new proxy object for an element on demand,
    so `id()` of one does not name the element)."""
    return el.getroottree().getpath(el.getparent()) if el.getparent() is not None else ""


def relative_features(pars, held):
    """Features of each paragraph's element relative to the rest of the page's kept text: the
    share of the kept words under the same parent and under the same tag/class signature, whether
    that parent holds the most words, depth against the commonest depth, link density, tag kind."""
    count = [len(words(p)) for p in pars]
    total = sum(count) or 1
    by_parent, by_sig, by_depth = collections.Counter(), collections.Counter(), collections.Counter()
    for e, c in zip(held, count):
        if e is not None:
            by_parent[parent_path(e)] += c
            by_sig[signature(e)] += c
            by_depth[depth(e)] += c
    major = by_parent.most_common(1)[0][0] if by_parent else None
    major_depth = by_depth.most_common(1)[0][0] if by_depth else 0
    out = []
    for e in held:
        if e is None:
            out.append([0] * 7 + [k == "other" for k in TAG_KINDS])
            continue
        t = e.tag
        kind = "h" if t in ("h1", "h2", "h3", "h4", "h5", "h6") else "td" if t == "th" else t
        kind = kind if kind in TAG_KINDS else "other"
        text = len(squash(e.text_content())) or 1
        link = 1.0 if t == "a" else sum(len(squash(a.text_content())) for a in e.iter("a")) / text
        out.append([1, link, any(a.tag == "a" for a in e.iterancestors()), by_parent[parent_path(e)] / total,
                    parent_path(e) == major, depth(e) - major_depth, by_sig[signature(e)] / total]
                   + [k == kind for k in TAG_KINDS])
    return out


def cross_validated(pages, fit, predict, seed=7):
    """Two folds over pages: `fit(train pages)` → model, `predict(model, page)` → probabilities."""
    order = list(range(len(pages)))
    random.Random(seed).shuffle(order)
    folds = [order[0::2], order[1::2]]
    probs = {}
    for f in range(2):
        model = fit([pages[i] for i in folds[1 - f]])
        for i in folds[f]:
            probs[i] = predict(model, pages[i])
    return probs


def boosted(features, labels, trees=150):
    """`cross_validated`'s fit and predict for gradient boosting on the pages' `features` rows
    (one per candidate paragraph) and `labels`."""
    def fit(train):
        X = [f for x in train for f in x[features]]
        y = [v for x in train for v in x[labels]]
        return GradientBoostingClassifier(n_estimators=trees, max_depth=3, random_state=0).fit(X, y)

    def predict(model, x):
        return model.predict_proba(x[features])[:, 1] if x[features] else []

    return fit, predict


def report(name, base, new):
    better = sum(n > b + 1e-9 for b, n in zip(base, new))
    worse = sum(n < b - 1e-9 for b, n in zip(base, new))
    print(f"  {name}: F1 {statistics.mean(new):.4f}  ({better} pages better, {worse} worse)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kpolicy")
    ap.add_argument("--wcxb", required=True, help="a WCXB checkout")
    ap.add_argument("--split", default="dev", choices=["dev", "test"])
    ap.add_argument("--rs-trafilatura", metavar="BIN",
                    help="also the page-choice oracle with rs-trafilatura alone "
                    "(target/release/examples/rs_trafilatura)")
    ap.add_argument("--keep", type=float, nargs="+", default=[0.5, 0.7, 0.9],
                    help="paragraph-drop oracle: share of a paragraph's words in the truth to keep it")
    args = ap.parse_args()

    cases = list(ef.wcxb(args.wcxb, args.split, {"article"}))
    if not cases:
        sys.exit(f"no WCXB article pages with a ground truth found in {args.wcxb}/{args.split}")
    got, paths, _ = ef.inspect_pages(args.kpolicy, cases)
    pages = []
    for (_, page, truth), p, t in zip(cases, paths, ef.python_trafilatura_texts(cases, False)):
        k = (got.get(p) or {}).get("text") or ""
        pars = paragraphs(k)
        tw = collections.Counter(words(truth))
        traf = squash(t)
        pages.append({
            "truth": truth, "k": k, "t": t, "pars": pars, "page": page, "tw": tw,
            "label": [in_truth(q, tw) >= 0.7 for q in pars],
            "text": [text_features(pars, i, traf) for i in range(len(pars))],
        })
    base = [ef.word_prf(x["truth"], x["k"])[2] for x in pages]
    print(f"WCXB {args.split}, {len(pages)} article pages")
    print(f"  kpolicy: F1 {statistics.mean(base):.4f}")
    print(f"  trafilatura (Python {trafilatura.__version__}): F1 "
          f"{mean_f1((x['truth'], x['t']) for x in pages):.4f}")
    choice = [max(b, ef.word_prf(x["truth"], x["t"])[2]) for b, x in zip(base, pages)]
    print(f"  page choice, oracle: F1 {statistics.mean(choice):.4f}")
    if args.rs_trafilatura:
        rs = ef.rs_trafilatura_texts(args.rs_trafilatura, cases, False)
        rs_f1 = [ef.word_prf(x["truth"], t)[2] for x, t in zip(pages, rs)]
        print(f"  rs-trafilatura alone: F1 {statistics.mean(rs_f1):.4f}; page choice with kpolicy, oracle: "
              f"F1 {statistics.mean(max(a, b) for a, b in zip(base, rs_f1)):.4f}")
    for keep in args.keep:
        new = [ef.word_prf(x["truth"], "\n".join(q for q in x["pars"] if in_truth(q, x["tw"]) >= keep))[2]
               for x in pages]
        report(f"paragraph drop, oracle (keep ≥ {keep:.0%} of words in truth)", base, new)

    def drop(name, probs, thresholds):
        for th in thresholds:
            new = [ef.word_prf(x["truth"], "\n".join(q for q, pr in zip(x["pars"], probs.get(i, []))
                                                     if pr >= th))[2] if x["pars"] else b
                   for i, (x, b) in enumerate(zip(pages, base))]
            report(f"{name}, drop below {th}", base, new)

    probs = cross_validated(pages, *boosted("text", "label"))
    drop("learned filter, text features (cross-validated)", probs, [0.2, 0.1, 0.05])

    hasher = FeatureHasher(2 ** 18, input_type="string")
    for x in pages:
        held = holding_elements(x["pars"], x["page"])
        x["dom"] = [class_words(e) if e is not None else ["nomatch"] for e in held]
        x["rel"] = [r + t[:3] + t[6:8] + t[10:11] + t[4:6]
                    for r, t in zip(relative_features(x["pars"], held), x["text"])]

    def dom_matrix(xs):
        f = [d for x in xs for d in x["dom"]]
        t = [v[:8] for x in xs for v in x["text"]]
        return sp.hstack([hasher.transform(f), sp.csr_matrix(t, dtype=float)]).tocsr()

    probs = cross_validated(
        pages,
        lambda tr: LogisticRegression(max_iter=2000).fit(dom_matrix(tr), [v for x in tr for v in x["label"]]),
        lambda m, x: m.predict_proba(dom_matrix([x]))[:, 1] if x["pars"] else [],
    )
    drop("learned filter, element class/id words (cross-validated)", probs, [0.2, 0.1, 0.05])

    probs = cross_validated(pages, *boosted("rel", "label", trees=200))
    drop("learned filter, element relative to the page's other kept text (cross-validated)", probs,
         [0.5, 0.3, 0.1])

    # Additions: trafilatura's paragraphs that kpolicy's text lacks.
    for x in pages:
        kt = squash(x["k"])
        tp = paragraphs(x["t"])
        has = [squash(q) in kt for q in tp]
        kw = len(words(x["k"])) or 1
        x["cand"] = [q for q, h in zip(tp, has) if not h]
        x["add"] = [[len(words(q)), math.log1p(len(q)), q.rstrip()[-1:] in '.!?"”다', i / len(tp),
                     sum(has[max(0, i - 2):i + 3]), len(words(q)) / kw, sum(has) / len(tp),
                     sum(c in CODE for c in q) / len(q)]
                    for i, (q, h) in enumerate(zip(tp, has)) if not h]
        x["add_label"] = [in_truth(q, x["tw"]) >= 0.8 for q in x["cand"]]

    probs = cross_validated(pages, *boosted("add", "add_label"))
    for th in (0.9, 0.7, 0.5):
        new = [ef.word_prf(x["truth"], x["k"] + "\n" + "\n".join(
            q for q, pr in zip(x["cand"], probs.get(i, [])) if pr >= th))[2]
            for i, x in enumerate(pages)]
        report(f"learned additions from trafilatura (cross-validated), add at ≥ {th}", base, new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
