#!/usr/bin/env python3
"""Headline accuracy on text copied from web pages (issue 25: "a headline is never a page control").

Builds a set of pasted-page texts and scores `kpolicy inspect --json` on them:

* every text fixture with a headline (`tests/fixtures/extract/a*.txt`, 32 of 38: not the three
  without a headline, not the three with front matter), twice, each time with a different site's
  page controls pasted around its headline (the STYLES below: what selecting an article on a
  Korean news site and pasting it gives — control strips as rendered text, buttons glued together,
  bullets of several kinds, the date stamps, reaction and subscription buttons, a copied menu);
* every page of `tests/fixtures/html/` copied whole (select all, copy): `document.body.innerText`
  rendered by headless Chromium, when `chromium` is installed.

Each text lies in a folder of its own, so nothing is learned as a folder's boilerplate: the
controls must be recognised in a single file.

    python3 scripts/pasted_headlines.py target/release/kpolicy [--keep DIR] [--list]
    python3 scripts/pasted_headlines.py --write-fixtures tests/fixtures/pasted

Prints `headline accuracy: N/M = 0.xxx` and, with --list, every miss. `--write-fixtures`
writes the text cases (not the Chromium copies) with an `expected.jsonl`, the set that
`cargo test --release --test it extract::pasted_page_headlines` checks.
"""

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "tests" / "fixtures" / "extract"
HTML = ROOT / "tests" / "fixtures" / "html"

# (name, lines before the headline, lines after it). Written from the article pages of Korean
# national, local and portal news sites as a browser copies them (innerText): the words and the
# shapes, not any page's content.
STYLES = [
    ("wire: stamp and glued buttons", "", "송고2023-08-23 10:30\n\n공유카카오톡페이스북링크복사프린트글씨크기"),
    ("daily: font setting first", "글자크기 설정\n프린트", "공유하기\n닫기"),
    ("generic: size words", "글자크기 크게 작게", "• 프린트 • 메일 • 스크랩"),
    (
        "local CMS share list",
        "기사입력 2021.03.15 10:22\n댓글 0",
        "페이스북(으)로 기사보내기\n트위터(으)로 기사보내기\n카카오톡(으)로 기사보내기\n"
        "URL복사(으)로 기사보내기\n이메일(으)로 기사보내기\n다른 공유 찾기\n기사스크랩하기\n"
        "본문 글씨 키우기\n본문 글씨 줄이기",
    ),
    ("araea bullets", "ㆍ프린트 ㆍ메일 ㆍ스크랩", ""),
    ("font buttons", "가 가", "A+ A-"),
    ("stamps and counts", "", "입력 2024.01.05. 10:00\n업데이트 2024.01.05. 11:20\n댓글 3\n공유"),
    ("reactions", "좋아요 0 슬퍼요 0 화나요 0", "후속기사 원해요 0"),
    ("subscription", "구독하기", "기자 구독\n공유"),
    ("share prompt", "이 기사를 공유해보세요", ""),
    ("bracketed tools", "[ 글자크기 ] [ 인쇄 ] [ 공유 ]", ""),
    ("reading tools", "기사 듣기\n번역\n글자 크기 변경\n인쇄하기", ""),
    ("sns bar with count", "SNS 공유\n| 댓글 2 |", ""),
    ("audio", "음성으로 듣기", "Your browser does not support the audio element."),
    ("arrows", "▲ 글자크기 ▼", ""),
    ("share lines", "url 복사\n카카오톡 공유\n페이스북 공유\n트위터 공유", ""),
    ("menu copied too", "지역뉴스\n홈\n정치\n경제\n사회\n지역\n로그인 회원가입\n홈 > 지역 > 부산", ""),
    ("bar menu", "인쇄 | 스크랩 | 글자크기 | 공유", ""),
    ("stamps with 오전", "입력 2023. 5. 3. 오전 9:41\n수정 2023. 5. 3. 오전 10:02", ""),
    ("middle dots", "프린트 · 이메일 · 스크랩 · 공유", "글자크기 ·  크게 · 작게"),
]


