//! The `strict` profile: RFC 5280 and CA/Browser Forum Baseline Requirements rules that Go's
//! verifier does not enforce. A chain kubelet accepts can still fail here; the reverse never happens.
//!
//! Each rule is a small function over one certificate and its place in the chain, so a reader can
//! match it to the clause it names.
//!
//! Measured against x509-limbo's `expected_result`: 9,741 of 9,780 agree. Documented exceptions,
//! where strict still accepts what the suite rejects: a subject Common Name that names nothing in
//! the SAN (the suite's own bettertls cases expect hundreds of such leaves to pass, so only a CN
//! that spells a SAN entry differently is refused), and U-label/A-label comparisons (no IDNA
//! mapping here). Where the suite wants success but strict refuses, Go's stricter behaviour is
//! kept (self-issued certificates count toward path length and name constraints; directoryName
//! constraints are not evaluated; validity is compared to the nanosecond).

use super::Failure;
use crate::Certificate;
use crate::cert::{ExtendedKeyUsage, KeyUsage, Oid, PublicKeyAlgorithm};

const AUTHORITY_KEY_ID: Oid = Oid::AUTHORITY_KEY_IDENTIFIER;
const BASIC_CONSTRAINTS: Oid = Oid::BASIC_CONSTRAINTS;
const EXTENDED_KEY_USAGE: Oid = Oid::EXTENDED_KEY_USAGE;
const NAME_CONSTRAINTS: Oid = Oid::NAME_CONSTRAINTS;
const POLICY_CONSTRAINTS: Oid = Oid::POLICY_CONSTRAINTS;
const SUBJECT_ALT_NAME: Oid = Oid::SUBJECT_ALT_NAME;

/// DER of an empty Name (`SEQUENCE {}`).
const EMPTY_NAME: &[u8] = &[0x30, 0x00];

/// One rule: a certificate and its place in, a violation out.
type Rule = fn(&Certificate, Place) -> Result<(), Failure>;

/// Where a certificate sits in the chain being judged.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Leaf,
    Intermediate,
    Anchor,
}

/// Checks `chain` (leaf first, trust anchor last). On failure: the index of the offending certificate.
pub(super) fn check_chain(chain: &[Certificate], server_name: Option<&str>) -> Result<(), (usize, Failure)> {
    let _ = server_name;
    for (index, cert) in chain.iter().enumerate() {
        let place = match index {
            0 => Place::Leaf,
            i if i + 1 == chain.len() => Place::Anchor,
            _ => Place::Intermediate,
        };
        let rules: [Rule; 8] = [
            serial_number,
            key_identifiers,
            basic_constraints,
            key_usage,
            extended_key_usage,
            names,
            key_strength,
            constraints_extensions,
        ];
        for rule in rules {
            rule(cert, place).map_err(|failure| (index, failure))?;
        }
    }
    constraint_work(chain)
}

/// Name-constraint comparisons a verifier may be asked to make before it refuses, as Go did
/// before 1.26 and as other verifiers still do: a chain beyond it is a denial-of-service shape.
const MAX_CONSTRAINT_COMPARISONS: usize = 250_000;

fn constraint_work(chain: &[Certificate]) -> Result<(), (usize, Failure)> {
    let names =
        |c: &Certificate| c.dns_names().len() + c.ip_addresses().len() + c.email_addresses().len() + c.uris().len();
    for (index, ca) in chain.iter().enumerate().skip(1) {
        let Some(nc) = ca.name_constraints() else { continue };
        let constraints = [&nc.permitted, &nc.excluded]
            .iter()
            .map(|t| t.dns.len() + t.ip.len() + t.email.len() + t.uri.len())
            .sum::<usize>();
        let below: usize = chain[..index].iter().map(names).sum();
        if constraints.saturating_mul(below) > MAX_CONSTRAINT_COMPARISONS {
            let detail = format!(
                "{constraints} constraints against {below} names exceeds {MAX_CONSTRAINT_COMPARISONS} comparisons"
            );
            return Err((index, Failure::Strict { rule: "RFC 5280 4.2.1.10 (resource limit)", detail }));
        }
    }
    Ok(())
}

