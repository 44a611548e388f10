"""Type stubs of the extension module okd_trust._native (re-exported by okd_trust)."""

import datetime
import os
from typing import Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

__version__: str
EXAMPLES: Mapping[str, str]

Content = Union[str, bytes, bytearray]
"""Text or bytes to read (UTF-8 for text)."""
Time = Union[None, str, datetime.datetime]
"""None (now), an RFC 3339 string, or a timezone-aware datetime."""
Chain = Union["Certificate", "CaBundle", Content, Sequence["Certificate"]]
"""A served chain, leaf first."""
Roots = Union["CaBundle", Content, Sequence["Certificate"]]
"""A CA bundle, or anything CaBundle.load reads."""

class Error(Exception):
    """Base class of every okd_trust error, with where in the input the problem is."""

    line: Optional[int]
    """1-based line, or None (binary input, or no place)."""
    column: Optional[int]
    """1-based column in characters, or None."""
    offset: Optional[int]
    """Byte offset, or None."""

class ParseError(Error):
    """Input that cannot be read: malformed YAML/JSON, PEM, DER or base64, or over a limit."""

class ValidationError(Error):
    """Input that reads but is not what client-go accepts, or a missing cluster."""

class UnsafeEditError(Error):
    """A kubeconfig edit that cannot be made safely; nothing is produced."""

class Certificate:
    """An X.509 certificate, parsed the way Go's x509.ParseCertificate parses it."""

    @staticmethod
    def from_pem(data: Content) -> "Certificate":
        """The first CERTIFICATE block of PEM text."""
    @staticmethod
    def from_der(data: bytes) -> "Certificate":
        """A DER-encoded certificate."""
    @property
    def subject(self) -> str:
        """Subject, RFC 4514."""
    @property
    def issuer(self) -> str:
        """Issuer, RFC 4514."""
    @property
    def serial(self) -> str:
        """Serial number, lower-case hex."""
    @property
    def not_before(self) -> datetime.datetime:
        """Start of validity (timezone-aware, UTC)."""
    @property
    def not_after(self) -> datetime.datetime:
        """End of validity (timezone-aware, UTC)."""
    def expires_in(self, at: Time = None) -> int:
        """Seconds from `at` until notAfter; negative once expired."""
    def is_valid_at(self, at: Time = None) -> bool:
        """Whether `at` is within the validity period."""
    @property
    def dns_names(self) -> List[str]:
        """DNS names of the subjectAltName extension."""
    @property
    def ip_addresses(self) -> List[str]:
        """IP addresses of the subjectAltName extension."""
    @property
    def email_addresses(self) -> List[str]:
        """Email addresses of the subjectAltName extension."""
    @property
    def uris(self) -> List[str]:
        """URIs of the subjectAltName extension."""
    @property
    def is_ca(self) -> bool:
        """Whether basicConstraints says cA: TRUE."""
    @property
    def path_len(self) -> Optional[int]:
        """The path length constraint of a CA."""
    @property
    def is_self_signed(self) -> bool:
        """Whether the certificate signed itself."""
    @property
    def is_self_issued(self) -> bool:
        """Whether issuer and subject are the same name."""
    @property
    def key_usage(self) -> Optional[List[str]]:
        """The Key Usage bits set, by RFC 5280 name; None without the extension."""
    @property
    def extended_key_usage(self) -> Optional[List[str]]:
        """The Extended Key Usage purposes (names or dotted OIDs); None without the extension."""
    @property
    def unhandled_critical_extensions(self) -> List[str]:
        """Critical extensions Go does not understand, as dotted OIDs."""
    @property
    def subject_key_id(self) -> Optional[str]:
        """Subject Key Identifier, colon hex."""
    @property
    def authority_key_id(self) -> Optional[str]:
        """Authority Key Identifier, colon hex."""
    @property
    def public_key_algorithm(self) -> str:
        """The public key algorithm, e.g. RSA-2048."""
    @property
    def public_key_bits(self) -> Optional[int]:
        """Key size in bits."""
    @property
    def signature_algorithm(self) -> str:
        """The signature algorithm, e.g. SHA256-RSA."""
    @property
    def version(self) -> int:
        """X.509 version (1, 2 or 3)."""
    @property
    def sha256(self) -> str:
        """SHA-256 fingerprint, colon-separated upper-case hex."""
    @property
    def sha1(self) -> str:
        """SHA-1 fingerprint, colon-separated upper-case hex."""
    @property
    def der(self) -> bytes:
        """The DER bytes exactly as read."""
    def to_pem(self) -> str:
        """One PEM CERTIFICATE block."""
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class CertSummary:
    """A certificate as reports identify it."""

    @property
    def subject(self) -> str:
        """Subject, RFC 4514."""
    @property
    def sha256(self) -> str:
        """SHA-256 fingerprint."""
    @property
    def not_before(self) -> datetime.datetime:
        """Start of validity."""
    @property
    def not_after(self) -> datetime.datetime:
        """End of validity."""
    @property
    def depth(self) -> int:
        """0 for a leaf, 1 for its issuer, and so on."""

