//! The arguments resolved, once: data files, output style, the analyzer (only for the commands
//! that analyse Korean), paths with their defaults, inputs opened, filters checked and the index
//! opened. Every error a user can cause with an argument is raised here, before any work
//! starts; the commands ([`super::commands`]) never look at a raw argument again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::args::{self, Cli, Command};
use super::printer::{Printer, Style};
use super::{render, DEFAULT_DOCUMENTS, DEFAULT_INDEX};
use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::eval::{self, JudgedQuery};
use crate::index::{self, KIndex};
use crate::indexer::{self, BuildReason, JsonLines, OnMissing};
use crate::ingest::MB;
use crate::search::{self, Request};

/// A command line, resolved.
pub(crate) struct HiArgs {
    pub res: Resources,
    pub printer: Printer,
    pub task: Task,
}

/// A command with everything it needs.
pub(crate) enum Task {
    Index(IndexTask),
    Search(Box<SearchTask>),
    Analyze(AnalyzeTask),
    Inspect(InspectTask),
    Stats(StatsTask),
    Watch(WatchTask),
    Export(ExportTask),
    Eval(EvalTask),
    Serve(crate::serve::Options),
}

pub(crate) enum IndexInput {
    Folders(Vec<PathBuf>),
    JsonLines(JsonLines),
}

pub(crate) struct IndexTask {
    pub analyzer: Analyzer,
    pub index: PathBuf,
    pub input: IndexInput,
    pub opts: indexer::Options,
    pub json: bool,
    pub verbose: bool,
    pub strict: bool,
}

pub(crate) struct SearchTask {
    pub analyzer: Analyzer,
    pub kindex: KIndex,
    pub request: Request,
    pub format: args::OutputFormat,
    /// `--base-url`: where the links of an Atom feed point.
    pub base_url: String,
}

pub(crate) struct AnalyzeTask {
    pub analyzer: Analyzer,
    pub text: String,
    pub json: bool,
}

pub(crate) struct InspectTask {
    pub analyzer: Analyzer,
    pub files: Vec<PathBuf>,
    pub json: bool,
    /// `--text`: print the indexed text (with `--json`: a `text` field).
    pub text: bool,
    /// The index to look for copies in: `--index`, else the default one when it exists.
    pub index: Option<PathBuf>,
}

pub(crate) struct StatsTask {
    pub index: PathBuf,
    pub json: bool,
}

pub(crate) struct ExportTask {
    pub analyzer: Analyzer,
    pub kindex: KIndex,
    pub out: PathBuf,
    pub since: Option<u64>,
    pub json: bool,
}

pub(crate) struct WatchTask {
    pub analyzer: Analyzer,
    pub index: PathBuf,
    pub dirs: Vec<PathBuf>,
    pub opts: indexer::Options,
    pub debounce: Duration,
    pub json: bool,
}

pub(crate) struct EvalTask {
    pub analyzer: Analyzer,
    pub queries: Vec<JudgedQuery>,
    pub corpus: JsonLines,
    /// Where the evaluation index lives; a temporary folder is removed when this drops.
    pub index: EvalIndex,
    pub k: usize,
    pub verbose: bool,
    pub json: bool,
}

pub(crate) enum EvalIndex {
    Given(PathBuf),
    Temporary(tempfile::TempDir),
}

impl EvalIndex {
    pub fn path(&self) -> &Path {
        match self {
            EvalIndex::Given(p) => p,
            EvalIndex::Temporary(t) => t.path(),
        }
    }
}

