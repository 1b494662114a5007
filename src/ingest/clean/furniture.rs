//! Page furniture that cleaning removes and extraction reads first: copyright statements here,
//! date lines and bylines by the patterns of the data files (`data::Furniture`). Extraction
//! takes the publication date and the publisher from the raw text, before cleaning drops these
//! lines, so both steps recognise them with the same rules.

use std::sync::LazyLock;

use regex::Regex;

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
