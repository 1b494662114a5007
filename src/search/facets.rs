//! Facet counts read straight from the facet columns.
//!
//! tantivy's `FacetCollector` needs one collector per level asked for (six here: region and
//! mentioned region at the 시·도 and 시·군·구 levels, year, industry). Each of them streams every
//! segment's facet dictionary on every query, looks up each matching document's facet
//! ordinals again, and turns its counted ordinals back into facets through the dictionary. Here
//! each facet column is read once per matching document, ordinals map to their group through
//! tables built once per segment (and kept while the segment lives, see [`FacetCache`]), and a
//! group becomes a facet path only at the end, when its count is not zero.
//!
//! The counts are those of `FacetCollector`: a document adds one to a group for each run of
//! its ordinals that falls in the group (with the ordinals in column order, i.e. once per
//! document for the sorted ordinals tantivy stores).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::schema::{Facet, Field};
use tantivy::{DocId, Searcher, SegmentReader};

use super::Facets;
use crate::data::Resources;
use crate::error::Result;
use crate::index::Fields;

/// Not in any group (a 시·도 itself, or a region outside the 시·도 list, at the second level).
const NONE: u32 = u32::MAX;

/// Independent counts kept per pass: the matches of the strict and of the relaxed query.
pub(crate) const SLOTS: usize = 2;

/// What is counted: the facet fields, and the 시·도 whose 시·군·구 are counted.
pub(crate) struct FacetSpec {
    region: Field,
    mentioned: Field,
    year: Field,
    industry: Field,
    /// Encoded 시·도 facets (`경상북도`).
    provinces: HashSet<String>,
}

impl FacetSpec {
    pub(crate) fn new(fields: &Fields, res: &Resources) -> FacetSpec {
        FacetSpec {
            region: fields.region,
            mentioned: fields.mentioned,
            year: fields.year_facet,
            industry: fields.industry,
            provinces: res
                .gazetteer
                .provinces()
                .map(|p| Facet::from(p.path().as_str()).encoded_str().to_string())
                .collect(),
        }
    }
}

/// Group tables of one facet column of one segment.
struct Groups {
    /// Ordinal → top-level group (`/경상북도`, `2020`, `바이오·백신`).
    top: Vec<u32>,
    /// Ordinal → 시·군·구 group (`/경상북도/안동시`) or [`NONE`]; empty for one-level fields.
    sub: Vec<u32>,
    /// Output name of each top-level group: the path (`/경상북도`) for two-level fields, the
    /// name without the leading `/` (`2020`) for the others; `None` for bytes that are not
    /// UTF-8, which `FacetCollector` leaves out too.
    top_names: Vec<Option<String>>,
    /// Path of each 시·군·구 group (`/경상북도/안동시`).
    sub_names: Vec<Option<String>>,
}

impl Groups {
    fn build(reader: &FacetReader, two_levels: bool, provinces: &HashSet<String>) -> Result<Self> {
        let n = reader.num_facets();
        let mut g = Groups {
            top: Vec::with_capacity(n),
            sub: Vec::with_capacity(if two_levels { n } else { 0 }),
            top_names: Vec::new(),
            sub_names: Vec::new(),
        };
        let name = |key: &[u8]| {
            let p = path(key)?;
            Some(if two_levels {
                p
            } else {
                p.trim_start_matches('/').to_string()
            })
        };
        // The dictionary is sorted, so the facets of one group are consecutive.
        let (mut last_top, mut last_sub): (Vec<u8>, Vec<u8>) = (Vec::new(), Vec::new());
        let mut stream = reader.facet_dict().stream()?;
        while stream.advance() {
            let key = stream.key();
            let first_end = key.iter().position(|&b| b == 0).unwrap_or(key.len());
            let top_key = &key[..first_end];
            if g.top_names.is_empty() || last_top != top_key {
                g.top_names.push(name(top_key));
                last_top = top_key.to_vec();
            }
            g.top.push((g.top_names.len() - 1) as u32);
            if !two_levels {
                continue;
            }
            let in_province = first_end < key.len()
                && std::str::from_utf8(top_key).is_ok_and(|p| provinces.contains(p));
            if !in_province {
                g.sub.push(NONE);
                continue;
            }
            let second_end = key[first_end + 1..]
                .iter()
                .position(|&b| b == 0)
                .map_or(key.len(), |i| first_end + 1 + i);
            let sub_key = &key[..second_end];
            if g.sub_names.is_empty() || last_sub != sub_key {
                g.sub_names.push(path(sub_key));
                last_sub = sub_key.to_vec();
            }
            g.sub.push((g.sub_names.len() - 1) as u32);
        }
        Ok(g)
    }
}

