//! `national_bodies.txt`: the names of ministries, the National Assembly and national agencies,
//! whose articles are issued nationwide (`ingest::extract` decides that from the lead).

/// Names of national bodies, longest first so that `국토교통부` wins over `국토부` prefixes.
#[derive(Debug, Clone, Default)]
pub struct NationalBodies {
    names: Vec<String>,
}

impl NationalBodies {
    /// One name a line; `#` starts a comment; a tab-separated second column (a note) is ignored.
    pub fn parse(text: &str) -> NationalBodies {
        let mut names: Vec<String> = text
            .lines()
            .map(|l| l.split(['#', '\t']).next().unwrap_or("").trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        names.dedup();
        NationalBodies { names }
    }

    /// True when `name` is a national body (`과학기술정보통신부`, `국회`).
    pub fn contains(&self, name: &str) -> bool {
        let n = name.trim();
        self.names.iter().any(|x| x == n)
    }

    /// The names, longest first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }
}
