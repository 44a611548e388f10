//! Replacing `certificate-authority-data` by splicing the new value into the byte span of the
//! old one, so comments, key order, quoting, indentation, line endings and JSON layout survive.

use std::ops::Range;

use super::{Format, Kubeconfig};
use crate::CaBundle;
use crate::Position;
use crate::document::{Kind, Node, Style};
use crate::go_base64;

const KEY: &str = "certificate-authority-data";

/// A kubeconfig with new CA data, checked to read back as intended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CaEdit {
    /// The whole new file, byte-order mark included when the original had one.
    pub text: String,
    /// `false` when the file already trusted exactly this bundle and `text` is the input unchanged.
    pub changed: bool,
    /// The byte range of the original input that was replaced (empty when nothing changed).
    pub replaced: Range<usize>,
}

/// Why a CA edit was refused. Nothing is produced when an edit is not provably safe.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The file is UTF-16 (which client-go reads): the edit splices UTF-8 text, so it is not made.
    #[error("the kubeconfig is UTF-16 text; convert it to UTF-8 (or edit it by hand) to repair it")]
    Utf16,
    /// No cluster entry has the requested name.
    #[error("no cluster named {cluster:?} in the kubeconfig")]
    NoSuchCluster {
        /// The requested name.
        cluster: String,
    },
    /// The bundle to write holds no certificate.
    #[error("refusing to write an empty CA bundle into cluster {cluster:?}: client-go would reject it")]
    EmptyBundle {
        /// The cluster entry.
        cluster: String,
    },
    /// The cluster also names a `certificate-authority` file; which one wins would be a trap.
    #[error(
        "cluster {cluster:?} also names certificate-authority {path:?}; remove one of the two before editing (client-go reports both set as an error)"
    )]
    CaPathAlsoSet {
        /// The cluster entry.
        cluster: String,
        /// The file path in the kubeconfig.
        path: String,
    },
    /// `insecure-skip-tls-verify: true`; adding a CA would make client-go refuse the file.
    #[error(
        "cluster {cluster:?} sets insecure-skip-tls-verify: true; client-go refuses a CA together with it, so set it to false first"
    )]
    InsecureSkipTlsVerify {
        /// The cluster entry.
        cluster: String,
    },
    /// The value (or its cluster) is shared through a YAML anchor, alias or merge key; changing
    /// it in place would change, or fail to change, the other places that use it.
    #[error("{position}: cluster {cluster:?}: {what} comes from a YAML {via}; edit it by hand")]
    Shared {
        /// The cluster entry.
        cluster: String,
        /// What is shared.
        what: &'static str,
        /// `anchor`, `alias` or `merge key (<<)`.
        via: &'static str,
        /// Where.
        position: Position,
    },
    /// The value carries an explicit tag such as `!!binary`, which changes how it decodes.
    #[error("{position}: cluster {cluster:?}: certificate-authority-data is tagged {tag}; edit it by hand")]
    Tagged {
        /// The cluster entry.
        cluster: String,
        /// The tag.
        tag: String,
        /// Where.
        position: Position,
    },
    /// The layout around the value is one the splice cannot preserve.
    #[error("{position}: cluster {cluster:?}: {detail}")]
    UnsupportedLayout {
        /// The cluster entry.
        cluster: String,
        /// What is unusual.
        detail: &'static str,
        /// Where.
        position: Position,
    },
    /// The edited text did not read back as intended; the edit is withheld.
    #[error("the edited kubeconfig failed its self-check and was not produced: {detail}")]
    SelfCheckFailed {
        /// What differed.
        detail: String,
    },
}