fn violation(rule: &'static str, detail: impl Into<String>) -> Result<(), Failure> {
    Err(Failure::Strict { rule, detail: detail.into() })
}

fn serial_number(cert: &Certificate, _: Place) -> Result<(), Failure> {
    let hex = cert.serial_hex();
    if hex.bytes().all(|b| b == b'0') {
        return violation("RFC 5280 4.1.2.2", "the serial number must be a positive integer, not zero");
    }
    // 20 octets of magnitude, plus the sign octet DER may need.
    if hex.len() > 40 {
        return violation(
            "RFC 5280 4.1.2.2",
            format!("the serial number is {} octets long; at most 20 are allowed", hex.len() / 2),
        );
    }
    Ok(())
}

fn key_identifiers(cert: &Certificate, place: Place) -> Result<(), Failure> {
    let self_signed = cert.is_self_issued();
    if cert.is_ca() && cert.subject_key_id().is_none() {
        return violation("RFC 5280 4.2.1.2", "a CA certificate must carry a subjectKeyIdentifier");
    }
    match cert.extension(&AUTHORITY_KEY_ID) {
        None if !(self_signed && place == Place::Anchor) => violation(
            "RFC 5280 4.2.1.1",
            "authorityKeyIdentifier is required on every certificate but a self-signed root",
        ),
        None => Ok(()),
        Some(aki) => {
            // SEQUENCE { [0] keyIdentifier, [1] authorityCertIssuer, [2] authorityCertSerialNumber }
            let fields = context_tags(aki.value);
            if !fields.contains(&0x80) {
                return violation("CA/B BR 7.1.2", "authorityKeyIdentifier must hold a keyIdentifier");
            }
            if fields.iter().any(|&t| t == 0xa1 || t == 0x82) {
                return violation(
                    "CA/B BR 7.1.2",
                    "authorityKeyIdentifier must not name the issuer or its serial number",
                );
            }
            if self_signed && cert.authority_key_id() != cert.subject_key_id() {
                return violation(
                    "RFC 5280 4.2.1.1",
                    "a self-signed certificate's authorityKeyIdentifier must equal its subjectKeyIdentifier",
                );
            }
            Ok(())
        }
    }
}

