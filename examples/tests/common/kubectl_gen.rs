//! The kubeconfig generator of the kubectl differential (`tests/kubectl.rs`).
//!
//! A shape is made from a seed and an index alone, so any shape of a failing run can be made again.
//! Each one starts as an ordinary kubeconfig (one to three clusters with real CA data from the
//! testkit's OKD signers, contexts, users), held as a small YAML tree ([`Node`]). Up to two mild
//! *extras* and then one *focus class* change it; the focus class cycles through [`CLASSES`] with
//! the index, so every run covers every class. The tree is then written as block YAML or as JSON
//! (which client-go reads as YAML flow syntax), and the text gets its document-, line- and
//! byte-level variations: several documents, comments, CRLF, BOMs, UTF-16, stray bytes.
//!
//! The classes follow how client-go (kubectl 1.27–1.33) reads a kubeconfig: the YAML 1.1 typing
//! of string, bool and base64 fields; duplicate keys and names; documents; anchors, aliases and
//! merge keys; JSON; encodings; case-changed and unknown keys; `certificate-authority` paths
//! (relative, absolute, missing, empty); CA data in every encoding client-go does or does not
//! accept, holding certificates, text around them, keys or nothing; apiVersion and kind.
//!
//! The generator does not predict what client-go makes of a shape: kubectl is the oracle. The PEM
//! it puts into CA data holds only well-formed certificates, keys and text outside blocks, so that
//! "every CERTIFICATE block" and "every certificate Go's `AppendCertsFromPEM` keeps" are the same.

use std::sync::OnceLock;

use okd_trust_testkit::{Key, okd};

/// Where a shape's kubeconfig lives inside its directory (one level down, so `../pki/ca.crt`
/// leaves `conf/`).
pub(crate) const KUBECONFIG_PATH: &str = "conf/kubeconfig";

/// Replaced by the shape's directory when the shape is written (absolute CA paths).
const DIR: &str = "{DIR}";

/// Replaced by the bytes of a `bad-bytes` shape when the shape is written.
const INJECT: &str = "@@INJECT@@";

/// splitmix64: tiny, seedable, and good enough to choose among options.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One generated kubeconfig, with the CA files it refers to.
pub(crate) struct Shape {
    /// `seed/index`.
    pub(crate) id: String,
    /// The focus class first, then the extras and the variants chosen.
    pub(crate) labels: Vec<String>,
    /// Files to create, relative to the shape's directory.
    pub(crate) files: Vec<(String, Vec<u8>)>,
    text: String,
    crlf: LineEnd,
    encoding: Encoding,
    inject: Option<&'static [u8]>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LineEnd {
    Lf,
    Crlf,
    Cr,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
    Utf16BeNoBom,
}

impl Shape {
    /// The kubeconfig's bytes, for a shape written into `dir`.
    pub(crate) fn bytes(&self, dir: &str) -> Vec<u8> {
        let text = self.text.replace(DIR, dir);
        let text = match self.crlf {
            LineEnd::Lf => text,
            LineEnd::Crlf => text.replace('\n', "\r\n"),
            LineEnd::Cr => text.replace('\n', "\r"),
        };
        let utf16 = |big_endian: bool, bom: bool| {
            let units = (bom.then_some('\u{feff}').into_iter().chain(text.chars()))
                .flat_map(|c| c.encode_utf16(&mut [0; 2]).to_vec())
                .collect::<Vec<u16>>();
            units.iter().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
        };
        let bytes: Vec<u8> = match self.encoding {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            Encoding::Utf16LeBom => utf16(false, true),
            Encoding::Utf16BeBom => utf16(true, true),
            Encoding::Utf16BeNoBom => utf16(true, false),
        };
        match self.inject {
            Some(raw) => replace_bytes(&bytes, INJECT.as_bytes(), raw),
            None => bytes,
        }
    }

    /// The shape for a report: labels, encoding and the text with invisible bytes made visible.
    pub(crate) fn describe(&self, dir: &str) -> String {
        let mut out = format!("shape {} [{}]\n", self.id, self.labels.join(", "));
        if self.encoding != Encoding::Utf8 || self.crlf != LineEnd::Lf {
            out += &format!("(written as {:?} with {:?} line ends; shown before encoding)\n", self.encoding, self.crlf);
        }
        let text = self.text.replace(DIR, dir);
        let text = match self.inject {
            Some(raw) => text.replace(INJECT, &raw.iter().map(|b| format!("\\x{b:02x}")).collect::<String>()),
            None => text,
        };
        out += &visible(text.as_bytes());
        for (path, content) in &self.files {
            out += &format!("\n[file {path}: {} bytes]", content.len());
        }
        out
    }
}

