//! Go's `Certificate.VerifyHostname`: SANs only, never the Common Name.
//!
//! * An IP literal (optionally in `[brackets]`) is compared by value with the iPAddress SANs only;
//!   IPv4 equals its IPv4-mapped IPv6 form. DNS SANs holding IP text never match.
//! * Otherwise the name is lower-cased (ASCII only). When it is a valid host name (labels of
//!   letters, digits, `_` and non-leading `-`, one trailing dot ignored) each DNS SAN that is a
//!   valid *pattern* (the same rules, no trailing dot, `*` allowed only as the whole first label)
//!   is matched label by label, the wildcard standing for exactly one label; every other SAN
//!   matches only when equal, ignoring ASCII case. There is no public-suffix check.

use std::net::IpAddr;

use super::Failure;
use crate::Certificate;

/// Whether `leaf` is valid for `name` (a DNS name, or an IP literal optionally in brackets).
pub(super) fn check(leaf: &Certificate, name: &str) -> Result<(), Failure> {
    let candidate_ip = match name.as_bytes() {
        [b'[', inner @ .., b']'] if !inner.is_empty() => &name[1..name.len() - 1],
        _ => name,
    };
    if let Some(ip) = parse_ip(candidate_ip) {
        if leaf.ip_addresses().iter().any(|san| san.to_canonical() == ip) {
            return Ok(());
        }
        return Err(mismatch(leaf, candidate_ip));
    }

    let host = name.to_ascii_lowercase();
    let valid_input = valid_hostname(&host, false);
    let matched = leaf.dns_names().iter().any(|san| {
        if valid_input && valid_hostname(san, true) { match_pattern(san, &host) } else { match_exactly(san, &host) }
    });
    if matched { Ok(()) } else { Err(mismatch(leaf, name)) }
}

fn mismatch(leaf: &Certificate, name: &str) -> Failure {
    Failure::HostnameMismatch {
        name: name.to_owned(),
        dns_names: leaf.dns_names().to_vec(),
        ip_addresses: leaf.ip_addresses().to_vec(),
    }
}