/// What is kept per segment and facet field: the column and its group tables.
struct Table {
    reader: FacetReader,
    groups: Groups,
}

impl Table {
    /// The (top, 시·군·구) groups of `doc`'s facets, in column order.
    fn pairs(&self, doc: DocId) -> impl Iterator<Item = (u32, u32)> + '_ {
        let groups = &self.groups;
        let two_levels = !groups.sub.is_empty();
        self.reader.facet_ords(doc).map(move |ord| {
            let ord = ord as usize;
            let sub = if two_levels { groups.sub[ord] } else { NONE };
            (groups.top[ord], sub)
        })
    }
}

/// Once a segment has been counted a second time (a long-lived engine), the counters every
/// document adds to, for all four facet fields at once, laid out flat: document `d` adds one
/// to each of `counters[starts[d] .. starts[d + 1]]`, already following `FacetCollector`'s
/// rule. Counting a document is then one short loop instead of four column lookups. A process
/// that searches once (the CLI) never builds it.
struct Combined {
    starts: Vec<u32>,
    counters: Vec<u32>,
}

/// The counters of one segment: per field, its top-level groups then its 시·군·구 groups.
fn layout(tables: &[&Table; 4]) -> ([usize; 4], [usize; 4], usize) {
    let (mut top, mut sub) = ([0; 4], [0; 4]);
    let mut next = 0;
    for (c, t) in tables.iter().enumerate() {
        top[c] = next;
        next += t.groups.top_names.len();
        sub[c] = next;
        next += t.groups.sub_names.len();
    }
    (top, sub, next)
}

impl Combined {
    fn build(tables: &[&Table; 4], max_doc: DocId) -> Combined {
        let (top, sub, _) = layout(tables);
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut counters = Vec::with_capacity(max_doc as usize * 4);
        starts.push(0);
        for doc in 0..max_doc {
            for (c, t) in tables.iter().enumerate() {
                runs(t.pairs(doc), |group, level_sub| {
                    let base = if level_sub { sub[c] } else { top[c] };
                    counters.push((base + group as usize) as u32);
                });
            }
            starts.push(counters.len() as u32);
        }
        Combined { starts, counters }
    }
}

/// Per segment: how often it was counted, and its [`Combined`] table from the second time on.
#[derive(Default)]
struct SegmentEntry {
    uses: AtomicU32,
    combined: OnceLock<Combined>,
}

/// The [`Table`]s of every segment seen, by segment and field. Segments never change, so a
/// table stays valid as long as its segment exists; [`FacetCache::sync`] drops the tables of
/// segments a new searcher no longer has (merged or deleted).
#[derive(Default)]
pub struct FacetCache {
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    /// Generation of the searcher the tables were last checked against.
    generation: Option<u64>,
    tables: HashMap<(SegmentId, Field), Arc<Table>>,
    segments: HashMap<SegmentId, Arc<SegmentEntry>>,
}

impl FacetCache {
    fn get(
        &self,
        seg: &SegmentReader,
        field: Field,
        two_levels: bool,
        provinces: &HashSet<String>,
    ) -> Result<Arc<Table>> {
        let key = (seg.segment_id(), field);
        let cached = self.lock().tables.get(&key).cloned();
        let table = match cached {
            Some(t) => t,
            None => {
                let reader = seg.facet_reader(seg.schema().get_field_name(field))?;
                let groups = Groups::build(&reader, two_levels, provinces)?;
                let t = Arc::new(Table { reader, groups });
                self.lock().tables.insert(key, t.clone());
                t
            }
        };
        Ok(table)
    }

