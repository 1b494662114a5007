//! Copies of one story folded into one hit (issue 23).
//!
//! Every article carries the near-duplicate fingerprint of its body (`dedup`, the `dup` fast
//! field). The groups are formed here, from the fingerprints of every live article of the
//! index the searcher sees ([`Groups::of`]): a group is a function of the set of articles, not
//! of the order they were indexed in, so a copy added later joins its group, deleting one
//! member leaves the others together, and `--rebuild` gives the same groups. An engine keeps
//! the groups of the last searcher it saw ([`GroupCache`]) and forms them again only after a
//! commit changed the segments or their deletions.
//!
//! A group is named by its representative, the member published first (ties: the smallest
//! id); when that article is deleted, the next one takes the role. At query time the engine
//! folds a ranked list into stories ([`fold`]): the best-ranked member of a group is the hit,
//! and the group's other members are listed with it ([`attach`]).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::columnar::BytesColumn;
use tantivy::{DocAddress, DocId, Searcher};

use super::hit::stored_article;
use super::request::{Duplicate, Hit};
use crate::dedup::{groups, Fingerprint};
use crate::error::Result;
use crate::index::{Fields, KIndex, StoredHead};

/// Not in a group.
const ALONE: u32 = u32::MAX;

/// The groups of copies among the live articles of one searcher.
#[derive(Default)]
pub(crate) struct Groups {
    /// Per segment, per document: its group, or [`ALONE`].
    of: Vec<Vec<u32>>,
    /// Live members of each group, in index order.
    members: Vec<Vec<DocAddress>>,
    /// Per group, once known: its members first published first, and the id of the first
    /// (the representative). Saved with the groups; else read from the stored documents the
    /// first time a search needs it.
    ordered: Vec<OnceLock<Ordered>>,
    /// The listed copies of the groups searches have shown ([`Listing`]), by group.
    listed: Mutex<HashMap<u32, Arc<Listing>>>,
}

/// A group's first `MAX_LISTED + 1` members, first published first, as a hit lists them
/// (similarity left at 0), with their fingerprints: read from the stored documents the first
/// time a search shows the story, then shared by every later search until the next commit
/// forms the groups again. A hit lists them without itself.
type Listing = Vec<(DocAddress, Duplicate, Option<Fingerprint>)>;

/// Groups whose [`Listing`] is kept at most (about 2 KB each); when more are shown, the kept
/// ones are dropped and read again as searches need them.
const LISTINGS_KEPT: usize = 4096;

/// A group's members first published first, and the representative's id.
type Ordered = (Vec<DocAddress>, String);

/// Copies listed with a hit at most (`hits[].copies` counts them all): a story can be in
/// hundreds of outlets' feeds, and each listed copy is a document read.
pub const MAX_LISTED: usize = 10;

