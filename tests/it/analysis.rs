//! The analyzer against the reference: MeCab-ko's segmentation of the seed sentences, and the
//! token streams users rely on (the four spellings of 바이오·백신, domain words kept whole).

use std::sync::LazyLock;

use kpolicy::analysis::Analyzer;
use kpolicy::data::Resources;

static PLAIN: LazyLock<Analyzer> = LazyLock::new(|| Analyzer::new(&[]).expect("analyzer"));
static FULL: LazyLock<Analyzer> = LazyLock::new(|| {
    let res = Resources::embedded().expect("data files");
    Analyzer::new(&res.user_words()).expect("analyzer")
});

#[derive(serde::Deserialize)]
struct Reference {
    sentence: String,
    tokens: Vec<(String, String)>,
}

/// `tests/fixtures/mecab_seed_reference.jsonl`: MeCab-ko (python-mecab-ko 1.3.7, the same
/// mecab-ko-dic 2.1.1) on the 165 seed sentences; see `mecab_seed_reference.md`.
fn references() -> Vec<Reference> {
    let text = include_str!("../fixtures/mecab_seed_reference.jsonl");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("reference line"))
        .collect()
}

fn ours(analyzer: &Analyzer, sentence: &str) -> Vec<(String, String)> {
    analyzer
        .morphemes_raw(sentence)
        .into_iter()
        .map(|m| (sentence[m.start..m.end].trim().to_string(), m.pos))
        .filter(|(s, _)| !s.is_empty())
        .collect()
}

#[test]
fn segmentation_matches_mecab_ko_on_seed_sentences() {
    let refs = references();
    assert_eq!(refs.len(), 165, "reference file changed");
    let mut same = 0;
    let mut diffs = Vec::new();
    for r in &refs {
        let expected: Vec<(String, String)> = r
            .tokens
            .iter()
            .filter(|(s, _)| !s.trim().is_empty())
            .map(|(s, p)| (s.trim().to_string(), p.clone()))
            .collect();
        let got = ours(&PLAIN, &r.sentence);
        if got == expected {
            same += 1;
        } else if diffs.len() < 8 {
            let first = got
                .iter()
                .zip(&expected)
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(expected.len()));
            diffs.push(format!(
                "  {}\n    ours:  {:?}\n    mecab: {:?}",
                r.sentence.chars().take(60).collect::<String>(),
                &got[first..(first + 4).min(got.len())],
                &expected[first..(first + 4).min(expected.len())]
            ));
        }
    }
    let share = same as f64 / refs.len() as f64;
    eprintln!(
        "identical to MeCab-ko: {same}/{} = {:.1}%",
        refs.len(),
        share * 100.0
    );
    assert!(
        share >= 0.95,
        "only {same}/{} sentences match MeCab-ko:\n{}",
        refs.len(),
        diffs.join("\n")
    );
}

fn terms(text: &str) -> Vec<(String, usize)> {
    FULL.terms(text)
        .into_iter()
        .map(|t| (t.text, t.position))
        .collect()
}

#[test]
fn four_spellings_of_bio_vaccine_give_the_same_terms() {
    // U+00B7, U+30FB (both in seed 000), a space, and no separator.
    let a = terms("바이오·백신");
    assert_eq!(terms("바이오・백신"), a);
    assert_eq!(terms("바이오 백신"), a);
    assert_eq!(terms("바이오ㆍ백신"), a);
    assert_eq!(a, vec![("바이오".to_string(), 0), ("백신".to_string(), 1)]);
    // Without a separator the dictionary word is kept and decomposed at the same positions.
    let joined: Vec<(String, usize)> = terms("바이오백신");
    assert!(joined.contains(&("바이오".to_string(), 0)));
    assert!(joined.contains(&("백신".to_string(), 1)));
}

#[test]
fn seed_sentence_terms() {
    let t: Vec<String> = terms("경북 안동시는 22일 안동시청 웅부관 소통실에서 출범식을 열었다.")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    // 안동시 stays whole (user dictionary); 안동시청 is 안동+시청 as in the dictionary; the
    // rare 웅부관/소통실 are split exactly as MeCab-ko splits them (웅/NNG 부관/NNG 소/NNG
    // 통실/NNG), and because a one-syllable noun makes that reading doubtful, their character
    // bigrams are indexed too (웅부, 부관; 소통, 통실); particles, endings and the counter 일 are
    // gone.
    let expected = [
        "경북",
        "안동시",
        "22",
        "안동",
        "시청",
        "웅",
        "웅부",
        "부관",
        "부관",
        "소",
        "소통",
        "통실",
        "통실",
        "출범식",
        "출범",
        "식",
        "열",
    ];
    assert_eq!(t, expected);
}

