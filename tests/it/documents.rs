//! HWP, HWPX and PDF documents (issue 13, part 2): extraction quality against hand-checked
//! text, press-release metadata, clear refusals for what cannot be read, no panic on any bytes,
//! and the whole pipeline on real files through the binary.
//!
//! Fixtures: `tests/fixtures/docs/{hwp,hwpx,pdf}` (sources and licences in its README). A
//! document `X.ext` with `X.expected.txt` beside it is measured; `expected.jsonl` holds the
//! title, date and source a user should see.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::util::{kpolicy, run, Overlap, TempDir};
use kpolicy::ingest::read::formats::{self, FormatError};
use proptest::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs")
}

fn fixture(rel: &str) -> PathBuf {
    fixtures().join(rel)
}

fn read(rel: &str) -> Result<formats::Extracted, FormatError> {
    let path = fixture(rel);
    let bytes = std::fs::read(&path).expect("fixture");
    formats::read(&bytes, &path)
}

/// Documents with an expected text, by format.
fn measured(format: &str) -> Vec<(PathBuf, PathBuf)> {
    let dir = fixtures().join(format);
    let mut out: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == format))
        .filter_map(|p| {
            let exp = p.with_extension("expected.txt");
            exp.exists().then_some((p, exp))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn extraction_precision_and_recall() {
    let mut misses = Vec::new();
    println!("format  files  expected chars  precision  recall");
    for format in ["hwp", "hwpx", "pdf"] {
        let docs = measured(format);
        assert!(
            docs.len() >= 10,
            "{format}: only {} measured files",
            docs.len()
        );
        let mut all = Overlap::default();
        for (doc, exp) in &docs {
            let bytes = std::fs::read(doc).expect("fixture");
            let expected = std::fs::read_to_string(exp).expect("expected text");
            let got = match formats::read(&bytes, doc) {
                Ok(x) => x.text,
                Err(err) => {
                    misses.push(format!("{}: {err}", doc.display()));
                    continue;
                }
            };
            let o = Overlap::of(&got, &expected);
            let (p, r) = (o.precision(), o.recall());
            if p < 0.98 || r < 0.98 {
                misses.push(format!(
                    "{}: precision {p:.3}, recall {r:.3}",
                    doc.display()
                ));
            }
            all.add(o);
        }
        println!(
            "{format:<6}  {:>5}  {:>14}  {:>9.4}  {:>6.4}",
            docs.len(),
            all.want,
            all.precision(),
            all.recall()
        );
    }
    assert!(misses.is_empty(), "below 0.98:\n{}", misses.join("\n"));
}

#[test]
fn press_release_metadata() {
    let lines = std::fs::read_to_string(fixture("expected.jsonl")).expect("expected.jsonl");
    let mut total = HashMap::<&str, (usize, usize)>::new();
    let mut misses = Vec::new();
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        let want: serde_json::Value = serde_json::from_str(line).expect("json");
        let file = want["file"].as_str().expect("file");
        let got = read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        for field in ["title", "date", "source"] {
            let value = match field {
                "title" => got.hints.title.as_ref(),
                "date" => got.hints.date.as_ref(),
                _ => got.hints.source.as_ref(),
            }
            .map(|h| h.value.clone());
            let t = total.entry(field).or_default();
            t.1 += 1;
            if value.as_deref() == want[field].as_str() {
                t.0 += 1;
            } else {
                misses.push(format!(
                    "{file} {field}: got {value:?}, want {}",
                    want[field]
                ));
            }
        }
    }
    for field in ["title", "date", "source"] {
        let (ok, n) = total[field];
        println!("{field:<6} {ok}/{n}");
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

#[test]
fn noori_press_release() {
    let got = read("hwp/noori.hwp").expect("noori.hwp");
    let h = &got.hints;
    assert_eq!(
        h.date.as_ref().map(|h| h.value.as_str()),
        Some("2018-09-04")
    );
    assert_eq!(
        h.source.as_ref().map(|h| h.value.as_str()),
        Some("과학기술정보통신부")
    );
    // Inline controls (section and column definitions, table anchors) are not text.
    for garbage in ["捤獥", "汤捯", "氠瑢"] {
        assert!(
            !got.text.contains(garbage),
            "control parameters read as text"
        );
    }
    // The comparison table is readable row by row.
    assert!(got.text.contains("총 길이\t47.2 m\t25.8 m"), "{}", got.text);
}

#[test]
fn what_cannot_be_read_is_refused_with_a_reason() {
    let cases = [
        ("hwp/distribution.hwp", "distribution document"),
        ("pdf/password.pdf", "password-protected PDF"),
        ("pdf/scanned.pdf", "without a text layer"),
    ];
    for (rel, reason) in cases {
        let err = read(rel).expect_err(rel);
        let msg = err.to_string();
        assert!(msg.contains(reason), "{rel}: {msg}");
        assert!(!msg.contains('\n'), "{rel}: one line: {msg}");
    }
    assert!(matches!(
        read("hwp/distribution.hwp"),
        Err(FormatError::Encrypted(_))
    ));
    assert!(matches!(
        read("pdf/password.pdf"),
        Err(FormatError::Encrypted(_))
    ));
    assert!(matches!(
        read("pdf/scanned.pdf"),
        Err(FormatError::NoText(_))
    ));
}

/// An HWPX whose section inflates past the limit (a zip bomb), written on the fly: 300 MB of
/// spaces deflate to about 300 KB.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).expect("zip");
    zip.write_all(b"application/hwp+zip").expect("zip");
    zip.start_file("Contents/section0.xml", deflated)
        .expect("zip");
    zip.write_all(b"<hs:sec><hp:p><hp:run><hp:t>").expect("zip");
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&chunk).expect("zip");
    }
    zip.write_all(b"</hp:t></hp:run></hp:p></hs:sec>")
        .expect("zip");
    zip.finish().expect("zip");
    buf.into_inner()
}

