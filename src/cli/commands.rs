//! The commands, on resolved arguments: each calls the library and prints through the
//! [`Printer`]. Their [`Outcome`] becomes the exit code.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

use super::args::OutputFormat;
use super::hiargs::{
    AnalyzeTask, EvalTask, ExportTask, IndexInput, IndexTask, InspectTask, SearchTask, StatsTask,
    WatchTask,
};
use super::printer::Printer;
use super::{render, Outcome};
use crate::data::Resources;
use crate::dedup::Fingerprint;
use crate::error::{Error, Result};
use crate::eval;
use crate::indexer::{self, Indexer, Progress, Source, WatchEvent};
use crate::ingest::Pipeline;
use crate::search::{Engine, StoryCopies};

fn progress_bar(printer: &Printer, quiet: bool) -> Option<ProgressBar> {
    if quiet || !printer.style.tty_err {
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

pub(super) fn index(res: &Resources, printer: &Printer, t: IndexTask) -> Result<Outcome> {
    let pb = progress_bar(printer, t.json);
    let mut on_progress = |p: Progress| {
        if let Some(pb) = &pb {
            match p {
                Progress::Start(n) => pb.set_length(n),
                Progress::Advance => pb.inc(1),
            }
        }
    };
    let mut indexer = Indexer::open(&t.index, &t.analyzer, res, &t.opts)?;
    let source = match t.input {
        IndexInput::Folders(ref dirs) => Source::Folders(dirs),
        IndexInput::JsonLines(stream) => Source::JsonLines(stream),
    };
    let summary = indexer.update(source, &mut on_progress)?;
    indexer.finish()?;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    if t.json {
        printer.json(&summary)?;
    } else {
        printer.message(|err| render::index_summary(err, &summary, &t.index, t.verbose));
    }
    if t.strict && summary.has_problems() {
        return Err(Error::Usage(format!(
            "--strict: {} failed, {} skipped, {} warnings",
            summary.failed, summary.skipped, summary.warnings
        )));
    }
    Ok(if summary.has_problems() {
        Outcome::Warnings
    } else {
        Outcome::Ok
    })
}

pub(super) fn search(res: &Resources, printer: &Printer, t: SearchTask) -> Result<Outcome> {
    let committed = t.kindex.updated()?;
    let engine = Engine::new(t.kindex, &t.analyzer, res);
    if t.format == OutputFormat::Csv {
        // Every match, not one page.
        let resp = crate::export::all_matches(&engine, &t.request)?;
        printer.text(|out| crate::export::write_csv(out, &resp.hits))?;
        return Ok(if resp.total == 0 {
            Outcome::NoResults
        } else {
            Outcome::Ok
        });
    }
    let resp = engine.search(&t.request)?;
    if t.format == OutputFormat::Atom {
        let links = crate::feed::Links {
            base: &t.base_url,
            committed,
        };
        let feed = crate::feed::atom(&t.request, &resp, &links);
        printer.text(|out| out.write_all(feed.as_bytes()))?;
    } else if t.format == OutputFormat::Json {
        printer.json(&resp)?;
    } else {
        printer.text(|out| render::search(out, &resp, &printer.style))?;
    }
    Ok(if resp.total == 0 {
        Outcome::NoResults
    } else {
        Outcome::Ok
    })
}

pub(super) fn analyze(printer: &Printer, t: AnalyzeTask) -> Result<Outcome> {
    let analysis = t.analyzer.analyze(&t.text);
    if t.json {
        printer.json(&serde_json::json!({
            "text": t.text,
            "morphemes": analysis.morphemes,
            "terms": analysis.terms,
        }))?;
    } else {
        printer.text(|out| render::analysis(out, &t.text, &analysis, &printer.style))?;
    }
    Ok(Outcome::Ok)
}

pub(super) fn inspect(res: &Resources, printer: &Printer, t: InspectTask) -> Result<Outcome> {
    let pipe = Pipeline::new(&t.analyzer, res);
    let mut failed = 0;
    let learned = indexer::learn_beside(&t.files);
    // Copies of each article's story are looked up in the index (read only).
    let kindex = t
        .index
        .as_deref()
        .map(crate::index::KIndex::open_unanalysed)
        .transpose()?;
    let mut printed = 0;
    for path in &t.files {
        let (articles, problems) = match indexer::inspect(path, &pipe, &learned) {
            Ok(x) => x,
            Err(p) => {
                printer.note(&format!("kpolicy: {p}"));
                failed += 1;
                continue;
            }
        };
        for p in problems {
            printer.note(&format!("kpolicy: warning: {p}"));
        }
        for article in &articles {
            let copies = match (
                &kindex,
                Fingerprint::of(article.terms.iter().map(|t| t.text.as_str()), &article.body),
            ) {
                (Some(k), Some(print)) => Some(crate::search::story_copies(k, &print, path)?),
                _ => None,
            };
            if t.text && !t.json {
                // Several articles: a `==> id <==` line before each, as `head` does.
                let many = t.files.len() > 1 || articles.len() > 1;
                printer.text(|out| {
                    if many {
                        if printed > 0 {
                            writeln!(out)?;
                        }
                        writeln!(out, "==> {} <==", article.id)?;
                    }
                    writeln!(out, "{}", indexed_text(article))
                })?;
                printed += 1;
                continue;
            }
            if t.json {
                let mut value = serde_json::to_value(article)?;
                if let (Some(obj), true) = (value.as_object_mut(), t.text) {
                    obj.insert("text".into(), article.body.clone().into());
                }
                if let (Some(obj), Some(kindex)) = (value.as_object_mut(), &kindex) {
                    obj.insert("index".into(), kindex.path.display().to_string().into());
                    let copies = copies.clone().unwrap_or(StoryCopies {
                        group: None,
                        copies: Vec::new(),
                    });
                    obj.insert("group".into(), serde_json::to_value(&copies.group)?);
                    obj.insert("copies".into(), serde_json::to_value(&copies.copies)?);
                }
                printer.json_line(&value)?;
            } else {
                printer.text(|out| {
                    render::inspect(out, article, &printer.style)?;
                    match &kindex {
                        Some(k) => {
                            render::story_copies(out, copies.as_ref(), &k.path, &printer.style)
                        }
                        None => Ok(()),
                    }
                })?;
            }
        }
    }
    Ok(if failed > 0 {
        Outcome::Warnings
    } else {
        Outcome::Ok
    })
}

/// The text an article puts into the index: its headline (unless it was derived from the
/// lead, which the body holds) and the body, a blank line between them.
fn indexed_text(article: &crate::article::Article) -> String {
    if article.meta.title_derived || article.meta.title.is_empty() {
        article.body.clone()
    } else {
        format!("{}\n\n{}", article.meta.title, article.body)
    }
}

pub(super) fn stats(res: &Resources, printer: &Printer, t: StatsTask) -> Result<Outcome> {
    let report = crate::stats::report(&t.index, res)?;
    if t.json {
        printer.json(&report)?;
    } else {
        printer.text(|out| render::stats(out, &report, &printer.style))?;
    }
    Ok(Outcome::Ok)
}

/// `kpolicy export opensearch OUT/`.
pub(super) fn export(res: &Resources, printer: &Printer, t: ExportTask) -> Result<Outcome> {
    let summary = crate::export::opensearch::export(&t.kindex, res, &t.analyzer, &t.out, t.since)?;
    if t.json {
        printer.json(&summary)?;
    } else {
        printer.message(|err| render::export_summary(err, &summary));
    }
    Ok(Outcome::Ok)
}

/// Runs until Ctrl-C, which stops after the current commit.
pub(super) fn watch(res: &Resources, printer: &Printer, t: WatchTask) -> Result<Outcome> {
    let mut indexer = Indexer::open(&t.index, &t.analyzer, res, &t.opts)?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .map_err(|e| Error::Usage(format!("cannot install the Ctrl-C handler: {e}")))?;
    }
    let watching = indexer::watch(&mut indexer, &t.dirs, t.debounce, &stop, &mut |event| {
        let (WatchEvent::CaughtUp(s) | WatchEvent::Updated(s)) = event;
        if t.json {
            printer.json_line(s)?;
        } else {
            printer.message(|err| render::index_summary(err, s, &t.index, false));
        }
        if matches!(event, WatchEvent::CaughtUp(_)) && !t.json {
            let dirs: Vec<String> = t.dirs.iter().map(|d| d.display().to_string()).collect();
            printer.note(&format!("watching {} (Ctrl-C to stop)", dirs.join(", ")));
        }
        Ok(())
    });
    // Whatever ended the watch, the writer finishes its merges: every update was committed.
    let finished = indexer.finish();
    watching?;
    finished?;
    if !t.json {
        printer.note("stopped; the index is committed");
    }
    Ok(Outcome::Ok)
}

pub(super) fn eval(res: &Resources, printer: &Printer, t: EvalTask) -> Result<Outcome> {
    let mut indexer = Indexer::open(
        t.index.path(),
        &t.analyzer,
        res,
        &indexer::Options::default(),
    )?;
    let summary = indexer.update(Source::JsonLines(t.corpus), &mut |_| {})?;
    let kindex = indexer.finish()?;
    printer.note(&format!(
        "indexed {} documents ({} new, {} unchanged) in {:.1}s",
        summary.documents, summary.added, summary.unchanged, summary.seconds
    ));
    let engine = Engine::new(kindex, &t.analyzer, res);
    let scores = eval::evaluate(&engine, &t.queries, t.k)?;
    if t.json {
        printer.json(&scores)?;
        return Ok(Outcome::Ok);
    }
    printer.text(|out| {
        writeln!(
            out,
            "{} queries, k={}: Recall@1 {:.3}  Recall@{} {:.3}  MRR@{} {:.3}  nDCG@{} {:.3}  ({:.2}s, {:.2} ms/query)",
            scores.queries,
            scores.k,
            scores.recall_at_1,
            scores.k,
            scores.recall_at_k,
            scores.k,
            scores.mrr_at_k,
            scores.k,
            scores.ndcg_at_k,
            scores.seconds,
            scores.seconds * 1e3 / scores.queries.max(1) as f64
        )?;
        if t.verbose {
            for m in &scores.misses {
                writeln!(
                    out,
                    "  {} rank {:>4}  {}  top: {}",
                    m.qid,
                    m.rank.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                    m.query,
                    m.top.join(", ")
                )?;
            }
        }
        Ok(())
    })?;
    Ok(Outcome::Ok)
}
