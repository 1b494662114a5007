//! `industries.tsv`: the industry taxonomy, each industry with its keywords.

use crate::analysis::normalize::normalize_label;
use crate::error::{Error, Result};

/// One industry of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Industry {
    pub name: String,
    pub keywords: Vec<String>,
}

/// The industry taxonomy (`industries.tsv`: `name<TAB>kw1,kw2,…`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Taxonomy {
    pub industries: Vec<Industry>,
}

impl Taxonomy {
    pub(super) fn parse(text: &str, source: &str) -> Result<Taxonomy> {
        let mut industries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, kws)) = line.split_once('\t') else {
                return Err(Error::Data {
                    path: source.to_string(),
                    reason: format!("line {}: expected `name<TAB>keywords`", n + 1),
                });
            };
            let keywords: Vec<String> = kws
                .split(',')
                .map(|k| k.trim().to_string())
                .filter(|k| !k.is_empty())
                .collect();
            industries.push(Industry {
                name: name.trim().to_string(),
                keywords,
            });
        }
        Ok(Taxonomy { industries })
    }

    /// Finds an industry by what a user typed (`바이오·백신`, `바이오・백신`, `바이오 백신`).
    pub fn resolve(&self, input: &str) -> Option<&Industry> {
        let key = normalize_label(input).replace(' ', "");
        self.industries
            .iter()
            .find(|i| normalize_label(&i.name).replace(' ', "") == key)
    }
}
