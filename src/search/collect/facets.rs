//! Facet counts read straight from the facet columns.
//!
//! tantivy's `FacetCollector` needs one collector per level asked for (seven here: region and
//! mentioned region at the 시·도 and 시·군·구 levels, year, industry, month). Each of them streams every
//! segment's facet dictionary on every query, looks up each matching document's facet
//! ordinals again, and turns its counted ordinals back into facets through the dictionary. Here
//! each facet column is read once per matching document, and each ordinal maps to its
//! *counter* through tables built once per segment (and kept while the segment lives, see
//! [`FacetCache`]). A counter is one facet value of one field (`/경상북도`,
//! `/경상북도/안동시`, `2020`, `바이오·백신`) with the same number in every segment, so every
//! segment counts into one flat array, and the array becomes facet names only at the end, for
//! the counters that are not zero.
//!
//! The counts are those of `FacetCollector`: a document adds one to a group for each run of
//! its ordinals that falls in the group (with the ordinals in column order, i.e. once per
//! document for the sorted ordinals tantivy stores).
//!
//! `pass` hands the matching documents over in [`Batch`]es and turns the counts into
//! [`Facets`] with [`harvest`]; the engine keeps one [`FacetCache`] for its whole life.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::schema::{Facet, Field};
use tantivy::{DocId, Searcher, SegmentReader};

use crate::data::Resources;
use crate::error::Result;
use crate::index::Fields;
use crate::search::Facets;

/// Not a counter (a 시·도 itself, or a region outside the 시·도 list, at the second level).
const NONE: u32 = u32::MAX;

/// Independent counts kept per pass: the matches of the strict and of the relaxed query.
pub(crate) const SLOTS: usize = 2;

/// The facet fields, in the order of [`Facets`]' maps.
const FIELDS: usize = 5;

/// What is counted: the facet fields, and the 시·도 whose 시·군·구 are counted.
pub(crate) struct FacetSpec {
    region: Field,
    mentioned: Field,
    year: Field,
    industry: Field,
    month: Field,
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
            month: fields.month,
            provinces: res
                .gazetteer
                .provinces()
                .map(|p| Facet::from(p.path().as_str()).encoded_str().to_string())
                .collect(),
        }
    }

    /// Each facet field, and whether its 시·군·구 level is counted too.
    fn fields(&self) -> [(Field, bool); FIELDS] {
        [
            (self.region, true),
            (self.mentioned, true),
            (self.year, false),
            (self.industry, false),
            (self.month, false),
        ]
    }
}

/// All counters seen so far, numbered in the order they were first seen.
#[derive(Clone, Default)]
pub(crate) struct Counters {
    /// Field (index into [`FacetSpec::fields`]) and output name of each counter: the path
    /// (`/경상북도`) for two-level fields, the name without the leading `/` (`2020`) for the
    /// others; `None` for bytes that are not UTF-8, which `FacetCollector` leaves out too.
    names: Vec<(usize, Option<String>)>,
    /// Counter of each field index + encoded facet (`0 경상북도\0안동시`).
    ids: HashMap<Vec<u8>, u32>,
    /// The counters ordered by field, then name.
    sorted: Vec<u32>,
}

impl Counters {
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// The counter of `field`'s facet `key`, new if needed (`name` gives its output name).
    fn id(&mut self, field: usize, key: &[u8], name: impl FnOnce() -> Option<String>) -> u32 {
        let mut k = Vec::with_capacity(key.len() + 1);
        k.push(field as u8);
        k.extend_from_slice(key);
        if let Some(&id) = self.ids.get(&k) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push((field, name()));
        self.ids.insert(k, id);
        id
    }

    fn sort(&mut self) {
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        self.sorted = order;
    }
}

/// Ordinal → counter tables of one facet column of one segment.
struct Groups {
    /// Ordinal → counter of its top-level group (`/경상북도`, `2020`, `바이오·백신`).
    top: Vec<u32>,
    /// Ordinal → counter of its 시·군·구 group (`/경상북도/안동시`) or [`NONE`]; empty for
    /// one-level fields.
    sub: Vec<u32>,
}

