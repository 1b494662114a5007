//! MeCab-ko's lattice, in one pass over lindera's ko-dic data.
//!
//! lindera puts spaces into its lattice; MeCab-ko does not: a word never spans a space, and a
//! word that starts right after one pays mecab-ko-dic's `left-space-penalty-factor`. This is a
//! Viterbi search over the compact text (separators removed) that builds that lattice
//! directly: edges come from the system dictionary, the user dictionary and unknown-word
//! processing (lindera's rules: `invoke`, `group`, and no unknown word started inside the
//! previous one), edges across a removed separator are left out, and edges starting at one
//! get the penalty. Connection costs and BOS/EOS (context id 0) are those of lindera's
//! `Lattice::set_text`, and so is the order edges are added in, so ties break the same way.

use std::cell::RefCell;
use std::sync::atomic::{AtomicI32, Ordering};

use lindera::dictionary::Dictionary;
use lindera_dictionary::dictionary::character_definition::CategoryId;

use super::lexicon::Lexicon;
use super::segment::left_space_penalty;

/// Bytes of one serialized `WordEntry`: id u32, cost i16, left id u16, right id u16.
const ENTRY_LEN: usize = 10;

/// Which lexicon an edge's word id refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lex {
    System,
    User,
    Unknown,
}

/// One word of the best path: compact-text byte range relative to the analysed span.
#[derive(Debug, Clone, Copy)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub lex: Lex,
    pub id: u32,
}

#[derive(Clone, Copy)]
struct Node {
    start: u32,
    lex: Lex,
    id: u32,
    right_id: u16,
    path_cost: i32,
    /// Index of the best left node in `nodes` (u32::MAX for BOS).
    prev: u32,
}

#[derive(Default)]
struct Scratch {
    nodes: Vec<Node>,
    /// Node indices ending at each byte offset.
    ends_at: Vec<Vec<u32>>,
    /// Byte offset of each char, plus the text length.
    offsets: Vec<usize>,
    chars: Vec<char>,
    /// Per char: first separator boundary strictly after its start (or the text length).
    next_boundary: Vec<usize>,
    /// Per char: whether a separator was removed right before it.
    at_boundary: Vec<bool>,
    /// User-dictionary matches by start byte: (end byte, entry).
    user: Vec<Vec<(usize, [u8; ENTRY_LEN])>>,
    sys: Vec<(usize, [u8; ENTRY_LEN])>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Marks a word whose penalty is not computed yet.
const NOT_YET: i32 = i32::MIN;

/// Left-space penalty of every word, by lexicon and word id, filled in as words are met: a
/// plain array read per lattice edge after a separator, shared by all threads (a word's
/// penalty is the same whoever computes it, so a race only computes it twice).
pub struct Penalties {
    system: Vec<AtomicI32>,
    user: Vec<AtomicI32>,
    unknown: Vec<AtomicI32>,
}

impl Penalties {
    pub fn new(segmenter: &lindera::segmenter::Segmenter) -> Penalties {
        let table = |n: usize| (0..n).map(|_| AtomicI32::new(NOT_YET)).collect();
        let dict = &segmenter.dictionary;
        Penalties {
            system: table(dict.prefix_dictionary.words_idx_data.len() / 4),
            user: table(
                segmenter
                    .user_dictionary
                    .as_ref()
                    .map_or(0, |u| u.dict.words_idx_data.len() / 4),
            ),
            unknown: table(dict.unknown_dictionary.words_idx_data.len()),
        }
    }

