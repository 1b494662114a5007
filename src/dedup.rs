//! Near-copies of one story: the fingerprint each article gets when it is indexed, and the
//! groups of articles that are the same story told by several outlets (issue 23).
//!
//! **Fingerprint.** The analysed body terms (not the headline, which outlets reword) are cut
//! into overlapping shingles of [`SHINGLE`] terms. A one-byte MinHash signature of
//! [`SIGNATURE`] values estimates the Jaccard similarity J of two articles' shingle sets (b-bit
//! MinHash: each value keeps the low 8 bits of the minimum of one hash permutation); with the
//! two shingle counts a and b it gives the shared shingles, J · (a + b) / (1 + J). Beside it,
//! up to [`NUMBERS`] *quantities* of the body (`892명`, `52.3%`, `3억`) are kept with what
//! they count (the word before and the unit), so that two stories written from one template
//! ("신규확진 892명" one day, "신규확진 1,104명" the next) are told apart although almost every
//! word is shared. The fingerprint is [`Fingerprint::encode`]d into 67–91 bytes, a fast field
//! of the index.
//!
//! **Same story.** Two articles are one story when the shared shingles are at least
//! [`SAME_STORY`] of the longer article's ([`Fingerprint::shared`]) and no quantity both
//! introduce the same way has a different value in each ([`Fingerprint::conflicts`]). A group
//! is a connected component of that relation: it is a function of the set of articles only,
//! so the order of indexing does not change it and `--rebuild` gives the same groups.
//!
//! **Candidates.** Comparing every pair would be quadratic; locality-sensitive hashing cuts the
//! signature into [`BANDS`] bands of [`ROWS`] values, and only articles that share a whole band
//! are compared ([`groups`]). Two copies at the threshold (J ≈ 0.33 to 0.5) share a band with a
//! chance of 1 − (1 − J²)²⁴ = 0.93 to 0.999 (and a group needs only a chain of such pairs);
//! unrelated articles (J ≈ 0, one-byte values equal by chance once in 256) with a chance of
//! about 24 · 256⁻² ≈ 4 · 10⁻⁴, each such pair costing one comparison of 64 bytes.

/// Terms per shingle.
pub const SHINGLE: usize = 3;
/// MinHash values per fingerprint (one byte each).
pub const SIGNATURE: usize = 64;
/// LSH bands, of [`ROWS`] values each (the first `BANDS × ROWS` values of the signature).
pub const BANDS: usize = 24;
/// Values per band.
pub const ROWS: usize = 2;
/// At most this many quantities are kept, the first ones of the body (a story's key figures
/// come first).
pub const NUMBERS: usize = 8;
/// Fewer shingles than this: no fingerprint. A text this short (a caption, a title-only page)
/// says too little to call two articles the same story.
pub const MIN_SHINGLES: usize = 8;
/// Share of the longer article's shingles that the other must have too for the two to be one
/// story.
///
/// Outlets' copies of one story share most of their text: a new dateline and byline add a
/// handful of shingles, a dropped sentence takes a few away, on either side. An update
/// ("[종합]") keeps the original's text and adds its own: at 0.5 it is folded while the
/// original is at least half of it, i.e. while the new paragraphs are no longer than the
/// original; a longer update is mostly new text, another story. Measured with
/// `scripts/dup_eval.py` (docs/duplicates.md): 0.6 left 6% of the stories split (short copies
/// that each dropped another sentence), 0.5 folds 98–100% of them exactly with no false merge
/// of template stories.
pub const SAME_STORY: f32 = 0.5;

/// Bytes of an encoded fingerprint before its signature: the version and the shingle count.
const HEADER: usize = 3;
/// Version byte of the encoding.
const VERSION: u8 = 2;
/// Bytes per encoded quantity: 12 bits of the word before it, 12 bits of the value.
const NUMBER_BYTES: usize = 3;

