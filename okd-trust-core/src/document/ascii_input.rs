//! A saphyr-parser input for text that is all ASCII, which nearly every kubeconfig is.
//!
//! saphyr's scanner reads a plain scalar one character at a time through its `Input`, and its
//! `&str` input decodes UTF-8 on every look and every step: for a node kubeconfig, whose
//! `certificate-authority-data` is an 8 kB plain scalar, that decoding was a fifth of a whole
//! fleet diagnosis. Here every character is one byte, so a look is a load and a step an index.
//!
//! Each method gives exactly what saphyr's `StrInput` gives on the same ASCII text (a test below
//! compares whole event streams), so which input parsed a document never shows.

use saphyr_parser::input::{Input, SkipTabs};

/// How many characters the scanner may ask to look ahead at once; `StrInput`'s figure, so the
/// scanner walks both inputs in the same steps.
const BUFFER_LEN: usize = 128;

/// An ASCII text (checked by [`AsciiInput::new`]) and the place the scanner has reached in it.
#[derive(Clone, Copy)]
pub(super) struct AsciiInput<'a> {
    text: &'a str,
    /// Where the scanner is in `text`; every index is a character boundary.
    at: usize,
    /// What the scanner last asked for in `lookahead` (it expects `buflen` to echo it).
    lookahead: usize,
}

impl<'a> AsciiInput<'a> {
    /// `None` when `text` holds a character outside ASCII.
    pub(super) fn new(text: &'a str) -> Option<Self> {
        text.is_ascii().then_some(AsciiInput { text, at: 0, lookahead: 0 })
    }

    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.at..).unwrap_or_default()
    }

    fn byte(&self, n: usize) -> Option<u8> {
        self.text.as_bytes().get(self.at.saturating_add(n)).copied()
    }

    fn first_is(&self, test: fn(u8) -> bool) -> bool {
        self.byte(0).is_some_and(test)
    }

    fn advance(&mut self, count: usize) {
        self.at = self.at.saturating_add(count).min(self.text.len());
    }

    /// Moves past the leading bytes that pass `test`, handing them to `out` if given.
    fn take_while(&mut self, test: fn(u8) -> bool, out: Option<&mut String>) -> usize {
        let count = self.rest().iter().take_while(|&&b| test(b)).count();
        if let Some(out) = out {
            out.push_str(self.text.get(self.at..self.at + count).unwrap_or_default());
        }
        self.advance(count);
        count
    }
}

