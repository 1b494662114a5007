#!/usr/bin/env python3
"""Deterministic benchmark corpus for kpolicy (issue 5).

Builds N synthetic regional-policy "articles" out of real Korean sentences taken from
../shared/eval/petitions and ../shared/eval/laws (split into sentences). Every article has

  * a headline line (region + industry keyword + the start of the first body sentence),
  * a date line such as `입력 2020-06-29 10:00`,
  * a lead sentence with a region/industry flavour (`경북 안동시는 22일 바이오 …`),
  * a body of consecutive real sentences from one source document (continuing with the next
    document when it runs out), sized so the UTF-8 text is 1-5 KB (mode around 2 KB).

Output (default /work/bench-data/, outside the repository; never commit it):
  corpus.jsonl        one {"id","title","date","text"} object per line; `text` starts with the
                      headline and date lines, exactly like the .txt files
  txt/NNN/ID.txt      with --txt: the same articles as plain-text files (1000 per folder)
  extra.jsonl         one more article (not in corpus.jsonl) for the "add one article" timing
  manifest.json       parameters, counts and byte totals

Only the Python standard library is used; the same seed and inputs give byte-identical output.
"""

import argparse
import hashlib
import json
import os
import random
import re
import sys

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "eval")
DEFAULT_SOURCES = [
    os.path.join(SHARED, "petitions", "corpus.jsonl"),
    os.path.join(SHARED, "laws", "corpus.jsonl"),
]

# (short province, 시·군·구 as written in a lead). All are in data/regions.tsv.
REGIONS = [
    ("경북", "안동시"), ("경북", "포항시"), ("경북", "구미시"), ("경남", "창원시"),
    ("경남", "진주시"), ("전북", "전주시"), ("전북", "군산시"), ("전남", "여수시"),
    ("전남", "나주시"), ("충북", "청주시"), ("충북", "충주시"), ("충남", "천안시"),
    ("충남", "당진시"), ("강원", "춘천시"), ("강원", "원주시"), ("경기", "수원시"),
    ("경기", "평택시"), ("경기", "화성시"), ("대구", "달서구"), ("부산", "해운대구"),
    ("인천", "연수구"), ("광주", "광산구"), ("울산", "남구"), ("대전", "유성구"),
    ("제주", "서귀포시"), ("제주", "제주시"),
]

# Industry keywords (from data/industries.tsv) and policy nouns for leads and headlines.
INDUSTRY_WORDS = [
    "반도체", "시스템반도체", "이차전지", "배터리", "양극재", "수소", "수소충전소", "바이오",
    "백신", "스마트팜", "농식품", "관광", "문화관광", "인공지능", "데이터센터", "로봇",
    "자율주행", "전기차", "미래차", "탄소중립", "해상풍력", "태양광", "조선", "철강",
    "항공", "드론", "창업", "청년 일자리", "전통시장", "소상공인", "물류", "스마트시티",
]
POLICY_WORDS = [
    "육성 계획", "지원 사업", "특화단지 지정", "클러스터 조성", "투자 협약", "규제자유특구",
    "공모 선정", "예산 확보", "업무협약", "종합계획", "실증 사업", "인력 양성",
]
LEAD_VERBS = [
    "발표했다", "밝혔다", "추진한다고 밝혔다", "본격화한다", "협약을 체결했다",
    "계획을 내놓았다", "공모에 최종 선정됐다고 밝혔다",
]

SENT_SPLIT = re.compile(r"(?<=[.!?。])\s+|\n+")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
NOISE = re.compile(r"^[<\[(（【]?(개정|신설|삭제|전문개정|본조신설|타법개정)")


def sentences_of(text):
    out = []
    for s in SENT_SPLIT.split(text):
        s = " ".join(s.split())
        if len(s) < 12 or len(s) > 400:
            continue
        if NOISE.match(s) or len(HANGUL.findall(s)) < len(s) * 0.4:
            continue
        out.append(s)
    return out


def load_documents(paths):
    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                obj = json.loads(line)
                sents = sentences_of(obj.get("text", ""))
                if len(sents) >= 3:
                    docs.append(sents)
    if not docs:
        sys.exit("no sentences found in " + ", ".join(paths))
    return docs


def target_bytes(rng):
    # 1-5 KB, mode around 2 KB (triangular), like press articles.
    return int(rng.triangular(1000, 5000, 2000))


def article(rng, docs, n):
    sido, city = rng.choice(REGIONS)
    kw = rng.choice(INDUSTRY_WORDS)
    policy = rng.choice(POLICY_WORDS)
    year = rng.randint(2018, 2024)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(6, 22), rng.choice([0, 10, 20, 30, 40, 50])
    date = f"{year:04d}-{month:02d}-{day:02d}"
    topic = "을" if (ord(policy[-1]) - 0xAC00) % 28 else "를"
    lead = f"{sido} {city}는 {day}일 {kw} {policy}{topic} {rng.choice(LEAD_VERBS)}."

    size = target_bytes(rng)
    d = rng.randrange(len(docs))
    i = rng.randrange(len(docs[d]))
    body = []
    used = len(lead.encode("utf-8"))
    while used < size:
        s = docs[d][i]
        body.append(s)
        used += len(s.encode("utf-8")) + 1
        i += 1
        if i >= len(docs[d]):
            d, i = (d + 1) % len(docs), 0
    first = body[0]
    head = first[: rng.randint(12, 28)].rstrip()
    title = f"{city}, {kw} {policy} … {head}"
    # Paragraphs of 2-4 sentences.
    paras, k = [], 0
    while k < len(body):
        step = rng.randint(2, 4)
        paras.append(" ".join(body[k : k + step]))
        k += step
    text = "\n".join([title, f"입력 {date} {hour:02d}:{minute:02d}", lead] + paras)
    return {"id": f"bench-{n:06d}", "title": title, "date": date, "text": text}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--count", type=int, default=100000, help="articles (default 100000)")
    ap.add_argument("--seed", type=int, default=20240605)
    ap.add_argument("--out", default="/work/bench-data", help="output folder (default /work/bench-data)")
    ap.add_argument("--txt", action="store_true", help="also write one .txt file per article")
    ap.add_argument("--source", action="append", help="JSON-lines corpus with a `text` field (repeatable)")
    args = ap.parse_args()

    docs = load_documents(args.source or DEFAULT_SOURCES)
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    total_bytes = 0
    digest = hashlib.sha256()
    with open(os.path.join(args.out, "corpus.jsonl"), "w", encoding="utf-8") as out:
        for n in range(args.count):
            a = article(rng, docs, n)
            total_bytes += len(a["text"].encode("utf-8"))
            line = json.dumps(a, ensure_ascii=False) + "\n"
            digest.update(line.encode("utf-8"))
            out.write(line)
            if args.txt:
                folder = os.path.join(args.out, "txt", f"{n // 1000:03d}")
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, a["id"] + ".txt"), "w", encoding="utf-8") as f:
                    f.write(a["text"] + "\n")
    extra = article(random.Random(args.seed + 1), docs, args.count)
    extra["id"] = "bench-extra"
    extra["text"] = extra["text"] + "\n벤치마크추가기사확인용 문장이다."
    with open(os.path.join(args.out, "extra.jsonl"), "w", encoding="utf-8") as f:
        f.write(json.dumps(extra, ensure_ascii=False) + "\n")
    manifest = {
        "count": args.count,
        "seed": args.seed,
        "text_bytes": total_bytes,
        "mean_bytes": total_bytes / max(args.count, 1),
        "source_documents": len(docs),
        "sha256": digest.hexdigest(),
    }
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
