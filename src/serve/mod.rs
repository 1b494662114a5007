//! `kpolicy serve`: the search page and the HTTP API, over the same [`crate::search`] as the CLI.
//!
//! - [`state`]: the one adapter between the server and the library (index, engine, articles);
//! - [`api`]: query-string parameters → search requests, errors as JSON;
//! - [`auth`]: the access token of a shared server (`--token-file`);
//! - [`map`]: the 시·도 boundaries as SVG paths for the page's map;
//! - [`watch`]: `--watch`, the incremental indexing of `kpolicy watch` inside the server.
//!
//! axum on tokio serves; searches run on tokio's blocking pool (they are CPU work). The page's
//! files are embedded in the binary and nothing is fetched from elsewhere. Every answer carries
//! a Content-Security-Policy that allows only this server's own scripts and styles, and
//! `nosniff`; article text reaches the page as JSON and is put into it as text, never as markup.

pub mod api;
pub mod auth;
pub mod map;
mod openapi;
pub mod state;
mod watch;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};

use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::index::KIndex;
use crate::indexer::{self, OnMissing};
use api::{ApiError, Params};
use state::{Library, Phase, Shared};

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// Only this server's own files; no inline script or style, no frames, no other origins.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Largest request body (`POST /api/search`): a query of [`api::MAX_QUERY_CHARS`] Hangul
/// characters is about 90 KB percent-encoded, more than a URL may hold (hyper answers 414 above
/// 64 KB).
const MAX_BODY: usize = 256 * 1024;

/// What the request handlers share.
#[derive(Clone)]
struct App {
    phase: Shared,
    /// `/assets/map.json`, made once at start.
    map_json: Arc<String>,
}

/// How to serve (resolved from `kpolicy serve`'s arguments).
#[derive(Debug, Clone)]
pub struct Options {
    /// The index searched.
    pub index: PathBuf,
    pub addr: SocketAddr,
    /// Folders to keep the index current with while serving (`--watch`).
    pub watch: Option<Vec<PathBuf>>,
    /// Quiet time after the last file event before indexing.
    pub debounce: Duration,
    /// Build a missing (or incompatible) index from this folder while the API answers 503.
    pub build_from: Option<PathBuf>,
    /// The access token every request must carry (`--token-file`, `KPOLICY_TOKEN`); none:
    /// open to whoever reaches the address.
    pub token: Option<String>,
}

/// Runs the server until Ctrl-C (or SIGTERM).
pub fn run(res: Resources, o: Options) -> Result<()> {
    // Loaded once and kept for the life of the process (see `state`).
    let res: &'static Resources = Box::leak(Box::new(res));
    let analyzer: &'static Analyzer = Box::leak(Box::new(Analyzer::new(&res.user_words())?));
    let map_json = serde_json::to_string(&map::build(res)?)?;
    let path = o.index.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let ready =
        |kindex: KIndex| Phase::Ready(Arc::new(Library::new(Arc::new(kindex), analyzer, res)));

    let (phase, worker) = match &o.watch {
        Some(dirs) => {
            let (phase, rebuild) = match KIndex::open(&path, analyzer) {
                Ok(kindex) => (Shared::new(ready(kindex)), false),
                Err(Error::NoIndex(_)) => (
                    Shared::new(Phase::Building(format!(
                        "indexing {} for the first time",
                        list(dirs)
                    ))),
                    false,
                ),
                Err(Error::Incompatible { found, .. }) if o.build_from.is_some() => {
                    eprintln!(
                        "kpolicy serve: the index in {}/ was made by another kpolicy ({found}): rebuilding it",
                        path.display()
                    );
                    (
                        Shared::new(Phase::Building(format!("rebuilding from {}", list(dirs)))),
                        true,
                    )
                }
                Err(e) => return Err(e),
            };
            let w = watch::Watch {
                path: path.clone(),
                rebuild,
                analyzer,
                res,
                dirs: dirs.clone(),
                debounce: o.debounce,
                phase: phase.clone(),
                stop: stop.clone(),
            };
            let handle = std::thread::Builder::new()
                .name("kpolicy-watch".into())
                .spawn(move || w.run())?;
            (phase, Some(handle))
        }
        None => match KIndex::open(&path, analyzer) {
            Ok(kindex) => (Shared::new(ready(kindex)), None),
            Err(e @ (Error::NoIndex(_) | Error::Incompatible { .. })) if o.build_from.is_some() => {
                let documents = o.build_from.clone().unwrap_or_default();
                let why = match e {
                    Error::Incompatible { .. } => format!("{e}"),
                    _ => format!("no index in {}/ yet", path.display()),
                };
                eprintln!(
                    "kpolicy serve: {why}: indexing {}/ into {}/ (the API answers 503 until it is done)",
                    documents.display(),
                    path.display()
                );
                let phase = Shared::new(Phase::Building(format!(
                    "indexing {}/ for the first time",
                    documents.display()
                )));
                let p = phase.clone();
                let handle = std::thread::Builder::new()
                    .name("kpolicy-index".into())
                    .spawn(move || first_build(&path, &documents, analyzer, res, &p))?;
                (phase, Some(handle))
            }
            Err(e) => return Err(e),
        },
    };

    let app = App {
        phase,
        map_json: Arc::new(map_json),
    };
    let auth = auth::Auth::new(o.token.as_deref());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("kpolicy-serve")
        .build()?;
    let served = rt.block_on(serve(app, auth, o.addr));
    stop.store(true, Ordering::SeqCst);
    if let Some(handle) = worker {
        if o.watch.is_some() {
            // The watcher commits what it is doing and stops; a first build without --watch
            // is left to the process exit (every commit it made is complete).
            let _ = handle.join();
        }
    }
    served?;
    eprintln!("kpolicy serve: stopped");
    Ok(())
}

