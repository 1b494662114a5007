//! Metadata from raw article text: title, publication date/year, issuing and mentioned regions,
//! industries and source — each with the evidence that produced it.
//!
//! Rules, and why:
//! - **title**: the first cleaned line when it reads like a headline (short, not a finished
//!   sentence); otherwise the lead sentence shortened, marked `title_derived`.
//! - **date**: only from places where a publication date is written — date lines (`입력 :`,
//!   `등록`, `기사입력` …), bylines, short standalone date lines — or the file name/path. Years in
//!   running text (`2030년까지`, `2019년 12월17일 정부가`) are plans or events, never the
//!   publication date: a wrong year is worse than none.
//! - **region**: gazetteer names found among the morphemes. Short forms without a suffix
//!   (`포항`, `고성`) count only where the dictionary tags them as proper nouns. Names shared
//!   by several regions (`중구`, `고성군`, `광주`) are resolved by a 시·도 right before them, else
//!   by the 시·도 the rest of the article talks about. The issuing region is the subject of the
//!   headline or lead (`경북 안동시는 …`); all others are mentions.
//! - **industry**: taxonomy keywords counted over analysed terms, title hits weighted; an
//!   industry is assigned only at [`MIN_INDUSTRY_EVIDENCE`], so a passing mention does not tag.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::normalize::normalize_label;
use crate::analysis::{Analyzer, Morpheme, Term};
use crate::article::Metadata;
use crate::data::{NameKind, Region, Resources};

/// Evidence an industry needs: body keyword hits + [`TITLE_WEIGHT`] × title hits.
pub const MIN_INDUSTRY_EVIDENCE: usize = 3;
/// Weight of a keyword hit in the title.
pub const TITLE_WEIGHT: usize = 3;
/// Longest line taken as a headline (characters).
pub const MAX_HEADLINE_CHARS: usize = 90;
/// Length of a title derived from the lead sentence (characters).
pub const DERIVED_TITLE_CHARS: usize = 40;
/// How far into the body the lead reaches for the issuing region (characters).
const LEAD_CHARS: usize = 300;

static RE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])((?:19|20)\d{2})\s*(?:[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})|년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일)")
        .expect("static regex")
});
static RE_DATE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(입력|등록|수정|승인|발행|게재|송고|기사입력|작성일|보도일|발행일)")
        .expect("static regex")
});
static RE_PATH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?:[^\d]|$)")
        .expect("static regex")
});
static RE_PATH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|/)((?:19|20)\d{2})(?:/|$)").expect("static regex"));
/// A lead tag: `[프라임경제]`, `[뉴스토마토 정등용 기자]`, `[광주=뉴시스]`, `[광주=뉴시스 이지훈 기자]`.
static RE_SOURCE_BRACKET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[\[【]([^\]】\n]{1,40})[\]】]").expect("static regex"));
/// A dateline: `(안동=뉴스1)`, `(광주=연합뉴스) 최은영 기자 =`.
static RE_SOURCE_PAREN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[(（]([^()（）=]{1,20})=([^()（）]{1,20})[)）]").expect("static regex")
});
/// The copyright mark and what follows it: `ⓒ 프라임경제(…)`, `저작권자 © 한국Q뉴스`,
/// `<저작권자(c) 연합뉴스, …>`, `ⓒ매일신문 - www.imaeil.com`.
static RE_COPYRIGHT_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:[ⓒ©]|\(c\)|copyright\s*(?:[ⓒ©]|\(c\))?)\s*(?:\d{4}\s*)?(?:\(주\)|㈜)?\s*(.*)$",
    )
    .expect("static regex")
});

/// Words that appear in brackets at a lead but are not publishers.
const NOT_SOURCES: &[&str] = &[
    "사진",
    "포토",
    "속보",
    "단독",
    "인터뷰",
    "기고",
    "칼럼",
    "사설",
    "종합",
    "영상",
    "기자수첩",
    "카드뉴스",
    "그래픽",
    "표",
    "정정",
    "알림",
];

/// Extracts metadata from the raw text (for date/source lines that cleaning removes), the
/// cleaned text, its morphemes and terms (offsets into the cleaned text) and the file path.
pub fn extract(
    raw: &str,
    cleaned: &str,
    morphemes: &[Morpheme],
    terms: &[Term],
    path: &str,
    res: &Resources,
    keywords: &Keywords,
) -> Metadata {
    let mut md = Metadata::default();
    let (title, derived, body_start) = title_of(cleaned);
    md.evidence.insert(
        "title".into(),
        if derived {
            "no headline line; shortened lead sentence".into()
        } else {
            "first line reads as a headline".into()
        },
    );
    md.title = title;
    md.title_derived = derived;
    md.body_start = body_start;

    if let Some((date, why)) = date_of(raw, path) {
        md.year = date.get(..4).and_then(|y| y.parse().ok());
        md.evidence.insert("date".into(), why);
        md.date = if date.len() == 10 { Some(date) } else { None };
    } else {
        md.evidence.insert(
            "date".into(),
            "no date line, byline date or dated file name".into(),
        );
    }

    let (issuing, mentioned, why) = regions_of(cleaned, morphemes, body_start, derived, res);
    md.region = issuing.map(|r| r.path());
    md.mentioned_regions = mentioned.iter().map(Region::path).collect();
    md.evidence.insert("region".into(), why);

    let title_end = if derived { 0 } else { body_start };
    let (industry, why) = keywords.industries_of(terms, title_end);
    md.industry = industry;
    md.evidence.insert("industry".into(), why);

    if let Some((source, why)) = source_of(raw, res) {
        md.source = Some(source);
        md.evidence.insert("source".into(), why);
    }
    md
}

