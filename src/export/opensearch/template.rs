//! `search-template.json`: the query shape of kpolicy as a mustache search template, the body
//! of `PUT _scripts/kpolicy-search` (OpenSearch and Elasticsearch 8 alike).
//!
//! How kpolicy's query maps to it:
//! - **words over title and body**: `simple_query_string` over both fields with kpolicy's
//!   boosts (`rank::weights::TITLE_BOOST`; body 1.0): each word must be in the title *or* the
//!   body and the field scores add up (term-centric, like kpolicy's per-word clauses); its
//!   syntax also gives `"phrases"`, `-exclude` and `a | b`;
//! - **questions** (`question: true`; kpolicy reads a query of `LONG_QUERY_TERMS` words or
//!   more as one): a quarter of the words suffice (`RELAXED_MIN_SHARE`), and the articles with
//!   every word come first (a constant-score tier, as kpolicy ranks its strict hits above the
//!   partial ones);
//! - **pairs**: for each pair of adjacent terms of the query (`pairs`, which the caller makes
//!   from the engine's `_analyze` of the query with the search analyzer, or of the words split
//!   on spaces: mustache can do neither), a `match_phrase` in title and body with kpolicy's
//!   pair slop and weight; without `pairs`, the whole query as such a phrase;
//! - **the re-rank** (`rank::rerank`) as `rescore` stages over the hits kpolicy re-ranks
//!   ([`rescore`]): the window feature by sloppy phrases of every two terms (`near`, weighed
//!   by `near_boost`), and for a short query (`together`) the words-together tiers by
//!   `intervals` rules. On Lucene the export's MRR@10 is then 0.955 on KorQuAD and 0.965 on
//!   AutoRAG, kpolicy's 0.965 and 0.982 (docs/scale-out.md);
//! - **facet filters**: issuing region and mentioned regions on the `tree` sub-fields (a
//!   시·도 includes its 시·군·구), industry, year, a date range;
//! - **facet counts**: the aggregations that give `kpolicy search --json`'s `facets`: `region`
//!   and `mentioned` per `/시·도` and `/시·도/시·군·구` (plus `region_unknown`), `year` (plus
//!   `year_unknown`), `industry`, `month`.

use serde_json::{json, Value};

use crate::search::weights::{
    LEAD_POSITIONS, PAIR_SLOP, PAIR_WEIGHT, RELAXED_MIN_SHARE, RERANK_DEPTH, TITLE_BOOST,
    TOGETHER_DEPTH, TOGETHER_SLOP, WINDOW_WEIGHT, WINDOW_WIDTH,
};

/// The tier that puts a question's articles with every word above the partial matches: far
/// above any BM25 sum a question reaches.
const ALL_WORDS_TIER: f32 = 1000.0;

/// One tier of the words-together re-rank: far above any score a hit of a short query reaches
/// (BM25 of a few words, the proximity features).
const TOGETHER_TIER: f32 = 1000.0;

/// Size of the region and mentioned counts: above the number of facet paths (17 시·도, about
/// 250 시·군·구, `/전국`), so the counts are exact on any number of shards.
const REGION_BUCKETS: usize = 400;

