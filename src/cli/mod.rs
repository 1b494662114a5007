//! The command-line front end: resolves arguments once (paths, data files, analyzer, index),
//! runs the command, renders the result for people or as JSON, and picks the exit code.

pub mod args;
mod eval_cmd;
mod render;
mod watch;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::index::update::{self, Progress, UpdateOptions};
use crate::index::KIndex;
use crate::ingest::{self, Pipeline};
use crate::search::{self, Engine, Request};
pub use args::Cli;
use args::{ColorChoice, Command};

/// Default index folder (relative to the working directory).
pub const DEFAULT_INDEX: &str = "index";
/// Default corpus folder.
pub const DEFAULT_DOCUMENTS: &str = "documents";

/// How a run ended, as an exit code: 0 ok, 1 no results / done with warnings, 2 error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Soft,
}

impl Outcome {
    pub fn code(self) -> i32 {
        match self {
            Outcome::Ok => 0,
            Outcome::Soft => 1,
        }
    }
}

/// Resolved output settings.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub tty_err: bool,
}

impl Style {
    fn new(choice: ColorChoice) -> Style {
        let tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Style {
            color,
            tty_err: std::io::stderr().is_terminal(),
        }
    }
}

/// Everything a command needs, resolved once.
struct Ctx {
    res: Resources,
    style: Style,
}

impl Ctx {
    fn analyzer(&self) -> Result<Analyzer> {
        Analyzer::new(&self.res.user_words())
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    let res = match &cli.data {
        Some(dir) => Resources::from_dir(dir)?,
        None => Resources::embedded()?,
    };
    let ctx = Ctx {
        res,
        style: Style::new(cli.color),
    };
    match cli.command {
        Command::Index(a) => cmd_index(&ctx, a),
        Command::Search(a) => cmd_search(&ctx, a),
        Command::Analyze(a) => cmd_analyze(&ctx, a),
        Command::Inspect(a) => cmd_inspect(&ctx, a),
        Command::Stats(a) => cmd_stats(&ctx, a),
        Command::Watch(a) => watch::run(&ctx.res, &ctx.analyzer()?, a),
        Command::Eval(a) => eval_cmd::run(&ctx.res, &ctx.analyzer()?, a),
        Command::Serve(a) => crate::serve::run(ctx.res, a),
    }
}

fn progress_bar(style: &Style, quiet: bool) -> Option<ProgressBar> {
    if quiet || !style.tty_err {
        return None;
    }
    let pb = ProgressBar::new(0);
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} indexing {pos}/{len} files [{elapsed}] {wide_bar} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(pb)
}

fn cmd_index(ctx: &Ctx, a: args::IndexArgs) -> Result<Outcome> {
    let analyzer = ctx.analyzer()?;
    let pipe = Pipeline::new(&analyzer, &ctx.res);
    let pb = progress_bar(&ctx.style, a.json);
    let mut on_progress = |p: Progress| {
        if let Some(pb) = &pb {
            match p {
                Progress::Start(n) => pb.set_length(n),
                Progress::Advance => pb.inc(1),
            }
        }
    };
    let writer_memory = a.writer_memory.max(16) * 1024 * 1024;
    let summary = if let Some(jsonl) = &a.jsonl {
        // Open the input before touching the index: a wrong path must not create an index.
        let name = jsonl.display().to_string();
        let (mut input, name): (Box<dyn std::io::BufRead + Send>, String) = if name == "-" {
            (
                Box::new(std::io::BufReader::new(std::io::stdin())),
                "stdin".to_string(),
            )
        } else {
            let file = std::fs::File::open(jsonl).map_err(|e| Error::File {
                path: jsonl.clone(),
                source: e,
            })?;
            (Box::new(std::io::BufReader::new(file)), name)
        };
        let kindex = KIndex::open_or_create(&a.index.index, &analyzer, a.rebuild)?;
        let mut writer = kindex.writer(writer_memory)?;
        let summary = update::update_jsonl(
            &kindex,
            &mut writer,
            &mut input,
            &name,
            &pipe,
            a.commit_every,
            &mut on_progress,
        )?;
        writer.wait_merging_threads()?;
        summary
    } else {
        let dirs = corpus_dirs(&a.dirs)?;
        let opts = UpdateOptions {
            keep_deleted: a.keep_deleted,
            max_file_bytes: a.max_size.saturating_mul(ingest::MB),
            threads: a.threads,
            commit_every: a.commit_every,
        };
        update::index_folders(
            &a.index.index,
            &dirs,
            &pipe,
            &opts,
            a.rebuild,
            writer_memory,
            &mut on_progress,
        )?
    };
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        render::index_summary(&summary, &a.index.index, a.verbose);
    }
    let troubled = summary.failed + summary.skipped + summary.warnings > 0;
    if a.strict && troubled {
        return Err(Error::Usage(format!(
            "--strict: {} failed, {} skipped, {} warnings",
            summary.failed, summary.skipped, summary.warnings
        )));
    }
    Ok(if summary.failed > 0 || troubled {
        Outcome::Soft
    } else {
        Outcome::Ok
    })
}