impl Groups {
    /// The groups of the live articles `searcher` sees.
    pub(crate) fn of(searcher: &Searcher) -> Result<Groups> {
        let mut addrs: Vec<DocAddress> = Vec::new();
        let mut prints: Vec<Option<Fingerprint>> = Vec::new();
        let mut of = Vec::new();
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            of.push(vec![ALONE; seg.max_doc() as usize]);
            let Some(column) = seg.fast_fields().bytes("dup")? else {
                continue;
            };
            // Each distinct value once, in ordinal order (a per-document look-up would
            // decompress a dictionary block for every document).
            let mut values: Vec<Option<Fingerprint>> = Vec::with_capacity(column.num_terms());
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                values.push(Fingerprint::decode(stream.key()));
            }
            let alive = seg.alive_bitset();
            for doc in 0..seg.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let Some(print) = column
                    .term_ords(doc)
                    .next()
                    .and_then(|o| values.get(o as usize).cloned().flatten())
                else {
                    continue;
                };
                addrs.push(DocAddress::new(ord as u32, doc));
                prints.push(Some(print));
            }
        }
        let numbers = groups(&prints);
        let mut members: Vec<Vec<DocAddress>> = Vec::new();
        for (addr, group) in addrs.into_iter().zip(numbers) {
            let Some(g) = group else { continue };
            let g = g as usize;
            if members.len() <= g {
                members.resize(g + 1, Vec::new());
            }
            members[g].push(addr);
            of[addr.segment_ord as usize][addr.doc_id as usize] = g as u32;
        }
        let ordered = (0..members.len()).map(|_| OnceLock::new()).collect();
        Ok(Groups {
            of,
            members,
            ordered,
            listed: Mutex::default(),
        })
    }

    /// The groups of `searcher`'s articles as the indexer saved them beside the index
    /// ([`save`]), when they were saved for exactly these segments and deletions.
    fn load(searcher: &Searcher, dir: &Path) -> Option<Groups> {
        let bytes = std::fs::read(dir.join(GROUPS_FILE)).ok()?;
        let saved: SavedGroups = serde_json::from_slice(&bytes).ok()?;
        if saved.version != GROUPS_VERSION || saved.segments != segments_seen(searcher) {
            return None;
        }
        let readers = searcher.segment_readers();
        let mut of: Vec<Vec<u32>> = readers
            .iter()
            .map(|s| vec![ALONE; s.max_doc() as usize])
            .collect();
        if saved.representatives.len() != saved.groups.len() {
            return None;
        }
        let mut members = Vec::with_capacity(saved.groups.len());
        let mut ordered = Vec::with_capacity(saved.groups.len());
        for (g, (list, rep)) in saved.groups.iter().zip(saved.representatives).enumerate() {
            let mut addrs = Vec::with_capacity(list.len());
            for &(segment, doc) in list {
                *of.get_mut(segment as usize)?.get_mut(doc as usize)? = g as u32;
                addrs.push(DocAddress::new(segment, doc));
            }
            members.push(addrs.clone());
            ordered.push(OnceLock::from((addrs, rep)));
        }
        Some(Groups {
            of,
            members,
            ordered,
            listed: Mutex::default(),
        })
    }

    /// The members of group `g` first published first, and its representative's id.
    fn ordered(&self, searcher: &Searcher, fields: &Fields, g: u32) -> Result<&Ordered> {
        let slot = &self.ordered[g as usize];
        if let Some(o) = slot.get() {
            return Ok(o);
        }
        let mut keyed: Vec<(Option<String>, String, DocAddress)> = Vec::new();
        for &member in &self.members[g as usize] {
            let StoredHead(doc) = searcher.doc(member)?;
            let a = stored_article(&doc, fields);
            keyed.push((a.date, a.id, member));
        }
        keyed.sort_by(|x, y| first_published(&x.0, &x.1).cmp(&first_published(&y.0, &y.1)));
        let rep = keyed.first().map(|k| k.1.clone()).unwrap_or_default();
        let _ = slot.set((keyed.into_iter().map(|k| k.2).collect(), rep));
        Ok(slot.get().expect("set just now"))
    }

    /// The copies hits of group `g` list ([`Listing`]), with each segment's fingerprint column
    /// kept in `columns`.
    fn listing(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        g: u32,
        columns: &mut HashMap<u32, Option<BytesColumn>>,
    ) -> Result<Arc<Listing>> {
        let kept = |listed: &HashMap<u32, Arc<Listing>>| listed.get(&g).map(Arc::clone);
        if let Some(l) = kept(&self.listed.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(l);
        }
        let (order, _) = self.ordered(searcher, fields, g)?;
        let mut listing = Vec::with_capacity(order.len().min(MAX_LISTED + 1));
        for &member in order.iter().take(MAX_LISTED + 1) {
            // The metadata only: a copy's body is never decoded.
            let StoredHead(doc) = searcher.doc(member)?;
            let copy = duplicate(stored_article(&doc, fields), 0.0);
            listing.push((member, copy, print_in(columns, searcher, member)));
        }
        let listing = Arc::new(listing);
        let mut listed = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        if listed.len() >= LISTINGS_KEPT {
            listed.clear();
        }
        listed.insert(g, Arc::clone(&listing));
        Ok(listing)
    }

    /// Number of groups (of two articles or more).
    pub(crate) fn count(&self) -> usize {
        self.members.len()
    }

    /// Articles that are in a group.
    pub(crate) fn grouped(&self) -> usize {
        self.members.iter().map(Vec::len).sum()
    }

    /// The group of the document `doc` of segment `segment`.
    #[inline]
    pub(crate) fn group(&self, segment: usize, doc: DocId) -> Option<u32> {
        self.of
            .get(segment)
            .and_then(|s| s.get(doc as usize))
            .copied()
            .filter(|&g| g != ALONE)
    }

    fn group_of(&self, addr: DocAddress) -> Option<u32> {
        self.group(addr.segment_ord as usize, addr.doc_id)
    }

    /// Stories among `articles` matching articles of which `grouped` (with repeats) are
    /// members of a group: each group counts once.
    pub(crate) fn stories(&self, articles: usize, grouped: &[&[u32]]) -> usize {
        let mut seen = vec![false; self.count()];
        let mut members = 0;
        let mut distinct = 0;
        for part in grouped {
            for &g in *part {
                members += 1;
                if let Some(s) = seen.get_mut(g as usize) {
                    if !*s {
                        *s = true;
                        distinct += 1;
                    }
                }
            }
        }
        articles.saturating_sub(members) + distinct
    }
}

