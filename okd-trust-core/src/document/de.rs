//! Typed models read straight from the node tree, with the reading of [`value`](super::value):
//! no JSON tree is built between the YAML and the model, and an error points at the node it is
//! about.
//!
//! The model's field readers (`go_json`, `lenient`) still see each field as a JSON value; the
//! deserializer hands them one field at a time, borrowing the text from the node.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};

use super::value::{self, NotJson, Reading, Scalar};
use super::{Kind, Node};

/// Reads `T` from `node` as client-go (or, with [`Reading::Guided`], the API server) would: the
/// whole node is first checked for what has no JSON form, since Go converts a document to JSON
/// before it reads a single field.
pub(crate) fn from_node<'a, T: de::Deserialize<'a>>(node: &'a Node, reading: Reading) -> Result<T, FieldError> {
    value::check(node, reading).map_err(FieldError::NotJson)?;
    from_checked_node(node, reading).map_err(FieldError::Field)
}

/// [`from_node`] for a node [`value::check`] has already passed (a reader that must do
/// something between the two, as client-go sniffs a kubeconfig's version): the walk is not
/// repeated.
pub(crate) fn from_checked_node<'a, T: de::Deserialize<'a>>(node: &'a Node, reading: Reading) -> Result<T, DeError> {
    T::deserialize(NodeDeserializer { node, reading })
}

/// Why a node does not read as the model.
#[derive(Debug)]
pub(crate) enum FieldError {
    /// Go's YAML-to-JSON conversion refuses the node (checked before any field is read).
    NotJson(NotJson),
    /// A field has the wrong shape or type.
    Field(DeError),
}

/// A field that does not read, with the node it is about and the path to it.
#[derive(Debug)]
pub(crate) struct DeError {
    /// Byte offset of the innermost node the error was seen at; `None` for the node read first.
    pub(crate) at: Option<usize>,
    /// Keys and indices from the node read down to `at`, outermost last (errors gather them on
    /// their way out).
    segments: Vec<Segment>,
    pub(crate) message: String,
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

impl DeError {
    /// The path to the field, as `clusters[0].cluster.server`.
    pub(crate) fn path(&self) -> String {
        let mut path = String::new();
        for segment in self.segments.iter().rev() {
            match segment {
                Segment::Index(index) => path.push_str(&format!("[{index}]")),
                Segment::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
            }
        }
        path
    }

    /// Where the error is in `document`, or at `fallback` when it arose at the node read first.
    pub(crate) fn offset(&self, fallback: usize) -> usize {
        self.at.unwrap_or(fallback)
    }

    /// The error as seen from the parent: in `node`, under `segment`.
    fn within(mut self, node: &Node, segment: Segment) -> Self {
        self.at.get_or_insert(node.start);
        self.segments.push(segment);
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DeError { at: None, segments: Vec::new(), message: message.to_string() }
    }
}

impl From<NotJson> for DeError {
    fn from(e: NotJson) -> Self {
        DeError { at: Some(e.at), segments: Vec::new(), message: e.reason }
    }
}

#[derive(Clone, Copy)]
struct NodeDeserializer<'a> {
    node: &'a Node,
    reading: Reading,
}

impl<'de> Deserializer<'de> for NodeDeserializer<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Scalar { .. } => match value::json_scalar(self.node, self.reading)? {
                Scalar::Null => visitor.visit_unit(),
                Scalar::Bool(b) => visitor.visit_bool(b),
                Scalar::Number(n) => match (n.as_u64(), n.as_i64()) {
                    (Some(u), _) => visitor.visit_u64(u),
                    (None, Some(i)) => visitor.visit_i64(i),
                    // Neither integer form: a finite float.
                    (None, None) => visitor.visit_f64(n.as_f64().unwrap_or_default()),
                },
                Scalar::Str(Cow::Borrowed(text)) => visitor.visit_borrowed_str(text),
                Scalar::Str(Cow::Owned(text)) => visitor.visit_string(text),
                // `json_scalar` refuses these; the arm only completes the match.
                Scalar::NotFinite => Err(de::Error::custom("NaN or an infinity, which JSON cannot hold")),
            },
            Kind::Sequence(items) => {
                visitor.visit_seq(Items { items: items.iter().enumerate(), reading: self.reading })
            }
            Kind::Mapping(pairs) => {
                let entries = value::entries(pairs, self.reading)?;
                visitor.visit_map(Entries { entries: entries.into_iter(), value: None, reading: self.reading })
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Scalar { .. } if value::json_scalar(self.node, self.reading)? == Scalar::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// A struct is a mapping (or null, for the readers that default it): Go's decoder never fills
    /// a struct from a list, as serde's derived visitors would from a sequence.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Sequence(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &visitor)),
            _ => self.deserialize_any(visitor),
        }
    }

    /// An ignored field was checked already (see [`from_node`]); nothing in it is read.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier
    }
}

struct Items<'a> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Node>>,
    reading: Reading,
}

impl<'de> de::SeqAccess<'de> for Items<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        let Some((index, item)) = self.items.next() else { return Ok(None) };
        seed.deserialize(NodeDeserializer { node: item, reading: self.reading })
            .map(Some)
            .map_err(|e| e.within(item, Segment::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'a> {
    entries: std::vec::IntoIter<(Cow<'a, str>, &'a Node)>,
    /// The value of the key just handed out, with the key (for the error path).
    value: Option<(Cow<'a, str>, &'a Node)>,
    reading: Reading,
}

impl<'de> de::MapAccess<'de> for Entries<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        let Some((key, node)) = self.entries.next() else { return Ok(None) };
        let read = match &key {
            Cow::Borrowed(text) => seed.deserialize(de::value::BorrowedStrDeserializer::new(text)),
            Cow::Owned(text) => seed.deserialize(text.as_str().into_deserializer()),
        };
        self.value = Some((key, node));
        read.map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some((key, node)) = self.value.take() else {
            return Err(de::Error::custom("a value was asked for before its key"));
        };
        seed.deserialize(NodeDeserializer { node, reading: self.reading })
            .map_err(|e| e.within(node, Segment::Key(key.into_owned())))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}
