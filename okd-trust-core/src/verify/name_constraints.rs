//! Go 1.26's per-chain name-constraint check (`checkChainConstraints`).
//!
//! * Every certificate carrying a Name Constraints extension constrains every certificate below
//!   it in the chain — leaf and intermediates alike, self-issued ones included — but not itself.
//!   Criticality does not matter here (a critical extension with subtree kinds Go does not
//!   evaluate is refused earlier, as an unhandled critical extension).
//! * Only certificates with a Subject Alternative Name extension are checked; the subject DN
//!   and its Common Name never are.
//! * For each such certificate: its URIs and emails must be usable (a host that is not an IP,
//!   a parseable mailbox), then, for each constraining certificate from the nearest up, IP SANs,
//!   DNS SANs (which must be syntactically valid), URIs and emails are checked in that order.
//! * A kind whose permitted list is empty is not restricted; otherwise one permitted subtree of
//!   that kind must match. Any matching excluded subtree refuses the name.
//! * DNS-style matching is a case-insensitive suffix match at a label boundary; a constraint
//!   with a leading dot matches proper subdomains only; an empty constraint matches everything.
//!   An excluded constraint also refuses a wildcard SAN whose parent domain equals the
//!   constraint's parent domain (`bar.example.com` excludes `*.example.com`, CVE-2025-61727).
//! * IP subtrees match addresses of their own family only.
//!
//! There is no comparison budget (Go removed it), so matching is done with hash lookups of each
//! name's label suffixes: linear in the size of the names, whatever the number of constraints.

use std::collections::HashMap;
use std::net::IpAddr;

use super::Failure;
use crate::Certificate;
use crate::cert::syntax::{Mailbox, domain_name_valid, parse_mailbox, url_host};
use crate::cert::{GeneralSubtrees, IpConstraint, NameConstraints};

/// Checks every SAN of every certificate in `chain` (leaf first) against the name constraints of
/// every certificate above it. On failure: the index in `chain` of the constraining certificate.
pub(super) fn check_chain(chain: &[Certificate]) -> Result<(), (usize, Failure)> {
    let constrainers: Vec<(usize, Compiled<'_>)> =
        chain.iter().enumerate().filter_map(|(i, c)| c.name_constraints().map(|nc| (i, Compiled::new(nc)))).collect();
    if constrainers.is_empty() {
        return Ok(());
    }
    let fail = |index: usize, detail: String| (index, Failure::NameConstraint { detail });
    for (i, cert) in chain.iter().enumerate() {
        if !cert.has_subject_alt_name() {
            continue;
        }
        let above = match constrainers.iter().position(|(j, _)| *j > i) {
            Some(first) => &constrainers[first..],
            None => return Ok(()),
        };
        let nearest = above[0].0;
        let uris =
            cert.uris().iter().map(|u| uri_host(u)).collect::<Result<Vec<_>, _>>().map_err(|d| fail(nearest, d))?;
        let emails = cert
            .email_addresses()
            .iter()
            .map(|e| parse_mailbox(e).ok_or_else(|| format!("cannot parse rfc822Name {e:?}")))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|d| fail(nearest, d))?;
        for (j, constraints) in above {
            constraints.check(cert, &uris, &emails).map_err(|d| fail(*j, d))?;
        }
    }
    Ok(())
}

/// A URI SAN's host as Go's constraint check uses it: lower-cased, port removed, never empty,
/// never an IP literal.
fn uri_host(uri: &str) -> Result<(&str, String), String> {
    let raw = url_host(uri).map_err(|e| format!("cannot parse URI {uri:?}: {e}"))?;
    let mut host = raw.to_ascii_lowercase();
    if host.is_empty() {
        return Err(format!("URI with empty host ({uri:?}) cannot be matched against constraints"));
    }
    if host.contains(':') && !host.ends_with(']') {
        host = split_host_port(&raw).ok_or_else(|| format!("cannot parse URI host {raw:?}"))?.to_ascii_lowercase();
    }
    if host.parse::<IpAddr>().is_ok() || (host.starts_with('[') && host.ends_with(']')) {
        return Err(format!("URI with IP ({uri:?}) cannot be matched against constraints"));
    }
    Ok((uri, host))
}