/// The corpus folders a command works on: those given, else `documents/`; each must exist.
pub(crate) fn corpus_dirs(given: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let dirs = if given.is_empty() {
        vec![PathBuf::from(DEFAULT_DOCUMENTS)]
    } else {
        given.to_vec()
    };
    for d in &dirs {
        if !d.is_dir() {
            return Err(Error::Usage(format!(
                "{}: no such folder (pass a folder of .txt/.md/.json/.jsonl articles)",
                d.display()
            )));
        }
    }
    Ok(dirs)
}

/// Opens the index for reading. With the default paths, a missing index is built from
/// `documents/` first, and one made by another kpolicy version is rebuilt, so that
/// `kpolicy search …` works from a fresh clone and after an upgrade.
fn open_for_search(ctx: &Ctx, path: &Path, analyzer: &Analyzer) -> Result<KIndex> {
    let defaults = path == Path::new(DEFAULT_INDEX) && Path::new(DEFAULT_DOCUMENTS).is_dir();
    let rebuild = match KIndex::open(path, analyzer) {
        Err(Error::NoIndex(_)) if defaults => {
            eprintln!("no index yet: indexing {DEFAULT_DOCUMENTS}/ into {DEFAULT_INDEX}/ first");
            false
        }
        Err(Error::Incompatible { found, .. }) if defaults => {
            eprintln!(
                "the index in {DEFAULT_INDEX}/ was made by another kpolicy ({found}): rebuilding it from {DEFAULT_DOCUMENTS}/"
            );
            true
        }
        other => return other,
    };
    let summary = update::index_folders(
        path,
        &[PathBuf::from(DEFAULT_DOCUMENTS)],
        &Pipeline::new(analyzer, &ctx.res),
        &UpdateOptions::default(),
        rebuild,
        crate::index::DEFAULT_WRITER_MEMORY,
        &mut |_| {},
    )?;
    render::index_summary(&summary, path, false);
    KIndex::open(path, analyzer)
}