/// `bytes` as text with `\r`, tabs, BOMs, control characters and invalid UTF-8 escaped.
pub(crate) fn visible(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push('\n'),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() || c == '\u{feff}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// Standard base64 with padding, as Go writes `[]byte` fields.
pub(crate) fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The YAML tree and its two renderings.

/// A YAML node, close enough to the text to write every shape the classes need.
#[derive(Clone, Debug)]
enum Node {
    /// A block or flow mapping; keys are written verbatim in block YAML (so `<<`, `"<<"`, `~`
    /// and `!!merge <<` are possible) and JSON-quoted in flow.
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    /// A string; the renderer picks plain, single- or double-quoted style.
    Str(String),
    /// A scalar token written verbatim: `yes`, `~`, `!!str 2019`, `"false"`, `[65, 66]`; an empty
    /// token is an empty value. Continuation lines of a multi-line token are indented.
    Raw(String),
    /// A `|` (or `>` when folded) block scalar, `-` chomping when strip.
    Block {
        folded: bool,
        strip: bool,
        text: String,
    },
    Anchor(String, Box<Node>),
    Alias(String),
}

fn s(text: &str) -> Node {
    Node::Str(text.to_owned())
}

fn raw(token: &str) -> Node {
    Node::Raw(token.to_owned())
}

fn map(entries: Vec<(&str, Node)>) -> Node {
    Node::Map(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

impl Node {
    fn entries_mut(&mut self) -> Option<&mut Vec<(String, Node)>> {
        match self {
            Node::Map(entries) => Some(entries),
            Node::Anchor(_, inner) => inner.entries_mut(),
            _ => None,
        }
    }

    fn items_mut(&mut self) -> Option<&mut Vec<Node>> {
        match self {
            Node::Seq(items) => Some(items),
            Node::Anchor(_, inner) => inner.items_mut(),
            _ => None,
        }
    }

    /// The value of the last `key` (the one YAML keeps).
    fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries_mut()?.iter_mut().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Replaces the last `key`'s value, or appends the key.
    fn set(&mut self, key: &str, value: Node) {
        if let Some(slot) = self.get_mut(key) {
            *slot = value;
        } else if let Some(entries) = self.entries_mut() {
            entries.push((key.to_owned(), value));
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(entries) = self.entries_mut() {
            entries.retain(|(k, _)| k != key);
        }
    }

    fn push(&mut self, key: &str, value: Node) {
        if let Some(entries) = self.entries_mut() {
            entries.push((key.to_owned(), value));
        }
    }

    /// Whether JSON (flow) syntax can carry the node: no anchors, aliases or verbatim keys.
    fn flow_safe(&self) -> bool {
        match self {
            Node::Map(entries) => entries.iter().all(|(k, v)| is_simple_key(k) && v.flow_safe()),
            Node::Seq(items) => items.iter().all(Node::flow_safe),
            Node::Raw(token) => !token.contains(['&', '*']),
            Node::Str(_) | Node::Block { .. } => true,
            Node::Anchor(..) | Node::Alias(_) => false,
        }
    }
}

fn is_simple_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// A string YAML 1.1 reads back as that same string when written plain.
fn plain_safe(text: &str) -> bool {
    const WORDS: &[&str] = &["y", "yes", "n", "no", "true", "false", "on", "off", "null"];
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || "._/:+=@-".contains(c))
        && !text.ends_with(':')
        && !WORDS.contains(&text.to_ascii_lowercase().as_str())
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
}

/// How the tree is written.
#[derive(Clone, Copy, Debug)]
enum Style {
    Block { unit: usize, indent_seqs: bool, comments: bool },
    Flow { indent: Option<&'static str>, tab_after_colon: bool, comments: bool },
}

struct Render<'a> {
    out: String,
    rng: &'a mut Rng,
    style: Style,
}

impl Render<'_> {
    fn document(rng: &mut Rng, style: Style, doc: &Node) -> String {
        let mut r = Render { out: String::new(), rng, style };
        match style {
            Style::Block { .. } => match doc {
                Node::Map(entries) if !entries.is_empty() => r.block_entries(entries, 0, false),
                other => {
                    r.out.push_str("---");
                    r.block_value(other, 0);
                }
            },
            Style::Flow { .. } => {
                r.flow_value(doc, 0);
                r.out.push('\n');
            }
        }
        r.out
    }

    fn comments(&self) -> bool {
        match self.style {
            Style::Block { comments, .. } | Style::Flow { comments, .. } => comments,
        }
    }

    fn unit(&self) -> usize {
        match self.style {
            Style::Block { unit, .. } => unit,
            Style::Flow { .. } => 2,
        }
    }

    fn pad(&mut self, indent: usize) {
        self.out.extend(std::iter::repeat_n(' ', indent));
    }

    fn comment_line(&mut self, indent: usize) {
        if self.comments() && self.rng.chance(20) {
            let text = self.rng.pick(&["# managed by the installer", "#no space", "# key: value", "# - item", "#"]);
            self.pad(indent);
            self.out.push_str(text);
            self.out.push('\n');
        }
    }

    fn end_of_scalar_line(&mut self) {
        if self.comments() && self.rng.chance(15) {
            self.out.push_str(" # trailing");
        }
        self.out.push('\n');
    }

    fn block_entries(&mut self, entries: &[(String, Node)], indent: usize, first_inline: bool) {
        for (i, (key, value)) in entries.iter().enumerate() {
            if !(first_inline && i == 0) {
                self.comment_line(indent);
                self.pad(indent);
            }
            self.out.push_str(key);
            self.out.push(':');
            self.block_value(value, indent);
        }
    }

    /// Writes a value after `key:` or `-` (no space yet), up to and including its last newline.
    fn block_value(&mut self, node: &Node, indent: usize) {
        let unit = self.unit();
        match node {
            Node::Map(entries) if entries.is_empty() => self.out.push_str(" {}\n"),
            Node::Seq(items) if items.is_empty() => self.out.push_str(" []\n"),
            Node::Map(entries) => {
                self.out.push('\n');
                self.block_entries(entries, indent + unit, false);
            }
            Node::Seq(items) => {
                self.out.push('\n');
                let indent_seqs = matches!(self.style, Style::Block { indent_seqs: true, .. });
                self.block_items(items, if indent_seqs { indent + unit } else { indent });
            }
            Node::Str(text) => {
                self.out.push(' ');
                let styled = self.scalar(text);
                self.out.push_str(&styled);
                self.end_of_scalar_line();
            }
            Node::Raw(token) => {
                if !token.is_empty() {
                    self.out.push(' ');
                    let continuation = format!("\n{}", " ".repeat(indent + unit));
                    self.out.push_str(&token.replace('\n', &continuation));
                }
                self.end_of_scalar_line();
            }
            Node::Block { folded, strip, text } => {
                self.out.push_str(if *folded { " >" } else { " |" });
                if *strip {
                    self.out.push('-');
                }
                self.out.push('\n');
                for line in text.lines() {
                    self.pad(indent + unit);
                    self.out.push_str(line);
                    self.out.push('\n');
                }
            }
            Node::Anchor(name, inner) => {
                self.out.push_str(" &");
                self.out.push_str(name);
                self.block_value(inner, indent);
            }
            Node::Alias(name) => {
                self.out.push_str(" *");
                self.out.push_str(name);
                self.end_of_scalar_line();
            }
        }
    }

    fn block_items(&mut self, items: &[Node], indent: usize) {
        for item in items {
            self.comment_line(indent);
            self.pad(indent);
            self.out.push('-');
            match item {
                Node::Map(entries) if !entries.is_empty() => {
                    self.out.push(' ');
                    self.block_entries(entries, indent + 2, true);
                }
                Node::Anchor(name, inner) if matches!(&**inner, Node::Map(e) if !e.is_empty()) => {
                    self.out.push_str(&format!(" &{name}\n"));
                    if let Node::Map(entries) = &**inner {
                        self.block_entries(entries, indent + 2, false);
                    }
                }
                other => self.block_value(other, indent),
            }
        }
    }

    /// A string in a style chosen at random among those that keep it a string.
    fn scalar(&mut self, text: &str) -> String {
        let printable = text.chars().all(|c| !c.is_control());
        let roll = self.rng.below(100);
        if plain_safe(text) && roll < 70 {
            text.to_owned()
        } else if printable && roll.is_multiple_of(2) {
            format!("'{}'", text.replace('\'', "''"))
        } else {
            json_string(text)
        }
    }

    fn flow_break(&mut self, depth: usize) {
        if let Style::Flow { indent: Some(unit), comments, .. } = self.style {
            self.out.push('\n');
            if comments && self.rng.chance(10) {
                self.out.push_str(&unit.repeat(depth));
                self.out.push_str("# a comment inside JSON\n");
            }
            self.out.push_str(&unit.repeat(depth));
        }
    }

    fn flow_value(&mut self, node: &Node, depth: usize) {
        match node {
            Node::Map(entries) => {
                self.out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.flow_break(depth + 1);
                    self.out.push_str(&json_string(key));
                    self.out.push(':');
                    match self.style {
                        Style::Flow { tab_after_colon: true, .. } => self.out.push('\t'),
                        Style::Flow { indent: Some(_), .. } => self.out.push(' '),
                        _ => {}
                    }
                    self.flow_value(value, depth + 1);
                }
                if !entries.is_empty() {
                    self.flow_break(depth);
                }
                self.out.push('}');
            }
            Node::Seq(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.flow_break(depth + 1);
                    self.flow_value(item, depth + 1);
                }
                if !items.is_empty() {
                    self.flow_break(depth);
                }
                self.out.push(']');
            }
            Node::Str(text) => self.out.push_str(&json_string(text)),
            Node::Raw(token) if token.is_empty() => self.out.push_str("null"),
            Node::Raw(token) => self.out.push_str(token),
            Node::Block { folded, strip, text } => {
                self.out.push_str(&json_string(&block_scalar_value(*folded, *strip, text)))
            }
            Node::Anchor(name, inner) => {
                self.out.push_str(&format!("&{name} "));
                self.flow_value(inner, depth);
            }
            Node::Alias(name) => self.out.push_str(&format!("*{name}")),
        }
    }
}

/// What YAML makes of a block scalar's lines (all of them at the block's indentation).
fn block_scalar_value(folded: bool, strip: bool, text: &str) -> String {
    let joined = text.lines().collect::<Vec<_>>().join(if folded { " " } else { "\n" });
    if strip { joined } else { joined + "\n" }
}

// ---------------------------------------------------------------------------------------------
// Materials: real CA certificates and the texts they come in.

struct Pems {
    /// The four original OKD server signers (what a stale node trusts).
    old: String,
    /// The re-keyed load-balancer signer.
    rotated: String,
    /// The original load-balancer signer alone.
    lb: String,
}

fn pems() -> &'static Pems {
    static PEMS: OnceLock<Pems> = OnceLock::new();
    PEMS.get_or_init(|| Pems {
        old: okd::server_ca_bundle_pem(),
        rotated: okd::rotated_lb_signer().pem(),
        lb: okd::lb_signer().pem(),
    })
}

