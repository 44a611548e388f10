//! A document tree as a JSON value, resolving plain scalars the way Go's YAML reader
//! (YAML 1.1, as used through `sigs.k8s.io/yaml` by client-go) resolves them.

use serde_json::{Map, Number, Value};

use super::{Kind, Node, Style};

/// Converts a node to JSON. Merge keys (`<<`) fold the merged mappings in, as YAML 1.1 readers do;
/// keys written in the mapping itself win over merged ones.
pub(crate) fn to_json(node: &Node) -> Value {
    match &node.kind {
        Kind::Scalar { value, style } => scalar(value, *style, node.tag.as_deref()),
        Kind::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        Kind::Mapping(entries) => {
            let mut map = Map::new();
            let mut merged = Vec::new();
            for (key, value) in entries {
                let key = key.as_str().unwrap_or_default();
                if key == "<<" {
                    merged.push(value);
                } else {
                    map.insert(key.to_owned(), to_json(value));
                }
            }
            for source in merged {
                let sources: Vec<&Node> = match &source.kind {
                    Kind::Sequence(items) => items.iter().collect(),
                    _ => vec![source],
                };
                for source in sources {
                    if let Value::Object(fields) = to_json(source) {
                        for (k, v) in fields {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            Value::Object(map)
        }
    }
}

fn scalar(text: &str, style: Style, tag: Option<&str>) -> Value {
    match tag {
        Some("tag:yaml.org,2002:str") => return Value::String(text.to_owned()),
        Some("tag:yaml.org,2002:null") => return Value::Null,
        _ => {}
    }
    if style != Style::Plain {
        return Value::String(text.to_owned());
    }
    // Only spellings that mean the same under every reading are typed here. The rest stay text:
    // Go's reader turns `yes` or `0x1F` into a bool or a number only when the target field is one,
    // and keeps the text when it is a string; the typed field readers in `lenient` do the same.
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => match number(text) {
            Some(n) if n.to_string() == text => Value::Number(n),
            _ => Value::String(text.to_owned()),
        },
    }
}

/// Integers (decimal, `0x`, `0o`, `0b`, `_` separators) and finite decimal floats; anything else stays text.
fn number(text: &str) -> Option<Number> {
    // Most plain scalars are words or base64 (a CA bundle is kilobytes of it): turn them away by
    // their first byte outside a number's alphabet, before anything is copied.
    let alphabet = |b: u8| b.is_ascii_hexdigit() || matches!(b, b'x' | b'o' | b'_' | b'.' | b'+' | b'-');
    if !text.bytes().all(alphabet) {
        return None;
    }
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    if digits.is_empty() {
        return None;
    }
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .into_iter()
        .find_map(|(prefix, radix)| digits.strip_prefix(prefix).map(|rest| (rest, radix)));
    if let Some((rest, radix)) = radix {
        let magnitude = i64::from_str_radix(rest, radix).ok()?;
        return Some(Number::from(if negative { -magnitude } else { magnitude }));
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return cleaned.parse::<i64>().ok().map(Number::from).or_else(|| cleaned.parse::<u64>().ok().map(Number::from));
    }
    let looks_decimal = digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if looks_decimal {
        return cleaned.parse::<f64>().ok().and_then(Number::from_f64);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_plain_scalars_like_yaml_1_1() {
        assert_eq!(scalar("true", Style::Plain, None), Value::Bool(true));
        assert_eq!(scalar("yes", Style::Plain, None), Value::String("yes".into()));
        assert_eq!(scalar("yes", Style::DoubleQuoted, None), Value::String("yes".into()));
        assert_eq!(scalar("~", Style::Plain, None), Value::Null);
        assert_eq!(scalar("42", Style::Plain, None), Value::Number(42.into()));
        assert_eq!(scalar("0x1F", Style::Plain, None), Value::String("0x1F".into()));
        assert_eq!(scalar("1.50", Style::Plain, None), Value::String("1.50".into()));
        assert_eq!(number("0x1F"), Some(31.into()));
        assert_eq!(number("1_000"), Some(1000.into()));
        assert_eq!(number("1.5e3"), serde_json::Number::from_f64(1500.0));
        assert_eq!(scalar("LS0tLS1CRUdJTg==", Style::Plain, None), Value::String("LS0tLS1CRUdJTg==".into()));
        assert_eq!(scalar("1.2.3", Style::Plain, None), Value::String("1.2.3".into()));
        assert_eq!(scalar("e5", Style::Plain, None), Value::String("e5".into()));
    }
}
