//! A repair: the bundle a file should trust (the one policy every front end uses), the new file,
//! and the checks it must pass before anyone may write it — with a typed outcome that says which.

use super::node::{summaries, verify_chain};
use crate::bundle::BundleDiff;
use crate::kubeconfig::{EditError, ValidationError};
use crate::verify::{CertSummary, SignatureCache, Untrusted, Verdict};
use crate::{CaBundle, Certificate, Error, ErrorKind, Kubeconfig, Timestamp};

/// A kubeconfig (or the CA file it names) rewritten to trust the union of what it trusted and
/// what the cluster serves.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct KubeconfigRepair {
    /// Which kubeconfig this repairs: its index in [`DoctorInput::kubeconfigs`](super::DoctorInput).
    /// Write a repair to the file this index was read from — never look the file up by `source`,
    /// a display label that two different paths can share.
    pub kubeconfig: usize,
    /// The kubeconfig (its label, normally the path on the node), for display.
    pub source: String,
    /// The file the repair writes: the kubeconfig itself, or the CA file it names.
    pub target: RepairTarget,
    /// The cluster entry edited.
    pub cluster: String,
    /// The file as it was read (a byte-order mark included, like the new text), so renderers can
    /// show the change.
    pub old_text: String,
    /// CAs the new bundle adds.
    pub added: Vec<CertSummary>,
    /// CAs the new bundle drops (expired ones only: the repair never drops a valid CA).
    pub removed: Vec<CertSummary>,
    /// Whether the file would change: false when it already holds exactly the new text. A refused
    /// repair writes nothing; there this says whether a change was needed (refused and unchanged:
    /// the file already trusts exactly this bundle, which still fails the check).
    pub changed: bool,
    /// Verified, with the new text and the verdict that proved it; or refused, with why.
    pub outcome: RepairOutcome,
}

impl KubeconfigRepair {
    /// The whole new file, when the repair is verified; `None` when it was refused.
    ///
    /// For a kubeconfig only the `certificate-authority-data` value differs from the input; for
    /// a CA file the new certificates are appended (or, when expired ones are dropped, the whole
    /// bundle is written anew).
    pub fn new_text(&self) -> Option<&str> {
        match &self.outcome {
            RepairOutcome::Verified { new_text, .. } => Some(new_text),
            RepairOutcome::Refused(_) => None,
        }
    }

    /// Whether nothing is left to write: verified and unchanged, or the file already holds exactly
    /// this bundle and only the served chain's check refused it (the [`verdict`](Self::verdict)
    /// says why). An "ensure this bundle" caller is done then; any other refusal is an error.
    pub fn is_settled(&self) -> bool {
        !self.changed && (self.is_verified() || matches!(self.refusal(), Some(Refusal::StillUntrusted(_))))
    }

    /// Whether every check passed, so the new text may be written.
    pub fn is_verified(&self) -> bool {
        matches!(self.outcome, RepairOutcome::Verified { .. })
    }

    /// The new bundle's verdict on the served chain, when it was checked: trusted for a verified
    /// repair (the proof), untrusted for one refused as [`Refusal::StillUntrusted`]; `None` when
    /// no chain was given or another check failed first.
    pub fn verdict(&self) -> Option<Verdict> {
        match &self.outcome {
            RepairOutcome::Verified { verdict, .. } => verdict.clone(),
            RepairOutcome::Refused(Refusal::StillUntrusted(untrusted)) => {
                Some(Verdict::Untrusted((**untrusted).clone()))
            }
            RepairOutcome::Refused(_) => None,
        }
    }

    /// The repaired kubeconfig as the checks read it back, for a verified repair of a kubeconfig.
    pub fn edited_kubeconfig(&self) -> Option<&Kubeconfig> {
        match &self.outcome {
            RepairOutcome::Verified { edited, .. } => edited.as_deref(),
            RepairOutcome::Refused(_) => None,
        }
    }

    /// Why the repair must not be applied; `None` when it is verified.
    pub fn refusal(&self) -> Option<&Refusal> {
        match &self.outcome {
            RepairOutcome::Verified { .. } => None,
            RepairOutcome::Refused(refusal) => Some(refusal),
        }
    }