/// The template's source. Mustache: `{{x}}` is JSON-escaped, `{{#x}}…{{/x}}` is rendered when
/// `x` is given (and not false or empty), `{{^x}}…{{/x}}` when it is not, `{{#toJson}}x{{/toJson}}`
/// writes `x` as JSON.
pub fn source() -> String {
    let fields = format!("[\"title^{TITLE_BOOST:.1}\", \"body^1.0\"]");
    let relaxed = format!("{:.0}%", RELAXED_MIN_SHARE * 100.0);
    let words = |operator: &str| {
        format!(
            "{{\"simple_query_string\": {{\"query\": \"{{{{query}}}}\", \"fields\": {fields}, \
             \"default_operator\": \"{operator}\", \"flags\": \"AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE\"}}}}"
        )
    };
    let phrase = |field: &str, slop: u32, boost: f32| phrase_of("{{query}}", field, slop, boost);
    let question_words = format!(
        "{{\"simple_query_string\": {{\"query\": \"{{{{query}}}}\", \"fields\": {fields}, \
         \"default_operator\": \"or\", \"minimum_should_match\": \"{relaxed}\", \
         \"flags\": \"AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE\"}}}}"
    );
    let filters = [
        (
            "region",
            "{\"terms\": {\"region.tree\": {{#toJson}}region{{/toJson}}}}",
        ),
        (
            "mentioned",
            "{\"terms\": {\"mentioned.tree\": {{#toJson}}mentioned{{/toJson}}}}",
        ),
        (
            "industry",
            "{\"terms\": {\"industry\": {{#toJson}}industry{{/toJson}}}}",
        ),
        (
            "year",
            "{\"terms\": {\"year\": {{#toJson}}year{{/toJson}}}}",
        ),
        (
            "date_from",
            "{\"range\": {\"date\": {\"gte\": \"{{date_from}}\"}}}",
        ),
        (
            "date_to",
            "{\"range\": {\"date\": {\"lte\": \"{{date_to}}\"}}}",
        ),
    ]
    .iter()
    .map(|(p, f)| format!("{{{{#{p}}}}}, {f}{{{{/{p}}}}}"))
    .collect::<String>();
    let aggs = json!({
        "region": {"terms": {"field": "region.tree", "size": REGION_BUCKETS}},
        "region_unknown": {"missing": {"field": "region"}},
        "mentioned": {"terms": {"field": "mentioned.tree", "size": REGION_BUCKETS}},
        "year": {"terms": {"field": "year", "size": 500}},
        "year_unknown": {"missing": {"field": "year"}},
        "industry": {"terms": {"field": "industry", "size": 200}},
        "month": {"date_histogram": {"field": "date", "calendar_interval": "month",
                                     "format": "yyyy-MM", "min_doc_count": 1}},
    });
    let highlight = json!({
        "fields": {"title": {"number_of_fragments": 0},
                   "body": {"fragment_size": crate::search::snippet::SNIPPET_CHARS, "number_of_fragments": 1}}
    });
    format!(
        "{{\"from\": \"{{{{offset}}}}{{{{^offset}}}}0{{{{/offset}}}}\", \
\"size\": \"{{{{limit}}}}{{{{^limit}}}}10{{{{/limit}}}}\", \
\"track_total_hits\": true, \
\"_source\": {{\"excludes\": [\"body\"]}}, \
\"query\": {{\"bool\": {{\
\"must\": [{{{{#question}}}}{question_words}{{{{/question}}}}{{{{^question}}}}{all}{{{{/question}}}}], \
\"should\": [{{{{#question}}}}{{\"constant_score\": {{\"filter\": {all}, \"boost\": {ALL_WORDS_TIER:.1}}}}}, {{{{/question}}}}\
{{{{#pairs}}}}{ppt}, {ppb}, {{{{/pairs}}}}{{{{^pairs}}}}{pt}, {pb}, {{{{/pairs}}}}{{\"match_none\": {{}}}}], \
\"filter\": [{{\"match_all\": {{}}}}{filters}]}}}}, \
\"rescore\": {rescore}, \
\"aggs\": {aggs}, \
\"highlight\": {highlight}}}",
        all = words("and"),
        ppt = phrase_of("{{.}}", "title", PAIR_SLOP, PAIR_WEIGHT),
        ppb = phrase_of("{{.}}", "body", PAIR_SLOP, PAIR_WEIGHT),
        pt = phrase("title", PAIR_SLOP, PAIR_WEIGHT),
        pb = phrase("body", PAIR_SLOP, PAIR_WEIGHT),
        rescore = rescore(),
    )
}

/// A `rescore` stage over the first `window` hits (a mustache expression may stand for it)
/// that adds `query`'s score to theirs.
fn stage(window: &str, query: &str) -> String {
    format!(
        "{{\"window_size\": {window}, \"query\": {{\"rescore_query\": {query}, \
         \"query_weight\": 1.0, \"rescore_query_weight\": 1.0, \"score_mode\": \"total\"}}}}"
    )
}

