//! What is this file? Decides, from its content alone, whether an input is a kubeconfig,
//! `oc get -o yaml|json` manifests, or PEM certificates — so every path an operator passes can be
//! any of them.
//!
//! ```
//! use okd_trust::input::{self, Detected};
//!
//! let node = input::detect("/var/lib/kubelet/kubeconfig", okd_trust::examples::NODE_KUBECONFIG.as_bytes())?;
//! assert!(matches!(node, Detected::Kubeconfig(_)));
//! let served = input::detect("chain.pem", okd_trust::examples::API_INT_SERVING_CHAIN.as_bytes())?;
//! assert_eq!(served.ca_bundle()?.map(|b| b.len()), Some(2));
//! let err = input::detect("notes.txt", b"hello").unwrap_err();
//! assert!(err.to_string().starts_with("notes.txt: "));
//! # Ok::<(), okd_trust::Error>(())
//! ```

use crate::cert::{ChainError, ServedChain};
use crate::document::{self, Kind, Node};
use crate::manifest::{self, Manifest};
use crate::{CaBundle, Error, Kubeconfig, Limits};

/// The name of the Secret holding the api-int load balancer's signer
/// (`openshift-kube-apiserver-operator/loadbalancer-serving-signer`).
const SIGNER_SECRET_NAME: &str = "loadbalancer-serving-signer";

/// The keys a CA bundle is read from in a ConfigMap or Secret, in order of preference.
pub const CA_KEYS: [&str; 3] = ["ca-bundle.crt", "ca.crt", "tls.crt"];

/// What an input turned out to be.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Detected {
    /// A kubeconfig (`kind: Config`, or a mapping with `clusters`); boxed, as it is much larger
    /// than the other variants.
    Kubeconfig(Box<Kubeconfig>),
    /// ConfigMaps and Secrets (one object, or the items of a `List`).
    Manifests(Vec<Manifest>),
    /// PEM text holding certificates (a bundle, a served chain, `openssl s_client -showcerts` output).
    Pem(CaBundle),
}

/// Why an input could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The content is none of the supported kinds.
    #[error("{label}: not a kubeconfig, a ConfigMap/Secret manifest or PEM certificates: {found}")]
    Unrecognised {
        /// The input's label (its path).
        label: String,
        /// What was found instead.
        found: String,
    },
    /// The content is a supported kind, but not a kubeconfig where one was asked for.
    #[error("{label}: this is a {found}, not a kubeconfig")]
    WrongKind {
        /// The input's label.
        label: String,
        /// What it is.
        found: &'static str,
    },
    /// The content was recognised but does not read.
    #[error("{label}: {what}: {source}")]
    Invalid {
        /// The input's label.
        label: String,
        /// What it was read as (`kubeconfig`, `manifest`, `PEM`).
        what: &'static str,
        /// The reader's error.
        source: Box<Error>,
    },
    /// Neither PEM certificates nor a Secret holding `tls.crt`, where a served chain belongs.
    #[error("{label}: this is a {found}, not a served chain (PEM certificates, or a TLS Secret's tls.crt)")]
    NoChain {
        /// The input's label.
        label: String,
        /// What it is.
        found: &'static str,
    },
    /// A manifest holds none of the CA keys.
    #[error("{label}: no ConfigMap or Secret in it has a key {}", CA_KEYS.join(", "))]
    NoCaKey {
        /// The input's label.
        label: String,
    },
    /// A CA bundle was asked for, and a kubeconfig's current cluster embeds none.
    #[error("{label}: this {found} holds no CA certificate")]
    NoCa {
        /// The input's label.
        label: String,
        /// What it is.
        found: &'static str,
    },
    /// A Secret was asked for (the signer's), and the input holds none.
    #[error("{label}: this {found} holds no Secret")]
    NoSecret {
        /// The input's label.
        label: String,
        /// What it is.
        found: &'static str,
    },
}

