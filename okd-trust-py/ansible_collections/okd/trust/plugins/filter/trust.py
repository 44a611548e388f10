# -*- coding: utf-8 -*-
# Copyright: okd-trust contributors
# Apache-2.0 OR MIT
"""Controller-side filters of okd.trust, for nodes without Python (Fedora CoreOS)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.errors import AnsibleFilterError

from ansible_collections.okd.trust.plugins.module_utils.common import (
    HAS_OKD_TRUST,
    LIBRARY,
    TrustError,
    cert_facts,
    load_bundle,
    new_bundle,
    repair_kubeconfig,
)

try:
    import okd_trust
except ImportError:
    okd_trust = None


def _need_library():
    if not HAS_OKD_TRUST:
        raise AnsibleFilterError("the okd.trust filters need %s on the controller" % LIBRARY)


def cert_info(pem):
    """The facts of each certificate in PEM text (or a ConfigMap/Secret/kubeconfig)."""
    _need_library()
    try:
        return [cert_facts(c) for c in load_bundle(pem, "cert_info input")]
    except TrustError as e:
        raise AnsibleFilterError(str(e))


def ca_bundle_union(pem, *others, **kwargs):
    """The union of PEM bundles (first one's order first), as canonical PEM."""
    _need_library()
    try:
        bundle = load_bundle(pem, "ca_bundle_union input")
        for i, other in enumerate(others):
            bundle = bundle.union(load_bundle(other, "ca_bundle_union argument %d" % (i + 1)))
        if kwargs.get("prune_expired"):
            bundle = new_bundle(None, bundle, "exact", True, kwargs.get("at"))
        return bundle.to_pem()
    except (TrustError, ValueError) as e:
        raise AnsibleFilterError(str(e))


def kubeconfig_with_ca(text, ca_bundle, cluster=None, state="union", prune_expired=False,
                       serving_chain=None, server_name=None, at=None, label="kubeconfig"):
    """The kubeconfig text trusting `ca_bundle` (union by default), verified before it is returned;
    the text comes back unchanged when it already trusts exactly that. Raises on anything unsafe."""
    _need_library()
    try:
        wanted = load_bundle(ca_bundle, "ca_bundle")
        result = repair_kubeconfig(text, label, wanted, cluster=cluster, state=state,
                                   prune_expired=prune_expired, serving_chain=serving_chain,
                                   server_name=server_name, at=at)
    except (TrustError, ValueError) as e:
        raise AnsibleFilterError(str(e))
    return result["text"]


def diagnose(kubeconfigs, cluster_cas=None, serving_chain=None, server_name=None, at=None, warn_days=None):
    """The doctor on contents: `kubeconfigs` maps labels (paths) to kubeconfig text; returns the
    JSON report as data (verdict, findings, plan). A filter runs on the controller, so nothing is
    read from its disk: a CA file a kubeconfig names is reported as not judged (use the
    trust_info module on the node to judge it)."""
    _need_library()
    try:
        diagnosis = okd_trust.diagnose(kubeconfigs, cluster_cas=cluster_cas or {}, serving_chain=serving_chain,
                                       server_name=server_name, at=at, warn_days=warn_days, read_files=False)
    except (okd_trust.Error, ValueError, TypeError) as e:
        raise AnsibleFilterError(str(e))
    return json.loads(diagnosis.to_json())


class FilterModule(object):
    """okd.trust filters."""

    def filters(self):
        return {
            "cert_info": cert_info,
            "ca_bundle_union": ca_bundle_union,
            "kubeconfig_with_ca": kubeconfig_with_ca,
            "diagnose": diagnose,
        }
