//! The tantivy side of the analyzer: the tokenizer tantivy calls for analysed fields, and the
//! one conversion of an index [`Term`] into a tantivy token (also used for the pre-tokenized
//! body, whose terms come from the single analysis pass at ingest).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::{Analyzer, Term};

/// Name under which the analyzer is registered with tantivy.
pub const TOKENIZER_NAME: &str = "kpolicy_ko";

impl From<&Term> for Token {
    fn from(t: &Term) -> Token {
        Token {
            offset_from: t.start,
            offset_to: t.end,
            position: t.position,
            text: t.text.clone(),
            position_length: 1,
        }
    }
}

/// tantivy adapter: analyses a field value into a token stream.
#[derive(Clone)]
pub struct KoreanTokenizer {
    analyzer: Analyzer,
    tokens: Vec<Token>,
}

impl KoreanTokenizer {
    pub fn new(analyzer: Analyzer) -> Self {
        KoreanTokenizer {
            analyzer,
            tokens: Vec::new(),
        }
    }
}

/// Token stream over the tokens computed up front.
pub struct KoreanTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    index: usize,
}

impl Tokenizer for KoreanTokenizer {
    type TokenStream<'a> = KoreanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.tokens.clear();
        self.tokens
            .extend(self.analyzer.terms(text).iter().map(Token::from));
        KoreanTokenStream {
            tokens: &mut self.tokens,
            index: 0,
        }
    }
}

impl TokenStream for KoreanTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}