/// One article's near-duplicate fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Distinct shingles of the body (at most `u16::MAX`).
    pub shingles: u16,
    /// Low byte of each of the [`SIGNATURE`] MinHash minima.
    pub minhash: [u8; SIGNATURE],
    /// Quantities as `(word before, value)` hashes of 12 bits each, sorted.
    pub numbers: Vec<(u16, u16)>,
}

impl Fingerprint {
    /// The fingerprint of a body whose analysed terms are `terms` (in text order) and whose text
    /// is `body`; `None` when the body has fewer than [`MIN_SHINGLES`] shingles.
    pub fn of<'t>(terms: impl IntoIterator<Item = &'t str>, body: &str) -> Option<Fingerprint> {
        let hashes: Vec<u64> = terms.into_iter().map(|t| fnv(t.as_bytes())).collect();
        if hashes.len() < SHINGLE + MIN_SHINGLES - 1 {
            return None;
        }
        let mut shingles: Vec<u64> = hashes
            .windows(SHINGLE)
            .map(|w| {
                w.iter()
                    .fold(0xcbf2_9ce4_8422_2325u64, |h, &t| mix(h.rotate_left(23) ^ t))
            })
            .collect();
        shingles.sort_unstable();
        shingles.dedup();
        let mut mins = [u64::MAX; SIGNATURE];
        for &shingle in &shingles {
            for (min, seed) in mins.iter_mut().zip(SEEDS.iter()) {
                let v = mix(shingle ^ seed);
                if v < *min {
                    *min = v;
                }
            }
        }
        let mut minhash = [0u8; SIGNATURE];
        for (b, m) in minhash.iter_mut().zip(mins) {
            *b = m as u8;
        }
        Some(Fingerprint {
            shingles: shingles.len().min(usize::from(u16::MAX)) as u16,
            minhash,
            numbers: quantities(body),
        })
    }

    /// The bytes stored in the index.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + SIGNATURE + NUMBER_BYTES * self.numbers.len());
        out.push(VERSION);
        out.extend_from_slice(&self.shingles.to_be_bytes());
        out.extend_from_slice(&self.minhash);
        for &(ctx, value) in &self.numbers {
            let packed = (u32::from(ctx & 0xfff) << 12) | u32::from(value & 0xfff);
            out.extend_from_slice(&packed.to_be_bytes()[1..]);
        }
        out
    }

    /// A fingerprint from its stored bytes; `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Fingerprint> {
        let (&version, rest) = bytes.split_first()?;
        if version != VERSION || rest.len() < 2 + SIGNATURE {
            return None;
        }
        let shingles = u16::from_be_bytes([rest[0], rest[1]]);
        let rest = &rest[2..];
        let (sig, nums) = rest.split_at(SIGNATURE);
        if nums.len() % NUMBER_BYTES != 0 {
            return None;
        }
        let mut minhash = [0u8; SIGNATURE];
        minhash.copy_from_slice(sig);
        let numbers = nums
            .chunks(NUMBER_BYTES)
            .map(|c| {
                let packed = u32::from_be_bytes([0, c[0], c[1], c[2]]);
                ((packed >> 12) as u16, (packed & 0xfff) as u16)
            })
            .collect();
        Some(Fingerprint {
            shingles,
            minhash,
            numbers,
        })
    }

    /// Estimated Jaccard similarity of the two articles' shingle sets, 0 to 1. One-byte values
    /// of unrelated minima agree by chance once in 256, which the estimate takes out.
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        let same = self
            .minhash
            .iter()
            .zip(&other.minhash)
            .filter(|(a, b)| a == b)
            .count();
        let chance = 1.0 / 256.0;
        let raw = same as f32 / SIGNATURE as f32;
        ((raw - chance) / (1.0 - chance)).clamp(0.0, 1.0)
    }

    /// Whether a quantity introduced by the same word in both articles has a different value
    /// in each: "신규확진 892명" against "신규확진 1,104명", "득표율 52.3%" against "득표율
    /// 48.1%". A quantity only one of them has (a dropped sentence, an added paragraph) is
    /// no conflict.
    pub fn conflicts(&self, other: &Fingerprint) -> bool {
        // Both lists are sorted by (word, value): for each word both have, the values must
        // share at least one.
        let mut i = 0;
        let mut j = 0;
        let (a, b) = (&self.numbers, &other.numbers);
        while i < a.len() && j < b.len() {
            let (ca, cb) = (a[i].0, b[j].0);
            if ca < cb {
                i += 1;
            } else if cb < ca {
                j += 1;
            } else {
                let ei = i + a[i..].iter().take_while(|n| n.0 == ca).count();
                let ej = j + b[j..].iter().take_while(|n| n.0 == ca).count();
                let shared = a[i..ei].iter().any(|x| b[j..ej].iter().any(|y| y.1 == x.1));
                if !shared {
                    return true;
                }
                i = ei;
                j = ej;
            }
        }
        false
    }

    /// Estimated share of the longer article's shingles that the other has too (the smaller
    /// of the two articles' shares), 0 to 1: from the Jaccard estimate and the two counts,
    /// shared = J · (a + b) / (1 + J).
    pub fn shared(&self, other: &Fingerprint) -> f32 {
        let j = self.similarity(other);
        let (a, b) = (f32::from(self.shingles), f32::from(other.shingles));
        let longer = a.max(b);
        if longer == 0.0 {
            return 0.0;
        }
        (j * (a + b) / (1.0 + j) / longer).clamp(0.0, 1.0)
    }

    /// Whether the two articles are one story (see the module documentation).
    pub fn same_story(&self, other: &Fingerprint) -> bool {
        self.shared(other) >= SAME_STORY && !self.conflicts(other)
    }

    /// The [`BANDS`] LSH keys: articles that share one are compared.
    pub fn bands(&self) -> impl Iterator<Item = u32> + '_ {
        (0..BANDS).map(move |b| {
            let rows = &self.minhash[b * ROWS..(b + 1) * ROWS];
            // Band number in the top byte: equal rows of different bands are different keys.
            rows.iter().fold(b as u32, |k, &v| (k << 8) | u32::from(v))
        })
    }
}