impl Kubeconfig {
    /// The text of this kubeconfig with `certificate-authority-data` of `cluster` set to `bundle`.
    ///
    /// Only that value changes; the original style (plain, quoted, `|`/`>` block, JSON) is kept.
    /// The result is re-parsed and must decode to exactly `bundle` with every other field equal,
    /// or nothing is returned. When the file already holds the same certificates in the same
    /// order, the text comes back unchanged with `changed: false`.
    ///
    /// ```
    /// use okd_trust::{CaBundle, Kubeconfig};
    /// let config = Kubeconfig::parse(okd_trust::examples::NODE_KUBECONFIG.as_bytes())?;
    /// let bundle = CaBundle::from_pem(okd_trust::examples::CLUSTER_CA_BUNDLE.as_bytes())?;
    /// let edit = config.with_ca_bundle("local", &bundle)?;
    /// assert!(edit.changed);
    /// let again = Kubeconfig::parse(edit.text.as_bytes())?.with_ca_bundle("local", &bundle)?;
    /// assert!(!again.changed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_ca_bundle(&self, cluster: &str, bundle: &CaBundle) -> Result<CaEdit, EditError> {
        self.edit_ca_bundle(cluster, bundle).map(|(edit, _)| edit)
    }

    /// [`Kubeconfig::with_ca_bundle`], also handing back the re-parse of the new text that the
    /// self-check made (`None` when nothing changed), so callers need not parse it again.
    pub(crate) fn edit_ca_bundle(
        &self,
        cluster: &str,
        bundle: &CaBundle,
    ) -> Result<(CaEdit, Option<Kubeconfig>), EditError> {
        let entry = self.cluster(cluster).ok_or_else(|| EditError::NoSuchCluster { cluster: cluster.to_owned() })?;
        if self.document.utf16 {
            return Err(EditError::Utf16);
        }
        if bundle.is_empty() {
            return Err(EditError::EmptyBundle { cluster: cluster.to_owned() });
        }
        if !entry.cluster.certificate_authority.is_empty() {
            return Err(EditError::CaPathAlsoSet {
                cluster: cluster.to_owned(),
                path: entry.cluster.certificate_authority.clone(),
            });
        }
        if entry.cluster.insecure_skip_tls_verify {
            return Err(EditError::InsecureSkipTlsVerify { cluster: cluster.to_owned() });
        }
        if let Ok(Some(current)) = self.ca_bundle(cluster)
            && same_certificates(&current, bundle)
        {
            return Ok((CaEdit { text: self.text(), changed: false, replaced: 0..0 }, None));
        }
        let pem = bundle.to_pem();
        let encoded = go_base64::encode(pem.as_bytes());
        let (range, replacement) = Splicer { kubeconfig: self, cluster }.splice(&encoded)?;
        let source = self.source();
        let text = format!("{}{}{}", &source[..range.start], replacement, &source[range.end..]);
        let edited = self.self_check(cluster, &pem, &encoded, &text)?;
        let bom = self.document.bom_len;
        let edit = CaEdit { text: self.with_bom(&text), changed: true, replaced: range.start + bom..range.end + bom };
        Ok((edit, Some(edited)))
    }

    /// The whole input as read, byte-order mark included: what [`CaEdit::text`] is compared with.
    pub fn text(&self) -> String {
        self.with_bom(self.source())
    }

    /// `text` behind the byte-order mark the input started with, if any.
    fn with_bom(&self, text: &str) -> String {
        let bom = if self.document.bom_len > 0 { "\u{feff}" } else { "" };
        format!("{bom}{text}")
    }

    fn self_check(&self, cluster: &str, pem: &str, encoded: &str, text: &str) -> Result<Kubeconfig, EditError> {
        let failed = |detail: String| EditError::SelfCheckFailed { detail };
        let edited = Kubeconfig::parse(text.as_bytes()).map_err(|e| failed(format!("it does not parse: {e}")))?;
        // client-go decodes the new value to exactly the PEM that was encoded: the same
        // certificates, in the same order, and nothing else (no certificate parse needed).
        let new_data =
            edited.cluster(cluster).map(|c| c.cluster.certificate_authority_data.clone()).unwrap_or_default();
        // Reading back the very text encoded from the PEM proves it without a decode (base64
        // decodes exactly what it encodes); any other text must decode to the PEM.
        let reads_back = new_data == encoded || go_base64::decode(&new_data).ok().as_deref() == Some(pem.as_bytes());
        if !reads_back {
            return Err(failed("the CA data reads back as a different bundle".into()));
        }
        let mut expected = self.config().clone();
        for c in expected.clusters.iter_mut().filter(|c| c.name == cluster) {
            c.cluster.certificate_authority_data = new_data.clone();
        }
        if &expected != edited.config() {
            return Err(failed("a field other than certificate-authority-data changed".into()));
        }
        Ok(edited)
    }
}

