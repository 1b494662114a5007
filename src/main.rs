//! The `kpolicy` binary: parse arguments, run, turn the outcome into an exit code
//! (0 ok, 1 no results or done with warnings, 2 usage or hard error).

use clap::Parser;

/// mimalloc: the analyzer allocates many small strings per article.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = kpolicy::cli::Cli::parse();
    let code = match kpolicy::cli::run(cli) {
        Ok(outcome) => outcome.code(),
        // `kpolicy search … | head`: the reader went away, which is not an error.
        Err(kpolicy::Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(kpolicy::Error::Json(e))
            if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) =>
        {
            0
        }
        Err(e) => {
            eprintln!("kpolicy: {e}");
            2
        }
    };
    std::process::exit(code);
}
