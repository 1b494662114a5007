//! Defences shared by the document readers of this branch (HWP, HWPX, PDF) on top of the seam's
//! [`guarded`](super::guarded) and [`read_capped`](super::read_capped): one decompression budget
//! per document, and a panic fence that keeps a third-party parser's panic message off the
//! terminal (the file's error line already says what happened).

use std::io::Read;

use super::{guarded, read_capped, FormatError, MAX_EXPANDED_BYTES};

/// What one document may still decompress to, over all its streams or members.
#[derive(Debug)]
pub struct Budget {
    left: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            left: MAX_EXPANDED_BYTES,
        }
    }
}

impl Budget {
    /// Reads `r` to its end within what is left ([`FormatError::TooLarge`] past it).
    pub fn read(&mut self, r: impl Read, what: &str) -> Result<Vec<u8>, FormatError> {
        let out = read_capped(r, self.left, what)?;
        self.left -= out.len() as u64;
        Ok(out)
    }
}

/// [`guarded`], with the default panic hook silenced on this thread while `f` runs: a crate's
/// panic becomes [`FormatError::Panicked`] for this file without a `thread … panicked at`
/// message in the middle of the run's output. Panics elsewhere print as usual.
pub fn quietly<T>(f: impl FnOnce() -> Result<T, FormatError>) -> Result<T, FormatError> {
    install_quiet_hook();
    let was = QUIET.with(|q| q.replace(true));
    let r = guarded(f);
    QUIET.with(|q| q.set(was));
    r
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_shared_by_the_reads_of_a_document() {
        let mut b = Budget { left: 1000 };
        assert_eq!(b.read(&[1u8; 600][..], "a").map(|v| v.len()), Ok(600));
        assert!(matches!(
            b.read(&[1u8; 600][..], "b"),
            Err(FormatError::TooLarge(_))
        ));
    }

    #[test]
    fn a_panic_is_this_files_error() {
        let r: Result<(), FormatError> = quietly(|| panic!("index out of bounds"));
        assert_eq!(r, Err(FormatError::Panicked("index out of bounds".into())));
        assert_eq!(quietly(|| Ok(1)), Ok(1));
    }
}