impl HiArgs {
    /// Resolves a parsed command line.
    pub fn resolve(cli: Cli) -> Result<HiArgs> {
        let res = match &cli.data {
            Some(dir) => Resources::from_dir(dir)?,
            None => Resources::embedded()?,
        };
        let printer = Printer {
            style: Style::new(cli.color),
        };
        let analyzer = || Analyzer::new(&res.user_words());
        let task = match cli.command {
            Command::Index(a) => Task::Index(index_task(analyzer()?, a)?),
            Command::Search(a) => {
                Task::Search(Box::new(search_task(&res, &printer, analyzer()?, a)?))
            }
            Command::Analyze(a) => Task::Analyze(AnalyzeTask {
                text: if a.text.is_empty() {
                    let mut s = String::new();
                    std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
                    s
                } else {
                    a.text.join(" ")
                },
                analyzer: analyzer()?,
                json: a.json,
            }),
            Command::Inspect(a) => Task::Inspect(InspectTask {
                analyzer: analyzer()?,
                files: a.files,
                json: a.json,
                text: a.text,
                index: match a.index {
                    Some(path) => Some(path),
                    None => {
                        Some(PathBuf::from(DEFAULT_INDEX)).filter(|p| p.join("meta.json").exists())
                    }
                },
            }),
            // Counting needs no Korean analysis: the dictionary is not loaded.
            Command::Stats(a) => Task::Stats(StatsTask {
                index: a.index.index,
                json: a.json,
            }),
            Command::Watch(a) => Task::Watch(WatchTask {
                analyzer: analyzer()?,
                dirs: corpus_dirs(&a.dirs)?,
                index: a.index.index,
                opts: indexer_options(&a.indexing, false),
                debounce: Duration::from_millis(a.debounce),
                json: a.json,
            }),
            Command::Eval(a) => Task::Eval(eval_task(analyzer()?, a)?),
            Command::Serve(a) => Task::Serve(serve_options(a)?),
            Command::Export(args::ExportArgs {
                target: args::ExportTarget::Opensearch(a),
            }) => {
                let analyzer = analyzer()?;
                Task::Export(ExportTask {
                    kindex: KIndex::open(&a.index.index, &analyzer)?,
                    analyzer,
                    out: a.out,
                    since: a.since,
                    json: a.json,
                })
            }
        };
        Ok(HiArgs { res, printer, task })
    }
}

/// `n` MB in bytes (decimal MB, as `--max-size` and every message).
fn megabytes(n: u64) -> usize {
    usize::try_from(n.saturating_mul(MB)).unwrap_or(usize::MAX)
}

/// The indexer's options from the options `index` and `watch` share.
fn indexer_options(o: &args::IndexingOpts, rebuild: bool) -> indexer::Options {
    indexer::Options {
        rebuild,
        keep_deleted: o.keep_deleted,
        max_file_bytes: o.max_size.saturating_mul(MB),
        threads: o.threads,
        commit_every: o.commit_every,
        writer_memory: megabytes(o.writer_memory),
    }
}

fn index_task(analyzer: Analyzer, a: args::IndexArgs) -> Result<IndexTask> {
    let input = match &a.jsonl {
        Some(path) => IndexInput::JsonLines(JsonLines::open(path)?),
        None => IndexInput::Folders(corpus_dirs(&a.dirs)?),
    };
    Ok(IndexTask {
        analyzer,
        index: a.index.index,
        input,
        opts: indexer_options(&a.indexing, a.rebuild),
        json: a.json,
        verbose: a.verbose,
        strict: a.strict,
    })
}

