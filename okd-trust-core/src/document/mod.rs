//! One YAML (or JSON) document as a tree of nodes that remember where they sit in the source.
//!
//! Kubeconfigs and manifests share this reader. It keeps what an editor needs and a plain data
//! model throws away: the byte span, style, tag and anchor of every scalar, and whether a node was
//! copied in through an alias. JSON is read by the same parser (JSON is YAML's flow style), so both
//! formats get the same positions, limits and errors.

mod ascii_input;
mod de;
pub(crate) mod go_json;
pub(crate) mod lenient;
mod long_values;
mod offsets;
mod value;

use std::borrow::Cow;

use saphyr_parser::{Event, Input, Parser, ScalarStyle, Span, Tag};

use crate::{Limits, Position};
use ascii_input::AsciiInput;
use long_values::Shortened;
use offsets::CharToByte;

pub(crate) use de::{FieldError, from_checked_node, from_node};
pub(crate) use value::{NotJson, Reading, check, entries};

/// How a scalar was written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Scalar { value: String, style: Style },
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
}

/// A node and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    /// Byte offset where the node starts (at its tag or anchor when it has one).
    pub(crate) start: usize,
    /// Byte offset just past a plain scalar; for other nodes a lower bound only (the parser's
    /// end marks run into trailing comments, so the editor measures quoted and block scalars itself).
    pub(crate) end: usize,
    /// The node carries an explicit tag, e.g. `!!binary` (as `tag:yaml.org,2002:binary`).
    pub(crate) tag: Option<String>,
    /// The parser's id of the anchor (`&name`) this node defines; 0 when it defines none.
    pub(crate) anchor: usize,
    /// The node is a copy made by following an alias (`*name`) or a merge key (`<<`).
    pub(crate) via_alias: bool,
}

impl Node {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The value of `key` in a mapping node (the last one, should the key repeat).
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Mapping(entries) => entries.iter().rev().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The `(key, value)` pair for `key` in a mapping node.
    pub(crate) fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        match &self.kind {
            Kind::Mapping(entries) => entries.iter().rev().find(|(k, _)| k.as_str() == Some(key)),
            _ => None,
        }
    }

    pub(crate) fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Sequence(items) => items,
            _ => &[],
        }
    }

    /// Bytes of scalar text in this node, keys included.
    fn text_bytes(&self) -> usize {
        match &self.kind {
            Kind::Scalar { value, .. } => value.len(),
            Kind::Sequence(items) => items.iter().map(Node::text_bytes).sum(),
            Kind::Mapping(entries) => entries.iter().map(|(k, v)| k.text_bytes() + v.text_bytes()).sum(),
        }
    }

    fn count(&self) -> usize {
        match &self.kind {
            Kind::Scalar { .. } => 1,
            Kind::Sequence(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Kind::Mapping(entries) => 1 + entries.iter().map(|(k, v)| k.count() + v.count()).sum::<usize>(),
        }
    }

    /// How many collections nest in this node (0 for a scalar).
    fn depth(&self) -> usize {
        match &self.kind {
            Kind::Scalar { .. } => 0,
            Kind::Sequence(items) => 1 + items.iter().map(Node::depth).max().unwrap_or(0),
            Kind::Mapping(entries) => 1 + entries.iter().map(|(k, v)| k.depth().max(v.depth())).max().unwrap_or(0),
        }
    }

    fn mark_via_alias(&mut self) {
        self.via_alias = true;
        match &mut self.kind {
            Kind::Scalar { .. } => {}
            Kind::Sequence(items) => items.iter_mut().for_each(Node::mark_via_alias),
            Kind::Mapping(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.mark_via_alias();
                v.mark_via_alias();
            }),
        }
    }
}

