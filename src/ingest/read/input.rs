//! Input formats: plain text / Markdown with optional YAML front matter, JSON objects and
//! JSON-lines. Metadata a file supplies is kept apart from the text so that it can override
//! what extraction finds.

use std::collections::BTreeMap;

use serde_json::Value;

/// Metadata supplied by the user (front matter or JSON fields). Supplied values win.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Supplied {
    pub id: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub region: Option<String>,
    pub industry: Option<Vec<String>>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Keys kpolicy does not know, kept as stored fields.
    pub extra: BTreeMap<String, String>,
    /// For values a document states about itself (HTML meta tags, a press release's header)
    /// rather than a user: field → where it was found. A field not listed was user-supplied.
    pub evidence: BTreeMap<String, String>,
    /// Input format (`text`, `json`, `html` …) when it is not plain text.
    pub format: Option<&'static str>,
    /// What the format reader dropped (menus, scripts …), for `inspect`.
    pub removed: Vec<String>,
    /// Lines learned as boilerplate in the file's folder, to drop from the cleaned text
    /// (see [`crate::ingest::clean::boilerplate`]).
    pub drop_lines: Vec<String>,
}

/// One article before analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct RawArticle {
    pub text: String,
    pub supplied: Supplied,
    /// 1-based place in the input: line of JSON lines, item of a JSON array; else `None`.
    pub line: Option<usize>,
}