/// Reads `bytes` as whichever supported input it is; `label` (normally the path) names it in errors.
///
/// Content decides, never the file name: text that starts with a PEM `BEGIN` line is PEM; a YAML or
/// JSON mapping with `kind: Config` or a `clusters` key is a kubeconfig; `kind: ConfigMap`,
/// `Secret` or a `List` is a manifest; other text holding PEM blocks (e.g. `openssl s_client`
/// output) is PEM.
pub fn detect(label: &str, bytes: &[u8]) -> Result<Detected, Error> {
    detect_with_limits(label, bytes, &Limits::default())
}

/// [`detect`] within explicit limits.
pub fn detect_with_limits(label: &str, bytes: &[u8], limits: &Limits) -> Result<Detected, Error> {
    let invalid =
        |what: &'static str, e: Error| InputError::Invalid { label: label.to_owned(), what, source: Box::new(e) };
    let text = String::from_utf8_lossy(bytes);
    let pem = || CaBundle::from_pem_with_limits(bytes, limits).map(Detected::Pem).map_err(|e| invalid("PEM", e.into()));
    if starts_as_pem(&text) {
        return Ok(pem()?);
    }
    let has_pem = text.contains("-----BEGIN ");
    // The first document decides what the input is (a kubeconfig is read like client-go reads it:
    // the first document only); a manifest reader then insists on exactly one.
    // The document is parsed once and handed to the reader of the kind it turns out to be.
    let found = match document::parse_first(bytes, limits) {
        Ok(doc) => match &doc.root {
            Some(root @ Node { kind: Kind::Mapping(_), .. }) => {
                let kind = root.get("kind").and_then(Node::as_str).unwrap_or_default();
                if kind == "Config" || (kind.is_empty() && root.get("clusters").is_some()) {
                    return Kubeconfig::from_document(doc)
                        .map(|config| Detected::Kubeconfig(Box::new(config)))
                        .map_err(|e| invalid("kubeconfig", e.into()).into());
                }
                if matches!(kind, "ConfigMap" | "Secret") || kind.ends_with("List") {
                    // Exactly one document: a stream of several is refused, with the place of the
                    // second, by the reader that reads them all (only on this error path).
                    let read = if doc.more_documents {
                        manifest::parse_with_limits(bytes, limits)
                    } else {
                        manifest::from_document(&doc)
                    };
                    return read.map(Detected::Manifests).map_err(|e| invalid("manifest", e.into()).into());
                }
                if kind.is_empty() {
                    "a YAML/JSON mapping without `kind`".to_owned()
                } else {
                    format!("an object of kind {kind:?}")
                }
            }
            Some(_) | None => "text that is neither PEM nor a YAML/JSON object".to_owned(),
        },
        Err(e) if !has_pem => format!("no PEM BEGIN line, and not YAML/JSON ({e})"),
        Err(_) => String::new(),
    };
    if has_pem {
        return Ok(pem()?);
    }
    Err(InputError::Unrecognised { label: label.to_owned(), found }.into())
}

/// What a kubeconfig input is to kubelet: a kubeconfig it can load (`Ok(Ok(_))`), one it cannot
/// load with client-go's reason (`Ok(Err(_))` — a finding for the doctor, not bad input), or not
/// a kubeconfig at all (`Err`: another kind, or unrecognisable).
///
/// ```
/// use okd_trust::input;
/// let typed = okd_trust::examples::NODE_KUBECONFIG.replace("user: kubelet\n", "user: kubelet\n    namespace: 2019\n");
/// assert!(matches!(input::kubeconfig("k", typed.as_bytes()), Ok(Err(_))));
/// assert!(input::kubeconfig("ca.pem", okd_trust::examples::CLUSTER_CA_BUNDLE.as_bytes()).is_err());
/// ```
pub fn kubeconfig(label: &str, bytes: &[u8]) -> Result<Result<Kubeconfig, crate::kubeconfig::KubeconfigError>, Error> {
    match detect(label, bytes) {
        Ok(detected) => detected.into_kubeconfig(label).map(Ok),
        Err(Error::Input(InputError::Invalid { what: "kubeconfig", source, .. })) => match *source {
            Error::Kubeconfig(e) => Ok(Err(e)),
            other => Err(other),
        },
        Err(e) => Err(e),
    }
}

