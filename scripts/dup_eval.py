#!/usr/bin/env python3
"""Measures how kpolicy folds copies of one story (issue 23) on a labelled set built from real text.

    scripts/dup_eval.py [--corpus petitions] [--seed 23] [--stories 200] [--bin target/release/kpolicy]

The labelled set (written to --out, default a temporary folder, as set.jsonl with a `story`
label per article) is made from real articles of ../shared/eval/<corpus>/corpus.jsonl the way
outlets re-publish a press release, and from stories written from one template that must stay
apart:

- copies: each of --stories real texts (its first --min-sentences to 12 sentences) is published
  by 2-5 outlets
  (some stories once only); each copy gets the outlet's dateline and byline
  ("(안동=연합뉴스) 김OO 기자 = "), a reworded headline, one sentence other than the lead dropped
  (80% of copies),
  one verb reworded (30%), the outlet's e-mail and copyright line, and a date on the same day
  or the next;
- updates ("[종합]"): for a fifth of the stories, one outlet's update that adds paragraphs of
  another real text: +20-40% text ("small": the same story, to be folded) or +120-200% ("large":
  mostly new text, labelled a story of its own);
- template series (never to be folded): daily case counts of several provinces ("신규확진 892명"
  one day, "1,104명" the next), results of several districts of one election (other candidate,
  other share), and pairs of different press releases of one city on one day (the same
  dateline, contact line and copyright line around two different real texts).

The set is indexed with the real binary (`index --jsonl`) and every article's `group` is read
back from `search "" --no-collapse --json`. Printed: pair precision and recall (pairs of articles
of one story), the share of multi-copy stories folded exactly (the group holds all of the
story's copies and nothing else), the share of all stories exactly right, false merges among
the template series, and what became of the updates. `--json` prints the numbers as JSON.
"""

import argparse
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

OUTLETS = [
    ("연합뉴스", "({city}=연합뉴스) {name} 기자 = ", "{mail}@yna.co.kr", "<저작권자(c) 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>"),
    ("뉴시스", "【{city}=뉴시스】{name} 기자 = ", "{mail}@newsis.com", "<ⓒ 공감언론 뉴시스통신사. 무단전재-재배포 금지.>"),
    ("뉴스1", "({city}=뉴스1) {name} 기자 = ", "{mail}@news1.kr", "Copyright ⓒ 뉴스1. All rights reserved. 무단 전재 및 재배포, AI학습 이용 금지."),
    ("경북일보", "[경북일보={city}] {name} 기자 = ", "{mail}@kyongbuk.com", "저작권자 © 경북일보 무단전재 및 재배포 금지"),
    ("매일신문", "[매일신문] ", "{mail}@imaeil.com", "ⓒ매일신문 - www.imaeil.com"),
    ("영남일보", "", "{name} 기자 {mail}@yeongnam.com", "<저작권자 © 영남일보, 무단 전재 및 재배포 금지>"),
    ("대구신문", "[대구신문={city}] ", "{name} 기자", "<저작권자 © 대구신문 무단전재 및 재배포금지>"),
    ("뉴스핌", "[{city}=뉴스핌] {name} 기자 = ", "{mail}@newspim.com", "저작권자(c) 글로벌리더의 지름길 종합뉴스통신사 뉴스핌(Newspim), 무단 전재-재배포 금지"),
]
CITIES = ["안동", "포항", "경주", "구미", "청주", "전주", "춘천", "창원", "순천", "제주"]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["선형", "준", "창호", "민수", "지현", "성훈", "은영", "도윤", "서연", "재원", "현우", "미경"]
PROVINCES = ["경기도", "경상북도", "전라남도", "충청북도", "강원도", "부산시"]
VERBS = [("밝혔다", "전했다"), ("말했다", "강조했다"), ("계획이다", "방침이다"), ("예정이다", "계획이다")]


def sentences(text):
    """Sentences of a real text: split after 다./요./. followed by a space or a line end."""
    parts = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text).strip())
    return [p for p in parts if len(p) >= 15]