#[test]
fn hwpx_zip_bomb_is_refused() {
    let bomb = zip_bomb();
    assert!(bomb.len() < 2_000_000, "{} bytes", bomb.len());
    let err = formats::read(&bomb, Path::new("bomb.hwpx")).expect_err("bomb");
    assert!(matches!(err, FormatError::TooLarge(_)), "{err}");
}

#[test]
fn pdf_deflate_bomb_is_refused_before_parsing() {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..300 {
        z.write_all(&chunk).expect("deflate");
    }
    let data = z.finish().expect("deflate");
    let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Length ".to_vec();
    pdf.extend(format!("{} /Filter /FlateDecode >>\nstream\n", data.len()).as_bytes());
    pdf.extend(&data);
    pdf.extend(b"\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n");
    let err = formats::read(&pdf, Path::new("bomb.pdf")).expect_err("bomb");
    assert!(matches!(err, FormatError::TooLarge(_)), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any bytes under any document extension: an answer, never a panic (the readers' own
    /// parsers are checked without the seam's panic fence).
    #[test]
    fn any_bytes_no_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), ext in 0usize..3) {
        let name = ["x.hwp", "x.hwpx", "x.pdf"][ext];
        let _ = formats::read(&bytes, Path::new(name));
        let _ = formats::hwp::extract(&bytes);
        let _ = formats::hwpx::extract(&bytes);
    }

    /// Real documents with bytes changed: the same.
    #[test]
    fn damaged_documents_no_panic(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..64),
        cut in any::<prop::sample::Index>(),
    ) {
        let rel = ["hwp/hello_world.hwp", "hwp/table.hwp", "hwpx/table.hwpx", "pdf/sj_admin.pdf"][which];
        let mut bytes = std::fs::read(fixture(rel)).expect("fixture");
        for (i, b) in &edits {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        let _ = formats::read(&bytes, Path::new(rel));
        if which < 2 {
            let _ = formats::hwp::extract(&bytes);
        } else if which == 2 {
            let _ = formats::hwpx::extract(&bytes);
        }
        bytes.truncate(cut.index(bytes.len()));
        let _ = formats::read(&bytes, Path::new(rel));
    }
}