/// Title, whether it was derived, and the byte offset where the body starts.
fn title_of(cleaned: &str) -> (String, bool, usize) {
    let first = cleaned.lines().next().unwrap_or("").trim();
    let chars = first.chars().count();
    let sentence_like = first.ends_with("다.")
        || first.ends_with('.') && chars > 40
        || first.starts_with('[') && first.contains(']') && chars > 40;
    if !first.is_empty() && chars <= MAX_HEADLINE_CHARS && !sentence_like {
        let start = cleaned.find('\n').map(|i| i + 1).unwrap_or(cleaned.len());
        return (first.to_string(), false, start);
    }
    // Derived: the lead sentence, without a leading `[매체]` tag, cut at a word boundary.
    let lead = strip_lead_tag(first);
    let sentence = lead
        .split_inclusive(['.', '!', '?'])
        .next()
        .unwrap_or(lead)
        .trim();
    (shorten(sentence, DERIVED_TITLE_CHARS), true, 0)
}

fn strip_lead_tag(s: &str) -> &str {
    let t = s.trim_start();
    if t.starts_with('[') || t.starts_with('【') {
        if let Some(i) = t.find([']', '】']) {
            return t[i + t[i..].chars().next().map_or(1, char::len_utf8)..].trim_start();
        }
    }
    if t.starts_with('(') {
        if let Some(i) = t.find(')') {
            if i < 40 && t[..i].contains('=') {
                return t[i + 1..].trim_start();
            }
        }
    }
    t
}

/// Cuts `s` to about `max` characters at a word boundary, adding `…`.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.trim_end_matches('.').to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let at = cut.rfind(char::is_whitespace).filter(|&i| i > max / 2);
    let base = at.map(|i| &cut[..i]).unwrap_or(&cut);
    format!("{}…", base.trim_end_matches([',', ' ', '·']))
}

/// Publication date (`YYYY-MM-DD`, or just `YYYY` from a year folder) and the evidence.
fn date_of(raw: &str, path: &str) -> Option<(String, String)> {
    for line in raw.lines().take(400) {
        let t = line.trim();
        if t.is_empty() || t.chars().count() > 160 {
            continue;
        }
        let marked = RE_DATE_MARKER.is_match(t);
        let byline = t.contains("기자") || t.contains('@') || t.contains('|');
        let Some(caps) = RE_DATE.captures(t) else {
            continue;
        };
        let whole = caps.get(0).map(|m| m.as_str()).unwrap_or("");
        // A standalone date line: the date is most of the line.
        let standalone = t.chars().count() <= whole.chars().count() + 16
            && !t.ends_with("다.")
            && !t.contains("까지");
        if !(marked || byline || standalone) {
            continue;
        }
        let y: i32 = caps[1].parse().ok()?;
        let (m, d) = match (caps.get(2), caps.get(3), caps.get(4), caps.get(5)) {
            (Some(m), Some(d), _, _) | (_, _, Some(m), Some(d)) => {
                (m.as_str().parse().ok()?, d.as_str().parse().ok()?)
            }
            _ => continue,
        };
        if let Some(date) = valid_date(y, m, d) {
            return Some((date, format!("date line: {t}")));
        }
    }
    let file_name = path.rsplit('/').next().unwrap_or(path);
    if let Some(c) = RE_PATH_DATE.captures(file_name) {
        if let (Ok(y), Ok(m), Ok(d)) = (c[1].parse(), c[2].parse(), c[3].parse()) {
            if let Some(date) = valid_date(y, m, d) {
                return Some((date, format!("file name: {file_name}")));
            }
        }
    }
    if let Some(c) = RE_PATH_YEAR.captures(path) {
        return Some((c[1].to_string(), format!("year folder in path: {path}")));
    }
    None
}

fn valid_date(y: i32, m: u32, d: u32) -> Option<String> {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if (1990..=2100).contains(&y) && d >= 1 && d <= days {
        Some(format!("{y:04}-{m:02}-{d:02}"))
    } else {
        None
    }
}

/// One place a gazetteer name occurs.
#[derive(Debug, Clone)]
struct Mention {
    start: usize,
    end: usize,
    name: String,
    candidates: Vec<Region>,
    /// Index of the next morpheme (to look at particles).
    next: usize,
}

