//! Field readers with the rules of Go's `encoding/json`, which decodes the JSON that client-go
//! makes of a kubeconfig (see [`value`](super::value)) into its typed structs.
//!
//! Go's decoder is strict about kinds and lenient about null: a number or a boolean in a string
//! field, or a string in a boolean field, fails the whole file (kubelet cannot load it); null leaves
//! the field at its zero value. `[]byte` fields are base64 text, decoded by `StdEncoding`.

use serde::{Deserialize, Deserializer, de::Error};
use serde_json::{Map, Value};

use crate::go_base64;

/// Go's name for the JSON kind of `value`, as its type errors say it.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn refuse<E: Error>(value: &Value, go_type: &str, hint: &str) -> E {
    E::custom(format!("cannot unmarshal {} into a field of Go type {go_type}{hint}", kind(value)))
}

/// Why an unquoted YAML value is not a string, for the message.
const UNQUOTED: &str = " (YAML 1.1 reads this unquoted value as a number or boolean; quote it)";

/// A `string` field: a string, or null for empty.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Null => Ok(String::new()),
        other @ (Value::Bool(_) | Value::Number(_)) => Err(refuse(&other, "string", UNQUOTED)),
        other => Err(refuse(&other, "string", "")),
    }
}

/// A `bool` field: a boolean (in YAML, any YAML 1.1 spelling of one: `yes`, `On`, `n`...), or null for false.
pub(crate) fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Value::deserialize(d)? {
        Value::Bool(b) => Ok(b),
        Value::Null => Ok(false),
        other @ Value::String(_) => Err(refuse(&other, "bool", " (a quoted \"true\" or \"false\" is a string)")),
        other => Err(refuse(&other, "bool", "")),
    }
}

/// A `[]byte` field, kept as base64 text: the text must decode as Go's `StdEncoding` does, or
/// the file does not load. A list of small numbers is the bytes themselves (Go accepts that too),
/// kept here as their base64.
pub(crate) fn base64<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => match go_base64::decode(&s) {
            Ok(_) => Ok(s),
            Err(offset) => Err(D::Error::custom(format!("illegal base64 data at input byte {offset}"))),
        },
        Value::Null => Ok(String::new()),
        Value::Array(items) => {
            let bytes = items
                .iter()
                .map(|item| item.as_u64().and_then(|n| u8::try_from(n).ok()).ok_or_else(|| refuse(item, "uint8", "")))
                .collect::<Result<Vec<u8>, D::Error>>()?;
            Ok(go_base64::encode(&bytes))
        }
        other => Err(refuse(&other, "[]uint8", "")),
    }
}

/// A `[]string` field: a list of strings (null items empty), or null for none.
pub(crate) fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.into_iter().map(string_value).collect(),
        other => Err(refuse(&other, "[]string", "")),
    }
}

/// A `map[string]string` field: every value a string (null values empty).
pub(crate) fn string_map<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(Map::new()),
        Value::Object(map) => {
            map.into_iter().map(|(k, v)| Ok((k, Value::String(string_value(v)?)))).collect::<Result<_, D::Error>>()
        }
        other => Err(refuse(&other, "map[string]string", "")),
    }
}

/// A `map[string][]string` field.
pub(crate) fn strings_map<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(Map::new()),
        Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| {
                let list = match v {
                    Value::Null => Vec::new(),
                    Value::Array(items) => items.into_iter().map(string_value).collect::<Result<_, D::Error>>()?,
                    other => return Err(refuse(&other, "[]string", "")),
                };
                Ok((k, Value::Array(list.into_iter().map(Value::String).collect())))
            })
            .collect(),
        other => Err(refuse(&other, "map[string][]string", "")),
    }
}

fn string_value<E: Error>(value: Value) -> Result<String, E> {
    match value {
        Value::String(s) => Ok(s),
        Value::Null => Ok(String::new()),
        other @ (Value::Bool(_) | Value::Number(_)) => Err(refuse(&other, "string", UNQUOTED)),
        other => Err(refuse(&other, "string", "")),
    }
}

/// A list of structs: null for none, and a null item is the zero value (Go decodes it so).
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    let items = Option::<Vec<Option<T>>>::deserialize(d)?.unwrap_or_default();
    Ok(items.into_iter().map(Option::unwrap_or_default).collect())
}

/// A struct, list or pointer field: null is the zero value; anything else must have the right shape.
pub(crate) fn or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
