//! rs-trafilatura alone, for comparing extractors on the same pages
//! (`scripts/extraction_f1.py --compare`): one JSON line `{"path", "title", "text"}` per HTML file
//! given, the title and main text rs-trafilatura extracts from the file's bytes (its own charset
//! detection); empty when it finds none or the file cannot be read, with a message on stderr.
//!
//! ```sh
//! cargo build --release --example rs_trafilatura
//! target/release/examples/rs_trafilatura page.html …
//! ```

fn main() {
    for path in std::env::args().skip(1) {
        let (title, text) = match std::fs::read(&path) {
            Ok(bytes) => match rs_trafilatura::extract_bytes(&bytes) {
                Ok(found) => (found.metadata.title.unwrap_or_default(), found.content_text),
                Err(e) => {
                    eprintln!("{path}: rs-trafilatura found no text: {e}");
                    Default::default()
                }
            },
            Err(e) => {
                eprintln!("{path}: cannot read: {e}");
                Default::default()
            }
        };
        println!(
            "{}",
            serde_json::json!({ "path": path, "title": title, "text": text })
        );
    }
}
