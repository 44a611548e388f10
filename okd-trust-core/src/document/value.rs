//! The reading client-go gives a document: `sigs.k8s.io/yaml`'s `YAMLToJSON`, which reads YAML
//! with Go's yaml.v2 (YAML 1.1) into untyped values and marshals them as JSON.
//!
//! No field types guide this reading (client-go passes none), so an unquoted `2019`, `yes` or
//! `1.5` is a number or a boolean here whatever field it sits in, and the typed readers in
//! [`go_json`](super::go_json) refuse it where Go's `encoding/json` would. Merge keys (`<<`) follow
//! yaml.v2 too: applied in place, in order, the merged values overriding keys written before them.
//!
//! Nothing here builds a JSON tree: [`check`] finds what `YAMLToJSON` would refuse, and the
//! deserializer in [`de`](super::de) reads the typed model straight from the nodes through
//! [`scalar`] and [`entries`].

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use base64::Engine as _;
use serde_json::Number;

use super::{Kind, Node, Style};

/// Why a node has no JSON form client-go would accept, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotJson {
    /// Byte offset of the offending node.
    pub(crate) at: usize,
    /// What Go reports, in words.
    pub(crate) reason: String,
}

const TAG: &str = "tag:yaml.org,2002:";

/// Whose reading of untyped YAML to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// client-go's: no target types, so every YAML 1.1 spelling of a boolean or number is one.
    Untyped,
    /// The API server's and `oc`'s, guided by the object's Go types: only spellings that mean the
    /// same in every field (`true`, `false`, null, canonical numbers) are typed; `yes` or `0x1F`
    /// stay text, which a string field then takes as it is.
    Guided,
}

/// A scalar as yaml.v2 decodes it: the JSON value it becomes, or a number JSON cannot hold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(Number),
    /// Text, borrowed from the node unless a tag rewrote it (`!!binary`).
    Str(Cow<'a, str>),
    /// `.nan`, `.inf` and their kin: numbers JSON cannot hold.
    NotFinite,
}

/// Finds what `YAMLToJSON` would refuse anywhere in `node` (a NaN, a null or collection key, a
/// scalar its tag cannot hold, a merge of a non-mapping), in document order: client-go converts
/// the whole document before it reads a single field, so these errors come first.
pub(crate) fn check(node: &Node, reading: Reading) -> Result<(), NotJson> {
    match &node.kind {
        Kind::Scalar { .. } => json_scalar(node, reading).map(drop),
        Kind::Sequence(items) => items.iter().try_for_each(|item| check(item, reading)),
        Kind::Mapping(pairs) => for_each_entry(pairs, reading, |_, value| check(value, reading)),
    }
}

/// A scalar node's value, refusing what JSON cannot hold.
pub(crate) fn json_scalar(node: &Node, reading: Reading) -> Result<Scalar<'_>, NotJson> {
    let Kind::Scalar { value, style } = &node.kind else {
        return Err(NotJson { at: node.start, reason: "expected a scalar".into() });
    };
    match scalar(value, *style, node.tag.as_deref(), reading) {
        Ok(Scalar::NotFinite) => Err(NotJson {
            at: node.start,
            reason: format!("{value:?} is NaN or an infinity, which JSON cannot hold (client-go refuses the file)"),
        }),
        Ok(resolved) => Ok(resolved),
        Err(reason) => Err(NotJson { at: node.start, reason }),
    }
}

/// The entries of a mapping as the JSON object `YAMLToJSON` makes of it: keys as JSON text,
/// merges applied, each repeated key's last value kept (in the place the key first took).
///
/// yaml.v2 decodes every entry, a repeated key replacing the value before it (outside strict
/// mode); sigs.k8s.io/yaml then converts what is left to JSON. So a value that a later duplicate
/// replaces is decoded (its tags must resolve) but never converted: a null key or a NaN inside it
/// cannot fail the file.
pub(crate) fn entries(pairs: &[(Node, Node)], reading: Reading) -> Result<Vec<(Cow<'_, str>, &Node)>, NotJson> {
    let mut entries = Vec::with_capacity(pairs.len());
    for_each_entry(pairs, reading, |key, value| {
        entries.push((key, value));
        Ok(())
    })?;
    Ok(entries)
}