    /// What was checked, or why the repair must not be applied, in words.
    pub fn verification(&self) -> String {
        let RepairOutcome::Verified { verdict, .. } = &self.outcome else {
            return self.refusal().map(ToString::to_string).unwrap_or_default();
        };
        let chain = if verdict.is_some() {
            "the new bundle verifies the api-int serving chain (kubelet profile)"
        } else {
            "no serving chain given, so trust of api-int was not checked"
        };
        match &self.target {
            RepairTarget::CaFile { .. } if !self.changed => {
                format!("the CA file already holds exactly this bundle; {chain}")
            }
            RepairTarget::CaFile { .. } => format!("re-read as exactly the intended bundle; {chain}"),
            RepairTarget::Kubeconfig => format!("re-parsed and client-go validation clean; {chain}"),
        }
    }
}

/// What became of a [`KubeconfigRepair`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RepairOutcome {
    /// Every check passed: the new text may be written.
    Verified {
        /// The whole new file.
        new_text: String,
        /// The new kubeconfig as it was read back for the checks, for a repair of a kubeconfig
        /// (`None` for a CA file): a caller that judges the repaired node again need not parse it.
        edited: Option<Box<Kubeconfig>>,
        /// The verdict of the new bundle on the served chain, when one was given: always
        /// trusted, with the chain it built. No front end verifies a second time.
        verdict: Option<Verdict>,
    },
    /// A check failed: nothing may be written.
    Refused(Refusal),
}

/// Why a repair must not be applied, in the order the checks run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// Every certificate is expired at the time judged: the repair would leave nothing to trust.
    #[error("refusing to write an empty CA bundle: every certificate is expired at the time judged")]
    NothingLeft,
    /// The edit itself is not provably safe (CA data behind an anchor, insecure-skip-tls-verify,
    /// a CA file also named, UTF-16, an empty bundle...).
    #[error("not repairable automatically: {0}")]
    EditRefused(EditError),
    /// The CA file to extend is not UTF-8 text.
    #[error("the CA file {path} is not UTF-8 text, so it is not rewritten automatically")]
    NotText {
        /// The file.
        path: String,
    },
    /// The new text does not read back as what was meant: the kubeconfig does not parse, or the
    /// CA file does not load as exactly the intended bundle.
    #[error("the edited file does not read back as the intended bundle")]
    ReparseFailed,
    /// client-go would refuse the edited kubeconfig (the problem may predate the edit: kubelet
    /// would refuse the file either way).
    #[error("client-go would reject the edited file: {0}")]
    ValidationFailed(ValidationError),
    /// The new bundle still does not verify what api-int serves.
    #[error("the union bundle still does not verify what api-int serves, so the fix is withheld: {}", .0.failure)]
    StillUntrusted(Box<Untrusted>),
}

impl Refusal {
    /// The class of the refusal, for bindings that report it as an error: the edit's own class
    /// for a refused edit (an unknown cluster is [`ErrorKind::NotFound`]), else
    /// [`ErrorKind::UnsafeEdit`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            Refusal::EditRefused(e) => Error::Edit(e.clone()).kind(),
            Refusal::NothingLeft
            | Refusal::NotText { .. }
            | Refusal::ReparseFailed
            | Refusal::ValidationFailed(_)
            | Refusal::StillUntrusted(_) => ErrorKind::UnsafeEdit,
        }
    }

    /// A stable code: `nothing-left`, `edit-refused`, `not-text`, `reparse-failed`,
    /// `validation-failed` or `still-untrusted`.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NothingLeft => "nothing-left",
            Refusal::EditRefused(_) => "edit-refused",
            Refusal::NotText { .. } => "not-text",
            Refusal::ReparseFailed => "reparse-failed",
            Refusal::ValidationFailed(_) => "validation-failed",
            Refusal::StillUntrusted(_) => "still-untrusted",
        }
    }
}

/// Which file a [`KubeconfigRepair`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepairTarget {
    /// The kubeconfig: its `certificate-authority-data` is set (added when it had none).
    Kubeconfig,
    /// The CA file the kubeconfig names in `certificate-authority`; the kubeconfig is untouched.
    CaFile {
        /// The path as client-go resolves it.
        path: String,
    },
}

impl RepairTarget {
    /// `kubeconfig` or `ca-file`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RepairTarget::Kubeconfig => "kubeconfig",
            RepairTarget::CaFile { .. } => "ca-file",
        }
    }

    /// The CA file's path, for a repair that writes one; `None` when it writes the kubeconfig.
    pub fn ca_file(&self) -> Option<&str> {
        match self {
            RepairTarget::Kubeconfig => None,
            RepairTarget::CaFile { path } => Some(path),
        }
    }
}

