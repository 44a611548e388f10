# -*- coding: utf-8 -*-
# Copyright: okd-trust contributors
# Apache-2.0 OR MIT
"""Shared by the okd.trust modules and filters: building the new bundle, describing a change by
subject and fingerprint, verify-before-write, and atomic writes. All certificate work is done by
the okd_trust package; this file only strings its calls together."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile
import traceback

try:
    import okd_trust

    HAS_OKD_TRUST = True
    OKD_TRUST_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the missing_required_lib path
    okd_trust = None
    HAS_OKD_TRUST = False
    OKD_TRUST_IMPORT_ERROR = traceback.format_exc()

LIBRARY = "okd_trust (pip install okd-trust, built from okd-trust-py)"


class TrustError(Exception):
    """A refusal, with a message meant for the operator."""


def describe_error(label, error):
    """`label: message`; okd_trust messages already name the line and column."""
    return "%s: %s" % (label, error)


def cert_facts(cert):
    """The facts of one certificate as plain data (no base64)."""
    return {
        "subject": cert.subject,
        "issuer": cert.issuer,
        "serial": cert.serial,
        "not_before": cert.not_before.isoformat(),
        "not_after": cert.not_after.isoformat(),
        "sha256": cert.sha256,
        "is_ca": cert.is_ca,
        "self_signed": cert.is_self_signed,
        "dns_names": cert.dns_names,
        "ip_addresses": cert.ip_addresses,
        "public_key": cert.public_key_algorithm,
        "signature_algorithm": cert.signature_algorithm,
    }


def cert_line(cert):
    """One line per certificate for diffs: subject, fingerprint, expiry."""
    return "%s  sha256=%s  notAfter=%s" % (cert.subject, cert.sha256, cert.not_after.isoformat())


def bundle_text(bundle):
    """A bundle as diff-friendly lines (never base64)."""
    if bundle is None:
        return ""
    return "".join(cert_line(c) + "\n" for c in bundle)


def load_bundle(content, label):
    """A CaBundle from PEM, a ConfigMap/Secret manifest or a kubeconfig (auto-detected)."""
    try:
        return okd_trust.CaBundle.load(content, label=label)
    except okd_trust.Error as e:
        raise TrustError(describe_error(label, e))


def new_bundle(current, wanted, state="union", prune_expired=False, at=None):
    """What a file should trust, by the library's one repair policy (okd_trust.repaired_bundle):
    `wanted` alone (exact), or what it trusted plus `wanted` (union, current first so nothing it
    relied on moves); expired certificates dropped on request. Raises TrustError when nothing is
    left."""
    try:
        return okd_trust.repaired_bundle(current, wanted, policy=state, prune_expired=prune_expired, at=at)
    except okd_trust.Error as e:
        raise TrustError(str(e))


def change_summary(old, new):
    """`added` and `removed` certificates as facts, by fingerprint."""
    if old is None:
        return {"added": [cert_facts(c) for c in new], "removed": []}
    diff = old.diff(new)
    return {"added": [cert_facts(c) for c in diff.added], "removed": [cert_facts(c) for c in diff.removed]}


def refuse(repair, label):
    """Raises TrustError unless the repair may be applied (verified) or nothing is left to write
    (settled, the library's call: the file already holds exactly this bundle; the verdict is
    reported)."""
    if repair.verified or repair.settled:
        return
    raise TrustError("%s: refusing to write (%s): %s" % (label, repair.refusal, repair.verification))


def repair_kubeconfig(text, label, wanted, cluster=None, state="union", prune_expired=False,
                      serving_chain=None, server_name=None, at=None):
    """The kubeconfig text trusting the new bundle, checked before anything may be written.

    The checks are the core's (okd_trust.repair_kubeconfig): a minimal-diff edit that re-parses,
    passes client-go's validation and, with a serving chain, verifies it. Returns a dict: text,
    changed, cluster, old_bundle, new_bundle, verdict (or None). Raises TrustError when the input
    is unreadable, or a change is needed but is unsafe or fails a check.
    """
    try:
        config = okd_trust.Kubeconfig.parse(text)
        # The library resolves no cluster to the current one, or says there is none.
        current = config.ca_bundle(cluster)
        bundle = new_bundle(current, wanted, state, prune_expired, at)
        repair = okd_trust.repair_kubeconfig(config, bundle, cluster=cluster, serving_chain=serving_chain,
                                             server_name=server_name, at=at, source=label)
    except okd_trust.Error as e:
        raise TrustError(describe_error(label, e))
    refuse(repair, label)
    return {
        "text": repair.new_text if repair.verified else repair.old_text,
        "changed": repair.changed,
        "cluster": repair.cluster,
        "old_bundle": current,
        "new_bundle": bundle,
        "verdict": repair.verdict,
    }


def repair_ca_file(text, label, wanted, cluster=None, state="union", prune_expired=False,
                   serving_chain=None, server_name=None, at=None):
    """When the kubeconfig's cluster names a CA file (certificate-authority: PATH, no data), the
    repair of that file, which is what kubelet reads; None when the cluster embeds its CA data.

    The repair is repair_bundle_file's, checked for the host the kubeconfig dials: the file keeps
    its bytes and gains what it lacks, must load as exactly the new bundle and, with a serving
    chain, verify it. Returns
    the dict repair_kubeconfig returns, plus `ca_file` (the path written). Raises TrustError when
    the file cannot be read (client-go then refuses the kubeconfig), or a change fails a check.
    """
    try:
        config = okd_trust.Kubeconfig.parse(text)
        # The library resolves the path as client-go does, for the named or the current cluster.
        path = config.ca_file(okd_trust.base_dir(label), cluster)
        if path is None:
            return None
        cluster = cluster or config.current_cluster
        try:
            old = okd_trust.read_file(path)
        except (IOError, OSError) as e:
            raise TrustError("%s: cannot read the CA file it names, %s (%s): client-go refuses such a "
                             "kubeconfig; restore the file first" % (label, path, e))
        dialled = server_name or config.server_name(cluster)
        result = repair_bundle_file("%s: %s" % (label, path), path, old, wanted, state, prune_expired,
                                    serving_chain, dialled, at)
    except okd_trust.Error as e:
        raise TrustError(describe_error(label, e))
    result.update(cluster=cluster, ca_file=path)
    return result


def repair_bundle_file(label, path, old, wanted, state="union", prune_expired=False, serving_chain=None,
                       server_name=None, at=None):
    """The CA bundle file `path` (holding the bytes `old`) trusting `wanted` by `state`, checked
    before anything may be written. The reading of the old file, the policy, the new text and the
    checks are the core's (okd_trust.repair_bundle_file): the old bytes stay and what is missing
    is appended; the result must load as exactly the new bundle and, with a serving chain, verify
    it. Returns a dict: text (bytes), changed, old_bundle, new_bundle (what Go loads from each, for
    reports), verdict. Raises TrustError when a change is needed but fails a check."""
    try:
        repair = okd_trust.repair_bundle_file(path, old, wanted, policy=state, prune_expired=prune_expired,
                                              serving_chain=serving_chain, server_name=server_name, at=at)
    except okd_trust.Error as e:
        raise TrustError(describe_error(label, e))
    refuse(repair, label)
    text = repair.new_text.encode("utf-8") if repair.changed else old
    return {
        "text": text,
        "changed": repair.changed,
        "old_bundle": loaded(old),
        "new_bundle": loaded(text),
        "verdict": repair.verdict,
    }


def loaded(data):
    """What Go's loader takes from `data`, for reports (an empty bundle when nothing loads)."""
    try:
        return okd_trust.CaBundle.from_pem(data)
    except okd_trust.Error:
        return okd_trust.CaBundle.from_certificates([])


def skipped_blocks(data):
    """What Go's loader skips in `data`, in words (the reason nothing loads, when nothing does)."""
    if b"-----BEGIN" not in data:
        return []
    try:
        return [str(w) for w in okd_trust.CaBundle.from_pem(data).warnings]
    except okd_trust.Error as e:
        return [str(e)]


def verdict_facts(verdict):
    if verdict is None:
        return None
    return {
        "trusted": verdict.trusted,
        "reason": verdict.reason,
        "chain": [c.subject for c in verdict.chain],
    }


def write_atomic(module, path, data):
    """Writes `data` next to `path` and moves it into place with AnsibleModule.atomic_move, which
    keeps the destination's mode, owner and SELinux context."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".okd-trust-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        module.atomic_move(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
