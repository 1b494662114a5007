//! The server's hold on the index: [`Library`] is the one type through which the server
//! searches, reads articles and counts, and [`Phase`] says whether it is ready yet.
//!
//! The engine owns its index (`Arc`); the analyzer and the data files are loaded once per
//! server and kept for the life of the process (`&'static`: the article view's extraction
//! pipeline borrows them). Everything else in `serve` sees only `Library`'s methods, which take
//! and return owned values.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, OnceLock, RwLock};

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{TantivyDocument, Term};

use crate::analysis::Analyzer;
use crate::article::names_article;
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::index::KIndex;
use crate::ingest::{self, ArticleIds, Pipeline};
use crate::search::plan::parse;
use crate::search::{self, snippet, Engine, Facets, Request, Response, StoredArticle};

/// An open index with everything needed to search it.
pub struct Library {
    kindex: Arc<KIndex>,
    analyzer: &'static Analyzer,
    res: &'static Resources,
    engine: Engine,
    /// For the evidence of the article view (prepared on first use: it analyses the
    /// industry keywords).
    pipeline: OnceLock<Pipeline<'static>>,
}

/// Whether the server can answer searches.
pub enum Phase {
    /// The index is being built for the first time (or waits for another writer).
    Building(String),
    Ready(Arc<Library>),
    /// The first build failed; the message says why.
    Failed(String),
}

/// The phase, shared by the request handlers and the thread that builds or watches the index.
#[derive(Clone)]
pub struct Shared(Arc<RwLock<Phase>>);

impl Shared {
    pub fn new(phase: Phase) -> Shared {
        Shared(Arc::new(RwLock::new(phase)))
    }

    pub fn set(&self, phase: Phase) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = phase;
    }

    /// The library when ready, else the message of the current phase and whether the server
    /// is still building (a client may retry) or failed.
    pub fn library(&self) -> std::result::Result<Arc<Library>, (bool, String)> {
        match &*self.0.read().unwrap_or_else(|e| e.into_inner()) {
            Phase::Ready(lib) => Ok(lib.clone()),
            Phase::Building(msg) => Err((true, msg.clone())),
            Phase::Failed(msg) => Err((false, msg.clone())),
        }
    }
}

/// An article as the article view shows it.
#[derive(Debug, Serialize)]
pub struct ArticleView {
    #[serde(flatten)]
    pub article: StoredArticle,
    /// The cleaned text.
    pub text: String,
    /// `[start, end)` character ranges of `text` where the query's words occur.
    pub highlights: Vec<[usize; 2]>,
    /// Why each metadata value was chosen (as `kpolicy inspect`), when the original file is
    /// still the one indexed; else `null`.
    pub evidence: Option<BTreeMap<String, String>>,
    /// Whether `/api/original/{id}` can serve the original file.
    pub original: bool,
    /// Why the article matches the query (`explain=1`, the page's "왜?").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<search::Explanation>,
}

/// `GET /api/stats`: what `kpolicy stats --json` prints, and the commit's opstamp, which
/// changes with every commit (the page polls it to notice new articles).
#[derive(Debug, Serialize)]
pub struct StatsView {
    #[serde(flatten)]
    pub stats: crate::index::Stats,
    /// As `kpolicy stats --json`: distinct stories, groups of copies of one story and the
    /// articles in them.
    pub stories: u64,
    pub groups: u64,
    pub grouped_articles: u64,
    pub facets: Facets,
    pub generation: u64,
}

impl Library {
    pub fn new(
        kindex: Arc<KIndex>,
        analyzer: &'static Analyzer,
        res: &'static Resources,
    ) -> Library {
        Library {
            engine: Engine::new(kindex.clone(), analyzer, res),
            kindex,
            analyzer,
            res,
            pipeline: OnceLock::new(),
        }
    }

    pub fn resources(&self) -> &Resources {
        self.res
    }

    pub fn search(&self, req: &Request) -> Result<Response> {
        self.engine.search(req)
    }

    /// Every match of `req` (for the export), without snippets or facet counts.
    pub fn all_matches(&self, req: &Request) -> Result<Response> {
        crate::export::all_matches(&self.engine, req)
    }

    /// Facet counts over the whole index.
    pub fn facets(&self) -> Result<Facets> {
        search::all_facets(&self.kindex, self.res)
    }

    pub fn stats(&self) -> Result<StatsView> {
        let stats = self.kindex.stats()?;
        let (groups, grouped) = self.engine.group_counts()?;
        Ok(StatsView {
            stories: stats.documents - grouped as u64 + groups as u64,
            groups: groups as u64,
            grouped_articles: grouped as u64,
            stats,
            facets: self.facets()?,
            generation: self.generation()?,
        })
    }