/// Each segment and its number of deleted documents: the groups change when this does.
type SegmentsSeen = Vec<(String, u32)>;

fn segments_seen(searcher: &Searcher) -> SegmentsSeen {
    searcher
        .segment_readers()
        .iter()
        .map(|s| (s.segment_id().uuid_string(), s.num_deleted_docs()))
        .collect()
}

/// The groups saved beside the index (`dup-groups.json`): the members of each group as
/// (segment ordinal, document), for the segments and deletions named.
const GROUPS_FILE: &str = "dup-groups.json";
const GROUPS_VERSION: u32 = 2;

#[derive(serde::Serialize, serde::Deserialize)]
struct SavedGroups {
    version: u32,
    segments: SegmentsSeen,
    /// Members of each group, first published first.
    groups: Vec<Vec<(u32, u32)>>,
    /// The id of each group's first published member.
    representatives: Vec<String>,
}

/// Forms the groups of the index's last commit and saves them beside it, so that a search
/// process (`kpolicy search`) reads them instead of forming them again. Called by the
/// indexer once its merges are done; a search that finds them out of date (a later commit,
/// a merge) forms the groups itself.
pub(crate) fn save(kindex: &KIndex) -> Result<()> {
    let reader = kindex.reader()?;
    let searcher = reader.searcher();
    let groups = Groups::of(&searcher)?;
    let mut saved = SavedGroups {
        version: GROUPS_VERSION,
        segments: segments_seen(&searcher),
        groups: Vec::with_capacity(groups.count()),
        representatives: Vec::with_capacity(groups.count()),
    };
    for g in 0..groups.count() as u32 {
        let (order, rep) = groups.ordered(&searcher, &kindex.fields, g)?;
        saved
            .groups
            .push(order.iter().map(|a| (a.segment_ord, a.doc_id)).collect());
        saved.representatives.push(rep.clone());
    }
    let path = kindex.path.join(GROUPS_FILE);
    let tmp = kindex.path.join(format!("{GROUPS_FILE}.tmp"));
    let write = || -> std::io::Result<()> {
        std::fs::write(&tmp, serde_json::to_vec(&saved)?)?;
        std::fs::rename(&tmp, &path)
    };
    write().map_err(|e| crate::error::Error::File { path, source: e })
}

/// The groups of `searcher`'s articles: as saved beside the index at `dir` when they are up to
/// date, else formed from the fingerprints.
pub(crate) fn groups_of(searcher: &Searcher, dir: &Path) -> Result<Groups> {
    match Groups::load(searcher, dir) {
        Some(g) => Ok(g),
        None => Groups::of(searcher),
    }
}