/// Particles that make a name the subject/topic of its sentence.
const SUBJECT_PARTICLES: &[&str] = &["JX", "JKS"];

/// Words right after a bare short form that make it an institution named after a place, not
/// the place (`전남대학교` is in 광주, `경북대` in 대구).
const INSTITUTION_WORDS: &[&str] = &["대", "대학", "대학교", "대학원", "대병원", "대학병원"];

/// Words after a bare short form that show it is a place (`구미권`, `구미 지역`, `포항 일대`).
const PLACE_WORDS: &[&str] = &[
    "권",
    "지역",
    "일대",
    "지역민",
    "시민",
    "군민",
    "도민",
    "시내",
];

/// Leading datelines (`[광주=뉴시스]`, `(광주=연합뉴스)`) name where the reporter files from,
/// not the region the article is about.
static RE_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\[(【（][^\[\]()【】（）\n]{1,20}=[^\[\]()【】（）\n]{1,20}[\])】）]")
        .expect("static regex")
});

/// The gazetteer name a morpheme stands for: the surface itself, or the surface without an
/// office/title suffix (`북구청`, `북구청장`, `안동시장`).
fn gazetteer_name<'a>(surface: &'a str, res: &Resources) -> Option<&'a str> {
    let g = &res.gazetteer;
    if !g.lookup(surface).is_empty() {
        return Some(surface);
    }
    for suffix in ["청장", "청", "장"] {
        let Some(base) = surface.strip_suffix(suffix) else {
            continue;
        };
        // Only suffixed names take a title (`안동시장` mayor, not `안동장` market day).
        if base.chars().count() >= 3
            && base.ends_with(['시', '군', '구', '도'])
            && !g.lookup(base).is_empty()
        {
            return Some(base);
        }
    }
    None
}

/// The text between two byte offsets (empty when they overlap).
fn gap(text: &str, from: usize, to: usize) -> &str {
    if from < to {
        text.get(from..to).unwrap_or("x")
    } else {
        ""
    }
}

/// A gap that makes two names parts of one enumeration (`포항, 구미`, `경주·영천`, `구미와 울산`).
fn is_list_gap(g: &str) -> bool {
    if g.is_empty() || g.chars().count() > 4 {
        return false;
    }
    let core: String = g
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '·' | '、' | '/' | '‧' | 'ㆍ'))
        .collect();
    matches!(core.as_str(), "" | "와" | "과" | "및")
}

/// Whether the text between a name and the next is only spacing (`경북 안동시`).
fn is_space_gap(g: &str) -> bool {
    g.chars().count() <= 2 && g.chars().all(char::is_whitespace)
}

