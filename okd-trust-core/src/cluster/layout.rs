//! Which files of a must-gather (or of a pile of `oc get` dumps) hold what the analysis reads,
//! decided from the path alone so a reader can skip the rest without opening it.
//!
//! A must-gather names every file after what it holds: `namespaces/<ns>/<group>/<resource>.yaml`
//! (a `List`), `namespaces/<ns>/<group>/<resource>/<name>.yaml` (one object), and
//! `cluster-scoped-resources/<group>/<resource>/<name>.yaml`. The resource and its API group say
//! the kind, so the choice is by kind, never by a list of object names. Files outside that layout
//! (`oc get -o yaml` dumps) are read whole, and their objects are kept by kind.

use crate::{Timestamp, TimestampError};

/// What a file is to the cluster analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileRole {
    /// Kubernetes objects, some of which may matter (YAML or JSON, one object or a `List`).
    Manifests,
    /// A kubelet journal (`host_service_logs/.../kubelet_service.log`): x509 errors are evidence.
    KubeletLog,
    /// The must-gather's `timestamp` file: when it was gathered.
    GatheredAt,
}

/// Resources (by API group) whose objects the analysis reads.
const RESOURCES: [(&str, &str); 8] = [
    ("core", "configmaps"),
    ("core", "secrets"),
    ("core", "nodes"),
    ("machineconfiguration.openshift.io", "controllerconfigs"),
    ("machineconfiguration.openshift.io", "machineconfigs"),
    ("machineconfiguration.openshift.io", "machineconfigpools"),
    ("config.openshift.io", "clusterversions"),
    ("config.openshift.io", "infrastructures"),
];

/// Also read, though not in the list above: the CSRs hold the kubelets' serving certificates.
const CSR_RESOURCE: (&str, &str) = ("certificates.k8s.io", "certificatesigningrequests");

/// The role of the file at `path` (`/`-separated, as inside a tarball), or `None` when the
/// analysis has no use for it.
///
/// ```
/// use okd_trust::cluster::{FileRole, classify};
/// let mg = "must-gather/quay-io-ocp/";
/// assert_eq!(classify(&format!("{mg}namespaces/openshift-multus/core/configmaps.yaml")), Some(FileRole::Manifests));
/// assert_eq!(classify(&format!("{mg}namespaces/openshift-multus/core/pods.yaml")), None);
/// assert_eq!(classify(&format!("{mg}cluster-scoped-resources/core/nodes/master-0.yaml")), Some(FileRole::Manifests));
/// assert_eq!(classify(&format!("{mg}host_service_logs/masters/kubelet_service.log")), Some(FileRole::KubeletLog));
/// assert_eq!(classify("must-gather/timestamp"), Some(FileRole::GatheredAt));
/// assert_eq!(classify("dumps/lb-serving-ca.yaml"), Some(FileRole::Manifests));
/// ```
pub fn classify(path: &str) -> Option<FileRole> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let file = *parts.last()?;
    if file == "timestamp" {
        return Some(FileRole::GatheredAt);
    }
    if parts.contains(&"host_service_logs") {
        return file.starts_with("kubelet").then_some(FileRole::KubeletLog);
    }
    let is_manifest = [".yaml", ".yml", ".json"].iter().any(|ext| file.ends_with(ext));
    if !is_manifest {
        return None;
    }
    let layout_root = parts.iter().rposition(|p| *p == "namespaces" || *p == "cluster-scoped-resources");
    let Some(root) = layout_root else {
        // Not a must-gather's resource tree: an `oc get` dump, read whole and kept by kind.
        // Other must-gather files (events, pod logs, HTML) live beside the tree, not in it.
        return (!parts.iter().any(|p| is_gather_side_dir(p))).then_some(FileRole::Manifests);
    };
    // namespaces/<ns>/<group>/<resource>[.yaml | /<name>.yaml]
    // cluster-scoped-resources/<group>/<resource>[.yaml | /<name>.yaml]
    let rest = parts.get(root + 1..)?;
    let rest = if parts[root] == "namespaces" { rest.get(1..)? } else { rest };
    let (group, resource) = match rest {
        [group, file] => (*group, strip_extension(file)),
        [group, resource, _name] => (*group, *resource),
        _ => return None,
    };
    let wanted = RESOURCES.iter().chain(std::iter::once(&CSR_RESOURCE)).any(|&(g, r)| g == group && r == resource);
    wanted.then_some(FileRole::Manifests)
}

/// Directories of a must-gather that hold no manifests the analysis reads.
fn is_gather_side_dir(part: &str) -> bool {
    matches!(part, "host_service_logs" | "etcd_info" | "monitoring" | "web_hooks" | "ingress_controllers" | "pods")
}

fn strip_extension(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(stem, _)| stem)
}

/// When a must-gather was taken, from its `timestamp` file: the first line, as Go prints a
/// `time.Time` (`2021-08-03 12:11:56.91501602 +0200 CEST m=+1.651641915`).
///
/// ```
/// use okd_trust::cluster::gathered_at;
/// let at = gathered_at("2021-08-03 12:11:56.91501602 +0200 CEST m=+1.651641915\n")?;
/// assert_eq!(at.to_string(), "2021-08-03T10:11:56.91501602Z");
/// # Ok::<(), okd_trust::TimestampError>(())
/// ```
pub fn gathered_at(text: &str) -> Result<Timestamp, TimestampError> {
    let line = text.lines().next().unwrap_or_default();
    let invalid = || TimestampError { input: line.to_owned() };
    let mut fields = line.split_whitespace();
    let (Some(date), Some(time), Some(offset)) = (fields.next(), fields.next(), fields.next()) else {
        return Err(invalid());
    };
    // Go prints the offset as ±hhmm; RFC 3339 wants ±hh:mm.
    let (sign_hours, minutes) = offset.split_at_checked(3).ok_or_else(invalid)?;
    Timestamp::parse_rfc3339(&format!("{date}T{time}{sign_hours}:{minutes}")).map_err(|_| invalid())
}
