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

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::analysis::{Analyzer, Morpheme, Term};
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

/// Extracted metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metadata {
    pub title: String,
    pub title_derived: bool,
    pub date: Option<String>,
    pub year: Option<i32>,
    pub region: Option<String>,
    pub mentioned_regions: Vec<String>,
    pub industry: Vec<String>,
    pub source: Option<String>,
    pub evidence: BTreeMap<String, String>,
    /// Byte offset in the cleaned text where the body starts (after a headline; 0 when the
    /// title was derived from the lead, which stays part of the body).
    #[serde(skip)]
    pub body_start: usize,
}

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
static RE_SOURCE_BRACKET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[\[【]\s*([^\]】=\s]+)(?:\s*[=\s][^\]】]*)?[\]】]").expect("static regex")
});
static RE_SOURCE_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\(([^()=]{1,20})=([^()]{1,12})\)").expect("static regex"));
static RE_COPYRIGHT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:저작권자\s*)?[ⓒ©]\s*(?:\(주\)|㈜)?\s*([^(,|]+?)\s*(?:\(|,|\||무단|All|$)")
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

    if let Some((source, why)) = source_of(raw) {
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

fn regions_of(
    cleaned: &str,
    morphemes: &[Morpheme],
    body_start: usize,
    derived: bool,
    res: &Resources,
) -> (Option<Region>, Vec<Region>, String) {
    let g = &res.gazetteer;
    let mut mentions: Vec<Mention> = Vec::new();
    for (i, m) in morphemes.iter().enumerate() {
        let surface = if m.surface.ends_with("청") && m.surface.chars().count() >= 3 {
            // 북구청, 안동시청: the office names its district.
            let s = &m.surface[..m.surface.len() - "청".len()];
            if g.lookup(s).is_empty() {
                m.surface.as_str()
            } else {
                s
            }
        } else {
            m.surface.as_str()
        };
        let found = g.lookup(surface);
        if found.is_empty() {
            continue;
        }
        // Official names and suffixed short forms always count; a bare short form (`포항`,
        // `경북`, but also `예산` budget, `경기` economy) only where the dictionary reads it as a
        // proper noun.
        let official = found.iter().any(|&(_, k)| k == NameKind::Official);
        let proper = m.pos.starts_with("NNP");
        let suffixed = surface.chars().count() >= 3 && surface.ends_with(['시', '군', '구', '도']);
        if !(official || proper || suffixed) {
            continue;
        }
        mentions.push(Mention {
            start: m.start,
            end: m.end,
            name: surface.to_string(),
            candidates: found.into_iter().map(|(r, _)| r.clone()).collect(),
            next: i + 1,
        });
    }
    if mentions.is_empty() {
        return (None, Vec::new(), "no region name found".into());
    }

    // Provinces the article talks about, by unambiguous evidence.
    let mut province_votes: HashMap<String, usize> = HashMap::new();
    for m in &mentions {
        let mut sidos: Vec<&str> = m.candidates.iter().map(|r| r.sido.as_str()).collect();
        sidos.sort_unstable();
        sidos.dedup();
        if sidos.len() == 1 {
            *province_votes.entry(sidos[0].to_string()).or_default() += 1;
        }
    }

    // Resolve each mention to one region.
    let mut resolved: Vec<(usize, Region)> = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        let mut cands = m.candidates.clone();
        // 광주: the metropolitan city unless 경기도 context is right before it or dominates.
        if cands.len() > 1 {
            // A 시·도 immediately before (`경북 안동시`, `부산 중구`).
            let before = i
                .checked_sub(1)
                .map(|j| &mentions[j])
                .filter(|p| m.start.saturating_sub(p.end) <= 3);
            if let Some(p) = before {
                let sidos: Vec<&str> = p
                    .candidates
                    .iter()
                    .filter(|r| r.sigungu.is_none())
                    .map(|r| r.sido.as_str())
                    .collect();
                let narrowed: Vec<Region> = cands
                    .iter()
                    .filter(|r| r.sigungu.is_some() && sidos.contains(&r.sido.as_str()))
                    .cloned()
                    .collect();
                if !narrowed.is_empty() {
                    cands = narrowed;
                }
            }
        }
        if cands.len() > 1 {
            // The province the article mostly talks about.
            let best = cands
                .iter()
                .map(|r| (province_votes.get(&r.sido).copied().unwrap_or(0), r))
                .max_by_key(|(v, _)| *v);
            let top = best.map(|(v, _)| v).unwrap_or(0);
            let winners: Vec<Region> = cands
                .iter()
                .filter(|r| province_votes.get(&r.sido).copied().unwrap_or(0) == top)
                .cloned()
                .collect();
            if top > 0 && winners.len() == 1 {
                cands = winners;
            } else if let Some(p) = cands.iter().find(|r| r.sigungu.is_none()) {
                // 광주 alone: the metropolitan city.
                cands = vec![p.clone()];
            }
        }
        if cands.len() == 1 {
            resolved.push((i, cands.remove(0)));
        }
    }

    // Merge `시·도 + 시·군·구` pairs: the 시·도 mention is subsumed.
    let mut mentioned: Vec<Region> = Vec::new();
    for (_, r) in &resolved {
        if !mentioned.contains(r) {
            mentioned.push(r.clone());
        }
    }

    // Issuing region: subject of the title or the lead.
    let lead_end = if derived {
        char_offset(cleaned, LEAD_CHARS)
    } else {
        body_start + char_offset(&cleaned[body_start..], LEAD_CHARS)
    };
    let mut best: Option<(i32, usize, Region, String)> = None;
    for (k, (i, r)) in resolved.iter().enumerate() {
        let m = &mentions[*i];
        if m.start >= lead_end {
            break;
        }
        let in_title = !derived && m.start < body_start;
        let subject = morphemes
            .get(m.next)
            .is_some_and(|n| SUBJECT_PARTICLES.contains(&n.pos.as_str()) && n.start == m.end)
            || cleaned[m.end..].starts_with(',');
        let mut score = 0;
        if subject {
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
                && nm.start.saturating_sub(m.end) <= 3
            {
                region = next.clone();
                let subject_next = morphemes.get(nm.next).is_some_and(|n| {
                    SUBJECT_PARTICLES.contains(&n.pos.as_str()) && n.start == nm.end
                });
                if subject_next {
                    score += 4;
                }
            }
        }
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, m.start, region, m.name.clone()));
        }
    }
    let (issuing, why) = match best {
        Some((score, at, region, name)) if score >= 0 => {
            let why = format!(
                "`{name}` at byte {at} ({}); {} region(s) mentioned",
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
            let top = province_votes.iter().max_by_key(|(_, v)| **v);
            match top {
                Some((sido, &v)) if v * 2 > total && v >= 2 => {
                    let region = g.province_named(sido).cloned();
                    (
                        region,
                        format!("{sido} named in {v} of {total} region mentions"),
                    )
                }
                _ => (None, "no region is the subject of the lead".into()),
            }
        }
    };
    (issuing, mentioned, why)
}