/// Why a YAML or JSON document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The input exceeds [`Limits::max_input_bytes`].
    #[error("input is {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// A control character YAML does not allow (Go's reader refuses the file).
    #[error("{position}: control characters are not allowed")]
    ControlCharacter {
        /// Where the character is.
        position: Position,
    },
    /// The input is not UTF-8 (YAML and JSON both require it).
    #[error("{position}: not valid UTF-8")]
    NotUtf8 {
        /// Where the first invalid byte sits.
        position: Position,
    },
    /// The YAML/JSON syntax is broken.
    #[error("{position}: syntax error: {message}")]
    Syntax {
        /// Where the parser stopped.
        position: Position,
        /// The parser's explanation.
        message: String,
    },
    /// A second document (`---`) follows the first where exactly one is expected (manifests;
    /// kubeconfigs are read like client-go reads them: the first document, the rest ignored).
    #[error("{position}: a second YAML document starts here; exactly one document is expected")]
    MultipleDocuments {
        /// Where the second document starts.
        position: Position,
    },
    /// Collections nest deeper than [`Limits::max_nesting_depth`].
    #[error("{position}: nesting deeper than {limit} levels")]
    TooDeep {
        /// Where the limit was crossed.
        position: Position,
        /// The limit in force.
        limit: usize,
    },
    /// The document, with its aliases expanded, has more than [`Limits::max_nodes`] nodes.
    #[error("{position}: more than {limit} nodes once aliases are expanded (a \"billion laughs\" document?)")]
    TooManyNodes {
        /// Where the limit was crossed.
        position: Position,
        /// The limit in force.
        limit: usize,
    },
    /// More aliases than [`Limits::max_aliases`].
    #[error("{position}: more than {limit} aliases")]
    TooManyAliases {
        /// Where the limit was crossed.
        position: Position,
        /// The limit in force.
        limit: usize,
    },
    /// Aliases copy more scalar text than [`Limits::max_alias_bytes`].
    #[error("{position}: aliases expand to more than {limit} bytes of text (a \"billion laughs\" document?)")]
    TooMuchAliasText {
        /// Where the limit was crossed.
        position: Position,
        /// The limit in force.
        limit: usize,
    },
    /// An alias names an anchor that was not defined before it.
    #[error("{position}: alias to an unknown anchor")]
    UnknownAnchor {
        /// Where the alias is.
        position: Position,
    },
    /// A value has no JSON form that client-go accepts (NaN, an infinity, a null map key...).
    #[error("{position}: {reason}")]
    NotJson {
        /// Where the value is.
        position: Position,
        /// Why.
        reason: String,
    },
    /// A mapping key is not a scalar.
    #[error("{position}: a mapping key must be a plain string")]
    ComplexKey {
        /// Where the key is.
        position: Position,
    },
}

impl DocumentError {
    /// Where the problem is, when it has a place.
    pub fn position(&self) -> Option<Position> {
        match self {
            DocumentError::TooLarge { .. } => None,
            DocumentError::NotUtf8 { position }
            | DocumentError::Syntax { position, .. }
            | DocumentError::MultipleDocuments { position }
            | DocumentError::TooDeep { position, .. }
            | DocumentError::TooManyNodes { position, .. }
            | DocumentError::TooManyAliases { position, .. }
            | DocumentError::TooMuchAliasText { position, .. }
            | DocumentError::UnknownAnchor { position }
            | DocumentError::NotJson { position, .. }
            | DocumentError::ControlCharacter { position }
            | DocumentError::ComplexKey { position } => Some(*position),
        }
    }
}

/// A parsed document: its text (without a byte-order mark) and its root node (`None` when empty).
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// Length of the byte-order mark stripped from the front (0, 2 for UTF-16, 3 for UTF-8).
    pub(crate) bom_len: usize,
    /// The input was UTF-16 (and `text` is its UTF-8 transcription).
    pub(crate) utf16: bool,
    pub(crate) text: String,
    pub(crate) root: Option<Node>,
    /// Another document follows the first (read with [`parse_first`], which stops there): a
    /// reader that wants exactly one refuses it ([`parse`] would have).
    pub(crate) more_documents: bool,
}

impl Document {
    pub(crate) fn position(&self, offset: usize) -> Position {
        Position::in_text(self.text.as_bytes(), offset).shifted(self.bom_len)
    }
}

enum Frame {
    Sequence {
        node: Node,
        items: Vec<Node>,
    },
    /// A repeated key is kept: readers take its last value, as Go's yaml.v2 does.
    Mapping {
        node: Node,
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
    },
}

/// How many documents a stream may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Documents {
    /// Exactly one: a second is an error.
    One,
    /// The first is read and the rest ignored unread, as Go's yaml.v2 `Unmarshal` does (kubeconfigs).
    First,
}