/// Calls `each` with every entry of [`entries`], in order, without collecting them when no merge
/// key makes keys collide (the common case, and the one [`check`] walks on every mapping).
fn for_each_entry<'a>(
    pairs: &'a [(Node, Node)],
    reading: Reading,
    mut each: impl FnMut(Cow<'a, str>, &'a Node) -> Result<(), NotJson>,
) -> Result<(), NotJson> {
    let replaced = replaced_entries(pairs, reading)?;
    if !pairs.iter().any(|(key, _)| is_merge(key)) {
        // The surviving keys are unique already: each is emitted where it stands.
        for ((key, value), replaced) in pairs.iter().zip(replaced) {
            if replaced {
                decode(value, reading)?;
            } else {
                each(key_text(key, reading)?, value)?;
            }
        }
        return Ok(());
    }
    let mut object = Object::default();
    for ((key, value), replaced) in pairs.iter().zip(replaced) {
        if is_merge(key) {
            merge(value, &mut object, reading)?;
        } else if replaced {
            decode(value, reading)?;
        } else {
            object.insert(key_text(key, reading)?, value, reading)?;
        }
    }
    object.entries.into_iter().try_for_each(|(key, value)| each(key, value))
}

/// A JSON object under construction: entries in insertion order, indexed by key once a merge
/// can make keys collide.
#[derive(Default)]
struct Object<'a> {
    entries: Vec<(Cow<'a, str>, &'a Node)>,
    index: HashMap<Cow<'a, str>, usize>,
}

impl<'a> Object<'a> {
    /// Sets `key` to `value`; a value it displaces was decoded by yaml.v2 and is then dropped.
    fn insert(&mut self, key: Cow<'a, str>, value: &'a Node, reading: Reading) -> Result<(), NotJson> {
        match self.index.get(&key) {
            Some(&at) => {
                let displaced = std::mem::replace(&mut self.entries[at].1, value);
                decode(displaced, reading)
            }
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
                Ok(())
            }
        }
    }
}

/// For each entry, whether a later entry has the same key (as yaml.v2 compares decoded keys; a
/// merge entry is never replaced this way).
fn replaced_entries(pairs: &[(Node, Node)], reading: Reading) -> Result<Vec<bool>, NotJson> {
    let keys = pairs
        .iter()
        .map(|(key, _)| if is_merge(key) { Ok(None) } else { decoded_key(key, reading).map(Some) })
        .collect::<Result<Vec<_>, _>>()?;
    let mut replaced = vec![false; pairs.len()];
    // Most mappings are a handful of keys: comparing each with the ones after it costs less than
    // hashing them. Wide ones (a hostile file) take a hash set, linear in the width.
    const NARROW: usize = 16;
    if keys.len() <= NARROW {
        for (i, key) in keys.iter().enumerate() {
            replaced[i] = key.is_some() && keys[i + 1..].contains(key);
        }
    } else {
        let mut later = HashSet::new();
        for (i, key) in keys.iter().enumerate().rev() {
            if let Some(key) = key {
                replaced[i] = !later.insert(key);
            }
        }
    }
    Ok(replaced)
}

/// A mapping key as yaml.v2 decodes it, for telling keys apart: `1` and `"1"` differ, as do `1`
/// and `1.0`. A collection cannot be a key at all; anything else can, null included (only the
/// JSON conversion refuses that one).
#[derive(PartialEq, Eq, Hash)]
enum DecodedKey<'a> {
    Null,
    Bool(bool),
    /// A number, by its JSON text (which tells an integer from a float).
    Number(String),
    Str(Cow<'a, str>),
    NotFinite(&'a str),
}

fn decoded_key(key: &Node, reading: Reading) -> Result<DecodedKey<'_>, NotJson> {
    let Kind::Scalar { value, style } = &key.kind else {
        return Err(NotJson { at: key.start, reason: "invalid map key: a collection".into() });
    };
    let decoded =
        scalar(value, *style, key.tag.as_deref(), reading).map_err(|reason| NotJson { at: key.start, reason })?;
    Ok(match decoded {
        Scalar::Null => DecodedKey::Null,
        Scalar::Bool(b) => DecodedKey::Bool(b),
        Scalar::Number(n) => DecodedKey::Number(n.to_string()),
        Scalar::Str(s) => DecodedKey::Str(s),
        Scalar::NotFinite => DecodedKey::NotFinite(value),
    })
}