/// A CA payload: what `certificate-authority-data` decodes to, or a CA file holds. `mild` ones
/// hold only certificates.
fn payload(rng: &mut Rng, mild: bool) -> (String, Vec<u8>) {
    let p = pems();
    let count = if mild { 3 } else { 13 };
    let (label, bytes): (&str, Vec<u8>) = match rng.below(count) {
        0 => ("old-bundle", p.old.clone().into_bytes()),
        1 => ("rotated-bundle", format!("{}{}", p.old, p.rotated).into_bytes()),
        2 => ("one-signer", p.rotated.clone().into_bytes()),
        3 => (
            "text-around-blocks",
            format!(
                "Bag Attributes\n    friendlyName: lb\nsubject=CN = kube-apiserver-lb-signer\n{}\nthe second one:\n{}trailing words\n",
                p.lb, p.rotated
            )
            .into_bytes(),
        ),
        4 => ("crlf-pem", format!("{}{}", p.lb, p.rotated).replace('\n', "\r\n").into_bytes()),
        5 => ("duplicate-certificate", format!("{}{}", p.rotated, p.rotated).into_bytes()),
        6 => ("key-then-certificate", format!("{}{}", Key::P256.pem(), p.rotated).into_bytes()),
        7 => ("key-only", Key::P256.pem().as_bytes().to_vec()),
        8 => ("not-pem", b"this is not a certificate\n".to_vec()),
        9 => ("binary", vec![0x30, 0x82, 0x01, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0x0a]),
        10 => ("empty", Vec::new()),
        11 => ("no-final-newline", p.rotated.trim_end().as_bytes().to_vec()),
        _ => ("blank-lines-first", format!("\n\n   \n{}", p.lb).into_bytes()),
    };
    (format!("payload:{label}"), bytes)
}