fn regions_of(
    cleaned: &str,
    morphemes: &[Morpheme],
    body_start: usize,
    derived: bool,
    res: &Resources,
) -> (Option<Region>, Vec<Region>, String) {
    let g = &res.gazetteer;
    let datelines: Vec<(usize, usize)> = cleaned
        .lines()
        .scan(0usize, |at, line| {
            let start = *at;
            *at += line.len() + 1;
            Some((start, line))
        })
        .filter_map(|(start, line)| {
            let lead = line.trim_start();
            let off = start + (line.len() - lead.len());
            RE_DATELINE
                .find(lead)
                .filter(|m| m.start() == 0)
                .map(|m| (off, off + m.end()))
        })
        .collect();
    let in_dateline = |at: usize| datelines.iter().any(|&(s, e)| at >= s && at < e);

    // 1. Every morpheme that is a gazetteer name. Official names and suffixed short forms
    //    (`안동시`, `대구시`, `경북도`) are certain; a bare short form (`포항`, `경기`, `예산`) is
    //    certain where the dictionary reads it as a proper noun and otherwise only a candidate.
    let mut mentions: Vec<Mention> = Vec::new();
    let mut certain: Vec<bool> = Vec::new();
    for (i, m) in morphemes.iter().enumerate() {
        let Some(name) = gazetteer_name(&m.surface, res) else {
            continue;
        };
        if in_dateline(m.start) {
            continue;
        }
        let found = g.lookup(name);
        let official = found.iter().any(|&(_, k)| k == NameKind::Official);
        let suffixed = name.chars().count() >= 3 && name.ends_with(['시', '군', '구', '도']);
        let next = morphemes.get(i + 1);
        if !official && !suffixed {
            // `전남대학교`, `경북대`: an institution, often in another region.
            if next.is_some_and(|n| {
                n.start == m.end && INSTITUTION_WORDS.contains(&n.surface.as_str())
            }) {
                continue;
            }
            if !m.pos.starts_with("NN") {
                continue;
            }
        }
        let proper = m.pos.starts_with("NNP");
        certain.push(official || suffixed || proper);
        mentions.push(Mention {
            start: m.start,
            end: m.end,
            name: name.to_string(),
            candidates: found.into_iter().map(|(r, _)| r.clone()).collect(),
            next: i + 1,
        });
    }

    // 2. A bare short form the dictionary reads as a common noun (`구미`, `경산`, `대전`) counts
    //    in a place context: listed with other places (`포항, 구미`), alone in parentheses
    //    (`(구미)`), followed by 권/지역/일대, right before a 시·군·구 of its 시·도 (`경기
    //    광주시`), or — unless it is also an ordinary word — when its 시·도 is named elsewhere.
    let sidos_of = |m: &Mention| -> Vec<String> {
        let mut s: Vec<String> = m.candidates.iter().map(|r| r.sido.clone()).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let mut certain_sidos: HashMap<String, usize> = HashMap::new();
    for (m, _) in mentions.iter().zip(&certain).filter(|(_, c)| **c) {
        let s = sidos_of(m);
        if s.len() == 1 {
            *certain_sidos.entry(s[0].clone()).or_default() += 1;
        }
    }
    let mut accepted = certain.clone();
    let mut why_weak: Vec<Option<&'static str>> = vec![None; mentions.len()];
    loop {
        let mut changed = false;
        for k in 0..mentions.len() {
            if accepted[k] {
                continue;
            }
            let m = &mentions[k];
            // Glued to what precedes it (`초고령`, `재경기`) it is part of another word.
            if cleaned[..m.start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric())
            {
                continue;
            }
            let common = g.is_common_word(&m.name);
            let listed = (k > 0
                && accepted[k - 1]
                && is_list_gap(gap(cleaned, mentions[k - 1].end, m.start)))
                || (k + 1 < mentions.len()
                    && accepted[k + 1]
                    && is_list_gap(gap(cleaned, m.end, mentions[k + 1].start)));
            let parenthesised =
                cleaned[..m.start].ends_with('(') && cleaned[m.end..].starts_with(')');
            // `구미권`; `경산 지역` (not `고령 지역`, old-age area: an ordinary word needs 권).
            let place_word = morphemes.get(m.next).is_some_and(|n| {
                n.start.saturating_sub(m.end) <= 1
                    && if common {
                        n.start == m.end && n.surface == "권"
                    } else {
                        PLACE_WORDS.contains(&n.surface.as_str())
                    }
            });
            let prefix = mentions.get(k + 1).is_some_and(|n| {
                is_space_gap(gap(cleaned, m.end, n.start))
                    && n.candidates.iter().any(|r| {
                        r.sigungu.is_some()
                            && m.candidates
                                .iter()
                                .any(|p| p.sigungu.is_none() && p.sido == r.sido)
                    })
            });
            let province_named = !common
                && sidos_of(m)
                    .iter()
                    .any(|s| certain_sidos.get(s).copied().unwrap_or(0) > 0);
            let reason = if listed {
                Some("listed with other places")
            } else if parenthesised {
                Some("in parentheses")
            } else if place_word {
                Some("followed by 권/지역/일대")
            } else if prefix {
                Some("right before one of its 시·군·구")
            } else if province_named {
                Some("its 시·도 is named in the article")
            } else {
                None
            };
            if reason.is_some() {
                accepted[k] = true;
                why_weak[k] = reason;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut kept = Vec::new();
    let mut kept_why = Vec::new();
    for (k, m) in mentions.into_iter().enumerate() {
        if accepted[k] {
            kept.push(m);
            kept_why.push(why_weak[k]);
        }
    }
    let (mentions, why_weak) = (kept, kept_why);
    if mentions.is_empty() {
        return (None, Vec::new(), "no region name found".into());
    }

    // 3. Resolve each mention to one region. A 시·도 right before a shared name decides it
    //    (`부산 중구`, `경기 광주시`, `광주 북구`); otherwise the 시·도 the article talks about
    //    (counted over mentions that name only one 시·도, then again with the names resolved so
    //    far); `광주` with no such evidence is the metropolitan city.
    let mut cands: Vec<Vec<Region>> = mentions.iter().map(|m| m.candidates.clone()).collect();
    for i in 0..mentions.len() {
        if cands[i].len() <= 1 {
            continue;
        }
        let m = &mentions[i];
        if let Some(p) = i
            .checked_sub(1)
            .map(|j| &mentions[j])
            .filter(|p| is_space_gap(gap(cleaned, p.end, m.start)))
        {
            let sidos: Vec<&str> = p
                .candidates
                .iter()
                .filter(|r| r.sigungu.is_none())
                .map(|r| r.sido.as_str())
                .collect();
            let narrowed: Vec<Region> = cands[i]
                .iter()
                .filter(|r| r.sigungu.is_some() && sidos.contains(&r.sido.as_str()))
                .cloned()
                .collect();
            if !narrowed.is_empty() {
                // The prefix itself is then the 시·도 of the name it qualifies (`광주 북구`).
                let sido = narrowed[0].sido.clone();
                if narrowed.iter().all(|r| r.sido == sido) {
                    cands[i - 1].retain(|r| r.sigungu.is_none() && r.sido == sido);
                    if cands[i - 1].is_empty() {
                        cands[i - 1] = g.province_named(&sido).cloned().into_iter().collect();
                    }
                }
                cands[i] = narrowed;
            }
        }
    }
    let votes = |cands: &[Vec<Region>]| -> HashMap<String, usize> {
        let mut v: HashMap<String, usize> = HashMap::new();
        for c in cands {
            let mut sidos: Vec<&str> = c.iter().map(|r| r.sido.as_str()).collect();
            sidos.sort_unstable();
            sidos.dedup();
            if sidos.len() == 1 {
                *v.entry(sidos[0].to_string()).or_default() += 1;
            }
        }
        v
    };
    let by_votes = |cands: &mut [Vec<Region>]| {
        let province_votes = votes(cands);
        for c in cands.iter_mut().filter(|c| c.len() > 1) {
            let top = c
                .iter()
                .map(|r| province_votes.get(&r.sido).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            let winners: Vec<Region> = c
                .iter()
                .filter(|r| province_votes.get(&r.sido).copied().unwrap_or(0) == top)
                .cloned()
                .collect();
            let mut sidos: Vec<&str> = winners.iter().map(|r| r.sido.as_str()).collect();
            sidos.sort_unstable();
            sidos.dedup();
            if top > 0 && sidos.len() == 1 {
                *c = winners;
                if c.len() > 1 {
                    // Same 시·도 twice (광주 as 시·도 and as 광주시 of 경기 → already split by
                    // 시·도; 인천 old/new rows): keep the one 시·군·구 reading if unique.
                    let specific: Vec<Region> =
                        c.iter().filter(|r| r.sigungu.is_some()).cloned().collect();
                    if specific.len() == 1 {
                        *c = specific;
                    }
                }
            }
        }
    };
    by_votes(&mut cands);
    by_votes(&mut cands);
    for c in cands.iter_mut().filter(|c| c.len() > 1) {
        if let Some(p) = c.iter().find(|r| r.sigungu.is_none()) {
            // `광주` with no 경기도 evidence: the metropolitan city.
            *c = vec![p.clone()];
        }
    }
    // Shared district names left open may follow from the 광주 just decided.
    by_votes(&mut cands);
    let province_votes = votes(&cands);
    let resolved: Vec<(usize, Region)> = cands
        .into_iter()
        .enumerate()
        .filter(|(_, c)| c.len() == 1)
        .map(|(i, mut c)| (i, c.remove(0)))
        .collect();

    let mut mentioned: Vec<Region> = Vec::new();
    for (_, r) in &resolved {
        if !mentioned.contains(r) {
            mentioned.push(r.clone());
        }
    }

    // 4. Issuing region: subject of the title or the lead.
    let lead_end = if derived {
        char_offset(cleaned, LEAD_CHARS)
    } else {
        body_start + char_offset(&cleaned[body_start..], LEAD_CHARS)
    };
    let is_subject = |m: &Mention| {
        morphemes
            .get(m.next)
            .is_some_and(|n| SUBJECT_PARTICLES.contains(&n.pos.as_str()) && n.start == m.end)
            || cleaned[m.end..].starts_with(',')
    };
    let mut best: Option<(i32, usize, Region, String)> = None;
    for (k, (i, r)) in resolved.iter().enumerate() {
        let m = &mentions[*i];
        if m.start >= lead_end {
            break;
        }
        let in_title = !derived && m.start < body_start;
        let mut score = 0;
        if is_subject(m) {
            score += 4;
        }
        if in_title {
            score += 3;
        }
        // Earlier is better.
        score -= (k as i32).min(3);
        // A 시·군·구 right after its 시·도 (`경북 안동시는`) makes the pair the subject.
        let mut region = r.clone();
        if let Some((j, next)) = resolved.get(k + 1) {
            let nm = &mentions[*j];
            if r.sigungu.is_none()
                && next.sido == r.sido
                && next.sigungu.is_some()
                && is_space_gap(gap(cleaned, m.end, nm.start))
            {
                region = next.clone();
                if is_subject(nm) {
                    score += 4;
                }
            }
        }
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, m.start, region, m.name.clone()));
        }
    }
    let weak: Vec<String> = mentions
        .iter()
        .zip(&why_weak)
        .filter_map(|(m, w)| w.map(|w| format!("{} ({w})", m.name)))
        .collect();
    let weak_note = if weak.is_empty() {
        String::new()
    } else {
        let mut w = weak;
        w.dedup();
        format!("; short forms read as places: {}", w.join(", "))
    };
    let (issuing, why) = match best {
        Some((score, at, region, name)) if score >= 0 => {
            let why = format!(
                "`{name}` at byte {at} ({}); {} region(s) mentioned{weak_note}",
                if score >= 4 {
                    "subject of the headline/lead"
                } else {
                    "first place named in the headline/lead"
                },
                mentioned.len()
            );
            (Some(region), why)
        }
        _ => {
            // Fallback: the province that dominates the article.
            let total: usize = province_votes.values().sum();
            let top = province_votes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
            match top {
                Some((sido, &v)) if v * 2 > total && v >= 2 => {
                    let region = g.province_named(sido).cloned();
                    (
                        region,
                        format!("{sido} named in {v} of {total} region mentions{weak_note}"),
                    )
                }
                _ => (
                    None,
                    format!("no region is the subject of the lead{weak_note}"),
                ),
            }
        }
    };
    (issuing, mentioned, why)
}

/// Byte offset of the `n`th character (or the end).
fn char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map(|(i, _)| i).unwrap_or(s.len())
}

/// An industry's evidence: its name, `keyword×count` notes and the byte spans hit.
type IndustryHits = (String, Vec<String>, Vec<(usize, usize)>);

/// Industry keywords analysed once into term sequences (`농식품` → [농, 식품]), so that they
/// match the article's terms exactly as search would.
#[derive(Debug, Clone, Default)]
pub struct Keywords {
    /// (industry name, keyword as written, its terms).
    entries: Vec<(String, String, Vec<String>)>,
    /// Entries by their first term, in entry order.
    by_first: FxHashMap<String, Vec<usize>>,
}

impl Keywords {
    pub fn new(analyzer: &Analyzer, res: &Resources) -> Keywords {
        let mut entries: Vec<(String, String, Vec<String>)> = Vec::new();
        for ind in &res.taxonomy.industries {
            for kw in &ind.keywords {
                // A compound analyses to itself plus its parts at the same positions; the
                // sequence to look for is one term per position.
                let mut seq: Vec<(usize, String)> = Vec::new();
                for t in analyzer.terms(kw) {
                    if t.pos == crate::analysis::BIGRAM_POS
                        || seq.last().is_some_and(|(p, _)| *p == t.position)
                    {
                        continue;
                    }
                    seq.push((t.position, t.text));
                }
                // A keyword that analyses to one shorter word has lost a prefix or suffix
                // (신소재 → 소재, 신/XPN dropped) and would match far more than it means.
                let compact_kw = normalize_label(kw).replace(' ', "");
                let lost_part = seq.len() == 1 && seq[0].1.len() < compact_kw.len();
                if !seq.is_empty() && !lost_part {
                    entries.push((
                        ind.name.clone(),
                        kw.clone(),
                        seq.into_iter().map(|(_, t)| t).collect(),
                    ));
                }
            }
        }
        let mut by_first: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, (_, _, seq)) in entries.iter().enumerate() {
            by_first.entry(seq[0].clone()).or_default().push(i);
        }
        Keywords { entries, by_first }
    }

    /// Industries with enough keyword evidence in `terms` (hits before `title_end` weigh more).
    ///
    /// Evidence is counted per place in the text, not per keyword: `관광도시` matches the
    /// keywords 관광도시 and 관광 (a compound is indexed whole and as parts) and `유교문화
    /// 관광도시` also 문화관광 across the two words, but it is one passing mention. Overlapping
    /// hits of one industry count once.
    pub fn industries_of(&self, terms: &[Term], title_end: usize) -> (Vec<String>, String) {
        // Terms come in position order (a compound shares its position with its first part):
        // `at[p]..at[p + 1]` are the terms at position `p`.
        let positions = terms.iter().map(|t| t.position + 1).max().unwrap_or(0);
        let mut at = vec![0; positions + 2];
        for t in terms {
            at[t.position + 1] += 1;
        }
        for p in 1..at.len() {
            at[p] += at[p - 1];
        }
        // The analyzer gives terms in position order; anything else is searched the slow way.
        let sorted = terms.windows(2).all(|w| w[0].position <= w[1].position);
        let at_position = |p: usize, w: &str| -> Option<&Term> {
            if sorted {
                let (a, b) = (*at.get(p)?, *at.get(p + 1)?);
                terms[a..b].iter().find(|x| x.text == w)
            } else {
                terms.iter().find(|x| x.position == p && x.text == w)
            }
        };
        // (entry, byte span) of every keyword hit, in text order; one pass over the terms,
        // looking up the keywords that start with each.
        let mut hits: Vec<(usize, (usize, usize))> = Vec::new();
        for t in terms {
            let Some(entries) = self.by_first.get(t.text.as_str()) else {
                continue;
            };
            for &e in entries {
                let seq = &self.entries[e].2;
                let mut end = t.end;
                let whole = seq.iter().enumerate().skip(1).all(|(i, w)| {
                    match at_position(t.position + i, w) {
                        Some(x) => {
                            end = end.max(x.end);
                            true
                        }
                        None => false,
                    }
                });
                if whole {
                    hits.push((e, (t.start, end)));
                }
            }
        }
        // Per industry, in keyword order: keyword hit counts (for the evidence) and the byte
        // spans hit.
        hits.sort_by_key(|&(e, _)| e);
        let mut found_by: Vec<IndustryHits> = Vec::new();
        for group in hits.chunk_by(|a, b| a.0 == b.0) {
            let (name, kw, _) = &self.entries[group[0].0];
            let spans = group.iter().map(|&(_, span)| span);
            let hit = format!("{kw}×{}", group.len());
            match found_by.iter_mut().find(|(n, _, _)| n == name) {
                Some(entry) => {
                    entry.1.push(hit);
                    entry.2.extend(spans);
                }
                None => found_by.push((name.clone(), vec![hit], spans.collect())),
            }
        }
        let mut found = Vec::new();
        let mut why = Vec::new();
        for (name, hits, mut spans) in found_by {
            spans.sort_unstable();
            let mut places: Vec<(usize, usize)> = Vec::new();
            for (s, e) in spans {
                match places.last_mut() {
                    Some(last) if s < last.1 => last.1 = last.1.max(e),
                    _ => places.push((s, e)),
                }
            }
            let score: usize = places
                .iter()
                .map(|&(s, _)| if s < title_end { TITLE_WEIGHT } else { 1 })
                .sum();
            if score >= MIN_INDUSTRY_EVIDENCE {
                why.push(format!(
                    "{name}: {} ({} places, score {score})",
                    hits.join(", "),
                    places.len()
                ));
                found.push(name);
            }
        }
        let why = if why.is_empty() {
            format!("no industry reached a score of {MIN_INDUSTRY_EVIDENCE}")
        } else {
            why.join("; ")
        };
        (found, why)
    }
}