def text_cases():
    """(name, text, expected headline) for the text fixtures, two styles each."""
    expected = {}
    for line in (EXTRACT / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            expected[d["file"]] = d
    cases = []
    files = sorted(p for p in EXTRACT.glob("a*.txt"))
    n = 0
    for path in files:
        d = expected.get(path.name)
        raw = path.read_text(encoding="utf-8")
        if not d or not d["title"] or raw.startswith("---"):
            continue
        lines = raw.splitlines()
        # The headline is the fixture's first line that equals the expected title.
        try:
            at = next(i for i, l in enumerate(lines) if l.strip() == d["title"])
        except StopIteration:
            continue
        for k in range(2):
            name, before, after = STYLES[(n * 2 + k * 7) % len(STYLES)]
            parts = lines[:at] + ([before] if before else []) + [lines[at]]
            parts += ([after] if after else []) + lines[at + 1 :]
            cases.append((f"{path.stem}+{name}", "\n".join(parts) + "\n", d["title"]))
        n += 1
    return cases


def page_cases():
    """(name, text, expected headline) for the HTML fixtures copied whole with Chromium."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("skipped: the HTML pages (no chromium on PATH)", file=sys.stderr)
        return []
    expected = {}
    for line in (HTML / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            expected[d["file"]] = d["title"]
    grab = (
        "<script>document.addEventListener('DOMContentLoaded',function(){"
        "var t=document.body.innerText;var p=document.createElement('pre');p.id='__copied';"
        "p.textContent=t;document.body.replaceChildren(p);});</script>"
    )
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, title in sorted(expected.items()):
            src = HTML / name
            page = pathlib.Path(tmp) / name
            raw = src.read_bytes()
            page.write_bytes(raw + grab.encode("ascii"))
            out = subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                capture_output=True,
                timeout=60,
            ).stdout.decode("utf-8", "replace")
            import html as htmlmod
            import re

            m = re.search(r'<pre id="__copied">(.*?)</pre>', out, re.S)
            if not m:
                print(f"skipped: {name}: Chromium gave no text", file=sys.stderr)
                continue
            cases.append((f"{src.stem}+copied whole", htmlmod.unescape(m.group(1)), title))
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kpolicy", nargs="?")
    ap.add_argument("--write-fixtures", metavar="DIR", help="write the text cases and stop")
    ap.add_argument("--keep", help="write the texts to this folder (one subfolder each)")
    ap.add_argument("--list", action="store_true", help="print every miss")
    ap.add_argument("--no-pages", action="store_true", help="text fixtures only")
    args = ap.parse_args()
    if args.write_fixtures:
        out = pathlib.Path(args.write_fixtures)
        lines = []
        for i, (name, text, want) in enumerate(text_cases()):
            d = out / f"p{i:02d}"
            d.mkdir(parents=True, exist_ok=True)
            (d / "pasted.txt").write_text(text, encoding="utf-8")
            lines.append(json.dumps({"file": f"p{i:02d}/pasted.txt", "case": name, "title": want}, ensure_ascii=False))
        (out / "expected.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {len(lines)} texts to {out}")
        return 0
    if not args.kpolicy:
        ap.error("the kpolicy binary to score is needed")
    cases = text_cases() + ([] if args.no_pages else page_cases())
    base = pathlib.Path(args.keep) if args.keep else pathlib.Path(tempfile.mkdtemp())
    paths = []
    for i, (name, text, _) in enumerate(cases):
        d = base / f"{i:03d}"
        d.mkdir(parents=True, exist_ok=True)
        p = d / "pasted.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    out = subprocess.run(
        [args.kpolicy, "inspect", "--json", *paths], capture_output=True, check=False
    )
    got = {}
    for line in out.stdout.decode("utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            got[d["path"]] = d.get("title")
    right = 0
    misses = []
    for (name, _, want), p in zip(cases, paths):
        title = got.get(p)
        if title is not None and " ".join(title.split()) == " ".join(want.split()):
            right += 1
        else:
            misses.append((name, want, title))
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    total = len(cases)
    print(f"headline accuracy: {right}/{total} = {right / total:.3f}")
    if args.list:
        for name, want, title in misses:
            print(f"  miss {name}: got {title!r}, want {want!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
