//! The HTTP API's parameters and errors: a query string → a checked [`Request`] (the same
//! rules and messages as `kpolicy search`'s flags), and errors as JSON with their status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::data::Resources;
use crate::error::Error;
use crate::index::UNKNOWN;
use crate::search::{self, Request, Sort, DEFAULT_LIMIT};

/// Most hits one `/api/search` call returns (as Meilisearch's default `maxTotalHits`): a page
/// is built with snippets, and `limit=1000000000` must not make the server build one for every
/// article. `/api/export` gives every match.
pub const MAX_LIMIT: usize = 1000;
/// Longest query accepted, in characters (a long pasted paragraph fits; the analysis of the
/// query stays a few milliseconds).
pub const MAX_QUERY_CHARS: usize = 10_000;

/// An error answer: `{"error": message, "status": code}`, and `known` (the values that may be
/// given instead) for an unknown region or industry.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub known: Option<Vec<String>>,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            message: message.into(),
            known: None,
        }
    }

    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(400, message)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let mut api = ApiError::new(super::state::status_of(&e), e.to_string());
        if let Error::UnknownFilter { known, .. } = e {
            api.known = Some(known);
        }
        api
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "error": self.message,
            "status": self.status.as_u16(),
        });
        if let Some(known) = self.known {
            body["known"] = serde_json::json!(known);
        }
        (self.status, Json(body)).into_response()
    }
}

/// The decoded `key=value` pairs of a query string, in order; keys may repeat
/// (`region=경상북도&region=대구`).
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Params {
        Params(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Every non-empty value of `key`.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// The last non-empty value of `key`.
    pub fn one(&self, key: &str) -> Option<String> {
        self.all(key).pop()
    }

    pub(crate) fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, ApiError> {
        self.one(key)
            .map(|v| {
                v.parse()
                    .map_err(|_| ApiError::bad(format!("{key}={v}: expected a whole number")))
            })
            .transpose()
    }

    pub(crate) fn flag(&self, key: &str) -> Result<bool, ApiError> {
        match self.one(key).as_deref() {
            None | Some("0" | "false" | "off" | "no") => Ok(false),
            Some("1" | "true" | "on" | "yes") => Ok(true),
            Some(v) => Err(ApiError::bad(format!(
                "{key}={v}: expected true or false (1 or 0)"
            ))),
        }
    }

    /// The search request these parameters ask for; an unknown region, industry or sort, a
    /// bad number or date, or a too long query is the caller's mistake (400).
    pub fn request(&self, res: &Resources) -> Result<Request, ApiError> {
        let query = self.one("q").unwrap_or_default();
        if query.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::bad(format!(
                "q: the query is longer than {MAX_QUERY_CHARS} characters"
            )));
        }
        let (regions, industries) =
            search::resolve_filters(res, &self.all("region"), &self.all("industry"))?;
        let mut years = Vec::new();
        for y in self.all("year") {
            if y == UNKNOWN {
                years.push(None);
            } else {
                years.push(Some(y.parse().map_err(|_| {
                    ApiError::bad(format!(
                        "year={y}: expected a year such as 2020, or `unknown`"
                    ))
                })?));
            }
        }
        let since = self.number("since")?;
        let until = self.number("until")?;
        if !years.is_empty() && (since.is_some() || until.is_some()) {
            return Err(ApiError::bad(
                "year cannot be used with since or until (as --year with --since/--until)",
            ));
        }
        let (from, to) = search::date_range(
            self.one("from").as_deref(),
            self.one("to").as_deref(),
            |which, value| format!("{which}={value}"),
        )
        .map_err(ApiError::bad)?;
        let sort: Sort = match self.one("sort") {
            Some(s) => s.parse()?,
            None => Sort::default(),
        };
        Ok(Request {
            query,
            regions,
            mentioned: self.flag("mentioned")?,
            industries,
            years,
            since,
            until,
            from,
            to,
            limit: self
                .number("limit")?
                .unwrap_or(DEFAULT_LIMIT)
                .min(MAX_LIMIT),
            offset: self.number("offset")?.unwrap_or(0),
            any: self.flag("any")?,
            lean: false,
            no_facets: false,
            sort,
            // Copies of one story fold unless `collapse=0` asks for every article.
            no_collapse: self.one("collapse").is_some() && !self.flag("collapse")?,
            explain: self.flag("explain")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(q: &str) -> Result<Request, ApiError> {
        let res = Resources::embedded().expect("data");
        Params::parse(Some(q)).request(&res)
    }

    #[test]
    fn parameters_become_a_request() {
        let r = req("q=%EB%B0%94%EC%9D%B4%EC%98%A4&region=%EA%B2%BD%EB%B6%81&region=%EB%8C%80%EA%B5%AC&year=2020&year=unknown&mentioned=1&sort=newest&limit=5&offset=10").expect("ok");
        assert_eq!(r.query, "바이오");
        assert_eq!(r.regions, vec!["/경상북도", "/대구광역시"]);
        assert_eq!(r.years, vec![Some(2020), None]);
        assert!(r.mentioned && !r.any);
        assert_eq!((r.limit, r.offset, r.sort), (5, 10, Sort::Newest));
        assert_eq!(req("limit=1000000000").expect("ok").limit, MAX_LIMIT);
        let r = req("from=2026-11&to=2026-11").expect("ok");
        let days = (r.from.map(|d| d.to_string()), r.to.map(|d| d.to_string()));
        assert_eq!(days, (Some("2026-11-01".into()), Some("2026-11-30".into())));
        assert_eq!(req("").expect("ok").limit, DEFAULT_LIMIT);
        assert!(!req("").expect("ok").no_collapse, "copies fold by default");
        assert!(!req("collapse=1").expect("ok").no_collapse);
        assert!(req("collapse=0").expect("ok").no_collapse);
        assert!(req("collapse=false").expect("ok").no_collapse);
    }

    #[test]
    fn mistakes_are_400_with_a_reason() {
        for (q, says) in [
            ("region=nowhere", "unknown region"),
            ("industry=nothing", "unknown industry"),
            ("year=20x0", "expected a year"),
            ("limit=ten", "expected a whole number"),
            ("limit=-1", "expected a whole number"),
            ("sort=oldest", "unknown sort"),
            ("any=maybe", "expected true or false"),
            ("collapse=2", "expected true or false"),
            ("year=2020&since=2019", "cannot be used"),
            ("from=2026-13-01", "from=2026-13-01: there is no month 13"),
            ("to=2026-02-30", "to=2026-02-30: 2026-02 has no day 30"),
            (
                "from=yesterday",
                "from=yesterday: expected a date such as 2026-11-01",
            ),
            (
                "from=2026-12-01&to=2026-11-30",
                "from=2026-12-01 is after to=2026-11-30",
            ),
        ] {
            let e = req(q).expect_err(q);
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{q}");
            assert!(e.message.contains(says), "{q}: {}", e.message);
        }
        let long = format!("q={}", "가".repeat(MAX_QUERY_CHARS + 1));
        assert!(req(&long).is_err());
        assert!(req(&format!("q={}", "가".repeat(MAX_QUERY_CHARS))).is_ok());
    }
}
