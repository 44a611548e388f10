"""okd-trust: will this client trust that server — and if not, why, and what exact, safe change fixes it?

A Python face of the okd-trust Rust core. It reads certificates, CA bundles and kubeconfigs the
way Go's ``crypto/x509`` and client-go read them, predicts kubelet's verdict on api-int's
serving chain, and produces verified, byte-preserving kubeconfig repairs.

>>> import okd_trust
>>> from okd_trust import examples
>>> config = okd_trust.Kubeconfig.parse(examples.NODE_KUBECONFIG)
>>> verdict = okd_trust.verify(examples.API_INT_SERVING_CHAIN, config.ca_bundle(),
...                            server_name="api-int.ocp.example.com", at="2024-05-01T00:00:00Z")
>>> verdict.trusted
False

Every function that depends on time takes ``at`` (a timezone-aware ``datetime`` or an RFC 3339
string); ``at=None`` means now.
"""

from . import examples
from ._native import (
    BundleDiff,
    BundleWarning,
    CaBundle,
    Certificate,
    CertSummary,
    Diagnosis,
    Error,
    Finding,
    Kubeconfig,
    KubeconfigRepair,
    ParseError,
    Plan,
    UnsafeEditError,
    ValidationError,
    Verdict,
    __version__,
    base_dir,
    diagnose,
    read_file,
    repair_bundle_file,
    repair_ca_file,
    repair_kubeconfig,
    repaired_bundle,
    verify,
)

__all__ = [
    "BundleDiff",
    "BundleWarning",
    "CaBundle",
    "CertSummary",
    "Certificate",
    "Diagnosis",
    "Error",
    "Finding",
    "Kubeconfig",
    "KubeconfigRepair",
    "ParseError",
    "Plan",
    "UnsafeEditError",
    "ValidationError",
    "Verdict",
    "__version__",
    "base_dir",
    "diagnose",
    "examples",
    "read_file",
    "repair_bundle_file",
    "repair_ca_file",
    "repair_kubeconfig",
    "repaired_bundle",
    "verify",
]
