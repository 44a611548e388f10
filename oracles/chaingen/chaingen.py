#!/usr/bin/env python3
"""Random certificate chains for a differential of okd-trust's kubelet profile against Go.

    chaingen.py --seed N --count N > suite.json

Writes an x509-limbo suite (the same JSON `okd-trust limbo` and Go's limbo harness
read), every case a chain that is valid by default with a few knobs turned: validity, CA flags,
path length, key usage and EKU nesting, name constraints of every kind, certificate policies,
SAN forms, key types and sizes, signature algorithms, serials, versions, critical and unknown
extensions, decoys and cross-signs, several intermediates in any order. The seed decides every
byte (keys included), so a disagreement is reproduced by its seed alone. The verdicts of Go and
okd-trust on it are compared by ../compare_verdicts.py.
"""

import argparse
import base64
import datetime
import ipaddress
import json
import math
import random
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

AT = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)
YEAR = 365 * DAY

# --- keys: every one derived from the seed -------------------------------------------------------

SMALL_PRIMES = [p for p in range(3, 3000) if all(p % d for d in range(2, math.isqrt(p) + 1))]


def probable_prime(n, rng):
    for p in SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(12):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def prime(bits, rng):
    while True:
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if probable_prime(n, rng):
            return n


def rsa_key(bits, rng):
    e = 65537
    while True:
        p, q = prime(bits // 2, rng), prime(bits // 2, rng)
        phi = (p - 1) * (q - 1)
        if p == q or math.gcd(e, phi) != 1 or (p * q).bit_length() != bits:
            continue
        d = pow(e, -1, phi)
        public = rsa.RSAPublicNumbers(e, p * q)
        return rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), public).private_key()


# kind -> (how many distinct keys, maker). Two certificates may share a key by chance, as real
# cross-signs do; the common kinds have more keys so most CAs are distinct.
CURVES = {"p224": ec.SECP224R1(), "p256": ec.SECP256R1(), "p384": ec.SECP384R1(), "p521": ec.SECP521R1(),
          "secp256k1": ec.SECP256K1()}
KEY_KINDS = {
    "rsa1024": 2, "rsa2048": 6, "rsa3072": 1, "rsa4096": 1,
    "p224": 2, "p256": 8, "p384": 3, "p521": 2, "secp256k1": 1, "ed25519": 3, "ed448": 1,
}
# Weights of key kinds for CAs and leaves: mostly what clusters use, the rest to probe edges.
KIND_WEIGHTS = {"rsa2048": 30, "p256": 30, "p384": 8, "rsa4096": 3, "rsa3072": 3, "rsa1024": 4, "p521": 3,
                "p224": 3, "ed25519": 6, "secp256k1": 1, "ed448": 1}


class Keys:
    def __init__(self, seed):
        self.seed = seed
        self.made = {}

    def get(self, kind, index):
        index %= KEY_KINDS[kind]
        if (kind, index) not in self.made:
            rng = random.Random(f"{self.seed}/{kind}/{index}")
            if kind.startswith("rsa"):
                key = rsa_key(int(kind[3:]), rng)
            elif kind == "ed25519":
                key = ed25519.Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
            elif kind == "ed448":
                key = ed448.Ed448PrivateKey.from_private_bytes(rng.randbytes(57))
            else:
                key = ec.derive_private_key(rng.getrandbits(200) | 1, CURVES[kind])
            self.made[(kind, index)] = key
        return self.made[(kind, index)]


def key_kind(key):
    if isinstance(key, rsa.RSAPrivateKey):
        return "rsa"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "ec"
    return "eddsa"


# --- DER, just enough to rewrite a TBSCertificate ------------------------------------------------


