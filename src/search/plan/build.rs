//! Parsed query → tantivy queries: the strict form, the relaxed form, and what the re-rank
//! and the snippets need to know about the query's words.
//!
//! Each item from [`super::parse`] goes through the same Korean analyzer as the articles
//! (with an open end: a query word does not end a sentence); each analysed term becomes a
//! clause over `title` and `body` with its synonyms as alternatives, a compound matches by its
//! parts or as a whole, and each word typed also matches by its surface words in the `words`
//! field, so a word copied out of an article finds it whatever the analysis made of it. The strict form requires every plain word; the relaxed form asks for a share
//! of them ([`RELAXED_MIN_SHARE`]) and is what `Engine::search` falls back on or fills the
//! page with. The weights come from `rank::weights`.

use std::collections::{HashMap, HashSet};

use tantivy::query::{
    AllQuery, Bm25StatisticsProvider, BooleanQuery, BoostQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::clauses::{
    any_of, boosted, eojeols, join, one_compound, parts_over_fields, sequence_over_fields,
    substitute, term_over_fields, unit_chain, unit_pairs, word_at, Eojeol, Unit,
};
use super::parse::{self, Scope};
use crate::analysis::pattern;
use crate::analysis::{variant_texts, Analyzer, Term as QueryTerm, WordVariants};
use crate::data::Resources;
use crate::index::Fields;
use crate::search::explain::{How, Leaf};
use crate::search::rank::bm25::Bm25Stats;
use crate::search::rank::weights::{
    COMMON_MIN_DOCS, COMMON_SHARE, LONG_QUERY_TERMS, NUMBER_WEIGHT, RELAXED_MIN_SHARE,
    SURFACE_WEIGHT, SYNONYM_WEIGHT, TITLE_BOOST, WHOLE_COMPOUND_WEIGHT,
};

/// Builds the queries of one index's requests: owns the analyzer and the synonym groups in
/// analysed form, both made once per engine.
pub(crate) struct QueryBuilder {
    analyzer: Analyzer,
    /// Synonym groups keyed by the analysed form of each member: the other members.
    synonyms: HashMap<String, Vec<String>>,
    pub(super) fields: Fields,
}

/// The text query of a request in its two forms.
pub(crate) struct TextQuery {
    /// Every plain word required.
    pub(crate) strict: Option<Box<dyn Query>>,
    /// Used when `strict` finds too few: at least a share of the words, ranked by all of them.
    pub(crate) relaxed: Option<Box<dyn Query>>,
    /// Terms to highlight in snippets.
    pub(crate) highlight: HashSet<String>,
    /// The user typed some text (perhaps none of it searchable).
    pub(crate) has_text: bool,
    /// Words the user typed in the positive, searchable part (a compound is one word).
    pub(crate) words: usize,
    /// Words typed (text between separators) with terms, in the plain words and phrases: two
    /// or more ask the re-rank for them together.
    pub(crate) typed_words: usize,
    /// Terms whose closeness in the body re-ranks the top hits (`rank::rerank`), each with the
    /// word typed it belongs to (numbered over the whole query).
    pub(crate) window: Vec<(String, usize)>,
    /// Adjacent terms of the query: (word, next word, position gap).
    pub(crate) pairs: Vec<(String, String, u32)>,
    /// The terms of the words typed in order, each with its gap from the one before: what
    /// the re-rank looks for together (empty when the query has `OR` groups, `title:`/`body:`
    /// words or words that analyse to nothing).
    pub(crate) chain: Vec<(String, u32)>,
    /// Every way each positive word typed can match, per field (`--explain`).
    pub(crate) leaves: Vec<Leaf>,
}

/// The leaves `--explain` needs, recorded only when it is asked for (recording a fallback
/// word's leaves analyses it once more).
struct Why {
    on: bool,
    leaves: Vec<Leaf>,
}

/// The query of one item, and its parts for the relaxed form of the whole query.
struct ItemQuery {
    strict: Box<dyn Query>,
    /// The queries pooled into the relaxed form, each with the terms that decide whether it
    /// is a common word ([`COMMON_SHARE`]): one per word typed (a quoted phrase's, one per
    /// term).
    units: Vec<(Box<dyn Query>, Vec<String>)>,
    /// Score-only clauses (a quoted phrase itself, in the relaxed form of a question).
    extras: Vec<Box<dyn Query>>,
    /// A plain item's positions, each a unit (a term and its synonyms, scoring): what a
    /// question pools instead of its words (empty: pool `units`).
    positions: Vec<(Box<dyn Query>, Vec<String>)>,
    /// What a plain item's terms score beside its `units` (which only match).
    term_scores: Vec<Box<dyn Query>>,
    /// The term of each unit and its word typed in the item (for the window feature of the
    /// re-rank).
    words: Vec<(String, usize)>,
    /// Adjacent units: (word, next word, position gap) for the pair feature of the re-rank.
    pairs: Vec<(String, String, u32)>,
    /// The units with their gap from the one before (the first: 1), for the re-rank's tiers.
    chain: Vec<(String, u32)>,
    /// Words typed with terms (text between separators).
    typed_words: usize,
    kind: ItemKind,
}

/// How an item takes part in the relaxed form of a query.
enum ItemKind {
    /// Plain words: their units join the pool.
    Plain,
    /// A quoted phrase: its words join the pool in a question, else it stays required.
    Phrase,
    /// `title:`/`body:` words: required as typed.
    Fixed,
    /// Words that analyse to nothing, matched as written: required when the query has no
    /// other words, else left out (they would match nearly every article).
    FunctionWords,
}

impl QueryBuilder {
    pub(crate) fn new(analyzer: &Analyzer, res: &Resources, fields: Fields) -> QueryBuilder {
        let mut synonyms: HashMap<String, Vec<String>> = HashMap::new();
        for group in &res.synonyms.groups {
            let forms: Vec<String> = group
                .iter()
                .map(|w| analyzer.term_texts(w).join(" "))
                .filter(|w| !w.is_empty())
                .collect();
            for f in &forms {
                let others: Vec<String> = forms.iter().filter(|o| *o != f).cloned().collect();
                synonyms.entry(f.clone()).or_default().extend(others);
            }
        }
        QueryBuilder {
            analyzer: analyzer.clone(),
            synonyms,
            fields,
        }
    }

    /// The text part of the query: the strict form (every plain word required), the relaxed
    /// form used below it when it finds too few, the set of terms to highlight, and whether
    /// the user typed any text at all.
    ///
    /// The relaxed form pools the terms of all plain words of the query (and, in a question,
    /// the words of its quoted phrases) into one "at least a quarter of them" clause, so a
    /// question such as `김이수를 "함량미달 재판관 후보자"라고 말한 사람은?` is relaxed as a whole
    /// rather than piece by piece around the phrase. `title:`/`body:` words, `OR` groups and
    /// exclusions stay as they are.
    pub(crate) fn text_query(
        &self,
        stats: &Bm25Stats,
        q: &str,
        any: bool,
        explain: bool,
    ) -> TextQuery {
        let items = parse::parse(q);
        let mut out = TextQuery {
            strict: None,
            relaxed: None,
            highlight: HashSet::new(),
            has_text: !q.trim().is_empty(),
            words: 0,
            typed_words: 0,
            window: Vec::new(),
            pairs: Vec::new(),
            chain: Vec::new(),
            leaves: Vec::new(),
        };
        // The leaves of the function words, kept only when nothing else is searched.
        let mut function_leaves: Vec<Leaf> = Vec::new();
        // The chain of the words typed holds only while every positive item adds to it.
        let mut chained = true;
        let mut strict: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Relaxed form: hard clauses, the pool of units and score-only extras.
        let mut hard: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Units with their word (None: an OR group).
        let mut pool: Vec<(Box<dyn Query>, Vec<String>)> = Vec::new();
        let mut extras: Vec<Box<dyn Query>> = Vec::new();
        // A question pools positions rather than words typed: the same pool with each plain
        // item's positions in place of its words (see `Engine::search`).
        let mut position_pool: Vec<(Box<dyn Query>, Vec<String>)> = Vec::new();
        let mut term_scores: Vec<Box<dyn Query>> = Vec::new();
        // Phrases join the pool only in questions with other words; collected apart first.
        let mut phrases: Vec<ItemQuery> = Vec::new();
        let mut plain_groups = 0;
        let mut positive = 0;
        // Items of words that analyse to nothing: searched only when nothing else is.
        let mut function_words: Vec<(ItemQuery, String)> = Vec::new();
        for group in parse::groups(items) {
            let negate = group.iter().all(|i| i.negate);
            let mut alternatives: Vec<ItemQuery> = Vec::new();
            let mut why = Why {
                on: explain,
                leaves: Vec::new(),
            };
            for item in &group {
                if let Some(q) = self.item_query(
                    item,
                    any && group.len() == 1,
                    &mut out.highlight,
                    negate,
                    &mut why,
                ) {
                    alternatives.push(q);
                }
            }
            if alternatives.is_empty() {
                continue;
            }
            if negate {
                let s = any_of(alternatives.into_iter().map(|a| a.strict).collect());
                strict.push((Occur::MustNot, s.box_clone()));
                hard.push((Occur::MustNot, s));
                continue;
            }
            if alternatives.len() == 1 && matches!(alternatives[0].kind, ItemKind::FunctionWords) {
                function_words.push((alternatives.remove(0), group[0].text.clone()));
                function_leaves.extend(why.leaves);
                continue;
            }
            if !negate {
                out.leaves.extend(why.leaves);
            }
            positive += 1;
            out.words += group[0].text.split_whitespace().count();
            let occur = if any { Occur::Should } else { Occur::Must };
            if alternatives.len() > 1 {
                // An OR group: one unit of the pool.
                let s = any_of(alternatives.into_iter().map(|a| a.strict).collect());
                strict.push((occur, s.box_clone()));
                position_pool.push((s.box_clone(), Vec::new()));
                pool.push((s, Vec::new()));
                chained = false;
                continue;
            }
            let a = alternatives.remove(0);
            strict.push((occur, a.strict.box_clone()));
            if matches!(a.kind, ItemKind::Fixed) {
                chained = false;
            } else {
                let base = out.window.iter().map(|w| w.1 + 1).max().unwrap_or(0);
                out.window
                    .extend(a.words.iter().map(|(w, t)| (w.clone(), base + t)));
                out.pairs.extend(a.pairs.iter().cloned());
                out.chain.extend(a.chain.iter().cloned());
                out.typed_words += a.typed_words;
            }
            match a.kind {
                ItemKind::Plain | ItemKind::FunctionWords => {
                    plain_groups += 1;
                    if a.positions.is_empty() {
                        position_pool
                            .extend(a.units.iter().map(|(q, w)| (q.box_clone(), w.clone())));
                    } else {
                        position_pool.extend(a.positions);
                    }
                    pool.extend(a.units);
                    extras.extend(a.extras);
                    term_scores.extend(a.term_scores);
                }
                ItemKind::Phrase => phrases.push(a),
                ItemKind::Fixed => hard.push((Occur::Must, a.strict)),
            }
        }
        if positive == 0 {
            out.leaves.extend(function_leaves);
            for (a, text) in function_words {
                positive += 1;
                plain_groups += 1;
                out.words += text.split_whitespace().count();
                let occur = if any { Occur::Should } else { Occur::Must };
                strict.push((occur, a.strict));
                position_pool.extend(a.units.iter().map(|(q, w)| (q.box_clone(), w.clone())));
                pool.extend(a.units);
            }
        }
        if !chained {
            out.chain.clear();
        }
        if strict.is_empty() {
            return out;
        }
        if positive == 0 {
            strict.push((Occur::Must, Box::new(AllQuery)));
        }
        out.strict = Some(Box::new(BooleanQuery::new(strict)));
        let question = out.words >= LONG_QUERY_TERMS && plain_groups > 0;
        // A question ranks the right paragraph by every term it shares, wherever: its unknown
        // words (`뉘르부르크링의`, `뉴딜은`) may be read otherwise in the paragraph, and its words
        // rarely stand together there. A short query that no article has whole pools its words,
        // each as that word, and scores by their terms too.
        if question {
            pool = position_pool;
        } else {
            extras.extend(term_scores);
        }
        for p in phrases {
            if question {
                pool.extend(p.units);
                extras.extend(p.extras);
            } else {
                hard.push((Occur::Must, p.strict));
            }
        }
        if any || pool.len() < 2 {
            return out;
        }
        // Words in a large share of the articles (하다, 있다 …) add little to a score and would
        // make the relaxed query visit nearly every article: on a large index they only score
        // the articles the other words find. (All of them count when the query has nothing
        // else.)
        let docs = stats.num_docs().max(1) as f64;
        let is_common = |words: &Vec<String>| {
            docs >= COMMON_MIN_DOCS as f64
                && !words.is_empty()
                && words.iter().all(|w| {
                    let term = Term::from_field_text(self.fields.body, w);
                    stats.doc_freq(&term).unwrap_or(0) as f64 / docs > COMMON_SHARE
                })
        };
        let (common, mut rare): (Vec<_>, Vec<_>) =
            pool.into_iter().partition(|(_, w)| is_common(w));
        let mut common: Vec<Box<dyn Query>> = common.into_iter().map(|(q, _)| q).collect();
        if rare.is_empty() {
            rare = common.drain(..).map(|q| (q, Vec::new())).collect();
        }
        let n = rare.len();
        let min = ((n as f64 * RELAXED_MIN_SHARE).ceil() as usize).clamp(1, n);
        let core = BooleanQuery::with_minimum_required_clauses(
            rare.into_iter().map(|(q, _)| (Occur::Should, q)).collect(),
            min,
        );
        let mut relaxed: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(core))];
        relaxed.extend(common.into_iter().map(|q| (Occur::Should, q)));
        relaxed.extend(hard);
        relaxed.extend(extras.into_iter().map(|q| (Occur::Should, q)));
        out.relaxed = Some(Box::new(BooleanQuery::new(relaxed)));
        out
    }

    /// The query of one item: required terms (or a phrase) over the item's fields, and the
    /// parts the relaxed form of the whole query is built from.
    fn item_query(
        &self,
        item: &parse::Item,
        any: bool,
        highlight: &mut HashSet<String>,
        negate: bool,
        why: &mut Why,
    ) -> Option<ItemQuery> {
        let terms = self.analyzer.query_terms(&item.text);
        // The surface words of each word typed (plain words over all fields only): the
        // fallback that finds an article by the word as written there.
        let surface = if item.scope == Scope::All && !item.phrase {
            eojeols(&item.text)
        } else {
            Vec::new()
        };
        if terms.is_empty() {
            return self.surface_only_query(&item.text, &surface, any, why);
        }
        let fields = self.fields_of(item.scope);
        if !negate {
            for t in &terms {
                highlight.insert(t.text.clone());
            }
        }
        // Terms at one position (a compound and its first part) are alternatives: the parts
        // are enough (they are in every document that has the compound), so the whole is
        // dropped and each position is one unit.
        let mut units: Vec<Unit> = Vec::new();
        for term in &terms {
            match units.last_mut() {
                Some(u) if u.position == term.position => u.word = term.text.clone(),
                _ => units.push(Unit {
                    position: term.position,
                    word: term.text.clone(),
                    typed: word_at(&item.text, term.start),
                }),
            }
        }
        if item.phrase && terms.len() > 1 {
            // The words in this order: every way the phrase's terms stand together, as for a
            // word typed (its compounds by their parts or whole).
            let per_variant: Vec<Box<dyn Query>> = pattern::variants(&terms)
                .iter()
                .enumerate()
                .map(|(k, v)| {
                    let seq: Vec<(usize, String)> =
                        v.iter().map(|&(o, i)| (o, terms[i].text.clone())).collect();
                    let weight = if k == 0 { 1.0 } else { WHOLE_COMPOUND_WEIGHT };
                    self.record(why, &item.text, How::Phrase, &seq, &fields, weight);
                    sequence_over_fields(&seq, &fields, weight)
                })
                .collect();
            let strict: Box<dyn Query> = any_of(per_variant);
            // Relaxed (in a question): its words count like plain words, the phrase itself
            // only adds to the score.
            return Some(ItemQuery {
                extras: vec![strict.box_clone()],
                positions: Vec::new(),
                term_scores: Vec::new(),
                strict,
                units: units
                    .iter()
                    .map(|u| {
                        (
                            term_over_fields(&u.word, &fields, 1.0),
                            vec![u.word.clone()],
                        )
                    })
                    .collect(),
                words: units.iter().map(|u| (u.word.clone(), u.typed)).collect(),
                pairs: unit_pairs(&units),
                chain: unit_chain(&units),
                typed_words: 1,
                kind: ItemKind::Phrase,
            });
        }
        // Each word typed must match as that word: its terms together (a compound whole or
        // by its adjacent parts, never parts scattered over the article), with its synonyms
        // in their place, or by its surface words as written in the article.
        let mut word_queries: Vec<(Box<dyn Query>, Vec<String>)> = Vec::new();
        let mut word_count = 0;
        for e in eojeols(&item.text) {
            let mine: Vec<QueryTerm> = terms
                .iter()
                .filter(|t| e.start <= t.start && t.start < e.end)
                .cloned()
                .collect();
            if mine.is_empty() {
                // Words that analyse to nothing (모든, 매우) are left to the other words.
                continue;
            }
            word_count += 1;
            let label = &item.text[e.start..e.end];
            let analysed = self.word_query(label, &mine, &fields, negate, highlight, why);
            let fallback = if surface.is_empty() {
                None
            } else {
                self.record_surface(why, label, &e.surface);
                // One surface word whose own terms are the ones just searched (in every
                // field): those terms already match, and score, in `analysed`.
                let searched = (item.scope == Scope::All && e.surface.len() == 1)
                    .then(|| variant_texts(&mine));
                self.surface_query(&e.surface, Occur::Must, searched.as_ref())
            };
            let query: Box<dyn Query> = match fallback {
                Some(fallback) => any_of(vec![analysed, fallback]),
                None => analysed,
            };
            word_queries.push((query, mine.into_iter().map(|t| t.text).collect()));
        }
        let occur = if any { Occur::Should } else { Occur::Must };
        let strict = join(
            word_queries.iter().map(|(q, _)| q.box_clone()).collect(),
            occur,
        );
        let kind = if item.scope == Scope::All {
            ItemKind::Plain
        } else {
            ItemKind::Fixed
        };
        // The relaxed form of a short query matches by words typed (at least a share of them,
        // each as that word) and scores by the terms at each position; a question pools the
        // positions themselves (`text_query`).
        let pooled: Vec<(Box<dyn Query>, Vec<String>)> = word_queries
            .into_iter()
            .map(|(q, w)| (Box::new(BoostQuery::new(q, 0.0)) as Box<dyn Query>, w))
            .collect();
        let positions: Vec<(Box<dyn Query>, Vec<String>)> = units
            .iter()
            .map(|u| (self.unit_query(&u.word, &fields), vec![u.word.clone()]))
            .collect();
        Some(ItemQuery {
            strict,
            units: pooled,
            extras: Vec::new(),
            term_scores: positions.iter().map(|(q, _)| q.box_clone()).collect(),
            positions,
            pairs: unit_pairs(&units),
            chain: unit_chain(&units),
            typed_words: word_count,
            words: units.into_iter().map(|u| (u.word, u.typed)).collect(),
            kind,
        })
    }

    /// One term with its synonyms (each a phrase of its terms), any of them matching: what a
    /// position of the query scores in the relaxed form.
    fn unit_query(&self, word: &str, fields: &[(Field, f32)]) -> Box<dyn Query> {
        let mut alternatives = vec![term_over_fields(word, fields, 1.0)];
        for syn in self.synonyms.get(word).into_iter().flatten() {
            let seq: Vec<(usize, String)> = syn
                .split(' ')
                .enumerate()
                .map(|(k, t)| (k, t.to_string()))
                .collect();
            alternatives.push(sequence_over_fields(&seq, fields, SYNONYM_WEIGHT));
        }
        any_of(alternatives)
    }

    /// One word typed, by its analysed terms: every way they stand together
    /// ([`pattern::variants`]: compounds by their parts, then whole), each a phrase over the
    /// fields (a term when it is one term), and each with a synonym in the place of one of its
    /// terms. A number alone weighs [`NUMBER_WEIGHT`], a compound whole
    /// [`WHOLE_COMPOUND_WEIGHT`], a synonym [`SYNONYM_WEIGHT`].
    fn word_query(
        &self,
        label: &str,
        terms: &[QueryTerm],
        fields: &[(Field, f32)],
        negate: bool,
        highlight: &mut HashSet<String>,
        why: &mut Why,
    ) -> Box<dyn Query> {
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        let variants = pattern::variants(terms);
        // One compound typed (its parts, then its whole alone): where the whole stands, its
        // parts stand together, which the parts' query knows without reading positions.
        let compound = one_compound(&variants).map(|&(_, i)| terms[i].text.as_str());
        for (k, variant) in variants.iter().enumerate() {
            let seq: Vec<(usize, String)> = variant
                .iter()
                .map(|&(o, i)| (o, terms[i].text.clone()))
                .collect();
            let mut weight = if k == 0 { 1.0 } else { WHOLE_COMPOUND_WEIGHT };
            if seq.len() == 1 && terms[variant[0].1].pos == "SN" {
                weight *= NUMBER_WEIGHT;
            }
            let how = match (k, seq.len()) {
                (0, 1) => How::Term,
                (0, _) => How::Parts,
                _ => How::Whole,
            };
            self.record(why, label, how, &seq, fields, weight);
            alternatives.push(match compound.filter(|_| k == 0) {
                Some(whole) => parts_over_fields(&seq, whole, fields, weight),
                None => sequence_over_fields(&seq, fields, weight),
            });
            for (j, (_, text)) in seq.iter().enumerate() {
                for syn in self.synonyms.get(text).into_iter().flatten() {
                    if !negate {
                        highlight.extend(syn.split(' ').map(str::to_string));
                    }
                    let with_synonym = substitute(&seq, j, syn);
                    let w = weight * SYNONYM_WEIGHT;
                    self.record(why, label, How::Synonym, &with_synonym, fields, w);
                    alternatives.push(sequence_over_fields(&with_synonym, fields, w));
                }
            }
        }
        any_of(alternatives)
    }

    /// One word typed, by its surface words: each surface word matches an article that
    /// holds it among its fallback words (`Analyzer::fallback_words`: the words the terms do
    /// not find) or that holds the terms the word searched alone searches. An article decided
    /// at indexing time which of the two a word of it needs, by the same [`Analyzer::query_terms`],
    /// so every word of an article finds it. The terms only match here; they score in the
    /// item's analysed clause.
    ///
    /// `searched`: the terms (as [`Analyzer::word_variants`]) that the word's own query already
    /// matches in every field; a surface word with exactly those terms matches here by its
    /// fallback words alone.
    fn surface_query(
        &self,
        words: &[String],
        occur: Occur,
        searched: Option<&WordVariants>,
    ) -> Option<Box<dyn Query>> {
        if words.is_empty() {
            return None;
        }
        let fields = self.fields_of(Scope::All);
        let per_word = words.iter().map(|w| {
            let written: Box<dyn Query> = boosted(
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.words, w),
                    IndexRecordOption::Basic,
                )),
                SURFACE_WEIGHT,
            );
            let variants = self.analyzer.word_variants(w);
            if searched == Some(&variants) {
                return written;
            }
            // One compound: its parts' query knows where its whole stands (see word_query).
            let whole = one_compound(&variants).map(|(_, w)| w);
            let variants: Vec<Box<dyn Query>> = variants
                .iter()
                .enumerate()
                .map(|(k, v)| match whole.filter(|_| k == 0) {
                    Some(whole) => parts_over_fields(v, whole, &fields, 1.0),
                    None => sequence_over_fields(v, &fields, 1.0),
                })
                .collect();
            if variants.is_empty() {
                return written;
            }
            let by_terms: Box<dyn Query> = Box::new(BoostQuery::new(any_of(variants), 0.0));
            any_of(vec![written, by_terms])
        });
        Some(join(per_word.collect(), occur))
    }

    /// An item whose words analyse to nothing (`매우`, `때문에`, `그리고`): found by its
    /// surface words, every word typed required (any of them with `--any`).
    fn surface_only_query(
        &self,
        text: &str,
        surface: &[Eojeol],
        any: bool,
        why: &mut Why,
    ) -> Option<ItemQuery> {
        let units: Vec<(Box<dyn Query>, Vec<String>)> = surface
            .iter()
            .filter_map(|e| {
                let q = self.surface_query(&e.surface, Occur::Must, None)?;
                self.record_surface(why, &text[e.start..e.end], &e.surface);
                Some((q, vec![e.surface.join(" ")]))
            })
            .collect();
        if units.is_empty() {
            return None;
        }
        let occur = if any { Occur::Should } else { Occur::Must };
        Some(ItemQuery {
            strict: join(units.iter().map(|(q, _)| q.box_clone()).collect(), occur),
            words: units
                .iter()
                .enumerate()
                .flat_map(|(i, (_, w))| w.iter().map(move |w| (w.clone(), i)))
                .collect(),
            units,
            extras: Vec::new(),
            positions: Vec::new(),
            term_scores: Vec::new(),
            pairs: Vec::new(),
            chain: Vec::new(),
            typed_words: 0,
            kind: ItemKind::FunctionWords,
        })
    }

    /// Records the clause of `seq` in each of `fields` as a leaf of the word `label`.
    fn record(
        &self,
        why: &mut Why,
        label: &str,
        how: How,
        seq: &[(usize, String)],
        fields: &[(Field, f32)],
        weight: f32,
    ) {
        if !why.on {
            return;
        }
        for &(field, boost) in fields {
            why.leaves.push(Leaf {
                word: label.to_string(),
                how,
                terms: seq.to_vec(),
                field,
                field_name: if field == self.fields.title {
                    "title"
                } else {
                    "body"
                },
                query: sequence_over_fields(seq, &[(field, boost)], weight),
            });
        }
    }

    /// Records the surface words of the word `label` as leaves: each in the `words` field, and
    /// by the terms it searches alone (which only let the article match: they score in the
    /// word's analysed clause).
    fn record_surface(&self, why: &mut Why, label: &str, surface: &[String]) {
        if !why.on {
            return;
        }
        let fields = self.fields_of(Scope::All);
        for w in surface {
            for v in self.analyzer.word_variants(w) {
                self.record(why, label, How::Surface, &v, &fields, 0.0);
            }
            why.leaves.push(Leaf {
                word: label.to_string(),
                how: How::Surface,
                terms: vec![(0, w.clone())],
                field: self.fields.words,
                field_name: "words",
                query: boosted(
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.words, w),
                        IndexRecordOption::Basic,
                    )),
                    SURFACE_WEIGHT,
                ),
            });
        }
    }

    /// The fields an item searches, with their boosts.
    fn fields_of(&self, scope: Scope) -> Vec<(Field, f32)> {
        let f = &self.fields;
        match scope {
            Scope::All => vec![(f.title, TITLE_BOOST), (f.body, 1.0)],
            Scope::Title => vec![(f.title, 1.0)],
            Scope::Body => vec![(f.body, 1.0)],
        }
    }
}