/// Go's `net.ParseIP`: dotted-quad IPv4 without leading zeros, or IPv6 (no zone), canonicalised
/// so that an IPv4-mapped IPv6 address compares equal to its IPv4 form.
fn parse_ip(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// Go's `validHostname`: input names may end in one dot; patterns may start with a `*` label.
fn valid_hostname(host: &str, is_pattern: bool) -> bool {
    let host = if is_pattern { host } else { host.strip_suffix('.').unwrap_or(host) };
    if host.is_empty() || host == "*" {
        return false;
    }
    host.split('.').enumerate().all(|(i, label)| {
        if label.is_empty() {
            return false;
        }
        if is_pattern && i == 0 && label == "*" {
            return true;
        }
        label.bytes().enumerate().all(|(j, c)| c.is_ascii_alphanumeric() || c == b'_' || (c == b'-' && j != 0))
    })
}

/// Go's `matchExactly`: ASCII case-insensitive equality; empty and `.` never match.
fn match_exactly(san: &str, host: &str) -> bool {
    if san.is_empty() || san == "." || host.is_empty() || host == "." {
        return false;
    }
    san.eq_ignore_ascii_case(host)
}

/// Go's `matchHostnames`: same number of labels, each equal, a first-label `*` matching any one.
fn match_pattern(pattern: &str, host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    if pattern.is_empty() || host.is_empty() {
        return false;
    }
    let (mut p, mut h) = (pattern.split('.'), host.split('.'));
    let mut first = true;
    loop {
        match (p.next(), h.next()) {
            (None, None) => return true,
            (Some(pl), Some(hl)) => {
                if !(pl.eq_ignore_ascii_case(hl) || (first && pl == "*")) {
                    return false;
                }
            }
            _ => return false,
        }
        first = false;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use std::net::{Ipv4Addr, Ipv6Addr};

    use okd_trust_testkit::CertBuilder;

    use super::*;

    fn leaf(dns: &[&str], ips: &[IpAddr]) -> Certificate {
        let ca = CertBuilder::ca("hostname-ca").self_signed();
        let mut b = CertBuilder::leaf("ignored.example.com");
        for d in dns {
            b = b.dns(d);
        }
        for ip in ips {
            b = b.ip(*ip);
        }
        Certificate::from_der(b.signed_by(&ca).der()).unwrap()
    }

    fn ok(cert: &Certificate, name: &str) -> bool {
        check(cert, name).is_ok()
    }

    #[test]
    fn exact_and_case_insensitive() {
        let c = leaf(&["api-int.ocp.Example.com", "under_score.example"], &[]);
        assert!(ok(&c, "api-int.ocp.example.com"));
        assert!(ok(&c, "API-INT.OCP.EXAMPLE.COM"));
        assert!(ok(&c, "api-int.ocp.example.com."), "trailing dot on the request is ignored");
        assert!(ok(&c, "under_score.example"));
        assert!(!ok(&c, "ocp.example.com"));
        assert!(!ok(&c, "x.api-int.ocp.example.com"));
    }

    #[test]
    fn trailing_dot_on_the_san_only_matches_exactly() {
        let c = leaf(&["example.com."], &[]);
        assert!(ok(&c, "example.com."));
        assert!(!ok(&c, "example.com"));
    }

    #[test]
    fn wildcards_are_whole_leftmost_labels() {
        let c = leaf(&["*.apps.example.com"], &[]);
        assert!(ok(&c, "console.apps.example.com"));
        assert!(ok(&c, "Console.Apps.Example.Com."));
        assert!(!ok(&c, "apps.example.com"));
        assert!(!ok(&c, "a.b.apps.example.com"));
        assert!(ok(&c, "*.apps.example.com"), "a wildcard request is not valid input: exact match only");
        assert!(!ok(&c, "*.other.example.com"));
        for pattern in ["ba*.example.com", "foo.*.example.com", "*", "*.*.example.com"] {
            let c = leaf(&[pattern], &[]);
            assert!(!ok(&c, "bar.example.com"), "{pattern}");
            assert!(!ok(&c, "foo.bar.example.com"), "{pattern}");
        }
        // No public-suffix list.
        assert!(ok(&leaf(&["*.com"], &[]), "example.com"));
        assert!(ok(&leaf(&["*.co.uk"], &[]), "example.co.uk"));
    }

    #[test]
    fn invalid_input_falls_back_to_exact_match() {
        let c = leaf(&["weird name", "-lead.example"], &[]);
        assert!(ok(&c, "weird name"));
        assert!(ok(&c, "-LEAD.example"));
        assert!(!ok(&c, "weird name."));
    }

    #[test]
    fn ip_literals_match_ip_sans_only() {
        let v4 = IpAddr::V4(Ipv4Addr::new(172, 30, 0, 1));
        let v6 = IpAddr::V6("fd00::1".parse::<Ipv6Addr>().unwrap());
        let c = leaf(&["172.30.0.2", "api.example.com"], &[v4, v6]);
        assert!(ok(&c, "172.30.0.1"));
        assert!(ok(&c, "[172.30.0.1]"));
        assert!(ok(&c, "::ffff:172.30.0.1"), "IPv4-mapped IPv6 equals IPv4");
        assert!(ok(&c, "[fd00:0:0::1]"));
        assert!(ok(&c, "FD00::1"));
        assert!(!ok(&c, "172.30.0.2"), "an IP never matches a DNS SAN");
        assert!(!ok(&c, "172.030.0.1"), "leading zeros: not an IP, and no DNS SAN has that text");
        match check(&c, "[10.0.0.1]") {
            Err(Failure::HostnameMismatch { name, ip_addresses, .. }) => {
                assert_eq!(name, "10.0.0.1");
                assert_eq!(ip_addresses, [v4, v6]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_common_name_is_never_used() {
        let ca = CertBuilder::ca("cn-ca").self_signed();
        let no_san = Certificate::from_der(CertBuilder::leaf("api.example.com").signed_by(&ca).der()).unwrap();
        assert!(!ok(&no_san, "api.example.com"));
        assert!(!ok(&leaf(&["other.example.com"], &[]), "ignored.example.com"));
    }
}