/// Text that opens with a PEM `BEGIN` line (after a byte-order mark and blank space) is PEM,
/// whatever follows.
fn starts_as_pem(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim_start().starts_with("-----BEGIN ")
}

/// A served chain from any input that holds one, read strictly ([`ServedChain`]: whole or not at
/// all, never the lenient bundle reading): PEM text (a chain, `openssl s_client -showcerts`
/// output), or the `tls.crt` of a Secret (the one kubernetes.io/tls Secrets serve).
///
/// ```
/// use okd_trust::{Limits, input};
/// let pem = okd_trust::examples::API_INT_SERVING_CHAIN;
/// assert_eq!(input::served_chain("chain.pem", pem.as_bytes(), &Limits::default())?.certificates.len(), 2);
/// let kubeconfig = okd_trust::examples::NODE_KUBECONFIG;
/// assert!(input::served_chain("kubeconfig", kubeconfig.as_bytes(), &Limits::default()).is_err());
/// # Ok::<(), okd_trust::Error>(())
/// ```
pub fn served_chain(label: &str, bytes: &[u8], limits: &Limits) -> Result<ServedChain, Error> {
    // A chain's own errors say where in the text; the label says which input.
    let invalid = |e: ChainError| InputError::Invalid {
        label: label.to_owned(),
        what: "served chain",
        source: Box::new(Error::Chain(e)),
    };
    let strictly = |pem: &[u8]| ServedChain::from_pem(pem, limits).map_err(invalid);
    if starts_as_pem(&String::from_utf8_lossy(bytes)) {
        return Ok(strictly(bytes)?);
    }
    let detected = match detect_with_limits(label, bytes, limits) {
        Ok(detected) => detected,
        // Text of no kind at all: what a served chain lacks is a certificate.
        Err(Error::Input(InputError::Unrecognised { .. })) => return Err(invalid(ChainError::NoCertificate).into()),
        Err(e) => return Err(e),
    };
    match detected {
        // PEM after other text (`openssl s_client` output): read again, strictly.
        Detected::Pem(_) => Ok(strictly(bytes)?),
        Detected::Manifests(objects) => match objects.iter().find_map(|object| object.get("tls.crt")) {
            Some(chain) => Ok(strictly(chain)?),
            None => Err(InputError::NoChain { label: label.to_owned(), found: "manifest without tls.crt" }.into()),
        },
        Detected::Kubeconfig(_) => Err(InputError::NoChain { label: label.to_owned(), found: "kubeconfig" }.into()),
    }
}

impl Detected {
    /// The certificates it holds as a CA bundle: the PEM itself; for manifests, the union of the
    /// first of [`CA_KEYS`] present in each object; for a kubeconfig, the current cluster's
    /// `certificate-authority-data`. `None` when a kubeconfig embeds no CA.
    pub fn ca_bundle(&self) -> Result<Option<CaBundle>, Error> {
        match self {
            Detected::Pem(bundle) => Ok(Some(bundle.clone())),
            Detected::Kubeconfig(config) => match config.current_cluster() {
                Some(cluster) => Ok(config.ca_bundle(&cluster.name)?),
                None => Ok(None),
            },
            Detected::Manifests(objects) => {
                let mut out: Option<CaBundle> = None;
                for object in objects {
                    if let Some(bundle) = manifest_ca_bundle(object)? {
                        out = Some(match out {
                            Some(acc) => acc.union(&bundle),
                            None => bundle,
                        });
                    }
                }
                Ok(out)
            }
        }
    }

