//! The Name Constraints extension (RFC 5280 §4.2.1.10), read the way Go reads it at parse time.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::syntax::{domain_name_valid, is_contiguous_mask, parse_mailbox};
use super::tlv::{self, ExtResult, Reader};

/// A CA's name constraints: the names certificates below it may (permitted) and may not
/// (excluded) carry. Go evaluates DNS, IP, email and URI subtrees; any other kind sets
/// [`NameConstraints::unhandled`], which makes a critical extension unhandled.
///
/// ```
/// # use okd_trust::cert::{NameConstraints, IpConstraint};
/// # fn show(nc: &NameConstraints) {
/// for dns in &nc.permitted.dns {
///     println!("may issue for {dns}");
/// }
/// for net in &nc.excluded.ip {
///     println!("may not issue for {net}");
/// }
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameConstraints {
    /// `permittedSubtrees`.
    pub permitted: GeneralSubtrees,
    /// `excludedSubtrees`.
    pub excluded: GeneralSubtrees,
    /// Whether a subtree of a kind Go does not evaluate (directoryName, otherName, x400Address,
    /// ediPartyName, registeredID, or a tag it does not know) is present.
    pub unhandled: bool,
}

/// The subtrees of one list (permitted or excluded), by name type, in certificate order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GeneralSubtrees {
    /// dNSName constraints (`example.com`, `.example.com`, or empty for "every name").
    pub dns: Vec<String>,
    /// iPAddress constraints.
    pub ip: Vec<IpConstraint>,
    /// rfc822Name constraints: a mailbox, a domain, or a `.domain`.
    pub email: Vec<String>,
    /// uniformResourceIdentifier constraints: a host or a `.domain`.
    pub uri: Vec<String>,
}

impl GeneralSubtrees {
    /// Whether no DNS, IP, email or URI subtree is listed.
    pub fn is_empty(&self) -> bool {
        self.dns.is_empty() && self.ip.is_empty() && self.email.is_empty() && self.uri.is_empty()
    }
}

/// An IP address range: a network address and a contiguous mask of the same family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpConstraint {
    /// The network address as written (host bits may be set; they are ignored when matching).
    pub addr: IpAddr,
    /// The mask, of the same family as `addr`.
    pub mask: IpAddr,
}

impl IpConstraint {
    /// The number of leading one bits in the mask.
    ///
    /// ```
    /// use okd_trust::cert::IpConstraint;
    /// let c = IpConstraint { addr: [10, 0, 0, 0].into(), mask: [255, 255, 0, 0].into() };
    /// assert_eq!(c.prefix_len(), 16);
    /// assert!(c.contains([10, 0, 3, 4].into()));
    /// assert!(!c.contains([10, 1, 0, 0].into()));
    /// assert_eq!(c.to_string(), "10.0.0.0/16");
    /// ```
    pub fn prefix_len(&self) -> u32 {
        match self.mask {
            IpAddr::V4(m) => u32::from(m).leading_ones(),
            IpAddr::V6(m) => u128::from(m).leading_ones(),
        }
    }

    /// Whether `ip` is inside the range, as Go 1.26 decides it: a 4-byte address is only ever
    /// compared with 4-byte ranges and a 16-byte one with 16-byte ranges (Go files them apart),
    /// and within the 16-byte ones `net.IPNet.Contains` rules: an IPv4-mapped range holds exactly
    /// the IPv4-mapped addresses under the last four bytes of its mask, any other range only
    /// addresses that are not IPv4-mapped — so `::/0` holds no `::ffff:a.b.c.d`.
    ///
    /// ```
    /// use okd_trust::cert::IpConstraint;
    /// let everything_v6 = IpConstraint { addr: "::".parse().unwrap(), mask: "::".parse().unwrap() };
    /// assert!(everything_v6.contains("2001:db8::1".parse().unwrap()));
    /// assert!(!everything_v6.contains("::ffff:10.0.0.1".parse().unwrap()));
    /// let mapped = IpConstraint { addr: "::ffff:10.0.0.0".parse().unwrap(), mask: "ffff:ffff:ffff:ffff:ffff:ffff:ff00:0".parse().unwrap() };
    /// assert!(mapped.contains("::ffff:10.1.2.3".parse().unwrap()));
    /// assert!(!mapped.contains([10, 1, 2, 3].into()));
    /// ```
    pub fn contains(&self, ip: IpAddr) -> bool {
        let within = |a: u128, m: u128, ip: u128| a & m == ip & m;
        match (self.addr, self.mask, ip) {
            (IpAddr::V4(a), IpAddr::V4(m), IpAddr::V4(ip)) => {
                within(u32::from(a).into(), u32::from(m).into(), u32::from(ip).into())
            }
            (IpAddr::V6(a), IpAddr::V6(m), IpAddr::V6(ip)) => match (a.to_ipv4_mapped(), ip.to_ipv4_mapped()) {
                (Some(a), Some(ip)) => {
                    let m = u128::from(m) & u128::from(u32::MAX);
                    within(u32::from(a).into(), m, u32::from(ip).into())
                }
                (None, None) => within(a.into(), m.into(), ip.into()),
                _ => false,
            },
            _ => false,
        }
    }
}