    fn table(&self, kind: Lex) -> &[AtomicI32] {
        match kind {
            Lex::System => &self.system,
            Lex::User => &self.user,
            Lex::Unknown => &self.unknown,
        }
    }
}

#[inline]
fn entry_fields(b: &[u8]) -> (u32, i32, u16, u16) {
    (
        u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        i16::from_le_bytes([b[4], b[5]]) as i32,
        u16::from_le_bytes([b[6], b[7]]),
        u16::from_le_bytes([b[8], b[9]]),
    )
}

/// Details (ko-dic feature fields) of a word.
pub fn details(lex: &Lexicon, kind: Lex, id: u32) -> Vec<&str> {
    let dict: &Dictionary = &lex.segmenter.dictionary;
    match kind {
        Lex::System => dict.word_details(id as usize),
        Lex::Unknown => dict.unknown_word_details(id as usize),
        Lex::User => match &lex.segmenter.user_dictionary {
            Some(u) => u.word_details(id as usize),
            None => vec!["UNK"],
        },
    }
}

fn penalty(lex: &Lexicon, kind: Lex, id: u32) -> i32 {
    let compute = || left_space_penalty(&details(lex, kind, id)) as i32;
    match lex.penalties.table(kind).get(id as usize) {
        Some(slot) => match slot.load(Ordering::Relaxed) {
            NOT_YET => {
                let p = compute();
                slot.store(p, Ordering::Relaxed);
                p
            }
            p => p,
        },
        None => compute(),
    }
}

/// Best segmentation of `text` under MeCab-ko's rules for spaces; `boundaries` are the byte
/// offsets inside `text` (sorted, relative to it) where separators were removed. `None` when
/// no path reaches the end (never expected). With `open_end` the text does not end a
/// sentence (a query: the word goes on in the article it was copied from), so the last word
/// pays no connection cost to the end-of-sentence node.
pub fn best_path(
    lex: &Lexicon,
    text: &str,
    boundaries: &[usize],
    open_end: bool,
) -> Option<Vec<Word>> {
    SCRATCH.with(|s| best_path_in(lex, text, boundaries, open_end, &mut s.borrow_mut()))
}

fn best_path_in(
    lex: &Lexicon,
    text: &str,
    boundaries: &[usize],
    open_end: bool,
    s: &mut Scratch,
) -> Option<Vec<Word>> {
    let dict = &lex.segmenter.dictionary;
    let chardef = &dict.character_definition;
    let unk = &dict.unknown_dictionary;
    let matrix = &dict.connection_cost_matrix;
    let len = text.len();

    s.nodes.clear();
    if s.ends_at.len() < len + 1 {
        s.ends_at.resize_with(len + 1, Vec::new);
    }
    for v in s.ends_at.iter_mut().take(len + 1) {
        v.clear();
    }
    s.offsets.clear();
    s.chars.clear();
    for (i, c) in text.char_indices() {
        s.offsets.push(i);
        s.chars.push(c);
    }
    s.offsets.push(len);
    let n = s.chars.len();
    s.next_boundary.clear();
    s.at_boundary.clear();
    {
        let mut bi = 0;
        for &o in &s.offsets[..n] {
            while bi < boundaries.len() && boundaries[bi] <= o {
                bi += 1;
            }
            s.next_boundary
                .push(boundaries.get(bi).copied().unwrap_or(len));
            s.at_boundary.push(boundaries.binary_search(&o).is_ok());
        }
    }

    // User dictionary: all matches, grouped by start, in lindera's drain order (reverse
    // discovery).
    if s.user.len() < len + 1 {
        s.user.resize_with(len + 1, Vec::new);
    }
    for v in s.user.iter_mut().take(len + 1) {
        v.clear();
    }
    if let Some(ud) = &lex.segmenter.user_dictionary {
        let ud = &ud.dict;
        let vals: &[u8] = &ud.vals_data;
        for m in ud.da.find_overlapping_iter(text) {
            let (offset, count) = ud.decode_val(m.value());
            let off = offset as usize * ENTRY_LEN;
            let avail = vals.len().saturating_sub(off);
            let cnt = (count as usize).min(avail / ENTRY_LEN);
            for chunk in vals[off..off + cnt * ENTRY_LEN].chunks_exact(ENTRY_LEN) {
                let mut e = [0u8; ENTRY_LEN];
                e.copy_from_slice(chunk);
                s.user[m.start()].push((m.end(), e));
            }
        }
        for v in s.user.iter_mut().take(len + 1) {
            v.reverse();
        }
    }

    // BOS.
    s.nodes.push(Node {
        start: 0,
        lex: Lex::System,
        id: u32::MAX,
        right_id: 0,
        path_cost: 0,
        prev: u32::MAX,
    });
    s.ends_at[0].push(0);

    let mut unknown_word_end: Option<usize> = None;
    for ci in 0..n {
        let start = s.offsets[ci];
        if s.ends_at[start].is_empty() {
            continue;
        }
        let limit = s.next_boundary[ci];
        let space = s.at_boundary[ci];
        let mut found = false;

        let user = std::mem::take(&mut s.user[start]);
        for &(end, ref e) in &user {
            if end > limit {
                continue;
            }
            let (id, cost, l, r) = entry_fields(e);
            add_edge(lex, s, matrix, start, end, Lex::User, id, cost, l, r, space);
            found = true;
        }
        s.user[start] = user;

        s.sys.clear();
        for (entries, end_char) in dict.prefix_dictionary.common_prefix_search(&s.chars[ci..]) {
            let end = s.offsets[ci + end_char];
            if end > limit {
                continue;
            }
            for chunk in entries.chunks_exact(ENTRY_LEN) {
                let mut e = [0u8; ENTRY_LEN];
                e.copy_from_slice(chunk);
                s.sys.push((end, e));
            }
        }
        for i in (0..s.sys.len()).rev() {
            let (end, e) = s.sys[i];
            let (id, cost, l, r) = entry_fields(&e);
            add_edge(
                lex,
                s,
                matrix,
                start,
                end,
                Lex::System,
                id,
                cost,
                l,
                r,
                space,
            );
            found = true;
        }

        if unknown_word_end.is_none_or(|e| e <= start) {
            let cats: &[CategoryId] = chardef.lookup_categories(s.chars[ci]);
            for (ord, &cat) in cats.iter().enumerate() {
                let data = chardef.lookup_definition(cat);
                if !data.invoke && found {
                    continue;
                }
                let mut num = 1;
                if data.group {
                    while ci + num < n {
                        let next = ci + num;
                        if s.offsets[next] >= limit {
                            break;
                        }
                        let ncats = chardef.lookup_categories(s.chars[next]);
                        if ncats.get(ord) == Some(&cat) {
                            num += 1;
                        } else {
                            break;
                        }
                    }
                }
                let end = s.offsets[ci + num];
                for &wid in unk.lookup_word_ids(cat) {
                    let e = unk.word_entry(wid);
                    add_edge(
                        lex,
                        s,
                        matrix,
                        start,
                        end,
                        Lex::Unknown,
                        e.word_id().id(),
                        e.word_cost() as i32,
                        e.left_id() as u16,
                        e.right_id() as u16,
                        space,
                    );
                }
                unknown_word_end = Some(end);
            }
        }
    }

    // EOS.
    let row = matrix.row(0);
    let mut best: Option<(i32, u32)> = None;
    for &i in &s.ends_at[len] {
        let nd = &s.nodes[i as usize];
        let eos = if open_end {
            0
        } else {
            row[nd.right_id as usize] as i32
        };
        let c = nd.path_cost + eos;
        if best.is_none_or(|(b, _)| c < b) {
            best = Some((c, i));
        }
    }
    let (_, mut i) = best?;
    let mut words = Vec::new();
    let mut end = len;
    while i != 0 {
        let nd = s.nodes[i as usize];
        words.push(Word {
            start: nd.start as usize,
            end,
            lex: nd.lex,
            id: nd.id,
        });
        end = nd.start as usize;
        i = nd.prev;
    }
    words.reverse();
    Some(words)
}

#[allow(clippy::too_many_arguments)]
#[inline]
fn add_edge(
    lex: &Lexicon,
    s: &mut Scratch,
    matrix: &lindera_dictionary::dictionary::connection_cost_matrix::ConnectionCostMatrix,
    start: usize,
    end: usize,
    kind: Lex,
    id: u32,
    cost: i32,
    left_id: u16,
    right_id: u16,
    space: bool,
) {
    let row = matrix.row(left_id as u32);
    let mut best = i32::MAX;
    let mut best_left = u32::MAX;
    for &li in &s.ends_at[start] {
        let l = &s.nodes[li as usize];
        let c = l.path_cost + row[l.right_id as usize] as i32;
        if c < best {
            best = c;
            best_left = li;
        }
    }
    if best_left == u32::MAX {
        return;
    }
    let extra = if space { penalty(lex, kind, id) } else { 0 };
    let idx = s.nodes.len() as u32;
    s.nodes.push(Node {
        start: start as u32,
        lex: kind,
        id,
        right_id,
        path_cost: best.saturating_add(cost).saturating_add(extra),
        prev: best_left,
    });
    s.ends_at[end].push(idx);
}

/// The system dictionary's noun entry (`NNG`/`NNP`, simple or compound) for the whole of
/// `text` (compact, normalised), the cheapest when there are several: `손님`, `세계인`, `맞춤`.
pub fn noun_entry(lex: &Lexicon, text: &str) -> Option<u32> {
    let chars: Vec<char> = text.chars().collect();
    let dict = &lex.segmenter.dictionary;
    dict.prefix_dictionary
        .common_prefix_search(&chars)
        .filter(|(_, end_char)| *end_char == chars.len())
        .flat_map(|(entries, _)| {
            entries
                .chunks_exact(ENTRY_LEN)
                .map(entry_fields)
                .collect::<Vec<_>>()
        })
        .filter(|&(id, ..)| {
            details(lex, Lex::System, id)
                .first()
                .is_some_and(|pos| matches!(*pos, "NNG" | "NNP"))
        })
        .min_by_key(|&(_, cost, ..)| cost)
        .map(|(id, ..)| id)
}
