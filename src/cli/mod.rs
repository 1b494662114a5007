//! The command-line front end, in three steps as ripgrep does it: clap parses the arguments as
//! typed (`args`, the "low" stage), `hiargs` resolves them once (data files, analyzer,
//! paths, inputs, filters, the index), and `commands` runs the command through the library
//! and prints through the one `printer`. The [`Outcome`] becomes the exit code.

mod args;
mod commands;
mod hiargs;
mod printer;
mod render;

pub use args::Cli;
use hiargs::{HiArgs, Task};

/// Default index folder (relative to the working directory).
pub(crate) const DEFAULT_INDEX: &str = "index";
/// Default corpus folder.
pub(crate) const DEFAULT_DOCUMENTS: &str = "documents";

/// How a run ended. Exit codes: 0 [`Outcome::Ok`]; 1 for a soft failure, [`Outcome::NoResults`]
/// or [`Outcome::Warnings`]; errors ([`crate::Error`]) exit with 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// A search matched no document.
    NoResults,
    /// The work was done, but some inputs were skipped, failed or only partly read.
    Warnings,
}

impl Outcome {
    pub fn code(self) -> i32 {
        match self {
            Outcome::Ok => 0,
            Outcome::NoResults | Outcome::Warnings => 1,
        }
    }
}

/// Runs a parsed command line. A reader that closed our output ends the run normally.
pub fn run(cli: Cli) -> crate::Result<Outcome> {
    match resolve_and_run(cli) {
        Err(e) if printer::is_broken_pipe(&e) => Ok(Outcome::Ok),
        other => other,
    }
}

fn resolve_and_run(cli: Cli) -> crate::Result<Outcome> {
    let HiArgs { res, printer, task } = HiArgs::resolve(cli)?;
    let p = &printer;
    match task {
        Task::Index(t) => commands::index(&res, p, t),
        Task::Search(t) => commands::search(&res, p, *t),
        Task::Analyze(t) => commands::analyze(p, t),
        Task::Inspect(t) => commands::inspect(&res, p, t),
        Task::Stats(t) => commands::stats(&res, p, t),
        Task::Watch(t) => commands::watch(&res, p, t),
        Task::Eval(t) => commands::eval(&res, p, t),
        Task::Serve(o) => crate::serve::run(res, o).map(|()| Outcome::Ok),
        Task::Export(t) => commands::export(&res, p, t),
    }
}
