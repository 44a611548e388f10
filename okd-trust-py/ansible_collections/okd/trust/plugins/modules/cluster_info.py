#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: okd-trust contributors
# Apache-2.0 OR MIT

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: cluster_info
short_description: The whole cluster's trust from a must-gather or oc get dumps (read-only)
version_added: "0.1.0"
description:
  - Answers, for a whole OKD/OpenShift cluster, who trusts whom, keyed by public key, and what breaks
    next — from what a support case already has. Run it on the controller (C(delegate_to) localhost)
    over a must-gather directory, a C(.tar), C(.tar.gz) or C(.tar.xz) of one (read in place), or
    C(oc get -o yaml|json) dumps.
  - Keys every signer by its public key (a re-keyed signer shows as two keys), finds each
    certificate's issuer by signature, judges every relationship OpenShift relies on (node
    kubeconfigs and every namespace's C(kube-root-ca.crt) to api-int, the load-balancer bundles,
    kubelet serving and client CAs, the service CA) under kubelet's rules (Go C(crypto/x509)), and
    reports findings with stable codes and evidence (C(bundle-untrusted-endpoint) with a verified
    C(oc patch), C(signer-rekeyed), C(signer-rekey-risk) before an upgrade to 4.15, ...).
  - Judges at the must-gather's own time unless O(at) is given. Files it cannot read are reported in
    RV(unreadable), never fatal. Never changes anything.
requirements:
  - okd_trust (the okd-trust Python package) in the Python that runs the module
options:
  paths:
    description: Must-gathers (directories or tarballs) or C(oc get) dumps.
    type: list
    elements: path
    required: true
  kubeconfigs:
    description: Node kubeconfigs to judge against api-int (a must-gather has none).
    type: list
    elements: path
    default: []
  at:
    description: The time to judge at (RFC 3339); default the must-gather's timestamp, else now.
    type: str
attributes:
  check_mode:
    support: full
    details: Read-only; runs the same in check mode.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
seealso:
  - module: okd.trust.trust_info
  - module: okd.trust.kubeconfig_ca
author:
  - okd-trust contributors
"""

EXAMPLES = r"""
- name: Judge the cluster of a support case from its must-gather
  okd.trust.cluster_info:
    paths: [/cases/01234567/must-gather.tar.xz]
  delegate_to: localhost
  register: cluster
- name: Show what breaks and how to fix it
  ansible.builtin.debug:
    msg: "{{ item.message }}: {{ item.evidence | selectattr('name', 'eq', 'fix') | map(attribute='value') | list }}"
  loop: "{{ cluster.findings | selectattr('severity', 'eq', 'error') | list }}"
- name: Fail when the cluster is broken
  ansible.builtin.assert:
    that: cluster.verdict != 'broken'
    fail_msg: "{{ cluster.report }}"
"""

RETURN = r"""
verdict:
  description: C(healthy), C(at-risk) or C(broken).
  returned: success
  type: str
  sample: broken
at:
  description: The moment judged (RFC 3339) and where it came from (RV(at_source)).
  returned: success
  type: str
at_source:
  description: C(given), C(must-gather) or C(clock).
  returned: success
  type: str
findings:
  description: Every problem found, most severe first (code, severity, source, message, evidence).
  returned: success
  type: list
  elements: dict
signers:
  description: Every CA certificate (subject, sha256, spki_sha256, dates, sources, its Secret).
  returned: success
  type: list
  elements: dict
bundles:
  description: Every bundle (source, origin, certificates as sha256).
  returned: success
  type: list
  elements: dict
endpoints:
  description: Every serving and client certificate (source, hostnames, chain, issuer key).
  returned: success
  type: list
  elements: dict
edges:
  description: Every relationship checked (bundle, endpoint, trusted, reason).
  returned: success
  type: list
  elements: dict
unreadable:
  description: What could not be read (path, reason).
  returned: success
  type: list
  elements: dict
not_seen:
  description: What the inputs did not show (e.g. node kubeconfigs).
  returned: success
  type: list
  elements: str
report:
  description: The human-readable report.
  returned: success
  type: str
"""

import json

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.okd.trust.plugins.module_utils.common import (
    HAS_OKD_TRUST,
    LIBRARY,
    OKD_TRUST_IMPORT_ERROR,
)

try:
    from okd_trust import cluster
except ImportError:
    cluster = None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            paths=dict(type="list", elements="path", required=True),
            kubeconfigs=dict(type="list", elements="path", default=[]),
            at=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    if not HAS_OKD_TRUST:
        module.fail_json(msg=missing_required_lib(LIBRARY), exception=OKD_TRUST_IMPORT_ERROR)
    p = module.params
    try:
        report = cluster.analyze(p["paths"], at=p["at"], kubeconfigs=p["kubeconfigs"])
    except (IOError, OSError) as e:
        module.fail_json(msg=to_text(e))
    except ValueError as e:
        module.fail_json(msg="at: %s" % to_text(e))
    data = json.loads(report.json())
    module.exit_json(
        changed=False,
        verdict=data["verdict"],
        at=data["at"],
        at_source=data["at_source"],
        findings=data["findings"],
        signers=data["signers"],
        bundles=data["bundles"],
        endpoints=data["endpoints"],
        edges=data["edges"],
        unreadable=data["unreadable"],
        not_seen=data["not_seen"],
        report=report.text(),
    )


if __name__ == "__main__":
    main()
