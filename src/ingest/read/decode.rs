//! Bytes → text: BOM-marked UTF-8/UTF-16, plain UTF-8, else a detected legacy encoding
//! (CP949/EUC-KR from Korean Windows tools); binary content is refused with a reason.

use encoding_rs::Encoding;

/// How many leading bytes are inspected to decide that a file is binary.
const BINARY_SNIFF_BYTES: usize = 8192;

/// Share of control characters above which decoded text is treated as binary.
const MAX_CONTROL_SHARE: f64 = 0.05;

/// A decoded text and the encoding it was read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    Binary(&'static str),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "empty file"),
            DecodeError::Binary(what) => write!(f, "not a text file ({what})"),
        }
    }
}

/// Decodes file content to text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        let text = text.into_owned();
        if text.trim().is_empty() {
            return Err(DecodeError::Empty);
        }
        return Ok(Decoded {
            text,
            encoding: encoding.name(),
        });
    }
    if let Some(kind) = binary_signature(bytes) {
        return Err(DecodeError::Binary(kind));
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    if sniff.contains(&0) {
        return Err(DecodeError::Binary("contains NUL bytes"));
    }
    let (text, encoding) = match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            let encoding = detector.guess(Some(b"kr"), true);
            let (text, _, _) = encoding.decode(bytes);
            (text.into_owned(), encoding.name())
        }
    };
    let total = text.chars().take(BINARY_SNIFF_BYTES).count().max(1);
    let control = text
        .chars()
        .take(BINARY_SNIFF_BYTES)
        .filter(|&c| (c.is_control() && !c.is_whitespace()) || c == '\u{FFFD}')
        .count();
    if control as f64 / total as f64 > MAX_CONTROL_SHARE {
        return Err(DecodeError::Binary("mostly control characters"));
    }
    Ok(Decoded { text, encoding })
}

/// Well-known binary formats by magic number.
fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF document"),
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "ZIP archive or office document"),
        (b"\xD0\xCF\x11\xE0", "legacy office document"),
        (b"\x7FELF", "executable"),
        (b"\x1F\x8B", "gzip archive"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| bytes.starts_with(m))
        .map(|&(_, what)| what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("안동시".as_bytes()).unwrap().text, "안동시");
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("안동시".as_bytes());
        assert_eq!(decode(&b).unwrap().text, "안동시");
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        for u in "경북 안동시".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, "경북 안동시");
        let mut be = vec![0xFE, 0xFF];
        for u in "경북 안동시".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&be).unwrap().text, "경북 안동시");
    }

    #[test]
    fn cp949_is_detected() {
        let text = "경북 안동시는 바이오·백신 산업을 육성한다. 안동시청에서 위원회를 열었다.";
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(text);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, "EUC-KR");
    }

    #[test]
    fn binary_and_empty_are_refused() {
        assert_eq!(decode(b"   \n"), Err(DecodeError::Empty));
        assert!(matches!(
            decode(b"%PDF-1.4 ..."),
            Err(DecodeError::Binary(_))
        ));
        assert!(matches!(decode(b"ab\0cd"), Err(DecodeError::Binary(_))));
    }
}