async fn serve(app: App, auth: auth::Auth, addr: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr()?;
    if auth.required() {
        eprintln!("kpolicy serve: every request needs the access token (log in at /login)");
    } else if !addr.ip().is_loopback() {
        eprintln!(
            "kpolicy serve: warning: listening on {} without --token-file — the indexed articles are readable by anyone who can reach this machine on the network",
            addr.ip()
        );
    }
    // The address on stdout (port 0 picks a free port: scripts and tests read it here).
    println!("http://{local}/");
    eprintln!("kpolicy serve: http://{local}/ (Ctrl-C to stop)");
    // The client's address is the key of the failed-token rate limit.
    let service = router(app, auth).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Builds the index from `documents` while the server answers 503.
fn first_build(
    path: &Path,
    documents: &Path,
    analyzer: &'static Analyzer,
    res: &'static Resources,
    phase: &Shared,
) {
    let built = indexer::open_or_build(
        path,
        OnMissing::Build { documents },
        analyzer,
        res,
        &mut |_| {},
    );
    match built {
        Ok((kindex, summary)) => {
            if let Some(s) = summary {
                eprintln!(
                    "kpolicy serve: indexed {} documents into {}",
                    s.documents,
                    path.display()
                );
            }
            phase.set(Phase::Ready(Arc::new(Library::new(
                Arc::new(kindex),
                analyzer,
                res,
            ))))
        }
        Err(e) => {
            eprintln!("kpolicy serve: {e}");
            phase.set(Phase::Failed(e.to_string()));
        }
    }
}

fn list(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One route: its path (axum's syntax), the methods it answers and its handlers.
struct Route {
    path: &'static str,
    /// Read by the tests that hold the router and the OpenAPI document to each other.
    #[cfg_attr(not(test), allow(dead_code))]
    methods: &'static [&'static str],
    handler: MethodRouter<App>,
}

/// Every route of the server. The router is made from this list, and `GET /api/openapi.json`
/// describes it; a test holds the two to each other and checks the methods against the
/// router's answers.
fn routes(auth: &auth::Auth) -> Vec<Route> {
    let route = |path, methods, handler| Route {
        path,
        methods,
        handler,
    };
    vec![
        route("/", &["GET"], get(page)),
        route(
            "/assets/app.js",
            &["GET"],
            get(|| asset("text/javascript; charset=utf-8", APP_JS)),
        ),
        route(
            "/assets/app.css",
            &["GET"],
            get(|| asset("text/css; charset=utf-8", APP_CSS)),
        ),
        route("/assets/map.json", &["GET"], get(map_json)),
        route("/healthz", &["GET"], get(healthz)),
        route(
            "/api/search",
            &["GET", "POST"],
            get(search).post(search_form),
        ),
        route("/api/facets", &["GET"], get(facets)),
        route("/api/stats", &["GET"], get(stats)),
        route("/api/export", &["GET"], get(export)),
        route("/api/articles/{*id}", &["GET"], get(article)),
        route("/api/original/{*id}", &["GET"], get(original)),
        route("/api/openapi.json", &["GET"], get(openapi_json)),
        route("/feed", &["GET"], get(feed)),
        route(
            "/login",
            &["GET", "POST"],
            get(auth::login_form)
                .post(auth::login)
                .with_state(auth.clone()),
        ),
    ]
}

fn router(app: App, auth: auth::Auth) -> Router {
    routes(&auth)
        .into_iter()
        .fold(Router::new(), |r, route| r.route(route.path, route.handler))
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(auth, auth::require))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app)
}