/// How the bundle a repair writes is made from what the file trusts and what it should.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum BundlePolicy {
    /// What the file trusted, then the wanted CAs it lacks: nothing it relied on moves or goes.
    /// The doctor's policy.
    #[default]
    Union,
    /// The wanted CAs alone.
    Exact,
}

impl BundlePolicy {
    /// `union` or `exact`.
    pub fn as_str(self) -> &'static str {
        match self {
            BundlePolicy::Union => "union",
            BundlePolicy::Exact => "exact",
        }
    }
}

impl std::str::FromStr for BundlePolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "union" => Ok(BundlePolicy::Union),
            "exact" => Ok(BundlePolicy::Exact),
            other => Err(format!("unknown bundle policy {other:?} (union or exact)")),
        }
    }
}

/// Why no bundle could be made to write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundlePolicyError {
    /// Every certificate is expired at the time judged: client-go would reject an empty bundle.
    #[error("refusing to write an empty CA bundle: every certificate is expired at the time judged")]
    Empty,
}

/// The bundle a file should trust: `wanted` alone ([`BundlePolicy::Exact`], or when the file
/// trusts nothing yet), or what it trusted followed by the wanted CAs it lacks
/// ([`BundlePolicy::Union`]); with `drop_expired_at`, certificates expired at that time go. The
/// doctor builds every repair this way (union, expired dropped at the time judged); the Ansible
/// modules and the bindings call it rather than restating it.
///
/// ```
/// use okd_trust::diagnose::{self, BundlePolicy};
/// use okd_trust::{CaBundle, Timestamp, examples};
///
/// let cluster = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes())?;
/// let node = CaBundle::from_certificates(cluster.iter().skip(1).cloned());
/// let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?;
/// let bundle = diagnose::repaired_bundle(Some(&node), &cluster, BundlePolicy::Union, Some(at))?;
/// assert_eq!(bundle.get(0), node.get(0), "what the node trusted stays first");
/// assert!(bundle.diff(&cluster).is_unchanged());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn repaired_bundle(
    current: Option<&CaBundle>,
    wanted: &CaBundle,
    policy: BundlePolicy,
    drop_expired_at: Option<Timestamp>,
) -> Result<CaBundle, BundlePolicyError> {
    let bundle = match (policy, current) {
        (BundlePolicy::Union, Some(current)) => current.union(wanted),
        (BundlePolicy::Exact, _) | (_, None) => wanted.clone(),
    };
    let bundle = match drop_expired_at {
        Some(at) => bundle.without_expired(at),
        None => bundle,
    };
    if bundle.is_empty() { Err(BundlePolicyError::Empty) } else { Ok(bundle) }
}

/// What a repaired bundle must verify, and how.
pub(super) struct Serving<'a> {
    /// The served chain, leaf first.
    pub(super) chain: Option<&'a [Certificate]>,
    /// The name dialled; the kubeconfig's server host when `None`.
    pub(super) server_name: Option<&'a str>,
    /// When.
    pub(super) at: Timestamp,
    /// Signature checks to reuse.
    pub(super) cache: &'a SignatureCache,
}

impl Serving<'_> {
    /// The new bundle's verdict on the served chain: `Ok(None)` when no chain was given.
    fn prove(&self, bundle: &CaBundle, server_name: Option<&str>) -> Result<Option<Verdict>, Refusal> {
        match self.chain.and_then(|chain| verify_chain(chain, bundle, server_name, self.at, self.cache)) {
            Some(Verdict::Untrusted(reason)) => Err(Refusal::StillUntrusted(Box::new(reason))),
            verdict => Ok(verdict),
        }
    }
}