/// Go's `net.SplitHostPort`, host part only.
fn split_host_port(hostport: &str) -> Option<&str> {
    let colon = hostport.rfind(':')?;
    let host = &hostport[..colon];
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']')?;
        if inner.contains('[') || inner.contains(']') {
            return None;
        }
        return Some(inner);
    }
    if host.contains(':') || host.contains('[') || host.contains(']') || hostport[colon + 1..].contains(['[', ']']) {
        return None;
    }
    Some(host)
}

/// One certificate's constraints, indexed for lookups.
struct Compiled<'a> {
    permitted: Kinds<'a>,
    excluded: Kinds<'a>,
}

struct Kinds<'a> {
    ip: &'a [IpConstraint],
    dns: Option<DnsSet<'a>>,
    uri: Option<DnsSet<'a>>,
    email: Option<EmailSet<'a>>,
}

impl<'a> Kinds<'a> {
    fn new(subtrees: &'a GeneralSubtrees, permitted: bool) -> Self {
        Kinds {
            ip: &subtrees.ip,
            dns: DnsSet::new(subtrees.dns.iter().map(String::as_str), permitted),
            uri: DnsSet::new(subtrees.uri.iter().map(String::as_str), permitted),
            email: EmailSet::new(&subtrees.email, permitted),
        }
    }
}

impl<'a> Compiled<'a> {
    fn new(nc: &'a NameConstraints) -> Self {
        Compiled { permitted: Kinds::new(&nc.permitted, true), excluded: Kinds::new(&nc.excluded, false) }
    }

    fn check(&self, cert: &Certificate, uris: &[(&str, String)], emails: &[Mailbox]) -> Result<(), String> {
        const IP: &str = "IP address";
        for ip in cert.ip_addresses() {
            let shown = ip.to_string();
            if !self.permitted.ip.is_empty() && !self.permitted.ip.iter().any(|c| c.contains(*ip)) {
                return Err(not_permitted(IP, &shown));
            }
            if let Some(c) = self.excluded.ip.iter().find(|c| c.contains(*ip)) {
                return Err(excluded(IP, &shown, &c.to_string()));
            }
        }
        for name in cert.dns_names() {
            if !domain_name_valid(name, false) {
                return Err(format!("x509: cannot parse dnsName {name:?}"));
            }
            lookup("DNS name", name, name, self.permitted.dns.as_ref(), self.excluded.dns.as_ref())?;
        }
        for (uri, host) in uris {
            if !domain_name_valid(host, false) {
                return Err(format!("x509: internal error: URI SAN {uri:?} failed to parse"));
            }
            lookup("URI", host, uri, self.permitted.uri.as_ref(), self.excluded.uri.as_ref())?;
        }
        for mailbox in emails {
            let domain = mailbox.domain.to_ascii_lowercase();
            let shown = format!("{}@{domain}", mailbox.local);
            if !domain_name_valid(&domain, false) {
                return Err(format!("x509: cannot parse rfc822Name {shown:?}"));
            }
            const EMAIL: &str = "email address";
            if let Some(set) = &self.permitted.email
                && set.query(&mailbox.local, &domain).is_none()
            {
                return Err(not_permitted(EMAIL, &shown));
            }
            if let Some(c) = self.excluded.email.as_ref().and_then(|set| set.query(&mailbox.local, &domain)) {
                return Err(excluded(EMAIL, &shown, c));
            }
        }
        Ok(())
    }
}

fn not_permitted(kind: &str, name: &str) -> String {
    format!("{kind} {name:?} is not permitted by any constraint")
}

fn excluded(kind: &str, name: &str, constraint: &str) -> String {
    format!("{kind} {name:?} is excluded by constraint {constraint:?}")
}

fn lookup(
    kind: &str,
    name: &str,
    shown: &str,
    permitted: Option<&DnsSet<'_>>,
    excluded_set: Option<&DnsSet<'_>>,
) -> Result<(), String> {
    if let Some(set) = permitted
        && set.query(name).is_none()
    {
        return Err(not_permitted(kind, shown));
    }
    if let Some(c) = excluded_set.and_then(|set| set.query(name)) {
        return Err(excluded(kind, shown, c));
    }
    Ok(())
}