class BundleWarning:
    """Something Go's PEM loader skips silently."""

    message: str
    """What was skipped and why."""
    kind: str
    """not-a-certificate, certificate-with-headers, unparseable, duplicate or malformed-pem."""
    line: int
    """1-based line of the skipped block."""
    column: int
    """1-based column."""
    offset: int
    """Byte offset."""

class BundleDiff:
    """What changes from one bundle to another, by fingerprint."""

    @property
    def added(self) -> List[Certificate]:
        """In the newer bundle only."""
    @property
    def removed(self) -> List[Certificate]:
        """In the older bundle only."""
    @property
    def kept(self) -> List[Certificate]:
        """In both."""
    @property
    def unchanged(self) -> bool:
        """Whether both hold the same certificates."""
    def __bool__(self) -> bool:
        """True when something changes."""

class CaBundle:
    """An ordered, de-duplicated set of CA certificates, loaded like Go's AppendCertsFromPEM."""

    @staticmethod
    def from_pem(data: Content) -> "CaBundle":
        """Loads PEM; skipped blocks become warnings; no certificate raises ParseError."""
    @staticmethod
    def load(data: Content, label: str = "input") -> "CaBundle":
        """Loads PEM, a ConfigMap/Secret manifest, or a kubeconfig's CA data (by content)."""
    @staticmethod
    def from_certificates(certificates: Iterable[Certificate]) -> "CaBundle":
        """A bundle of these certificates, later duplicates dropped."""
    @property
    def warnings(self) -> List[BundleWarning]:
        """What loading skipped, in input order."""
    @property
    def certificates(self) -> List[Certificate]:
        """The certificates, in order."""
    def union(self, other: "CaBundle") -> "CaBundle":
        """This bundle's certificates, then those of `other` not already present."""
    def without_expired(self, at: Time = None) -> "CaBundle":
        """The certificates not yet expired at `at`."""
    def diff(self, newer: "CaBundle") -> BundleDiff:
        """What changes from this bundle to `newer`."""
    def to_pem(self) -> str:
        """Canonical PEM, one block per certificate."""
    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> Certificate: ...
    def __iter__(self) -> Iterator[Certificate]: ...
    def __contains__(self, cert: object) -> bool: ...
    def __eq__(self, other: object) -> bool: ...

class Kubeconfig:
    """A kubeconfig (YAML or JSON), read and validated like client-go, edited byte-preservingly."""

    @staticmethod
    def parse(data: Content) -> "Kubeconfig":
        """Parses a kubeconfig; ParseError for unreadable text, ValidationError for wrong fields."""
    @property
    def format(self) -> str:
        """yaml or json."""
    @property
    def source(self) -> str:
        """The text it was read from (without a byte-order mark)."""
    @property
    def clusters(self) -> List[dict]:
        """Cluster entries as dicts keyed as in the file."""
    @property
    def users(self) -> List[dict]:
        """User entries as dicts keyed as in the file."""
    @property
    def contexts(self) -> List[dict]:
        """Context entries as dicts keyed as in the file."""
    @property
    def current_context(self) -> Optional[str]:
        """current-context, or None."""
    @property
    def current_cluster(self) -> Optional[str]:
        """The current context's cluster name (no fallback, as in client-go)."""
    def ca_file(self, base_dir: str, cluster: Optional[str] = None) -> Optional[str]:
        """The CA file client-go reads for `cluster` (default: the current one), resolved against
        base_dir (see okd_trust.base_dir); None when it names none."""
    def ca_bundle(self, cluster: Optional[str] = None) -> Optional[CaBundle]:
        """The bundle in certificate-authority-data, or None when it embeds none."""
    def server(self, cluster: Optional[str] = None) -> Optional[str]:
        """The server URL of `cluster` (default: the current one); raises ValidationError when
        there is no such cluster."""
    def server_name(self, cluster: Optional[str] = None) -> Optional[str]:
        """The host name a client verifies the server certificate against (None without a
        server); raises ValidationError when there is no such cluster."""
    def validate(self) -> List[str]:
        """Every problem client-go's validation reports (empty when valid)."""
    def with_ca_bundle(self, bundle: CaBundle, cluster: Optional[str] = None) -> str:
        """The whole text with the cluster's CA data set to `bundle`; raises UnsafeEditError."""

