//! Copies of one story folded into one hit (issue 23), as a user sees it: the real binary on
//! `tests/fixtures/duplicates/`: one press release of 안동시 in three outlets' versions
//! (연합뉴스, 뉴시스, 뉴스1: own dateline and byline, reworded headline, a sentence dropped,
//! own copyright line), and stories written from one template that must stay apart (daily
//! case counts of two days, results of two districts, two releases of one city on one day).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::util::{hit_ids, kpolicy, run, TempDir};
use serde_json::Value;

const COPIES: [&str; 3] = [
    "news1-andong-vaccine.txt",
    "newsis-andong-vaccine.txt",
    "yonhap-andong-vaccine.txt",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/duplicates")
}

/// Copies the fixture files named by `names` (all of them when empty) into `tmp/docs`.
fn copy_fixtures(tmp: &TempDir, names: &[&str]) {
    std::fs::create_dir_all(tmp.join("docs")).expect("docs folder");
    for entry in std::fs::read_dir(fixtures()).expect("fixtures") {
        let p = entry.expect("entry").path();
        let name = p.file_name().expect("name").to_string_lossy().to_string();
        if names.is_empty() || names.contains(&name.as_str()) {
            std::fs::copy(&p, tmp.join(&format!("docs/{name}"))).expect("copy");
        }
    }
}

fn index(tmp: &TempDir, extra: &[&str]) {
    let (code, _, err) = run(kpolicy()
        .arg("index")
        .arg(tmp.join("docs"))
        .arg("--index")
        .arg(tmp.join("idx"))
        .args(extra));
    assert_eq!(code, 0, "index failed: {err}");
}

fn search(tmp: &TempDir, args: &[&str]) -> Value {
    let (code, out, err) = run(kpolicy()
        .arg("search")
        .args(args)
        .arg("--json")
        .arg("--index")
        .arg(tmp.join("idx")));
    assert!(code == 0 || code == 1, "search {args:?} failed: {err}");
    serde_json::from_str(&out).expect("JSON output")
}

fn ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d["id"].as_str().expect("id").to_string())
        .collect();
    v.sort();
    v
}