/// Reads exactly one YAML or JSON document from `input`.
pub(crate) fn parse(input: &[u8], limits: &Limits) -> Result<Document, DocumentError> {
    parse_documents(input, limits, Documents::One)
}

/// Reads the first YAML or JSON document of `input`, ignoring any after it.
pub(crate) fn parse_first(input: &[u8], limits: &Limits) -> Result<Document, DocumentError> {
    parse_documents(input, limits, Documents::First)
}

fn parse_documents(input: &[u8], limits: &Limits, documents: Documents) -> Result<Document, DocumentError> {
    if input.len() > limits.max_input_bytes {
        return Err(DocumentError::TooLarge { size: input.len(), limit: limits.max_input_bytes });
    }
    // Go's YAML reader takes UTF-16 behind a byte-order mark as well as UTF-8; the text is then
    // UTF-8 here, and positions count in it.
    let utf16 = match input {
        [0xFF, 0xFE, ..] => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        [0xFE, 0xFF, ..] => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    let (bom_len, text) = match utf16 {
        Some(unit) => {
            let units = input[2..].chunks(2).map(|pair| unit([pair[0], pair.get(1).copied().unwrap_or(0)]));
            let text: Result<String, _> = char::decode_utf16(units).collect();
            let text = text.map_err(|_| DocumentError::NotUtf8 { position: Position::at_byte(2) })?;
            (2, text)
        }
        None => {
            let bom_len = if input.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
            match std::str::from_utf8(&input[bom_len..]) {
                Ok(text) => (bom_len, text.to_owned()),
                Err(e) => {
                    let position = Position::in_text(input, bom_len + e.valid_up_to());
                    return Err(DocumentError::NotUtf8 { position });
                }
            }
        }
    };
    if let Some(at) = first_control(&text) {
        return Err(DocumentError::ControlCharacter {
            position: Position::in_text(text.as_bytes(), at).shifted(bom_len),
        });
    }
    let (root, more_documents) = build(&text, limits, documents)?;
    let root = root.map(|mut root| {
        root.start = root.start.min(text.len());
        root
    });
    Ok(Document { bom_len, utf16: utf16.is_some(), text, root, more_documents })
}

/// The offset of the first character YAML does not allow anywhere (Go's reader refuses the whole
/// input): C0 controls but tab, line feed and carriage return; DEL; C1 controls but NEL; U+FFFE
/// and U+FFFF.
fn first_control(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let ascii = bytes.iter().position(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F);
    // Non-ASCII controls start with 0xC2 (C1) or 0xEF (U+FFFE/U+FFFF): rare bytes, found by memchr.
    let wide =
        memchr::memchr2_iter(0xC2, 0xEF, bytes).find(|&i| match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (0xC2, Some(&next), _) => (0x80..=0x9F).contains(&next) && next != 0x85,
            (0xEF, Some(&0xBF), Some(&(0xBE | 0xBF))) => true,
            _ => false,
        });
    match (ascii, wide) {
        (Some(a), Some(w)) => Some(a.min(w)),
        (a, w) => a.or(w),
    }
}

/// The root node of `text`, parsed with its long values cut short where that is safe, and
/// whether another document follows (read only with [`Documents::First`], which stops there).
fn build(text: &str, limits: &Limits, documents: Documents) -> Result<(Option<Node>, bool), DocumentError> {
    if let Some(shortened) = Shortened::new(text)
        && let Ok((root, more)) = Builder::new(&shortened.text, limits, documents).run_counting()
        && let Some(root) = shortened.restore(root, text)
    {
        return Ok((root, more));
    }
    match Builder::new(text, limits, documents).run_counting() {
        // Go's reader takes a tab after a flow `:` as a separator (JSON written with tabs);
        // saphyr does not. The same text with such tabs as spaces has the same offsets.
        Err(DocumentError::Syntax { message, .. })
            if message.contains("valid YAML whitespace") && text.contains(":\t") =>
        {
            Builder::new(&text.replace(":\t", ": "), limits, documents).run_counting()
        }
        other => other,
    }
}

