//! Command-line arguments as parsed (clap derive). Nothing here is interpreted: `cli::run`
//! resolves these into paths, the analyzer, the index and requests once, up front.

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
    pub command: Command,

    /// Folder with regions.tsv, industries.tsv, domain_nouns.txt, synonyms.tsv
    /// (default: the copies built into kpolicy from the repository's data/).
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// When to use colour: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
}

#[derive(Debug, Args)]
pub struct IndexOpt {
    /// Index folder.
    #[arg(long, value_name = "PATH", default_value = crate::cli::DEFAULT_INDEX)]
    pub index: PathBuf,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folders of articles (.txt, .md, .json, .jsonl); default documents/.
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexOpt,
    /// Read articles from a JSON-lines file (`-` for standard input) instead of folders.
    #[arg(long, value_name = "FILE", conflicts_with = "dirs")]
    pub jsonl: Option<PathBuf>,
    /// Start from an empty index.
    #[arg(long)]
    pub rebuild: bool,
    /// Keep documents whose files were deleted from the folder.
    #[arg(long)]
    pub keep_deleted: bool,
    /// Skip files larger than this many MB.
    #[arg(long, value_name = "MB", default_value_t = 20)]
    pub max_size: u64,
    /// Memory for the index writer, in MB.
    #[arg(long, value_name = "MB", default_value_t = 256)]
    pub writer_memory: usize,
    /// Analysis threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Treat skipped files and warnings as failure (exit 2).
    #[arg(long)]
    pub strict: bool,
    /// Commit after this many documents (a killed run keeps what was committed).
    #[arg(long, value_name = "N", default_value_t = crate::index::update::COMMIT_EVERY_DOCS)]
    pub commit_every: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print every skipped file, not just the first few.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words (all required), "a phrase", -exclude, title:word, a OR b.
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub index: IndexOpt,
    /// Only articles issued by this region (시·도, 시·군·구, short form or /path); repeatable.
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// Apply --region to the regions an article mentions instead of the issuing one.
    #[arg(long)]
    pub mentioned: bool,
    /// Only articles tagged with this industry; repeatable.
    #[arg(long, value_name = "INDUSTRY")]
    pub industry: Vec<String>,
    /// Only articles of this year (or `unknown`); repeatable.
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["since", "until"])]
    pub year: Vec<String>,
    /// Only articles of this year or later.
    #[arg(long, value_name = "YEAR")]
    pub since: Option<i32>,
    /// Only articles of this year or earlier.
    #[arg(long, value_name = "YEAR")]
    pub until: Option<i32>,
    /// Number of hits to show.
    #[arg(long, short = 'n', default_value_t = crate::search::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Skip this many hits (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Match any word instead of all words.
    #[arg(long)]
    pub any: bool,
    /// Print the result as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Order of the hits: relevance (best match first) or newest (latest date first).
    #[arg(long, value_name = "ORDER", default_value = "relevance", value_parser = ["relevance", "newest"])]
    pub sort: String,
    /// Output format: text, json (as --json) or csv (every match: --limit and --offset do
    /// not apply).
    #[arg(long, value_enum, conflicts_with = "json")]
    pub format: Option<Format>,
}

/// Output format of `kpolicy search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub index: IndexOpt,
    /// Address to listen on; anything but a loopback address makes the articles readable
    /// on the network.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0: any free port, printed at start).
    #[arg(long, value_name = "N", default_value_t = 7700)]
    pub port: u16,
    /// Keep the index current while serving: index new, changed and removed files of these
    /// folders (default documents/).
    #[arg(long, value_name = "DIR", num_args = 0..)]
    pub watch: Option<Vec<PathBuf>>,
    /// With --watch: wait this long after the last change before indexing (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 300)]
    pub debounce: u64,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Text to analyse (default: standard input).
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Article files.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Print one JSON object per article (JSON lines).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub index: IndexOpt,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Folders to watch; default documents/.
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexOpt,
    /// Wait this long after the last change before indexing (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 300)]
    pub debounce: u64,
    /// Keep documents whose files were deleted.
    #[arg(long)]
    pub keep_deleted: bool,
    /// Memory for the index writer, in MB.
    #[arg(long, value_name = "MB", default_value_t = 128)]
    pub writer_memory: usize,
    /// Print one JSON summary line per update.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Corpus in JSON lines (`id`, `title`, `text`).
    #[arg(long, value_name = "FILE")]
    pub corpus: PathBuf,
    /// Queries in JSON lines (`qid`, `query`, `relevant`: `[ids]`).
    #[arg(long, value_name = "FILE")]
    pub queries: PathBuf,
    /// Cut-off for Recall@k, MRR@k and nDCG@k.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// Keep the evaluation index here instead of a temporary folder (reused when present).
    #[arg(long, value_name = "PATH")]
    pub index: Option<PathBuf>,
    /// List the queries whose relevant document is not first.
    #[arg(long, short)]
    pub verbose: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