/// kpolicy's re-rank as `rescore` stages (`rank::rerank`), on the hits it re-ranks: the first
/// `RERANK_DEPTH`, or `TOGETHER_DEPTH` when the words typed are looked for together.
/// 1. The window feature: for every two terms (or words) of the query (`near`, which the
///    caller makes), a `match_phrase` in the body with slop `WINDOW_WIDTH` and weight
///    `near_boost` (without `near`, the whole query with `WINDOW_WEIGHT`). kpolicy adds
///    `WINDOW_WEIGHT` × the idf sum of the distinct terms in its best window, each term once;
///    the engines score a sloppy phrase by the idf sum of its two terms, so with k of them
///    together each is in k − 1 pairs: the caller gives `near_boost` = `WINDOW_WEIGHT` / (k − 1)
///    for k distinct units in `near` (default `WINDOW_WEIGHT`, right for two). The frequency of
///    a sloppy phrase falls with the distance, kpolicy's window is flat: the same terms count,
///    weighed otherwise.
/// 2. The words-together tiers (`together`: the caller's word for a query of two words or
///    more that is not a question): a hit with every word in order, `TOGETHER_SLOP` gaps at
///    most, in the title or in the first `LEAD_POSITIONS` terms of the body gains 2 tiers, one
///    with them further in the body 1 tier (`dis_max`: the best place counts), a tier above any
///    score a query reaches, so that the hits sort by tier, then by score.
fn rescore() -> String {
    let near = format!(
        "{{\"match_phrase\": {{\"body\": {{\"query\": \"{{{{.}}}}\", \"slop\": {WINDOW_WIDTH}, \
         \"boost\": {{{{near_boost}}}}{{{{^near_boost}}}}{WINDOW_WEIGHT:.1}{{{{/near_boost}}}}}}}}}}"
    );
    let window = format!(
        "{{\"bool\": {{\"should\": [{{{{#near}}}}{near}, {{{{/near}}}}\
         {{{{^near}}}}{whole}, {{{{/near}}}}{{\"match_none\": {{}}}}]}}}}",
        whole = phrase_of("{{query}}", "body", WINDOW_WIDTH, WINDOW_WEIGHT),
    );
    let together = |field: &str, lead: bool, tiers: f32| {
        let filter = if lead {
            format!(
                ", \"filter\": {{\"script\": {{\"source\": \"interval.start < {LEAD_POSITIONS}\"}}}}"
            )
        } else {
            String::new()
        };
        format!(
            "{{\"constant_score\": {{\"filter\": {{\"intervals\": {{\"{field}\": {{\"match\": \
             {{\"query\": \"{{{{query}}}}\", \"max_gaps\": {TOGETHER_SLOP}, \"ordered\": true{filter}}}}}}}}}, \
             \"boost\": {:.1}}}}}",
            tiers * TOGETHER_TIER
        )
    };
    let tiers = format!(
        "{{\"dis_max\": {{\"queries\": [{}, {}, {}]}}}}",
        together("title", false, 2.0),
        together("body", true, 2.0),
        together("body", false, 1.0),
    );
    format!(
        "[{}{{{{#together}}}}, {}{{{{/together}}}}]",
        stage(
            &format!("{{{{#together}}}}{TOGETHER_DEPTH}{{{{/together}}}}{{{{^together}}}}{RERANK_DEPTH}{{{{/together}}}}"),
            &window
        ),
        stage(&TOGETHER_DEPTH.to_string(), &tiers),
    )
}

/// A `match_phrase` of `text` (a mustache tag) in `field`.
fn phrase_of(text: &str, field: &str, slop: u32, boost: f32) -> String {
    format!(
        "{{\"match_phrase\": {{\"{field}\": {{\"query\": \"{text}\", \"slop\": {slop}, \"boost\": {boost:.1}}}}}}}"
    )
}

/// The file: the body of `PUT _scripts/kpolicy-search`.
pub fn template_json() -> Value {
    json!({"script": {"lang": "mustache", "source": source()}})
}

#[cfg(test)]
mod tests {
    use super::source;

    /// Renders the template as mustache would for plain values (no lists): sections of given
    /// parameters kept, the others dropped.
    fn render(src: &str, given: &[(&str, &str)]) -> String {
        let mut s = src.to_string();
        for name in [
            "question",
            "pairs",
            "near",
            "near_boost",
            "together",
            "offset",
            "limit",
            "region",
            "mentioned",
            "industry",
            "year",
            "date_from",
            "date_to",
        ] {
            let value = given.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
            loop {
                let open = format!("{{{{#{name}}}}}");
                let inv = format!("{{{{^{name}}}}}");
                let close = format!("{{{{/{name}}}}}");
                let (tag, keep) = if let Some(i) = s.find(&open) {
                    (i, value.is_some())
                } else if let Some(i) = s.find(&inv) {
                    (i, value.is_none())
                } else {
                    break;
                };
                let after = tag + open.len();
                let end = after + s[after..].find(&close).unwrap();
                // A one-item list: `{{.}}` is the item.
                let inner = s[after..end].replace("{{.}}", value.unwrap_or(""));
                s.replace_range(tag..end + close.len(), if keep { &inner } else { "" });
            }
            s = s.replace(&format!("{{{{{name}}}}}"), value.unwrap_or(""));
        }
        s.replace("{{query}}", "청년 일자리")
    }

