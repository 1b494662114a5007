//! Page furniture that cleaning removes and extraction reads first: date lines and copyright
//! statements. Extraction takes the publication date and the publisher from the raw text, before
//! cleaning drops these lines, so both steps recognise them with the rules here.

use std::sync::LazyLock;

use regex::Regex;

/// Words that mark a publication-date line (`입력 : 2019-07-30`, `기사입력 2018/05/14`,
/// `송고시간2021-11-23`).
const DATE_MARKERS: &[&str] = &[
    "입력",
    "등록",
    "수정",
    "최종수정",
    "승인",
    "발행",
    "발행일",
    "게재",
    "송고",
    "기사입력",
    "작성일",
    "보도일",
];

/// A date marker anywhere in a line.
pub(crate) static RE_DATE_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("({})", DATE_MARKERS.join("|"))).expect("static regex"));

/// A line that opens with a date marker and a year (`입력 : 2019-`, `기사 입력 2018.`).
pub(crate) static RE_DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(기사\s*)?({})\s*:?\s*\d{{4}}[-./년]",
        DATE_MARKERS.join("|")
    ))
    .expect("static regex")
});

/// The words of a copyright or redistribution statement (`무단전재 및 재배포금지`,
/// `저작권자 © 한국Q뉴스`, `Copyright … All rights reserved`).
pub(crate) static RE_COPYRIGHT_STATEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(무단\s*전재|재배포\s*금지|무단\s*복제|저작권자\s*[ⓒ©]|Copyright|All rights reserved)",
    )
    .expect("static regex")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_lines() {
        for line in [
            "입력 : 2019-07-30 오후 3:40:18",
            "기사입력 2018/05/14",
            "기사 입력 2018.05.14",
            "최종수정 2021.03.15 10:22",
            "작성일 2022-11-02",
        ] {
            assert!(RE_DATE_LINE.is_match(line), "{line}");
            assert!(RE_DATE_MARKER.is_match(line), "{line}");
        }
        assert!(!RE_DATE_LINE.is_match("2030년까지 입력 2019-07-30"));
        assert!(RE_DATE_MARKER.is_match("송고시간2021-11-23"));
    }

    #[test]
    fn copyright_statements() {
        for line in [
            "ⓒ 프라임경제(http://www.newsprime.co.kr) 무단전재 및 재배포금지",
            "저작권자 © 한국Q뉴스 무단전재 및 재배포 금지",
            "<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>",
            "Copyright © 2021 All rights reserved",
        ] {
            assert!(RE_COPYRIGHT_STATEMENT.is_match(line), "{line}");
        }
        assert!(!RE_COPYRIGHT_STATEMENT.is_match("시장이 말하고 있다. ⓒ 광주광역시"));
    }
}