def der_read(buf, pos):
    """(tag, content start, end) of the TLV at pos."""
    tag, length = buf[pos], buf[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(buf[pos:pos + count], "big")
        pos += count
    return tag, pos, pos + length


def der_children(content):
    out, pos = [], 0
    while pos < len(content):
        _, start, end = der_read(content, pos)
        out.append(content[pos:end])
        pos = end
    return out


def der_tlv(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def der_content(tlv):
    _, start, end = der_read(tlv, 0)
    return tlv[start:end]


def _oid_bytes(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray([arcs[0] * 40 + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return der_tlv(0x06, bytes(body))


def der_integer(value):
    size = max(1, (value.bit_length() + 8) // 8)
    return der_tlv(0x02, value.to_bytes(size, "big", signed=True))


# --- certificates ---------------------------------------------------------------------------------

POLICIES = {"P1": "1.3.6.1.4.1.55555.1", "P2": "1.3.6.1.4.1.55555.2", "P3": "1.3.6.1.4.1.55555.3",
            "any": "2.5.29.32.0"}
UNKNOWN_EXTENSION = ObjectIdentifier("1.3.6.1.4.1.55555.99")
EKUS = {"serverAuth": ExtendedKeyUsageOID.SERVER_AUTH, "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH,
        "codeSigning": ExtendedKeyUsageOID.CODE_SIGNING, "any": ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE}


def hash_of(name):
    return {"sha1": hashes.SHA1(), "sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
            "sha512": hashes.SHA512()}[name]


class Issued:
    """A certificate with its own key, subject and spec: it can sign others, and be issued again
    (an expired copy, a cross-sign) from the same spec."""

    def __init__(self, der, key, subject, spec):
        self.der, self.key, self.subject, self.spec = der, key, subject, spec

    def pem(self):
        body = base64.b64encode(self.der).decode()
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def sign_bytes(key, algorithm, data):
    kind = key_kind(key)
    if kind == "eddsa":
        return key.sign(data)
    digest, pss = algorithm
    if kind == "ec":
        return key.sign(data, ec.ECDSA(hash_of(digest)))
    if pss:
        return key.sign(data, padding.PSS(mgf=padding.MGF1(hash_of(digest)), salt_length=hash_of(digest).digest_size),
                        hash_of(digest))
    return key.sign(data, padding.PKCS1v15(), hash_of(digest))


def issue(spec, key, issuer_subject, issuer_key, algorithm):
    """Builds one certificate from its spec (a dict of knobs), then applies the DER rewrites."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, spec["cn"])] +
                        ([x509.NameAttribute(NameOID.ORGANIZATION_NAME, spec["org"])] if spec.get("org") else []))
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_subject or subject)
               .public_key(key.public_key()).serial_number(spec["serial"])
               .not_valid_before(spec["not_before"]).not_valid_after(spec["not_after"]))
    for extension, critical in spec["extensions"]:
        builder = builder.add_extension(extension, critical)
    if spec.get("ski", True):
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    if spec.get("aki", True) and issuer_key is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False)
    signer = issuer_key or key
    digest, pss = algorithm
    rewrites = list(spec.get("rewrites", []))
    if digest == "sha1" and key_kind(signer) != "eddsa":
        # The builder refuses SHA-1: sign with SHA-256, then rewrite the algorithm and re-sign.
        rewrites.append(("sha1", key_kind(signer)))
        digest = "sha256"
    if key_kind(signer) == "eddsa":
        cert = builder.sign(signer, None)
    elif key_kind(signer) == "rsa" and pss:
        cert = builder.sign(signer, hash_of(digest), rsa_padding=padding.PSS(
            mgf=padding.MGF1(hash_of(digest)), salt_length=hash_of(digest).digest_size))
    else:
        cert = builder.sign(signer, hash_of(digest))
    der = cert.public_bytes(serialization.Encoding.DER)
    if rewrites:
        der = rewrite(der, rewrites, signer, algorithm)
    return Issued(der, key, subject, spec)


def rewrite(der, rewrites, signer, algorithm):
    """Rewrites fields the builder will not write (serials, versions, duplicate extensions), then
    signs the new TBSCertificate with the same key and algorithm."""
    tbs, algorithm_id, _ = der_children(der_content(der))
    fields = der_children(der_content(tbs))
    for change, value in rewrites:
        if change == "sha1":
            oid = "1.2.840.113549.1.1.5" if value == "rsa" else "1.2.840.10045.4.1"
            algorithm_id = der_tlv(0x30, _oid_bytes(oid) + (b"\x05\x00" if value == "rsa" else b""))
            fields[2 if fields[0][0] == 0xA0 else 1] = algorithm_id
        elif change == "serial":
            fields[1 if fields[0][0] == 0xA0 else 0] = der_integer(value)
        elif change == "version":
            extensions = [f for f in fields if f[0] == 0xA3]
            fields = [f for f in fields if f[0] not in (0xA0, 0xA3)]
            if value == 2:
                fields.insert(0, der_tlv(0xA0, der_integer(1)))
                fields.extend(extensions)
            elif value == "v2-without-extensions":
                fields.insert(0, der_tlv(0xA0, der_integer(1)))
        elif change == "duplicate-extension":
            index = next(i for i, f in enumerate(fields) if f[0] == 0xA3)
            extensions = der_children(der_content(der_content(fields[index])))
            extensions.append(extensions[value % len(extensions)])
            fields[index] = der_tlv(0xA3, der_tlv(0x30, b"".join(extensions)))
        elif change == "extension":
            index = next(i for i, f in enumerate(fields) if f[0] == 0xA3)
            extensions = der_children(der_content(der_content(fields[index])))
            extensions.append(value)
            fields[index] = der_tlv(0xA3, der_tlv(0x30, b"".join(extensions)))
    new_tbs = der_tlv(0x30, b"".join(fields))
    signature = sign_bytes(signer, algorithm, new_tbs)
    return der_tlv(0x30, new_tbs + algorithm_id + der_tlv(0x03, b"\x00" + signature))


def policy_mappings_extension(pairs, critical=True):
    """policyMappings (2.5.29.33), which the builder lacks, as raw DER."""
    body = b"".join(der_tlv(0x30, _oid_bytes(POLICIES[a]) + _oid_bytes(POLICIES[b])) for a, b in pairs)
    value = der_tlv(0x30, body)
    return der_tlv(0x30, _oid_bytes("2.5.29.33") + (der_tlv(0x01, b"\xff") if critical else b"") +
                   der_tlv(0x04, value))


# --- the knobs -----------------------------------------------------------------------------------


class Case:
    def __init__(self, rng, keys, seed, number):
        self.rng, self.keys, self.number = rng, keys, number
        self.id = f"chaingen::{seed}::{number}"
        self.notes = []
        self.zone = f"c{number}.example.com"
        self.policy_case = False  # drawn in build(), so every case draws its knobs in one order

    def chance(self, p):
        return self.rng.random() < p

    def note(self, text):
        self.notes.append(text)

    def pick_key(self, role):
        kind = self.rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        index = self.rng.randrange(64)
        self.note(f"{role}:key={kind}")
        return self.keys.get(kind, index)

    def algorithm(self, issuer_key, role):
        kind = key_kind(issuer_key)
        digest, pss = "sha256", False
        if kind == "rsa" and self.chance(0.2):
            digest, pss = self.rng.choice([("sha1", False), ("sha384", False), ("sha512", False),
                                           ("sha256", True), ("sha384", True), ("sha512", True)])
            if pss and digest == "sha512" and issuer_key.key_size <= 1024:
                digest = "sha384"  # a 1024-bit modulus has no room for a 64-byte salt
        elif kind == "ec" and self.chance(0.2):
            digest = self.rng.choice(["sha1", "sha384", "sha512"])
        if (digest, pss) != ("sha256", False) and kind != "eddsa":
            self.note(f"{role}:sig={digest}{'-pss' if pss else ''}")
        return digest, pss

    def validity(self, role, years):
        before, after = AT - YEAR, AT + years * YEAR
        if self.chance(0.06):
            before, after = self.rng.choice([(AT - 3 * YEAR, AT - DAY), (AT + DAY, AT + YEAR),
                                             (AT, AT + YEAR), (AT - YEAR, AT)])
            self.note(f"{role}:validity={before.date()}..{after.date()}")
        return before, after

    def serial(self, role, spec):
        spec["serial"] = self.rng.getrandbits(120) | 1
        if self.chance(0.04):
            value = self.rng.choice([0, -1, -(self.rng.getrandbits(64)), self.rng.getrandbits(170) | 1 << 168])
            spec["rewrites"].append(("serial", value))
            self.note(f"{role}:serial={value}")

    def version(self, role, spec):
        if self.chance(0.03):
            value = self.rng.choice([1, 2, "v2-without-extensions"])
            spec["rewrites"].append(("version", value))
            self.note(f"{role}:version={value}")

    def odd_extensions(self, role, spec):
        if self.chance(0.03):
            critical = self.chance(0.6)
            spec["extensions"].append((x509.UnrecognizedExtension(UNKNOWN_EXTENSION, b"\x05\x00"), critical))
            self.note(f"{role}:unknown-extension critical={critical}")
        if self.chance(0.02) and spec["extensions"]:
            spec["rewrites"].append(("duplicate-extension", self.rng.randrange(8)))
            self.note(f"{role}:duplicate-extension")

    # name constraints draw from the names the case uses, so they bite
    def general_name(self, kind):
        zone = self.zone
        if kind == "dns":
            value = self.rng.choice([zone, "." + zone, "example.com", ".example.com", "other.org", "com",
                                     f"api-int.{zone}", "EXAMPLE.com"])
            return x509.DNSName(value), value
        if kind == "ip":
            value = self.rng.choice(["10.0.0.0/8", "10.0.0.1/32", "192.168.0.0/16", "2001:db8::/32",
                                     "::ffff:10.0.0.0/104", "0.0.0.0/0", "::/0", "10.0.0.0/24"])
            return x509.IPAddress(ipaddress.ip_network(value)), value
        if kind == "email":
            value = self.rng.choice(["example.com", f"admin@{zone}", ".example.com"])
            return x509.RFC822Name(value), value
        if kind == "uri":
            value = self.rng.choice(["example.com", ".example.com", zone])
            return x509.UniformResourceIdentifier(value), value
        value = self.rng.choice(["okd", "other"])
        return x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, value)])), f"O={value}"

    def name_constraints(self, role, spec):
        if not self.chance(0.12):
            return
        permitted, excluded, shown = [], [], []
        for _ in range(self.rng.randint(1, 3)):
            kind = self.rng.choice(["dns", "dns", "ip", "ip", "email", "uri", "dirname"])
            name, text = self.general_name(kind)
            if self.chance(0.65):
                permitted.append(name)
                shown.append(f"+{kind}:{text}")
            else:
                excluded.append(name)
                shown.append(f"-{kind}:{text}")
        critical = self.chance(0.85)
        spec["extensions"].append((x509.NameConstraints(permitted or None, excluded or None), critical))
        self.note(f"{role}:nc[{' '.join(shown)}]{'' if critical else ' non-critical'}")

    def policies(self, role, spec, is_ca):
        if not self.policy_case:
            return
        if self.chance(0.8):
            chosen = self.rng.sample(["P1", "P2", "P3", "any"], self.rng.randint(1, 2))
            spec["extensions"].append((x509.CertificatePolicies(
                [x509.PolicyInformation(ObjectIdentifier(POLICIES[p]), None) for p in chosen]), self.chance(0.3)))
            self.note(f"{role}:policies={','.join(chosen)}")
        if not is_ca:
            return
        if self.chance(0.3):
            require = self.rng.choice([None, 0, 1, 2])
            inhibit = self.rng.choice([None, 0, 1]) if require is not None or self.chance(0.8) else 0
            if require is None and inhibit is None:
                inhibit = 0
            spec["extensions"].append((x509.PolicyConstraints(require, inhibit), True))
            self.note(f"{role}:policy-constraints require={require} inhibit-mapping={inhibit}")
        if self.chance(0.2):
            skip = self.rng.choice([0, 1, 2])
            spec["extensions"].append((x509.InhibitAnyPolicy(skip), True))
            self.note(f"{role}:inhibit-any={skip}")
        if self.chance(0.25):
            pairs = self.rng.sample([("P1", "P2"), ("P2", "P3"), ("P1", "P3"), ("P3", "P1"), ("P2", "P1"),
                                     ("any", "P1"), ("P1", "any")], self.rng.randint(1, 2))
            spec["rewrites"].append(("extension", policy_mappings_extension(pairs, self.chance(0.7))))
            self.note(f"{role}:mappings={pairs}")

    def ca_spec(self, role, cn, is_root):
        spec = {"cn": cn, "extensions": [], "rewrites": []}
        spec["not_before"], spec["not_after"] = self.validity(role, 10)
        self.serial(role, spec)
        constraints = x509.BasicConstraints(ca=True, path_length=None)
        critical = True
        if self.chance(0.12):
            constraints = x509.BasicConstraints(ca=True, path_length=self.rng.choice([0, 0, 1, 2]))
            self.note(f"{role}:pathlen={constraints.path_length}")
        if self.chance(0.04):
            constraints = self.rng.choice([None, x509.BasicConstraints(ca=False, path_length=None)])
            self.note(f"{role}:basic-constraints={constraints}")
        if self.chance(0.04):
            critical = False
            self.note(f"{role}:basic-constraints non-critical")
        if constraints is not None:
            spec["extensions"].append((constraints, critical))
        usage = dict(digital_signature=False, content_commitment=False, key_encipherment=False,
                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                     encipher_only=False, decipher_only=False)
        if self.chance(0.05):
            usage.update(key_cert_sign=False, digital_signature=True)
            self.note(f"{role}:key-usage without keyCertSign")
        if not self.chance(0.04):
            spec["extensions"].append((x509.KeyUsage(**usage), True))
        else:
            self.note(f"{role}:no key-usage")
        if not is_root or self.chance(0.3):
            if self.chance(0.12):
                chosen = self.rng.choice([["serverAuth"], ["clientAuth"], ["any"], ["serverAuth", "clientAuth"],
                                          ["codeSigning"]])
                spec["extensions"].append((x509.ExtendedKeyUsage([EKUS[e] for e in chosen]), False))
                self.note(f"{role}:eku={','.join(chosen)}")
        self.name_constraints(role, spec)
        self.policies(role, spec, True)
        self.odd_extensions(role, spec)
        self.version(role, spec)
        if self.chance(0.05):
            spec["ski"] = spec["aki"] = False
            self.note(f"{role}:no ski/aki")
        return spec

    def leaf_spec(self):
        role, zone = "leaf", self.zone
        spec = {"cn": f"api-int.{zone}", "extensions": [], "rewrites": []}
        spec["not_before"], spec["not_after"] = self.validity(role, 1)
        self.serial(role, spec)
        names = [x509.DNSName(f"api-int.{zone}")]
        if self.chance(0.3):
            extra = self.rng.sample([
                x509.DNSName(f"*.{zone}"), x509.DNSName("other.org"), x509.DNSName(f"API.{zone}"),
                x509.IPAddress(ipaddress.ip_address("10.0.0.1")),
                x509.IPAddress(ipaddress.ip_address("::ffff:10.0.0.1")),
                x509.IPAddress(ipaddress.ip_address("::ffff:192.168.1.1")),
                x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
                x509.IPAddress(ipaddress.ip_address("192.168.1.1")),
                x509.RFC822Name(f"admin@{zone}"), x509.UniformResourceIdentifier(f"https://api-int.{zone}/"),
                x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "okd")])),
            ], self.rng.randint(1, 3))
            names = extra if self.chance(0.3) else extra + names
            self.note("leaf:san=" + ",".join(str(getattr(n, "value", n)) for n in names))
        if self.chance(0.05):
            self.note("leaf:no san")
        else:
            spec["extensions"].append((x509.SubjectAlternativeName(names), self.chance(0.1)))
        eku = ["serverAuth"]
        if self.chance(0.12):
            eku = self.rng.choice([[], ["clientAuth"], ["any"], ["serverAuth", "clientAuth"], ["codeSigning"]])
            self.note(f"leaf:eku={','.join(eku) or 'none'}")
        if eku:
            spec["extensions"].append((x509.ExtendedKeyUsage([EKUS[e] for e in eku]), False))
        if self.chance(0.05):
            constraints = self.rng.choice([x509.BasicConstraints(ca=True, path_length=None),
                                           x509.BasicConstraints(ca=False, path_length=None)])
            spec["extensions"].append((constraints, True))
            self.note(f"leaf:basic-constraints ca={constraints.ca}")
        if not self.chance(0.05):
            spec["extensions"].append((x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                     key_encipherment=True, data_encipherment=False,
                                                     key_agreement=False, key_cert_sign=self.chance(0.05),
                                                     crl_sign=False, encipher_only=False,
                                                     decipher_only=False), True))
        self.policies(role, spec, False)
        self.odd_extensions(role, spec)
        self.version(role, spec)
        return spec

    def peer_name(self):
        zone = self.zone
        if self.chance(0.88):
            return f"api-int.{zone}"
        value = self.rng.choice([f"other.{zone}", f"API-INT.{zone}", f"x.{zone}", "other.org", "10.0.0.1",
                                 "::ffff:10.0.0.1", "192.168.1.1", "2001:db8::1", "10.0.0.2", f"api-int.{zone}."])
        self.note(f"peer-name={value}")
        return value

    def build(self):
        self.policy_case = self.chance(0.2)
        depth = self.rng.choice([0, 1, 1, 1, 2, 2, 3])
        root_key = self.pick_key("root")
        root = issue(self.ca_spec("root", f"root-{self.number}", True), root_key, None, None,
                     self.algorithm(root_key, "root"))
        chain, issuer = [], root
        for level in range(depth):
            role = f"int{level}"
            key = self.pick_key(role)
            cert = issue(self.ca_spec(role, f"int-{self.number}-{level}", False), key, issuer.subject,
                         issuer.key, self.algorithm(issuer.key, role))
            chain.append(cert)
            issuer = cert
        leaf_key = self.pick_key("leaf")
        leaf = issue(self.leaf_spec(), leaf_key, issuer.subject, issuer.key, self.algorithm(issuer.key, "leaf"))

        presented = [c.pem() for c in chain]
        trusted = [root.pem()]
        if chain and self.chance(0.06):
            dropped = self.rng.randrange(len(chain))
            presented.pop(dropped)
            self.note(f"int{dropped} not sent")
        if self.chance(0.25):
            self.decoys(root, chain, presented, trusted)
        self.rng.shuffle(presented)
        usages = []
        if self.chance(0.08):
            usages = self.rng.choice([["clientAuth"], ["anyExtendedKeyUsage"], ["serverAuth", "clientAuth"]])
            self.note(f"asks={','.join(usages)}")
        peer = self.peer_name()
        kind = "IP" if _is_ip(peer) else "DNS"
        return {
            "id": self.id, "conflicts_with": [], "features": [], "importance": "medium",
            "description": "; ".join(self.notes) or "valid chain", "validation_kind": "SERVER",
            "trusted_certs": trusted, "untrusted_intermediates": presented, "peer_certificate": leaf.pem(),
            "peer_certificate_key": None, "validation_time": AT.isoformat(), "signature_algorithms": [],
            "key_usage": [], "extended_key_usage": usages, "expected_result": "SUCCESS",
            "expected_peer_name": {"kind": kind, "value": peer}, "expected_peer_names": [],
            "max_chain_depth": None, "crls": [],
        }

    def decoys(self, root, chain, presented, trusted):
        what = self.rng.choice(["same-subject-other-key", "expired-copy", "unrelated-ca", "unparsable",
                                "cross-sign", "cross-sign-only-other-root", "root-also-sent"])
        self.note(f"decoy={what}")
        target = self.rng.choice(chain) if chain else root
        if what == "same-subject-other-key":
            spec = self.ca_spec("decoy", target.spec["cn"], False)
            key = self.keys.get("p256", self.rng.randrange(64))
            presented.append(issue(spec, key, root.subject, root.key, ("sha256", False)).pem())
        elif what == "expired-copy" and chain:
            spec = dict(target.spec, not_before=AT - 3 * YEAR, not_after=AT - DAY, rewrites=[])
            presented.append(issue(spec, target.key, root.subject, root.key, ("sha256", False)).pem())
        elif what == "unrelated-ca":
            spec = self.ca_spec("decoy", f"unrelated-{self.number}", True)
            key = self.keys.get("rsa2048", self.rng.randrange(64))
            presented.append(issue(spec, key, None, None, ("sha256", False)).pem())
        elif what == "unparsable":
            spec = self.ca_spec("decoy", f"broken-{self.number}", True)
            kind = self.rng.choice(["serial", "curve"])
            if kind == "serial":
                spec["rewrites"] = [("serial", -5)]
                key = self.keys.get("p256", 1)
            else:
                key = self.keys.get("secp256k1", 0)
            self.note(f"decoy-unparsable={kind}")
            presented.append(issue(spec, key, None, None, ("sha256", False)).pem())
        elif what in ("cross-sign", "cross-sign-only-other-root") and chain:
            other_key = self.keys.get("p384", self.rng.randrange(64))
            other_spec = self.ca_spec("other-root", f"other-root-{self.number}", True)
            other = issue(other_spec, other_key, None, None, ("sha384", False))
            first = chain[0]
            spec = dict(first.spec, rewrites=[])
            cross = issue(spec, first.key, other.subject, other.key, ("sha384", False))
            presented.append(cross.pem())
            if what == "cross-sign-only-other-root":
                trusted[:] = [other.pem()]
            else:
                trusted.append(other.pem())
        else:
            presented.append(root.pem())


def _is_ip(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def generate(seed, count, out):
    keys = Keys(seed)
    cases = []
    for number in range(count):
        rng = random.Random(f"{seed}/case/{number}")
        cases.append(Case(rng, keys, seed, number).build())
    json.dump({"version": 1, "testcases": cases}, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    generate(args.seed, args.count, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