/// Connected components of the same-story relation over `prints` (an article without a
/// fingerprint is alone). Returns, for each article, the number of its component among the
/// components of two or more articles, or `None` when it is alone. Numbers are given in
/// order of each component's first article.
///
/// The articles of each band value are laid out by a counting sort (the band keys are
/// [`KEY_SPACE`] small numbers), and each article is compared once with each later article it
/// shares a band with, however many bands they share.
pub fn groups(prints: &[Option<Fingerprint>]) -> Vec<Option<u32>> {
    let n = prints.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    // start[k]..start[k + 1]: the articles with band key k, in article order.
    let mut start = vec![0u32; KEY_SPACE + 1];
    for p in prints.iter().flatten() {
        for k in p.bands() {
            start[k as usize + 1] += 1;
        }
    }
    for k in 0..KEY_SPACE {
        start[k + 1] += start[k];
    }
    let mut next: Vec<u32> = start[..KEY_SPACE].to_vec();
    let mut members = vec![0u32; start[KEY_SPACE] as usize];
    for (i, p) in prints.iter().enumerate() {
        if let Some(p) = p {
            for k in p.bands() {
                members[next[k as usize] as usize] = i as u32;
                next[k as usize] += 1;
            }
        }
    }
    drop(next);
    // `last[b] == a`: b was already a candidate of a.
    let mut last = vec![u32::MAX; n];
    for (a, pa) in prints.iter().enumerate() {
        let Some(pa) = pa else { continue };
        let a = a as u32;
        for k in pa.bands() {
            let bucket = &members[start[k as usize] as usize..start[k as usize + 1] as usize];
            if bucket.len() > MAX_BUCKET {
                continue;
            }
            // Later articles only: each pair once.
            let from = bucket.partition_point(|&b| b <= a);
            for &b in &bucket[from..] {
                if last[b as usize] == a {
                    continue;
                }
                last[b as usize] = a;
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                if ra == rb {
                    continue;
                }
                if prints[b as usize]
                    .as_ref()
                    .is_some_and(|pb| pa.same_story(pb))
                {
                    parent[ra.max(rb) as usize] = ra.min(rb);
                }
            }
        }
    }
    let mut size = vec![0u32; n];
    for i in 0..n as u32 {
        let r = find(&mut parent, i);
        size[r as usize] += 1;
    }
    let mut number: Vec<Option<u32>> = vec![None; n];
    let mut next = 0u32;
    let mut out = vec![None; n];
    for i in 0..n as u32 {
        let r = find(&mut parent, i) as usize;
        if size[r] < 2 {
            continue;
        }
        let g = *number[r].get_or_insert_with(|| {
            next += 1;
            next - 1
        });
        out[i as usize] = Some(g);
    }
    out
}