    /// The opstamp of the last commit.
    pub fn generation(&self) -> Result<u64> {
        Ok(self.kindex.index.load_metas()?.opstamp)
    }

    /// When the last commit was made (unix seconds).
    pub fn updated(&self) -> Result<Option<u64>> {
        self.kindex.updated()
    }

    /// Documents in the index now.
    pub fn documents(&self) -> Result<u64> {
        Ok(self.kindex.reader()?.searcher().num_docs())
    }

    /// The article with this id, its query words highlighted; `None` when no article has it.
    pub fn article(
        &self,
        id: &str,
        q: &str,
        explain: Option<&Request>,
    ) -> Result<Option<ArticleView>> {
        let Some(doc) = self.doc_by_id(id)? else {
            return Ok(None);
        };
        let f = &self.kindex.fields;
        let article = search::stored_article(&doc, f);
        let body = search::stored_text(&doc, f.body_text).unwrap_or_default();
        let hash = search::stored_text(&doc, f.hash).unwrap_or_default();
        let evidence = self.evidence(id, &article.path, &hash);
        Ok(Some(ArticleView {
            article,
            highlights: snippet::highlight_all(&body, &self.query_terms(q)),
            text: body,
            original: evidence.is_some(),
            evidence,
            explain: match explain {
                Some(req) => self.engine.explain_article(req, id)?,
                None => None,
            },
        }))
    }

    /// The original file of an article, decoded to UTF-8: only the file the index names for
    /// it, and only while its content is still the one indexed (same hash).
    pub fn original(&self, id: &str) -> Result<Option<(String, String)>> {
        let Some(doc) = self.doc_by_id(id)? else {
            return Ok(None);
        };
        let f = &self.kindex.fields;
        let get = |field: Field| search::stored_text(&doc, field).unwrap_or_default();
        let (path, hash) = (get(f.path), get(f.hash));
        // The same reading and hashing as indexing, so "unchanged" means what it means there.
        let unchanged = ingest::read_file(Path::new(&path), ingest::DEFAULT_MAX_FILE_BYTES)
            .is_ok_and(|(_, _, file_hash)| file_hash == hash);
        if !unchanged {
            return Ok(None);
        }
        let Ok(bytes) = std::fs::read(Path::new(&path)) else {
            return Ok(None);
        };
        match ingest::read::decode::decode(&bytes) {
            Ok(d) => Ok(Some((path, d.text))),
            Err(_) => Ok(None),
        }
    }

    /// The analysed words of the query's positive items (what the search highlights too).
    fn query_terms(&self, q: &str) -> HashSet<String> {
        parse::parse(q)
            .iter()
            .filter(|i| !i.negate)
            .flat_map(|i| self.analyzer.term_texts(&i.text))
            .collect()
    }

    fn doc_by_id(&self, id: &str) -> Result<Option<TantivyDocument>> {
        let searcher = self.kindex.reader()?.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.kindex.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some(&(_, addr)) => Ok(Some(searcher.doc(addr)?)),
            None => Ok(None),
        }
    }

    /// The extraction evidence, from the original file when it is unchanged since indexing.
    fn evidence(&self, id: &str, path: &str, hash: &str) -> Option<BTreeMap<String, String>> {
        let (raws, _, file_hash) =
            ingest::read_file(Path::new(path), ingest::DEFAULT_MAX_FILE_BYTES).ok()?;
        if file_hash != hash {
            return None;
        }
        // The article is the record that the id rule (`article::file_article_id`) names `id`.
        let count = raws.len();
        let raw = raws
            .iter()
            .enumerate()
            .find(|(n, r)| {
                let number = r.line.unwrap_or(n + 1);
                names_article(id, r.supplied.id.as_deref(), number, count)
            })
            .map(|(_, r)| r)?;
        let pipe = self
            .pipeline
            .get_or_init(|| Pipeline::new(self.analyzer, self.res));
        let ids = ArticleIds {
            id: id.to_string(),
            path: path.to_string(),
            ..ArticleIds::default()
        };
        Some(pipe.prepare(raw, ids).meta.evidence)
    }
}

/// Turns a library error into the HTTP status it deserves: the user's mistake (400), an index
/// another process is writing for the first time (503), or the server's fault (500).
pub fn status_of(e: &Error) -> u16 {
    match e {
        Error::Usage(_) | Error::UnknownFilter { .. } => 400,
        Error::Locked(_) | Error::NoIndex(_) => 503,
        _ => 500,
    }
}
