//! The fingerprint of the incident: a 10-year signer whose notBefore is recent on a cluster whose
//! other signers are years old — the signer was re-keyed, and everything that pinned the old one
//! (node kubeconfigs, multus) is about to stop trusting api-int.

use super::{Code, Finding, Severity};
use crate::verify::CertSummary;
use crate::{CaBundle, Certificate, Timestamp};

const YEAR: i64 = 365 * 86_400;

/// A signer is long-lived when it is a CA valid for at least nine years (OKD's are ten).
fn is_long_lived_signer(cert: &Certificate) -> bool {
    cert.is_ca() && cert.not_before().seconds_until(cert.not_after()) >= 9 * YEAR
}

/// Signers created more than a year after the cluster's oldest signer, and within the year before
/// `at`. A warning, unless every trust bundle given (`trust_bundles`: the nodes' and multus') already
/// trusts the new signer: then the rotation is worth knowing, not a risk.
pub(super) fn recently_rotated(
    certs: &[(String, Certificate)],
    at: Timestamp,
    trust_bundles: &[&CaBundle],
) -> Vec<Finding> {
    let signers: Vec<&(String, Certificate)> = certs.iter().filter(|(_, c)| is_long_lived_signer(c)).collect();
    let Some(born) = signers.iter().map(|(_, c)| c.not_before()).min() else { return Vec::new() };
    let mut seen = std::collections::HashSet::new();
    let mut findings = Vec::new();
    for (source, cert) in &signers {
        let created = cert.not_before();
        let rotated_late = born.seconds_until(created) > YEAR;
        let recent = created.seconds_until(at) <= YEAR && created <= at;
        if !(rotated_late && recent && seen.insert(cert.sha256_fingerprint())) {
            continue;
        }
        // The same old signer usually sits in several inputs; name it once.
        let mut listed = std::collections::HashSet::new();
        let older: Vec<CertSummary> = signers
            .iter()
            .filter(|(_, c)| c.raw_subject() == cert.raw_subject() && c.not_before() < created)
            .filter(|(_, c)| listed.insert(c.sha256_fingerprint()))
            .map(|(_, c)| CertSummary::new(c, 0))
            .collect();
        let mut evidence = vec![CertSummary::new(cert, 0)];
        evidence.extend(older);
        let followed = !trust_bundles.is_empty() && trust_bundles.iter().all(|b| b.contains(cert));
        let (severity, followed) = if followed {
            (Severity::Info, " Every trust bundle given already trusts it.")
        } else {
            (Severity::Warning, "")
        };
        findings.push(
            Finding::new(
                Code::SignerRecentlyRotated,
                severity,
                source,
                format!(
                    "10-year signer {} was created on {}, years after the cluster's oldest signer ({}): it was re-keyed, \
                     as OKD 4.15 before 4.15.10 does on clusters born at 4.7 or earlier. Everything that pinned the old \
                     signer must also trust this one.{followed}",
                    cert.subject(),
                    created,
                    born
                ),
            )
            .with_certificates(evidence)
            .with_detail("cluster_oldest_signer_not_before", born.to_string()),
        );
    }
    findings
}