/// Band keys: the band's number above its [`ROWS`] one-byte values.
const KEY_SPACE: usize = BANDS << (8 * ROWS);

/// A band shared by more articles than this is not used to find candidates: only text that
/// thousands of articles share (a standard notice) fills a band so; their pairs are still
/// compared through their other bands.
const MAX_BUCKET: usize = 2000;

/// Quantities of `body`: a number (digits with `,` or `.`), then at most one space, then `%` or
/// a Hangul unit that is not part of a date or a time (`명`, `억`, `원`, `곳`, …; not `년`,
/// `월`, `일`, `시`, `분`, `초`), with the word before it (or the letters the number is glued
/// to, `제3회` → `제`). The first [`NUMBERS`], as sorted 12-bit hashes.
fn quantities(body: &str) -> Vec<(u16, u16)> {
    let chars: Vec<char> = body.chars().collect();
    let mut out: Vec<(u16, u16)> = Vec::new();
    let mut i = 0;
    while i < chars.len() && out.len() < NUMBERS {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        let mut value = String::new();
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], ',' | '.')
                    && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
        {
            if chars[i] != ',' {
                value.push(chars[i]);
            }
            i += 1;
        }
        let mut u = i;
        if chars.get(u) == Some(&' ') {
            u += 1;
        }
        let Some(&unit) = chars.get(u) else {
            break;
        };
        let quantity = unit == '%' || (is_hangul(unit) && !"년월일시분초".contains(unit));
        if !quantity {
            continue;
        }
        // What the number counts: the word before (letters glued to the number, else the
        // previous word on the line; with the one before it when it is a single letter such as
        // `약`, `총`), and the unit.
        let mut context = String::new();
        let mut e = start;
        for _ in 0..2 {
            while e > 0 && chars[e - 1].is_whitespace() && chars[e - 1] != '\n' {
                e -= 1;
            }
            let mut s = e;
            while s > 0 && !chars[s - 1].is_whitespace() {
                s -= 1;
            }
            let word: String = chars[s..e].iter().filter(|c| c.is_alphanumeric()).collect();
            let short = word.chars().count() <= 1;
            context.insert_str(0, &word);
            e = s;
            if !short || e == 0 {
                break;
            }
        }
        context.push(unit);
        out.push((
            (fnv(context.as_bytes()) & 0xfff) as u16,
            (fnv(value.as_bytes()) & 0xfff) as u16,
        ));
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn is_hangul(c: char) -> bool {
    ('\u{ac00}'..='\u{d7a3}').contains(&c)
}

