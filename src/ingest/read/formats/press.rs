//! Press releases (보도자료) as Korean public bodies publish them in HWP, HWPX and PDF: a header
//! table (`보도일시`, `배포일시`, `담당부서`, `담당자` …), the headline, sub-headlines, the body
//! and often a contact table at the end. [`apply`] reads that header into [`Hints`]: the
//! release date, the issuing body (or, failing that, the department), the contact person and the
//! headline — and moves the headline to the top of the text, where extraction looks for it
//! (the header table would otherwise be taken for the title).
//!
//! Works on the text the readers produce: table rows are lines with tab-separated cells (HWP,
//! HWPX); PDF text has the labels and values on one line separated by spaces, or on lines of
//! their own. A text without a release-date label or a `보도자료` heading is left alone.
//!
//! [`Hints`]: super::Hints

use std::sync::LazyLock;

use regex::Regex;

use super::{Extracted, Hint};

/// Lines from the top in which the release-date header is looked for.
const HEAD_LINES: usize = 15;
/// Lines after the first date line that can still belong to the header table.
const HEADER_SPAN: usize = 4;
/// Longest headline (characters).
const MAX_TITLE_CHARS: usize = 120;
/// Longest value quoted in evidence (characters).
const EVIDENCE_CHARS: usize = 80;

/// The header labels, with spaces allowed between syllables (`담 당 자`). A label counts only at
/// the start of a line or a cell.
static RE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|\t|\s)(?:(?P<release>보\s?도\s?(?:일\s?시|일\s?자|시\s?점|일))|(?P<dist>배\s?포\s?(?:일\s?시|일\s?자|시\s?점)?)|(?P<dept>담\s?당\s?부\s?서)|(?P<person>담\s?당\s?자|책\s?임\s?자|담\s?당\s?과\s?장))\s*[:：]?(?:\t|\s|$)",
    )
    .expect("static regex")
});
static RE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?P<y>(?:19|20)\d{2})\s*[.\-/년]\s*)?(?P<m>\d{1,2})\s*[.\-/월]\s*(?P<d>\d{1,2})\s*[.일]?")
        .expect("static regex")
});
/// `보도자료`, `보 도 자 료`, `보도참고자료`, `보도설명자료`, `설명자료`.
static RE_PRESS_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:보\s?도\s?)?(?:참\s?고\s?|설\s?명\s?|해\s?명\s?)?자\s?료$")
        .expect("static regex")
});
/// An organisation name standing alone: a ministry, agency, local government or public body
/// (the endings are `data/org_suffixes.txt`).
static RE_ORG: LazyLock<Regex> = LazyLock::new(|| {
    let endings: Vec<String> = crate::data::ORG_SUFFIXES
        .words()
        .iter()
        .map(|w| regex::escape(w))
        .collect();
    Regex::new(&format!(r"^[가-힣]{{2,20}}(?:{})$", endings.join("|"))).expect("escaped word list")
});
/// The lead sentence's subject with its head in parentheses: `□ 과학기술정보통신부(장관
/// 유영민, 이하 ‘과기정통부’)는`, `경상북도(도지사 이철우)는`.
static RE_LEAD_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[□○◇■▣◆●▶\-\s]*(?P<org>[가-힣][가-힣·]{1,24})\s*\(\s*(?:장관|차관|청장|처장|위원장|시장|도지사|지사|군수|구청장|원장|이사장|사장|총장|교육감|본부장|대표)\s")
        .expect("static regex")
});
/// The contact sentence of central-government releases: `이 자료에 대하여 더욱 자세한 내용을
/// 원하시면 과학기술정보통신부 용찬재 사무관…`.
static RE_CONTACT_ORG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"원하시면\s+(?P<org>[가-힣]{2,20}(?:부|처|청|원|위원회|시|도|군|구|공사|공단|재단))\s",
    )
    .expect("static regex")
});
static RE_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(?\s*(?:☎\s*)?\d{2,4}-\d{3,4}-\d{4}\s*\)?").expect("static regex")
});

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Label {
    Release,
    Distributed,
    Department,
    Person,
}

/// One label and its value on a line.
#[derive(Debug)]
struct Field {
    label: Label,
    /// The label as written (`보도일시`, `보도시점`).
    name: String,
    value: String,
    line: usize,
}

