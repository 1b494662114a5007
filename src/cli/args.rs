//! Command-line arguments as parsed (clap derive), the "low" stage. Nothing here is
//! interpreted: `cli::hiargs` resolves these into paths, the analyzer, the index and requests
//! once, up front.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Search Korean regional-policy articles: Korean morphological analysis, BM25 ranking,
/// region/year/industry facets and highlighted snippets.
#[derive(Debug, Parser)]
#[command(name = "kpolicy", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 ok; 1 no results, or done with warnings; 2 usage or hard error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,

    /// Folder with regions.tsv, industries.tsv, domain_nouns.txt, synonyms.tsv
    /// (default: the copies built into kpolicy from the repository's data/).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) data: Option<PathBuf>,

    /// When to use colour: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build or update the index from folders of articles (incremental).
    Index(IndexArgs),
    /// Search the index.
    Search(SearchArgs),
    /// Show how kpolicy analyses a Korean text (morphemes, POS, offsets, index terms).
    Analyze(AnalyzeArgs),
    /// Show the metadata kpolicy extracts from article files, with the evidence.
    Inspect(InspectArgs),
    /// Index statistics: documents, size, last update, facet counts.
    Stats(StatsArgs),
    /// Keep the index current while files are added, changed or removed.
    Watch(WatchArgs),
    /// Measure ranking quality on a corpus with relevance judgments.
    Eval(EvalArgs),
    /// Serve the search page and the HTTP API (http://127.0.0.1:7700 by default).
    Serve(ServeArgs),
    /// Export the index for another search engine (OpenSearch / Elasticsearch with Nori).
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct IndexOpt {
    /// Index folder.
    #[arg(long, value_name = "PATH", default_value = crate::cli::DEFAULT_INDEX)]
    pub(crate) index: PathBuf,
}

/// How articles are read into the index: the same options, with the same defaults, for
/// `index` and `watch`.
#[derive(Debug, Args)]
pub(crate) struct IndexingOpts {
    /// Keep documents whose files were deleted from the folder.
    #[arg(long)]
    pub(crate) keep_deleted: bool,
    /// Skip files larger than this many MB (1 MB = 1,000,000 bytes).
    #[arg(long, value_name = "MB", default_value_t = 20)]
    pub(crate) max_size: u64,
    /// Memory for the index writer, in MB (1 MB = 1,000,000 bytes; at least 16 are used).
    #[arg(long, value_name = "MB", default_value_t = (crate::index::DEFAULT_WRITER_MEMORY / 1_000_000) as u64)]
    pub(crate) writer_memory: u64,
    /// Analysis threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) threads: usize,
    /// Commit after this many documents (a killed run keeps what was committed).
    #[arg(long, value_name = "N", default_value_t = crate::indexer::COMMIT_EVERY_DOCS)]
    pub(crate) commit_every: usize,
}

#[derive(Debug, Args)]
pub(crate) struct IndexArgs {
    /// Folders of articles (.txt .md .json .jsonl, saved web pages .html, .hwp .hwpx .pdf);
    /// default documents/.
    #[arg(value_name = "DIR")]
    pub(crate) dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) index: IndexOpt,
    /// Read articles from a JSON-lines file (`-` for standard input) instead of folders.
    #[arg(long, value_name = "FILE", conflicts_with = "dirs")]
    pub(crate) jsonl: Option<PathBuf>,
    /// Start from an empty index.
    #[arg(long)]
    pub(crate) rebuild: bool,
    #[command(flatten)]
    pub(crate) indexing: IndexingOpts,
    /// Treat skipped files and warnings as failure (exit 2).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Print every skipped file, not just the first few.
    #[arg(long, short)]
    pub(crate) verbose: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// The query: words (all required), "a phrase", -exclude, title:word, a OR b.
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub(crate) query: Vec<String>,
    #[command(flatten)]
    pub(crate) index: IndexOpt,
    /// Only articles issued by this region (시·도, 시·군·구, short form or /path); repeatable.
    #[arg(long, value_name = "REGION")]
    pub(crate) region: Vec<String>,
    /// Apply --region to the regions an article mentions instead of the issuing one.
    #[arg(long)]
    pub(crate) mentioned: bool,
    /// Only articles tagged with this industry; repeatable.
    #[arg(long, value_name = "INDUSTRY")]
    pub(crate) industry: Vec<String>,
    /// Only articles of this year (or `unknown`); repeatable.
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["since", "until"])]
    pub(crate) year: Vec<String>,
    /// Only articles of this year or later.
    #[arg(long, value_name = "YEAR")]
    pub(crate) since: Option<i32>,
    /// Only articles of this year or earlier.
    #[arg(long, value_name = "YEAR")]
    pub(crate) until: Option<i32>,
    /// Only articles dated on or after this day (YYYY-MM-DD; YYYY-MM or YYYY: its first day).
    /// Articles without a full date are left out by a date range.
    #[arg(long, value_name = "DATE")]
    pub(crate) from: Option<String>,
    /// Only articles dated on or before this day (YYYY-MM-DD; YYYY-MM or YYYY: its last day).
    #[arg(long, value_name = "DATE")]
    pub(crate) to: Option<String>,
    /// Number of hits to show (default 10; entries of --format atom: 20).
    #[arg(long, short = 'n')]
    pub(crate) limit: Option<usize>,
    /// Skip this many hits (paging).
    #[arg(long, default_value_t = 0)]
    pub(crate) offset: usize,
    /// Match any word instead of all words.
    #[arg(long)]
    pub(crate) any: bool,
    /// Show every matching article: copies of one story (the same press release in several
    /// outlets) are not folded into one hit.
    #[arg(long)]
    pub(crate) no_collapse: bool,
    /// Show why each hit ranks where it does: which word matched where and how, and what
    /// each part of the score contributed (`hits[].explain` in JSON).
    #[arg(long)]
    pub(crate) explain: bool,
    /// Print the result as one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
    /// Order of the hits: relevance (best match first) or newest (latest date first).
    #[arg(long, value_name = "ORDER", default_value = "relevance", value_parser = ["relevance", "newest"])]
    pub(crate) sort: String,
    /// Output format: text, json (as --json), csv (every match: --limit and --offset do
    /// not apply) or atom (a feed of the newest matches, --limit of them, default 20).
    #[arg(long, value_enum, conflicts_with = "json")]
    pub(crate) format: Option<OutputFormat>,
    /// With --format atom: the address of the `kpolicy serve` the entries link to.
    #[arg(long, value_name = "URL", default_value = crate::feed::DEFAULT_BASE_URL)]
    pub(crate) base_url: String,
}