/// FNV-1a, 64 bits: stable across builds and platforms (the fingerprints are stored).
fn fnv(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// splitmix64's finaliser: a cheap bijective mix, one "permutation" per seed.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One seed per MinHash value, fixed (the fingerprints are stored).
const SEEDS: [u64; SIGNATURE] = {
    let mut seeds = [0u64; SIGNATURE];
    let mut i = 0;
    while i < SIGNATURE {
        seeds[i] = mix(0x9e37_79b9_7f4a_7c15u64.wrapping_mul(i as u64 + 1));
        i += 1;
    }
    seeds
};

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        text.split_whitespace().collect()
    }

    fn print(text: &str) -> Fingerprint {
        Fingerprint::of(words(text), text).expect("long enough")
    }

    const STORY: &str = "경상북도 안동시는 7일 바이오 백신 산업 클러스터 조성 사업에 국비 \
        120억원을 확보했다고 밝혔다. 시는 풍산읍 일대 3만 제곱미터 부지에 백신 생산 시설과 연구 \
        센터를 짓고 기업 20곳을 유치할 계획이다. 권기창 시장은 안동이 국가 백신 산업의 중심이 \
        되도록 지원을 아끼지 않겠다고 말했다. 사업은 2028년까지 단계적으로 추진되며 일자리 \
        500개가 만들어질 것으로 기대된다. 시는 다음 달 기업 설명회를 열어 입주 수요를 조사한다.";

    #[test]
    fn copies_are_one_story_and_encoding_round_trips() {
        let original = print(STORY);
        assert_eq!(
            Fingerprint::decode(&original.encode()),
            Some(original.clone())
        );
        // Another outlet: its dateline, the last sentence dropped, a closing line added.
        let copy = format!(
            "(안동=연합뉴스) 김기자 기자 = {} 무단 전재 금지",
            STORY
                .rsplit_once("시는 다음 달")
                .map(|(a, _)| a)
                .unwrap_or(STORY)
        );
        let copy = print(&copy);
        assert!(
            original.shared(&copy) >= SAME_STORY,
            "{}",
            original.shared(&copy)
        );
        assert!(!original.conflicts(&copy));
        assert!(original.same_story(&copy));
        assert!(original.encode().len() <= HEADER + SIGNATURE + NUMBER_BYTES * NUMBERS);
    }

    #[test]
    fn a_template_with_other_figures_is_another_story() {
        let day = |n: &str, total: &str| {
            print(&format!(
                "경기도는 8일 0시 기준 도내 신규확진 {n}명이 발생했다고 밝혔다. 누적 확진자는 \
                 {total}명으로 늘었다. 도는 선별진료소 운영 시간을 연장하고 예방 수칙을 지켜 달라고 \
                 당부했다. 방역 당국은 주말 이동량이 늘어 확산세가 이어질 수 있다고 설명했다."
            ))
        };
        let a = day("892", "12,345");
        let b = day("1,104", "13,449");
        assert!(a.shared(&b) >= SAME_STORY, "the text is almost the same");
        assert!(a.conflicts(&b));
        assert!(!a.same_story(&b));
        assert!(a.same_story(&day("892", "12,345")));
    }

    #[test]
    fn quantities_skip_dates_and_times() {
        let q = quantities("2026년 12월 7일 오후 2시 30분, 신규확진 1,104명 (3.5%) 제3회 축제");
        assert_eq!(q.len(), 3, "{q:?}");
        let same = quantities("신규확진 1104명");
        assert!(q.contains(&same[0]), "commas do not matter");
    }

    #[test]
    fn groups_are_components_whatever_the_order() {
        let a = print(STORY);
        let b = print(&format!("(안동=뉴스1) {STORY}"));
        let c = print(&format!("{STORY} <저작권자 뉴시스>"));
        let other = print(
            "울산광역시 남구는 수소 충전소를 늘리고 수소 버스 노선을 확대한다고 밝혔다. \
             남구는 올해 충전소 세 곳을 새로 짓고 내년에는 버스 노선 두 개를 더 운행한다.",
        );
        let g = groups(&[
            Some(a.clone()),
            Some(other.clone()),
            Some(b.clone()),
            None,
            Some(c.clone()),
        ]);
        assert_eq!(g, vec![Some(0), None, Some(0), None, Some(0)]);
        let g = groups(&[Some(c), Some(b), None, Some(other), Some(a)]);
        assert_eq!(g, vec![Some(0), Some(0), None, None, Some(0)]);
    }

    #[test]
    fn short_texts_have_no_fingerprint() {
        assert!(Fingerprint::of(words("사진 안동시 제공"), "사진 안동시 제공").is_none());
    }
}
