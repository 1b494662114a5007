//! `kpolicy export opensearch OUT/`: an index for an OpenSearch or Elasticsearch 8 cluster
//! with the Nori analysis plugin, from a kpolicy index. kpolicy stays the front end that reads
//! HWP/PDF/saved pages, cleans them and finds title, date, regions and industries; the cluster
//! stores and searches. Files written to `OUT/`:
//!
//! - `index.json` ([`settings`]): settings and mappings, `PUT /kpolicy` with it;
//! - `bulk.ndjson` ([`bulk`]): every article (or, with `--since`, what changed), `POST
//!   /kpolicy/_bulk` with it;
//! - `search-template.json` ([`template`]): the query shape, `PUT _scripts/kpolicy-search`;
//! - `export.json`: what was written, and the generation to give `--since` next time.
//!
//! Each file is written beside its final name and renamed into place, so a reader of `OUT/`
//! never sees half a file. docs/scale-out.md says how to load them and how the two engines
//! differ.

pub mod bulk;
pub mod settings;
pub mod template;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::Analyzer;
use crate::data::Resources;
use crate::error::{Error, Result};
use crate::index::{changes, KIndex};

/// The files of an export, by name.
pub const INDEX_FILE: &str = "index.json";
pub const BULK_FILE: &str = "bulk.ndjson";
pub const TEMPLATE_FILE: &str = "search-template.json";
pub const MANIFEST_FILE: &str = "export.json";

/// What an export wrote (`export.json`, and `kpolicy export --json`).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The folder written.
    pub out: String,
    /// The index's generation the export brings a cluster to: give it to `--since` next time.
    pub generation: u64,
    /// The generation the changes were taken after (`--since`); `null` for a full export.
    pub since: Option<u64>,
    /// `index` actions in `bulk.ndjson` (articles written).
    pub indexed: u64,
    /// `delete` actions in `bulk.ndjson` (articles gone since `since`).
    pub deleted: u64,
    /// When the index was last rebuilt (unix seconds), when its change log says so: its
    /// generations started over then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuilt: Option<u64>,
    /// The files written, in `out`.
    pub files: Vec<String>,
}

/// Writes the export of `kindex` to `out` (created when missing); with `since`, `bulk.ndjson`
/// holds only the actions that bring a cluster at generation `since` to the index's.
pub fn export(
    kindex: &KIndex,
    res: &Resources,
    analyzer: &Analyzer,
    out: &Path,
    since: Option<u64>,
) -> Result<Summary> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a folder; the export writes index.json, bulk.ndjson and \
             search-template.json into a folder",
            out.display()
        )));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::File {
        path: out.to_path_buf(),
        source: e,
    })?;
    // The generation first, then the searcher: the searcher sees at least that commit, so
    // nothing committed after it is missed by the next `--since` (at worst sent twice).
    let generation = kindex.generation()?;
    let changed = match since {
        Some(s) => Some(changes::changed_since(&kindex.path, s, generation)?),
        None => None,
    };
    let searcher = kindex.reader()?.searcher();

    let mut files = Vec::new();
    write_json(
        out,
        INDEX_FILE,
        &settings::index_json(res, analyzer),
        &mut files,
    )?;
    write_json(out, TEMPLATE_FILE, &template::template_json(), &mut files)?;
    let counts = write_file(out, BULK_FILE, &mut files, |w| match &changed {
        Some(c) => bulk::write_changed(w, kindex, &searcher, &c.ids, analyzer),
        None => bulk::write_all(w, kindex, &searcher, analyzer),
    })?;
    files.push(MANIFEST_FILE.to_string());
    let summary = Summary {
        out: out.display().to_string(),
        generation,
        since,
        indexed: counts.index,
        deleted: counts.delete,
        rebuilt: changed.and_then(|c| c.rebuilt),
        files,
    };
    let mut manifest_files = Vec::new();
    write_json(
        out,
        MANIFEST_FILE,
        &serde_json::to_value(&summary)?,
        &mut manifest_files,
    )?;
    Ok(summary)
}

fn write_json(
    out: &Path,
    name: &str,
    value: &serde_json::Value,
    files: &mut Vec<String>,
) -> Result<()> {
    write_file(out, name, files, |w| {
        serde_json::to_writer_pretty(&mut *w, value)?;
        w.write_all(b"\n")?;
        Ok(())
    })
}

/// Writes `name` in `out` through `fill`, into a temporary file renamed into place.
fn write_file<T>(
    out: &Path,
    name: &str,
    files: &mut Vec<String>,
    fill: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let path = out.join(name);
    let tmp: PathBuf = out.join(format!(".{name}.tmp"));
    let file_error = |p: &Path, e: std::io::Error| Error::File {
        path: p.to_path_buf(),
        source: e,
    };
    let file = std::fs::File::create(&tmp).map_err(|e| file_error(&tmp, e))?;
    let mut w = BufWriter::new(file);
    let result = fill(&mut w).and_then(|t| {
        w.flush().map_err(|e| file_error(&tmp, e))?;
        Ok(t)
    });
    let t = match result {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, &path).map_err(|e| file_error(&path, e))?;
    files.push(name.to_string());
    Ok(t)
}
