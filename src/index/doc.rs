//! The document kpolicy hands to tantivy.
//!
//! tantivy's own `TantivyDocument` keeps a pre-tokenized field as JSON: every token of the body
//! would be serialised to JSON when the document is built and parsed back by the indexing
//! thread. This document keeps the values as they are and lends them to tantivy by reference.

use tantivy::schema::document::Document;
use tantivy::schema::{Facet, Field, OwnedValue};
use tantivy::tokenizer::PreTokenizedString;

/// Field values in the order they were added.
#[derive(Debug, Clone, Default)]
pub(crate) struct KDoc {
    values: Vec<(Field, OwnedValue)>,
}

impl KDoc {
    pub fn add_text(&mut self, field: Field, text: impl Into<String>) {
        self.values.push((field, OwnedValue::Str(text.into())));
    }

    pub fn add_pre_tokenized_text(&mut self, field: Field, text: PreTokenizedString) {
        self.values.push((field, OwnedValue::PreTokStr(text)));
    }

    pub fn add_i64(&mut self, field: Field, value: i64) {
        self.values.push((field, OwnedValue::I64(value)));
    }

    pub fn add_u64(&mut self, field: Field, value: u64) {
        self.values.push((field, OwnedValue::U64(value)));
    }

    pub fn add_bool(&mut self, field: Field, value: bool) {
        self.values.push((field, OwnedValue::Bool(value)));
    }

    pub fn add_bytes(&mut self, field: Field, bytes: Vec<u8>) {
        self.values.push((field, OwnedValue::Bytes(bytes)));
    }

    pub fn add_facet(&mut self, field: Field, facet: Facet) {
        self.values.push((field, OwnedValue::Facet(facet)));
    }
}

type Pair<'a> = (Field, &'a OwnedValue);

fn lend(pair: &(Field, OwnedValue)) -> Pair<'_> {
    (pair.0, &pair.1)
}

impl Document for KDoc {
    type Value<'a> = &'a OwnedValue;
    type FieldsValuesIter<'a> = std::iter::Map<
        std::slice::Iter<'a, (Field, OwnedValue)>,
        fn(&'a (Field, OwnedValue)) -> Pair<'a>,
    >;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.values
            .iter()
            .map(lend as fn(&(Field, OwnedValue)) -> Pair<'_>)
    }
}

/// The stored metadata of a document without its text: every stored value up to the `size`
/// field, which the indexer writes after the metadata and before `body_text` (see
/// `indexer/document.rs`). Reading a listed copy of a story this way skips decoding its body,
/// which is most of a stored document. In an index written before that order, the head holds
/// the body too: slower, the same metadata.
pub(crate) struct StoredHead(pub tantivy::TantivyDocument);

impl tantivy::schema::document::DocumentDeserialize for StoredHead {
    fn deserialize<'de, D>(mut de: D) -> Result<Self, tantivy::schema::document::DeserializeError>
    where
        D: tantivy::schema::document::DocumentDeserializer<'de>,
    {
        let last = head_end();
        let mut doc = tantivy::TantivyDocument::default();
        while let Some((field, value)) = de.next_field::<OwnedValue>()? {
            doc.add_field_value(field, &value);
            if field == last {
                break;
            }
        }
        Ok(StoredHead(doc))
    }
}

/// The last field of a stored document's head: `size`, written for every article.
fn head_end() -> Field {
    static END: std::sync::OnceLock<Field> = std::sync::OnceLock::new();
    *END.get_or_init(|| super::schema::schema().1.size)
}