class Verdict:
    """Whether a client trusts a server."""

    @property
    def trusted(self) -> bool:
        """Whether the client will trust the server."""
    @property
    def reason(self) -> Optional[str]:
        """Why not, in Go's words."""
    @property
    def certificate(self) -> Optional[CertSummary]:
        """The certificate the reason is about."""
    @property
    def attempts(self) -> List[Tuple[List[str], str]]:
        """Every candidate path tried (subjects, failure)."""
    @property
    def chain(self) -> List[Certificate]:
        """The chain found, leaf first (empty when untrusted)."""
    def __bool__(self) -> bool: ...

class Finding:
    """One problem the doctor found."""

    @property
    def code(self) -> str:
        """Stable kebab-case code."""
    @property
    def severity(self) -> str:
        """error, warning or info."""
    @property
    def source(self) -> str:
        """The input it is about."""
    @property
    def message(self) -> str:
        """What is wrong and why."""
    @property
    def certificates(self) -> List[CertSummary]:
        """The certificates involved."""
    @property
    def details(self) -> dict:
        """Further facts."""

class KubeconfigRepair:
    """A kubeconfig rewritten to trust what it trusted plus what the cluster serves."""

    @property
    def source(self) -> str:
        """The kubeconfig's label."""
    @property
    def cluster(self) -> str:
        """The cluster entry edited."""
    @property
    def target(self) -> str:
        """"kubeconfig", or "ca-file" (the CA file the kubeconfig names is rewritten)."""
    @property
    def path(self) -> Optional[str]:
        """The CA file's path for a "ca-file" repair, else None."""
    @property
    def old_text(self) -> str:
        """The file as read."""
    @property
    def new_text(self) -> Optional[str]:
        """The whole new file; None when refused."""
    @property
    def changed(self) -> bool:
        """Whether the file would change (False when it already holds the new text). A refused
        repair writes nothing; there this says whether a change was needed."""
    @property
    def settled(self) -> bool:
        """Nothing is left to write: verified and unchanged, or the file already holds exactly
        this bundle, which still does not verify the serving chain (the verdict says so)."""
    @property
    def refusal(self) -> Optional[str]:
        """Why not to apply it: "nothing-left", "edit-refused", "not-text", "reparse-failed",
        "validation-failed" or "still-untrusted"; None when verified."""
    @property
    def verdict(self) -> Optional[Verdict]:
        """The new bundle's verdict on the serving chain, when it was checked: trusted for a
        verified repair (its proof), untrusted for a "still-untrusted" refusal; else None."""
    @property
    def added(self) -> List[CertSummary]:
        """CAs added."""
    @property
    def removed(self) -> List[CertSummary]:
        """CAs dropped (expired only)."""
    @property
    def verified(self) -> bool:
        """Whether every check passed."""
    @property
    def verification(self) -> str:
        """What was checked, or why not to apply it."""

class Plan:
    """The fix."""

    @property
    def kubeconfigs(self) -> List[KubeconfigRepair]:
        """One repair per kubeconfig that needs a change."""
    @property
    def multus_patch(self) -> Optional[dict]:
        """target, patch and note for openshift-multus/kube-root-ca.crt."""
    @property
    def actions(self) -> List[dict]:
        """Follow-up steps as description and command."""
    def __bool__(self) -> bool: ...