/// Output format of `kpolicy search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    Text,
    Json,
    Csv,
    Atom,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) index: IndexOpt,
    /// Address to listen on; anything but a loopback address makes the articles readable
    /// on the network.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub(crate) host: String,
    /// Port to listen on (0: any free port, printed at start).
    #[arg(long, value_name = "N", default_value_t = 7700)]
    pub(crate) port: u16,
    /// Keep the index current while serving: index new, changed and removed files of these
    /// folders (default documents/).
    #[arg(long, value_name = "DIR", num_args = 0..)]
    pub(crate) watch: Option<Vec<PathBuf>>,
    /// With --watch: wait this long after the last change before indexing (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 300)]
    pub(crate) debounce: u64,
    /// Every request must carry the access token in this file (one line; see README, "A
    /// server a team can share"). Without it, the environment variable KPOLICY_TOKEN is used.
    #[arg(long, value_name = "FILE")]
    pub(crate) token_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct AnalyzeArgs {
    /// Text to analyse (default: standard input).
    #[arg(value_name = "TEXT")]
    pub(crate) text: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// Article files.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Index in which to look for copies of each article's story (default: the index
    /// folder, when there is one).
    #[arg(long, value_name = "PATH")]
    pub(crate) index: Option<PathBuf>,
    /// Print one JSON object per article (JSON lines).
    #[arg(long)]
    pub(crate) json: bool,
    /// Print the text that goes into the index (after reading, cleaning and dropping the
    /// folder's learned boilerplate): the headline, a blank line and the body. With --json,
    /// add it to each object as `text` (the body; the headline is `title`).
    #[arg(long)]
    pub(crate) text: bool,
}

#[derive(Debug, Args)]
pub(crate) struct StatsArgs {
    #[command(flatten)]
    pub(crate) index: IndexOpt,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// Folders to watch; default documents/.
    #[arg(value_name = "DIR")]
    pub(crate) dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) index: IndexOpt,
    /// Wait this long after the last change before indexing (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 300)]
    pub(crate) debounce: u64,
    #[command(flatten)]
    pub(crate) indexing: IndexingOpts,
    /// Print one JSON summary line per update.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(subcommand)]
    pub(crate) target: ExportTarget,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ExportTarget {
    /// For OpenSearch or Elasticsearch 8 with the Nori plugin: writes index.json (settings and
    /// mappings with kpolicy's analysis), bulk.ndjson (the articles), search-template.json and
    /// export.json (docs/scale-out.md).
    Opensearch(OpensearchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct OpensearchArgs {
    /// Folder to write the files into (created when missing).
    #[arg(value_name = "OUT")]
    pub(crate) out: PathBuf,
    #[command(flatten)]
    pub(crate) index: IndexOpt,
    /// Only what changed after this generation of the index (index and delete actions in
    /// bulk.ndjson): the `generation` of the previous export's export.json, or of /api/stats.
    #[arg(long, value_name = "GENERATION")]
    pub(crate) since: Option<u64>,
    /// Print the summary as JSON (as export.json).
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    /// Corpus in JSON lines (`id`, `title`, `text`).
    #[arg(long, value_name = "FILE")]
    pub(crate) corpus: PathBuf,
    /// Queries in JSON lines (`qid`, `query`, `relevant`: `[ids]`).
    #[arg(long, value_name = "FILE")]
    pub(crate) queries: PathBuf,
    /// Cut-off for Recall@k, MRR@k and nDCG@k.
    #[arg(long, default_value_t = 10)]
    pub(crate) k: usize,
    /// Keep the evaluation index here instead of a temporary folder (reused when present).
    #[arg(long, value_name = "PATH")]
    pub(crate) index: Option<PathBuf>,
    /// List the queries whose relevant document is not first.
    #[arg(long, short)]
    pub(crate) verbose: bool,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[cfg(test)]
mod tests {
    use super::{Cli, Command};
    use clap::Parser;

    /// `index` and `watch` take the same indexing options, with the same defaults.
    #[test]
    fn index_and_watch_share_the_indexing_options() {
        let opts = |args: &[&str]| match Cli::parse_from(args).command {
            Command::Index(a) => format!("{:?}", a.indexing),
            Command::Watch(a) => format!("{:?}", a.indexing),
            _ => unreachable!("index or watch"),
        };
        assert_eq!(opts(&["kpolicy", "index"]), opts(&["kpolicy", "watch"]));
        assert!(opts(&["kpolicy", "watch"]).contains("writer_memory: 256"));
        let set = [
            "--keep-deleted",
            "--max-size",
            "5",
            "--writer-memory",
            "64",
            "--threads",
            "2",
            "--commit-every",
            "9",
        ];
        let with = |cmd: &'static str| [&["kpolicy", cmd][..], &set[..]].concat();
        assert_eq!(opts(&with("index")), opts(&with("watch")));
    }
}
