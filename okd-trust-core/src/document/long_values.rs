//! Long base64 values parsed without scanning them.
//!
//! A node kubeconfig is mostly one line: `certificate-authority-data: LS0tLS1CRUdJTi…`, 8 kB or
//! more of base64 that saphyr's scanner copies one character at a time, and a repair parses such a
//! file twice (the file, then the edited text it must re-read before offering it). So the document
//! is first parsed with each such value cut short, then the values are put back.
//!
//! Only a value that ends its line is cut: a run of base64 characters after a space (`key: …`,
//! `- …`), or after an opening quote and followed by the matching one, with nothing but the line
//! break after it. Base64
//! holds no character that means anything to YAML (no `:`, `#`, quote, backslash, bracket or
//! blank), and a value that ends its line cannot be a key, so cutting it changes nothing but that
//! scalar and the offsets after it on its line. The shortened parse is used only when every cut
//! value comes back as a scalar that is exactly the kept prefix and starts where the value (or its
//! quote) starts; anything else — a value in a comment, in a block scalar, continued on the next
//! line, anchored or tagged — and on any error, the document is parsed again in full, so results
//! and error positions are always those of the full text. A test compares both ways on generated
//! documents.

use super::{Kind, Node, Style};

/// Values shorter than this are left alone: cutting them saves less than it costs.
const MIN_LEN: usize = 256;
/// What is kept of a cut value: enough that the scanner sees the same kind of scalar.
const KEEP: usize = 8;

/// One value cut short.
struct Cut {
    /// Where the value starts in the shortened text.
    short_start: usize,
    /// Where it starts in the full text.
    start: usize,
    /// Its length in the full text.
    len: usize,
    quoted: bool,
    restored: bool,
}

/// The text with its long values cut, and how to map the result back.
pub(super) struct Shortened {
    pub(super) text: String,
    cuts: Vec<Cut>,
}

/// The base64 alphabet with its padding, as a table: the scan below looks at every byte of a
/// value, so it is worth a load instead of a chain of compares.
const BASE64: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=';
        i += 1;
    }
    table
};

/// How many bytes at the end of `body` are base64.
fn base64_suffix(body: &[u8]) -> usize {
    let mut at = body.len();
    while at >= 16 && body[at - 16..at].iter().all(|&b| BASE64[usize::from(b)]) {
        at -= 16;
    }
    while at > 0 && BASE64[usize::from(body[at - 1])] {
        at -= 1;
    }
    body.len() - at
}

impl Shortened {
    /// `None` when `text` has no value worth cutting.
    pub(super) fn new(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let mut cuts = Vec::new();
        let mut short = String::new();
        let mut copied = 0;
        let mut begin = 0;
        for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
            let line = &bytes[begin..end];
            let line_begin = begin;
            begin = end + 1;
            if line.len() < MIN_LEN {
                continue;
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let (body, quote) = match line.split_last() {
                Some((&q @ (b'"' | b'\''), body)) => (body, Some(q)),
                _ => (line, None),
            };
            let len = base64_suffix(body);
            let at = body.len() - len;
            if len < MIN_LEN || at == 0 || body[at - 1] != quote.unwrap_or(b' ') {
                continue;
            }
            let start = line_begin + at;
            short.push_str(&text[copied..start + KEEP]);
            cuts.push(Cut { short_start: short.len() - KEEP, start, len, quoted: quote.is_some(), restored: false });
            copied = start + len;
        }
        if cuts.is_empty() {
            return None;
        }
        short.push_str(&text[copied..]);
        Some(Shortened { text: short, cuts })
    }

    /// The tree parsed from the shortened text as it is for the full `text`: offsets moved back
    /// and cut values restored. `None` when a cut value did not come back as a whole scalar.
    pub(super) fn restore(mut self, mut root: Option<Node>, text: &str) -> Option<Option<Node>> {
        if let Some(root) = &mut root {
            self.fix(root, text);
        }
        self.cuts.iter().all(|c| c.restored).then_some(root)
    }

    fn fix(&mut self, node: &mut Node, text: &str) {
        if let Kind::Scalar { value, style } = &mut node.kind {
            let opener = match style {
                Style::Plain => Some(0),
                Style::SingleQuoted | Style::DoubleQuoted => Some(1),
                Style::Literal | Style::Folded => None,
            };
            if let Some(opener) = opener
                && value.len() == KEEP
                && let Ok(i) = self.cuts.binary_search_by_key(&(node.start + opener), |c| c.short_start)
            {
                let cut = &mut self.cuts[i];
                if cut.quoted == (opener == 1) && text.as_bytes()[cut.start..].starts_with(value.as_bytes()) {
                    *value = text[cut.start..cut.start + cut.len].to_owned();
                    cut.restored = true;
                }
            }
        }
        node.start = self.full_offset(node.start);
        node.end = self.full_offset(node.end);
        match &mut node.kind {
            Kind::Scalar { .. } => {}
            Kind::Sequence(items) => items.iter_mut().for_each(|n| self.fix(n, text)),
            Kind::Mapping(entries) => entries.iter_mut().for_each(|(k, v)| {
                self.fix(k, text);
                self.fix(v, text);
            }),
        }
    }