/// Publisher from a lead tag (`[뉴스토마토 정등용 기자]`, `[피디언]`, `[광주=뉴시스]`,
/// `(안동=뉴스1)`), else from a copyright line (`ⓒ 프라임경제(…) 무단전재`, `저작권자 © 한국Q뉴스`,
/// `<저작권자ⓒ 공감언론 뉴시스통신사 …>`). The lead tag wins: it credits the outlet that wrote
/// the article, the copyright line the site it was copied from (seed 002 has `[피디언]` and
/// `저작권자 © 한국Q뉴스`; the evidence names both). Photo credits (`ⓒ 광주광역시`) are not
/// publishers.
fn source_of(raw: &str, res: &Resources) -> Option<(String, String)> {
    let lead = lead_source(raw, res);
    let copyright = copyright_source(raw, res);
    match (lead, copyright) {
        (Some((name, why)), Some((other, cwhy))) if other != name => Some((
            name,
            format!("{why} (the copyright line names {other}: {cwhy})"),
        )),
        (Some(found), _) | (None, Some(found)) => Some(found),
        (None, None) => None,
    }
}

/// Whether a name read from a tag or a copyright line can be a publisher: not a place or an
/// office (`ⓒ 광주광역시`, `사진=안동시청`), not a section word (`[사진]`, `[속보]`).
fn publisher_like(name: &str, res: &Resources) -> bool {
    name.chars().count() >= 2
        && !NOT_SOURCES.contains(&name)
        && res.gazetteer.lookup(name).is_empty()
        && gazetteer_name(name, res).is_none()
        && !name.ends_with("제공")
        && name.chars().any(|c| c.is_alphabetic())
}