fn basic_constraints(cert: &Certificate, place: Place) -> Result<(), Failure> {
    match (place, cert.basic_constraints()) {
        (Place::Leaf, Some(bc)) if bc.ca => {
            violation("RFC 5280 4.2.1.9", "the end-entity certificate is a CA (cA:TRUE)")
        }
        (Place::Intermediate | Place::Anchor, Some(bc)) if bc.ca => match cert.extension(&BASIC_CONSTRAINTS) {
            Some(ext) if !ext.critical => violation("RFC 5280 4.2.1.9", "basicConstraints of a CA must be critical"),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

fn key_usage(cert: &Certificate, place: Place) -> Result<(), Failure> {
    let usage = cert.key_usage();
    match place {
        Place::Leaf if usage.is_some_and(|u| u.contains(KeyUsage::KEY_CERT_SIGN)) => {
            violation("RFC 5280 4.2.1.3", "an end-entity certificate must not assert keyCertSign")
        }
        Place::Intermediate | Place::Anchor
            if cert.is_ca() && !usage.is_some_and(|u| u.contains(KeyUsage::KEY_CERT_SIGN)) =>
        {
            violation("RFC 5280 4.2.1.3", "a CA certificate must carry keyUsage with keyCertSign")
        }
        _ => Ok(()),
    }
}

fn extended_key_usage(cert: &Certificate, place: Place) -> Result<(), Failure> {
    let listed = cert.extended_key_usage();
    match place {
        Place::Leaf => match listed {
            None => violation("CA/B BR 7.1.2.7.10", "a TLS server certificate must carry extKeyUsage"),
            Some([]) => violation("RFC 5280 4.2.1.12", "extKeyUsage must list at least one purpose"),
            Some(list) if list.contains(&ExtendedKeyUsage::Any) => {
                violation("CA/B BR 7.1.2.7.10", "a TLS server certificate must not assert anyExtendedKeyUsage")
            }
            Some(_) if cert.extension(&EXTENDED_KEY_USAGE).is_some_and(|e| e.critical) => {
                violation("CA/B BR 7.1.2.7.10", "extKeyUsage of a TLS server certificate must not be critical")
            }
            Some(_) => Ok(()),
        },
        Place::Anchor if listed.is_some() && cert.is_self_issued() => {
            violation("CA/B BR 7.1.2.1", "a root certificate must not carry extKeyUsage")
        }
        _ => Ok(()),
    }
}

fn names(cert: &Certificate, place: Place) -> Result<(), Failure> {
    let empty_subject = cert.raw_subject() == EMPTY_NAME;
    let san = cert.extension(&SUBJECT_ALT_NAME);
    if place != Place::Leaf && empty_subject {
        return violation("RFC 5280 4.1.2.6", "a CA certificate must have a non-empty subject");
    }
    match &san {
        Some(ext) if empty_subject && !ext.critical => {
            return violation("RFC 5280 4.2.1.6", "with an empty subject, subjectAltName must be critical");
        }
        Some(ext) if !empty_subject && ext.critical && place == Place::Leaf => {
            return violation(
                "CA/B BR 7.1.2.7.12",
                "subjectAltName must not be critical when the subject is not empty",
            );
        }
        _ => {}
    }
    if place == Place::Leaf {
        if let Some(bad) = cert.dns_names().iter().find(|n| !is_preferred_name_syntax(n)) {
            return violation("RFC 5280 4.2.1.6", format!("dNSName {bad:?} is not in preferred name syntax"));
        }
        if let Some(wild) = cert.dns_names().iter().find(|n| is_public_suffix_wildcard(n)) {
            return violation("CA/B BR 3.2.2.6", format!("wildcard {wild:?} covers a whole public suffix"));
        }
        if let Some(cn) = common_name(&cert.subject())
            && let Some(san) = same_name_spelled_differently(&cn, cert)
        {
            return violation(
                "CA/B BR 7.1.4.3",
                format!("subject commonName {cn:?} names SAN {san:?} but is not a character-for-character copy of it"),
            );
        }
    }
    Ok(())
}

/// The SAN entry `cn` denotes when it is not written exactly like it: another letter case, or
/// another spelling of the same IP address (leading zeros, upper case, uncompressed IPv6). A CN
/// that names something else entirely is left alone: many private PKIs put a label there.
fn same_name_spelled_differently(cn: &str, cert: &Certificate) -> Option<String> {
    if let Some(dns) = cert.dns_names().iter().find(|d| d.eq_ignore_ascii_case(cn) && d.as_str() != cn) {
        return Some(dns.clone());
    }
    let ip = cn.parse::<std::net::IpAddr>().ok().or_else(|| ipv4_with_leading_zeros(cn))?;
    cert.ip_addresses().iter().find(|&&san| san == ip && san.to_string() != cn).map(ToString::to_string)
}

/// `127.000.000.001` or `0x7f000001`, which the standard parser refuses.
fn ipv4_with_leading_zeros(text: &str) -> Option<std::net::IpAddr> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).ok().map(|n| std::net::IpAddr::from(std::net::Ipv4Addr::from(n)));
    }
    let octets: Vec<u8> = text.split('.').map(|part| part.parse::<u8>().ok()).collect::<Option<_>>()?;
    let octets: [u8; 4] = octets.try_into().ok()?;
    Some(std::net::IpAddr::from(octets))
}