struct Builder<'a> {
    text: &'a str,
    offsets: CharToByte<'a>,
    limits: &'a Limits,
    documents_allowed: Documents,
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node)>,
    nodes: usize,
    aliases: usize,
    alias_bytes: usize,
    documents: usize,
    /// A second document starts after the first (seen only in `Documents::First`).
    more_documents: bool,
    root: Option<Node>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, limits: &'a Limits, documents_allowed: Documents) -> Self {
        Builder {
            text,
            offsets: CharToByte::new(text),
            limits,
            documents_allowed,
            stack: Vec::new(),
            anchors: Vec::new(),
            nodes: 0,
            aliases: 0,
            alias_bytes: 0,
            documents: 0,
            more_documents: false,
            root: None,
        }
    }

    fn position(&self, byte: usize) -> Position {
        Position::in_text(self.text.as_bytes(), byte)
    }

    #[cfg(test)]
    fn run(self) -> Result<Option<Node>, DocumentError> {
        self.run_counting().map(|(root, _)| root)
    }

    /// The root node, and whether a second document follows the first.
    fn run_counting(self) -> Result<(Option<Node>, bool), DocumentError> {
        let text = self.text;
        match AsciiInput::new(text) {
            Some(input) => self.feed(Parser::new(input)),
            None => self.feed(Parser::new_from_str(text)),
        }
    }

    fn feed<T: Input>(mut self, mut parser: Parser<'a, T>) -> Result<(Option<Node>, bool), DocumentError> {
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| {
                let position = self.position(self.offsets.byte(e.marker().index()));
                // The parser guards its own recursion, below ours for flow collections it scans ahead.
                if e.info().contains("recursion limit") {
                    DocumentError::TooDeep { position, limit: self.limits.max_nesting_depth }
                } else {
                    DocumentError::Syntax { position, message: e.info().to_owned() }
                }
            })?;
            if self.on_event(event, span)? {
                break;
            }
        }
        Ok((self.root, self.more_documents))
    }

    fn node(&self, kind: Kind, span: Span, anchor: usize, tag: Option<Cow<'_, Tag>>) -> Node {
        Node {
            kind,
            start: self.offsets.byte(span.start.index()),
            end: self.offsets.byte(span.end.index()),
            tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
            anchor,
            via_alias: false,
        }
    }

    /// Refuses a tag that Go's yaml.v2 (YAML 1.1, so kubelet) scans differently from this
    /// parser (YAML 1.2). yaml.v2 reads `,`, `[` and `]` as part of a tag, in flow context too,
    /// and then wants a blank: so `{a: !!str, b: c}` and `{a: !!str}` do not load for kubelet,
    /// where YAML 1.2 ends the tag before the indicator and reads on. Reading such a file would
    /// accept what kubelet cannot load; the rare file yaml.v2 still loads this way (`[!!str, b]`,
    /// a differently tagged list) is refused too, the safe way round.
    fn check_tag_end(&self, node_start: usize) -> Result<(), DocumentError> {
        let rest = &self.text.as_bytes()[node_start.min(self.text.len())..];
        let mut i = 0;
        if rest.first() == Some(&b'&') {
            // The anchor, then the blanks before the tag.
            while i < rest.len() && !rest[i].is_ascii_whitespace() {
                i += 1;
            }
            while i < rest.len() && (rest[i] == b' ' || rest[i] == b'\t') {
                i += 1;
            }
        }
        if rest.get(i) != Some(&b'!') || rest.get(i + 1) == Some(&b'<') {
            // No tag written here, or a verbatim `!<...>`, which both scanners end at its `>`.
            return Ok(());
        }
        let start = i;
        // yaml.v2's tag characters: letters, digits and `_-;/?:@&=+$,.!~*'()[]%`.
        let uri = |b: u8| b.is_ascii_alphanumeric() || b"_-;/?:@&=+$,.!~*'()[]%".contains(&b);
        while i < rest.len() && uri(rest[i]) {
            i += 1;
        }
        let message = if rest[start..i].iter().any(|b| b",[]".contains(b)) {
            "a tag runs into a flow indicator, which YAML 1.1 (Go's yaml.v2) reads as part of the tag: did not \
             find expected ',' or '}'"
        } else if rest.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
            "while scanning a tag, did not find expected whitespace or line break (YAML 1.1, Go's yaml.v2)"
        } else {
            return Ok(());
        };
        Err(DocumentError::Syntax { position: self.position(node_start + i), message: message.into() })
    }

    /// Handles one parser event; `true` when the stream is over.
    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<bool, DocumentError> {
        let here = self.offsets.byte(span.start.index());
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return match self.documents_allowed {
                        // Stop before the parser reads on: Go never looks at what follows.
                        Documents::First => {
                            self.more_documents = true;
                            Ok(true)
                        }
                        Documents::One => Err(DocumentError::MultipleDocuments { position: self.position(here) }),
                    };
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                if tag.is_some() {
                    self.check_tag_end(here)?;
                }
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let node = self.node(Kind::Scalar { value: value.into_owned(), style }, span, anchor, tag);
                self.count(1, here)?;
                self.remember(&node);
                self.attach(node)?;
            }
            Event::SequenceStart(anchor, tag) => {
                if tag.is_some() {
                    self.check_tag_end(here)?;
                }
                self.open(here)?;
                let node = self.node(Kind::Sequence(Vec::new()), span, anchor, tag);
                self.stack.push(Frame::Sequence { node, items: Vec::new() });
            }
            Event::MappingStart(anchor, tag) => {
                if tag.is_some() {
                    self.check_tag_end(here)?;
                }
                self.open(here)?;
                let node = self.node(Kind::Mapping(Vec::new()), span, anchor, tag);
                self.stack.push(Frame::Mapping { node, entries: Vec::new(), pending_key: None });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Sequence { mut node, items }) => {
                        node.kind = Kind::Sequence(items);
                        node
                    }
                    Some(Frame::Mapping { mut node, entries, .. }) => {
                        node.kind = Kind::Mapping(entries);
                        node
                    }
                    None => return Ok(false),
                };
                let mut node = node;
                node.end = node.end.max(self.offsets.byte(span.end.index()));
                self.remember(&node);
                self.attach(node)?;
            }
            Event::Alias(id) => {
                self.aliases += 1;
                if self.aliases > self.limits.max_aliases {
                    return Err(DocumentError::TooManyAliases {
                        position: self.position(here),
                        limit: self.limits.max_aliases,
                    });
                }
                let Some((size, depth, bytes)) = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, n)| (n.count(), n.depth(), n.text_bytes()))
                else {
                    return Err(DocumentError::UnknownAnchor { position: self.position(here) });
                };
                // Count before copying, so a "billion laughs" document is refused before it is built
                // (in nodes and in bytes: one alias of a large string costs its whole size); and bound
                // the depth the copy reaches, or aliases of aliases nest without limit.
                self.count(size, here)?;
                self.alias_bytes = self.alias_bytes.saturating_add(bytes);
                if self.alias_bytes > self.limits.max_alias_bytes {
                    return Err(DocumentError::TooMuchAliasText {
                        position: self.position(here),
                        limit: self.limits.max_alias_bytes,
                    });
                }
                if self.stack.len() + depth > self.limits.max_nesting_depth {
                    return Err(DocumentError::TooDeep {
                        position: self.position(here),
                        limit: self.limits.max_nesting_depth,
                    });
                }
                let Some(mut copy) = self.anchors.iter().rev().find(|(a, _)| *a == id).map(|(_, n)| n.clone()) else {
                    return Err(DocumentError::UnknownAnchor { position: self.position(here) });
                };
                copy.mark_via_alias();
                copy.start = here;
                copy.end = self.offsets.byte(span.end.index());
                self.attach(copy)?;
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
        Ok(false)
    }

    fn open(&mut self, here: usize) -> Result<(), DocumentError> {
        self.count(1, here)?;
        if self.stack.len() >= self.limits.max_nesting_depth {
            return Err(DocumentError::TooDeep { position: self.position(here), limit: self.limits.max_nesting_depth });
        }
        Ok(())
    }

    fn count(&mut self, n: usize, here: usize) -> Result<(), DocumentError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(DocumentError::TooManyNodes { position: self.position(here), limit: self.limits.max_nodes });
        }
        Ok(())
    }

    fn remember(&mut self, node: &Node) {
        if node.anchor != 0 {
            self.anchors.push((node.anchor, node.clone()));
        }
    }

    fn attach(&mut self, node: Node) -> Result<(), DocumentError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, pending_key, .. }) => match pending_key.take() {
                None => {
                    if !matches!(node.kind, Kind::Scalar { .. }) {
                        return Err(DocumentError::ComplexKey {
                            position: Position::in_text(self.text.as_bytes(), node.start),
                        });
                    }
                    *pending_key = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }
}
