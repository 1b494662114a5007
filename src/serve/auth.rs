//! Access with a token, for a server a team shares (`kpolicy serve --token-file FILE`, or
//! `KPOLICY_TOKEN`).
//!
//! Every request must carry the token: `Authorization: Bearer TOKEN` (scripts), `?token=TOKEN`
//! (feed readers, which cannot send headers; a page opened so also gets the cookie), or the
//! cookie the small login page (`/login`) sets once in a browser. Without it the API, the
//! feed, the originals and the export answer 401 with a JSON error, and the page answers 401
//! with the login form in place of the search page (a browser shows the form at the address
//! asked for, and goes on there after logging in). Only the login page and the style sheet it
//! uses are served to anyone.
//!
//! Tokens are compared in constant time (as BLAKE3 hashes, whose equality is constant-time,
//! so not even the length is revealed). The token is never logged nor put into any answer but
//! the cookie. A client address that presents a wrong token [`MAX_FAILURES`] times within
//! [`FAILURE_WINDOW`] gets 429 until the window ends: guessing is slow, and a mistyped token
//! costs a person nothing.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::api::ApiError;

/// Wrong tokens one client address may present per [`FAILURE_WINDOW`].
pub const MAX_FAILURES: u32 = 10;
/// How long failures are remembered, and how long a client that made too many waits.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Shortest token accepted: 16 characters of a random hex string are 64 bits, which the rate
/// limit makes unguessable; `openssl rand -hex 24` makes a good one.
pub const MIN_TOKEN_CHARS: usize = 16;
/// The cookie the login page sets.
const COOKIE: &str = "kpolicy_token";
/// Client addresses whose failures are remembered at most (older ones are forgotten first).
const MAX_TRACKED: usize = 10_000;

const LOGIN_HTML: &str = include_str!("assets/login.html");

/// The token check of one server; `None` token: everything is open (loopback use).
#[derive(Clone, Default)]
pub struct Auth {
    token: Option<blake3::Hash>,
    failures: Arc<Mutex<HashMap<IpAddr, (Instant, u32)>>>,
}

impl Auth {
    pub fn new(token: Option<&str>) -> Auth {
        Auth {
            token: token.map(|t| blake3::hash(t.as_bytes())),
            failures: Arc::default(),
        }
    }

    pub fn required(&self) -> bool {
        self.token.is_some()
    }

    fn matches(&self, presented: &str) -> bool {
        // `blake3::Hash`'s `==` is constant-time.
        self.token
            .is_some_and(|t| t == blake3::hash(presented.as_bytes()))
    }

    /// Whether `ip` made too many failed attempts lately.
    fn blocked(&self, ip: IpAddr) -> bool {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&ip)
            .is_some_and(|(since, n)| since.elapsed() < FAILURE_WINDOW && *n >= MAX_FAILURES)
    }

    fn failed(&self, ip: IpAddr) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_TRACKED {
            map.retain(|_, (since, _)| since.elapsed() < FAILURE_WINDOW);
        }
        let entry = map.entry(ip).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= FAILURE_WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }

    fn succeeded(&self, ip: IpAddr) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&ip);
    }
}

/// Checks `token` from a file or the environment: one line of at least [`MIN_TOKEN_CHARS`]
/// visible ASCII characters (it goes into a cookie and a URL). `from` names where it came
/// from in the message.
pub fn check_token(token: &str, from: &str) -> Result<String, String> {
    let t = token.trim();
    if t.is_empty() {
        return Err(format!("{from}: the token is empty"));
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '"' | '\\'))
    {
        return Err(format!(
            "{from}: the token must be one word of letters, digits and punctuation other than ; , \" \\ (make one with `openssl rand -hex 24`)"
        ));
    }
    if t.chars().count() < MIN_TOKEN_CHARS {
        return Err(format!(
            "{from}: the token is shorter than {MIN_TOKEN_CHARS} characters (make one with `openssl rand -hex 24`)"
        ));
    }
    Ok(t.to_string())
}

/// The token a request presents, and how: the header, then `?token=`, then the cookie.
fn presented(req: &Request) -> Option<(String, bool)> {
    let headers = req.headers();
    if let Some((scheme, bearer)) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
    {
        if scheme.eq_ignore_ascii_case("bearer") {
            return Some((bearer.trim().to_string(), false));
        }
    }
    if let Some(q) = req.uri().query() {
        if let Some((_, t)) = form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "token") {
            return Some((t.into_owned(), true));
        }
    }
    cookie(headers).map(|t| (t, false))
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

fn client(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip())
}

/// The cookie that keeps a browser logged in (for the life of the browser session).
fn set_cookie(token: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax")).ok()
}

/// The middleware: lets a request through when it carries the token (or none is needed).
pub async fn require(State(auth): State<Auth>, req: Request, next: Next) -> Response {
    if !auth.required() || is_public(req.uri().path()) {
        return next.run(req).await;
    }
    let ip = client(&req);
    if auth.blocked(ip) {
        return too_many();
    }
    match presented(&req) {
        Some((token, in_query)) if auth.matches(&token) => {
            auth.succeeded(ip);
            let mut r = next.run(req).await;
            if in_query {
                if let Some(c) = set_cookie(&token) {
                    r.headers_mut().insert(header::SET_COOKIE, c);
                }
            }
            r
        }
        Some(_) => {
            auth.failed(ip);
            unauthorized(&req, "the access token is wrong")
        }
        None => unauthorized(&req, "this server needs its access token"),
    }
}