fn same_certificates(a: &CaBundle, b: &CaBundle) -> bool {
    a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.sha256_fingerprint() == y.sha256_fingerprint())
}

struct Splicer<'a> {
    kubeconfig: &'a Kubeconfig,
    cluster: &'a str,
}

impl Splicer<'_> {
    fn text(&self) -> &str {
        self.kubeconfig.source()
    }

    fn position(&self, offset: usize) -> Position {
        self.kubeconfig.document.position(offset)
    }

    fn layout(&self, detail: &'static str, at: usize) -> EditError {
        EditError::UnsupportedLayout { cluster: self.cluster.to_owned(), detail, position: self.position(at) }
    }

    fn shared(&self, what: &'static str, node: &Node) -> Option<EditError> {
        let via = if node.via_alias {
            "alias"
        } else if node.anchor != 0 {
            "anchor"
        } else {
            return None;
        };
        Some(EditError::Shared { cluster: self.cluster.to_owned(), what, via, position: self.position(node.start) })
    }

    /// The byte range to replace and its replacement.
    fn splice(&self, encoded: &str) -> Result<(Range<usize>, String), EditError> {
        let root = self.kubeconfig.document.root.as_ref().ok_or_else(|| self.layout("the file is empty", 0))?;
        let clusters = root.get("clusters").ok_or_else(|| self.layout("no clusters list", root.start))?;
        if let Some(e) = self.shared("the clusters list", clusters) {
            return Err(e);
        }
        let item = clusters
            .items()
            .iter()
            .find(|item| item.get("name").and_then(Node::as_str) == Some(self.cluster))
            .ok_or_else(|| self.layout("cluster entry not found in the source", clusters.start))?;
        if let Some(e) = self.shared("the cluster entry", item) {
            return Err(e);
        }
        let mapping = item.get("cluster").ok_or_else(|| self.layout("the entry has no cluster mapping", item.start))?;
        if let Some(e) = self.shared("the cluster mapping", mapping) {
            return Err(e);
        }
        if !matches!(mapping.kind, Kind::Mapping(_)) {
            return Err(self.layout("the cluster value is not a mapping", mapping.start));
        }
        match mapping.entry(KEY) {
            Some((key, value)) => self.replace_value(key, value, encoded),
            None if mapping.entry("<<").is_some() => Err(EditError::Shared {
                cluster: self.cluster.to_owned(),
                what: "the cluster mapping",
                via: "merge key (<<)",
                position: self.position(mapping.start),
            }),
            None => self.insert_key(mapping, encoded),
        }
    }

    fn replace_value(&self, key: &Node, value: &Node, encoded: &str) -> Result<(Range<usize>, String), EditError> {
        if let Some(e) = self.shared(KEY, value) {
            return Err(e);
        }
        if let Some(tag) = &value.tag {
            let tag = tag.strip_prefix("tag:yaml.org,2002:").map_or_else(|| tag.clone(), |t| format!("!!{t}"));
            return Err(EditError::Tagged {
                cluster: self.cluster.to_owned(),
                tag,
                position: self.position(value.start),
            });
        }
        let Kind::Scalar { value: current, style } = &value.kind else {
            return Err(self.layout("certificate-authority-data is not a scalar", value.start));
        };
        let text = self.text();
        let after_colon = self.after_colon(key)?;
        let value_start = skip_spaces(text, after_colon);
        match style {
            Style::Plain if current.is_empty() => Ok((after_colon..after_colon, format!(" {encoded}"))),
            Style::Plain => Ok((value_start..value.end.max(value_start), encoded.to_owned())),
            Style::DoubleQuoted | Style::SingleQuoted => {
                let quote = if *style == Style::DoubleQuoted { '"' } else { '\'' };
                let end = quoted_end(text, value_start)
                    .ok_or_else(|| self.layout("unterminated quoted value", value_start))?;
                Ok((value_start..end, format!("{quote}{encoded}{quote}")))
            }
            Style::Literal | Style::Folded => self.replace_block(key, value_start, *style == Style::Literal, encoded),
        }
    }

    /// Rewrites a `|` or `>` block: the header line stays as written, the content lines take the
    /// new value at the same indentation (and, for `|`, the same line width).
    fn replace_block(
        &self,
        key: &Node,
        start: usize,
        literal: bool,
        encoded: &str,
    ) -> Result<(Range<usize>, String), EditError> {
        let text = self.text();
        let header_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let eol = if text[..header_end].ends_with('\r') { "\r\n" } else { "\n" };
        let header = text[start..header_end].trim_end_matches('\r');
        let key_column = self.column_of(key);
        let (mut content_indent, mut width, mut lines) = (None, 0, 0);
        let mut end = start + header.len();
        let mut line_start = header_end + 1;
        while line_start < text.len() {
            let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
            let line = text[line_start..line_end].trim_end_matches('\r');
            let next = line_end + 1;
            if line.trim().is_empty() {
                line_start = next;
                continue;
            }
            let indent = line.len() - line.trim_start_matches(' ').len();
            let required = *content_indent.get_or_insert(indent);
            if indent < required || indent <= key_column {
                break;
            }
            width = width.max(line.trim_end().len() - indent);
            lines += 1;
            end = line_start + line.len();
            line_start = next;
        }
        let indent = content_indent.filter(|&c| c > key_column).unwrap_or(key_column + 2);
        let chunk = if literal && lines > 1 { width.max(16) } else { usize::MAX };
        let mut out = header.to_owned();
        for piece in encoded.as_bytes().chunks(chunk.min(encoded.len()).max(1)) {
            out.push_str(eol);
            out.push_str(&" ".repeat(indent));
            out.push_str(std::str::from_utf8(piece).unwrap_or_default());
        }
        Ok((start..end, out))
    }

    /// Adds the key to a cluster mapping that lacks it, in the mapping's own style.
    fn insert_key(&self, mapping: &Node, encoded: &str) -> Result<(Range<usize>, String), EditError> {
        let text = self.text();
        let Kind::Mapping(entries) = &mapping.kind else {
            return Err(self.layout("the cluster value is not a mapping", mapping.start));
        };
        if text[mapping.start..].starts_with('{') {
            let at = mapping.start + 1;
            let entry = match self.kubeconfig.format() {
                Format::Json => format!("\"{KEY}\":\"{encoded}\""),
                Format::Yaml => format!("{KEY}: {encoded}"),
            };
            let separator = if entries.is_empty() { "" } else { "," };
            return Ok((at..at, format!("{entry}{separator}")));
        }
        let first =
            entries.first().map(|(k, _)| k).ok_or_else(|| self.layout("empty cluster mapping", mapping.start))?;
        let line_start = text[..first.start].rfind('\n').map_or(0, |i| i + 1);
        if !text[line_start..first.start].bytes().all(|b| b == b' ') {
            return Err(self.layout("the cluster mapping does not start on its own line", first.start));
        }
        let eol = if text[first.start..].contains("\r\n") { "\r\n" } else { "\n" };
        let indent = &text[line_start..first.start];
        Ok((line_start..line_start, format!("{indent}{KEY}: {encoded}{eol}")))
    }

    /// The byte just after the `:` that follows a mapping key.
    fn after_colon(&self, key: &Node) -> Result<usize, EditError> {
        let text = self.text();
        let key_end = match &key.kind {
            Kind::Scalar { style: Style::DoubleQuoted | Style::SingleQuoted, .. } => quoted_end(text, key.start),
            _ => Some(key.end),
        }
        .ok_or_else(|| self.layout("unterminated quoted key", key.start))?;
        let colon = skip_spaces(text, key_end);
        if text.as_bytes().get(colon) != Some(&b':') {
            return Err(self.layout("expected ':' after the key", colon));
        }
        Ok(colon + 1)
    }

    fn column_of(&self, node: &Node) -> usize {
        let text = self.text();
        node.start - text[..node.start].rfind('\n').map_or(0, |i| i + 1)
    }
}

fn skip_spaces(text: &str, from: usize) -> usize {
    from + text[from..].len() - text[from..].trim_start_matches([' ', '\t']).len()
}

/// The byte just past the closing quote of the quoted scalar starting at `start`.
fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(start)?;
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}