impl Groups {
    fn build(
        reader: &FacetReader,
        field: usize,
        two_levels: bool,
        provinces: &HashSet<String>,
        counters: &mut Counters,
    ) -> Result<Self> {
        let n = reader.num_facets();
        let mut g = Groups {
            top: Vec::with_capacity(n),
            sub: Vec::with_capacity(if two_levels { n } else { 0 }),
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
        let (mut last_top, mut last_sub): (Option<Vec<u8>>, Option<Vec<u8>>) = (None, None);
        let (mut top_id, mut sub_id) = (NONE, NONE);
        let mut stream = reader.facet_dict().stream()?;
        while stream.advance() {
            let key = stream.key();
            let first_end = key.iter().position(|&b| b == 0).unwrap_or(key.len());
            let top_key = &key[..first_end];
            if last_top.as_deref() != Some(top_key) {
                top_id = counters.id(field, top_key, || name(top_key));
                last_top = Some(top_key.to_vec());
            }
            g.top.push(top_id);
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
            if last_sub.as_deref() != Some(sub_key) {
                sub_id = counters.id(field, sub_key, || path(sub_key));
                last_sub = Some(sub_key.to_vec());
            }
            g.sub.push(sub_id);
        }
        Ok(g)
    }
}

/// What is kept per segment and facet field: the column and its counter tables.
struct Table {
    reader: FacetReader,
    groups: Groups,
}

impl Table {
    /// The (top, 시·군·구) counters of `doc`'s facets, in column order.
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
/// document adds to, for all facet fields at once, laid out flat: document `d` adds one to
/// each of `counters[starts[d] .. starts[d + 1]]`, already following `FacetCollector`'s rule.
/// Counting a document is then one short loop instead of five column lookups. A process that
/// searches once (the CLI) never builds it.
///
/// Counters are stored in 16 bits (an index has some hundreds of facet values; half the bytes
/// to read per document, and the table of a 50,000-document half of an index fits in a core's
/// L2 cache); a segment whose counters do not fit has no combined table.
struct Combined {
    starts: Vec<u32>,
    counters: Vec<u16>,
}

impl Combined {
    fn build(tables: &[Arc<Table>; FIELDS], max_doc: DocId) -> Option<Combined> {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut counters = Vec::with_capacity(max_doc as usize * FIELDS);
        let mut fits = true;
        starts.push(0);
        for doc in 0..max_doc {
            for t in tables {
                runs(t.pairs(doc), |id| match u16::try_from(id) {
                    Ok(id) => counters.push(id),
                    Err(_) => fits = false,
                });
            }
            starts.push(counters.len() as u32);
        }
        fits.then_some(Combined { starts, counters })
    }
}

/// Per segment: how often it was counted, and its [`Combined`] table from the second time on.
#[derive(Default)]
struct SegmentEntry {
    uses: AtomicU32,
    combined: OnceLock<Option<Combined>>,
}

/// The [`Table`]s of every segment seen, by segment and field, and the counters they map
/// to. Segments never change, so a table stays valid as long as its segment exists;
/// [`FacetCache::sync`] drops the tables of segments a new searcher no longer has (merged or
/// deleted). Counters are never renumbered (a merged segment's facets keep theirs).
#[derive(Default)]
pub(crate) struct FacetCache {
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    /// Generation of the searcher the tables were last checked against.
    generation: Option<u64>,
    tables: HashMap<(SegmentId, Field), Arc<Table>>,
    segments: HashMap<SegmentId, Arc<SegmentEntry>>,
    counters: Arc<Counters>,
}

impl FacetCache {
    fn get(
        &self,
        seg: &SegmentReader,
        field_index: usize,
        (field, two_levels): (Field, bool),
        provinces: &HashSet<String>,
    ) -> Result<Arc<Table>> {
        let key = (seg.segment_id(), field);
        let mut inner = self.lock();
        if let Some(t) = inner.tables.get(&key) {
            return Ok(t.clone());
        }
        let reader = seg.facet_reader(seg.schema().get_field_name(field))?;
        let counters = Arc::make_mut(&mut inner.counters);
        let before = counters.len();
        let groups = Groups::build(&reader, field_index, two_levels, provinces, counters)?;
        if counters.len() != before {
            counters.sort();
        }
        let t = Arc::new(Table { reader, groups });
        inner.tables.insert(key, t.clone());
        Ok(t)
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

    /// The counters as they are now: every table built so far maps into them.
    pub(crate) fn counters(&self) -> Arc<Counters> {
        self.lock().counters.clone()
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
        // Tables and counters are inserted whole, so a panic elsewhere while the lock was
        // held cannot have left a half-built one: a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The counters one document counts in, from its (top, 시·군·구) counters: a group once per
/// run of the document's facets that falls in it (`FacetCollector`'s rule).
#[inline]
fn runs(pairs: impl Iterator<Item = (u32, u32)>, mut f: impl FnMut(u32)) {
    let (mut prev_top, mut prev_sub) = (NONE, NONE);
    for (t, s) in pairs {
        if t != prev_top {
            f(t);
            prev_top = t;
        }
        if s != prev_sub && s != NONE {
            f(s);
        }
        prev_sub = s;
    }
}

/// Counts per counter, per slot, of the documents one thread visited.
pub(crate) struct Counts {
    slots: [Vec<u32>; SLOTS],
}

impl Counts {
    /// Zero counts for `counters` counters.
    pub(crate) fn new(counters: usize) -> Counts {
        Counts {
            slots: std::array::from_fn(|_| vec![0; counters]),
        }
    }

    #[inline]
    fn add<T: Copy + Into<u32>>(&mut self, ids: &[T], slots: [bool; SLOTS]) {
        for (counts, on) in self.slots.iter_mut().zip(slots) {
            if on {
                for &id in ids {
                    if let Some(c) = counts.get_mut(id.into() as usize) {
                        *c += 1;
                    }
                }
            }
        }
    }

    /// Adds `other`'s counts to these.
    pub(crate) fn merge(&mut self, other: &Counts) {
        for (mine, theirs) in self.slots.iter_mut().zip(&other.slots) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
    }
}

/// Facet counting over one segment.
pub(crate) struct SegmentFacets {
    tables: [Arc<Table>; FIELDS],
    /// Set when the segment's [`Combined`] table is used.
    combined: Option<Arc<SegmentEntry>>,
}

impl SegmentFacets {
    pub(crate) fn new(spec: &FacetSpec, cache: &FacetCache, seg: &SegmentReader) -> Result<Self> {
        let entry = cache.segment(seg);
        let fields = spec.fields();
        let table = |i: usize| cache.get(seg, i, fields[i], &spec.provinces);
        let tables = [table(0)?, table(1)?, table(2)?, table(3)?, table(4)?];
        // From the second count on, the combined table holds the counters.
        let combined = (entry.uses.load(Ordering::Relaxed) >= 2).then(|| {
            entry
                .combined
                .get_or_init(|| Combined::build(&tables, seg.max_doc()));
            entry
        });
        Ok(SegmentFacets { tables, combined })
    }

    /// Counts each document in the slots that are `true`.
    ///
    /// Documents come in batches (see [`Batch`]): with nothing else between them, the reads of
    /// many documents' counters from the combined table (megabytes on a large index, mostly
    /// cache misses) are in flight at once.
    pub(crate) fn collect(&self, docs: &[(DocId, [bool; SLOTS])], counts: &mut Counts) {
        if let Some(Some(c)) = self.combined.as_ref().and_then(|e| e.combined.get()) {
            for &(doc, slots) in docs {
                let (a, b) = (c.starts[doc as usize], c.starts[doc as usize + 1]);
                counts.add(&c.counters[a as usize..b as usize], slots);
            }
            return;
        }
        for &(doc, slots) in docs {
            for t in &self.tables {
                runs(t.pairs(doc), |id| counts.add(&[id], slots));
            }
        }
    }
}

/// Matching documents of one segment waiting to be counted by [`SegmentFacets::collect`].
pub(crate) struct Batch {
    docs: Vec<(DocId, [bool; SLOTS])>,
}

impl Batch {
    const SIZE: usize = 256;

    pub(crate) fn new() -> Batch {
        Batch {
            docs: Vec::with_capacity(Batch::SIZE),
        }
    }

    /// Adds `doc`, counting the batch when it is full.
    #[inline]
    pub(crate) fn push(
        &mut self,
        doc: DocId,
        slots: [bool; SLOTS],
        facets: &SegmentFacets,
        counts: &mut Counts,
    ) {
        self.docs.push((doc, slots));
        if self.docs.len() == Batch::SIZE {
            self.flush(facets, counts);
        }
    }

    /// Counts what is waiting (call at the end of each segment).
    pub(crate) fn flush(&mut self, facets: &SegmentFacets, counts: &mut Counts) {
        facets.collect(&self.docs, counts);
        self.docs.clear();
    }
}

/// The counts of one slot as facet maps.
pub(crate) fn harvest(counts: &Counts, counters: &Counters, slot: usize) -> Facets {
    let counts = &counts.slots[slot];
    let mut lists: [Vec<(String, u64)>; FIELDS] = Default::default();
    // In field, then name order: each map is built from sorted entries.
    for &id in &counters.sorted {
        let n = counts.get(id as usize).copied().unwrap_or(0);
        if n == 0 {
            continue;
        }
        if let (field, Some(name)) = &counters.names[id as usize] {
            lists[*field].push((name.clone(), u64::from(n)));
        }
    }
    let [region, mentioned, year, industry, month] = lists.map(BTreeMap::from_iter);
    Facets {
        region,
        mentioned,
        year,
        industry,
        month,
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

    /// The counts of tantivy's `FacetCollector`, which these counts must equal.
    fn with_facet_collector(
        searcher: &Searcher,
        query: &dyn Query,
        fields: [Field; FIELDS],
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
            month: names(fields[4]),
        }
    }

    #[test]
    fn same_counts_as_facet_collector() {
        let mut b = Schema::builder();
        let tag = b.add_text_field("tag", STRING);
        let [region, mentioned, year, industry, month] = facet_fields(&mut b);
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
                if n % 3 != 2 {
                    d.add_facet(
                        month,
                        Facet::from_path([format!("20{}-{:02}", 19 + n % 3, 1 + n % 12)]),
                    );
                }
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
        let spec = spec_of([region, mentioned, year, industry, month], &provinces);
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
                [region, mentioned, year, industry, month],
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
                assert_eq!(got.month, expected.month);
            }
        }
        assert!(expected_nonempty(&searcher, region));
    }

    /// More facet values than 16-bit counters hold: no combined table, the same counts.
    #[test]
    fn more_counters_than_sixteen_bits_still_count() {
        let mut b = Schema::builder();
        let [region, mentioned, year, industry, month] = facet_fields(&mut b);
        let index = Index::create_in_ram(b.build());
        let mut w: IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
        let n = u16::MAX as u64 + 10;
        for i in 0..n {
            let mut d = tantivy::TantivyDocument::default();
            d.add_facet(region, Facet::from("/경상북도/안동시"));
            d.add_facet(year, Facet::from(["/2020", "/2021"][(i % 2) as usize]));
            d.add_facet(industry, Facet::from(format!("/i{i}").as_str()));
            w.add_document(d).unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let fields = [region, mentioned, year, industry, month];
        let spec = spec_of(fields, &["/경상북도"]);
        let cache = FacetCache::default();
        let expected = with_facet_collector(&searcher, &AllQuery, fields, &["/경상북도"]);
        for _ in 0..3 {
            let got =
                crate::search::collect::facets_of(&searcher, &AllQuery, &spec, &cache).unwrap();
            assert_eq!(got.industry.len(), n as usize);
            assert_eq!(got.industry, expected.industry);
            assert_eq!(got.year, expected.year);
            assert_eq!(got.region, expected.region);
        }
        let entry = cache.lock().segments.values().next().cloned().unwrap();
        assert!(matches!(entry.combined.get(), Some(None)));
    }

    /// The facet fields of [`FacetSpec`], in its order.
    fn facet_fields(b: &mut tantivy::schema::SchemaBuilder) -> [Field; FIELDS] {
        ["region", "mentioned", "year", "industry", "month"]
            .map(|name| b.add_facet_field(name, FacetOptions::default()))
    }

    fn spec_of(
        [region, mentioned, year, industry, month]: [Field; FIELDS],
        provinces: &[&str],
    ) -> FacetSpec {
        FacetSpec {
            region,
            mentioned,
            year,
            industry,
            month,
            provinces: provinces
                .iter()
                .map(|p| Facet::from(*p).encoded_str().to_string())
                .collect(),
        }
    }

    fn expected_nonempty(searcher: &Searcher, field: Field) -> bool {
        let mut c = FacetCollector::for_field(searcher.schema().get_field_name(field));
        c.add_facet(Facet::root());
        searcher.search(&AllQuery, &c).unwrap().get("/").count() > 3
    }
}
