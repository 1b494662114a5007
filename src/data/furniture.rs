//! The page-furniture patterns built from two word lists: date markers (`date_markers.txt`:
//! `입력 : 2019-07-30`, `기사입력 2018/05/14`) and byline titles (`byline_titles.txt`: `정등용
//! 기자`). Cleaning removes the lines they match; extraction reads the publication date from
//! them first, so both use these.

use regex::Regex;

use super::WordList;

/// The compiled patterns.
#[derive(Debug, Clone)]
pub(crate) struct Furniture {
    /// A date marker anywhere in a line (`송고시간2021-11-23`).
    pub(crate) date_marker: Regex,
    /// A line that opens with a date marker and a year (`입력 : 2019-`, `기사 입력 2018.`).
    pub(crate) date_line: Regex,
    /// A byline: `정등용 기자`, `김성태・강경식 기자 | …`, `(안동=뉴스1) 홍길동 기자`.
    pub(crate) byline: Regex,
}

impl Furniture {
    /// The patterns of the two lists, which are not empty (`Resources` checks).
    pub(crate) fn new(date_markers: &WordList, byline_titles: &WordList) -> Furniture {
        let (markers, titles) = (alternation(date_markers), alternation(byline_titles));
        let regex = |p: String| Regex::new(&p).expect("escaped word lists");
        Furniture {
            date_marker: regex(format!("({markers})")),
            date_line: regex(format!(r"^(기사\s*)?({markers})\s*:?\s*\d{{4}}[-./년]")),
            byline: regex(format!(
                r"^[\(\[]?[^\s]{{0,20}}[\)\]]?\s*([가-힣]{{2,4}}[\s·・∙,]*){{1,3}}\s*({titles})\b.{{0,80}}$"
            )),
        }
    }
}

/// `a|b|c` of the escaped words.
fn alternation(list: &WordList) -> String {
    let words: Vec<String> = list.words().iter().map(|w| regex::escape(w)).collect();
    words.join("|")
}

#[cfg(test)]
mod tests {
    use crate::data::Resources;

    #[test]
    fn date_lines() {
        let res = Resources::embedded().unwrap();
        let f = &res.furniture;
        for line in [
            "입력 : 2019-07-30 오후 3:40:18",
            "기사입력 2018/05/14",
            "기사 입력 2018.05.14",
            "최종수정 2021.03.15 10:22",
            "작성일 2022-11-02",
        ] {
            assert!(f.date_line.is_match(line), "{line}");
            assert!(f.date_marker.is_match(line), "{line}");
        }
        assert!(!f.date_line.is_match("2030년까지 입력 2019-07-30"));
        assert!(f.date_marker.is_match("송고시간2021-11-23"));
    }

    #[test]
    fn bylines() {
        let res = Resources::embedded().unwrap();
        let f = &res.furniture;
        for line in [
            "정등용 기자",
            "김성태・강경식 기자 | kst@x.kr | 2020.06.29 17:40:29",
            "(안동=뉴스1) 홍길동 기자",
            "홍길동 특파원",
        ] {
            assert!(f.byline.is_match(line), "{line}");
        }
        assert!(!f.byline.is_match("기자회견을 열었다"));
    }
}
