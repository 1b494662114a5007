//! The query language, parsed without ever failing.
//!
//! - plain words: all required by default (`--any`: any of them);
//! - `"a phrase"`: the words in this order;
//! - `-word`, `-"a phrase"`: exclude;
//! - `title:word`, `title:"a phrase"`, `body:word`: restrict to one field;
//! - `a OR b`: either (binds the items on both sides of it).
//!
//! Anything else — unbalanced quotes, stray operators, parentheses — is read as plain words.
//! Plain words next to each other are analysed *together*, so `바이오 백신`, `바이오·백신` and
//! `바이오백신` produce the same terms.
//!
//! [`parse`] gives the items as typed and [`groups`] joins them into the groups `build`
//! makes one clause of each.

/// A field restriction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Title,
    Body,
}

/// One parsed item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub phrase: bool,
    pub negate: bool,
    pub scope: Scope,
    /// This item is joined to the previous one by `OR`.
    pub or_with_previous: bool,
}

/// Parses a query string into items.
pub fn parse(query: &str) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    let mut pending_or = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '(' || c == ')' {
            i += 1;
            continue;
        }
        // Operator prefixes.
        let mut negate = false;
        let mut scope = Scope::All;
        let start = i;
        if (c == '-' || c == '+') && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            negate = c == '-';
            i += 1;
        }
        let rest: String = chars[i..chars.len().min(i + 6)].iter().collect();
        if rest.starts_with("title:") {
            scope = Scope::Title;
            i += 6;
        } else if rest.starts_with("body:") {
            scope = Scope::Body;
            i += 5;
        }
        if i < chars.len() && is_quote(chars[i]) {
            if let Some(close) = (i + 1..chars.len()).find(|&j| is_quote(chars[j])) {
                let text: String = chars[i + 1..close].iter().collect();
                push(&mut items, text, true, negate, scope, &mut pending_or);
                i = close + 1;
                continue;
            }
            // Unbalanced quote: read the rest as plain words.
            i += 1;
            continue;
        }
        let word_start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '(' && chars[i] != ')' {
            i += 1;
        }
        let word: String = chars[word_start..i].iter().collect();
        if word.is_empty() {
            // A lone `-`, `+` or `title:`: keep it as text, it analyses to nothing.
            let raw: String = chars[start..i.max(start + 1)].iter().collect();
            push(&mut items, raw, false, false, Scope::All, &mut pending_or);
            i = i.max(start + 1);
            continue;
        }
        if (word == "OR" || word == "||") && !negate && scope == Scope::All {
            if !items.is_empty() {
                pending_or = true;
            }
            continue;
        }
        if (word == "AND" || word == "&&") && !negate && scope == Scope::All {
            continue;
        }
        push(&mut items, word, false, negate, scope, &mut pending_or);
    }
    items
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂')
}

fn push(
    items: &mut Vec<Item>,
    text: String,
    phrase: bool,
    negate: bool,
    scope: Scope,
    pending_or: &mut bool,
) {
    items.push(Item {
        text,
        phrase,
        negate,
        scope,
        or_with_previous: std::mem::take(pending_or),
    });
}

/// Groups of items: items of one group are alternatives (joined by OR). Consecutive plain
/// required items that are not part of an OR are merged into one group item whose text is
/// analysed as a whole.
pub fn groups(items: Vec<Item>) -> Vec<Vec<Item>> {
    let mut out: Vec<Vec<Item>> = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let next_is_or = items.get(n + 1).is_some_and(|x| x.or_with_previous);
        let mergeable = |it: &Item| !it.phrase && !it.negate && it.scope == Scope::All;
        if item.or_with_previous {
            if let Some(last) = out.last_mut() {
                last.push(item.clone());
                continue;
            }
        }
        if mergeable(item) && !next_is_or && !item.or_with_previous {
            if let Some(last) = out.last_mut() {
                if last.len() == 1 && mergeable(&last[0]) && !last[0].or_with_previous {
                    last[0].text.push(' ');
                    last[0].text.push_str(&item.text);
                    continue;
                }
            }
        }
        out.push(vec![item.clone()]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(q: &str) -> Vec<Vec<String>> {
        groups(parse(q))
            .into_iter()
            .map(|g| g.into_iter().map(|i| i.text).collect())
            .collect()
    }

    #[test]
    fn plain_words_merge() {
        assert_eq!(texts("바이오 백신"), vec![vec!["바이오 백신"]]);
    }

    #[test]
    fn operators() {
        let items = parse("\"인공지능 중심도시\" -광주 title:바이오 a OR b");
        assert!(items[0].phrase);
        assert!(items[1].negate);
        assert_eq!(items[2].scope, Scope::Title);
        assert!(items[4].or_with_previous);
        assert_eq!(
            texts("x a OR b y"),
            vec![
                vec!["x".to_string()],
                vec!["a".into(), "b".into()],
                vec!["y".into()]
            ]
        );
    }

    #[test]
    fn never_fails() {
        for q in [
            "\"unbalanced",
            "((",
            "-",
            "OR",
            "title:",
            "- - -",
            "\"\"",
            "a OR",
            "OR b",
        ] {
            let _ = groups(parse(q));
        }
        let items = parse("\"unbalanced words");
        assert_eq!(items.len(), 2);
        assert!(!items[0].phrase);
    }
}
