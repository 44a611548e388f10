#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: okd-trust contributors
# Apache-2.0 OR MIT

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ca_bundle
short_description: Maintain a PEM CA bundle file (union or exact), verified before it is written
version_added: "0.1.0"
description:
  - Ensures a PEM file on the target holds a CA bundle. By default the union of what it holds and
    the given bundle (nothing it trusted is dropped); V(exact) replaces it.
  - The file is read the way Go's C(AppendCertsFromPEM) reads it (what does not load trusted
    nothing). The repair is the library's, the one the doctor offers for CA files
    (C(okd_trust.repair_bundle_file)). The file keeps every byte it had and the missing
    certificates are appended as PEM; when certificates go (V(exact), O(prune_expired)) it is
    written anew as canonical PEM, one block per certificate, in order, de-duplicated by
    fingerprint. The new text must load as exactly the intended bundle before it is written.
  - The file is compared by certificates, not bytes, so a file that already holds exactly the
    wanted certificates in order is left alone (comments and all).
  - With O(serving_chain), a change is written only if the new bundle verifies it; a file that
    already holds exactly the wanted bundle is left alone and the failed verdict reported.
  - A bundle with nothing left to trust (every certificate expired and pruned) is refused.
  - Atomic write keeping mode, owner and SELinux context; optional backup; idempotent.
requirements:
  - okd_trust (the okd-trust Python package) in the Python that runs the module
options:
  path:
    description: The PEM bundle file on the target; created when missing.
    type: path
    required: true
  ca_bundle:
    description:
      - The certificates to trust, as content (PEM, a ConfigMap/Secret manifest, or a kubeconfig).
      - Exactly one of O(ca_bundle) and O(ca_bundle_path) is required.
    type: str
  ca_bundle_path:
    description: A file on the target holding them.
    type: path
  state:
    description: V(union) adds what is missing; V(exact) trusts exactly the given bundle.
    type: str
    choices: [union, exact]
    default: union
  prune_expired:
    description: Drop certificates expired at O(at).
    type: bool
    default: false
  serving_chain:
    description: A served chain (PEM, leaf first) the new bundle must verify before it is written.
    type: str
  server_name:
    description: The host name the serving chain must be valid for.
    type: str
  at:
    description: The time to judge at (RFC 3339); default now.
    type: str
  backup:
    description: Copy the file to a timestamped backup before changing it.
    type: bool
    default: false
  mode:
    description: Mode of a newly created file (an existing file keeps its own).
    type: raw
    default: "0644"
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: The diff lists certificates by subject, SHA-256 fingerprint and expiry.
  platform:
    support: full
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
seealso:
  - module: okd.trust.kubeconfig_ca
  - plugin: okd.trust.ca_bundle_union
    plugin_type: filter
author:
  - okd-trust contributors
"""

EXAMPLES = r"""
- name: Add the rotated load-balancer signer to a bundle pinned by a client
  okd.trust.ca_bundle:
    path: /etc/pki/ca-trust/source/anchors/api-int.pem
    ca_bundle: "{{ lb_serving_ca_pem }}"
    backup: true

- name: Keep exactly the cluster's current bundle, without expired signers
  okd.trust.ca_bundle:
    path: /etc/myapp/kube-ca.crt
    ca_bundle_path: /etc/kubernetes/static-pod-resources/configmaps/ca-bundle.crt
    state: exact
    prune_expired: true
"""

RETURN = r"""
added:
  description: Certificates added (subject, sha256, validity, ...).
  returned: success
  type: list
  elements: dict
removed:
  description: Certificates removed.
  returned: success
  type: list
  elements: dict
trusts:
  description: The certificates the file holds after the run, one line each.
  returned: success
  type: list
  elements: str
warnings_skipped:
  description: What Go's loader skips in the existing file (non-certificate blocks, duplicates, garbage).
  returned: success
  type: list
  elements: str
verdict:
  description: Whether the resulting bundle verifies the serving chain.
  returned: when serving_chain is given
  type: dict
backup_file:
  description: The backup copy.
  returned: changed and backup is true
  type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.okd.trust.plugins.module_utils.common import (
    HAS_OKD_TRUST,
    LIBRARY,
    OKD_TRUST_IMPORT_ERROR,
    TrustError,
    bundle_text,
    change_summary,
    load_bundle,
    repair_bundle_file,
    skipped_blocks,
    verdict_facts,
    write_atomic,
)

try:
    import okd_trust
except ImportError:
    okd_trust = None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            ca_bundle=dict(type="str"),
            ca_bundle_path=dict(type="path"),
            state=dict(type="str", choices=["union", "exact"], default="union"),
            prune_expired=dict(type="bool", default=False),
            serving_chain=dict(type="str"),
            server_name=dict(type="str"),
            at=dict(type="str"),
            backup=dict(type="bool", default=False),
            mode=dict(type="raw", default="0644"),
        ),
        required_one_of=[("ca_bundle", "ca_bundle_path")],
        mutually_exclusive=[("ca_bundle", "ca_bundle_path")],
        supports_check_mode=True,
    )
    if not HAS_OKD_TRUST:
        module.fail_json(msg=missing_required_lib(LIBRARY), exception=OKD_TRUST_IMPORT_ERROR)

    p = module.params
    path = p["path"]
    exists = os.path.exists(path)
    try:
        # Regular files within the library's size limit: a FIFO or a device is never waited on.
        if p["ca_bundle_path"]:
            wanted = load_bundle(okd_trust.read_file(p["ca_bundle_path"]), p["ca_bundle_path"])
        else:
            wanted = load_bundle(p["ca_bundle"], "ca_bundle")
        old = okd_trust.read_file(path) if exists else b""
        # The library reads the old file, applies the policy, builds the new text and checks it;
        # a refusal raises TrustError.
        result = repair_bundle_file(path, path, old, wanted, p["state"], p["prune_expired"], p["serving_chain"],
                                    p["server_name"], p["at"])
    except TrustError as e:
        module.fail_json(msg="%s; nothing was written" % to_text(e))
    except (IOError, OSError) as e:
        module.fail_json(msg="%s; nothing was written" % to_text(e))
    except okd_trust.Error as e:
        module.fail_json(msg="%s; nothing was written" % to_text(e))
    except ValueError as e:  # an argument okd_trust refused, e.g. a malformed `at`
        module.fail_json(msg="invalid argument: %s; nothing was written" % to_text(e))

    changed = result["changed"]
    out = dict(
        changed=changed,
        path=path,
        trusts=bundle_text(result["new_bundle"]).splitlines(),
        warnings_skipped=skipped_blocks(old),
        **change_summary(result["old_bundle"], result["new_bundle"])
    )
    if p["serving_chain"] is not None:
        out["verdict"] = verdict_facts(result["verdict"])
    if module._diff:
        out["diff"] = dict(
            before_header=path,
            after_header=path,
            before=bundle_text(result["old_bundle"]),
            after=bundle_text(result["new_bundle"]),
        )
    if changed and not module.check_mode:
        if p["backup"] and exists:
            out["backup_file"] = module.backup_local(path)
        write_atomic(module, path, result["text"])
        if not exists:
            module.set_mode_if_different(path, p["mode"], False)
    module.exit_json(**out)


if __name__ == "__main__":
    main()
