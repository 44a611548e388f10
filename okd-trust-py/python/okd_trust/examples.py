"""The example cluster built into the core: the api-int incident, reproduced.

A cluster born on 2019-06-01 whose ``kube-apiserver-lb-signer`` was re-keyed on 2024-04-10. The
node kubeconfigs trust only the old signer; the cluster's bundle holds old and new; api-int serves
a certificate from the new signer. Judge at a time such as ``EXAMPLE_AT`` (2024-05-01): every
certificate is valid from 2024-04-10 to 2024-05-10 at least.
"""

from ._native import EXAMPLES as _EXAMPLES

NODE_KUBECONFIG: str = _EXAMPLES["NODE_KUBECONFIG"]
"""``/var/lib/kubelet/kubeconfig`` of a node, as the installer wrote it (YAML; trusts the old signers)."""

BOOTSTRAP_KUBECONFIG: str = _EXAMPLES["BOOTSTRAP_KUBECONFIG"]
"""``/etc/kubernetes/kubeconfig`` of the same node (same CA data)."""

CLUSTER_CA_BUNDLE: str = _EXAMPLES["CLUSTER_CA_BUNDLE"]
"""``ca-bundle.crt`` of ``openshift-config-managed/kube-apiserver-server-ca`` after the rotation."""

API_INT_SERVING_CHAIN: str = _EXAMPLES["API_INT_SERVING_CHAIN"]
"""What api-int serves after the rotation: the leaf, then the new load-balancer signer."""

SERVER_NAME: str = "api-int.ocp.example.com"
"""The api-int host name of the example cluster."""

EXAMPLE_AT: str = "2024-05-01T00:00:00Z"
"""A moment at which every example certificate is valid: three weeks after the rotation."""

__all__ = [
    "API_INT_SERVING_CHAIN",
    "BOOTSTRAP_KUBECONFIG",
    "CLUSTER_CA_BUNDLE",
    "EXAMPLE_AT",
    "NODE_KUBECONFIG",
    "SERVER_NAME",
]
