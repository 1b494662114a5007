//! The one way the CLI writes: results to stdout (human text or JSON), messages to stderr.
//!
//! A reader that goes away (`kpolicy search … --json | head -c1`, `kpolicy watch --json |
//! head -1`) makes the next write fail with a broken pipe; the error travels up like any other
//! and [`super::run`] turns it into a normal exit ([`is_broken_pipe`]). Messages to stderr
//! cannot fail the run: there is nowhere left to report that.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use super::args::ColorChoice;
use crate::error::{Error, Result};

/// Resolved output settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    /// Colour on stdout.
    pub color: bool,
    /// stderr is a terminal (a progress bar is shown there).
    pub tty_err: bool,
}

impl Style {
    pub fn new(choice: ColorChoice) -> Style {
        let tty = io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Style {
            color,
            tty_err: io::stderr().is_terminal(),
        }
    }
}

/// Writes results and messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    pub style: Style,
}

impl Printer {
    /// `value` as one pretty-printed JSON document.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let mut out = io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, value)?;
        writeln!(out)?;
        out.flush()?;
        Ok(())
    }

    /// `value` as one line of JSON (JSON lines), flushed at once so a reader sees it.
    pub fn json_line<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let mut out = io::stdout().lock();
        serde_json::to_writer(&mut out, value)?;
        writeln!(out)?;
        out.flush()?;
        Ok(())
    }

    /// Human-readable output written by `write`.
    pub fn text(&self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
        let mut out = io::stdout().lock();
        write(&mut out)?;
        out.flush()?;
        Ok(())
    }

    /// A message for the person at the terminal, on stderr.
    pub fn message(&self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) {
        let _ = write(&mut io::stderr().lock());
    }

    /// One line on stderr.
    pub fn note(&self, line: &str) {
        self.message(|err| writeln!(err, "{line}"));
    }
}

/// The reader of our output went away: not an error, the run just ends.
pub(crate) fn is_broken_pipe(e: &Error) -> bool {
    match e {
        Error::Io(e) => e.kind() == io::ErrorKind::BrokenPipe,
        Error::Json(e) => e.io_error_kind() == Some(io::ErrorKind::BrokenPipe),
        _ => false,
    }
}