    /// [`ca_bundle`](Self::ca_bundle) where a bundle is required: holding none is an error
    /// naming `label` ([`InputError::NoCaKey`] for manifests, else [`InputError::NoCa`]).
    ///
    /// ```
    /// use okd_trust::input;
    /// let text = "kind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata: {other: x}\n";
    /// let err = input::detect("cm.yaml", text.as_bytes())?.required_ca_bundle("cm.yaml").unwrap_err();
    /// assert_eq!((err.kind(), err.to_string().starts_with("cm.yaml: no ConfigMap or Secret")), (okd_trust::ErrorKind::Invalid, true));
    /// # Ok::<(), okd_trust::Error>(())
    /// ```
    pub fn required_ca_bundle(&self, label: &str) -> Result<CaBundle, Error> {
        match self.ca_bundle()? {
            Some(bundle) => Ok(bundle),
            None => Err(match self {
                Detected::Manifests(_) => InputError::NoCaKey { label: label.to_owned() },
                other => InputError::NoCa { label: label.to_owned(), found: other.kind_name() },
            }
            .into()),
        }
    }

    /// [`into_secret`](Self::into_secret) where the Secret is required: holding none is
    /// [`InputError::NoSecret`] naming `label`.
    pub fn required_secret(self, label: &str) -> Result<Manifest, Error> {
        let found = self.kind_name();
        self.into_secret().ok_or_else(|| InputError::NoSecret { label: label.to_owned(), found }.into())
    }

    /// The doctor's signer Secret: the Secret named `loadbalancer-serving-signer` when the
    /// manifests hold one (a `List` of several Secrets), else their first Secret; `None` for any
    /// other input, or manifests without a Secret.
    ///
    /// ```
    /// use okd_trust::input;
    /// let text = "kind: Secret\nmetadata: {name: loadbalancer-serving-signer, namespace: openshift-kube-apiserver-operator}\ntype: SecretTypeTLS\n";
    /// let secret = input::detect("signer.yaml", text.as_bytes())?.into_secret().unwrap();
    /// assert_eq!(secret.secret_type, "SecretTypeTLS");
    /// assert!(input::detect("ca.pem", okd_trust::examples::CLUSTER_CA_BUNDLE.as_bytes())?.into_secret().is_none());
    /// # Ok::<(), okd_trust::Error>(())
    /// ```
    pub fn into_secret(self) -> Option<Manifest> {
        match self {
            Detected::Manifests(objects) => {
                let mut secrets = objects.into_iter().filter(|m| m.kind == manifest::ManifestKind::Secret);
                let first = secrets.next()?;
                if first.metadata.name == SIGNER_SECRET_NAME {
                    return Some(first);
                }
                secrets.find(|m| m.metadata.name == SIGNER_SECRET_NAME).or(Some(first))
            }
            Detected::Kubeconfig(_) | Detected::Pem(_) => None,
        }
    }

    /// Every bundle of certificates it holds, each with where it sits: `label` for PEM; `label
    /// cluster NAME` for each cluster of a kubeconfig that embeds CA data; `label
    /// NAMESPACE/NAME[KEY]` for each value of a manifest that loads as PEM (keys, tokens and other
    /// values hold no certificate and are left out). Bad CA data in a kubeconfig is an error.
    ///
    /// ```
    /// use okd_trust::input;
    /// let detected = input::detect("kubeconfig", okd_trust::examples::NODE_KUBECONFIG.as_bytes())?;
    /// let sources = detected.certificate_sources("kubeconfig")?;
    /// assert_eq!(sources.len(), 1);
    /// assert_eq!((sources[0].0.as_str(), sources[0].1.len()), ("kubeconfig cluster local", 4));
    /// # Ok::<(), okd_trust::Error>(())
    /// ```
    pub fn certificate_sources(&self, label: &str) -> Result<Vec<(String, CaBundle)>, Error> {
        let mut sources = Vec::new();
        match self {
            Detected::Pem(bundle) => sources.push((label.to_owned(), bundle.clone())),
            Detected::Kubeconfig(config) => {
                for cluster in config.clusters() {
                    if let Some(bundle) = config.ca_bundle(&cluster.name)? {
                        sources.push((format!("{label} cluster {}", cluster.name), bundle));
                    }
                }
            }
            Detected::Manifests(objects) => {
                for object in objects {
                    for entry in &object.entries {
                        if let Ok(bundle) = CaBundle::from_pem(&entry.value) {
                            sources.push((format!("{label} {}[{}]", object.qualified_name(), entry.key), bundle));
                        }
                    }
                }
            }
        }
        Ok(sources)
    }