/// yaml.v2's decoding of a value that is then thrown away: only what fails while decoding (a
/// scalar its tag cannot hold, a collection as a key) fails the file.
fn decode(node: &Node, reading: Reading) -> Result<(), NotJson> {
    match &node.kind {
        Kind::Scalar { value, style } => match scalar(value, *style, node.tag.as_deref(), reading) {
            Ok(_) => Ok(()),
            Err(reason) => Err(NotJson { at: node.start, reason }),
        },
        Kind::Sequence(items) => items.iter().try_for_each(|item| decode(item, reading)),
        Kind::Mapping(pairs) => pairs.iter().try_for_each(|(key, value)| {
            decoded_key(key, reading)?;
            decode(value, reading)
        }),
    }
}

/// A plain `<<`, or one tagged `!!merge`; a quoted `"<<"` is an ordinary key.
fn is_merge(key: &Node) -> bool {
    match (&key.kind, key.tag.as_deref()) {
        (Kind::Scalar { value, style }, None) => value == "<<" && *style == Style::Plain,
        (Kind::Scalar { value, .. }, Some(tag)) => value == "<<" && tag == "tag:yaml.org,2002:merge",
        _ => false,
    }
}

/// Folds a merge value into `object`: a mapping overrides what is there; in a sequence of
/// mappings the earlier ones take precedence (yaml.v2 applies them last to first).
fn merge<'a>(value: &'a Node, object: &mut Object<'a>, reading: Reading) -> Result<(), NotJson> {
    let not_a_map =
        || NotJson { at: value.start, reason: "map merge requires map or sequence of maps as the value".into() };
    let sources: Vec<&Node> = match &value.kind {
        Kind::Mapping(_) => vec![value],
        Kind::Sequence(items) => items.iter().rev().collect(),
        Kind::Scalar { .. } => return Err(not_a_map()),
    };
    for source in sources {
        let Kind::Mapping(pairs) = &source.kind else { return Err(not_a_map()) };
        for (key, value) in entries(pairs, reading)? {
            object.insert(key, value, reading)?;
        }
    }
    Ok(())
}

/// A mapping key as `YAMLToJSON` writes it: strings as they are, numbers and booleans as text.
fn key_text(key: &Node, reading: Reading) -> Result<Cow<'_, str>, NotJson> {
    let unsupported = |what: &str| NotJson { at: key.start, reason: format!("unsupported map key of type {what}") };
    match json_scalar(key, reading) {
        Ok(Scalar::Str(s)) => Ok(s),
        Ok(Scalar::Bool(b)) => Ok(Cow::Owned(b.to_string())),
        Ok(Scalar::Number(n)) if n.is_u64() && !n.is_i64() => Err(unsupported("uint64")),
        Ok(Scalar::Number(n)) => Ok(Cow::Owned(n.to_string())),
        Ok(Scalar::Null) => Err(unsupported("nil")),
        Ok(Scalar::NotFinite) => Err(unsupported("float")),
        Err(e) if matches!(key.kind, Kind::Scalar { .. }) => Err(e),
        Err(_) => Err(unsupported("collection")),
    }
}