class Diagnosis:
    """The doctor's answer."""

    @property
    def verdict(self) -> str:
        """healthy, at-risk or broken."""
    @property
    def at(self) -> datetime.datetime:
        """The moment judged."""
    @property
    def findings(self) -> List[Finding]:
        """Every problem, most severe first."""
    @property
    def plan(self) -> Plan:
        """The fix."""
    def to_json(self) -> str:
        """Versioned JSON (schema_version 1)."""
    def to_prometheus(self) -> str:
        """Prometheus text exposition."""
    def to_text(self) -> str:
        """The human report."""

def verify(
    chain: Chain,
    roots: Roots,
    *,
    server_name: Optional[str] = None,
    at: Time = None,
    profile: str = "kubelet",
    intermediates: Optional[Chain] = None,
    usages: Optional[Sequence[str]] = None,
) -> Verdict:
    """Whether a client holding `roots` trusts the server presenting `chain` (GIL released)."""

def diagnose(
    kubeconfigs: Mapping[str, Union[Content, Kubeconfig]],
    *,
    cluster_cas: Optional[Mapping[str, Union[Content, CaBundle]]] = None,
    serving_chain: Optional[Chain] = None,
    server_name: Optional[str] = None,
    multus_ca: Optional[Union[Content, CaBundle]] = None,
    signer_secret: Optional[Content] = None,
    at: Time = None,
    warn_days: Optional[int] = None,
    system_roots: Optional[Roots] = None,
    read_files: bool = True,
) -> Diagnosis:
    """Runs the doctor on labelled inputs (GIL released). A kubeconfig labelled with its path has
    the CA file it names read from where client-go resolves it; one that names no CA is judged
    against system_roots (default: the platform bundle). With read_files=False (kubeconfigs read
    on another machine, e.g. an Ansible controller judging nodes) nothing is read from this
    machine: a named CA file is reported as not judged, and only system_roots given count. A
    kubeconfig client-go cannot load is a kubeconfig-invalid finding."""

def read_file(path: str) -> bytes:
    """The bytes of the regular file `path`, at most the input limit: a FIFO, a device or a
    socket is refused without blocking on it. Raises OSError saying why not."""

def base_dir(label: str) -> str:
    """The directory a kubeconfig's relative paths resolve against, given its label (its path),
    as client-go resolves them."""

def repair_bundle_file(
    path: str,
    old: bytes,
    wanted: Roots,
    *,
    policy: Optional[str] = None,
    prune_expired: bool = False,
    serving_chain: Optional[Chain] = None,
    server_name: Optional[str] = None,
    at: Time = None,
) -> KubeconfigRepair:
    """A CA bundle file no kubeconfig names (a pinned anchor) holding `old`, made to trust `wanted`
    by `policy` ("union" or "exact"; `prune_expired` drops certificates expired at `at`): the old
    bytes stay and what is missing is appended; the new text must load as exactly the new bundle
    and, with `serving_chain`, verify it for `server_name`. Write `new_text` only when `verified`;
    nothing left to trust is refused as "nothing-left" (GIL released)."""

def repair_ca_file(
    kubeconfig: Union[Content, Kubeconfig],
    path: str,
    old: bytes,
    bundle: Roots,
    *,
    cluster: Optional[str] = None,
    serving_chain: Optional[Chain] = None,
    server_name: Optional[str] = None,
    at: Time = None,
) -> KubeconfigRepair:
    """The CA file `path` (holding `old`) that `kubeconfig` names, trusting `bundle`, checked as the
    doctor checks its CA-file repairs; the kubeconfig stays untouched. Write `new_text` to `path`
    only when `verified` (GIL released)."""

def repaired_bundle(
    current: Optional[Roots],
    wanted: Roots,
    *,
    policy: Optional[str] = None,
    prune_expired: bool = False,
    at: Time = None,
) -> CaBundle:
    """The bundle a file should trust, by the core's repair policy: `wanted` alone ("exact", or
    when `current` is None), or `current` then the wanted CAs it lacks ("union"); with
    `prune_expired`, certificates expired at `at` (default: now) go. Raises UnsafeEditError when
    nothing would be left."""

