#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: okd-trust contributors
# Apache-2.0 OR MIT

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: kubeconfig_ca
short_description: Ensure a kubeconfig trusts a CA bundle, verified before it is written
version_added: "0.1.0"
description:
  - Sets C(certificate-authority-data) of one cluster entry of a kubeconfig on the target so it
    trusts a CA bundle, by splicing the new value into the bytes of the old one. Comments, key
    order, quoting, line endings (CRLF) and JSON layout stay byte-identical.
  - By default the new bundle is the union of what the file trusted and the given bundle, so no
    signer the node relied on is dropped (the published C(sed) fix dropped the others).
  - Before anything is written the new text must re-parse, pass client-go's validation, and, when
    O(serving_chain) is given, its bundle must verify the api-int serving chain for O(server_name)
    under kubelet's rules (Go C(crypto/x509)). Otherwise the module fails and writes nothing.
  - When the cluster names a CA file instead (C(certificate-authority) set to a path, absolute or
    relative to the kubeconfig's directory, as client-go resolves it), kubelet reads that file, so
    the module repairs the file and leaves the kubeconfig untouched. The file keeps its bytes and
    gains the CAs it lacks (it is written anew only when O(prune_expired) drops some), with the same
    checks, atomic write and backup. A CA file that cannot be read fails the module (client-go
    refuses such a kubeconfig).
  - Refuses what cannot be edited safely (CA data behind a YAML anchor/alias or a C(!!binary) tag,
    C(certificate-authority) path and data both set, C(insecure-skip-tls-verify=true)).
  - Idempotent. The write is atomic and keeps the file's mode, owner and SELinux context.
requirements:
  - okd_trust (the okd-trust Python package) in the Python that runs the module
options:
  path:
    description: The kubeconfig on the target (YAML or JSON).
    type: path
    required: true
  cluster:
    description: The cluster entry to edit; default the cluster of C(current-context).
    type: str
  ca_bundle:
    description:
      - The CA bundle to trust, as content. PEM, a ConfigMap or Secret as printed by
        C(oc get -o yaml|json) (keys C(ca-bundle.crt), C(ca.crt), C(tls.crt)), or a kubeconfig.
      - Exactly one of O(ca_bundle) and O(ca_bundle_path) is required.
    type: str
  ca_bundle_path:
    description: A file on the target holding the CA bundle (any form O(ca_bundle) accepts).
    type: path
  state:
    description:
      - V(union) keeps what the file trusted and adds what is missing from the bundle.
      - V(exact) trusts exactly the bundle.
    type: str
    choices: [union, exact]
    default: union
  prune_expired:
    description: Drop certificates expired at O(at) from the new bundle.
    type: bool
    default: false
  serving_chain:
    description:
      - The chain api-int serves, leaf first (PEM, e.g. C(openssl s_client -showcerts) output).
        When given, a change is written only if the new bundle verifies it.
    type: str
  server_name:
    description: The host name to verify the serving chain for; default the host of the cluster's server.
    type: str
  at:
    description:
      - The time to judge expiry and validity at (RFC 3339, e.g. V(2024-05-01T00:00:00Z));
        default now. For reproducible runs and tests.
    type: str
  backup:
    description: Copy the file to a timestamped backup before changing it.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: The diff lists certificates by subject, SHA-256 fingerprint and expiry, never base64.
  platform:
    support: full
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
seealso:
  - module: okd.trust.ca_bundle
  - module: okd.trust.trust_info
  - plugin: okd.trust.kubeconfig_with_ca
    plugin_type: filter
author:
  - okd-trust contributors
"""

EXAMPLES = r"""
- name: Trust the rotated load-balancer signer in kubelet's kubeconfig, verified against api-int
  okd.trust.kubeconfig_ca:
    path: /var/lib/kubelet/kubeconfig
    ca_bundle: "{{ lb_serving_ca_pem }}"
    serving_chain: "{{ api_int_chain_pem }}"
    server_name: api-int.mycluster.example.com
    backup: true
  notify: restart kubelet

- name: Replace the CA of one cluster entry and drop expired signers
  okd.trust.kubeconfig_ca:
    path: /etc/kubernetes/kubeconfig
    cluster: local
    ca_bundle_path: /etc/kubernetes/static-pod-resources/configmaps/ca-bundle.crt
    state: exact
    prune_expired: true
"""

RETURN = r"""
cluster:
  description: The cluster entry edited.
  returned: success
  type: str
  sample: local
ca_file:
  description: The CA file repaired instead of the kubeconfig, when the cluster names one.
  returned: when the cluster sets certificate-authority to a path
  type: str
  sample: /etc/kubernetes/ca.crt
added:
  description: Certificates the new bundle adds.
  returned: success
  type: list
  elements: dict
  sample: [{"subject": "CN=kube-apiserver-lb-signer,OU=openshift", "sha256": "BF:79:...:E3", "not_after": "2034-04-08T00:00:00+00:00"}]
removed:
  description: Certificates the new bundle drops.
  returned: success
  type: list
  elements: dict
  sample: []
trusts:
  description: The certificates the file trusts after the run (subject, fingerprint, expiry).
  returned: success
  type: list
  elements: str
verdict:
  description: Whether the resulting bundle verifies the serving chain (only with O(serving_chain)).
  returned: when serving_chain is given
  type: dict
  sample: {"trusted": true, "reason": null, "chain": ["CN=api-int.example.com", "CN=kube-apiserver-lb-signer,OU=openshift"]}
backup_file:
  description: The backup copy, when one was made.
  returned: changed and backup is true
  type: str
  sample: /var/lib/kubelet/kubeconfig.12345.2024-05-01@00:00:00~
"""

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_bytes, to_text

from ansible_collections.okd.trust.plugins.module_utils.common import (
    HAS_OKD_TRUST,
    LIBRARY,
    OKD_TRUST_IMPORT_ERROR,
    TrustError,
    bundle_text,
    change_summary,
    load_bundle,
    repair_ca_file,
    repair_kubeconfig,
    verdict_facts,
    write_atomic,
)

try:
    import okd_trust
except ImportError:
    okd_trust = None


def read(module, path, what):
    try:
        # A regular file within the library's size limit: a FIFO or a device is never waited on.
        return okd_trust.read_file(path)
    except (IOError, OSError) as e:
        module.fail_json(msg="cannot read %s %s: %s" % (what, path, to_text(e)))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            cluster=dict(type="str"),
            ca_bundle=dict(type="str"),
            ca_bundle_path=dict(type="path"),
            state=dict(type="str", choices=["union", "exact"], default="union"),
            prune_expired=dict(type="bool", default=False),
            serving_chain=dict(type="str"),
            server_name=dict(type="str"),
            at=dict(type="str"),
            backup=dict(type="bool", default=False),
        ),
        required_one_of=[("ca_bundle", "ca_bundle_path")],
        mutually_exclusive=[("ca_bundle", "ca_bundle_path")],
        supports_check_mode=True,
    )
    if not HAS_OKD_TRUST:
        module.fail_json(msg=missing_required_lib(LIBRARY), exception=OKD_TRUST_IMPORT_ERROR)

    p = module.params
    path = p["path"]
    if not os.path.isfile(path):
        module.fail_json(msg="kubeconfig %s does not exist" % path)
    raw = read(module, path, "kubeconfig")
    if p["ca_bundle_path"]:
        bundle_source, bundle_label = read(module, p["ca_bundle_path"], "ca_bundle_path"), p["ca_bundle_path"]
    else:
        bundle_source, bundle_label = p["ca_bundle"], "ca_bundle"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        module.fail_json(msg="%s: not UTF-8 text (byte %d); nothing was written" % (path, e.start))
    try:
        wanted = load_bundle(bundle_source, bundle_label)
        options = dict(
            cluster=p["cluster"],
            state=p["state"],
            prune_expired=p["prune_expired"],
            serving_chain=p["serving_chain"],
            server_name=p["server_name"],
            at=p["at"],
        )
        result = repair_ca_file(text, path, wanted, **options) or repair_kubeconfig(text, path, wanted, **options)
    except TrustError as e:
        module.fail_json(msg="%s; nothing was written" % to_text(e))
    except ValueError as e:  # an argument okd_trust refused, e.g. a malformed `at`
        module.fail_json(msg="invalid argument: %s; nothing was written" % to_text(e))

    changed = result["changed"]
    out = dict(
        changed=changed,
        path=path,
        cluster=result["cluster"],
        trusts=bundle_text(result["new_bundle"]).splitlines(),
        **change_summary(result["old_bundle"], result["new_bundle"])
    )
    if result["verdict"] is not None:
        out["verdict"] = verdict_facts(result["verdict"])
    if module._diff:
        out["diff"] = dict(
            before_header="%s (cluster %s)" % (result.get("ca_file") or path, result["cluster"]),
            after_header="%s (cluster %s)" % (result.get("ca_file") or path, result["cluster"]),
            before=bundle_text(result["old_bundle"]),
            after=bundle_text(result["new_bundle"]) if changed else bundle_text(result["old_bundle"]),
        )
    # The file kubelet reads: the CA file the kubeconfig names, or the kubeconfig itself.
    written = result.get("ca_file") or path
    if result.get("ca_file"):
        out["ca_file"] = written
    if changed and not module.check_mode:
        if p["backup"]:
            out["backup_file"] = module.backup_local(written)
        write_atomic(module, written, to_bytes(result["text"], encoding="utf-8"))
    module.exit_json(**out)


if __name__ == "__main__":
    main()
