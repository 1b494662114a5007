//! `synonyms.tsv`: query-time synonym groups.

/// Query-time synonym groups.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    pub groups: Vec<Vec<String>>,
}

impl Synonyms {
    pub(super) fn parse(text: &str) -> Synonyms {
        let groups = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                l.split(',')
                    .map(|w| w.trim().to_string())
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|g| g.len() > 1)
            .collect();
        Synonyms { groups }
    }
}
