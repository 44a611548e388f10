//! ConfigMaps and Secrets as `oc get -o yaml|json` prints them: one object, or a `List` of them.
//!
//! ```
//! use okd_trust::manifest::{self, ManifestKind};
//!
//! let yaml = br#"
//! apiVersion: v1
//! kind: ConfigMap
//! metadata:
//!   name: loadbalancer-serving-ca
//!   namespace: openshift-kube-apiserver-operator
//! data:
//!   ca-bundle.crt: |
//!     -----BEGIN CERTIFICATE-----
//! "#;
//! let objects = manifest::parse(yaml)?;
//! assert_eq!(objects[0].kind, ManifestKind::ConfigMap);
//! assert_eq!(objects[0].metadata.name, "loadbalancer-serving-ca");
//! assert!(objects[0].get("ca-bundle.crt").unwrap().starts_with(b"-----BEGIN"));
//! # Ok::<(), okd_trust::manifest::ManifestError>(())
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::document::{self, Document, Node, lenient};
use crate::{DocumentError, Limits, Position, go_base64};

/// The kinds of object read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ManifestKind {
    /// `v1/ConfigMap`.
    ConfigMap,
    /// `v1/Secret`.
    Secret,
}

/// Which field of the object an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntrySource {
    /// `data` (text in a ConfigMap, base64 in a Secret).
    Data,
    /// `binaryData` of a ConfigMap (base64).
    BinaryData,
    /// `stringData` of a Secret (text; wins over `data`).
    StringData,
}

/// One key of a ConfigMap or Secret, decoded to bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Entry {
    /// The key, e.g. `ca-bundle.crt`.
    pub key: String,
    /// The decoded value.
    pub value: Vec<u8>,
    /// Where it came from.
    pub source: EntrySource,
}

/// The metadata fields a diagnosis reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Metadata {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.creationTimestamp`, as written (RFC 3339).
    pub creation_timestamp: String,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
}

/// A ConfigMap or Secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Manifest {
    /// ConfigMap or Secret.
    pub kind: ManifestKind,
    /// Name, namespace, annotations.
    pub metadata: Metadata,
    /// A Secret's `type` (e.g. `kubernetes.io/tls`, or the legacy `SecretTypeTLS`); empty for ConfigMaps.
    pub secret_type: String,
    /// The keys, in the order written (`stringData` entries replace `data` entries of the same key).
    pub entries: Vec<Entry>,
}

impl Manifest {
    /// The decoded value of `key`.
    pub fn get(&self, key: &str) -> Option<&[u8]> {
        self.entries.iter().find(|e| e.key == key).map(|e| e.value.as_slice())
    }

    /// `namespace/name`.
    pub fn qualified_name(&self) -> String {
        format!("{}/{}", self.metadata.namespace, self.metadata.name)
    }
}

/// Why a manifest could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The YAML/JSON itself is unreadable or over a limit.
    #[error("manifest: {0}")]
    Document(#[from] DocumentError),
    /// The input holds no object.
    #[error("manifest: the input is empty")]
    Empty,
    /// The object is not a ConfigMap, Secret or List of them.
    #[error("manifest: {position}: kind {kind:?} is not a ConfigMap, Secret or List")]
    UnsupportedKind {
        /// The `kind` found.
        kind: String,
        /// Where the object starts.
        position: Position,
    },
    /// A field has the wrong shape.
    #[error("manifest: {position}: {message}")]
    Field {
        /// Where the object starts.
        position: Position,
        /// What was expected.
        message: String,
    },
    /// A base64 value does not decode (Go `StdEncoding`).
    #[error("manifest: {position}: {object} key {key:?} is not valid base64 (illegal data at byte {offset})")]
    InvalidBase64 {
        /// `namespace/name`.
        object: String,
        /// The key.
        key: String,
        /// Where the value is.
        position: Position,
        /// Offset of the first offending character in the value.
        offset: usize,
    },
}

/// Reads every ConfigMap and Secret in `input` (items of other kinds inside a `List` are skipped).
pub fn parse(input: &[u8]) -> Result<Vec<Manifest>, ManifestError> {
    parse_with_limits(input, &Limits::default())
}

/// [`parse`] within explicit limits.
pub fn parse_with_limits(input: &[u8], limits: &Limits) -> Result<Vec<Manifest>, ManifestError> {
    from_document(&document::parse(input, limits)?)
}

/// The ConfigMaps and Secrets of one document already read: input detection parses once and
/// hands the document over. A document followed by another is the caller's to refuse (see
/// `Document::more_documents`).
pub(crate) fn from_document(document: &Document) -> Result<Vec<Manifest>, ManifestError> {
    let root = document.root.as_ref().ok_or(ManifestError::Empty)?;
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or_default();
    if kind == "List" || kind.ends_with("List") {
        let items = root.get("items").map(Node::items).unwrap_or_default();
        let mut out = Vec::new();
        for item in items {
            let item_kind = item.get("kind").and_then(Node::as_str).unwrap_or_default();
            if matches!(item_kind, "ConfigMap" | "Secret") {
                out.push(read_object(document, item)?);
            }
        }
        return Ok(out);
    }
    Ok(vec![read_object(document, root)?])
}

