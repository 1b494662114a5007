//! `kpolicy export opensearch` (issue 26): the files parse and hold what a cluster needs, the
//! index settings for the bundled documents are pinned, and `--since` sends exactly the index
//! and delete actions of what changed. Scripts/export_check.py checks the same files on Lucene.

use std::path::Path;

use serde_json::Value;

use crate::util::{kpolicy, run, TempDir};

/// Copies the bundled `documents/` into `dir`.
fn copy_documents(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("documents");
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
}

fn index(docs: &Path, idx: &Path) {
    let (code, _, err) = run(kpolicy().arg("index").arg(docs).arg("--index").arg(idx));
    assert_eq!(code, 0, "{err}");
}

/// `kpolicy export opensearch OUT --index IDX [extra] --json` → the summary.
fn export(idx: &Path, out: &Path, extra: &[&str]) -> Value {
    let (code, stdout, err) = run(kpolicy()
        .args(["export", "opensearch"])
        .arg(out)
        .arg("--index")
        .arg(idx)
        .args(extra)
        .arg("--json"));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&stdout).expect("summary JSON")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The bulk file as (action, id, source) triples.
fn bulk(out: &Path) -> Vec<(String, String, Option<Value>)> {
    let text = std::fs::read_to_string(out.join("bulk.ndjson")).unwrap();
    let mut lines = text.lines();
    let mut actions = Vec::new();
    while let Some(line) = lines.next() {
        let a: Value = serde_json::from_str(line).expect("action line");
        let (kind, meta) = a.as_object().unwrap().iter().next().unwrap();
        let id = meta["_id"].as_str().unwrap().to_string();
        assert!(
            meta.get("_index").is_none(),
            "the index is named in the URL"
        );
        let source = match kind.as_str() {
            "index" => Some(serde_json::from_str(lines.next().expect("source line")).unwrap()),
            "delete" => None,
            other => panic!("unexpected action {other}"),
        };
        actions.push((kind.clone(), id, source));
    }
    actions
}