    /// The full text's offset for an offset in the shortened one. An offset just past a kept
    /// prefix is the end of its value, and moves with it.
    fn full_offset(&self, short: usize) -> usize {
        let passed = self.cuts.partition_point(|c| c.short_start + KEEP <= short);
        match passed.checked_sub(1).map(|i| &self.cuts[i]) {
            Some(cut) => cut.start + cut.len + (short - (cut.short_start + KEEP)),
            None => short,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::super::Builder;
    use super::*;
    use crate::Limits;
    use proptest::prelude::*;

    /// The tree (or error) of the full parse and of the shortened one, side by side.
    fn both(text: &str) -> (String, Option<String>) {
        let limits = Limits::default();
        let full = format!("{:?}", Builder::new(text, &limits, super::super::Documents::One).run());
        let short = Shortened::new(text).and_then(|shortened| {
            let root = Builder::new(&shortened.text, &limits, super::super::Documents::One).run().ok()?;
            shortened.restore(root, text).map(|root| format!("{:?}", Ok::<_, ()>(root)))
        });
        (full, short)
    }

    fn blob(seed: usize) -> String {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let body: String = (0..300 + seed % 50).map(|i| char::from(alphabet[(i * 7 + seed) % 64])).collect();
        format!("LS0tLS1C{body}==")
    }

    #[test]
    fn a_node_kubeconfig_takes_the_short_way_and_agrees() {
        let text = crate::examples::NODE_KUBECONFIG;
        let (full, short) = both(text);
        assert_eq!(short.as_deref(), Some(full.as_str()));
        assert!(Shortened::new(text).unwrap().text.len() < text.len() / 4);
    }

    #[test]
    fn base64_suffix_counts_the_trailing_alphabet() {
        for (text, n) in [("", 0), ("key: ", 0), ("key: AB+/=", 5), ("a:b", 1), (&*format!(" {}", "Q".repeat(40)), 40)]
        {
            assert_eq!(base64_suffix(text.as_bytes()), n, "{text:?}");
        }
        assert_eq!(base64_suffix(&[b'A', 0xC3, b'B']), 1);
    }

    #[test]
    fn a_repaired_kubeconfig_takes_the_short_way_too() {
        let config = crate::Kubeconfig::parse(crate::examples::NODE_KUBECONFIG.as_bytes()).unwrap();
        let cluster = crate::CaBundle::from_pem(crate::examples::CLUSTER_CA_BUNDLE.as_bytes()).unwrap();
        let union = config.ca_bundle("local").unwrap().unwrap().union(&cluster);
        let text = config.with_ca_bundle("local", &union).unwrap().text;
        let (full, short) = both(&text);
        assert_eq!(short.as_deref(), Some(full.as_str()));
    }

    #[test]
    fn values_that_are_not_a_whole_scalar_take_the_long_way() {
        let b = blob(1);
        for text in [
            format!("# {b}\nk: v\n"),
            format!("k: |\n  {b}\n"),
            format!("k: x\n  {b}\n"),
            format!("k: &a {b}\n"),
            format!("k: !!binary {b}\n"),
            format!("k: {b}\n  more\n"),
        ] {
            assert_eq!(both(&text).1, None, "{text}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn the_short_way_agrees_with_the_full_parse(
            parts in proptest::collection::vec((0usize..24, 0usize..4), 1..8)
        ) {
            let mut text = String::new();
            for (shape, seed) in parts {
                let b = blob(seed);
                text.push_str(&match shape {
                    0 => format!("k{seed}: {b}\n"),
                    1 => format!("q{seed}: \"{b}\"\n"),
                    2 => format!("s{seed}: '{b}'\n"),
                    3 => format!("- {b}\n"),
                    4 => format!("# {b}\n"),
                    5 => format!("l{seed}: |-\n  {b}\n"),
                    6 => format!("c{seed}: x\n  {b}\n"),
                    7 => format!("a{seed}: &a{seed} {b}\n"),
                    8 => format!("t{seed}: !!binary {b}\n"),
                    9 => format!("? {b}\n: v\n"),
                    10 => format!("f{seed}: [ {b}\n]\n"),
                    11 => format!("m{seed}: {{a: {b}\n}}\n"),
                    12 => format!("{b}\n"),
                    13 => format!("  {b}: v\n"),
                    14 => format!("r{seed}: {b}\r\n"),
                    15 => format!("e{seed}: \"{b}\" # c\n"),
                    16 => format!("w{seed}: {b} \n"),
                    17 => format!("n{seed}:\n  deep: {b}\n"),
                    18 => format!("- - {b}\n"),
                    19 => format!("x{seed}: *a{seed}\n"),
                    20 => format!("d{seed}: \"{b}'\n"),
                    21 => "- \n".to_owned(),
                    22 => "  ".to_owned(),
                    _ => format!("{{\"j{seed}\": \"{b}\"\n}}\n"),
                });
            }
            let (full, short) = both(&text);
            if let Some(short) = short {
                prop_assert_eq!(short, full, "{}", text);
            }
        }
    }
}