/// DNS-style constraints (dNSName, URI hosts, email domains), lower-cased for lookups.
struct DnsSet<'a> {
    /// An empty constraint: matches every name.
    all: bool,
    /// Lower-cased constraint → the constraint as written.
    exact: HashMap<String, &'a str>,
    /// Excluded only: each constraint with its first label removed (`.example.com` for
    /// `bar.example.com`) → the constraint, for wildcard SANs.
    parents: HashMap<String, &'a str>,
}

impl<'a> DnsSet<'a> {
    /// `None` when the list is empty (no restriction of this kind).
    fn new(list: impl IntoIterator<Item = &'a str>, permitted: bool) -> Option<Self> {
        let mut set = DnsSet { all: false, exact: HashMap::new(), parents: HashMap::new() };
        let mut any = false;
        for c in list {
            any = true;
            set.all |= c.is_empty();
            let lower = c.to_ascii_lowercase();
            if !permitted && let Some(dot) = lower.find('.') {
                set.parents.entry(lower[dot..].to_owned()).or_insert(c);
            }
            set.exact.entry(lower).or_insert(c);
        }
        any.then_some(set)
    }

    /// The constraint matching `name`, if any (`""` for the match-all constraint).
    fn query(&self, name: &str) -> Option<&'a str> {
        if self.all {
            return Some("");
        }
        let lower = name.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        // A constraint C matches when it is a suffix of the name starting at the beginning, just
        // after a dot, or at a dot (then C itself starts with the dot).
        for k in 0..bytes.len() {
            if (k == 0 || bytes[k - 1] == b'.' || bytes[k] == b'.')
                && let Some(c) = lower.get(k..).and_then(|suffix| self.exact.get(suffix))
            {
                return Some(c);
            }
        }
        if lower.starts_with('*')
            && let Some(dot) = lower.find('.')
        {
            return self.parents.get(&lower[dot..]).copied();
        }
        None
    }
}

/// rfc822Name constraints: full mailboxes (local part exact, domain case-insensitive) and
/// domains (DNS-style).
struct EmailSet<'a> {
    /// Local part → (domain, constraint). Like Go's map, a later mailbox with the same local
    /// part replaces an earlier one.
    mailboxes: HashMap<String, (String, &'a str)>,
    domains: Option<DnsSet<'a>>,
}

impl<'a> EmailSet<'a> {
    fn new(list: &'a [String], permitted: bool) -> Option<Self> {
        if list.is_empty() {
            return None;
        }
        let mut mailboxes = HashMap::new();
        for c in list.iter().filter(|c| c.contains('@')) {
            if let Some(m) = parse_mailbox(c) {
                mailboxes.insert(m.local, (m.domain, c.as_str()));
            }
        }
        let domains = DnsSet::new(list.iter().filter(|c| !c.contains('@')).map(String::as_str), permitted);
        Some(EmailSet { mailboxes, domains })
    }

    fn query(&self, local: &str, domain: &str) -> Option<&'a str> {
        if let Some((d, c)) = self.mailboxes.get(local)
            && d.eq_ignore_ascii_case(domain)
        {
            return Some(c);
        }
        self.domains.as_ref().and_then(|set| set.query(domain))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn subtrees(dns: &[&str]) -> GeneralSubtrees {
        GeneralSubtrees { dns: dns.iter().map(|s| s.to_string()).collect(), ..GeneralSubtrees::default() }
    }

    #[test]
    fn dns_suffix_rules() {
        let list = subtrees(&["example.com", ".sub.example.org", "*.literal.net"]);
        let set = DnsSet::new(list.dns.iter().map(String::as_str), true).unwrap();
        assert_eq!(set.query("example.com"), Some("example.com"));
        assert_eq!(set.query("A.Example.COM"), Some("example.com"));
        assert_eq!(set.query("notexample.com"), None);
        assert_eq!(set.query("x.sub.example.org"), Some(".sub.example.org"));
        assert_eq!(set.query("sub.example.org"), None, "leading dot: proper subdomains only");
        assert_eq!(set.query("foo.literal.net"), None, "a * in a constraint is literal");
        assert_eq!(set.query("*.literal.net"), Some("*.literal.net"));
        assert_eq!(set.query("*.example.com"), Some("example.com"), "a wildcard SAN is a plain string");
        let all = ["".to_string(), "x".to_string()];
        assert_eq!(DnsSet::new(all.iter().map(String::as_str), true).unwrap().query("anything.at.all"), Some(""));
    }