fn lead_source(raw: &str, res: &Resources) -> Option<(String, String)> {
    for line in raw.lines().take(60) {
        if let Some(c) = RE_SOURCE_BRACKET.captures(line) {
            let inner = c[1].trim();
            let after = inner.split_once('=').map_or(inner, |(_, a)| a).trim();
            let name = after.split_whitespace().next().unwrap_or("");
            if publisher_like(name, res) {
                return Some((name.to_string(), format!("lead tag: {}", c[0].trim())));
            }
        }
        if let Some(c) = RE_SOURCE_PAREN.captures(line) {
            let name = c[2].split_whitespace().next().unwrap_or("");
            if publisher_like(name, res) {
                return Some((name.to_string(), format!("dateline: {}", c[0].trim())));
            }
        }
    }
    None
}

fn copyright_source(raw: &str, res: &Resources) -> Option<(String, String)> {
    for line in raw.lines().rev() {
        let t = line
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        let Some(c) = RE_COPYRIGHT_MARK.captures(t) else {
            continue;
        };
        // A copyright statement, not a photo credit at the end of a caption sentence.
        let mark_at = c.get(0).map_or(0, |m| m.start());
        let statement = ["무단", "저작권", "재배포", "전재", "Copyright", "rights"]
            .iter()
            .any(|w| t.contains(w))
            || t[..mark_at].trim().is_empty();
        if !statement {
            continue;
        }
        let rest = &c[1];
        let end = rest
            .find(['(', ',', '|', '&', '<', '>', '/'])
            .into_iter()
            .chain(
                ["무단", " - ", "-", ". ", "All ", "all ", "www", "http"]
                    .iter()
                    .filter_map(|w| rest.find(w)),
            )
            .min()
            .unwrap_or(rest.len());
        let name = rest[..end].trim().trim_end_matches('.');
        let name = name.split_whitespace().last().unwrap_or("");
        let name = name
            .strip_suffix("통신사")
            .filter(|n| n.chars().count() >= 2)
            .unwrap_or(name);
        if publisher_like(name, res) {
            return Some((name.to_string(), format!("copyright line: {t}")));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_date_lines_only() {
        let raw = "제목\n입력 : 2019-07-30 오후 3:40:18\n2030년까지 완성한다.";
        assert_eq!(date_of(raw, "a.txt").unwrap().0, "2019-07-30");
        let raw = "김성태・강경식 기자 | kst@x.kr | 2020.06.29 17:40:29\n본문";
        assert_eq!(date_of(raw, "a.txt").unwrap().0, "2020-06-29");
        let raw = "정부가 2019년 12월17일 인공지능 국가전략을 발표하였으며 광주는 2025년까지 투자한다고 밝혔다.";
        assert!(date_of(raw, "a.txt").is_none());
        assert_eq!(
            date_of("본문", "news/2020-06-29_gwangju.txt").unwrap().0,
            "2020-06-29"
        );
        assert_eq!(date_of("본문", "2021/gwangju.txt").unwrap().0, "2021");
        assert_eq!(
            date_of("2020년 6월 29일\n본문", "a.txt").unwrap().0,
            "2020-06-29"
        );
        assert!(date_of("기사입력 2018/13/45", "a.txt").is_none());
    }

    #[test]
    fn industry_keywords_across_words_and_in_any_term_order() {
        let res = Resources::embedded().unwrap();
        let analyzer = Analyzer::new(&res.user_words()).unwrap();
        let keywords = Keywords::new(&analyzer, &res);
        let text = "안동시는 바이오 백신 산업과 백신 공장, 바이오산업 클러스터를 키운다. \
                    백신 연구소와 바이오 의약품 기업도 유치한다.";
        let terms = analyzer.analyze(text).terms;
        let (found, why) = keywords.industries_of(&terms, 0);
        assert_eq!(found, vec!["바이오·백신".to_string()], "{why}");
        assert!(why.contains("백신×"), "{why}");
        // Terms out of position order (not what the analyzer gives) find the same.
        let mut shuffled = terms.clone();
        shuffled.reverse();
        let (again, _) = keywords.industries_of(&shuffled, 0);
        assert_eq!(again, found);
        assert_eq!(keywords.industries_of(&[], 0).0, Vec::<String>::new());
    }

    #[test]
    fn sources() {
        let res = Resources::embedded().unwrap();
        let src = |raw: &str| source_of(raw, &res).map(|s| s.0);
        for (raw, publisher) in [
            ("[뉴스토마토 정등용 기자] 인천시가", "뉴스토마토"),
            ("[피디언] 디지털 변혁", "피디언"),
            (
                "본문\nⓒ 프라임경제(http://www.newsprime.co.kr) 무단전재 및 재배포금지",
                "프라임경제",
            ),
            (
                "본문\n저작권자 © 한국Q뉴스 무단전재 및 재배포 금지",
                "한국Q뉴스",
            ),
            (
                "본문\nⓒ 맛있는 뉴스토마토, 무단 전재 - 재배포 금지",
                "뉴스토마토",
            ),
            ("(안동=뉴스1) 홍길동 기자 = 본문", "뉴스1"),
            // The dateline place is not the publisher.
            ("[광주=뉴시스] 이지훈 기자 = 경기 광주시는", "뉴시스"),
            (
                "본문\n<저작권자ⓒ 공감언론 뉴시스통신사. 무단전재-재배포 금지.>",
                "뉴시스",
            ),
            (
                "본문\n<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>",
                "연합뉴스",
            ),
            ("본문\nⓒ매일신문 - www.imaeil.com", "매일신문"),
            (
                "본문\nⓒ 경향신문 & 경향닷컴(www.khan.co.kr), 무단전재 및 재배포 금지",
                "경향신문",
            ),
        ] {
            assert_eq!(src(raw).as_deref(), Some(publisher), "{raw}");
        }
        // Photo credits and section tags are not publishers.
        assert!(src("[사진] 본문").is_none());
        assert!(src("시장이 말하고 있다. ⓒ 광주광역시\n본문").is_none());
        assert!(src("본문\nⓒ 광주광역시").is_none());
        // Lead tag first; the copyright line is kept as evidence.
        let (name, why) = source_of(
            "[피디언] 본문\n저작권자 © 한국Q뉴스 무단전재 및 재배포 금지",
            &res,
        )
        .unwrap();
        assert_eq!(name, "피디언");
        assert!(why.contains("한국Q뉴스"), "{why}");
    }

    #[test]
    fn titles() {
        let (t, d, _) = title_of("인천시, 미래 일자리 창출·혁신 성장 본격화\n본문이다.");
        assert_eq!(t, "인천시, 미래 일자리 창출·혁신 성장 본격화");
        assert!(!d);
        let (t, d, s) = title_of("경북 안동시는 22일 안동시청 웅부관 소통실에서 ‘4차산업혁명 기반산업 발전위원회 출범식 및 1차 위원회’를 열었다.\n위원회는");
        assert!(d);
        assert_eq!(s, 0);
        assert!(t.starts_with("경북 안동시는 22일"));
        assert!(t.ends_with('…'));
        assert!(t.chars().count() <= DERIVED_TITLE_CHARS + 1);
    }
}