/// What anyone may fetch: the login page and the style sheet it uses (no data in either).
fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/assets/app.css")
}

/// 401: the login form for the page, JSON for everything else.
fn unauthorized(req: &Request, why: &str) -> Response {
    let mut r = if req.uri().path() == "/" && req.method() == Method::GET {
        let next = req
            .uri()
            .path_and_query()
            .map_or("/".to_string(), |p| without_token(p.as_str()));
        (StatusCode::UNAUTHORIZED, login_page(&next, None)).into_response()
    } else {
        ApiError::new(
            401,
            format!("{why}: send `Authorization: Bearer TOKEN`, add `token=TOKEN` to the address, or log in at /login"),
        )
        .into_response()
    };
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"kpolicy\""),
    );
    r
}

fn too_many() -> Response {
    let mut r = ApiError::new(
        429,
        format!(
            "too many wrong tokens from this address: try again in {} seconds",
            FAILURE_WINDOW.as_secs()
        ),
    )
    .into_response();
    r.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(FAILURE_WINDOW.as_secs()),
    );
    r
}

/// `GET /login`: the form.
pub async fn login_form(req: Request) -> Response {
    let next = req
        .uri()
        .query()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "next")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_else(|| "/".into());
    login_page(&next, None).into_response()
}

/// `POST /login` (`token`, `next` form-encoded): the cookie and a redirect to `next`, or the
/// form again with the reason.
pub async fn login(State(auth): State<Auth>, req: Request) -> Response {
    let ip = client(&req);
    if auth.blocked(ip) {
        return too_many();
    }
    let body = match axum::body::to_bytes(req.into_body(), 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return ApiError::bad("the login form is too large").into_response(),
    };
    let mut token = String::new();
    let mut next = "/".to_string();
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "token" => token = v.trim().to_string(),
            "next" => next = v.into_owned(),
            _ => {}
        }
    }
    if !auth.required() {
        return redirect(&next, None);
    }
    if auth.matches(&token) {
        auth.succeeded(ip);
        return redirect(&next, set_cookie(&token));
    }
    auth.failed(ip);
    (
        StatusCode::UNAUTHORIZED,
        login_page(&next, Some("토큰이 맞지 않습니다.")),
    )
        .into_response()
}

fn redirect(next: &str, cookie: Option<HeaderValue>) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    let to = HeaderValue::from_str(&safe_next(next)).unwrap_or(HeaderValue::from_static("/"));
    r.headers_mut().insert(header::LOCATION, to);
    if let Some(c) = cookie {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

/// Only a path of this server (`/…`, not `//host` nor `/\host`), so that the login cannot
/// send a user elsewhere.
fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if ok {
        without_token(next)
    } else {
        "/".to_string()
    }
}

/// A path and query without its `token` parameter (nothing shows the token back).
fn without_token(path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return path_and_query.to_string();
    };
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "token")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return path.to_string();
    }
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{path}?{q}")
}

fn login_page(next: &str, error: Option<&str>) -> axum::response::Html<String> {
    axum::response::Html(
        LOGIN_HTML
            .replace("{next}", &html_escape(&safe_next(next)))
            .replace("{error}", &html_escape(error.unwrap_or(""))),
    )
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_and_compared_whole() {
        assert!(check_token("  0123456789abcdef0123\n", "f").is_ok());
        for (t, says) in [
            ("", "empty"),
            ("short", "shorter than 16"),
            ("0123456789abcdef 0123", "one word"),
            ("0123456789abcdef;0123", "one word"),
        ] {
            let e = check_token(t, "--token-file t.txt").expect_err(t);
            assert!(
                e.starts_with("--token-file t.txt: ") && e.contains(says),
                "{e}"
            );
        }
        let auth = Auth::new(Some("0123456789abcdef"));
        assert!(auth.matches("0123456789abcdef"));
        assert!(!auth.matches("0123456789abcdeF"));
        assert!(!auth.matches("0123456789abcdef0"));
        assert!(!auth.matches(""));
        assert!(!Auth::new(None).matches(""));
    }

    #[test]
    fn too_many_failures_block_an_address_for_a_while() {
        let auth = Auth::new(Some("0123456789abcdef"));
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        for _ in 0..MAX_FAILURES - 1 {
            auth.failed(a);
        }
        assert!(!auth.blocked(a));
        auth.failed(a);
        assert!(auth.blocked(a));
        assert!(!auth.blocked(b), "other addresses are not affected");
    }

    #[test]
    fn login_goes_on_only_to_this_server_and_never_shows_the_token() {
        assert_eq!(safe_next("/?q=a&token=s3cret&page=2"), "/?q=a&page=2");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example/"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/api/stats"), "/api/stats");
        let page = login_page("/?q=\"><script>", Some("x")).0;
        assert!(!page.contains("<script>"), "{page}");
        assert!(
            page.contains("&lt;script&gt;") || page.contains("%3Cscript%3E"),
            "{page}"
        );
    }
}
