//! # okd-trust
//!
//! Will this client trust that server — and if not, why, and what exact, safe change fixes it?
//!
//! `okd_trust` reads the inputs of TLS trust in OKD/OpenShift clusters — certificates, CA bundles,
//! kubeconfigs and `oc get -o yaml|json` manifests — into typed values, the way Go's `crypto/x509`
//! and client-go read them, and edits kubeconfigs without disturbing a byte it was not asked to change.
//!
//! The crate is pure: it never touches files, the network, the environment or the clock. Every
//! function takes bytes or strings, and every question about time takes an explicit [`Timestamp`].
//!
//! ```
//! use okd_trust::{Kubeconfig, Timestamp};
//!
//! let text = okd_trust::examples::NODE_KUBECONFIG;
//! let config = Kubeconfig::parse(text.as_bytes())?;
//! let cluster = config.current_cluster().expect("the example names a current context");
//! let bundle = config.ca_bundle(&cluster.name)?.expect("the example embeds its CA");
//! let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?;
//! for cert in bundle.iter() {
//!     println!("{} expires in {} days", cert.subject(), cert.expires_in(at) / 86_400);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod bundle;
pub mod cert;
pub mod cluster;
pub mod diagnose;
mod document;
mod error;
pub mod examples;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod go_base64;
pub mod input;
pub mod kubeconfig;
mod limits;
pub mod manifest;
pub mod pem;
mod position;
pub mod report;
mod time;
pub mod verify;

// The root holds the crate-wide types (the error, time, positions, limits) and the one main type
// of each input module; everything else is named by its module (`bundle::BundleDiff`).
pub use bundle::CaBundle;
pub use cert::Certificate;
pub use document::DocumentError;
pub use error::{Error, ErrorKind};
pub use kubeconfig::Kubeconfig;
pub use limits::Limits;
pub use manifest::Manifest;
pub use position::{LineIndex, Position};
pub use time::{Timestamp, TimestampError};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