/// Reads a press-release header into `out.hints` (fields already set are kept) and moves the
/// headline to the top of `out.text`. Evidence names the label (`보도일시 2018. 9. 4.(화) …`);
/// the caller prefixes the format.
pub fn apply(out: &mut Extracted) {
    let lines: Vec<&str> = out.text.lines().collect();
    let fields = fields(&lines);
    let heading = lines
        .iter()
        .take(5)
        .any(|l| l.split('\t').any(|c| RE_PRESS_HEADING.is_match(&squash(c))));
    // A bare `배포` label counts only with a date: `배포 예정` opens ordinary sentences.
    let dated = fields.iter().any(|f| {
        f.line < HEAD_LINES
            && (f.label == Label::Release
                || f.label == Label::Distributed && RE_DATE.is_match(&f.value))
    });
    if !dated && !heading {
        return;
    }

    if out.hints.date.is_none() {
        out.hints.date = release_date(&fields);
    }
    let department = fields.iter().find(|f| f.label == Label::Department);
    if out.hints.source.is_none() {
        let dept_note = department
            .map(|d| format!(" (담당부서 {})", clip(&d.value)))
            .unwrap_or_default();
        out.hints.source = issuing_body(&lines)
            .map(|(org, why)| Hint::new(org, format!("{why}{dept_note}")))
            .or_else(|| {
                department.map(|d| {
                    Hint::new(
                        first_cell(&d.value),
                        format!("{} line; no issuing body named", d.name),
                    )
                })
            });
    }
    if out.hints.author.is_none() {
        // The contact person (`담당자`) rather than the head of the unit (`책임자`, `담당과장`).
        let named = |f: &&Field| {
            f.label == Label::Person && !RE_PHONE.replace_all(&f.value, "").trim().is_empty()
        };
        out.hints.author = fields
            .iter()
            .filter(named)
            .find(|f| f.name == "담당자")
            .or_else(|| fields.iter().find(named))
            .map(|f| {
                let person = RE_PHONE.replace_all(&f.value, " ");
                let person = person.split_whitespace().collect::<Vec<_>>().join(" ");
                Hint::new(person, format!("{} line", f.name))
            });
    }
    // The header block: the date lines and the labelled lines right around them (a contact
    // table at the end of a short release is not part of it).
    let first_date = fields
        .iter()
        .filter(|f| matches!(f.label, Label::Release | Label::Distributed))
        .map(|f| f.line)
        .min();
    let header_end = first_date.map_or(0, |first| {
        fields
            .iter()
            .filter(|f| f.line <= first + HEADER_SPAN)
            .map(|f| f.line + 1)
            .max()
            .unwrap_or(first + 1)
    });
    if let Some((title, text)) = headline(&out.text, header_end) {
        if out.hints.title.is_none() {
            out.hints.title = Some(Hint::new(
                title.clone(),
                "press-release headline after the header".to_string(),
            ));
        }
        out.text = text;
    }
}

/// Every labelled value, in line order. A value is what follows the label up to the next
/// label on the line; a label ending its line takes the next line when that has no label.
fn fields(lines: &[&str]) -> Vec<Field> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let matches: Vec<_> = RE_LABEL.captures_iter(line).collect();
        for (k, c) in matches.iter().enumerate() {
            let (label, m) = if let Some(m) = c.name("release") {
                (Label::Release, m)
            } else if let Some(m) = c.name("dist") {
                (Label::Distributed, m)
            } else if let Some(m) = c.name("dept") {
                (Label::Department, m)
            } else if let Some(m) = c.name("person") {
                (Label::Person, m)
            } else {
                continue;
            };
            let start = c.get(0).map_or(m.end(), |all| all.end());
            let end = matches
                .get(k + 1)
                .and_then(|n| n.get(0))
                .map_or(line.len(), |n| n.start());
            let mut value = line.get(start.min(end)..end).unwrap_or("").to_string();
            if value.trim().is_empty() && k + 1 == matches.len() {
                if let Some(next) = lines.get(i + 1) {
                    if !RE_LABEL.is_match(next) {
                        value = next.to_string();
                    }
                }
            }
            let value = value
                .trim_matches(|c: char| c.is_whitespace() || c == ':' || c == '：' || c == '|')
                .to_string();
            out.push(Field {
                label,
                name: squash(m.as_str()),
                value,
                line: i,
            });
        }
    }
    out
}