#[test]
fn the_files_parse_and_hold_the_analysis_fields_and_articles() {
    let tmp = TempDir::new();
    let (docs, idx, out) = (tmp.join("documents"), tmp.join("idx"), tmp.join("out"));
    copy_documents(&docs);
    index(&docs, &idx);
    let summary = export(&idx, &out, &[]);
    assert_eq!(summary["indexed"], 5);
    assert_eq!(summary["deleted"], 0);
    assert!(summary["since"].is_null());
    assert!(summary["generation"].as_u64().unwrap() > 0);
    assert_eq!(read_json(&out.join("export.json")), summary);

    let settings = read_json(&out.join("index.json"));
    let analysis = &settings["settings"]["index"]["analysis"];
    let mixed = &analysis["tokenizer"]["kpolicy_nori_mixed"];
    assert_eq!(mixed["type"], "nori_tokenizer");
    assert_eq!(mixed["decompound_mode"], "mixed");
    let rules: Vec<&str> = mixed["user_dictionary_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(rules.contains(&"안동시"), "gazetteer name");
    assert!(
        rules.contains(&"이차전지 이차 전지"),
        "domain noun with its parts"
    );
    let pos = &analysis["filter"]["kpolicy_pos"];
    assert_eq!(pos["type"], "nori_part_of_speech");
    for tag in ["JKS", "EC", "NNB", "XSN"] {
        assert!(
            pos["stoptags"]
                .as_array()
                .unwrap()
                .contains(&Value::from(tag)),
            "{tag}"
        );
    }
    let syn = &analysis["filter"]["kpolicy_synonyms"];
    assert_eq!(syn["type"], "synonym_graph");
    assert!(syn["synonyms"]
        .as_array()
        .unwrap()
        .contains(&Value::from("ai,인공지능")));
    let dots = analysis["char_filter"]["kpolicy_separators"]["mappings"].to_string();
    assert!(dots.contains("· => \\\\u0020"), "{dots}");
    let search = &analysis["analyzer"]["kpolicy_search"];
    assert_eq!(search["filter"][2], "kpolicy_synonyms");
    let props = &settings["mappings"]["properties"];
    for text in ["title", "body"] {
        assert_eq!(props[text]["type"], "text");
        assert_eq!(props[text]["analyzer"], "kpolicy_index");
        assert_eq!(props[text]["search_analyzer"], "kpolicy_search");
    }
    // The words the dictionary cannot read, carried for the bigrams kpolicy indexes of them.
    let bigrams = &analysis["analyzer"]["kpolicy_bigrams"];
    assert_eq!(bigrams["tokenizer"], "whitespace");
    assert_eq!(analysis["filter"]["kpolicy_bigram"]["type"], "ngram");
    assert_eq!(analysis["filter"]["kpolicy_bigram"]["min_gram"], 2);
    assert_eq!(analysis["filter"]["kpolicy_bigram"]["max_gram"], 2);
    assert_eq!(analysis["filter"]["kpolicy_bigram_once"]["type"], "unique");
    for field in ["title_unknown", "body_unknown"] {
        assert_eq!(props[field]["type"], "text");
        assert_eq!(props[field]["analyzer"], "kpolicy_bigrams");
    }
    for path in ["region", "mentioned"] {
        assert_eq!(props[path]["type"], "keyword");
        assert_eq!(
            props[path]["fields"]["tree"]["analyzer"],
            "kpolicy_region_path"
        );
    }
    assert_eq!(
        analysis["tokenizer"]["kpolicy_path"]["type"],
        "path_hierarchy"
    );
    for kw in ["industry", "source"] {
        assert_eq!(props[kw]["type"], "keyword");
    }
    assert_eq!(props["date"]["type"], "date");
    assert_eq!(props["year"]["type"], "short");

    let actions = bulk(&out);
    assert_eq!(actions.len(), 5);
    let andong = actions
        .iter()
        .find(|(_, id, _)| id == "000_54a935124cac60ad.txt")
        .and_then(|(_, _, s)| s.as_ref())
        .expect("the Andong article");
    assert_eq!(andong["region"], "/경상북도/안동시");
    assert!(andong["industry"]
        .as_array()
        .unwrap()
        .contains(&Value::from("바이오·백신")));
    assert!(andong["body"].as_str().unwrap().contains("바이오·백신산업"));
    let hemp = actions
        .iter()
        .find(|(_, id, _)| id == "001_6e031c1b1d43ca61.txt")
        .and_then(|(_, _, s)| s.as_ref())
        .expect("the hemp article");
    let unknown = hemp["body_unknown"].as_array().unwrap();
    assert_eq!(
        unknown.iter().filter(|w| *w == "헴프").count(),
        3,
        "{unknown:?}"
    );
    assert!(
        !unknown.iter().any(|w| w == "산업"),
        "a word the dictionary reads"
    );
    let gwangju = actions
        .iter()
        .find(|(_, id, _)| id == "004_ed1fe1c4b4ab4489.txt")
        .and_then(|(_, _, s)| s.as_ref())
        .unwrap();
    assert_eq!(gwangju["date"], "2020-06-29");
    assert_eq!(gwangju["year"], 2020);
    assert_eq!(gwangju["source"], "프라임경제");
    // Every source field is in the mappings ("dynamic": "strict" refuses any other).
    for (_, _, s) in &actions {
        for key in s.as_ref().unwrap().as_object().unwrap().keys() {
            assert!(props.get(key).is_some(), "{key} is not mapped");
        }
    }

    let template = read_json(&out.join("search-template.json"));
    assert_eq!(template["script"]["lang"], "mustache");
    let src = template["script"]["source"].as_str().unwrap();
    for part in [
        "{{query}}",
        "\"title^1.0\"",
        "match_phrase",
        "region.tree",
        "mentioned.tree",
        "\"aggs\"",
        "date_histogram",
    ] {
        assert!(src.contains(part), "template lacks {part}");
    }
}

/// The settings and mappings for the bundled documents and data files, pinned: a change in the
/// analysis carried over to the cluster shows as a readable diff.
#[test]
fn index_json_of_the_bundled_documents_is_pinned() {
    let tmp = TempDir::new();
    let (docs, idx, out) = (tmp.join("documents"), tmp.join("idx"), tmp.join("out"));
    copy_documents(&docs);
    index(&docs, &idx);
    export(&idx, &out, &[]);
    insta::assert_snapshot!(
        "index_json",
        std::fs::read_to_string(out.join("index.json")).unwrap()
    );
}

#[test]
fn since_sends_an_add_an_edit_and_a_delete() {
    let tmp = TempDir::new();
    let (docs, idx) = (tmp.join("documents"), tmp.join("idx"));
    copy_documents(&docs);
    index(&docs, &idx);
    let first = export(&idx, &tmp.join("full"), &[]);
    let generation = first["generation"].as_u64().unwrap().to_string();

    std::fs::write(
        docs.join("new.txt"),
        "안동시, 바이오·백신 클러스터 착공\n안동시는 7일 바이오·백신 클러스터 착공식을 열었다.",
    )
    .unwrap();
    let edited = docs.join("001_6e031c1b1d43ca61.txt");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("\n추가된 문장으로 기사가 바뀌었다.");
    std::fs::write(&edited, text).unwrap();
    std::fs::remove_file(docs.join("002_e15c7a2c75207dd9.txt")).unwrap();
    index(&docs, &idx);

    let out = tmp.join("since");
    let summary = export(&idx, &out, &["--since", &generation]);
    assert_eq!(summary["indexed"], 2);
    assert_eq!(summary["deleted"], 1);
    let actions: Vec<(String, String)> = bulk(&out)
        .into_iter()
        .map(|(kind, id, _)| (kind, id))
        .collect();
    let want = |k: &str, id: &str| (k.to_string(), id.to_string());
    assert_eq!(
        actions,
        vec![
            want("index", "001_6e031c1b1d43ca61.txt"),
            want("delete", "002_e15c7a2c75207dd9.txt"),
            want("index", "new.txt"),
        ]
    );
    let edited_source = bulk(&out)[0].2.clone().unwrap();
    assert!(edited_source["body"]
        .as_str()
        .unwrap()
        .contains("추가된 문장"));
    // The changed article carries its unreadable words, as in a full export.
    assert!(
        edited_source["body_unknown"]
            .as_array()
            .is_some_and(|w| w.contains(&Value::from("헴프"))),
        "{edited_source}"
    );

    // Caught up: nothing more to send.
    let now = summary["generation"].as_u64().unwrap().to_string();
    let again = export(&idx, &tmp.join("again"), &["--since", &now]);
    assert_eq!(
        (again["indexed"].as_u64(), again["deleted"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        std::fs::read_to_string(tmp.join("again/bulk.ndjson")).unwrap(),
        ""
    );
    // A run that changes nothing adds nothing to send.
    index(&docs, &idx);
    let quiet = export(&idx, &tmp.join("quiet"), &["--since", &now]);
    assert_eq!(quiet["indexed"], 0);
}

#[test]
fn since_says_in_one_line_when_it_cannot_answer() {
    let tmp = TempDir::new();
    let (docs, idx) = (tmp.join("documents"), tmp.join("idx"));
    copy_documents(&docs);
    index(&docs, &idx);
    let (code, _, err) = run(kpolicy()
        .args(["export", "opensearch"])
        .arg(tmp.join("out"))
        .arg("--index")
        .arg(&idx)
        .args(["--since", "999999"]));
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--since 999999") && err.contains("without --since"),
        "{err}"
    );

    // An index written before the change log: no answer, and what to do instead.
    std::fs::remove_file(idx.join("changes.jsonl")).unwrap();
    let (code, _, err) = run(kpolicy()
        .args(["export", "opensearch"])
        .arg(tmp.join("out"))
        .arg("--index")
        .arg(&idx)
        .args(["--since", "1"]));
    assert_eq!(code, 2);
    assert!(err.contains("records no changes"), "{err}");
    // The next indexing run starts the log at the index's generation.
    index(&docs, &idx);
    let summary = export(&idx, &tmp.join("out2"), &[]);
    let g = summary["generation"].as_u64().unwrap().to_string();
    let since = export(&idx, &tmp.join("out3"), &["--since", &g]);
    assert_eq!(since["indexed"], 0);
}

#[test]
fn two_articles_with_one_id_are_refused() {
    let tmp = TempDir::new();
    tmp.write(
        "a/same.txt",
        "안동시 바이오 산업 육성\n안동시가 바이오 산업을 키운다.",
    );
    tmp.write(
        "b/same.txt",
        "구미시 반도체 산업 육성\n구미시가 반도체 산업을 키운다.",
    );
    let idx = tmp.join("idx");
    let (code, _, err) = run(kpolicy()
        .arg("index")
        .arg(tmp.join("a"))
        .arg(tmp.join("b"))
        .arg("--index")
        .arg(&idx));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(kpolicy()
        .args(["export", "opensearch"])
        .arg(tmp.join("out"))
        .arg("--index")
        .arg(&idx));
    assert_eq!(code, 2);
    assert!(
        err.contains("`same.txt`") && err.contains("separate"),
        "{err}"
    );
    assert!(
        !tmp.join("out/bulk.ndjson").exists(),
        "no half-written bulk file"
    );
}

#[test]
fn since_follows_a_json_lines_stream() {
    let tmp = TempDir::new();
    let idx = tmp.join("idx");
    let first = tmp.write(
        "a.jsonl",
        concat!(
            r#"{"id": "r1", "title": "안동시 바이오 산업", "text": "안동시가 바이오 산업을 키운다."}"#,
            "\n",
            r#"{"id": "r2", "title": "구미시 반도체", "text": "구미시가 반도체 공장을 짓는다."}"#,
            "\n"
        ),
    );
    let jsonl = |file: &Path| {
        let (code, _, err) = run(kpolicy()
            .arg("index")
            .arg("--jsonl")
            .arg(file)
            .arg("--index")
            .arg(&idx));
        assert_eq!(code, 0, "{err}");
    };
    jsonl(&first);
    let g = export(&idx, &tmp.join("full"), &[])["generation"]
        .as_u64()
        .unwrap()
        .to_string();
    let second = tmp.write(
        "b.jsonl",
        concat!(
            r#"{"id": "r2", "title": "구미시 반도체", "text": "구미시가 반도체 공장을 두 곳 짓는다."}"#,
            "\n"
        ),
    );
    jsonl(&second);
    let out = tmp.join("since");
    export(&idx, &out, &["--since", &g]);
    let actions: Vec<(String, String)> = bulk(&out).into_iter().map(|(k, id, _)| (k, id)).collect();
    assert_eq!(actions, vec![("index".to_string(), "r2".to_string())]);
}

#[test]
fn a_rebuild_is_said_with_the_changes_after_it() {
    let tmp = TempDir::new();
    let (docs, idx) = (tmp.join("documents"), tmp.join("idx"));
    copy_documents(&docs);
    index(&docs, &idx);
    let (code, _, err) = run(kpolicy()
        .arg("index")
        .arg(&docs)
        .arg("--index")
        .arg(&idx)
        .arg("--rebuild"));
    assert_eq!(code, 0, "{err}");
    let summary = export(&idx, &tmp.join("out"), &["--since", "0"]);
    assert_eq!(
        summary["indexed"], 5,
        "the rebuild wrote every article again"
    );
    assert!(summary["rebuilt"].as_u64().is_some(), "{summary}");
    let (code, _, err) = run(kpolicy()
        .args(["export", "opensearch"])
        .arg(tmp.join("out2"))
        .arg("--index")
        .arg(&idx)
        .args(["--since", "0"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("rebuilt on") && err.contains("full export"),
        "{err}"
    );
}