impl fmt::Display for IpConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix_len())
    }
}

/// Go's `parseNameConstraintsExtension`.
pub(crate) fn parse(value: &[u8]) -> ExtResult<NameConstraints> {
    const INVALID: &str = "invalid NameConstraints extension";
    let mut outer = Reader::new(value);
    let top = outer.expect(tlv::SEQUENCE).ok_or(INVALID)?;
    if !outer.is_empty() {
        return Err(INVALID);
    }
    let mut r = Reader::inside(value, &top);
    let permitted = if r.peek_tag() == Some(0xa0) { Some(r.read().ok_or(INVALID)?) } else { None };
    let excluded = if r.peek_tag() == Some(0xa1) { Some(r.read().ok_or(INVALID)?) } else { None };
    if !r.is_empty() {
        return Err(INVALID);
    }
    let empty = |t: &Option<tlv::Tlv>| t.as_ref().is_none_or(|t| t.value.is_empty());
    if empty(&permitted) && empty(&excluded) {
        return Err("empty name constraints extension");
    }
    let mut nc = NameConstraints::default();
    if let Some(p) = permitted {
        nc.unhandled |= subtrees(value, &p, &mut nc.permitted)?;
    }
    if let Some(e) = excluded {
        nc.unhandled |= subtrees(value, &e, &mut nc.excluded)?;
    }
    Ok(nc)
}

/// Reads `GeneralSubtrees` into `out`; returns whether an unsupported name type was present.
fn subtrees(buf: &[u8], list: &tlv::Tlv, out: &mut GeneralSubtrees) -> ExtResult<bool> {
    const INVALID: &str = "invalid NameConstraints extension";
    let mut unhandled = false;
    let mut r = Reader::inside(buf, list);
    while !r.is_empty() {
        let subtree = r.expect(tlv::SEQUENCE).ok_or(INVALID)?;
        let mut s = Reader::inside(buf, &subtree);
        let base = s.read().ok_or(INVALID)?;
        let data = &buf[base.value.clone()];
        let ascii = || -> ExtResult<String> {
            if data.is_ascii() {
                Ok(String::from_utf8_lossy(data).into_owned())
            } else {
                Err("invalid constraint value: not an IA5String")
            }
        };
        match base.tag {
            0x82 => {
                let domain = ascii()?;
                if !domain_name_valid(&domain, true) {
                    return Err("failed to parse dnsName constraint");
                }
                out.dns.push(domain);
            }
            0x87 => out.ip.push(ip_constraint(data)?),
            0x81 => {
                let email = ascii()?;
                let valid =
                    if email.contains('@') { parse_mailbox(&email).is_some() } else { domain_name_valid(&email, true) };
                if !valid {
                    return Err("failed to parse rfc822Name constraint");
                }
                out.email.push(email);
            }
            0x86 => {
                let domain = ascii()?;
                if domain.parse::<IpAddr>().is_ok() {
                    return Err("failed to parse URI constraint: cannot be IP address");
                }
                if !domain_name_valid(&domain, true) {
                    return Err("failed to parse URI constraint");
                }
                out.uri.push(domain);
            }
            _ => unhandled = true,
        }
    }
    Ok(unhandled)
}