// saphyr's character classes, on bytes. A NUL byte counts as the end of input, as it does there.
fn is_z(b: u8) -> bool {
    b == 0
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn is_breakz(b: u8) -> bool {
    is_break(b) || is_z(b)
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_blank_or_breakz(b: u8) -> bool {
    is_blank(b) || is_breakz(b)
}

fn is_flow(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

fn is_alpha(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Not the end of a line. (The byte-order mark saphyr also stops at is not ASCII.)
fn is_yaml_non_break(b: u8) -> bool {
    !is_breakz(b)
}

fn is_yaml_non_space(b: u8) -> bool {
    is_yaml_non_break(b) && !is_blank(b)
}

impl Input for AsciiInput<'_> {
    fn lookahead(&mut self, count: usize) {
        // The whole text is already at hand; only the request is remembered.
        self.lookahead = self.lookahead.max(count);
    }

    fn buflen(&self) -> usize {
        self.lookahead
    }

    fn bufmaxlen(&self) -> usize {
        BUFFER_LEN
    }

    fn raw_read_ch(&mut self) -> char {
        let c = self.peek();
        self.advance(1);
        c
    }

    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        let b = self.byte(0).filter(|&b| is_yaml_non_break(b))?;
        self.advance(1);
        Some(char::from(b))
    }

    fn skip(&mut self) {
        self.advance(1);
    }

    fn skip_n(&mut self, count: usize) {
        self.advance(count);
    }

    fn peek(&self) -> char {
        self.peek_nth(0)
    }

    fn peek_nth(&self, n: usize) -> char {
        self.byte(n).map_or('\0', char::from)
    }

    fn peek_opt(&self) -> Option<char> {
        self.byte(0).map(char::from)
    }

    fn next_char_is(&self, c: char) -> bool {
        // At the end this is `'\0'`, as in saphyr.
        self.peek() == c
    }

    fn nth_char_is(&self, n: usize, c: char) -> bool {
        self.peek_nth(n) == c
    }

    fn next_2_are(&self, c1: char, c2: char) -> bool {
        self.peek_opt() == Some(c1) && self.byte(1).map(char::from) == Some(c2)
    }

    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        self.next_2_are(c1, c2) && self.byte(2).map(char::from) == Some(c3)
    }

    fn next_is_document_indicator(&self) -> bool {
        self.next_is_document_start() || self.next_is_document_end()
    }

    fn next_is_document_start(&self) -> bool {
        self.rest().starts_with(b"---") && self.byte(3).is_none_or(is_blank_or_breakz)
    }

    fn next_is_document_end(&self) -> bool {
        self.rest().starts_with(b"...") && self.byte(3).is_none_or(is_blank_or_breakz)
    }

    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>) {
        let (mut has_yaml_ws, mut encountered_tab) = (false, false);
        let mut consumed = 0;
        while let Some(b) = self.byte(consumed) {
            match b {
                b' ' => has_yaml_ws = true,
                b'\t' if skip_tabs == SkipTabs::Yes => encountered_tab = true,
                _ => break,
            }
            consumed += 1;
        }
        if self.byte(consumed) == Some(b'#') {
            if !encountered_tab && !has_yaml_ws {
                // Nothing is consumed when the comment is refused.
                return (consumed, Err("comments must be separated from other tokens by whitespace"));
            }
            consumed += self.rest()[consumed..].iter().take_while(|&&b| is_yaml_non_break(b)).count();
        }
        self.advance(consumed);
        (consumed, Ok(SkipTabs::Result(encountered_tab, has_yaml_ws)))
    }

    fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool {
        match self.byte(0) {
            Some(b':') => {
                let next = self.byte(1).unwrap_or(0);
                !(is_blank_or_breakz(next) || (in_flow && is_flow(next)))
            }
            Some(b) => !(in_flow && is_flow(b)),
            None => true,
        }
    }

    fn next_is_blank_or_break(&self) -> bool {
        self.first_is(|b| is_blank(b) || is_break(b))
    }

    fn next_is_blank_or_breakz(&self) -> bool {
        self.byte(0).is_none_or(is_blank_or_breakz)
    }

    fn next_is_blank(&self) -> bool {
        self.first_is(is_blank)
    }

    fn next_is_break(&self) -> bool {
        self.first_is(is_break)
    }

    fn next_is_breakz(&self) -> bool {
        self.byte(0).is_none_or(is_breakz)
    }

    fn next_is_z(&self) -> bool {
        self.byte(0).is_none_or(is_z)
    }

    fn next_is_flow(&self) -> bool {
        self.first_is(is_flow)
    }

    fn next_is_digit(&self) -> bool {
        self.first_is(|b| b.is_ascii_digit())
    }

    fn next_is_alpha(&self) -> bool {
        self.first_is(is_alpha)
    }

    fn skip_while_non_breakz(&mut self) -> usize {
        self.take_while(is_yaml_non_break, None)
    }

    fn skip_while_blank(&mut self) -> usize {
        self.take_while(is_blank, None)
    }

    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        self.take_while(is_alpha, Some(out))
    }

    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        self.take_while(is_yaml_non_space, Some(out))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;
    use saphyr_parser::{Event, Parser, ScanError, Span};

    type Stream<'a> = Vec<Result<(Event<'a>, Span), ScanError>>;

    /// Every event and span up to the first error, which is included.
    fn events<'a, T: Input>(mut parser: Parser<'a, T>) -> Stream<'a> {
        let mut out = Vec::new();
        while let Some(next) = parser.next_event() {
            let stop = matches!(next, Err(_) | Ok((Event::StreamEnd, _)));
            out.push(next);
            if stop {
                break;
            }
        }
        out
    }

    fn agree(text: &str) {
        let by_str = events(Parser::new_from_str(text));
        let by_byte = events(Parser::new(AsciiInput::new(text).unwrap()));
        assert_eq!(by_byte, by_str, "{text:?}");
    }

    #[test]
    fn not_ascii_is_declined() {
        assert!(AsciiInput::new("name: café\n").is_none());
        assert!(AsciiInput::new("name: cafe\n").is_some());
    }

    #[test]
    fn the_example_kubeconfigs_parse_the_same() {
        for text in [
            crate::examples::NODE_KUBECONFIG,
            "apiVersion: v1\nclusters: [{cluster: {server: 'https://a:6443', x: \"q\\\"\"}, name: a}]\n",
            "a: |\n  literal\n   text\nb: >-\n  folded\n\n  more\nc: &x !!str v\nd: *x\n",
            "--- \n# comment\nkey:   value # trailing\n...\n",
            "k: v\n\t# tab before a comment\nbad:#comment\n",
            "k: 'unterminated\n",
            "? complex\n: value\n- mixed\n",
            "nul: a\0b\n",
            "%TAG !e-x! tag:example.com,2000:\n---\nk: !e-x!foo v\n",
        ] {
            agree(text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn event_streams_match_saphyr_s_own_input(
            pieces in proptest::collection::vec(
                proptest::sample::select(&[
                    "a", "key", ": ", ":", "\n", "\r\n", "  ", "\t", "- ", "-", "---", "...", "#", " #c",
                    "'", "\"", "\\", "[", "]", "{", "}", ",", "?", "&a ", "*a", "!!str ", "!t ", "|", ">",
                    "%YAML 1.2\n", "%TAG !e-x! tag:e.com,2000:\n", "!e-x!v ", "!a-b ", "AAAA+/=", "\0",
                ][..]),
                0..40,
            )
        ) {
            agree(&pieces.concat());
        }
    }
}