fn search_task(
    res: &Resources,
    printer: &Printer,
    analyzer: Analyzer,
    a: args::SearchArgs,
) -> Result<SearchTask> {
    let (regions, industries) = search::resolve_filters(res, &a.region, &a.industry)?;
    let years = a
        .year
        .iter()
        .map(|y| {
            index::parse_year(y).ok_or_else(|| {
                Error::Usage(format!(
                    "--year {y}: expected a year such as 2020, or `unknown`"
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (from, to) = search::date_range(a.from.as_deref(), a.to.as_deref(), |which, value| {
        format!("--{which} {value}")
    })
    .map_err(Error::Usage)?;
    let format = match a.format {
        Some(f) => f,
        None if a.json => args::OutputFormat::Json,
        None => args::OutputFormat::Text,
    };
    let kindex = open_for_search(res, printer, &analyzer, &a.index.index)?;
    let request = Request {
        query: a.query.join(" "),
        regions,
        mentioned: a.mentioned,
        industries,
        years,
        since: a.since,
        until: a.until,
        from,
        to,
        limit: a.limit.unwrap_or(search::DEFAULT_LIMIT),
        offset: a.offset,
        any: a.any,
        lean: false,
        no_facets: false,
        sort: a.sort.parse()?,
        explain: a.explain,
        no_collapse: a.no_collapse,
    };
    Ok(SearchTask {
        request: if format == args::OutputFormat::Atom {
            crate::feed::request(request, a.limit)
        } else {
            request
        },
        analyzer,
        kindex,
        format,
        base_url: a.base_url,
    })
}

/// Opens the index for searching. With the default paths a missing index is built from
/// `documents/` first, and one made by another kpolicy version is rebuilt, so that
/// `kpolicy search …` works from a fresh clone and after an upgrade.
fn open_for_search(
    res: &Resources,
    printer: &Printer,
    analyzer: &Analyzer,
    path: &Path,
) -> Result<KIndex> {
    let documents = Path::new(DEFAULT_DOCUMENTS);
    let on_missing = if path == Path::new(DEFAULT_INDEX) && documents.is_dir() {
        OnMissing::Build { documents }
    } else {
        OnMissing::Fail
    };
    let (kindex, built) = indexer::open_or_build(path, on_missing, analyzer, res, &mut |why| {
        printer.note(&match why {
            BuildReason::Missing => format!(
                "no index yet: indexing {}/ into {}/ first",
                documents.display(),
                path.display()
            ),
            BuildReason::Incompatible { found } => format!(
                "the index in {}/ was made by another kpolicy ({found}): rebuilding it from {}/",
                path.display(),
                documents.display()
            ),
        })
    })?;
    if let Some(summary) = built {
        printer.message(|err| render::index_summary(err, &summary, path, false));
    }
    Ok(kindex)
}

fn eval_task(analyzer: Analyzer, a: args::EvalArgs) -> Result<EvalTask> {
    let queries = eval::read_queries(&a.queries)?;
    let corpus = JsonLines::open(&a.corpus)?;
    let index = match a.index {
        Some(p) => EvalIndex::Given(p),
        None => EvalIndex::Temporary(tempfile::tempdir().map_err(|e| {
            Error::Usage(format!(
                "cannot make a temporary index in {} ({e}): give one with --index DIR",
                std::env::temp_dir().display()
            ))
        })?),
    };
    Ok(EvalTask {
        analyzer,
        queries,
        corpus,
        index,
        k: a.k,
        verbose: a.verbose,
        json: a.json,
    })
}

fn serve_options(a: args::ServeArgs) -> Result<crate::serve::Options> {
    let host: std::net::IpAddr = a.host.parse().map_err(|_| {
        Error::Usage(format!(
            "--host {}: expected an IP address such as 127.0.0.1 or 0.0.0.0",
            a.host
        ))
    })?;
    let index = a.index.index;
    // As for `search`: the default index is built from documents/ when it is missing.
    let build_from = (index == Path::new(DEFAULT_INDEX) && Path::new(DEFAULT_DOCUMENTS).is_dir())
        .then(|| PathBuf::from(DEFAULT_DOCUMENTS));
    let token = match &a.token_file {
        Some(file) => {
            let from = format!("--token-file {}", file.display());
            let text = std::fs::read_to_string(file)
                .map_err(|e| Error::Usage(format!("{from}: cannot read it: {e}")))?;
            Some(crate::serve::auth::check_token(&text, &from).map_err(Error::Usage)?)
        }
        None => match std::env::var("KPOLICY_TOKEN") {
            Ok(t) => {
                Some(crate::serve::auth::check_token(&t, "KPOLICY_TOKEN").map_err(Error::Usage)?)
            }
            Err(_) => None,
        },
    };
    Ok(crate::serve::Options {
        token,
        index,
        addr: std::net::SocketAddr::new(host, a.port),
        watch: a.watch.as_deref().map(corpus_dirs).transpose()?,
        debounce: Duration::from_millis(a.debounce),
        build_from,
    })
}

/// The corpus folders a command works on: those given, else `documents/`; each must exist.
fn corpus_dirs(given: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let dirs = if given.is_empty() {
        vec![PathBuf::from(DEFAULT_DOCUMENTS)]
    } else {
        given.to_vec()
    };
    for d in &dirs {
        if !d.is_dir() {
            return Err(Error::Usage(format!(
                "{}: no such folder (pass a folder of articles: .txt, .md, .json, .jsonl, .html, .hwp, .hwpx, .pdf)",
                d.display()
            )));
        }
    }
    Ok(dirs)
}
