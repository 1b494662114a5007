//! HWP's summary information (`\u{5}HwpSummaryInformation`): an OLE property set (MS-OLEPS)
//! with the title, author and dates the author's word processor recorded.

/// What the summary says. Empty strings are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub title: Option<String>,
    pub subject: Option<String>,
    pub author: Option<String>,
    /// Creation and last-save dates, `YYYY-MM-DD` (UTC).
    pub created: Option<String>,
    pub saved: Option<String>,
}

/// Property ids (MS-OLEPS summary information, which HWP reuses).
const PID_TITLE: u32 = 2;
const PID_SUBJECT: u32 = 3;
const PID_AUTHOR: u32 = 4;
const PID_CREATED: u32 = 12;
const PID_SAVED: u32 = 13;

const VT_LPSTR: u32 = 0x1E;
const VT_LPWSTR: u32 = 0x1F;
const VT_FILETIME: u32 = 0x40;

/// Longest string property read (characters); a title longer than this is not a title.
const MAX_STRING_CHARS: usize = 1000;

/// Parses the property set stream. Anything malformed yields the fields read so far.
pub fn parse(b: &[u8]) -> Summary {
    let mut s = Summary::default();
    // Header: byte order, version, system id, CLSID (28 bytes), property set count; then the
    // first set's FMTID (16 bytes) and offset.
    let Some(set) = u32_at(b, 44).map(|o| o as usize) else {
        return s;
    };
    let Some(count) = u32_at(b, set.saturating_add(4)) else {
        return s;
    };
    for i in 0..count.min(256) as usize {
        let entry = set + 8 + i * 8;
        let (Some(id), Some(offset)) = (u32_at(b, entry), u32_at(b, entry + 4)) else {
            break;
        };
        let at = set.saturating_add(offset as usize);
        let value = match id {
            PID_TITLE | PID_SUBJECT | PID_AUTHOR => string_at(b, at),
            PID_CREATED | PID_SAVED => filetime_at(b, at),
            _ => continue,
        };
        let value = value.filter(|v| !v.trim().is_empty());
        match id {
            PID_TITLE => s.title = value.map(|v| v.trim().to_string()),
            PID_SUBJECT => s.subject = value.map(|v| v.trim().to_string()),
            PID_AUTHOR => s.author = value.map(|v| v.trim().to_string()),
            PID_CREATED => s.created = value,
            _ => s.saved = value,
        }
    }
    s
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn string_at(b: &[u8], at: usize) -> Option<String> {
    let kind = u32_at(b, at)?;
    let len = u32_at(b, at + 4)? as usize;
    let start = at + 8;
    let text = match kind {
        VT_LPWSTR => {
            let n = len.min(MAX_STRING_CHARS);
            let raw = b.get(start..start + n * 2)?;
            let units: Vec<u16> = raw
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        // Byte strings in the document's code page: Korean files use CP949.
        VT_LPSTR => {
            let raw = b.get(start..start + len.min(MAX_STRING_CHARS * 2))?;
            encoding_rs::EUC_KR.decode(raw).0.into_owned()
        }
        _ => return None,
    };
    Some(text.trim_end_matches('\0').to_string())
}

fn filetime_at(b: &[u8], at: usize) -> Option<String> {
    if u32_at(b, at)? != VT_FILETIME {
        return None;
    }
    let low = u64::from(u32_at(b, at + 4)?);
    let high = u64::from(u32_at(b, at + 8)?);
    let ticks = (high << 32) | low;
    // FILETIME counts 100 ns ticks since 1601-01-01.
    let days = (ticks / 10_000_000 / 86_400) as i64 - 134_774; // 1601-01-01 → 1970-01-01
    let (y, m, d) = crate::calendar::civil_from_days(days);
    (1980..=2100)
        .contains(&y)
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_gives_nothing_and_does_not_panic() {
        assert_eq!(parse(&[]), Summary::default());
        assert_eq!(parse(&[0xFF; 60]), Summary::default());
    }

    proptest::proptest! {
        #[test]
        fn any_property_set(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = parse(&bytes);
        }
    }
}