/// Byte offset of the `n`th character (or the end).
fn char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map(|(i, _)| i).unwrap_or(s.len())
}

/// Industry keywords analysed once into term sequences (`농식품` → [농, 식품]), so that they
/// match the article's terms exactly as search would.
#[derive(Debug, Clone, Default)]
pub struct Keywords {
    /// (industry name, keyword as written, its terms).
    entries: Vec<(String, String, Vec<String>)>,
}

impl Keywords {
    pub fn new(analyzer: &Analyzer, res: &Resources) -> Keywords {
        let mut entries = Vec::new();
        for ind in &res.taxonomy.industries {
            for kw in &ind.keywords {
                // A compound analyses to itself plus its parts at the same positions; the
                // sequence to look for is one term per position.
                let mut seq: Vec<(usize, String)> = Vec::new();
                for t in analyzer.terms(kw) {
                    if seq.last().is_some_and(|(p, _)| *p == t.position) {
                        continue;
                    }
                    seq.push((t.position, t.text));
                }
                if !seq.is_empty() {
                    entries.push((
                        ind.name.clone(),
                        kw.clone(),
                        seq.into_iter().map(|(_, t)| t).collect(),
                    ));
                }
            }
        }
        Keywords { entries }
    }

    /// Industries with enough keyword evidence in `terms` (hits before `title_end` weigh more).
    pub fn industries_of(&self, terms: &[Term], title_end: usize) -> (Vec<String>, String) {
        // Terms by position (a compound shares its position with its first part).
        let mut by_pos: HashMap<usize, Vec<&Term>> = HashMap::new();
        let mut firsts: HashMap<&str, Vec<&Term>> = HashMap::new();
        for t in terms {
            by_pos.entry(t.position).or_default().push(t);
            firsts.entry(t.text.as_str()).or_default().push(t);
        }
        let mut scores: Vec<(String, usize, Vec<String>)> = Vec::new();
        for (name, kw, seq) in &self.entries {
            let Some(starts) = firsts.get(seq[0].as_str()) else {
                continue;
            };
            let mut count = 0;
            for t in starts {
                let whole = seq.iter().enumerate().skip(1).all(|(i, w)| {
                    by_pos
                        .get(&(t.position + i))
                        .is_some_and(|v| v.iter().any(|x| x.text == *w))
                });
                if whole {
                    count += if t.start < title_end { TITLE_WEIGHT } else { 1 };
                }
            }
            if count == 0 {
                continue;
            }
            match scores.iter_mut().find(|(n, _, _)| n == name) {
                Some(entry) => {
                    entry.1 += count;
                    entry.2.push(format!("{kw}×{count}"));
                }
                None => scores.push((name.clone(), count, vec![format!("{kw}×{count}")])),
            }
        }
        let mut found = Vec::new();
        let mut why = Vec::new();
        for (name, score, hits) in scores {
            if score >= MIN_INDUSTRY_EVIDENCE {
                why.push(format!("{name}: {} (score {score})", hits.join(", ")));
                found.push(name);
            }
        }
        let why = if why.is_empty() {
            format!("no industry reached {MIN_INDUSTRY_EVIDENCE} keyword hits")
        } else {
            why.join("; ")
        };
        (found, why)
    }
}