def person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def copy_of(rng, story_sents, title, outlet, city, day, drop=True):
    name, dateline, mail, closing = outlet
    reporter = person(rng)
    sents = list(story_sents)
    if drop and len(sents) > 3 and rng.random() < 0.8:
        del sents[rng.randrange(1, len(sents))]
    if rng.random() < 0.3:
        i = rng.randrange(len(sents))
        for a, b in VERBS:
            if a in sents[i]:
                sents[i] = sents[i].replace(a, b, 1)
                break
    lead = dateline.format(city=city, name=reporter) + sents[0]
    body = "\n".join([lead] + sents[1:])
    words = title.split()
    headline = rng.choice([
        title,
        f"{city}, {title}",
        " ".join(words[: max(2, len(words) * 2 // 3)]) + "…",
        f"[{city}] {title}",
        title.replace(" ", "  ", 1) + " 추진",
    ])
    tail = mail.format(name=reporter, mail="reporter" + str(rng.randrange(100)))
    return {
        "title": headline,
        "text": f"{body}\n{tail}\n{closing}",
        "source": name,
        "date": f"2026-11-{day:02d}",
    }


def template_series(rng, out, next_story):
    """Daily case counts, district results and same-day releases: every article its own story."""
    for province in PROVINCES:
        total = rng.randrange(50_000, 300_000)
        for day in range(1, 11):
            new, abroad = rng.randrange(300, 2500), rng.randrange(3, 40)
            severe, deaths = rng.randrange(20, 90), rng.randrange(0, 12)
            total += new
            text = (
                f"({province[:2]}=연합뉴스) {person(rng)} 기자 = {province}는 {day}일 0시 기준 도내 신규확진 {new:,}명이 "
                f"발생했다고 밝혔다.\n누적 확진자는 {total:,}명으로 늘었다.\n신규 확진자 가운데 해외 유입은 {abroad}명이며, "
                f"나머지는 지역 감염이다.\n위중증 환자는 {severe}명이고, 사망자는 {deaths}명이 추가됐다.\n도는 선별진료소 "
                f"운영 시간을 연장하고 도민들에게 예방 수칙을 지켜 달라고 당부했다.\n방역 당국은 주말 이동량이 늘어 확산세가 "
                f"이어질 수 있다고 설명했다.\n<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>"
            )
            out.append(dict(title=f"{province} 신규확진 {new:,}명…누적 {total:,}명", text=text, source="연합뉴스",
                            date=f"2026-11-{day:02d}", story=next_story(), kind="template"))
    for city in CITIES[:5]:
        for district in "가나다라마바":
            winner, rival = person(rng), person(rng)
            share = rng.randrange(400, 700) / 10
            turnout = rng.randrange(450, 700) / 10
            text = (
                f"({city}=연합뉴스) {person(rng)} 기자 = 6·3 지방선거 {city}시 {district}선거구 시의원 선거에서 "
                f"{winner} 후보가 당선됐다.\n{winner[0]} 후보는 개표 결과 득표율 {share}%로 {rival} 후보를 앞섰다.\n"
                f"투표율은 {turnout}%로 지난 선거보다 조금 높았다.\n당선인은 지역 일자리를 늘리고 주민 생활 편의 시설을 "
                f"확충하겠다고 공약했다.\n시의회는 다음 달 1일 개원해 의장단을 선출한다.\n"
                f"<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>"
            )
            out.append(dict(title=f"[선택 2026] {city}시 {district}선거구 시의원에 {winner} 후보 당선", text=text,
                            source="연합뉴스", date="2026-06-04", story=next_story(), kind="template"))


def build(corpus, seed, n_stories, min_sentences):
    rng = random.Random(seed)
    docs = [json.loads(l) for l in open(corpus, encoding="utf-8")]
    docs = [d for d in docs if len(sentences(d.get("text", ""))) >= min_sentences]
    rng.shuffle(docs)
    counter = itertools.count()
    next_story = lambda: next(counter)  # noqa: E731
    out = []
    pool = docs[n_stories:]
    for d in docs[:n_stories]:
        story = next_story()
        sents = sentences(d["text"])[: rng.randrange(min_sentences, 13)]
        city = rng.choice(CITIES)
        day = rng.randrange(1, 28)
        copies = rng.choice([1, 2, 2, 3, 3, 4, 5])
        outlets = rng.sample(OUTLETS, copies)
        for i, outlet in enumerate(outlets):
            a = copy_of(rng, sents, d["title"], outlet, city, day + (1 if i and rng.random() < 0.2 else 0), drop=copies > 1)
            out.append(dict(a, story=story, kind="copy", src=d["text"]))
        if rng.random() < 0.2 and pool:
            extra = sentences(pool.pop()["text"])
            size = sum(len(s) for s in sents)
            large = rng.random() < 0.5
            want = size * (rng.uniform(1.2, 2.0) if large else rng.uniform(0.2, 0.4))
            added, got = [], 0
            for s in extra:
                if got >= want * 0.8:
                    break
                if got + len(s) <= want * 1.2:
                    added.append(s)
                    got += len(s)
            if want * 0.8 <= got <= want * 1.2:
                a = copy_of(rng, sents + added, "[종합] " + d["title"], rng.choice(OUTLETS), city, day, drop=False)
                out.append(dict(a, story=next_story() if large else story, src=d["text"],
                                kind="update-large" if large else "update-small"))
    # Two different releases of one city on one day: same dateline, contact and closing lines.
    for _ in range(20):
        if len(pool) < 2:
            break
        city = rng.choice(CITIES)
        reporter = person(rng)
        for d in (pool.pop(), pool.pop()):
            sents = sentences(d["text"])[:6]
            text = (f"({city}=뉴스1) {reporter} 기자 = " + "\n".join(sents)
                    + f"\n문의: {city}시청 홍보담당관실 054-840-6000\nCopyright ⓒ 뉴스1. All rights reserved. 무단 전재 금지.")
            out.append(dict(title=d["title"], text=text, source="뉴스1", date="2026-11-15",
                            story=next_story(), kind="release", src=d["text"]))
    template_series(rng, out, next_story)
    rng.shuffle(out)
    for i, a in enumerate(out):
        a["id"] = f"d{i:05d}"
    return out


def written(art):
    """The article as indexed (without the labels)."""
    return {k: v for k, v in art.items() if k not in ("story", "kind", "src")}


def word_containment(a, b):
    """Share of the shorter text's word trigrams that the other has too."""
    def shingles(t):
        w = re.findall(r"\w+", t)
        return set(zip(w, w[1:], w[2:]))
    x, y = shingles(a), shingles(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


def pairs(clusters):
    s = set()
    for members in clusters.values():
        for a, b in itertools.combinations(sorted(members), 2):
            s.add((a, b))
    return s


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="petitions", help="folder of ../shared/eval (petitions, korquad, autorag)")
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--stories", type=int, default=200)
    ap.add_argument("--min-sentences", type=int, default=6,
                    help="shortest story, in sentences (a press release has 6 or more; 4 is a stress test)")
    ap.add_argument("--bin", default=os.path.join(here, "..", "target", "release", "kpolicy"))
    ap.add_argument("--out", help="folder for set.jsonl and the index (default: a temporary one)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    corpus = os.path.join(here, "..", "..", "shared", "eval", a.corpus, "corpus.jsonl")
    if not os.path.exists(corpus):
        print(f"skipped: {corpus} is missing (../shared holds the eval corpora)")
        return 0
    if not os.access(a.bin, os.X_OK):
        print(f"{a.bin}: not an executable kpolicy binary (cargo build --release)", file=sys.stderr)
        return 2
    work = a.out or tempfile.mkdtemp(prefix="kpolicy-dups-")
    os.makedirs(work, exist_ok=True)
    articles = build(corpus, a.seed, a.stories, a.min_sentences)
    path = os.path.join(work, "set.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for art in articles:
            f.write(json.dumps(written(art), ensure_ascii=False) + "\n")
    with open(os.path.join(work, "labels.jsonl"), "w", encoding="utf-8") as f:
        for art in articles:
            f.write(json.dumps({"id": art["id"], "story": art["story"], "kind": art["kind"]}) + "\n")
    idx = os.path.join(work, "idx")
    subprocess.run([a.bin, "index", "--jsonl", path, "--index", idx, "--rebuild"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    res = subprocess.run([a.bin, "search", "", "--no-collapse", "--json", "--limit", "1000000", "--index", idx],
                         check=True, capture_output=True, text=True)
    hits = json.loads(res.stdout)["hits"]
    group = {h["id"].split("#")[-1]: h["group"] for h in hits}
    by_id = {art["id"]: art for art in articles}
    missing = [i for i in by_id if i not in group]
    if missing:
        print(f"{len(missing)} articles missing from the index (first: {missing[0]})", file=sys.stderr)
        return 2
    truth, pred = defaultdict(set), defaultdict(set)
    for i, art in by_id.items():
        truth[art["story"]].add(i)
        pred[group[i] or ("alone", i)].add(i)
    tp_pairs, pp_pairs = pairs(truth), pairs(pred)
    both = tp_pairs & pp_pairs
    precision = len(both) / len(pp_pairs) if pp_pairs else 1.0
    recall = len(both) / len(tp_pairs) if tp_pairs else 1.0
    cluster_of = {i: frozenset(m) for m in pred.values() for i in m}
    multi = [m for m in truth.values() if len(m) > 1]
    exact_multi = sum(1 for m in multi if cluster_of[next(iter(m))] == frozenset(m))
    exact_all = sum(1 for m in truth.values() if cluster_of[next(iter(m))] == frozenset(m))
    kinds = defaultdict(int)
    for art in articles:
        kinds[art["kind"]] += 1
    template_ids = {i for i, art in by_id.items() if art["kind"] in ("template", "release")}
    # A wrong pair of two different source texts that are themselves largely the same text (the
    # corpus holds a re-posted petition, or one event told in the same words in two Wikipedia
    # articles: 40% or more of the shorter's word trigrams in the other) is counted apart and
    # listed. Updates are not: their source is the story they update.
    wrong = pp_pairs - tp_pairs
    source_copies = {(x, y) for (x, y) in wrong
                     if by_id[x].get("src") and by_id[y].get("src")
                     and by_id[x]["src"] != by_id[y]["src"]
                     and word_containment(by_id[x]["src"], by_id[y]["src"]) >= 0.4}
    series_ids = {i for i, art in by_id.items() if art["kind"] == "template"}
    release_ids = template_ids - series_ids
    false_series = [(x, y) for (x, y) in sorted(wrong - source_copies) if x in series_ids or y in series_ids]
    false_release = [(x, y) for (x, y) in sorted(wrong - source_copies)
                     if (x, y) not in false_series and (x in release_ids or y in release_ids)]
    false_template = len(false_series) + len(false_release)
    false_other = len(wrong - source_copies) - false_template
    updates = {}
    for kind in ("update-small", "update-large"):
        ids = [i for i, art in by_id.items() if art["kind"] == kind]
        folded = 0
        for i in ids:
            # Folded: in one group with a copy of the story it updates.
            base = [j for j in cluster_of[i] if j != i and by_id[j]["kind"] == "copy"]
            folded += bool(base)
        updates[kind] = {"articles": len(ids), "folded": folded}
    report = {
        "corpus": a.corpus, "seed": a.seed, "articles": len(articles), "kinds": dict(kinds),
        "stories": len(truth), "multi_copy_stories": len(multi),
        "pair_precision": round(precision, 4), "pair_recall": round(recall, 4),
        "true_pairs": len(tp_pairs), "predicted_pairs": len(pp_pairs),
        "stories_folded_exactly": round(exact_multi / len(multi), 4) if multi else 1.0,
        "all_stories_exactly_right": round(exact_all / len(truth), 4),
        "false_merges_template_pairs": false_template, "false_merges_template_series_pairs": len(false_series),
        "false_merges_same_day_release_pairs": len(false_release), "false_merges_other_pairs": false_other,
        "merged_pairs_of_copies_in_the_source_corpus": len(source_copies),
        "updates": updates, "set": path,
    }
    if a.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(f"{a.corpus} seed {a.seed}: {len(articles)} articles ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}), "
          f"{len(truth)} stories, {len(multi)} with 2+ copies")
    print(f"pair precision {precision:.4f}  recall {recall:.4f}  ({len(both)} of {len(pp_pairs)} predicted, "
          f"{len(tp_pairs)} true pairs)")
    print(f"multi-copy stories folded exactly {exact_multi}/{len(multi)} = {report['stories_folded_exactly']:.4f}; "
          f"all stories exactly right {exact_all}/{len(truth)} = {report['all_stories_exactly_right']:.4f}")
    print(f"false merges: {len(false_series)} pairs in the template series (case counts, district results), "
          f"{len(false_release)} with a same-day release, {false_other} other pairs "
          f"(+{len(source_copies)} pairs whose source texts are themselves copies)")
    for x, y in false_series + false_release:
        c = word_containment(by_id[x].get("src", by_id[x]["text"]), by_id[y].get("src", by_id[y]["text"]))
        print(f"  wrongly folded: {x} ({by_id[x]['kind']}, {by_id[x]['title'][:30]}) + {y} ({by_id[y]['kind']}, "
              f"{by_id[y]['title'][:30]}): sources share {c:.2f} of word trigrams")
    for x, y in sorted(source_copies):
        print(f"  source copies folded: {x} ({by_id[x]['title'][:30]}) + {y} ({by_id[y]['title'][:30]}): "
              f"{word_containment(by_id[x]['src'], by_id[y]['src']):.2f} of word trigrams shared")
    print("updates: " + ", ".join(f"{k} folded {v['folded']}/{v['articles']}" for k, v in updates.items()))
    print(f"set: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