/// Every article of the index (empty query, no folding) → its `group`.
fn groups(tmp: &TempDir) -> BTreeMap<String, Option<String>> {
    let all = search(tmp, &["", "--no-collapse", "--limit", "100"]);
    all["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            (
                h["id"].as_str().expect("id").to_string(),
                h["group"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn three_outlets_copies_fold_into_one_hit_and_template_stories_stay_apart() {
    let tmp = TempDir::new();
    copy_fixtures(&tmp, &[]);
    index(&tmp, &[]);
    let r = search(&tmp, &["안동시", "--limit", "20"]);
    let total = r["total"].as_u64().expect("total");
    assert_eq!(r["collapsed"], true);
    assert_eq!(r["facet_counts"], "articles");
    assert_eq!(r["stories"].as_u64(), Some(total - 2), "{r:#}");
    let hits = r["hits"].as_array().expect("hits");
    assert_eq!(hits.len() as u64, total - 2, "one hit per story");
    let folded: Vec<&Value> = hits
        .iter()
        .filter(|h| !h["duplicates"].as_array().expect("duplicates").is_empty())
        .collect();
    assert_eq!(folded.len(), 1, "one hit has copies: {r:#}");
    let hit = folded[0];
    let mut story = ids(&hit["duplicates"]);
    story.push(hit["id"].as_str().expect("id").to_string());
    story.sort();
    assert_eq!(story, COPIES);
    assert_eq!(hit["copies"], 2);
    for d in hit["duplicates"].as_array().expect("duplicates") {
        for field in ["id", "title", "source", "date", "path", "url", "similarity"] {
            assert!(d.get(field).is_some(), "duplicate without {field}: {d}");
        }
        assert!(d["similarity"].as_f64().expect("similarity") >= 0.5, "{d}");
    }
    let sources: Vec<&str> = hit["duplicates"]
        .as_array()
        .expect("duplicates")
        .iter()
        .filter_map(|d| d["source"].as_str())
        .collect();
    assert_eq!(sources.len(), 2, "each copy names its outlet: {hit:#}");
    // The group is named by its representative, one of the copies, the same on every member.
    let group = hit["group"].as_str().expect("group");
    assert!(COPIES.contains(&group), "{group}");
    // Stories from one template stay apart: other figures, other district, other release.
    for h in hits {
        if !COPIES.contains(&h["id"].as_str().expect("id")) {
            assert_eq!(h["group"], Value::Null, "{} is alone", h["id"]);
            assert!(h["duplicates"].as_array().expect("duplicates").is_empty());
        }
    }
    // The copy that ranks first stands for the story: the others are not hits of their own.
    let shown: Vec<String> = hit_ids(&r);
    assert_eq!(
        shown
            .iter()
            .filter(|id| COPIES.contains(&id.as_str()))
            .count(),
        1
    );
}

#[test]
fn no_collapse_shows_every_article_with_its_group_and_pages_are_pages_of_stories() {
    let tmp = TempDir::new();
    copy_fixtures(&tmp, &[]);
    index(&tmp, &[]);
    let all = search(&tmp, &["백신", "--no-collapse"]);
    assert_eq!(all["collapsed"], false);
    assert_eq!(all["total"], 3);
    assert_eq!(all["stories"], 1);
    let hits = all["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 3);
    let group = hits[0]["group"].as_str().expect("group");
    for h in hits {
        assert_eq!(h["group"].as_str(), Some(group), "one group: {h}");
        assert!(h["duplicates"].as_array().expect("duplicates").is_empty());
    }
    let folded = search(&tmp, &["백신"]);
    assert_eq!(
        (folded["total"].as_u64(), folded["stories"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(folded["hits"].as_array().expect("hits").len(), 1);
    assert_eq!(
        folded["hits"][0]["id"], hits[0]["id"],
        "the best-ranked copy is the hit"
    );

    // Pages of stories: one story per page walks every story once; the folded copies are
    // not pages of their own.
    let everything = search(&tmp, &["", "--limit", "100"]);
    let stories = everything["stories"].as_u64().expect("stories") as usize;
    assert_eq!(stories, everything["hits"].as_array().expect("hits").len());
    assert_eq!(everything["total"].as_u64(), Some(stories as u64 + 2));
    let mut paged = Vec::new();
    for offset in 0..stories + 1 {
        let page = search(&tmp, &["", "--limit", "1", "--offset", &offset.to_string()]);
        paged.extend(hit_ids(&page));
    }
    assert_eq!(paged, hit_ids(&everything));
}

#[test]
fn a_copy_added_later_joins_deleting_the_representative_hands_over_and_rebuild_agrees() {
    let tmp = TempDir::new();
    copy_fixtures(
        &tmp,
        &["yonhap-andong-vaccine.txt", "covid-gyeonggi-day1.txt"],
    );
    index(&tmp, &[]);
    let g = groups(&tmp);
    assert!(
        g.values().all(Option::is_none),
        "one copy is no group: {g:?}"
    );
    // The indexer saves the groups beside the index for the searches to come.
    let saved = tmp.join("idx/dup-groups.json");
    let before = std::fs::read(&saved).expect("groups saved by the indexer");

    // The other outlets' copies arrive later (and the next day's figures).
    copy_fixtures(
        &tmp,
        &[
            "newsis-andong-vaccine.txt",
            "news1-andong-vaccine.txt",
            "covid-gyeonggi-day2.txt",
        ],
    );
    index(&tmp, &[]);
    let incremental = groups(&tmp);
    let representative = incremental["yonhap-andong-vaccine.txt"]
        .clone()
        .expect("the first copy joined a group");
    for c in COPIES {
        assert_eq!(
            incremental[c].as_deref(),
            Some(representative.as_str()),
            "{c}"
        );
    }
    assert_eq!(incremental["covid-gyeonggi-day2.txt"], None);
    // Saved groups of another commit are not used: the search forms the groups itself.
    std::fs::write(&saved, &before).expect("stale groups");
    assert_eq!(groups(&tmp), incremental);
    std::fs::remove_file(&saved).expect("remove the saved groups");
    assert_eq!(groups(&tmp), incremental);

    // The same files indexed from scratch, all at once: the same groups.
    index(&tmp, &["--rebuild"]);
    assert_eq!(groups(&tmp), incremental);

    // The representative is deleted: another member takes the role, the rest stay together.
    std::fs::remove_file(tmp.join(&format!("docs/{representative}"))).expect("remove");
    index(&tmp, &[]);
    let after = groups(&tmp);
    let rest: Vec<&str> = COPIES
        .iter()
        .copied()
        .filter(|c| *c != representative)
        .collect();
    let next = after[rest[0]].clone().expect("still a group");
    assert_ne!(next, representative);
    assert!(rest.contains(&next.as_str()));
    assert_eq!(after[rest[1]].as_deref(), Some(next.as_str()));
}

#[test]
fn text_output_export_stats_and_inspect_name_the_group() {
    let tmp = TempDir::new();
    copy_fixtures(&tmp, &[]);
    index(&tmp, &[]);
    let idx = tmp.join("idx");
    let (code, out, _) = run(kpolicy().args(["search", "백신", "--index"]).arg(&idx));
    assert_eq!(code, 0);
    assert!(out.contains("같은 기사 2건 ("), "{out}");
    assert!(out.contains("3 documents match, 1 story"), "{out}");
    assert!(out.contains("counts below are articles"), "{out}");

    let (code, csv, _) = run(kpolicy()
        .args(["search", "백신", "--format", "csv", "--index"])
        .arg(&idx));
    assert_eq!(code, 0);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",score,group"), "{}", lines[0]);
    assert_eq!(lines.len(), 4, "one row per article: {csv}");
    let groups: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().unwrap_or(""))
        .collect();
    assert!(
        groups.iter().all(|g| !g.is_empty() && *g == groups[0]),
        "{csv}"
    );

    let (code, out, _) = run(kpolicy().args(["stats", "--json", "--index"]).arg(&idx));
    assert_eq!(code, 0);
    let stats: Value = serde_json::from_str(&out).expect("stats JSON");
    assert_eq!(stats["groups"], 1);
    assert_eq!(stats["grouped_articles"], 3);
    assert_eq!(
        stats["stories"],
        stats["documents"].as_u64().expect("documents") - 2
    );
    let (_, text, _) = run(kpolicy().args(["stats", "--index"]).arg(&idx));
    assert!(
        text.contains("1 group of copies of one story holds 3 articles"),
        "{text}"
    );

    let file = tmp.join("docs/newsis-andong-vaccine.txt");
    let (code, out, _) = run(kpolicy().arg("inspect").arg(&file).arg("--index").arg(&idx));
    assert_eq!(code, 0);
    assert!(out.contains("group:"), "{out}");
    assert!(out.contains("(3 articles in"), "{out}");
    let (code, out, _) = run(kpolicy()
        .arg("inspect")
        .arg(tmp.join("docs/covid-gyeonggi-day2.txt"))
        .arg("--json")
        .arg("--index")
        .arg(&idx));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(out.trim()).expect("inspect JSON");
    assert_eq!(
        v["group"],
        Value::Null,
        "the next day's figures are another story"
    );
    assert_eq!(
        ids(&v["copies"]),
        vec!["covid-gyeonggi-day2.txt"],
        "only itself"
    );
}