/// Resolves one scalar as yaml.v2's `resolve` does, honouring an explicit core tag.
pub(crate) fn scalar<'a>(
    text: &'a str,
    style: Style,
    tag: Option<&str>,
    reading: Reading,
) -> Result<Scalar<'a>, String> {
    let string = || Ok(Scalar::Str(Cow::Borrowed(text)));
    let Some(tag) = tag else {
        return match (style, reading) {
            (Style::Plain, Reading::Untyped) => Ok(resolve(text)),
            (Style::Plain, Reading::Guided) => Ok(resolve_guided(text)),
            _ => string(),
        };
    };
    let Some(core) = tag.strip_prefix(TAG) else {
        // A custom tag (`!foo`) changes nothing for an untyped reader: the text is a string.
        return string();
    };
    match core {
        "str" => string(),
        "binary" => {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_err(|e| format!("!!binary value is not base64: {e}"))?;
            Ok(Scalar::Str(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())))
        }
        "bool" | "int" | "float" | "null" => {
            let resolved = resolve(text);
            let fits = match (&resolved, core) {
                (Scalar::Bool(_), "bool") | (Scalar::Null, "null") | (Scalar::NotFinite, "float") => true,
                (Scalar::Number(n), "int") => !n.is_f64(),
                (Scalar::Number(n), "float") => {
                    return Ok(n.as_f64().and_then(Number::from_f64).map_or(Scalar::Null, Scalar::Number));
                }
                _ => false,
            };
            if fits { Ok(resolved) } else { Err(format!("cannot decode {text:?} as a !!{core}")) }
        }
        _ => string(),
    }
}

/// The YAML 1.1 reading of a plain scalar, as yaml.v2 makes it.
fn resolve(text: &str) -> Scalar<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => Scalar::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => Scalar::Bool(false),
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf"
        | "-.INF" => Scalar::NotFinite,
        _ => match number(text) {
            Some(n) => Scalar::Number(n),
            None => Scalar::Str(Cow::Borrowed(text)),
        },
    }
}

/// The reading guided by field types: only what means the same in every field is typed.
fn resolve_guided(text: &str) -> Scalar<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        "true" => Scalar::Bool(true),
        "false" => Scalar::Bool(false),
        _ => match number(text) {
            Some(n) if n.to_string() == text => Scalar::Number(n),
            _ => Scalar::Str(Cow::Borrowed(text)),
        },
    }
}