/// A folder as a user collects it: press releases in three formats, an encrypted one, a
/// password PDF and a plain article. Index, search, inspect.
#[test]
fn index_search_and_inspect_documents() {
    let dir = TempDir::new();
    let docs = dir.path().join("docs");
    for rel in [
        "hwp/noori.hwp",
        "hwp/distribution.hwp",
        "hwpx/mcst_press_release.hwpx",
        "pdf/gb_vaccine.pdf",
        "pdf/password.pdf",
    ] {
        let to = docs.join(Path::new(rel).file_name().expect("name"));
        std::fs::create_dir_all(&docs).expect("folder");
        std::fs::copy(fixture(rel), to).expect("copy");
    }
    std::fs::write(
        docs.join("note.txt"),
        "안동시 바이오 산업 메모\n\n안동시는 백신 산업을 키운다.",
    )
    .expect("write");
    let index = dir.path().join("index");
    let (code, out, err) = run(kpolicy().arg("index").arg(&docs).arg("--index").arg(&index));
    // Two files could not be read: a soft failure, the rest is indexed.
    assert_eq!(code, 1, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    let line_of = |name: &str| all.lines().find(|l| l.contains(name)).map(str::to_string);
    let dist = line_of("distribution.hwp").expect("a line for the distribution document");
    assert!(dist.contains("distribution document"), "{dist}");
    let pw = line_of("password.pdf").expect("a line for the password PDF");
    assert!(pw.contains("password"), "{pw}");

    let search = |q: &str| {
        let (code, out, err) = run(kpolicy()
            .args(["search", q, "--json", "--index"])
            .arg(&index));
        assert_eq!(code, 0, "{q}: {out}\n{err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("json")
    };
    let hits = search("누리");
    assert_eq!(crate::util::hit_ids(&hits), vec!["noori.hwp"]);
    let hit = &hits["hits"][0];
    assert_eq!(hit["date"], "2018-09-04");
    assert_eq!(hit["source"], "과학기술정보통신부");
    assert!(
        hit["title"].as_str().unwrap_or("").contains("｢누리｣"),
        "{hit}"
    );
    assert_eq!(
        crate::util::hit_ids(&search("선수촌")),
        vec!["mcst_press_release.hwpx"]
    );
    let vaccine = search("백신 클러스터");
    assert_eq!(crate::util::hit_ids(&vaccine), vec!["gb_vaccine.pdf"]);
    assert_eq!(vaccine["hits"][0]["date"], "2021-05-04");
    assert_eq!(
        vaccine["hits"][0]["title"],
        "안동에 바이오·백신 산업 클러스터 본격 조성"
    );

    let (code, out, _) = run(kpolicy()
        .args(["inspect", "--json"])
        .arg(fixture("hwp/noori.hwp")));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["date"], "2018-09-04");
    assert_eq!(v["year"], 2018);
}

proptest! {
    /// The overlap metric: a text against itself is complete; what two texts share is at most
    /// either's count, the same both ways, and whitespace does not count.
    #[test]
    fn overlap_metric(a in "[가-힣a-z \n]{0,40}", b in "[가-힣a-z \n]{0,40}") {
        let same = Overlap::of(&a, &a);
        prop_assert_eq!((same.common, same.got), (same.want, same.want));
        let o = Overlap::of(&a, &b);
        prop_assert!(o.common <= o.got.min(o.want));
        prop_assert_eq!(Overlap::of(&b, &a).common, o.common);
        prop_assert_eq!(Overlap::of(&a.replace(' ', ""), &b).common, o.common);
    }
}