/// An iPAddress constraint: 8 bytes (IPv4 + mask) or 32 bytes (IPv6 + mask), the mask
/// contiguous. An IPv4-mapped IPv6 range stays an IPv6 range, as in Go 1.26: it never contains
/// a 4-byte address.
fn ip_constraint(data: &[u8]) -> ExtResult<IpConstraint> {
    if data.len() != 8 && data.len() != 32 {
        return Err("IP constraint is neither 8 nor 32 bytes");
    }
    let (addr, mask) = data.split_at(data.len() / 2);
    if !is_contiguous_mask(mask) {
        return Err("IP constraint contained invalid mask");
    }
    if let (Ok(a), Ok(m)) = (<[u8; 4]>::try_from(addr), <[u8; 4]>::try_from(mask)) {
        return Ok(IpConstraint { addr: Ipv4Addr::from(a).into(), mask: Ipv4Addr::from(m).into() });
    }
    let (Ok(a), Ok(m)) = (<[u8; 16]>::try_from(addr), <[u8; 16]>::try_from(mask)) else {
        return Err("IP constraint is neither 8 nor 32 bytes");
    };
    Ok(IpConstraint { addr: Ipv6Addr::from(a).into(), mask: Ipv6Addr::from(m).into() })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn subtree(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut base = vec![tag, value.len() as u8];
        base.extend_from_slice(value);
        let mut seq = vec![0x30, base.len() as u8];
        seq.extend(base);
        seq
    }

    fn nc(permitted: &[Vec<u8>], excluded: &[Vec<u8>]) -> Vec<u8> {
        let mut body = Vec::new();
        for (tag, list) in [(0xa0u8, permitted), (0xa1, excluded)] {
            if !list.is_empty() {
                let inner: Vec<u8> = list.concat();
                body.push(tag);
                body.push(inner.len() as u8);
                body.extend(inner);
            }
        }
        let mut out = vec![0x30, body.len() as u8];
        out.extend(body);
        out
    }

    #[test]
    fn reads_every_supported_kind() {
        let value = nc(
            &[
                subtree(0x82, b".example.com"),
                subtree(0x87, &[10, 0, 0, 0, 255, 0, 0, 0]),
                subtree(0x81, b"ops@example.com"),
                subtree(0x86, b".example.com"),
            ],
            &[subtree(0x82, b""), subtree(0xa4, &[0x30, 0x00])],
        );
        let parsed = parse(&value).unwrap();
        assert_eq!(parsed.permitted.dns, [".example.com"]);
        assert_eq!(parsed.permitted.ip[0].to_string(), "10.0.0.0/8");
        assert_eq!(parsed.permitted.email, ["ops@example.com"]);
        assert_eq!(parsed.permitted.uri, [".example.com"]);
        assert_eq!(parsed.excluded.dns, [""]);
        assert!(parsed.unhandled, "directoryName is not evaluated");
    }

    #[test]
    fn refuses_what_go_refuses() {
        assert_eq!(parse(&[0x30, 0x00]), Err("empty name constraints extension"));
        assert_eq!(parse(&[0x30, 0x04, 0xa0, 0x00, 0xa1, 0x00]), Err("empty name constraints extension"));
        assert!(parse(&nc(&[subtree(0x87, &[10, 0, 0, 1])], &[])).is_err(), "IP without mask");
        assert!(parse(&nc(&[subtree(0x87, &[10, 0, 0, 0, 255, 0, 255, 0])], &[])).is_err(), "mask with holes");
        assert!(parse(&nc(&[subtree(0x82, b"example.com.")], &[])).is_err());
        assert!(parse(&nc(&[subtree(0x82, b"a..b")], &[])).is_err());
        assert!(parse(&nc(&[subtree(0x82, &[0xc3, 0xa9])], &[])).is_err());
        assert!(parse(&nc(&[subtree(0x81, b"a..b@example.com")], &[])).is_err());
        assert!(parse(&nc(&[subtree(0x86, b"10.0.0.1")], &[])).is_err());
        let mut trailing = nc(&[subtree(0x82, b"a")], &[]);
        trailing.push(0);
        assert!(parse(&trailing).is_err());
        let mut mapped = vec![0u8; 10];
        mapped.extend([0xff, 0xff, 10, 0, 0, 0]);
        mapped.extend([0xff; 12]);
        mapped.extend([0; 4]);
        let range = &parse(&nc(&[subtree(0x87, &mapped)], &[])).unwrap().permitted.ip[0];
        assert_eq!(range.to_string(), "::ffff:10.0.0.0/96");
        assert!(!range.contains([10, 0, 0, 1].into()), "a 4-byte address is never in an IPv6 range");
        assert!(range.contains("::ffff:10.0.0.1".parse().unwrap()));
        // A permitted list that is present but empty, with a non-empty excluded list, is fine.
        let value = [0x30, 0x08, 0xa0, 0x00, 0xa1, 0x04, 0x30, 0x02, 0x82, 0x00];
        assert_eq!(parse(&value).unwrap().excluded.dns, [""]);
    }
}