/// `GET /api/openapi.json`: the OpenAPI 3 description of every route.
async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::DOCUMENT,
    )
        .into_response()
}

async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

/// The page, with the feed of the search in its address as the page's
/// `<link rel="alternate" type="application/atom+xml">` (feed readers find it there without
/// running the script, which keeps it current as the search changes).
async fn page(RawQuery(q): RawQuery) -> Response {
    let feed = feed_path(q.as_deref());
    let html = if feed == "/feed" {
        INDEX_HTML.to_string()
    } else {
        let href = feed.replace('&', "&amp;").replace('"', "&quot;");
        INDEX_HTML.replace(
            "href=\"/feed\" id=\"feed-link\"",
            &format!("href=\"{href}\" id=\"feed-link\""),
        )
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html,
    )
        .into_response()
}

/// `/feed?…` with the search parameters of a page address (not its paging or view).
fn feed_path(page_query: Option<&str>) -> String {
    const SEARCH: [&str; 10] = [
        "q",
        "region",
        "industry",
        "year",
        "since",
        "until",
        "from",
        "to",
        "mentioned",
        "any",
    ];
    let params = Params::parse(page_query);
    let mut out = form_urlencoded::Serializer::new(String::new());
    for key in SEARCH {
        for v in params.all(key) {
            out.append_pair(key, &v);
        }
    }
    let q = out.finish();
    if q.is_empty() {
        "/feed".to_string()
    } else {
        format!("/feed?{q}")
    }
}

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn map_json(State(app): State<App>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        app.map_json.as_str().to_string(),
    )
        .into_response()
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(404, format!("not found: {}", uri.path()))
}

/// The library, or 503 while the first build runs (500 when it failed).
fn ready(app: &App) -> std::result::Result<Arc<Library>, ApiError> {
    app.phase.library().map_err(|(building, msg)| {
        if building {
            ApiError::new(503, format!("the index is not ready yet: {msg}"))
        } else {
            ApiError::new(500, format!("the index could not be built: {msg}"))
        }
    })
}

/// Runs library work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, ApiError> + Send + 'static,
) -> std::result::Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::new(500, format!("the request failed: {e}")))?
}

