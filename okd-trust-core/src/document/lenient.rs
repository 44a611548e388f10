//! Tolerant field readers for the manifests the doctor reads (`oc get -o yaml` output): the API
//! server's own reading of these objects is guided by their types (`sigs.k8s.io/yaml` with a
//! target), so a scalar where a string belongs is that scalar's text. Kubeconfigs are read with
//! client-go's strict rules instead ([`go_json`](super::go_json)).

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