/// The release date: the `보도일시` date, completed with the year of the `배포일시` date when
/// it has none; the `배포일시` date when the release is "on distribution" (`즉시`).
fn release_date(fields: &[Field]) -> Option<Hint> {
    let head = |label| {
        fields
            .iter()
            .find(|f| f.label == label && f.line < HEAD_LINES)
    };
    let parse = |f: &Field| {
        RE_DATE.captures(&f.value).and_then(|c| {
            let m: u32 = c["m"].parse().ok()?;
            let d: u32 = c["d"].parse().ok()?;
            let y: Option<i32> = c.name("y").and_then(|y| y.as_str().parse().ok());
            // A yearless date is checked as in a leap year (any day a month can have).
            crate::calendar::is_date(y.map_or(2000, i64::from), m, d).then_some((y, m, d))
        })
    };
    let release = head(Label::Release);
    let dist = head(Label::Distributed);
    let dist_date = dist.and_then(parse);
    let (field, (y, m, d)) = match release.and_then(|f| parse(f).map(|p| (f, p))) {
        Some((f, (None, m, d))) => (f, (dist_date.and_then(|p| p.0), m, d)),
        Some(found) => found,
        None => dist.and_then(|f| dist_date.map(|p| (f, p)))?,
    };
    let y = y.filter(|&y| crate::calendar::is_date(i64::from(y), m, d))?;
    Some(Hint::new(
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{} {}", field.name, clip(&field.value)),
    ))
}

/// The issuing body and the evidence for it.
fn issuing_body(lines: &[&str]) -> Option<(String, String)> {
    // A heading row naming the body next to `보도자료`: `문화체육관광부 | 보도자료`.
    for line in lines.iter().take(5) {
        let cells: Vec<String> = line.split('\t').map(squash).collect();
        if cells.iter().any(|c| RE_PRESS_HEADING.is_match(c)) {
            if let Some(org) = cells.iter().find(|c| RE_ORG.is_match(c)) {
                return Some((org.clone(), "press-release heading".to_string()));
            }
        }
    }
    // The lead sentence's subject: `과학기술정보통신부(장관 …)는`.
    for line in lines.iter().take(HEAD_LINES * 2) {
        if let Some(c) = RE_LEAD_SUBJECT.captures(line) {
            return Some((
                c["org"].to_string(),
                "subject of the lead sentence".to_string(),
            ));
        }
    }
    // The contact sentence at the end.
    lines.iter().rev().find_map(|line| {
        RE_CONTACT_ORG.captures(line).map(|c| {
            (
                c["org"].to_string(),
                "contact sentence (이 자료에 대하여 …)".to_string(),
            )
        })
    })
}

/// The headline: the first paragraph after the header that reads like one (short, not a
/// bullet, not a finished sentence), joined with the next when it ends in a comma (a headline
/// over two lines). Returns it and the text with it moved to the top.
fn headline(text: &str, header_end_line: usize) -> Option<(String, String)> {
    let paras: Vec<&str> = text.split("\n\n").collect();
    // The paragraph holding the last header line.
    let mut line = 0;
    let mut first = 0;
    for (i, p) in paras.iter().enumerate() {
        if line >= header_end_line {
            break;
        }
        line += p.lines().count() + 1;
        first = i + 1;
    }
    let is_candidate = |p: &str| {
        let p = p.trim();
        let chars = p.chars().count();
        chars > 0
            && chars <= MAX_TITLE_CHARS
            && !p.contains('\n')
            && !p.contains('\t')
            && !p.ends_with("다.")
            && !p.starts_with(['□', '○', 'ㅇ', '◇', '※', '▶', '-', '·', '•', '◦', '*'])
            && !RE_PRESS_HEADING.is_match(&squash(p))
            && !RE_ORG.is_match(&squash(p))
            && !RE_LABEL.is_match(p)
    };
    let start = (first..paras.len().min(first + 6)).find(|&i| is_candidate(paras[i]))?;
    let mut end = start + 1;
    let mut title = paras[start].trim().to_string();
    if title.ends_with(',') {
        if let Some(next) = paras.get(end).filter(|p| is_candidate(p)) {
            title = format!("{title} {}", next.trim());
            end += 1;
        }
    }
    let mut rest: Vec<&str> = Vec::with_capacity(paras.len());
    rest.extend(&paras[..start]);
    rest.extend(&paras[end..]);
    let text = std::iter::once(title.as_str())
        .chain(rest.into_iter().filter(|p| !p.trim().is_empty()))
        .collect::<Vec<_>>()
        .join("\n\n");
    Some((title, text))
}

/// Without spaces (labels and headings are written with spaces between syllables).
fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}

fn first_cell(s: &str) -> String {
    s.split('\t').next().unwrap_or(s).trim().to_string()
}