/// Publisher from a lead tag (`[뉴스토마토 정등용 기자]`, `[피디언]`, `(안동=뉴스1)`) or a
/// copyright line (`ⓒ 프라임경제(…) 무단전재`, `저작권자 © 한국Q뉴스`).
fn source_of(raw: &str) -> Option<(String, String)> {
    for line in raw.lines().take(60) {
        if let Some(c) = RE_SOURCE_BRACKET.captures(line) {
            let name = c[1].trim();
            if !NOT_SOURCES.contains(&name) && name.chars().count() >= 2 {
                return Some((name.to_string(), format!("lead tag: {}", &c[0].trim())));
            }
        }
        if let Some(c) = RE_SOURCE_PAREN.captures(line) {
            let name = c[2].trim();
            return Some((name.to_string(), format!("dateline: {}", &c[0].trim())));
        }
    }
    for line in raw.lines().rev() {
        let t = line.trim();
        if !(t.contains("무단") || t.contains("저작권") || t.contains("재배포")) {
            continue;
        }
        if let Some(c) = RE_COPYRIGHT_NAME.captures(t) {
            let name = c[1].split_whitespace().last().unwrap_or("").trim();
            if name.chars().count() >= 2 {
                return Some((name.to_string(), format!("copyright line: {t}")));
            }
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
    fn sources() {
        assert_eq!(
            source_of("[뉴스토마토 정등용 기자] 인천시가").unwrap().0,
            "뉴스토마토"
        );
        assert_eq!(source_of("[피디언] 디지털 변혁").unwrap().0, "피디언");
        assert_eq!(
            source_of("본문\nⓒ 프라임경제(http://www.newsprime.co.kr) 무단전재 및 재배포금지")
                .unwrap()
                .0,
            "프라임경제"
        );
        assert_eq!(
            source_of("본문\n저작권자 © 한국Q뉴스 무단전재 및 재배포 금지")
                .unwrap()
                .0,
            "한국Q뉴스"
        );
        assert_eq!(
            source_of("본문\nⓒ 맛있는 뉴스토마토, 무단 전재 - 재배포 금지")
                .unwrap()
                .0,
            "뉴스토마토"
        );
        assert_eq!(
            source_of("(안동=뉴스1) 홍길동 기자 = 본문").unwrap().0,
            "뉴스1"
        );
        assert!(source_of("[사진] 본문").is_none());
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
