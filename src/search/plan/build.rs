//! Parsed query → tantivy queries: the strict form, the relaxed form, and what the re-rank
//! and the snippets need to know about the query's words.
//!
//! Each item from [`super::parse`] goes through the same Korean analyzer as the articles;
//! each analysed term becomes a clause over `title` and `body` with its synonyms as
//! alternatives. The strict form requires every plain word; the relaxed form asks for a share
//! of them ([`RELAXED_MIN_SHARE`]) and is what `Engine::search` falls back on or fills the
//! page with. The weights come from `rank::weights`.

use std::collections::{HashMap, HashSet};

use tantivy::query::{
    AllQuery, Bm25StatisticsProvider, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery,
    Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::parse::{self, Scope};
use crate::analysis::{Analyzer, BIGRAM_POS};
use crate::data::Resources;
use crate::index::Fields;
use crate::search::rank::bm25::Bm25Stats;
use crate::search::rank::weights::{
    COMMON_MIN_DOCS, COMMON_SHARE, LONG_QUERY_TERMS, NUMBER_WEIGHT, RELAXED_MIN_SHARE,
    SYNONYM_WEIGHT, TITLE_BOOST,
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
    /// Terms whose closeness in the body re-ranks the top hits (`rank::rerank`).
    pub(crate) window: Vec<String>,
    /// Adjacent terms of the query: (word, next word, position gap).
    pub(crate) pairs: Vec<(String, String, u32)>,
}

/// The query of one item, and its parts for the relaxed form of the whole query.
struct ItemQuery {
    strict: Box<dyn Query>,
    /// One query per position (with its synonyms), pooled into the relaxed form.
    units: Vec<Box<dyn Query>>,
    /// Score-only clauses (a quoted phrase itself, in the relaxed form of a question).
    extras: Vec<Box<dyn Query>>,
    /// The word of each unit (for the window feature of the re-rank).
    words: Vec<String>,
    /// Adjacent units: (word, next word, position gap) for the pair feature of the re-rank.
    pairs: Vec<(String, String, u32)>,
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
}

/// One query position: a term (the first part of a compound at that position).
struct Unit {
    position: usize,
    word: String,
    /// The POS tag of the term (`SN` numbers weigh [`NUMBER_WEIGHT`]).
    pos: String,
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
    pub(crate) fn text_query(&self, stats: &Bm25Stats, q: &str, any: bool) -> TextQuery {
        let items = parse::parse(q);
        let mut out = TextQuery {
            strict: None,
            relaxed: None,
            highlight: HashSet::new(),
            has_text: !q.trim().is_empty(),
            words: 0,
            window: Vec::new(),
            pairs: Vec::new(),
        };
        let mut strict: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Relaxed form: hard clauses, the pool of units and score-only extras.
        let mut hard: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Units with their word (None: an OR group).
        let mut pool: Vec<(Box<dyn Query>, Option<String>)> = Vec::new();
        let mut extras: Vec<Box<dyn Query>> = Vec::new();
        // Phrases join the pool only in questions with other words; collected apart first.
        let mut phrases: Vec<ItemQuery> = Vec::new();
        let mut plain_groups = 0;
        let mut positive = 0;
        for group in parse::groups(items) {
            let negate = group.iter().all(|i| i.negate);
            let mut alternatives: Vec<ItemQuery> = Vec::new();
            for item in &group {
                if let Some(q) =
                    self.item_query(item, any && group.len() == 1, &mut out.highlight, negate)
                {
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
            positive += 1;
            out.words += group[0].text.split_whitespace().count();
            let occur = if any { Occur::Should } else { Occur::Must };
            if alternatives.len() > 1 {
                // An OR group: one unit of the pool.
                let s = any_of(alternatives.into_iter().map(|a| a.strict).collect());
                strict.push((occur, s.box_clone()));
                pool.push((s, None));
                continue;
            }
            let a = alternatives.remove(0);
            strict.push((occur, a.strict.box_clone()));
            if !matches!(a.kind, ItemKind::Fixed) {
                out.window.extend(a.words.iter().cloned());
                out.pairs.extend(a.pairs.iter().cloned());
            }
            match a.kind {
                ItemKind::Plain => {
                    plain_groups += 1;
                    pool.extend(a.units.into_iter().zip(a.words.into_iter().map(Some)));
                    extras.extend(a.extras);
                }
                ItemKind::Phrase => phrases.push(a),
                ItemKind::Fixed => hard.push((Occur::Must, a.strict)),
            }
        }
        if strict.is_empty() {
            return out;
        }
        if positive == 0 {
            strict.push((Occur::Must, Box::new(AllQuery)));
        }
        out.strict = Some(Box::new(BooleanQuery::new(strict)));
        let question = out.words >= LONG_QUERY_TERMS && plain_groups > 0;
        for p in phrases {
            if question {
                pool.extend(p.units.into_iter().zip(p.words.into_iter().map(Some)));
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
        let is_common = |word: &Option<String>| {
            docs >= COMMON_MIN_DOCS as f64
                && word.as_ref().is_some_and(|w| {
                    let term = Term::from_field_text(self.fields.body, w);
                    stats.doc_freq(&term).unwrap_or(0) as f64 / docs > COMMON_SHARE
                })
        };
        let (common, mut rare): (Vec<_>, Vec<_>) =
            pool.into_iter().partition(|(_, w)| is_common(w));
        let mut common: Vec<Box<dyn Query>> = common.into_iter().map(|(q, _)| q).collect();
        if rare.is_empty() {
            rare = common.drain(..).map(|q| (q, None)).collect();
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
    ) -> Option<ItemQuery> {
        let terms = self.analyzer.terms(&item.text);
        // Character bigrams of an unreadable word stand in for it only when the query has
        // nothing else: `헴프` searches 헴프, but `웅부관 소통실` searches its morphemes.
        let terms: Vec<crate::analysis::Term> = if terms.iter().any(|t| t.pos != BIGRAM_POS) {
            terms.into_iter().filter(|t| t.pos != BIGRAM_POS).collect()
        } else {
            terms
        };
        if terms.is_empty() {
            return None;
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
                    pos: term.pos.clone(),
                }),
            }
        }
        if item.phrase && terms.len() > 1 {
            let base = terms[0].position;
            let per_field: Vec<(Occur, Box<dyn Query>)> = fields
                .iter()
                .map(|&(field, boost)| {
                    let pq = PhraseQuery::new_with_offset(
                        terms
                            .iter()
                            .map(|t| (t.position - base, Term::from_field_text(field, &t.text)))
                            .collect(),
                    );
                    (Occur::Should, boosted(Box::new(pq), boost))
                })
                .collect();
            let strict: Box<dyn Query> = Box::new(BooleanQuery::new(per_field));
            // Relaxed (in a question): its words count like plain words, the phrase itself
            // only adds to the score.
            return Some(ItemQuery {
                extras: vec![strict.box_clone()],
                strict,
                units: units
                    .iter()
                    .map(|u| term_over_fields(&u.word, &fields, 1.0))
                    .collect(),
                words: units.iter().map(|u| u.word.clone()).collect(),
                pairs: unit_pairs(&units),
                kind: ItemKind::Phrase,
            });
        }
        let mut unit_queries: Vec<Box<dyn Query>> = Vec::new();
        for u in &units {
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let weight = if u.pos == "SN" { NUMBER_WEIGHT } else { 1.0 };
            alternatives.push((Occur::Should, term_over_fields(&u.word, &fields, weight)));
            for syn in self.synonyms.get(&u.word).into_iter().flatten() {
                if !negate {
                    for part in syn.split(' ') {
                        highlight.insert(part.to_string());
                    }
                }
                alternatives.push((
                    Occur::Should,
                    phrase_over_fields(syn, &fields, SYNONYM_WEIGHT),
                ));
            }
            unit_queries.push(if alternatives.len() == 1 {
                alternatives.remove(0).1
            } else {
                Box::new(BooleanQuery::new(alternatives))
            });
        }
        let build = |occur: Occur| -> Box<dyn Query> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for q in &unit_queries {
                clauses.push((occur, q.box_clone()));
            }
            if clauses.len() == 1 {
                return clauses.remove(0).1;
            }
            Box::new(BooleanQuery::new(clauses))
        };
        let strict = build(if any { Occur::Should } else { Occur::Must });
        let kind = if item.scope == Scope::All {
            ItemKind::Plain
        } else {
            ItemKind::Fixed
        };
        Some(ItemQuery {
            strict,
            units: unit_queries,
            extras: Vec::new(),
            pairs: unit_pairs(&units),
            words: units.into_iter().map(|u| u.word).collect(),
            kind,
        })
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

/// One term over the fields, any of them matching.
fn term_over_fields(word: &str, fields: &[(Field, f32)], weight: f32) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = fields
        .iter()
        .map(|&(field, boost)| {
            let tq = TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            );
            (Occur::Should, boosted(Box::new(tq), boost * weight))
        })
        .collect();
    if clauses.len() == 1 {
        return clauses
            .into_iter()
            .next()
            .map(|c| c.1)
            .unwrap_or(Box::new(EmptyQuery));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A (possibly multi-word) synonym as a phrase over the fields.
fn phrase_over_fields(words: &str, fields: &[(Field, f32)], weight: f32) -> Box<dyn Query> {
    let parts: Vec<&str> = words.split(' ').collect();
    if parts.len() == 1 {
        return term_over_fields(parts[0], fields, weight);
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = fields
        .iter()
        .map(|&(field, boost)| {
            let pq = PhraseQuery::new(
                parts
                    .iter()
                    .map(|p| Term::from_field_text(field, p))
                    .collect(),
            );
            (Occur::Should, boosted(Box::new(pq), boost * weight))
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// Adjacent units as (word, next word, gap in positions, at least 1).
fn unit_pairs(units: &[Unit]) -> Vec<(String, String, u32)> {
    units
        .windows(2)
        .map(|p| {
            let gap = p[1].position.saturating_sub(p[0].position).max(1) as u32;
            (p[0].word.clone(), p[1].word.clone(), gap)
        })
        .collect()
}

fn any_of(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries.remove(0);
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}