/// Splits YAML front matter (`---` … `---`) off a text. Returns the metadata, the body and a
/// warning when the front matter is present but unreadable (the body is then the whole text).
pub fn split_front_matter(text: &str) -> (Supplied, &str, Option<String>) {
    let rest = match text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    {
        Some(r) => r,
        None => return (Supplied::default(), text, None),
    };
    let mut offset = 0;
    let mut end = None;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = end else {
        return (
            Supplied::default(),
            text,
            Some("front matter starts with `---` but never ends; indexed as plain text".into()),
        );
    };
    let yaml = &rest[..yaml_end];
    let body = &rest[body_start..];
    match serde_norway::from_str::<serde_norway::Value>(yaml) {
        Ok(serde_norway::Value::Mapping(map)) => {
            let json: serde_json::Map<String, Value> = map
                .into_iter()
                .filter_map(|(k, v)| {
                    let key = match k {
                        serde_norway::Value::String(s) => s,
                        other => serde_norway::to_string(&other).ok()?.trim().to_string(),
                    };
                    let value = serde_json::to_value(v).ok()?;
                    Some((key, value))
                })
                .collect();
            (supplied_from_json(&json), body, None)
        }
        Ok(serde_norway::Value::Null) => (Supplied::default(), body, None),
        Ok(_) => (
            Supplied::default(),
            body,
            Some("front matter is not a key: value mapping; ignored".into()),
        ),
        Err(e) => {
            let line = e.location().map(|l| l.line() + 1).unwrap_or(1);
            (
                Supplied::default(),
                body,
                Some(format!(
                    "line {line}: front matter is not valid YAML ({}); ignored",
                    first_line(&e.to_string())
                )),
            )
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Reads known fields from a JSON object; unknown scalar fields go to `extra`.
fn supplied_from_json(obj: &serde_json::Map<String, Value>) -> Supplied {
    let mut s = Supplied::default();
    for (k, v) in obj {
        let text = || match v {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        match k.as_str() {
            "id" => s.id = text(),
            "title" => s.title = text(),
            "date" => s.date = text(),
            "region" => s.region = text(),
            "source" => s.source = text(),
            "url" => s.url = text(),
            "industry" | "industries" => {
                s.industry = match v {
                    Value::Array(items) => Some(
                        items
                            .iter()
                            .filter_map(|i| i.as_str().map(|x| x.trim().to_string()))
                            .filter(|x| !x.is_empty())
                            .collect(),
                    ),
                    Value::String(one) => Some(
                        one.split(',')
                            .map(|x| x.trim().to_string())
                            .filter(|x| !x.is_empty())
                            .collect(),
                    ),
                    _ => None,
                }
            }
            "text" | "body" => {}
            _ => {
                if let Some(t) = text() {
                    s.extra.insert(k.clone(), t);
                } else if !v.is_null() {
                    s.extra.insert(k.clone(), v.to_string());
                }
            }
        }
    }
    s
}

/// An article from one JSON object (`text` or `body` holds the content).
fn article_from_json(value: &Value, line: Option<usize>) -> Result<RawArticle, String> {
    let Value::Object(obj) = value else {
        return Err("expected a JSON object".into());
    };
    let text = obj
        .get("text")
        .or_else(|| obj.get("body"))
        .and_then(Value::as_str)
        .ok_or("no `text` or `body` string field")?;
    let mut text = text.to_string();
    let mut supplied = supplied_from_json(obj);
    supplied.format = Some("json");
    // A separate title is part of what users search; it is not in `text` itself.
    if let Some(title) = &supplied.title {
        if !text.starts_with(title.as_str()) {
            text = format!("{title}\n\n{text}");
        }
    }
    Ok(RawArticle {
        text,
        supplied,
        line,
    })
}

/// Parses JSON-lines content: good lines become articles, bad ones `(line, reason)` warnings.
pub fn parse_jsonl(content: &str) -> Parsed {
    let mut articles = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        match parse_jsonl_line(line, n) {
            Ok(a) => articles.push(a),
            Err(reason) => errors.push((n, reason)),
        }
    }
    (articles, errors)
}

/// One JSON-lines record (`line_no` 1-based) → an article, or the reason it is not one. The one
/// JSON-lines parser: `.jsonl` files and `kpolicy index --jsonl` streams both read through it.
pub(crate) fn parse_jsonl_line(line: &str, line_no: usize) -> Result<RawArticle, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    article_from_json(&value, Some(line_no))
}

/// Articles read from a file, and `(item or line number, reason)` for the parts that failed.
pub type Parsed = (Vec<RawArticle>, Vec<(usize, String)>);

/// Parses a `.json` file: one object or an array of objects.
pub fn parse_json(content: &str) -> Result<Parsed, String> {
    let value: Value = serde_json::from_str(content).map_err(|e| format!("invalid JSON: {e}"))?;
    match value {
        Value::Array(items) => {
            let mut out = Vec::new();
            let mut errors = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match article_from_json(item, None) {
                    Ok(mut a) => {
                        a.line = Some(i + 1);
                        out.push(a);
                    }
                    Err(reason) => errors.push((i + 1, format!("item {}: {reason}", i + 1))),
                }
            }
            Ok((out, errors))
        }
        other => Ok((vec![article_from_json(&other, None)?], Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields() {
        let t = "---\ntitle: 창원시 로봇\ndate: 2021-05-03\nregion: 경상남도 창원시\nindustry: [로봇, 미래차·모빌리티]\nreporter: 홍길동\n---\n본문입니다.";
        let (s, body, warn) = split_front_matter(t);
        assert!(warn.is_none());
        assert_eq!(body, "본문입니다.");
        assert_eq!(s.title.as_deref(), Some("창원시 로봇"));
        assert_eq!(s.date.as_deref(), Some("2021-05-03"));
        assert_eq!(s.region.as_deref(), Some("경상남도 창원시"));
        assert_eq!(s.industry.unwrap(), vec!["로봇", "미래차·모빌리티"]);
        assert_eq!(s.extra.get("reporter").map(String::as_str), Some("홍길동"));
    }

    #[test]
    fn broken_front_matter_is_a_warning() {
        let (s, body, warn) = split_front_matter("---\ntitle: [unclosed\n---\n본문");
        assert_eq!(s, Supplied::default());
        assert_eq!(body, "본문");
        assert!(warn.unwrap().contains("line"));
        let (_, body, warn) = split_front_matter("---\ntitle: x\n본문");
        assert_eq!(body, "---\ntitle: x\n본문");
        assert!(warn.is_some());
    }

    #[test]
    fn jsonl_good_and_bad_lines() {
        let content = "{\"id\":\"a\",\"text\":\"안동\"}\n{bad\n{\"id\":\"b\",\"body\":\"대구\"}\n{\"id\":\"c\"}\n";
        let (arts, errs) = parse_jsonl(content);
        assert_eq!(arts.len(), 2);
        assert_eq!(arts[1].text, "대구");
        assert_eq!(errs.iter().map(|e| e.0).collect::<Vec<_>>(), vec![2, 4]);
    }
}