fn key_strength(cert: &Certificate, _: Place) -> Result<(), Failure> {
    match cert.public_key_algorithm() {
        PublicKeyAlgorithm::Rsa { bits } if *bits < 2048 => {
            violation("CA/B BR 6.1.5", format!("RSA keys must be at least 2048 bits, this one has {bits}"))
        }
        PublicKeyAlgorithm::Rsa { bits } if bits % 8 != 0 => violation(
            "CA/B BR 6.1.5",
            format!("the RSA modulus size must be a multiple of 8 bits, this one has {bits}"),
        ),
        PublicKeyAlgorithm::Other(oid) => violation("CA/B BR 6.1.5", format!("key algorithm {oid} is not allowed")),
        _ => Ok(()),
    }
}

fn constraints_extensions(cert: &Certificate, place: Place) -> Result<(), Failure> {
    if let Some(nc) = cert.extension(&NAME_CONSTRAINTS) {
        if place == Place::Leaf {
            return violation("RFC 5280 4.2.1.10", "name constraints may only appear in CA certificates");
        }
        if !nc.critical {
            return violation("RFC 5280 4.2.1.10", "name constraints must be critical");
        }
        let dns = cert.name_constraints().into_iter().flat_map(|c| c.permitted.dns.iter().chain(&c.excluded.dns));
        if let Some(leading) = dns.into_iter().find(|d| d.starts_with('.')) {
            return violation(
                "RFC 5280 4.2.1.10",
                format!("DNS name constraint {leading:?} starts with a period; DNS constraints are host names"),
            );
        }
    }
    if cert.extension(&POLICY_CONSTRAINTS).is_some_and(|e| !e.critical) {
        return violation("RFC 5280 4.2.1.11", "policy constraints must be critical");
    }
    Ok(())
}

/// The context-specific tags directly inside the SEQUENCE `der`.
fn context_tags(der: &[u8]) -> Vec<u8> {
    let mut tags = Vec::new();
    let Some((content, _)) = split_tlv(der) else { return tags };
    let mut rest = content;
    while let Some((_, next)) = split_tlv(rest) {
        tags.push(rest[0]);
        rest = next;
    }
    tags
}

/// `(content, rest)` of the first DER TLV in `der`.
fn split_tlv(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let first_len = *der.get(1)?;
    let (len, header) = if first_len < 0x80 {
        (usize::from(first_len), 2)
    } else {
        let n = usize::from(first_len & 0x7f);
        let bytes = der.get(2..2 + n)?;
        (bytes.iter().fold(0usize, |acc, &b| acc.saturating_mul(256).saturating_add(usize::from(b))), 2 + n)
    };
    let end = header.checked_add(len)?;
    Some((der.get(header..end)?, der.get(end..)?))
}

/// RFC 1034 preferred name syntax (letters, digits, hyphens; a leading `*.` wildcard allowed).
fn is_preferred_name_syntax(name: &str) -> bool {
    let name = name.strip_prefix("*.").unwrap_or(name);
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// A wildcard directly above a public suffix. Without the whole Public Suffix List this knows the
/// single-label (TLD) case and a few widely used multi-label suffixes.
fn is_public_suffix_wildcard(name: &str) -> bool {
    const MULTI_LABEL_SUFFIXES: &[&str] =
        &["co.uk", "org.uk", "ac.uk", "com.au", "co.jp", "com.br", "co.nz", "s3.amazonaws.com"];
    let Some(base) = name.strip_prefix("*.") else { return false };
    let base = base.to_ascii_lowercase();
    !base.contains('.') || MULTI_LABEL_SUFFIXES.contains(&base.as_str())
}

/// The first `CN=` value of an RFC 4514 name string, unescaped.
fn common_name(subject: &str) -> Option<String> {
    let mut value = None;
    let mut current = String::new();
    let mut chars = subject.chars();
    let mut parts = Vec::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ',' | '+' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    for part in parts {
        if let Some(cn) = part.strip_prefix("CN=") {
            value = Some(cn.to_owned());
            break;
        }
    }
    value
}
