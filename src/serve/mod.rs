//! `kpolicy serve`: the search page and the HTTP API, over the same [`crate::search`] as the CLI.
//!
//! - [`state`]: the one adapter between the server and the library (index, engine, articles);
//! - [`api`]: query-string parameters → search requests, errors as JSON;
//! - [`map`]: the 시·도 boundaries as SVG paths for the page's map;
//! - [`watch`]: `--watch`, the incremental indexing of `kpolicy watch` inside the server.
//!
//! axum on tokio serves; searches run on tokio's blocking pool (they are CPU work). The page's
//! files are embedded in the binary and nothing is fetched from elsewhere. Every answer carries
//! a Content-Security-Policy that allows only this server's own scripts and styles, and
//! `nosniff`; article text reaches the page as JSON and is put into it as text, never as markup.

pub mod api;
pub mod map;
pub mod state;
mod watch;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
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
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("kpolicy-serve")
        .build()?;
    let served = rt.block_on(serve(app, o.addr));
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

async fn serve(app: App, addr: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "kpolicy serve: warning: listening on {} — the indexed articles are readable by anyone who can reach this machine on the network",
            addr.ip()
        );
    }
    // The address on stdout (port 0 picks a free port: scripts and tests read it here).
    println!("http://{local}/");
    eprintln!("kpolicy serve: http://{local}/ (Ctrl-C to stop)");
    axum::serve(listener, router(app))
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

fn router(app: App) -> Router {
    Router::new()
        .route("/", get(page))
        .route(
            "/assets/app.js",
            get(|| asset("text/javascript; charset=utf-8", APP_JS)),
        )
        .route(
            "/assets/app.css",
            get(|| asset("text/css; charset=utf-8", APP_CSS)),
        )
        .route("/assets/map.json", get(map_json))
        .route("/healthz", get(healthz))
        .route("/api/search", get(search).post(search_form))
        .route("/api/facets", get(facets))
        .route("/api/stats", get(stats))
        .route("/api/export", get(export))
        .route("/api/articles/{*id}", get(article))
        .route("/api/original/{*id}", get(original))
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app)
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

async fn page() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML).await
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
            let answer = blocking(move || Ok((lib.documents()?, lib.generation()?))).await;
            match answer {
                Ok((documents, generation)) => Json(serde_json::json!({
                    "status": "ok",
                    "documents": documents,
                    "generation": generation,
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
mod tests {
    use super::*;

    fn app(phase: Phase) -> App {
        App {
            phase: Shared::new(phase),
            map_json: Arc::new(String::new()),
        }
    }

    #[test]
    fn not_ready_is_503_while_building_and_500_when_the_build_failed() {
        let e = ready(&app(Phase::Building("indexing documents/".into()))).err();
        let e = e.expect("not ready");
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(e.message.contains("indexing documents/"), "{}", e.message);
        let e = ready(&app(Phase::Failed("disk full".into()))).err();
        assert_eq!(e.map(|e| e.status), Some(StatusCode::INTERNAL_SERVER_ERROR));
    }

    #[test]
    fn a_locked_index_is_503_and_a_usage_error_400() {
        let locked = ApiError::from(Error::Locked(PathBuf::from("index")));
        assert_eq!(locked.status, StatusCode::SERVICE_UNAVAILABLE);
        let usage = ApiError::from(Error::Usage("unknown region `x`".into()));
        assert_eq!(usage.status, StatusCode::BAD_REQUEST);
    }
}