    #[test]
    fn renders_to_a_query_with_every_part() {
        let v: serde_json::Value = serde_json::from_str(&render(&source(), &[])).unwrap();
        let must = &v["query"]["bool"]["must"][0]["simple_query_string"];
        assert_eq!(must["default_operator"], "and");
        assert_eq!(must["fields"][0], "title^1.0");
        assert_eq!(v["query"]["bool"]["should"].as_array().unwrap().len(), 3);
        let with_pairs = render(&source(), &[("pairs", "청년 일자리")]);
        let v: serde_json::Value = serde_json::from_str(&with_pairs).unwrap();
        let should = v["query"]["bool"]["should"].as_array().unwrap();
        assert_eq!(should.len(), 3, "a pair in title and body, and no clause");
        assert_eq!(should[0]["match_phrase"]["title"]["query"], "청년 일자리");
        assert_eq!(should[0]["match_phrase"]["title"]["slop"], 2);
        assert_eq!(v["from"], "0");
        for agg in [
            "region",
            "mentioned",
            "year",
            "industry",
            "month",
            "region_unknown",
        ] {
            assert!(v["aggs"].get(agg).is_some(), "{agg}");
        }
    }

    #[test]
    fn the_rerank_is_a_rescore_of_the_hits_kpolicy_reranks() {
        let v: serde_json::Value =
            serde_json::from_str(&render(&source(), &[("near", "청년 일자리")])).unwrap();
        let stages = v["rescore"].as_array().unwrap();
        assert_eq!(stages.len(), 1, "no words-together tiers unless asked");
        assert_eq!(stages[0]["window_size"], 30);
        assert_eq!(stages[0]["query"]["score_mode"], "total");
        let window = &stages[0]["query"]["rescore_query"]["bool"]["should"][0]["match_phrase"];
        assert_eq!(window["body"]["query"], "청년 일자리");
        assert_eq!(window["body"]["slop"], 16);
        assert_eq!(window["body"]["boost"], 0.8);

        let v: serde_json::Value = serde_json::from_str(&render(
            &source(),
            &[("near", "청년 일자리"), ("near_boost", "0.2")],
        ))
        .unwrap();
        let window = &v["rescore"][0]["query"]["rescore_query"]["bool"]["should"][0];
        assert_eq!(window["match_phrase"]["body"]["boost"], 0.2);

        let v: serde_json::Value =
            serde_json::from_str(&render(&source(), &[("together", "true")])).unwrap();
        let stages = v["rescore"].as_array().unwrap();
        assert_eq!(stages.len(), 2);
        assert_eq!(stages[0]["window_size"], 100);
        assert_eq!(stages[1]["window_size"], 100);
        let tiers = stages[1]["query"]["rescore_query"]["dis_max"]["queries"]
            .as_array()
            .unwrap();
        assert_eq!(tiers.len(), 3);
        let title = &tiers[0]["constant_score"];
        assert_eq!(title["boost"], 2000.0);
        let rule = &title["filter"]["intervals"]["title"]["match"];
        assert_eq!(rule["query"], "청년 일자리");
        assert_eq!(rule["ordered"], true);
        assert_eq!(rule["max_gaps"], 2);
        let lead = &tiers[1]["constant_score"]["filter"]["intervals"]["body"]["match"];
        assert_eq!(lead["filter"]["script"]["source"], "interval.start < 40");
        assert_eq!(tiers[2]["constant_score"]["boost"], 1000.0);
        assert!(
            tiers[2]["constant_score"]["filter"]["intervals"]["body"]["match"]
                .get("filter")
                .is_none()
        );
    }

    #[test]
    fn a_question_needs_a_quarter_of_its_words_and_ranks_all_words_first() {
        let text = render(
            &source(),
            &[("question", "true"), ("date_from", "2026-11-01")],
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let must = &v["query"]["bool"]["must"][0]["simple_query_string"];
        assert_eq!(must["default_operator"], "or");
        assert_eq!(must["minimum_should_match"], "25%");
        let tier = &v["query"]["bool"]["should"][0]["constant_score"];
        assert_eq!(
            tier["filter"]["simple_query_string"]["default_operator"],
            "and"
        );
        assert_eq!(
            v["query"]["bool"]["filter"][1]["range"]["date"]["gte"],
            "2026-11-01"
        );
    }
}
