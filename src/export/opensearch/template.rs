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
//! - **words together**: for each pair of adjacent words of the query (`pairs`, which the caller
//!   makes by splitting the query on spaces: mustache cannot), a `match_phrase` in title and
//!   body with kpolicy's pair slop and weight; without `pairs`, the whole query as such a
//!   phrase; and a wider phrase with the window width and weight of kpolicy's proximity re-rank
//!   (`rank::weights`). The nearest the query DSL comes to the re-rank, which it cannot run:
//!   on Lucene the pairs took the exported index's MRR@10 from 0.951 to 0.956 on KorQuAD and
//!   from 0.909 to 0.937 on AutoRAG (docs/scale-out.md);
//! - **facet filters**: issuing region and mentioned regions on the `tree` sub-fields (a
//!   시·도 includes its 시·군·구), industry, year, a date range;
//! - **facet counts**: the aggregations that give `kpolicy search --json`'s `facets`: `region`
//!   and `mentioned` per `/시·도` and `/시·도/시·군·구` (plus `region_unknown`), `year` (plus
//!   `year_unknown`), `industry`, `month`.

use serde_json::{json, Value};

use crate::search::weights::{
    PAIR_SLOP, PAIR_WEIGHT, RELAXED_MIN_SHARE, TITLE_BOOST, WINDOW_WEIGHT, WINDOW_WIDTH,
};

/// The tier that puts a question's articles with every word above the partial matches: far
/// above any BM25 sum a question reaches.
const ALL_WORDS_TIER: f32 = 1000.0;

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
{{{{#pairs}}}}{ppt}, {ppb}, {{{{/pairs}}}}{{{{^pairs}}}}{pt}, {pb}, {{{{/pairs}}}}{pw}], \
\"filter\": [{{\"match_all\": {{}}}}{filters}]}}}}, \
\"aggs\": {aggs}, \
\"highlight\": {highlight}}}",
        all = words("and"),
        ppt = phrase_of("{{.}}", "title", PAIR_SLOP, PAIR_WEIGHT),
        ppb = phrase_of("{{.}}", "body", PAIR_SLOP, PAIR_WEIGHT),
        pt = phrase("title", PAIR_SLOP, PAIR_WEIGHT),
        pb = phrase("body", PAIR_SLOP, PAIR_WEIGHT),
        pw = phrase("body", WINDOW_WIDTH, WINDOW_WEIGHT),
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
        assert_eq!(should.len(), 3, "a pair in title and body, the window");
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