/// The fingerprint stored for the document at `addr`, with the segments' columns kept in
/// `columns`.
fn print_in(
    columns: &mut HashMap<u32, Option<BytesColumn>>,
    searcher: &Searcher,
    addr: DocAddress,
) -> Option<Fingerprint> {
    let column = columns
        .entry(addr.segment_ord)
        .or_insert_with(|| {
            searcher
                .segment_readers()
                .get(addr.segment_ord as usize)
                .and_then(|seg| seg.fast_fields().bytes("dup").ok().flatten())
        })
        .as_ref()?;
    let ord = column.term_ords(addr.doc_id).next()?;
    let mut bytes = Vec::new();
    column.ord_to_bytes(ord, &mut bytes).ok()?;
    Fingerprint::decode(&bytes)
}

/// The fingerprint stored for the document at `addr`.
fn print_at(searcher: &Searcher, addr: DocAddress) -> Option<Fingerprint> {
    let seg = searcher.segment_readers().get(addr.segment_ord as usize)?;
    let column = seg.fast_fields().bytes("dup").ok()??;
    let ord = column.term_ords(addr.doc_id).next()?;
    let mut bytes = Vec::new();
    column.ord_to_bytes(ord, &mut bytes).ok()?;
    Fingerprint::decode(&bytes)
}

/// The groups of the last searcher an engine saw, formed again only when the segments or
/// their deletions changed.
#[derive(Default)]
pub(crate) struct GroupCache {
    last: Mutex<Option<(SegmentsSeen, Arc<Groups>)>>,
}

impl GroupCache {
    /// The groups of `searcher`'s articles.
    pub(crate) fn get(&self, searcher: &Searcher, dir: &Path) -> Result<Arc<Groups>> {
        let key = segments_seen(searcher);
        if let Some((k, g)) = &*self.last.lock().unwrap_or_else(|e| e.into_inner()) {
            if *k == key {
                return Ok(Arc::clone(g));
            }
        }
        let groups = Arc::new(groups_of(searcher, dir)?);
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, Arc::clone(&groups)));
        Ok(groups)
    }
}

/// `ranked` (best first) folded into stories: the places in `ranked` of each group's
/// best-ranked member, which stands for it, and of every article in no group; the group's
/// other members are left out.
pub(crate) fn fold(ranked: &[(f32, DocAddress)], groups: &Groups) -> Vec<usize> {
    let mut seen = vec![false; groups.count()];
    ranked
        .iter()
        .enumerate()
        .filter(|&(_, &(_, addr))| match groups.group_of(addr) {
            Some(g) => !std::mem::replace(&mut seen[g as usize], true),
            None => true,
        })
        .map(|(i, _)| i)
        .collect()
}

/// Fills in each hit's group (its representative's id) and, when `list` is set, the number of
/// the group's other members and the first [`MAX_LISTED`] of them (first published first) as
/// the hit's duplicates.
pub(crate) fn attach(
    searcher: &Searcher,
    fields: &Fields,
    groups: &Groups,
    page: &[(f32, DocAddress)],
    hits: &mut [Hit],
    list: bool,
) -> Result<()> {
    // Each segment's fingerprint column, opened once.
    let mut columns: HashMap<u32, Option<BytesColumn>> = HashMap::new();
    for (hit, &(_, addr)) in hits.iter_mut().zip(page) {
        let Some(g) = groups.group_of(addr) else {
            continue;
        };
        let (order, representative) = groups.ordered(searcher, fields, g)?;
        hit.group = Some(representative.clone());
        if !list {
            continue;
        }
        let listing = groups.listing(searcher, fields, g, &mut columns)?;
        let own = match listing.iter().find(|l| l.0 == addr) {
            Some(l) => l.2.clone(),
            None => print_in(&mut columns, searcher, addr),
        };
        hit.copies = order.len().saturating_sub(1);
        for (_, copy, print) in listing.iter().filter(|l| l.0 != addr).take(MAX_LISTED) {
            let similarity = match (&own, print) {
                (Some(x), Some(y)) => x.shared(y),
                _ => 0.0,
            };
            hit.duplicates.push(Duplicate {
                similarity: rounded(similarity),
                ..copy.clone()
            });
        }
    }
    Ok(())
}

