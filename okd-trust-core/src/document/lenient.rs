//! Field readers with the tolerance of client-go's YAML path.
//!
//! `sigs.k8s.io/yaml` converts YAML to JSON guided by the Go struct, so `namespace: 123` becomes
//! the string "123", `name: n` stays "n", and `insecure-skip-tls-verify: yes` becomes true. These readers accept the
//! same, and nothing looser.

use serde::{Deserialize, Deserializer, de::Error};
use serde_json::Value;

/// A string field: strings as they are, numbers and booleans as their text, null as empty.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Null => Ok(String::new()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(D::Error::custom(format!("expected a string, found {}", kind(&other)))),
    }
}

/// A boolean field: true/false in any YAML 1.1 spelling (`yes`, `On`, `n`, ...), or null meaning false.
pub(crate) fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Value::deserialize(d)? {
        Value::Bool(b) => Ok(b),
        Value::Null => Ok(false),
        Value::String(s) => match s.as_str() {
            "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => Ok(true),
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => Ok(false),
            _ => Err(D::Error::custom(format!("expected true or false, found the string {s:?}"))),
        },
        other => Err(D::Error::custom(format!("expected true or false, found {}", kind(&other)))),
    }
}

/// Any field where null means the default (an empty list, map or struct).
pub(crate) fn or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}