fn wrap(text: &str, width: usize, separator: &str) -> String {
    text.as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// `certificate-authority-data` for `bytes`, in an encoding client-go accepts (`mild`), or in
/// any encoding, including the ones it refuses.
fn ca_data(rng: &mut Rng, bytes: &[u8], mild: bool) -> (String, Node) {
    let b64 = base64(bytes);
    let padded = b64.ends_with('=');
    let kind = if mild { rng.pick(&[0, 0, 0, 0, 0, 0, 1, 2, 3]) } else { rng.below(20) };
    let (label, node) = match kind {
        0 => ("one-line", Node::Str(b64)),
        1 => ("literal-block-64", Node::Block { folded: false, strip: rng.chance(50), text: wrap(&b64, 64, "\n") }),
        2 => ("literal-block-76", Node::Block { folded: false, strip: false, text: wrap(&b64, 76, "\n") }),
        3 => ("quoted-with-newlines", Node::Str(wrap(&b64, 64, "\n"))),
        4 => ("quoted-with-crlf", Node::Str(wrap(&b64, 64, "\r\n") + "\r\n")),
        5 if padded => ("newline-inside-padding", Node::Str(format!("{}\n{}", &b64[..b64.len() - 1], "="))),
        6 => ("folded-block", Node::Block { folded: true, strip: false, text: wrap(&b64, 64, "\n") }),
        7 => ("plain-multi-line", Node::Raw(wrap(&b64, 64, "\n"))),
        8 => ("missing-padding", Node::Str(b64.trim_end_matches('=').to_owned())),
        9 => ("spaces-inside", Node::Str(wrap(&b64, 64, " "))),
        10 => ("url-safe-alphabet", Node::Str(b64.replace('+', "-").replace('/', "_"))),
        11 => ("data-after-padding", Node::Str(if padded { b64 + "QQ" } else { b64 + "=QQ" })),
        12 if padded => ("non-canonical-trailing-bits", Node::Str(with_trailing_bits(&b64))),
        13 => ("binary-tag-double-encoded", Node::Raw(format!("!!binary {}", base64(b64.as_bytes())))),
        14 => ("empty-string", raw("\"\"")),
        15 => ("null", raw(rng.pick(&["~", "", "null"]))),
        16 => ("int-list-bytes", raw("[65, 66, 10]")),
        17 => ("number", raw(rng.pick(&["123", "0x1F", "1.5"]))),
        18 => ("bool", raw(rng.pick(&["true", "yes"]))),
        _ => ("object", raw("{}")),
    };
    (format!("ca-data:{label}"), node)
}

/// Sets unused low bits of the last base64 digit before the padding (Go decodes it anyway).
fn with_trailing_bits(b64: &str) -> String {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let body = b64.trim_end_matches('=');
    let padding = b64.len() - body.len();
    let last = body.chars().last().expect("non-empty");
    let index = ALPHABET.find(last).expect("base64 digit");
    let unused = if padding == 1 { 0b11 } else { 0b1111 };
    let bumped = ALPHABET.as_bytes()[index | unused] as char;
    format!("{}{bumped}{}", &body[..body.len() - 1], "=".repeat(padding))
}

// ---------------------------------------------------------------------------------------------
// A shape in the making.

struct Draft {
    doc: Node,
    style: Style,
    labels: Vec<String>,
    files: Vec<(String, Vec<u8>)>,
    /// Text before the document (`---`, directives, a first empty document).
    before: String,
    /// Text after it (further documents).
    after: String,
    /// Replaces the whole text (empty files, top-level lists).
    whole: Option<String>,
    tab_indent: bool,
    line_end: LineEnd,
    encoding: Encoding,
    inject: Option<&'static [u8]>,
    clusters: Vec<String>,
    contexts: Vec<String>,
    users: Vec<String>,
    next_name: usize,
}

impl Draft {
    fn note(&mut self, label: impl Into<String>) {
        self.labels.push(label.into());
    }

    fn top(&mut self) -> &mut Node {
        &mut self.doc
    }

    fn list(&mut self, key: &str) -> &mut Vec<Node> {
        self.doc.get_mut(key).and_then(Node::items_mut).unwrap_or_else(|| panic!("the draft has a {key} list"))
    }

    /// The `cluster` map of cluster `i`.
    fn cluster(&mut self, i: usize) -> &mut Node {
        self.list("clusters")[i].get_mut("cluster").expect("a cluster item has a cluster map")
    }

    fn random_cluster(&mut self, rng: &mut Rng) -> usize {
        rng.below(self.clusters.len())
    }

    fn fresh_name(&mut self, stem: &str) -> String {
        self.next_name += 1;
        format!("{stem}-{}", self.next_name)
    }

    fn add_cluster(&mut self, rng: &mut Rng) -> usize {
        let name = self.fresh_name("extra");
        let item = cluster_item(self, rng, &name);
        self.list("clusters").push(item);
        self.clusters.push(name);
        self.clusters.len() - 1
    }

    /// Makes cluster `i` trust CA data (and no file).
    fn set_ca_data(&mut self, i: usize, node: Node) {
        let cluster = self.cluster(i);
        cluster.remove("certificate-authority");
        cluster.set("certificate-authority-data", node);
    }

    /// Writes a CA file and returns how the kubeconfig refers to it.
    fn ca_file(&mut self, rng: &mut Rng, mild: bool) -> String {
        const REFS: &[(&str, &str)] = &[
            ("../pki/ca.crt", "pki/ca.crt"),
            ("ca.crt", "conf/ca.crt"),
            ("./certs/../ca-bundle.pem", "conf/ca-bundle.pem"),
            ("certs/ca.pem", "conf/certs/ca.pem"),
            ("~/ca.crt", "conf/~/ca.crt"),
            ("{DIR}/abs/ca.pem", "abs/ca.pem"),
            ("{DIR}/abs/./trust//ca.pem", "abs/trust/ca.pem"),
        ];
        let (reference, file) = rng.pick(REFS);
        let state = if mild { 0 } else { rng.below(6) };
        match state {
            0..=3 => {
                let (label, bytes) = payload(rng, mild || state < 2);
                self.note(format!("ca-file:{reference}"));
                self.note(label);
                self.files.push((file.to_owned(), bytes));
            }
            4 => self.note(format!("ca-file:{reference}:missing")),
            _ => {
                self.note(format!("ca-file:{reference}:empty-file"));
                self.files.push((file.to_owned(), Vec::new()));
            }
        }
        reference.to_owned()
    }
}

const CLUSTER_NAMES: &[&str] = &["local", "c1", "api-int", "prod", "lb-ext", "x.y", "kubernetes"];
const CONTEXT_NAMES: &[&str] = &["kubelet", "admin", "ctx", "default", "system:node"];
const USER_NAMES: &[&str] = &["kubelet", "admin", "u1", "system:admin"];
const SERVERS: &[&str] = &[
    "https://api-int.ocp.example.com:6443",
    "https://api.ocp.example.com:6443",
    "https://127.0.0.1:6443",
    "https://10.0.0.1",
    "https://[::1]:6443",
];

fn distinct(rng: &mut Rng, pool: &[&str], n: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    while names.len() < n.min(pool.len()) {
        let name = rng.pick(pool);
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

fn cluster_item(d: &mut Draft, rng: &mut Rng, name: &str) -> Node {
    let mut cluster = vec![("server", s(rng.pick(SERVERS)))];
    match rng.below(10) {
        0..=6 => {
            let (payload_label, bytes) = payload(rng, true);
            let (label, node) = ca_data(rng, &bytes, true);
            d.note(payload_label);
            d.note(label);
            cluster.push(("certificate-authority-data", node));
        }
        7 | 8 => {
            let reference = d.ca_file(rng, true);
            cluster.push(("certificate-authority", Node::Str(reference)));
        }
        _ => {}
    }
    if rng.chance(10) {
        cluster.push(("tls-server-name", s("api-int.ocp.example.com")));
    }
    if rng.chance(5) {
        cluster.push(("insecure-skip-tls-verify", raw("false")));
    }
    shuffle(rng, &mut cluster);
    let item = vec![("name", s(name)), ("cluster", map(cluster))];
    map(if rng.chance(70) { item } else { item.into_iter().rev().collect() })
}

fn context_item(rng: &mut Rng, name: &str, cluster: &str, user: &str) -> Node {
    let mut context = vec![("cluster", s(cluster)), ("user", s(user))];
    if rng.chance(30) {
        context.push(("namespace", s(rng.pick(&["default", "openshift-multus", "kube-system"]))));
    }
    shuffle(rng, &mut context);
    map(vec![("name", s(name)), ("context", map(context))])
}

fn user_item(rng: &mut Rng, name: &str) -> Node {
    let user = match rng.below(3) {
        0 => map(vec![("token", s("example-node-bootstrapper-token"))]),
        1 => map(vec![
            ("client-certificate", s("/var/lib/kubelet/pki/kubelet-client-current.pem")),
            ("client-key", s("/var/lib/kubelet/pki/kubelet-client-current.pem")),
        ]),
        _ => map(vec![("username", s("admin")), ("password", s("secret"))]),
    };
    map(vec![("name", s(name)), ("user", user)])
}

fn base(rng: &mut Rng) -> Draft {
    let counts = [1 + rng.below(3), 1 + rng.below(2), 1 + rng.below(2)];
    let mut d = Draft {
        doc: Node::Map(Vec::new()),
        style: Style::Block { unit: 2, indent_seqs: false, comments: false },
        labels: Vec::new(),
        files: Vec::new(),
        before: String::new(),
        after: String::new(),
        whole: None,
        tab_indent: false,
        line_end: LineEnd::Lf,
        encoding: Encoding::Utf8,
        inject: None,
        clusters: distinct(rng, CLUSTER_NAMES, counts[0]),
        contexts: distinct(rng, CONTEXT_NAMES, counts[1]),
        users: distinct(rng, USER_NAMES, counts[2]),
        next_name: 0,
    };
    let clusters = d.clusters.clone().iter().map(|name| cluster_item(&mut d, rng, name)).collect();
    let contexts = d
        .contexts
        .clone()
        .iter()
        .map(|name| {
            let (cluster, user) = (rng.pick_ref(&d.clusters).clone(), rng.pick_ref(&d.users).clone());
            context_item(rng, name, &cluster, &user)
        })
        .collect();
    let users = d.users.clone().iter().map(|name| user_item(rng, name)).collect();
    let current = d.contexts[0].clone();
    let mut top = vec![
        ("apiVersion", s("v1")),
        ("kind", s("Config")),
        ("clusters", Node::Seq(clusters)),
        ("contexts", Node::Seq(contexts)),
        ("users", Node::Seq(users)),
        ("current-context", Node::Str(current)),
    ];
    if rng.chance(50) {
        top.push(("preferences", Node::Map(Vec::new())));
    }
    if rng.chance(50) {
        shuffle(rng, &mut top);
    }
    d.doc = map(top);
    d.style = Style::Block { unit: rng.pick(&[2, 2, 4]), indent_seqs: rng.chance(30), comments: false };
    d
}

// ---------------------------------------------------------------------------------------------
// The classes.

type Class = (&'static str, fn(&mut Draft, &mut Rng));

/// Every focus class; shape `i` has focus `CLASSES[i % CLASSES.len()]`.
const CLASSES: &[Class] = &[
    ("string-field-typing", string_field_typing),
    ("bool-field-typing", bool_field_typing),
    ("base64-field-typing", base64_field_typing),
    ("ca-data-encoding", ca_data_encoding),
    ("ca-pem-content", ca_pem_content),
    ("ca-file", ca_file),
    ("ca-data-and-file", ca_data_and_file),
    ("insecure-with-ca", insecure_with_ca),
    ("duplicate-key-in-cluster", duplicate_key_in_cluster),
    ("duplicate-top-level-key", duplicate_top_level_key),
    ("duplicate-key-in-item", duplicate_key_in_item),
    ("duplicate-name", duplicate_name),
    ("several-documents", several_documents),
    ("empty-like", empty_like),
    ("top-level-not-a-map", top_level_not_a_map),
    ("anchor-ca-data", anchor_ca_data),
    ("anchor-map", anchor_map),
    ("merge-key", merge_key),
    ("alias-error", alias_error),
    ("json", json),
    ("tab-indent", tab_indent),
    ("bom-and-utf16", bom_and_utf16),
    ("line-ends", line_ends),
    ("bad-bytes", bad_bytes),
    ("comments", comments),
    ("case-changed-key", case_changed_key),
    ("unknown-fields", unknown_fields),
    ("api-version-kind", api_version_kind),
    ("server", server),
    ("tls-server-name", tls_server_name),
    ("several-entries", several_entries),
    ("current-context", current_context),
    ("null-and-containers", null_and_containers),
    ("preferences", preferences),
    ("extensions", extensions),
    ("user-fields", user_fields),
];

/// Changes that keep the structure the focus classes rely on.
const EXTRAS: &[Class] = &[
    ("comments", comments),
    ("line-ends", line_ends),
    ("unknown-fields", unknown_fields),
    ("server", server),
    ("tls-server-name", tls_server_name),
    ("several-entries", several_entries),
    ("ca-file", ca_file),
    ("ca-pem-content", ca_pem_content),
    ("current-context", current_context),
    ("json", json),
];

/// Shape `index` of the run seeded with `seed`.
pub(crate) fn shape(seed: u64, index: usize) -> Shape {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    rng.next();
    let mut d = base(&mut rng);
    d.labels.clear(); // the ordinary base is not worth a label
    let (focus, apply_focus) = CLASSES[index % CLASSES.len()];
    let mut labels = vec![focus.to_owned()];
    for _ in 0..rng.pick(&[0, 0, 1, 1, 2]) {
        let (extra, apply) = rng.pick(EXTRAS);
        labels.push(format!("+{extra}"));
        apply(&mut d, &mut rng);
    }
    apply_focus(&mut d, &mut rng);
    labels.append(&mut d.labels);
    let text = match d.whole.take() {
        Some(text) => text,
        None => {
            let style = match d.style {
                Style::Flow { .. } if !d.doc.flow_safe() => {
                    Style::Block { unit: 2, indent_seqs: false, comments: false }
                }
                style => style,
            };
            let body = Render::document(&mut rng, style, &d.doc);
            let body = if d.tab_indent { tab_indented(&mut rng, &body) } else { body };
            format!("{}{body}{}", d.before, d.after)
        }
    };
    Shape {
        id: format!("{seed}/{index}"),
        labels,
        files: d.files,
        text,
        crlf: d.line_end,
        encoding: d.encoding,
        inject: d.inject,
    }
}

fn tab_indented(rng: &mut Rng, text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let indented: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("  ")).collect();
    if indented.is_empty() {
        return text.to_owned();
    }
    let target = rng.pick(&indented);
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| if i == target { format!("\t{}\n", &line[2..]) } else { format!("{line}\n") })
        .collect()
}

/// YAML 1.1 tokens that resolve to numbers, bools, nulls, dates or tagged strings.
const TYPED_TOKENS: &[&str] = &[
    "2019",
    "1.5",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "+1",
    ".5",
    "1e3",
    "-7",
    "yes",
    "no",
    "on",
    "Off",
    "y",
    "N",
    "true",
    "FALSE",
    "~",
    "null",
    "Null",
    "",
    "tRue",
    "2019-01-01",
    "!!str 2019",
    "\"2019\"",
    "'yes'",
    "!foo abc",
    ".nan",
    ".inf",
    "-.Inf",
    "!!int 12",
    "!!int abc",
    "[a]",
    "{}",
    "!!str",
    "\"\"",
];

fn string_field_typing(d: &mut Draft, rng: &mut Rng) {
    let token = rng.pick(TYPED_TOKENS);
    let field = rng.below(12);
    let i = d.random_cluster(rng);
    let label = match field {
        0 => {
            d.cluster(i).set("server", raw(token));
            "server"
        }
        1 => {
            d.cluster(i).set("tls-server-name", raw(token));
            "tls-server-name"
        }
        2 => {
            d.cluster(i).remove("certificate-authority-data");
            d.cluster(i).set("certificate-authority", raw(token));
            "certificate-authority"
        }
        3 => {
            d.cluster(i).set("proxy-url", raw(token));
            "proxy-url"
        }
        4 => {
            d.list("clusters")[i].set("name", raw(token));
            "cluster name"
        }
        5 => {
            d.list("contexts")[0].set("name", raw(token));
            "context name"
        }
        6 => {
            d.list("users")[0].set("name", raw(token));
            "user name"
        }
        7 => {
            d.list("contexts")[0].get_mut("context").expect("context map").set("namespace", raw(token));
            "namespace"
        }
        8 => {
            d.list("contexts")[0].get_mut("context").expect("context map").set("cluster", raw(token));
            "context cluster"
        }
        9 => {
            d.list("users")[0].get_mut("user").expect("user map").set("token", raw(token));
            "token"
        }
        10 => {
            d.top().set("kind", raw(token));
            "kind"
        }
        _ => {
            d.top().set("current-context", raw(token));
            "current-context"
        }
    };
    d.note(format!("{label}: {token}"));
}

const BOOL_TOKENS: &[&str] = &[
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "True",
    "TRUE",
    "FALSE",
    "Off",
    "\"false\"",
    "'true'",
    "tRue",
    "1",
    "0",
    "~",
    "",
    "!!bool yes",
    "null",
];

fn bool_field_typing(d: &mut Draft, rng: &mut Rng) {
    let token = rng.pick(BOOL_TOKENS);
    let i = d.random_cluster(rng);
    match rng.below(4) {
        0 | 1 => {
            // A CA with insecure true is a client-go error at use, not at load: keep the CA.
            d.cluster(i).set("insecure-skip-tls-verify", raw(token));
            d.note(format!("insecure-skip-tls-verify: {token}"));
        }
        2 => {
            d.cluster(i).set("disable-compression", raw(token));
            d.note(format!("disable-compression: {token}"));
        }
        _ => {
            d.top().set("preferences", map(vec![("colors", raw(token))]));
            d.note(format!("preferences.colors: {token}"));
        }
    }
}

fn base64_field_typing(d: &mut Draft, rng: &mut Rng) {
    let token = rng.pick(&["123", "true", "~", "", "\"\"", "[65, 66]", "{}", "[]", "!!binary TFMwdA==", "'YWJj'"]);
    if rng.chance(70) {
        let i = d.random_cluster(rng);
        d.set_ca_data(i, raw(token));
        d.note(format!("certificate-authority-data: {token}"));
    } else {
        d.list("users")[0].get_mut("user").expect("user map").set("client-certificate-data", raw(token));
        d.note(format!("client-certificate-data: {token}"));
    }
}

fn ca_data_encoding(d: &mut Draft, rng: &mut Rng) {
    let (payload_label, bytes) = payload(rng, true);
    let (label, node) = ca_data(rng, &bytes, false);
    let i = d.random_cluster(rng);
    d.set_ca_data(i, node);
    d.note(payload_label);
    d.note(label);
}

fn ca_pem_content(d: &mut Draft, rng: &mut Rng) {
    let i = d.random_cluster(rng);
    if rng.chance(70) {
        let (payload_label, bytes) = payload(rng, false);
        let (label, node) = ca_data(rng, &bytes, true);
        d.set_ca_data(i, node);
        d.note(payload_label);
        d.note(label);
    } else {
        let (payload_label, bytes) = payload(rng, false);
        let (reference, file) = rng.pick(&[("../pki/ca.crt", "pki/ca.crt"), ("{DIR}/abs/ca.pem", "abs/ca.pem")]);
        d.files.push((file.to_owned(), bytes));
        d.cluster(i).remove("certificate-authority-data");
        d.cluster(i).set("certificate-authority", s(reference));
        d.note(format!("ca-file:{reference}"));
        d.note(payload_label);
    }
}

fn ca_file(d: &mut Draft, rng: &mut Rng) {
    let i = d.random_cluster(rng);
    let value = match rng.below(10) {
        0 => {
            d.note("ca-file:empty-string");
            raw("\"\"")
        }
        1 => {
            d.note("ca-file:null");
            raw("~")
        }
        _ => Node::Str(d.ca_file(rng, false)),
    };
    d.cluster(i).remove("certificate-authority-data");
    d.cluster(i).set("certificate-authority", value);
}

fn ca_data_and_file(d: &mut Draft, rng: &mut Rng) {
    let i = d.random_cluster(rng);
    let (payload_label, bytes) = payload(rng, true);
    let (label, node) = ca_data(rng, &bytes, true);
    let reference = d.ca_file(rng, false);
    d.note(payload_label);
    d.note(label);
    let cluster = d.cluster(i);
    cluster.set("certificate-authority-data", node);
    cluster.set("certificate-authority", Node::Str(reference));
}

fn insecure_with_ca(d: &mut Draft, rng: &mut Rng) {
    let i = d.random_cluster(rng);
    if rng.chance(60) {
        let (payload_label, bytes) = payload(rng, true);
        let (label, node) = ca_data(rng, &bytes, true);
        d.set_ca_data(i, node);
        d.note(payload_label);
        d.note(label);
    } else {
        let reference = d.ca_file(rng, true);
        d.cluster(i).remove("certificate-authority-data");
        d.cluster(i).set("certificate-authority", Node::Str(reference));
    }
    let token = rng.pick(&["true", "yes", "on", "false"]);
    d.cluster(i).set("insecure-skip-tls-verify", raw(token));
    d.note(format!("insecure-skip-tls-verify: {token}"));
}

fn duplicate_key_in_cluster(d: &mut Draft, rng: &mut Rng) {
    let i = d.random_cluster(rng);
    let (key, value) = match rng.below(4) {
        0 => ("server", s("https://duplicate.example.com:6443")),
        1 => {
            let (label, bytes) = payload(rng, true);
            d.note(label);
            ("certificate-authority-data", Node::Str(base64(&bytes)))
        }
        2 => ("insecure-skip-tls-verify", raw(rng.pick(&["true", "false"]))),
        _ => ("tls-server-name", s("second.example.com")),
    };
    let cluster = d.cluster(i);
    if rng.chance(50) {
        cluster.push(key, value);
        d.note(format!("{key} again, last"));
    } else if let Some(entries) = cluster.entries_mut() {
        entries.insert(0, (key.to_owned(), value));
        d.note(format!("{key} again, first"));
    }
}

fn duplicate_top_level_key(d: &mut Draft, rng: &mut Rng) {
    match rng.below(4) {
        0 => {
            let name = d.fresh_name("replacement");
            let item = cluster_item(d, rng, &name);
            d.top().push("clusters", Node::Seq(vec![item]));
            d.note("clusters twice");
        }
        1 => {
            d.top().push("current-context", s("second-context"));
            d.note("current-context twice");
        }
        2 => {
            if let Some(entries) = d.top().entries_mut() {
                entries.insert(0, ("current-context".to_owned(), s("first-context")));
            }
            d.note("current-context twice, the original last");
        }
        _ => {
            d.top().push("users", Node::Seq(Vec::new()));
            d.note("users twice");
        }
    }
}

fn duplicate_key_in_item(d: &mut Draft, rng: &mut Rng) {
    let i = d.random_cluster(rng);
    let item = &mut d.list("clusters")[i];
    if rng.chance(50) {
        item.push("name", s("renamed"));
        d.note("cluster item: name twice");
    } else {
        item.push("cluster", map(vec![("server", s("https://second.example.com"))]));
        d.note("cluster item: cluster twice");
    }
}

fn duplicate_name(d: &mut Draft, rng: &mut Rng) {
    let list = rng.pick(&["clusters", "contexts", "users"]);
    let items = d.list(list);
    let mut copy = items[0].clone();
    if list == "clusters"
        && let Some(cluster) = copy.get_mut("cluster")
    {
        cluster.set("server", s("https://copy.example.com"));
    }
    items.push(copy);
    d.note(format!("duplicate name in {list}"));
}

fn several_documents(d: &mut Draft, rng: &mut Rng) {
    const SECOND: &[(&str, &str)] = &[
        (
            "valid",
            "apiVersion: v1\nclusters:\n- name: other\n  cluster:\n    server: https://other.example.com\ncurrent-context: other\n",
        ),
        ("unclosed-flow", "clusters: [\n  - {name: \n"),
        ("bad-indent", "key: value\n  bad indent: x\n: :\n"),
        ("tab", "\tbad: tab\n"),
        ("unknown-alias", "server: *nope\n"),
        ("typed-error", "clusters:\n- name: 1\n"),
    ];
    match rng.below(7) {
        0 => {
            d.before = "---\n".into();
            d.note("explicit document start");
        }
        1 => {
            d.before = "--- # the first document\n".into();
            d.note("document start with a comment");
        }
        2 => {
            d.before = "---\n---\n".into();
            d.note("first document empty");
        }
        3 => {
            d.before = "# a comment, then\n---\n".into();
            d.note("comment before the document start");
        }
        4 => {
            d.before = "%YAML 1.1\n---\n".into();
            d.note("YAML directive");
        }
        5 => {
            let (label, text) = rng.pick(SECOND);
            d.after = format!("...\n---\n{text}");
            d.note(format!("document end, then a {label} second document"));
        }
        _ => {
            let (label, text) = rng.pick(SECOND);
            d.after = format!("---\n{text}");
            d.note(format!("{label} second document"));
        }
    }
}

fn empty_like(d: &mut Draft, rng: &mut Rng) {
    let text = rng.pick(&[
        "",
        "---\n",
        "---",
        "# only a comment\n",
        "# a\n# b\n",
        "  \n\n   \n",
        "---\n...\n",
        "~\n",
        "null\n",
        "{}\n",
        "--- {}\n",
        "---\n# nothing\n",
    ]);
    d.note(format!("text: {text:?}"));
    d.whole = Some(text.to_owned());
}

fn top_level_not_a_map(d: &mut Draft, rng: &mut Rng) {
    let text = rng.pick(&[
        "- a\n- b\n",
        "just a string\n",
        "[]\n",
        "42\n",
        "true\n",
        "[{\"clusters\": []}]\n",
        "\"quoted\"\n",
    ]);
    d.note(format!("text: {text:?}"));
    d.whole = Some(text.to_owned());
}

fn anchor_ca_data(d: &mut Draft, rng: &mut Rng) {
    while d.clusters.len() < 2 {
        d.add_cluster(rng);
    }
    let name = rng.pick(&["ca", "ca-bundle", "x1"]);
    let (payload_label, bytes) = payload(rng, true);
    let (label, node) = ca_data(rng, &bytes, true);
    d.note(payload_label);
    d.note(label);
    d.set_ca_data(0, Node::Anchor(name.to_owned(), Box::new(node)));
    for i in 1..d.clusters.len() {
        if i == 1 || rng.chance(50) {
            d.set_ca_data(i, Node::Alias(name.to_owned()));
        }
    }
    d.note(format!("CA data &{name}, later clusters *{name}"));
}

fn anchor_map(d: &mut Draft, rng: &mut Rng) {
    if rng.chance(60) {
        let source = d.random_cluster(rng);
        let taken = std::mem::replace(d.cluster(source), Node::Map(Vec::new()));
        *d.cluster(source) = Node::Anchor("cluster".into(), Box::new(taken));
        let name = d.fresh_name("aliased");
        d.list("clusters")
            .push(map(vec![("name", Node::Str(name.clone())), ("cluster", Node::Alias("cluster".into()))]));
        d.clusters.push(name);
        d.note("cluster map &cluster, a later cluster *cluster");
    } else {
        let users = d.list("users");
        let taken = std::mem::replace(&mut users[0], Node::Map(Vec::new()));
        users[0] = Node::Anchor("user".into(), Box::new(taken));
        users.push(Node::Alias("user".into()));
        d.note("user item &user repeated as *user (a duplicate name)");
    }
}

fn merge_key(d: &mut Draft, rng: &mut Rng) {
    while d.clusters.len() < 2 {
        d.add_cluster(rng);
    }
    let anchor = |d: &mut Draft, i: usize, name: &str| {
        let taken = std::mem::replace(d.cluster(i), Node::Map(Vec::new()));
        *d.cluster(i) = Node::Anchor(name.to_owned(), Box::new(taken));
    };
    let variant = rng.below(9);
    let merged = match variant {
        0 => {
            anchor(d, 0, "base");
            d.note("<<: *base, then server");
            map(vec![("<<", Node::Alias("base".into())), ("server", s("https://merged.example.com"))])
        }
        1 => {
            anchor(d, 0, "base");
            d.note("server, then <<: *base");
            map(vec![("server", s("https://explicit.example.com")), ("<<", Node::Alias("base".into()))])
        }
        2 => {
            anchor(d, 0, "a");
            anchor(d, 1, "b");
            d.note("<<: [*a, *b]");
            map(vec![("<<", raw("[*a, *b]"))])
        }
        3 => {
            anchor(d, 0, "base");
            d.note("quoted \"<<\" key");
            map(vec![("\"<<\"", Node::Alias("base".into())), ("server", s("https://quoted.example.com"))])
        }
        4 => {
            anchor(d, 0, "base");
            d.note("!!merge << key");
            map(vec![("!!merge <<", Node::Alias("base".into()))])
        }
        5 => {
            let server = d.cluster(0).get_mut("server").cloned().unwrap_or_else(|| s("https://x"));
            d.cluster(0).set("server", Node::Anchor("srv".into(), Box::new(server)));
            d.note("<<: *scalar");
            map(vec![("<<", Node::Alias("srv".into()))])
        }
        6 => {
            let (payload_label, bytes) = payload(rng, true);
            d.note(payload_label);
            let defaults = map(vec![
                ("server", s("https://defaults.example.com:6443")),
                ("certificate-authority-data", Node::Str(base64(&bytes))),
            ]);
            if let Some(entries) = d.top().entries_mut() {
                entries.insert(0, ("x-defaults".to_owned(), Node::Anchor("defaults".into(), Box::new(defaults))));
            }
            d.note("top-level x-defaults: &defaults, merged into a cluster");
            map(vec![("<<", Node::Alias("defaults".into())), ("tls-server-name", s("api-int.ocp.example.com"))])
        }
        7 => {
            // yaml.v2 decodes a merged NaN; only JSON refuses it, and only if no later key replaced it.
            let replaced = rng.chance(50);
            d.note(if replaced { "<<: {x-extra: .nan}, then x-extra: 1" } else { "<<: {x-extra: .nan}, kept" });
            let mut entries = vec![("<<", raw("{x-extra: .nan}")), ("server", s("https://merged-nan.example.com"))];
            if replaced {
                entries.push(("x-extra", raw("1")));
            }
            map(entries)
        }
        _ => {
            let items = d.list("clusters");
            let taken = std::mem::replace(&mut items[0], Node::Map(Vec::new()));
            items[0] = Node::Anchor("item".into(), Box::new(taken));
            let name = d.fresh_name("merged-item");
            d.list("clusters").push(map(vec![("<<", Node::Alias("item".into())), ("name", Node::Str(name.clone()))]));
            d.clusters.push(name);
            d.note("cluster item <<: *item with a new name");
            return;
        }
    };
    let name = d.fresh_name("merged");
    d.list("clusters").push(map(vec![("name", Node::Str(name.clone())), ("cluster", merged)]));
    d.clusters.push(name);
}

fn alias_error(d: &mut Draft, rng: &mut Rng) {
    let i = d.random_cluster(rng);
    match rng.below(3) {
        0 => {
            d.cluster(i).set("server", Node::Alias("nope".into()));
            d.note("unknown alias");
        }
        1 => {
            d.top().push("x-self", raw("&x [*x]"));
            d.note("anchor containing itself");
        }
        _ => {
            while d.clusters.len() < 2 {
                d.add_cluster(rng);
            }
            d.set_ca_data(0, Node::Alias("late".into()));
            let late = d.cluster(1).get_mut("server").cloned().unwrap_or_else(|| s("https://late.example.com"));
            d.cluster(1).set("server", Node::Anchor("late".into(), Box::new(late)));
            d.note("alias used before its anchor");
        }
    }
}

fn json(d: &mut Draft, rng: &mut Rng) {
    let (label, indent) = rng.pick(&[
        ("compact", None),
        ("indented-2", Some("  ")),
        ("indented-4", Some("    ")),
        ("tab-indented", Some("\t")),
    ]);
    let tab_after_colon = rng.chance(25);
    let comments = indent.is_some() && rng.chance(20);
    d.style = Style::Flow { indent, tab_after_colon, comments };
    d.note(format!(
        "json:{label}{}{}",
        if tab_after_colon { ":tabs" } else { "" },
        if comments { ":comments" } else { "" }
    ));
    if rng.chance(30) {
        let i = d.random_cluster(rng);
        d.cluster(i).push("server", s("https://json-duplicate.example.com"));
        d.note("json duplicate key");
    }
}

fn tab_indent(d: &mut Draft, _rng: &mut Rng) {
    d.style = Style::Block { unit: 2, indent_seqs: true, comments: false };
    d.tab_indent = true;
    d.note("one line indented with a tab");
}

fn bom_and_utf16(d: &mut Draft, rng: &mut Rng) {
    d.encoding = rng.pick(&[
        Encoding::Utf8Bom,
        Encoding::Utf8Bom,
        Encoding::Utf16LeBom,
        Encoding::Utf16BeBom,
        Encoding::Utf16BeNoBom,
    ]);
    d.note(format!("{:?}", d.encoding));
}

fn line_ends(d: &mut Draft, rng: &mut Rng) {
    d.line_end = if rng.chance(85) { LineEnd::Crlf } else { LineEnd::Cr };
    d.note(format!("{:?}", d.line_end));
}

fn bad_bytes(d: &mut Draft, rng: &mut Rng) {
    let (label, bytes): (&str, &'static [u8]) = rng.pick(&[
        ("NUL", b"\x00".as_slice()),
        ("control 0x01", b"\x01".as_slice()),
        ("DEL", b"\x7f".as_slice()),
        ("latin-1 byte", b"\xe9".as_slice()),
        ("truncated UTF-8", b"\xc3".as_slice()),
        ("valid UTF-8", "\u{e9}".as_bytes()),
    ]);
    d.encoding = Encoding::Utf8;
    d.inject = Some(bytes);
    if rng.chance(50) {
        d.before = format!("# caf{INJECT} owner\n");
        d.note(format!("{label} in a comment"));
    } else {
        let i = d.random_cluster(rng);
        d.cluster(i).set("server", raw(&format!("https://api{INJECT}.example.com")));
        d.note(format!("{label} in a server"));
    }
}

fn comments(d: &mut Draft, rng: &mut Rng) {
    d.style = match d.style {
        Style::Block { unit, indent_seqs, .. } => Style::Block { unit, indent_seqs, comments: true },
        Style::Flow { tab_after_colon, .. } => Style::Flow { indent: Some("  "), tab_after_colon, comments: true },
    };
    if rng.chance(50) {
        d.before = "# Kubeconfig written by hand\n\n".into();
    }
    d.note("comments");
}

fn case_changed_key(d: &mut Draft, rng: &mut Rng) {
    const KEYS: &[(&str, &str)] = &[
        ("server", "Server"),
        ("certificate-authority-data", "CERTIFICATE-AUTHORITY-DATA"),
        ("certificate-authority", "Certificate-Authority"),
        ("insecure-skip-tls-verify", "Insecure-Skip-TLS-Verify"),
        ("tls-server-name", "TLS-Server-Name"),
        ("name", "Name"),
        ("cluster", "Cluster"),
        ("clusters", "Clusters"),
        ("current-context", "Current-Context"),
    ];
    let (key, changed) = rng.pick(KEYS);
    let alongside = rng.chance(40);
    let i = d.random_cluster(rng);
    let target = match key {
        "clusters" | "current-context" => d.top(),
        "name" | "cluster" => &mut d.list("clusters")[i],
        _ => d.cluster(i),
    };
    let Some(entries) = target.entries_mut() else { return };
    if alongside {
        let value = match key {
            "clusters" => Node::Seq(Vec::new()),
            "cluster" => map(vec![("server", s("https://case.example.com"))]),
            "insecure-skip-tls-verify" => raw("true"),
            "certificate-authority-data" => raw("\"\""),
            _ => s("case-changed"),
        };
        entries.push((changed.to_owned(), value));
        d.note(format!("{changed} beside {key}"));
    } else if let Some(entry) = entries.iter_mut().find(|(k, _)| k == key) {
        entry.0 = changed.to_owned();
        d.note(format!("{key} renamed {changed}"));
    } else {
        entries.push((changed.to_owned(), s("case-changed")));
        d.note(format!("{changed} (no {key})"));
    }
}

fn unknown_fields(d: &mut Draft, rng: &mut Rng) {
    const VALUES: &[&str] = &["hello", "[1, 2]", "{a: b}", "~", "yes", "2019-01-01", "{nested: {deep: [x]}}", ".nan"];
    const KEYS: &[&str] = &["x-note", "metadata", "status", "on", "~", "certificate-authority-data-old", "Server2"];
    for _ in 0..1 + rng.below(3) {
        let key = if rng.chance(85) { rng.pick(&KEYS[..4]) } else { rng.pick(&KEYS[4..]) };
        let value = if rng.chance(90) { rng.pick(&VALUES[..7]) } else { ".nan" };
        let i = d.random_cluster(rng);
        let (level, target) = match rng.below(4) {
            0 => ("top", d.top()),
            1 => ("cluster", d.cluster(i)),
            2 => ("cluster item", &mut d.list("clusters")[i]),
            _ => ("context", d.list("contexts")[0].get_mut("context").expect("context map")),
        };
        target.push(key, raw(value));
        d.note(format!("unknown {level} field {key}: {value}"));
    }
}

fn api_version_kind(d: &mut Draft, rng: &mut Rng) {
    const API_VERSIONS: &[&str] = &["v1", "\"v1\"", "", "\"\"", "v2", "V1", "apps/v1", "a/b/c", "1", "~"];
    const KINDS: &[&str] = &["Config", "config", "Pod", "\"\"", "~", "1"];
    match rng.below(5) {
        0 => {
            d.top().remove("apiVersion");
            d.top().remove("kind");
            d.note("no apiVersion, no kind");
        }
        1 => {
            let v = rng.pick(API_VERSIONS);
            d.top().set("apiVersion", raw(v));
            d.note(format!("apiVersion: {v}"));
        }
        2 => {
            let k = rng.pick(KINDS);
            d.top().set("kind", raw(k));
            d.note(format!("kind: {k}"));
        }
        3 => {
            let (key, value) = rng.pick(&[
                ("APIVERSION", "v2"),
                ("APIVERSION", "v1"),
                ("apiversion", "v2"),
                ("Kind", "Pod"),
                ("KIND", "Config"),
            ]);
            d.top().push(key, raw(value));
            d.note(format!("{key}: {value} beside the usual key"));
        }
        _ => {
            d.top().remove("kind");
            d.note("apiVersion only");
        }
    }
}

fn server(d: &mut Draft, rng: &mut Rng) {
    let value = rng.pick(&[
        "https://api-int.ocp.example.com:6443",
        "https://10.0.0.1",
        "https://[::1]:6443",
        "HTTPS://API-INT.ocp.example.com:6443",
        "http://127.0.0.1:8080",
        "127.0.0.1:6443",
        "localhost",
        "https://api.example.com/prefix?x=1#frag",
        "https://api.example.com:6443/",
        "",
        "~",
        "https://[fe80::1%25eth0]:6443",
    ]);
    let i = d.random_cluster(rng);
    let node = if value == "~" || value.is_empty() { raw(value) } else { s(value) };
    d.cluster(i).set("server", node);
    d.note(format!("server: {value:?}"));
}

fn tls_server_name(d: &mut Draft, rng: &mut Rng) {
    let value = rng.pick(&["api-int.ocp.example.com", "kubernetes", "10.0.0.1", "", "~"]);
    let i = d.random_cluster(rng);
    let node = if value == "~" || value.is_empty() { raw(value) } else { s(value) };
    d.cluster(i).set("tls-server-name", node);
    d.note(format!("tls-server-name: {value:?}"));
}

fn several_entries(d: &mut Draft, rng: &mut Rng) {
    while d.clusters.len() < 3 {
        d.add_cluster(rng);
    }
    while d.contexts.len() < 3 {
        let name = d.fresh_name("ctx");
        let (cluster, user) = (rng.pick_ref(&d.clusters).clone(), rng.pick_ref(&d.users).clone());
        let item = context_item(rng, &name, &cluster, &user);
        d.list("contexts").push(item);
        d.contexts.push(name);
    }
    if d.users.len() < 2 {
        let name = d.fresh_name("user");
        let item = user_item(rng, &name);
        d.list("users").push(item);
        d.users.push(name);
    }
    let current = rng.pick_ref(&d.contexts).clone();
    d.top().set("current-context", Node::Str(current));
    d.note("several clusters, contexts and users");
}

fn current_context(d: &mut Draft, rng: &mut Rng) {
    let existing = rng.pick_ref(&d.contexts).clone();
    let (label, node) = match rng.below(6) {
        0 => ("an existing context", Node::Str(existing)),
        1 => ("a missing context", s("nope")),
        2 => ("empty string", raw("\"\"")),
        3 => ("null", raw(rng.pick(&["~", ""]))),
        4 => {
            d.top().remove("current-context");
            d.note("no current-context");
            return;
        }
        _ => ("a single-quoted existing context", raw(&format!("'{existing}'"))),
    };
    d.top().set("current-context", node);
    d.note(format!("current-context: {label}"));
}

fn null_and_containers(d: &mut Draft, rng: &mut Rng) {
    let i = d.random_cluster(rng);
    let label = match rng.below(10) {
        0 => {
            d.top().set("clusters", raw(rng.pick(&["~", "", "null"])));
            "clusters: null"
        }
        1 => {
            d.top().set("clusters", raw("[]"));
            "clusters: []"
        }
        2 => {
            d.top().set("clusters", map(vec![("c1", map(vec![("server", s("https://x"))]))]));
            "clusters as a map"
        }
        3 => {
            d.list("clusters").push(raw("~"));
            "a null cluster item"
        }
        4 => {
            d.list("clusters").push(raw("{}"));
            "an empty cluster item"
        }
        5 => {
            d.list("clusters")[i].set("cluster", raw("~"));
            "cluster: null"
        }
        6 => {
            d.list("clusters")[i].set("cluster", raw("[]"));
            "cluster as a list"
        }
        7 => {
            d.list("clusters").push(s("c9"));
            "a scalar cluster item"
        }
        8 => {
            d.top().set("contexts", raw("~"));
            "contexts: null"
        }
        _ => {
            d.top().set("users", raw("null"));
            "users: null"
        }
    };
    d.note(label);
}

fn preferences(d: &mut Draft, rng: &mut Rng) {
    let value = rng.pick(&["{}", "{colors: true}", "{colors: yes}", "{colors: \"x\"}", "[]", "~", "{extensions: []}"]);
    d.top().set("preferences", raw(value));
    d.note(format!("preferences: {value}"));
}

fn extensions(d: &mut Draft, rng: &mut Rng) {
    let value = rng.pick(&[
        "[{name: a, extension: {x: 1}}]",
        "[{name: a, extension: [1, 2]}, {name: b, extension: hello}]",
        "[{name: a}, {name: a}]",
        "[{name: a, extension: ~}]",
        "[]",
    ]);
    let i = d.random_cluster(rng);
    let level = match rng.below(3) {
        0 => {
            d.top().set("extensions", raw(value));
            "top"
        }
        1 => {
            d.cluster(i).set("extensions", raw(value));
            "cluster"
        }
        _ => {
            d.list("contexts")[0].get_mut("context").expect("context map").set("extensions", raw(value));
            "context"
        }
    };
    d.note(format!("{level} extensions: {value}"));
}

fn user_fields(d: &mut Draft, rng: &mut Rng) {
    let (label, user) = rng.pick(&[
        ("client certificate data", "{client-certificate-data: TFMwdExTMUNSVWRKVGc9PQ==, client-key-data: a2V5}"),
        ("bad base64 client key data", "{client-certificate-data: YWJj, client-key-data: 'a2V5 a2V5'}"),
        (
            "exec",
            "{exec: {apiVersion: client.authentication.k8s.io/v1, command: /usr/bin/get-token, args: [--x, \"1\"]}}",
        ),
        ("exec args not a list", "{exec: {command: x, args: --x}}"),
        ("as-groups as a string", "{as: admin, as-groups: system:masters}"),
        ("token with username", "{token: t, username: u, password: p}"),
        ("auth-provider config", "{auth-provider: {name: oidc, config: {client-id: x, extra: 1}}}"),
        ("null user", "~"),
    ]);
    d.list("users")[0].set("user", raw(user));
    d.note(format!("user: {label}"));
}