fn clip(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(EVIDENCE_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Extracted {
        let mut e = Extracted {
            text: text.into(),
            ..Extracted::default()
        };
        apply(&mut e);
        e
    }

    const NOORI: &str = "보도일시\t2018. 9. 4.(화) 조간(온라인 9. 3. 12:00)부터 보도해 주시기 바랍니다.\n배포일시\t2018. 9. 3.(월) 09:00\t담당부서\t거대공공연구정책과\n담당과장\t장인숙(02-2110-2430)\t담 당 자\t용찬재 사무관(02-2110-2428)\n\n우리가 독자 개발하여 최초 발사하는 한국형발사체,\n\n국민이 정한 그 이름은 ｢누리｣\n\n“세상”의 옛말로 -\n\n□ 과학기술정보통신부(장관 유영민, 이하 ‘과기정통부’)는 … 밝혔다.";

    #[test]
    fn ministry_release_in_tables() {
        let e = run(NOORI);
        let h = &e.hints;
        assert_eq!(h.date.as_ref().unwrap().value, "2018-09-04");
        assert!(h
            .date
            .as_ref()
            .unwrap()
            .evidence
            .starts_with("보도일시 2018. 9. 4.(화)"));
        assert_eq!(h.source.as_ref().unwrap().value, "과학기술정보통신부");
        assert!(h
            .source
            .as_ref()
            .unwrap()
            .evidence
            .contains("거대공공연구정책과"));
        assert_eq!(h.author.as_ref().unwrap().value, "용찬재 사무관");
        let title = "우리가 독자 개발하여 최초 발사하는 한국형발사체, 국민이 정한 그 이름은 ｢누리｣";
        assert_eq!(h.title.as_ref().unwrap().value, title);
        assert!(e.text.starts_with(&format!("{title}\n\n보도일시\t")));
        assert_eq!(e.text.matches("｢누리｣").count(), 1);
    }

    #[test]
    fn heading_row_names_the_body_and_release_time_label() {
        let e = run("문화체육관광부\t보도자료\n\n보도시점\t2024. 1. 2.(화) 08:00\t배포\t2024. 1. 2.(화) 08:00\n\n2024 파리 올림픽·패럴림픽 준비하는 우리 선수단 격려한다\n\n- 1. 2. 장미란 제2차관 방문\n\n본문.\n\n담당 부서\t체육국\t책임자\t과장\t정태경\t(044-203-3111)\n(진천선수촌)\t체육정책과\t담당자\t사무관\t최준규\t(044-203-3129)");
        let h = &e.hints;
        assert_eq!(h.date.as_ref().unwrap().value, "2024-01-02");
        assert_eq!(h.source.as_ref().unwrap().value, "문화체육관광부");
        assert_eq!(h.author.as_ref().unwrap().value, "사무관 최준규");
        assert_eq!(
            h.title.as_ref().unwrap().value,
            "2024 파리 올림픽·패럴림픽 준비하는 우리 선수단 격려한다"
        );
    }

    #[test]
    fn pdf_layout_with_spaces_and_a_yearless_release_date() {
        let e = run("보 도 자 료\n경상북도\n보도일시 5. 4.(화) 조간 배포일시 2021. 5. 3.(월) 14:00\n담당부서 일자리경제산업실 담당자 홍길동 (054-880-1234)\n\n안동에 바이오 백신 산업단지 조성\n\n□ 경상북도(도지사 이철우)는 3일 … 밝혔다.");
        let h = &e.hints;
        assert_eq!(h.date.as_ref().unwrap().value, "2021-05-04");
        assert_eq!(h.source.as_ref().unwrap().value, "경상북도");
        assert_eq!(h.author.as_ref().unwrap().value, "홍길동");
        assert_eq!(
            h.title.as_ref().unwrap().value,
            "안동에 바이오 백신 산업단지 조성"
        );
    }

    #[test]
    fn immediate_release_takes_the_distribution_date() {
        let e = run("보도일시\t배포 즉시\n배포일시\t2022. 11. 30.(수)\n\n제목입니다");
        assert_eq!(e.hints.date.unwrap().value, "2022-11-30");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let text = "경북 안동시는 22일 바이오 산업을 육성한다고 밝혔다.\n\n담당자는 …";
        let e = run(text);
        assert_eq!(e.text, text);
        assert_eq!(e.hints, Default::default());
    }

    proptest::proptest! {
        /// Any text: the press-release parser moves the headline, it never drops or adds text.
        #[test]
        fn any_text(text in "[보도일시배포담당부서자 \\t\\n0-9.,:()가-힣a-z□-]{0,300}") {
            let e = run(&text);
            let count = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
            proptest::prop_assert_eq!(count(&e.text), count(&text));
        }
    }
}
