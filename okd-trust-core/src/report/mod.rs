//! Renderers of a [`Diagnosis`](crate::diagnose::Diagnosis): human text, versioned JSON, and Prometheus text exposition.
//!
//! Each renderer is a pure function of the diagnosis (which carries its own `at`), so the same
//! diagnosis always renders to the same bytes.
//!
//! ```
//! use okd_trust::diagnose::{self, DoctorInput, Labelled};
//! use okd_trust::{CaBundle, Kubeconfig, Timestamp, examples, report};
//!
//! let mut input = DoctorInput::new(Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?);
//! input.kubeconfigs.push(Labelled::new("/var/lib/kubelet/kubeconfig", Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes())?));
//! input.cluster_cas.push(Labelled::new("kube-apiserver-server-ca", CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes())?));
//! let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes())?;
//! input.serving_chain = Some(Labelled::new("api-int", chain.iter().cloned().collect()));
//! let diagnosis = diagnose::diagnose(&input);
//!
//! assert!(report::text(&diagnosis).starts_with("BROKEN"));
//! let json: serde_json::Value = serde_json::from_str(&report::json(&diagnosis))?;
//! assert_eq!(json["verdict"], "broken");
//! assert!(report::prometheus(&diagnosis).contains("okd_trust_verdict{verdict=\"broken\"} 1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # JSON schema, version 1
//!
//! [`json`] writes one object. Fields are only ever added within a schema version; a change that
//! removes or re-types a field bumps `schema_version`. Times are RFC 3339 in UTC; fingerprints are
//! SHA-256, colon-separated upper-case hex.
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "verdict": "healthy" | "at-risk" | "broken",
//!   "at": "2024-05-01T00:00:00Z",              // the moment judged
//!   "findings": [                               // most severe first
//!     {
//!       "code": "kubeconfig-untrusted-serving-chain",   // stable, kebab-case (see diagnose::Code)
//!       "severity": "error" | "warning" | "info",
//!       "source": "/var/lib/kubelet/kubeconfig",        // the input it is about
//!       "message": "kubelet will not trust api-int: ...",
//!       "evidence": {                                   // what the finding rests on
//!         "certificates": [{"subject", "sha256", "not_before", "not_after"}],
//!         "details": {"cluster": "local"}               // string -> string, per code
//!       }
//!     }
//!   ],
//!   "plan": {
//!     "kubeconfigs": [                          // one per kubeconfig that needs a change
//!       {
//!         "source": "/var/lib/kubelet/kubeconfig",
//!         "target": "kubeconfig" | "ca-file",   // which file new_text replaces
//!         "path": "/etc/kubernetes/ca.crt",     // only for "ca-file": the CA file, resolved like client-go
//!         "cluster": "local",
//!         "verified": true,                     // false: must not be applied
//!         "refusal": null | "edit-refused" | "not-text" | "reparse-failed"
//!                  | "validation-failed" | "still-untrusted",   // why not, when not verified
//!         "verification": "re-parsed, ...",     // what was checked, or why not
//!         "changed": true,                      // false: the file already holds it (refused: no change was needed)
//!         "added":   [{"subject", "sha256", "not_before", "not_after"}],
//!         "removed": [{"subject", "sha256", "not_before", "not_after"}],
//!         "new_text": "apiVersion: v1\n..."     // the whole new file ("" when refused)
//!       }
//!     ],
//!     "multus_patch": null | {"target": "openshift-multus/kube-root-ca.crt", "patch": "{\"data\":...}", "note": "..."},
//!     "actions": [{"description": "...", "command": "systemctl restart kubelet"}]   // in order
//!   }
//! }
//! ```

#[cfg(feature = "html")]
mod html;
mod json;
#[cfg(feature = "html")]
pub(crate) mod page;
pub(crate) mod prometheus;
mod text;

#[cfg(feature = "html")]
pub use html::html;
pub use json::{SCHEMA_VERSION, json};
pub use prometheus::prometheus;
pub use text::text;

/// `s` cut to at most `max` characters: the head, `…`, the last `tail` characters, and the full
/// length, so long base64 and PEM values stay recognisable without filling the screen.
pub(crate) fn abbreviate(s: &str, max: usize, tail: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        return s.to_owned();
    }
    let head_len = max.saturating_sub(tail + 1);
    let head: String = s.chars().take(head_len).collect();
    let tail: String = s.chars().skip(count - tail.min(count)).collect();
    format!("{head}…{tail} [{count} chars]")
}

#[cfg(test)]
mod tests {
    use super::abbreviate;

    #[test]
    fn abbreviates_long_values_only() {
        assert_eq!(abbreviate("short", 10, 3), "short");
        assert_eq!(abbreviate("abcdefghijklmnop", 10, 3), "abcdef…nop [16 chars]");
        assert_eq!(abbreviate("ééééééééééé", 5, 1), "ééé…é [11 chars]");
    }
}