    /// The kubeconfig, or [`InputError::WrongKind`] naming what `label` holds instead.
    ///
    /// ```
    /// use okd_trust::input;
    /// let config = input::detect("kubeconfig", okd_trust::examples::NODE_KUBECONFIG.as_bytes())?.into_kubeconfig("kubeconfig")?;
    /// assert_eq!(config.clusters().len(), 1);
    /// let pem = input::detect("ca.pem", okd_trust::examples::CLUSTER_CA_BUNDLE.as_bytes())?;
    /// assert_eq!(pem.into_kubeconfig("ca.pem").unwrap_err().to_string(), "ca.pem: this is a PEM, not a kubeconfig");
    /// # Ok::<(), okd_trust::Error>(())
    /// ```
    pub fn into_kubeconfig(self, label: &str) -> Result<Kubeconfig, Error> {
        match self {
            Detected::Kubeconfig(config) => Ok(*config),
            other => Err(InputError::WrongKind { label: label.to_owned(), found: other.kind_name() }.into()),
        }
    }

    /// `kubeconfig`, `manifest` or `PEM`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Detected::Kubeconfig(_) => "kubeconfig",
            Detected::Manifests(_) => "manifest",
            Detected::Pem(_) => "PEM",
        }
    }
}

/// The CA bundle of a ConfigMap or Secret: the first of [`CA_KEYS`] it holds (`data`,
/// `binaryData` or `stringData`), loaded like Go's `AppendCertsFromPEM`. `None` when it has none.
pub fn manifest_ca_bundle(object: &Manifest) -> Result<Option<CaBundle>, Error> {
    match CA_KEYS.iter().find_map(|key| object.get(key)) {
        Some(value) => Ok(Some(CaBundle::from_pem(value)?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{Detected, InputError, detect};
    use crate::{Error, examples};

    fn cluster_ca_yaml() -> String {
        let indented: String = examples::CLUSTER_CA_BUNDLE.lines().map(|l| format!("    {l}\n")).collect();
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-apiserver-server-ca\n  namespace: openshift-config-managed\ndata:\n  ca-bundle.crt: |\n{indented}"
        )
    }

    #[test]
    fn detects_each_kind_by_content() {
        assert!(matches!(detect("k", examples::NODE_KUBECONFIG.as_bytes()).unwrap(), Detected::Kubeconfig(_)));
        let manifest = detect("cm.yaml", cluster_ca_yaml().as_bytes()).unwrap();
        assert!(matches!(manifest, Detected::Manifests(ref m) if m.len() == 1));
        assert_eq!(manifest.ca_bundle().unwrap().unwrap().len(), 5);
        assert!(matches!(detect("p", examples::CLUSTER_CA_BUNDLE.as_bytes()).unwrap(), Detected::Pem(_)));
        let s_client = format!("CONNECTED(00000003)\ndepth=1 CN = x\n{}---\n", examples::API_INT_SERVING_CHAIN);
        assert!(matches!(detect("s", s_client.as_bytes()).unwrap(), Detected::Pem(ref b) if b.len() == 2));
        let json = r#"{"kind":"Config","apiVersion":"v1","clusters":[]}"#;
        assert!(matches!(detect("j", json.as_bytes()).unwrap(), Detected::Kubeconfig(_)));
    }

    #[test]
    fn names_the_file_when_nothing_fits() {
        let err = detect("/tmp/pod.yaml", b"kind: Pod\nmetadata: {}\n").unwrap_err();
        assert!(matches!(&err, Error::Input(InputError::Unrecognised { label, .. }) if label == "/tmp/pod.yaml"));
        assert!(err.to_string().contains("kind \"Pod\""), "{err}");
        let err = detect("x", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap_err();
        assert!(err.to_string().starts_with("x: PEM: "), "{err}");
    }
}
