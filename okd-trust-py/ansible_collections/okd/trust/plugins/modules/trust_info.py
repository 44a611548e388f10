#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: okd-trust contributors
# Apache-2.0 OR MIT

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: trust_info
short_description: Run the okd-trust doctor on a node's kubeconfigs (read-only)
version_added: "0.1.0"
description:
  - Answers, for a node, will kubelet trust api-int, and if not, why and what exact change fixes it.
  - Reads the given kubeconfigs and cluster CA inputs on the target (any of PEM, ConfigMap/Secret
    YAML or JSON from C(oc get), kubeconfig; recognised by content), runs the doctor, and returns
    its verdict, findings and verified plan (the same data as C(okd-trust doctor --format json)).
  - Never changes anything.
requirements:
  - okd_trust (the okd-trust Python package) in the Python that runs the module
options:
  kubeconfigs:
    description: Kubeconfig files on the target. Missing files are reported in RV(missing) and skipped.
    type: list
    elements: path
    default: [/etc/kubernetes/kubeconfig, /var/lib/kubelet/kubeconfig]
  cluster_cas:
    description:
      - What the cluster serves as trust, as content, by label (e.g.
        C(openshift-config-managed/kube-apiserver-server-ca)). PEM or ConfigMap YAML/JSON.
    type: dict
    default: {}
  cluster_ca_paths:
    description: The same, as files on the target.
    type: list
    elements: path
    default: []
  serving_chain:
    description: The chain api-int serves, leaf first (PEM).
    type: str
  server_name:
    description: The api-int host name; default each kubeconfig's server.
    type: str
  at:
    description: The time to judge at (RFC 3339); default now.
    type: str
  warn_days:
    description: Report certificates expiring within this many days; default the library's (30).
    type: int
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
  - module: okd.trust.kubeconfig_ca
  - plugin: okd.trust.diagnose
    plugin_type: filter
author:
  - okd-trust contributors
"""

EXAMPLES = r"""
- name: Audit a node against the cluster's load-balancer serving CA
  okd.trust.trust_info:
    cluster_cas:
      openshift-kube-apiserver-operator/loadbalancer-serving-ca: "{{ lb_serving_ca_pem }}"
    serving_chain: "{{ api_int_chain_pem }}"
  register: trust

- name: Fail when the node is broken
  ansible.builtin.assert:
    that: trust.verdict != 'broken'
    fail_msg: "{{ trust.report }}"
"""

RETURN = r"""
verdict:
  description: C(healthy), C(at-risk) or C(broken).
  returned: success
  type: str
  sample: broken
findings:
  description: Every problem found, most severe first (code, severity, source, message, and evidence with the certificates involved and further details).
  returned: success
  type: list
  elements: dict
plan:
  description: The fix (kubeconfig repairs with their new text and verification, multus patch, actions).
  returned: success
  type: dict
report:
  description: The human-readable report.
  returned: success
  type: str
missing:
  description: Kubeconfig paths that do not exist on the target.
  returned: success
  type: list
  elements: str
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.okd.trust.plugins.module_utils.common import (
    HAS_OKD_TRUST,
    LIBRARY,
    OKD_TRUST_IMPORT_ERROR,
)

try:
    import okd_trust
except ImportError:
    okd_trust = None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            kubeconfigs=dict(
                type="list", elements="path", default=["/etc/kubernetes/kubeconfig", "/var/lib/kubelet/kubeconfig"]
            ),
            cluster_cas=dict(type="dict", default={}),
            cluster_ca_paths=dict(type="list", elements="path", default=[]),
            serving_chain=dict(type="str"),
            server_name=dict(type="str"),
            at=dict(type="str"),
            warn_days=dict(type="int"),
        ),
        supports_check_mode=True,
    )
    if not HAS_OKD_TRUST:
        module.fail_json(msg=missing_required_lib(LIBRARY), exception=OKD_TRUST_IMPORT_ERROR)
    p = module.params
    kubeconfigs, missing = {}, []
    cluster_cas = dict(p["cluster_cas"])
    try:
        for path in p["kubeconfigs"]:
            if not os.path.exists(path):
                missing.append(path)
                continue
            kubeconfigs[path] = okd_trust.read_file(path)
        for path in p["cluster_ca_paths"]:
            cluster_cas[path] = okd_trust.read_file(path)
    except (IOError, OSError) as e:
        module.fail_json(msg=to_text(e))
    if not kubeconfigs:
        module.fail_json(msg="none of the kubeconfigs exists: %s" % ", ".join(missing), missing=missing)
    try:
        diagnosis = okd_trust.diagnose(
            kubeconfigs,
            cluster_cas=cluster_cas,
            serving_chain=p["serving_chain"],
            server_name=p["server_name"],
            at=p["at"],
            warn_days=p["warn_days"],
        )
    except okd_trust.Error as e:
        module.fail_json(msg=to_text(e), line=e.line, column=e.column)
    except ValueError as e:
        module.fail_json(msg="at: %s" % to_text(e))
    data = json.loads(diagnosis.to_json())
    module.exit_json(
        changed=False,
        verdict=data["verdict"],
        findings=data["findings"],
        plan=data["plan"],
        at=data["at"],
        report=diagnosis.to_text(),
        missing=missing,
    )


if __name__ == "__main__":
    main()