#[test]
fn domain_words_stay_whole_and_parts_are_searchable() {
    for (text, whole, part) in [
        ("안동시 4차산업혁명", "안동시", "안동시"),
        ("세종시는", "세종시", "세종시"),
        ("이차전지 산업", "이차전지", "전지"),
        ("바이오헬스밸리", "바이오헬스", "헬스"),
        ("바이오백신산업", "바이오백신", "백신"),
        // A domain noun can be a part: 충전소 is in data/domain_nouns.txt.
        ("수소충전소를", "수소충전소", "충전소"),
    ] {
        let t: Vec<String> = terms(text).into_iter().map(|(t, _)| t).collect();
        assert!(t.contains(&whole.to_string()), "{text}: {t:?}");
        assert!(t.contains(&part.to_string()), "{text}: {t:?}");
    }
}

#[test]
fn words_the_dictionary_cannot_read_are_found_by_their_bigrams() {
    // ko-dic has no 헴프 (hemp): alone it reads 헴/IC 프/VX, in a sentence 헴/NNP 프/VX.
    let alone: Vec<String> = terms("헴프").into_iter().map(|(t, _)| t).collect();
    assert_eq!(alone, vec!["헴프"]);
    let in_text: Vec<String> = terms("대마(헴프)기반 바이오 산업, 헴프는 외국에서")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        in_text.iter().filter(|t| *t == "헴프").count(),
        2,
        "{in_text:?}"
    );
    // Ordinary words get no bigrams.
    let plain: Vec<String> = terms("경북 안동시는 바이오 산업을 육성하고 있다")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(plain, vec!["경북", "안동시", "바이오", "산업", "육성"]);
}

#[test]
fn particles_endings_and_punctuation_are_dropped() {
    let t: Vec<String> = terms("인공지능을 육성한다고 밝혔다.")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(t, vec!["인공지능", "인공", "지능", "육성", "밝히"]);
}

#[test]
fn offsets_point_at_the_original_surface() {
    let text = "㈜광주글로벌모터스(GGM)의 바이오・백신";
    for t in FULL.terms(text) {
        let surface = &text[t.start..t.end];
        assert!(!surface.is_empty(), "{t:?}");
    }
    let ggm = FULL
        .terms(text)
        .into_iter()
        .find(|t| t.text == "ggm")
        .expect("ggm");
    assert_eq!(&text[ggm.start..ggm.end], "GGM");
}

/// Issue 15: a word copied out of an article and searched alone must analyse to terms the
/// article has. Analysed as a sentence, a word ending in the genitive 의 reads 의 as a noun
/// (`정부의` → 정부/NNG 의/NNG, `일본의` → 일/NR 본의/NNG), so the query asked for terms the
/// article does not have; analysed as a query (the end is open), it reads as in the article.
#[test]
fn a_query_word_analyses_as_inside_an_article() {
    let content = |terms: Vec<kpolicy::analysis::Term>| -> Vec<String> {
        terms
            .into_iter()
            .filter(|t| t.pos != kpolicy::analysis::BIGRAM_POS)
            .map(|t| t.text)
            .collect()
    };
    for (word, sentence) in [
        ("정부의", "정부의 정책을 발표했다."),
        ("일본의", "일본의 수출 규제가 시작됐다."),
        ("대통령의", "대통령의 연설이 있었다."),
        ("브라질의", "브라질의 커피 농장을 찾았다."),
        ("표현의", "표현의 자유를 보장한다."),
        ("경우의", "경우의 수를 따졌다."),
        ("국민의", "국민의 삶을 지킨다."),
    ] {
        let in_article: Vec<String> = content(FULL.terms(sentence));
        let query = content(FULL.query_terms(word));
        assert!(!query.is_empty(), "{word}");
        for t in &query {
            assert!(
                in_article.contains(t),
                "{word}: query term {t} not in {in_article:?}"
            );
        }
    }
    // The reason: as the end of a sentence the same word reads differently.
    assert!(content(FULL.terms("일본의")).contains(&"본의".to_string()));
    // Documents are analysed as before: only queries have an open end.
    assert_eq!(FULL.terms("정부의 정책"), FULL.query_terms("정부의 정책"));
}