/// The kubeconfig `(index, source)` with `certificate-authority-data` of `cluster_name` set to
/// `wanted`, checked: the edit is safe, the text re-parses, client-go validates it, and the new
/// bundle verifies the served chain when one is given.
pub(super) fn kubeconfig(
    (index, source): (usize, &str),
    kubeconfig: &Kubeconfig,
    cluster_name: &str,
    wanted: &CaBundle,
    serving: &Serving<'_>,
) -> KubeconfigRepair {
    let current = kubeconfig.ca_bundle(cluster_name).ok().flatten().unwrap_or_default();
    let old_text = kubeconfig.text();
    // Whether the new text differs from the old, once there is one.
    let mut differs = None;
    let outcome = (|| {
        let (edit, reparsed) = kubeconfig.edit_ca_bundle(cluster_name, wanted).map_err(Refusal::EditRefused)?;
        differs = Some(edit.text != old_text);
        // The edit's self-check already re-parsed the new text; parse it here only when it did not.
        let edited = reparsed.or_else(|| Kubeconfig::parse(edit.text.as_bytes()).ok()).ok_or(Refusal::ReparseFailed)?;
        // Verify before write means the written file must pass client-go's validation, whether the
        // problem is new or was there before: kubelet would refuse it either way.
        if let Some(problem) = edited.validate().into_iter().next() {
            return Err(Refusal::ValidationFailed(problem));
        }
        let dialled = serving.server_name.map(str::to_owned).or_else(|| kubeconfig.server_name(cluster_name));
        let verdict = serving.prove(wanted, dialled.as_deref())?;
        Ok(RepairOutcome::Verified { new_text: edit.text, edited: Some(Box::new(edited)), verdict })
    })();
    finish((index, source), RepairTarget::Kubeconfig, cluster_name, old_text, differs, current.diff(wanted), outcome)
}

/// The CA file `path` that kubeconfig `(index, source)` names: the kubeconfig stays as it is, and
/// the file gains the CAs it lacks — appended when nothing is dropped, so every byte it had stays;
/// written anew when expired CAs go. The new text must load as exactly the wanted bundle, and
/// verify the served chain when one is given.
pub(super) fn ca_file(
    (index, source): (usize, &str),
    cluster_name: &str,
    path: &str,
    old: &[u8],
    current: &CaBundle,
    wanted: &CaBundle,
    serving: &Serving<'_>,
) -> KubeconfigRepair {
    let old_text = String::from_utf8_lossy(old).into_owned();
    let diff = current.diff(wanted);
    let mut differs = None;
    let outcome = (|| {
        let new_text = if diff.is_unchanged() {
            // Nothing to add or drop: the file stays as it is, whatever its encoding.
            old_text.clone()
        } else {
            let text = std::str::from_utf8(old).map_err(|_| Refusal::NotText { path: path.to_owned() })?;
            let new_text = if diff.removed.is_empty() {
                let mut appended = text.to_owned();
                if !appended.is_empty() && !appended.ends_with('\n') {
                    appended.push('\n');
                }
                appended.extend(diff.added.iter().map(|c| crate::pem::encode("CERTIFICATE", c.der())));
                appended
            } else {
                wanted.to_pem()
            };
            match CaBundle::from_pem(new_text.as_bytes()) {
                Ok(reread) if reread.diff(wanted).is_unchanged() => new_text,
                _ => return Err(Refusal::ReparseFailed),
            }
        };
        differs = Some(new_text != old_text);
        let verdict = serving.prove(wanted, serving.server_name)?;
        Ok(RepairOutcome::Verified { new_text, edited: None, verdict })
    })();
    let target = RepairTarget::CaFile { path: path.to_owned() };
    finish((index, source), target, cluster_name, old_text, differs, diff, outcome)
}

/// A repair refused before any new text was made (`refusal`), of the file `target` holding
/// `old_text`, which trusts `current`.
pub(super) fn refused(
    id: (usize, &str),
    target: RepairTarget,
    cluster: &str,
    old_text: String,
    current: &CaBundle,
    refusal: Refusal,
) -> KubeconfigRepair {
    let diff = current.diff(&CaBundle::default());
    finish(id, target, cluster, old_text, None, diff, Err(refusal))
}

fn finish(
    (index, source): (usize, &str),
    target: RepairTarget,
    cluster: &str,
    old_text: String,
    differs: Option<bool>,
    diff: BundleDiff,
    outcome: Result<RepairOutcome, Refusal>,
) -> KubeconfigRepair {
    let outcome = outcome.unwrap_or_else(RepairOutcome::Refused);
    // Refused before a new text was made: a change was needed when the bundle changes.
    let changed = differs.unwrap_or(!diff.is_unchanged());
    KubeconfigRepair {
        kubeconfig: index,
        source: source.to_owned(),
        target,
        cluster: cluster.to_owned(),
        old_text,
        added: summaries(&diff.added),
        removed: summaries(&diff.removed),
        changed,
        outcome,
    }
}
