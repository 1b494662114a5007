//! The `kpolicy` binary: parse arguments, run, turn the outcome into an exit code
//! (0 ok, 1 no results or done with warnings, 2 usage or hard error).

use std::io::Write;

use clap::Parser;

/// mimalloc: the analyzer allocates many small strings per article.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = match kpolicy::cli::run(kpolicy::cli::Cli::parse()) {
        Ok(outcome) => outcome.code(),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "kpolicy: {e}");
            2
        }
    };
    std::process::exit(code);
}