fn cmd_search(ctx: &Ctx, a: args::SearchArgs) -> Result<Outcome> {
    let analyzer = ctx.analyzer()?;
    let (regions, industries) = search::resolve_filters(&ctx.res, &a.region, &a.industry)?;
    let mut years = Vec::new();
    for y in &a.year {
        if y == crate::index::UNKNOWN {
            years.push(None);
        } else {
            let v: i32 = y.parse().map_err(|_| {
                Error::Usage(format!(
                    "--year {y}: expected a year such as 2020, or `unknown`"
                ))
            })?;
            years.push(Some(v));
        }
    }
    let kindex = open_for_search(ctx, &a.index.index, &analyzer)?;
    let engine = Engine::new(kindex, &analyzer, &ctx.res);
    let req = Request {
        query: a.query.join(" "),
        regions,
        mentioned: a.mentioned,
        industries,
        years,
        since: a.since,
        until: a.until,
        limit: a.limit,
        offset: a.offset,
        any: a.any,
        lean: false,
        sort: a.sort.parse()?,
    };
    let format = match a.format {
        Some(f) => f,
        None if a.json => args::Format::Json,
        None => args::Format::Text,
    };
    if format == args::Format::Csv {
        let resp = crate::export::all_matches(&engine, &req)?;
        let mut out = std::io::stdout().lock();
        crate::export::write_csv(&mut out, &resp.hits)?;
        out.flush()?;
        return Ok(if resp.total == 0 {
            Outcome::Soft
        } else {
            Outcome::Ok
        });
    }
    let resp = engine.search(&req)?;
    let mut out = std::io::stdout().lock();
    if format == args::Format::Json {
        serde_json::to_writer_pretty(&mut out, &resp)?;
        writeln!(out)?;
    } else {
        render::search(&mut out, &resp, &ctx.style)?;
    }
    out.flush()?;
    Ok(if resp.total == 0 {
        Outcome::Soft
    } else {
        Outcome::Ok
    })
}

fn cmd_analyze(ctx: &Ctx, a: args::AnalyzeArgs) -> Result<Outcome> {
    let text = if a.text.is_empty() {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        s
    } else {
        a.text.join(" ")
    };
    let analyzer = ctx.analyzer()?;
    let analysis = analyzer.analyze(&text);
    let mut out = std::io::stdout().lock();
    if a.json {
        let v = serde_json::json!({
            "text": text,
            "morphemes": analysis.morphemes,
            "terms": analysis.terms,
        });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        render::analysis(&mut out, &text, &analysis, &ctx.style)?;
    }
    Ok(Outcome::Ok)
}

fn cmd_inspect(ctx: &Ctx, a: args::InspectArgs) -> Result<Outcome> {
    let analyzer = ctx.analyzer()?;
    let pipe = Pipeline::new(&analyzer, &ctx.res);
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    for path in &a.files {
        let (raws, problems, hash) = match ingest::read_file(path, ingest::DEFAULT_MAX_FILE_BYTES) {
            Ok(x) => x,
            Err(p) => {
                eprintln!("kpolicy: {p}");
                failed += 1;
                continue;
            }
        };
        for p in problems {
            eprintln!("kpolicy: warning: {p}");
        }
        for (n, raw) in raws.iter().enumerate() {
            let rel = path.display().to_string();
            let id = match &raw.supplied.id {
                Some(id) => id.clone(),
                None if raws.len() > 1 => format!("{rel}#{}", n + 1),
                None => rel.clone(),
            };
            let ids = ingest::ArticleIds {
                id,
                key: String::new(),
                file_key: String::new(),
                path: rel,
                hash: hash.clone(),
            };
            let article = pipe.prepare(raw, ids);
            if a.json {
                serde_json::to_writer(&mut out, &article)?;
                writeln!(out)?;
            } else {
                render::inspect(&mut out, &article, &ctx.style)?;
            }
        }
    }
    Ok(if failed > 0 {
        Outcome::Soft
    } else {
        Outcome::Ok
    })
}

fn cmd_stats(ctx: &Ctx, a: args::StatsArgs) -> Result<Outcome> {
    // Counting needs no Korean analysis: the dictionary is not loaded.
    let kindex = KIndex::open_unanalysed(&a.index.index)?;
    let stats = kindex.stats()?;
    let facets = search::all_facets(&kindex, &ctx.res)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        #[derive(serde::Serialize)]
        struct Report<'a> {
            #[serde(flatten)]
            stats: &'a crate::index::Stats,
            facets: &'a search::Facets,
        }
        let report = Report {
            stats: &stats,
            facets: &facets,
        };
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        render::stats(&mut out, &stats, &facets, &ctx.style)?;
    }
    Ok(Outcome::Ok)
}