    #[test]
    fn excluded_wildcard_parent_rule() {
        let list = subtrees(&["bar.example.com", "single"]);
        let set = DnsSet::new(list.dns.iter().map(String::as_str), false).unwrap();
        assert_eq!(set.query("*.example.com"), Some("bar.example.com"));
        assert_eq!(set.query("*.EXAMPLE.com"), Some("bar.example.com"));
        assert_eq!(set.query("foo.example.com"), None);
        assert_eq!(set.query("*.other.com"), None);
        let permitted = DnsSet::new(list.dns.iter().map(String::as_str), true).unwrap();
        assert_eq!(permitted.query("*.example.com"), None, "the parent rule is for exclusions only");
    }

    #[test]
    fn emails() {
        let list =
            ["ops@Example.com".to_string(), "a@x.com".to_string(), "a@y.com".to_string(), ".corp.net".to_string()];
        let set = EmailSet::new(&list, true).unwrap();
        assert!(set.query("ops", "example.com").is_some());
        assert!(set.query("OPS", "example.com").is_none(), "local parts are case-sensitive");
        assert!(set.query("a", "y.com").is_some());
        assert!(set.query("a", "x.com").is_none(), "Go keeps one domain per local part: the last");
        assert!(set.query("anyone", "mail.corp.net").is_some());
        assert!(set.query("anyone", "corp.net").is_none());
    }

    #[test]
    fn uri_hosts() {
        assert_eq!(uri_host("https://API.example.com:6443/x").unwrap().1, "api.example.com");
        assert!(uri_host("urn:x").unwrap_err().contains("empty host"));
        assert!(uri_host("https://10.0.0.1/").unwrap_err().contains("URI with IP"));
        assert!(uri_host("https://[::1]:443/").unwrap_err().contains("URI with IP"));
    }

    mod chains {
        #![allow(clippy::unwrap_used, clippy::panic)]
        use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
        use std::time::Instant;

        use okd_trust_testkit::Key;
        use okd_trust_testkit::rcgen::{
            self, BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType, GeneralSubtree, IsCa,
            Issuer, KeyPair, NameConstraints as RcNc, SanType,
        };

        use super::super::check_chain;
        use crate::Certificate;
        use crate::verify::Failure;

        /// A certificate description: names, constraints, CA or not.
        struct Spec {
            cn: &'static str,
            ca: bool,
            dns: Vec<String>,
            ips: Vec<IpAddr>,
            permitted: Vec<GeneralSubtree>,
            excluded: Vec<GeneralSubtree>,
        }

        fn spec(cn: &'static str, ca: bool) -> Spec {
            Spec { cn, ca, dns: vec![], ips: vec![], permitted: vec![], excluded: vec![] }
        }

        impl Spec {
            fn dns(mut self, names: &[&str]) -> Self {
                self.dns.extend(names.iter().map(|s| s.to_string()));
                self
            }
            fn ip(mut self, ip: IpAddr) -> Self {
                self.ips.push(ip);
                self
            }
            fn permit(mut self, s: GeneralSubtree) -> Self {
                self.permitted.push(s);
                self
            }
            fn exclude(mut self, s: GeneralSubtree) -> Self {
                self.excluded.push(s);
                self
            }
            fn params(&self) -> CertificateParams {
                let mut p = CertificateParams::default();
                p.distinguished_name = DistinguishedName::new();
                p.distinguished_name.push(DnType::CommonName, self.cn);
                if self.ca {
                    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
                }
                for d in &self.dns {
                    p.subject_alt_names.push(SanType::DnsName(d.clone().try_into().unwrap()));
                }
                for ip in &self.ips {
                    p.subject_alt_names.push(SanType::IpAddress(*ip));
                }
                if !self.permitted.is_empty() || !self.excluded.is_empty() {
                    p.name_constraints = Some(RcNc {
                        permitted_subtrees: self.permitted.clone(),
                        excluded_subtrees: self.excluded.clone(),
                    });
                }
                p
            }
        }