async fn healthz(State(app): State<App>) -> Response {
    match app.phase.library() {
        Ok(lib) => {
            let answer =
                blocking(move || Ok((lib.documents()?, lib.generation()?, lib.updated()?))).await;
            match answer {
                Ok((documents, generation, updated)) => Json(serde_json::json!({
                    "status": "ok",
                    "documents": documents,
                    "generation": generation,
                    "updated": updated,
                }))
                .into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(_) => ready(&app)
            .err()
            .map(IntoResponse::into_response)
            .unwrap_or_else(|| StatusCode::SERVICE_UNAVAILABLE.into_response()),
    }
}

async fn search(
    State(app): State<App>,
    RawQuery(q): RawQuery,
) -> std::result::Result<Response, ApiError> {
    let lib = ready(&app)?;
    let req = Params::parse(q.as_deref()).request(lib.resources())?;
    let resp = blocking(move || Ok(lib.search(&req)?)).await?;
    Ok(Json(resp).into_response())
}

/// `POST /api/search` with the parameters form-encoded in the body, for queries too long for a
/// URL; it reads like the GET.
async fn search_form(
    State(app): State<App>,
    body: String,
) -> std::result::Result<Response, ApiError> {
    search(State(app), RawQuery(Some(body))).await
}

/// Facet counts of a search (the same parameters), or of the whole index without any.
async fn facets(
    State(app): State<App>,
    RawQuery(q): RawQuery,
) -> std::result::Result<Response, ApiError> {
    let lib = ready(&app)?;
    let mut req = Params::parse(q.as_deref()).request(lib.resources())?;
    req.limit = 1;
    req.offset = 0;
    let resp = blocking(move || Ok(lib.search(&req)?)).await?;
    Ok(Json(serde_json::json!({
        "query": resp.query,
        "total": resp.total,
        "stories": resp.stories,
        "facet_counts": resp.facet_counts,
        "facets": resp.facets,
    }))
    .into_response())
}

async fn stats(State(app): State<App>) -> std::result::Result<Response, ApiError> {
    let lib = ready(&app)?;
    let s = blocking(move || Ok(lib.stats()?)).await?;
    Ok(Json(s).into_response())
}

/// Every match as CSV (`format=csv`, the default) or JSON (`format=json`), as a download.
async fn export(
    State(app): State<App>,
    RawQuery(q): RawQuery,
) -> std::result::Result<Response, ApiError> {
    let lib = ready(&app)?;
    let params = Params::parse(q.as_deref());
    let json = match params.one("format").as_deref() {
        None | Some("csv") => false,
        Some("json") => true,
        Some(other) => return Err(ApiError::bad(format!("format={other}: use csv or json"))),
    };
    let req = params.request(lib.resources())?;
    let body = blocking(move || {
        let resp = lib.all_matches(&req)?;
        let mut out = Vec::new();
        if json {
            let export = crate::export::JsonExport {
                query: &resp.query,
                total: resp.total,
                stories: resp.stories,
                hits: &resp.hits,
            };
            serde_json::to_writer(&mut out, &export).map_err(Error::from)?;
        } else {
            // A byte-order mark, so that spreadsheet programs read the Korean as UTF-8.
            out.extend_from_slice("\u{feff}".as_bytes());
            crate::export::write_csv(&mut out, &resp.hits).map_err(Error::from)?;
        }
        Ok(out)
    })
    .await?;
    let (content_type, name) = if json {
        ("application/json", "kpolicy-export.json")
    } else {
        ("text/csv; charset=utf-8", "kpolicy-export.csv")
    };
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// `GET /feed?…` (the search parameters): the search's newest matches as an Atom feed, with
/// an `ETag` (a hash of the feed) and `Last-Modified` (the last commit), and `304 Not
/// Modified` when a reader's copy is still the feed (`If-None-Match`, or `If-Modified-Since`
/// without it).
async fn feed(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> std::result::Result<Response, ApiError> {
    let lib = ready(&app)?;
    let params = Params::parse(q.as_deref());
    let limit = params
        .number::<usize>("limit")?
        .map(|l| l.clamp(1, api::MAX_LIMIT));
    let req = crate::feed::request(params.request(lib.resources())?, limit);
    let base = base_url(&headers);
    let (body, committed) = blocking(move || {
        let resp = lib.search(&req)?;
        let committed = lib.updated()?;
        let links = crate::feed::Links {
            base: &base,
            committed,
        };
        Ok((crate::feed::atom(&req, &resp, &links), committed))
    })
    .await?;
    let etag = format!("\"{}\"", &blake3::hash(body.as_bytes()).to_hex()[..32]);
    let modified = std::time::UNIX_EPOCH + Duration::from_secs(committed.unwrap_or(0));
    let last_modified = httpdate::fmt_http_date(modified);
    let fresh = match headers.get(header::IF_NONE_MATCH) {
        Some(v) => v.to_str().is_ok_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || t == etag)
        }),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .is_some_and(|since| modified <= since),
    };
    let mut r = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            body,
        )
            .into_response()
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&last_modified) {
        h.insert(header::LAST_MODIFIED, v);
    }
    // A reader may keep the feed, but must ask whether it is still current.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(r)
}

/// The address the client reached this server by (`Host`), for the absolute links of a feed;
/// `https` when a proxy in front says so (`X-Forwarded-Proto`).
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
        })
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

async fn article(
    State(app): State<App>,
    UrlPath(id): UrlPath<String>,
    RawQuery(q): RawQuery,
) -> std::result::Result<Response, ApiError> {
    let lib = ready(&app)?;
    let params = Params::parse(q.as_deref());
    let query = params.one("q").unwrap_or_default();
    // `explain=1`: why the article matches the search the other parameters describe.
    let explain = if params.flag("explain")? {
        Some(params.request(lib.resources())?)
    } else {
        None
    };
    let lookup = id.clone();
    let view = blocking(move || Ok(lib.article(&lookup, &query, explain.as_ref())?)).await?;
    match view {
        Some(v) => Ok(Json(v).into_response()),
        None => Err(ApiError::new(404, format!("no article with id `{id}`"))),
    }
}

/// The original file of an article, as UTF-8 text (never as HTML: `text/plain`, `nosniff`).
async fn original(
    State(app): State<App>,
    UrlPath(id): UrlPath<String>,
) -> std::result::Result<Response, ApiError> {
    let lib = ready(&app)?;
    let lookup = id.clone();
    match blocking(move || Ok(lib.original(&lookup)?)).await? {
        Some((_, text)) => {
            Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
        }
        None => Err(ApiError::new(
            404,
            format!("the original file of `{id}` is gone or changed since it was indexed"),
        )),
    }
}

#[cfg(test)]
mod tests;