/// A number, when yaml.v2 reads `text` as one: a leading digit or sign, then (with `_` removed)
/// what Go's `ParseInt(s, 0, 64)` or `ParseUint` takes, a YAML-style float, or `0b` binary; a
/// leading `.` and what Go's `ParseFloat` takes.
fn number(text: &str) -> Option<Number> {
    let first = *text.as_bytes().first()?;
    if first == b'.' {
        return go_float(text);
    }
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return None;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(n) = go_int(&plain) {
        return Some(n);
    }
    if is_yaml_float(&plain) {
        return go_float(&plain);
    }
    None
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: an optional sign (signed only),
/// then `0x`, `0o`, `0b` or a leading `0` (octal) prefix, or decimal.
fn go_int(s: &str) -> Option<Number> {
    let (negative, unsigned) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (digits, radix) = match unsigned.get(..2) {
        Some("0x" | "0X") => (&unsigned[2..], 16),
        Some("0o" | "0O") => (&unsigned[2..], 8),
        Some("0b" | "0B") => (&unsigned[2..], 2),
        _ if unsigned.len() > 1 && unsigned.starts_with('0') => (&unsigned[1..], 8),
        _ => (unsigned, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        // i64::MIN's magnitude is one more than i64::MAX.
        let value = 0i128 - i128::from(magnitude);
        return i64::try_from(value).ok().map(Number::from);
    }
    if s.starts_with('+') {
        return i64::try_from(magnitude).ok().map(Number::from);
    }
    Some(i64::try_from(magnitude).map_or_else(|_| Number::from(magnitude), Number::from))
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, yaml.v2's float pattern.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `ParseFloat(s, 64)` for the decimal forms YAML can reach, finite results only.
fn go_float(s: &str) -> Option<Number> {
    let decimal = s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !decimal {
        return None;
    }
    s.parse::<f64>().ok().and_then(Number::from_f64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use serde_json::Value;

    /// The JSON value a resolved scalar becomes.
    fn json(resolved: Scalar<'_>) -> Value {
        match resolved {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Number(n) => Value::Number(n),
            Scalar::Str(s) => Value::String(s.into_owned()),
            Scalar::NotFinite => panic!("not finite"),
        }
    }

    fn plain(text: &str) -> Value {
        json(scalar(text, Style::Plain, None, Reading::Untyped).unwrap())
    }

    #[test]
    fn resolves_plain_scalars_like_yaml_v2() {
        assert_eq!(plain("true"), Value::Bool(true));
        for yes in ["yes", "Yes", "YES", "on", "ON", "y", "Y", "True", "TRUE"] {
            assert_eq!(plain(yes), Value::Bool(true), "{yes}");
        }
        for no in ["no", "off", "Off", "n", "N", "FALSE"] {
            assert_eq!(plain(no), Value::Bool(false), "{no}");
        }
        assert_eq!(plain("tRue"), Value::String("tRue".into()));
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("42"), Value::Number(42.into()));
        assert_eq!(plain("2019"), Value::Number(2019.into()));
        assert_eq!(plain("0x1F"), Value::Number(31.into()));
        assert_eq!(plain("017"), Value::Number(15.into()));
        assert_eq!(plain("0o17"), Value::Number(15.into()));
        assert_eq!(plain("0b101"), Value::Number(5.into()));
        assert_eq!(plain("-0b101"), Value::Number((-5).into()));
        assert_eq!(plain("1_000"), Value::Number(1000.into()));
        assert_eq!(plain("08"), Value::Number(Number::from_f64(8.0).unwrap()), "not octal, so a float");
        assert_eq!(plain("1.5e3"), Value::Number(Number::from_f64(1500.0).unwrap()));
        assert_eq!(plain(".5"), Value::Number(Number::from_f64(0.5).unwrap()));
        assert_eq!(plain("18446744073709551615"), Value::Number(u64::MAX.into()));
        assert_eq!(plain("2019-01-01"), Value::String("2019-01-01".into()));
        assert_eq!(plain("1.2.3"), Value::String("1.2.3".into()));
        assert_eq!(plain("e5"), Value::String("e5".into()));
        assert_eq!(plain("LS0tLS1CRUdJTg=="), Value::String("LS0tLS1CRUdJTg==".into()));
        assert_eq!(plain("127.0.0.1:6443"), Value::String("127.0.0.1:6443".into()));
        assert!(matches!(scalar(".nan", Style::Plain, None, Reading::Untyped), Ok(Scalar::NotFinite)));
        assert!(matches!(scalar("-.Inf", Style::Plain, None, Reading::Untyped), Ok(Scalar::NotFinite)));
    }

    #[test]
    fn quoting_and_tags_decide_before_resolution() {
        let text = |r: Result<Scalar<'_>, String>| json(r.unwrap());
        assert_eq!(text(scalar("yes", Style::DoubleQuoted, None, Reading::Untyped)), Value::String("yes".into()));
        assert_eq!(
            text(scalar("2019", Style::Plain, Some("tag:yaml.org,2002:str"), Reading::Untyped)),
            Value::String("2019".into())
        );
        assert_eq!(
            text(scalar("yes", Style::Plain, Some("tag:yaml.org,2002:bool"), Reading::Untyped)),
            Value::Bool(true)
        );
        assert_eq!(text(scalar("2019", Style::Plain, Some("!custom"), Reading::Untyped)), Value::String("2019".into()));
        assert_eq!(
            text(scalar("aGk=", Style::Plain, Some("tag:yaml.org,2002:binary"), Reading::Untyped)),
            Value::String("hi".into())
        );
        assert!(scalar("abc", Style::Plain, Some("tag:yaml.org,2002:int"), Reading::Untyped).is_err());
        let guided = |t: &str| json(scalar(t, Style::Plain, None, Reading::Guided).unwrap());
        assert_eq!(guided("n"), Value::String("n".into()));
        assert_eq!(guided("yes"), Value::String("yes".into()));
        assert_eq!(guided("true"), Value::Bool(true));
        assert_eq!(guided("42"), Value::Number(42.into()));
        assert_eq!(guided("0x1F"), Value::String("0x1F".into()));
    }
}