def repair_kubeconfig(
    kubeconfig: Union[Content, Kubeconfig],
    bundle: Roots,
    *,
    cluster: Optional[str] = None,
    serving_chain: Optional[Chain] = None,
    server_name: Optional[str] = None,
    at: Time = None,
    source: str = "kubeconfig",
) -> KubeconfigRepair:
    """The kubeconfig trusting exactly `bundle`, checked as the doctor checks its repairs: write
    `new_text` only when `verified` (GIL released)."""

# --- the whole cluster (re-exported by okd_trust.cluster) ---

class Signer:
    """A CA certificate, identified by its public key."""

    @property
    def certificate(self) -> Certificate: ...
    @property
    def subject(self) -> str: ...
    @property
    def spki_sha256(self) -> str:
        """SHA-256 of the public key, colon-separated upper-case hex: the key's identity."""
    @property
    def sources(self) -> List[str]:
        """Every Secret and bundle it appears in (namespace/name[key])."""
    @property
    def secret(self) -> Optional[str]:
        """The Secret holding it as tls.crt, if one does."""
    @property
    def secret_type(self) -> Optional[str]: ...
    @property
    def refresh_at(self) -> datetime.datetime:
        """When OpenShift's rotation replaces it."""
    @property
    def superseded_by(self) -> Optional[str]:
        """The key that replaced this one, if it was re-keyed."""

class Bundle:
    """A set of trusted certificates some client reads."""

    @property
    def source(self) -> str: ...
    @property
    def origin(self) -> str:
        """configmap, secret, service-account-token, controllerconfig, machineconfig or kubeconfig."""
    @property
    def certificates(self) -> CaBundle: ...

class Endpoint:
    """A serving or client certificate."""

    @property
    def source(self) -> str: ...
    @property
    def certificate(self) -> Certificate: ...
    @property
    def hostnames(self) -> List[str]: ...
    @property
    def issuer_spki_sha256(self) -> Optional[str]:
        """The key that signed it, found by signature."""

class Edge:
    """One relationship checked: a bundle must verify an endpoint."""

    @property
    def relationship(self) -> str: ...
    @property
    def client(self) -> str: ...
    @property
    def bundle(self) -> str: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def server_name(self) -> Optional[str]: ...
    @property
    def trusted(self) -> bool:
        """Go's verdict (kubelet profile)."""
    @property
    def reason(self) -> Optional[str]:
        """The failure's code when untrusted, e.g. unknown-authority."""

class ClusterFinding:
    """One problem of the cluster, with its evidence."""

    @property
    def code(self) -> str:
        """Stable kebab-case code, e.g. bundle-untrusted-endpoint."""
    @property
    def severity(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def certificates(self) -> List[CertSummary]: ...
    @property
    def evidence(self) -> List[Tuple[str, str]]:
        """(name, value) facts in order; a name may repeat (e.g. several "fix" lines)."""

class ClusterReport:
    """The whole cluster's trust."""

    @property
    def verdict(self) -> str:
        """healthy, at-risk or broken."""
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def at_source(self) -> str:
        """given, must-gather or clock."""
    @property
    def signers(self) -> List[Signer]: ...
    @property
    def bundles(self) -> List[Bundle]: ...
    @property
    def endpoints(self) -> List[Endpoint]: ...
    @property
    def edges(self) -> List[Edge]: ...
    @property
    def findings(self) -> List[ClusterFinding]: ...
    @property
    def unreadable(self) -> List[Tuple[str, str]]:
        """(path, reason) of everything that could not be read."""
    @property
    def not_seen(self) -> List[str]: ...
    @property
    def nodes(self) -> List[Tuple[str, List[str], Optional[bool]]]:
        """(name, roles, ready) of every node."""
    def json(self) -> str:
        """The report as JSON, schema version 1."""
    def text(self) -> str: ...
    def prometheus(self) -> str: ...
    def dot(self) -> str: ...

def analyze(
    paths: Sequence[Union[str, "os.PathLike[str]"]],
    at: Time = None,
    kubeconfigs: Sequence[Union[str, "os.PathLike[str]"]] = (),
) -> ClusterReport:
    """The whole cluster's trust from must-gathers (directories, .tar, .tar.gz, .tar.xz, read in
    place) or oc get dumps, at the must-gather's own time unless `at` is given (GIL released)."""
