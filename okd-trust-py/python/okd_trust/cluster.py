"""The whole cluster's trust, from a must-gather: every signer keyed by its public key, every
bundle and endpoint, Go's verdict on each relationship OpenShift relies on, and what breaks next.

>>> from okd_trust import cluster
>>> report = cluster.analyze(["must-gather.tar.xz"])            # doctest: +SKIP
>>> report.verdict, [f.code for f in report.findings]           # doctest: +SKIP
('broken', ['bundle-untrusted-endpoint', 'signer-rekeyed', ...])

The files are read by the extension (directories, tarballs read in place, ``oc get`` dumps);
the analysis is the Rust core's, the same as ``okd-trust cluster``.
"""

from ._native import (
    Bundle,
    ClusterFinding,
    ClusterReport,
    Edge,
    Endpoint,
    Signer,
    analyze,
)

__all__ = ["Bundle", "ClusterFinding", "ClusterReport", "Edge", "Endpoint", "Signer", "analyze"]