/// Order of the members of a group: dated before undated, earliest date first, then id.
fn first_published<'a>(date: &'a Option<String>, id: &'a str) -> (bool, &'a str, &'a str) {
    (date.is_none(), date.as_deref().unwrap_or(""), id)
}

/// What the index holds of the story of one article (`kpolicy inspect`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoryCopies {
    /// The group the article is in or would join, named by its representative (the copy
    /// published first); `None` when the index holds no copy of it.
    pub group: Option<String>,
    /// The indexed articles of that group (the article itself included when it is indexed),
    /// first published first, with their similarity to the article.
    pub copies: Vec<Duplicate>,
}

/// The indexed copies of the story whose fingerprint is `print`: the articles of the index
/// that are the same story as it, with the other members of their groups. The article at
/// `own_path`, when it is indexed itself, is listed but is no group on its own.
pub(crate) fn copies_of(
    searcher: &Searcher,
    kindex: &KIndex,
    print: &Fingerprint,
    own_path: &Path,
) -> Result<StoryCopies> {
    let fields = &kindex.fields;
    let groups = groups_of(searcher, &kindex.path)?;
    let mut found: Vec<DocAddress> = Vec::new();
    let mut similar: HashMap<DocAddress, f32> = HashMap::new();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let Some(column) = seg.fast_fields().bytes("dup")? else {
            continue;
        };
        // Per distinct value: the similarity to `print` when it is the same story.
        let mut same: Vec<Option<f32>> = Vec::with_capacity(column.num_terms());
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            same.push(
                Fingerprint::decode(stream.key())
                    .filter(|p| p.same_story(print))
                    .map(|p| p.shared(print)),
            );
        }
        let alive = seg.alive_bitset();
        for doc in 0..seg.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let sim = column
                .term_ords(doc)
                .next()
                .and_then(|o| same.get(o as usize).copied().flatten());
            if let Some(sim) = sim {
                let addr = DocAddress::new(ord as u32, doc);
                found.push(addr);
                similar.insert(addr, sim);
            }
        }
    }
    let mut members = found.clone();
    for &addr in &found {
        if let Some(g) = groups.group_of(addr) {
            members.extend(&groups.members[g as usize]);
        }
    }
    members.sort_by_key(|a| (a.segment_ord, a.doc_id));
    members.dedup();
    let mut copies = Vec::with_capacity(members.len());
    for member in members {
        let StoredHead(doc) = searcher.doc(member)?;
        let a = stored_article(&doc, fields);
        let similarity = similar
            .get(&member)
            .copied()
            .or_else(|| print_at(searcher, member).map(|p| p.shared(print)))
            .unwrap_or(0.0);
        copies.push(duplicate(a, similarity));
    }
    copies.sort_by(|x, y| first_published(&x.date, &x.id).cmp(&first_published(&y.date, &y.id)));
    let own = std::fs::canonicalize(own_path).ok();
    let is_own = |c: &Duplicate| own.is_some() && std::fs::canonicalize(&c.path).ok() == own;
    let others = copies.iter().filter(|c| !is_own(c)).count();
    Ok(StoryCopies {
        group: copies.first().filter(|_| others > 0).map(|c| c.id.clone()),
        copies,
    })
}

/// A copy as a hit lists it: the article's metadata and the share of text in common, to two
/// decimals.
fn duplicate(a: super::StoredArticle, similarity: f32) -> Duplicate {
    Duplicate {
        id: a.id,
        title: a.title,
        source: a.source,
        date: a.date,
        path: a.path,
        url: a.url,
        similarity: rounded(similarity),
    }
}

/// A similarity to two decimals, as hits show it.
fn rounded(similarity: f32) -> f32 {
    (similarity * 100.0).round() / 100.0
}