    /// The segment's entry, counted as one more use.
    fn segment(&self, seg: &SegmentReader) -> Arc<SegmentEntry> {
        let entry = self
            .lock()
            .segments
            .entry(seg.segment_id())
            .or_default()
            .clone();
        entry.uses.fetch_add(1, Ordering::Relaxed);
        entry
    }

    /// Forgets the tables of segments `searcher` does not have, when it is not the searcher
    /// checked last time.
    pub(crate) fn sync(&self, searcher: &Searcher) {
        let generation = searcher.generation().generation_id();
        let mut inner = self.lock();
        if inner.generation == Some(generation) {
            return;
        }
        let live: HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        inner.tables.retain(|(id, _), _| live.contains(id));
        inner.segments.retain(|id, _| live.contains(id));
        inner.generation = Some(generation);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheInner> {
        // Tables are inserted whole, so a panic elsewhere while the lock was held cannot have
        // left a half-built one: a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One facet column of one segment being counted.
struct Column {
    table: Arc<Table>,
    /// `group * SLOTS + slot`.
    top_counts: Vec<u64>,
    sub_counts: Vec<u64>,
}

impl Column {
    #[inline]
    fn collect(&mut self, doc: DocId, slots: [bool; SLOTS]) {
        let (top, sub) = (&mut self.top_counts, &mut self.sub_counts);
        runs(self.table.pairs(doc), |group, level_sub| {
            add(if level_sub { &mut *sub } else { &mut *top }, group, slots)
        });
    }
}

/// The groups one document counts in, from its (top, 시·군·구) groups: a group once per run
/// of the document's facets that falls in it (`FacetCollector`'s rule). `f(group, is_sub)`.
#[inline]
fn runs(pairs: impl Iterator<Item = (u32, u32)>, mut f: impl FnMut(u32, bool)) {
    let (mut prev_top, mut prev_sub) = (NONE, NONE);
    for (t, s) in pairs {
        if t != prev_top {
            f(t, false);
            prev_top = t;
        }
        if s != prev_sub && s != NONE {
            f(s, true);
        }
        prev_sub = s;
    }
}

#[inline]
fn add(counts: &mut [u64], group: u32, slots: [bool; SLOTS]) {
    let base = group as usize * SLOTS;
    for (slot, on) in slots.iter().enumerate() {
        counts[base + slot] += u64::from(*on);
    }
}

/// Facet counting over one segment.
pub(crate) struct SegmentFacets {
    region: Column,
    mentioned: Column,
    year: Column,
    industry: Column,
    /// When the segment's [`Combined`] table is used: it, and all counters in its layout
    /// (`counter * SLOTS + slot`); the columns then have no counts of their own.
    combined: Option<(Arc<SegmentEntry>, Vec<u64>)>,
}

impl SegmentFacets {
    pub(crate) fn new(spec: &FacetSpec, cache: &FacetCache, seg: &SegmentReader) -> Result<Self> {
        let entry = cache.segment(seg);
        // From the second count on, the combined table holds the counters; the columns then
        // need no counts of their own.
        let combined = entry.uses.load(Ordering::Relaxed) >= 2;
        let column = |field: Field, two_levels: bool| -> Result<Column> {
            let table = cache.get(seg, field, two_levels, &spec.provinces)?;
            let counts = |groups: usize| vec![0; if combined { 0 } else { groups * SLOTS }];
            Ok(Column {
                top_counts: counts(table.groups.top_names.len()),
                sub_counts: counts(table.groups.sub_names.len()),
                table,
            })
        };
        let mut out = SegmentFacets {
            region: column(spec.region, true)?,
            mentioned: column(spec.mentioned, true)?,
            year: column(spec.year, false)?,
            industry: column(spec.industry, false)?,
            combined: None,
        };
        if combined {
            let tables = out.tables();
            entry
                .combined
                .get_or_init(|| Combined::build(&tables, seg.max_doc()));
            let (_, _, counters) = layout(&tables);
            out.combined = Some((entry, vec![0; counters * SLOTS]));
        }
        Ok(out)
    }

    fn tables(&self) -> [&Table; 4] {
        [
            &self.region.table,
            &self.mentioned.table,
            &self.year.table,
            &self.industry.table,
        ]
    }

    /// Counts `doc` in the slots that are `true`.
    #[inline]
    pub(crate) fn collect(&mut self, doc: DocId, slots: [bool; SLOTS]) {
        if let Some((entry, counts)) = self.combined.as_mut() {
            // Built in `new` before `combined` was set.
            if let Some(c) = entry.combined.get() {
                let (a, b) = (c.starts[doc as usize], c.starts[doc as usize + 1]);
                for &counter in &c.counters[a as usize..b as usize] {
                    add(counts, counter, slots);
                }
            }
            return;
        }
        self.region.collect(doc, slots);
        self.mentioned.collect(doc, slots);
        self.year.collect(doc, slots);
        self.industry.collect(doc, slots);
    }

    /// Each field's (top-level, 시·군·구) counts.
    fn counts(&self) -> [(&[u64], &[u64]); 4] {
        let columns = [&self.region, &self.mentioned, &self.year, &self.industry];
        match &self.combined {
            Some((_, counts)) => {
                let (top, sub, _) = layout(&self.tables());
                let slice =
                    |from: usize, groups: usize| &counts[from * SLOTS..(from + groups) * SLOTS];
                std::array::from_fn(|c| {
                    let g = &columns[c].table.groups;
                    (
                        slice(top[c], g.top_names.len()),
                        slice(sub[c], g.sub_names.len()),
                    )
                })
            }
            None => std::array::from_fn(|c| {
                (
                    columns[c].top_counts.as_slice(),
                    columns[c].sub_counts.as_slice(),
                )
            }),
        }
    }
}

/// The counts of one slot over all segments.
pub(crate) fn harvest(segments: &[SegmentFacets], slot: usize) -> Facets {
    let mut out = Facets::default();
    for seg in segments {
        let counts = seg.counts();
        for ((c, map), (top, sub)) in [
            (&seg.region, &mut out.region),
            (&seg.mentioned, &mut out.mentioned),
            (&seg.year, &mut out.year),
            (&seg.industry, &mut out.industry),
        ]
        .into_iter()
        .zip(counts)
        {
            let g = &c.table.groups;
            add_counts(&g.top_names, top, slot, map);
            add_counts(&g.sub_names, sub, slot, map);
        }
    }
    out
}

fn add_counts(
    names: &[Option<String>],
    counts: &[u64],
    slot: usize,
    out: &mut BTreeMap<String, u64>,
) {
    for (name, n) in names.iter().zip(counts.chunks(SLOTS).map(|s| s[slot])) {
        let Some(name) = name.as_ref().filter(|_| n > 0) else {
            continue;
        };
        match out.get_mut(name) {
            Some(total) => *total += n,
            None => {
                out.insert(name.clone(), n);
            }
        }
    }
}

/// Path form of an encoded facet, as `Facet::to_path_string` writes it (`None` for bytes
/// that are not UTF-8, which `FacetCollector` leaves out too).
fn path(encoded: &[u8]) -> Option<String> {
    Facet::from_encoded(encoded.to_vec())
        .ok()
        .map(|f| f.to_path_string())
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{FacetCollector, FacetCounts};
    use tantivy::query::{AllQuery, Query, TermQuery};
    use tantivy::schema::{FacetOptions, IndexRecordOption, Schema, STRING};
    use tantivy::{doc, Index, IndexWriter, Term};

    use super::*;

    /// What `Engine::facets` computed with tantivy's `FacetCollector` before `facets.rs`.
    fn with_facet_collector(
        searcher: &Searcher,
        query: &dyn Query,
        fields: [Field; 4],
        provinces: &[&str],
    ) -> Facets {
        let schema = searcher.schema();
        let collect = |field: Field, roots: &[Facet]| -> FacetCounts {
            let mut c = FacetCollector::for_field(schema.get_field_name(field));
            for r in roots {
                c.add_facet(r.clone());
            }
            searcher.search(query, &c).unwrap()
        };
        let provinces: Vec<Facet> = provinces.iter().map(|p| Facet::from(*p)).collect();
        let root = [Facet::root()];
        let levels = |field: Field| {
            let mut out = BTreeMap::new();
            for (facet, c) in collect(field, &root).get("/") {
                out.insert(facet.to_path_string(), c);
            }
            let sub = collect(field, &provinces);
            for p in &provinces {
                for (facet, c) in sub.get(p.clone()) {
                    out.insert(facet.to_path_string(), c);
                }
            }
            out
        };
        let names = |field: Field| -> BTreeMap<String, u64> {
            collect(field, &root)
                .get("/")
                .map(|(f, c)| (f.to_path_string().trim_start_matches('/').to_string(), c))
                .collect()
        };
        Facets {
            region: levels(fields[0]),
            mentioned: levels(fields[1]),
            year: names(fields[2]),
            industry: names(fields[3]),
        }
    }

    #[test]
    fn same_counts_as_facet_collector() {
        let mut b = Schema::builder();
        let tag = b.add_text_field("tag", STRING);
        let region = b.add_facet_field("region", FacetOptions::default());
        let mentioned = b.add_facet_field("mentioned", FacetOptions::default());
        let year = b.add_facet_field("year", FacetOptions::default());
        let industry = b.add_facet_field("industry", FacetOptions::default());
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let regions = [
            "/경상북도/안동시",
            "/경상북도",
            "/경기도/수원시/장안구",
            "/경기도/수원시",
            "/unknown",
            "/세종특별자치시",
            "/서울특별시/강남구",
        ];
        let industries = ["/바이오·백신", "/문화·관광", "/반도체·전자", "/a\\/b"];
        // Three commits make three segments; the middle one loses documents to deletes.
        for round in 0..3u64 {
            for i in 0..60u64 {
                let n = round * 60 + i;
                let mut d = doc!(tag => if n % 3 == 0 { "x" } else { "y" });
                d.add_facet(region, Facet::from(regions[(n % 7) as usize]));
                // Several mentioned regions, not in sorted order, sometimes none.
                for k in 0..(n % 4) {
                    d.add_facet(mentioned, Facet::from(regions[((n + 3 * k) % 7) as usize]));
                }
                let y = ["/2019", "/2020", "/unknown"][(n % 3) as usize];
                d.add_facet(year, Facet::from(y));
                for k in 0..(n % 3) {
                    d.add_facet(industry, Facet::from(industries[((n + k) % 4) as usize]));
                }
                w.add_document(d).unwrap();
            }
            if round == 1 {
                w.delete_term(Term::from_field_text(tag, "x"));
            }
            w.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let provinces = ["/경상북도", "/경기도", "/세종특별자치시"];
        let spec = FacetSpec {
            region,
            mentioned,
            year,
            industry,
            provinces: provinces
                .iter()
                .map(|p| Facet::from(*p).encoded_str().to_string())
                .collect(),
        };
        let cache = FacetCache::default();
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(AllQuery),
            Box::new(TermQuery::new(
                Term::from_field_text(tag, "y"),
                IndexRecordOption::Basic,
            )),
        ];
        for q in &queries {
            let expected = with_facet_collector(
                &searcher,
                q.as_ref(),
                [region, mentioned, year, industry],
                &provinces,
            );
            // Three times: from the column, then from the cached tables and the combined table
            // built on the second use.
            for _ in 0..3 {
                let got = crate::search::collect::facets_of(&searcher, q.as_ref(), &spec, &cache)
                    .unwrap();
                assert_eq!(got.region, expected.region);
                assert_eq!(got.mentioned, expected.mentioned);
                assert_eq!(got.year, expected.year);
                assert_eq!(got.industry, expected.industry);
            }
        }
        assert!(expected_nonempty(&searcher, region));
    }

    fn expected_nonempty(searcher: &Searcher, field: Field) -> bool {
        let mut c = FacetCollector::for_field(searcher.schema().get_field_name(field));
        c.add_facet(Facet::root());
        searcher.search(&AllQuery, &c).unwrap().get("/").count() > 3
    }
}