#[derive(Deserialize)]
struct RawObject {
    #[serde(default, deserialize_with = "lenient::string")]
    kind: String,
    #[serde(default)]
    metadata: RawMetadata,
    #[serde(default, rename = "type", deserialize_with = "lenient::string")]
    secret_type: String,
    #[serde(default)]
    data: Option<serde_json::Map<String, Value>>,
    #[serde(default, rename = "binaryData")]
    binary_data: Option<serde_json::Map<String, Value>>,
    #[serde(default, rename = "stringData")]
    string_data: Option<serde_json::Map<String, Value>>,
}

#[derive(Deserialize, Default)]
struct RawMetadata {
    #[serde(default, deserialize_with = "lenient::string")]
    name: String,
    #[serde(default, deserialize_with = "lenient::string")]
    namespace: String,
    #[serde(default, rename = "creationTimestamp", deserialize_with = "lenient::string")]
    creation_timestamp: String,
    #[serde(default, deserialize_with = "lenient::or_default")]
    annotations: BTreeMap<String, Value>,
}

pub(crate) fn read_object(document: &Document, node: &Node) -> Result<Manifest, ManifestError> {
    // Counting lines is linear in the text before the object: done only for an error, or a List
    // of n objects would cost n².
    let position = || document.position(node.start);
    let raw: RawObject = document::from_node(node, document::Reading::Guided).map_err(|e| match e {
        document::FieldError::NotJson(e) => {
            ManifestError::Field { position: document.position(e.at), message: e.reason }
        }
        document::FieldError::Field(e) => {
            ManifestError::Field { position: document.position(e.offset(node.start)), message: e.message }
        }
    })?;
    let kind = match raw.kind.as_str() {
        "ConfigMap" => ManifestKind::ConfigMap,
        "Secret" => ManifestKind::Secret,
        _ => return Err(ManifestError::UnsupportedKind { kind: raw.kind, position: position() }),
    };
    let annotations = raw.metadata.annotations.into_iter().map(|(k, v)| (k, scalar_text(v))).collect();
    let metadata = Metadata {
        name: raw.metadata.name,
        namespace: raw.metadata.namespace,
        creation_timestamp: raw.metadata.creation_timestamp,
        annotations,
    };
    let object = format!("{}/{}", metadata.namespace, metadata.name);
    let text_value = |field: &str, key: &str, value: &Value| -> Result<String, ManifestError> {
        match value {
            Value::String(_) | Value::Null | Value::Bool(_) | Value::Number(_) => Ok(scalar_text(value.clone())),
            _ => {
                let at = node.get(field).and_then(|f| f.get(key)).map_or(node.start, |n| n.start);
                Err(ManifestError::Field {
                    position: document.position(at),
                    message: format!("{field}.{key} must be a string"),
                })
            }
        }
    };
    let base64_value = |field: &str, key: &str, value: &Value| -> Result<Vec<u8>, ManifestError> {
        let text = text_value(field, key, value)?;
        go_base64::decode(&text).map_err(|offset| {
            let at = node.get(field).and_then(|f| f.get(key)).map_or(node.start, |n| n.start);
            ManifestError::InvalidBase64 {
                object: object.clone(),
                key: key.to_owned(),
                position: document.position(at),
                offset,
            }
        })
    };
    // A key a later field repeats (stringData over data, as the API server merges them) takes
    // the later value where the key first appeared; the index keeps that constant-time.
    let mut entries: Vec<Entry> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut put = |key: &str, value: Vec<u8>, source| match index.get(key) {
        Some(&i) => {
            if let Some(entry) = entries.get_mut(i) {
                *entry = Entry { key: key.to_owned(), value, source };
            }
        }
        None => {
            index.insert(key.to_owned(), entries.len());
            entries.push(Entry { key: key.to_owned(), value, source });
        }
    };
    for (key, value) in raw.data.iter().flatten() {
        let bytes = match kind {
            ManifestKind::ConfigMap => text_value("data", key, value)?.into_bytes(),
            ManifestKind::Secret => base64_value("data", key, value)?,
        };
        put(key, bytes, EntrySource::Data);
    }
    for (key, value) in raw.binary_data.iter().flatten() {
        put(key, base64_value("binaryData", key, value)?, EntrySource::BinaryData);
    }
    for (key, value) in raw.string_data.iter().flatten() {
        put(key, text_value("stringData", key, value)?.into_bytes(), EntrySource::StringData);
    }
    Ok(Manifest {
        kind,
        metadata,
        secret_type: if kind == ManifestKind::Secret { raw.secret_type } else { String::new() },
        entries,
    })
}

/// A scalar as the text Go would read into a string field.
fn scalar_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