        /// Issues `specs` as a chain (root last), each signed by the next; returns leaf first.
        fn chain(specs: Vec<Spec>) -> Vec<Certificate> {
            let key: KeyPair = Key::P256.key_pair();
            let mut out = Vec::new();
            let mut issuer_params: Option<CertificateParams> = None;
            for spec in specs.iter().rev() {
                let params = spec.params();
                let cert: rcgen::Certificate = match &issuer_params {
                    None => params.self_signed(&key).unwrap(),
                    Some(ip) => params.signed_by(&key, &Issuer::from_params(ip, &key)).unwrap(),
                };
                out.push(Certificate::from_der(cert.der()).unwrap());
                issuer_params = Some(params);
            }
            out.reverse();
            out
        }

        fn detail(result: Result<(), (usize, Failure)>) -> (usize, String) {
            match result {
                Err((i, Failure::NameConstraint { detail })) => (i, detail),
                other => panic!("{other:?}"),
            }
        }

        fn dns(s: &str) -> GeneralSubtree {
            GeneralSubtree::DnsName(s.into())
        }

        #[test]
        fn permitted_and_excluded_dns() {
            let ok = chain(vec![
                spec("leaf", false).dns(&["api.example.com", "x.Example.COM"]),
                spec("root", true).permit(dns("example.com")),
            ]);
            assert_eq!(check_chain(&ok), Ok(()));
            let bad = chain(vec![
                spec("leaf", false).dns(&["api.example.com", "evil.com"]),
                spec("root", true).permit(dns("example.com")),
            ]);
            assert_eq!(
                detail(check_chain(&bad)),
                (1, r#"DNS name "evil.com" is not permitted by any constraint"#.into())
            );
            let excluded = chain(vec![
                spec("leaf", false).dns(&["a.corp.example.com"]),
                spec("ica", true).exclude(dns(".corp.example.com")),
                spec("root", true).permit(dns("example.com")),
            ]);
            assert_eq!(
                detail(check_chain(&excluded)),
                (1, r#"DNS name "a.corp.example.com" is excluded by constraint ".corp.example.com""#.into())
            );
        }

        #[test]
        fn every_constraint_above_applies_to_intermediates_too() {
            // The root's constraint binds the intermediate's own SAN (no self-issued exemption).
            let c = chain(vec![
                spec("leaf", false).dns(&["a.example.com"]),
                spec("ica", true).dns(&["not-example.com"]),
                spec("root", true).permit(dns("example.com")),
            ]);
            assert_eq!(detail(check_chain(&c)).0, 2);
            // Intersection: the intermediate cannot widen what the root allows.
            let widened = chain(vec![
                spec("leaf", false).dns(&["a.other.com"]),
                spec("ica", true).permit(dns("other.com")),
                spec("root", true).permit(dns("example.com")),
            ]);
            assert_eq!(detail(check_chain(&widened)).0, 2);
        }

        #[test]
        fn a_leaf_nc_is_inert_and_certs_without_san_are_not_checked() {
            let c = chain(vec![spec("leaf", true).dns(&["evil.com"]).permit(dns("example.com")), spec("root", true)]);
            assert_eq!(check_chain(&c), Ok(()));
            let no_san = chain(vec![spec("evil.com", false), spec("root", true).permit(dns("example.com"))]);
            assert_eq!(check_chain(&no_san), Ok(()));
        }

        #[test]
        fn wildcard_sans() {
            // CVE-2025-61727: excluded bar.example.com catches *.example.com.
            let c = chain(vec![
                spec("leaf", false).dns(&["*.example.com"]),
                spec("root", true).exclude(dns("bar.example.com")),
            ]);
            assert_eq!(
                detail(check_chain(&c)).1,
                r#"DNS name "*.example.com" is excluded by constraint "bar.example.com""#
            );
            // Permitted foo.example.com does not permit *.example.com; permitted foo.com permits *.foo.com.
            let c = chain(vec![
                spec("leaf", false).dns(&["*.example.com"]),
                spec("root", true).permit(dns("foo.example.com")),
            ]);
            assert!(check_chain(&c).is_err());
            let c = chain(vec![spec("leaf", false).dns(&["*.foo.com"]), spec("root", true).permit(dns("foo.com"))]);
            assert_eq!(check_chain(&c), Ok(()));
        }

        #[test]
        fn invalid_dns_sans_fail_only_under_constraints() {
            let c =
                chain(vec![spec("leaf", false).dns(&[".example.com"]), spec("root", true).permit(dns("example.com"))]);
            assert_eq!(detail(check_chain(&c)).1, r#"x509: cannot parse dnsName ".example.com""#);
            let c = chain(vec![spec("leaf", false).dns(&[".example.com"]), spec("root", true)]);
            assert_eq!(check_chain(&c), Ok(()));
        }

        #[test]
        fn ip_ranges_by_family() {
            let v4 = |a, b, c, d| IpAddr::V4(Ipv4Addr::new(a, b, c, d));
            let net = GeneralSubtree::IpAddress(CidrSubnet::V4([127, 0, 0, 0], [255, 255, 255, 0]));
            let c = chain(vec![spec("leaf", false).ip(v4(127, 0, 0, 1)), spec("root", true).permit(net.clone())]);
            assert_eq!(check_chain(&c), Ok(()));
            let c = chain(vec![spec("leaf", false).ip(v4(1, 1, 1, 1)), spec("root", true).permit(net.clone())]);
            assert_eq!(detail(check_chain(&c)).1, r#"IP address "1.1.1.1" is not permitted by any constraint"#);
            let v6 = IpAddr::V6("fd00::1".parse::<Ipv6Addr>().unwrap());
            let c = chain(vec![spec("leaf", false).ip(v6), spec("root", true).permit(net.clone())]);
            assert!(check_chain(&c).is_err(), "no IPv6 range permitted");
            let c = chain(vec![spec("leaf", false).ip(v6).dns(&["a.example"]), spec("root", true).exclude(net)]);
            assert_eq!(check_chain(&c), Ok(()), "an IPv4 exclusion says nothing about IPv6");
            // IPs are checked before DNS names.
            let c = chain(vec![
                spec("leaf", false).dns(&["evil.com"]).ip(v4(1, 1, 1, 1)),
                spec("root", true)
                    .permit(dns("example.com"))
                    .permit(GeneralSubtree::IpAddress(CidrSubnet::V4([10, 0, 0, 0], [255, 0, 0, 0]))),
            ]);
            assert!(detail(check_chain(&c)).1.starts_with("IP address"));
        }

        #[test]
        fn emails() {
            let mut leaf = spec("leaf", false);
            leaf.dns.push("a.example.com".into());
            let mut p = leaf.params();
            p.subject_alt_names.push(SanType::Rfc822Name("ops@mail.example.com".try_into().unwrap()));
            let key = Key::P256.key_pair();
            let root = spec("root", true).permit(GeneralSubtree::Rfc822Name(".example.com".into()));
            let root_params = root.params();
            let root_cert = root_params.self_signed(&key).unwrap();
            let leaf_cert = p.signed_by(&key, &Issuer::from_params(&root_params, &key)).unwrap();
            let c = [Certificate::from_der(leaf_cert.der()).unwrap(), Certificate::from_der(root_cert.der()).unwrap()];
            assert_eq!(check_chain(&c), Ok(()), "email domains are matched; DNS names are unconstrained here");
        }

        #[test]
        fn pathological_sizes_stay_fast() {
            let names: Vec<String> = (0..2048).map(|i| format!("host{i}.example.com")).collect();
            let mut root = spec("root", true);
            for i in 0..2048 {
                root = root.permit(dns(&format!("zone{i}.example.com"))).exclude(dns(&format!("bad{i}.example.org")));
            }
            root = root.permit(dns("example.com"));
            let leaf = spec("leaf", false).dns(&names.iter().map(String::as_str).collect::<Vec<_>>());
            let c = chain(vec![leaf, root]);
            let start = Instant::now();
            assert_eq!(check_chain(&c), Ok(()));
            assert!(start.elapsed().as_millis() < 500, "{:?}", start.elapsed());
        }
    }
}
