//! Go's syntax rules for the names inside certificates: domain names (`domainNameValid`),
//! RFC 2821 mailboxes (`parseRFC2821Mailbox`) and URIs (an approximation of `net/url.Parse`,
//! enough to find the host and to refuse what Go refuses). Used when parsing SANs and name
//! constraints, and by the verifier's name-constraint check.

/// Go's `domainNameValid`: empty is valid; no trailing dot; with `constraint`, one leading dot
/// is allowed; every label non-empty; every byte printable ASCII other than space (33–126).
pub(crate) fn domain_name_valid(s: &str, constraint: bool) -> bool {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return true;
    }
    if bytes.last() == Some(&b'.') {
        return false;
    }
    let bytes = match bytes {
        [b'.', rest @ ..] if constraint => rest,
        all => all,
    };
    bytes.split(|&b| b == b'.').all(|label| !label.is_empty() && label.iter().all(|&b| (33..=126).contains(&b)))
}

/// An RFC 2821 mailbox as Go splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mailbox {
    /// The local part, with quoting and escapes removed.
    pub(crate) local: String,
    /// Everything after the `@`.
    pub(crate) domain: String,
}

/// Go's `parseRFC2821Mailbox`: a dot-atom or quoted local part, `@`, and a domain that passes
/// [`domain_name_valid`].
pub(crate) fn parse_mailbox(input: &str) -> Option<Mailbox> {
    let mut s = input.as_bytes();
    if s.is_empty() {
        return None;
    }
    let mut local = Vec::with_capacity(s.len());
    if s[0] == b'"' {
        s = &s[1..];
        loop {
            let (&c, rest) = s.split_first()?;
            s = rest;
            match c {
                b'"' => break,
                b'\\' => {
                    let (&next, rest) = s.split_first()?;
                    if matches!(next, 1..=9 | 11 | 12 | 14..=127) {
                        local.push(next);
                        s = rest;
                    } else {
                        return None;
                    }
                }
                1..=8 | 11 | 12 | 14..=31 | 32 | 33 | 35..=91 | 93..=126 | 127 => local.push(c),
                _ => return None,
            }
        }
    } else {
        while let Some(&c) = s.first() {
            if c == b'\\' {
                // An escaped character outside quotes: Go accepts any.
                let &next = s.get(1)?;
                local.push(next);
                s = &s[2..];
            } else if c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&c) {
                local.push(c);
                s = &s[1..];
            } else {
                break;
            }
        }
        if local.is_empty() || local[0] == b'.' || local.last() == Some(&b'.') || local.windows(2).any(|w| w == b"..") {
            return None;
        }
    }
    let domain = s.strip_prefix(b"@")?;
    let domain = std::str::from_utf8(domain).ok()?;
    // Go's domainToReverseLabels: like domainNameValid, but a leading dot is an empty label.
    if !domain_name_valid(domain, false) {
        return None;
    }
    Some(Mailbox { local: String::from_utf8_lossy(&local).into_owned(), domain: domain.to_owned() })
}

/// Why a URI does not parse (Go's `url.Parse` error, approximately).
pub(crate) type UrlError = &'static str;

/// The host (with any port) of a URI, as Go's `url.Parse` would set `URL.Host` — empty for
/// URIs without an authority — or the reason Go would refuse the URI.
pub(crate) fn url_host(raw: &str) -> Result<String, UrlError> {
    let (before_fragment, fragment) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    if before_fragment.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("invalid control character in URL");
    }
    if let Some(fragment) = fragment {
        check_escapes(fragment)?;
    }
    if before_fragment == "*" {
        return Ok(String::new());
    }
    let (scheme, rest) = split_scheme(before_fragment)?;
    let rest = match rest.split_once('?') {
        Some((r, _query)) => r,
        None => rest,
    };
    if !rest.starts_with('/') {
        if !scheme.is_empty() {
            return Ok(String::new()); // opaque: scheme:opaque
        }
        if rest.split('/').next().is_some_and(|segment| segment.contains(':')) {
            return Err("first path segment in URL cannot contain colon");
        }
    }
    let mut host = String::new();
    let mut path = rest;
    if (!scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = &rest[2..];
        let (authority, remainder) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        host = parse_authority(authority)?;
        path = remainder;
    }
    check_escapes(path)?;
    Ok(host)
}

/// Go's `getScheme`: a letter, then letters, digits, `+`, `-`, `.`, then `:`.
fn split_scheme(raw: &str) -> Result<(&str, &str), UrlError> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme"),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// `[userinfo@]host[:port]`.
fn parse_authority(authority: &str) -> Result<String, UrlError> {
    let (userinfo, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let host = parse_host(host)?;
    if let Some(userinfo) = userinfo {
        if !userinfo.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&b)) {
            return Err("net/url: invalid userinfo");
        }
        check_escapes(userinfo)?;
    }
    Ok(host)
}

/// Go's `parseHost`: a bracketed IPv6 literal with an optional zone and port, or a name with an
/// optional numeric port; `%` escapes only for non-ASCII bytes; only the characters Go allows.
fn parse_host(host: &str) -> Result<String, UrlError> {
    if let Some(inner) = host.strip_prefix('[') {
        let close = host.rfind(']').ok_or("missing ']' in host")?;
        if !valid_optional_port(&host[close + 1..]) {
            return Err("invalid port after host");
        }
        let literal = &inner[..close - 1];
        let address = literal.split_once("%25").map_or(literal, |(a, _zone)| a);
        if address.parse::<std::net::Ipv6Addr>().is_err() {
            return Err("invalid IPv6 host");
        }
        return unescape_host(host);
    }
    if let Some(i) = host.rfind(':')
        && !valid_optional_port(&host[i..])
    {
        return Err("invalid port after host");
    }
    unescape_host(host)
}

fn valid_optional_port(port: &str) -> bool {
    port.is_empty() || port.strip_prefix(':').is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// `%XX` escapes must be complete.
fn check_escapes(s: &str) -> Result<(), UrlError> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            match (b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex)) {
                (Some(_), Some(_)) => i += 3,
                _ => return Err("invalid URL escape"),
            }
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Go's `unescape(host, encodeHost)`.
fn unescape_host(s: &str) -> Result<String, UrlError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            let (Some(hi), Some(lo)) = (b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex))
            else {
                return Err("invalid URL escape");
            };
            if hi < 8 && &b[i..i + 3] != b"%25" {
                return Err("invalid URL escape");
            }
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        let allowed = c >= 0x80 || c.is_ascii_alphanumeric() || b"-_.~!$&'()*+,;=:[]<>\"".contains(&c);
        if !allowed {
            return Err("invalid character in host name");
        }
        out.push(c);
        i += 1;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `isValidIPMask`: ones, then zeros.
pub(crate) fn is_contiguous_mask(mask: &[u8]) -> bool {
    let mut seen_zero = false;
    for &b in mask {
        if seen_zero {
            if b != 0 {
                return false;
            }
        } else if b != 0xff {
            if b.leading_ones() + b.trailing_zeros() != 8 {
                return false;
            }
            seen_zero = true;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_like_go() {
        assert!(domain_name_valid("", false));
        assert!(domain_name_valid("a.example.com", false));
        assert!(domain_name_valid("*.example.com", false));
        assert!(domain_name_valid("under_score.example", false));
        assert!(!domain_name_valid(".example.com", false));
        assert!(domain_name_valid(".example.com", true));
        assert!(!domain_name_valid("..example.com", true));
        assert!(!domain_name_valid("example.com.", true));
        assert!(!domain_name_valid("a..b", false));
        assert!(!domain_name_valid("a b", false));
        assert!(!domain_name_valid(".", true));
    }

    #[test]
    fn mailboxes_like_go() {
        assert_eq!(
            parse_mailbox("ops@example.com"),
            Some(Mailbox { local: "ops".into(), domain: "example.com".into() })
        );
        assert_eq!(parse_mailbox("\"a b\"@example.com").map(|m| m.local), Some("a b".into()));
        assert_eq!(parse_mailbox("a\\@b@example.com").map(|m| m.local), Some("a@b".into()));
        for bad in
            ["", "example.com", ".a@example.com", "a.@example.com", "a..b@example.com", "a@.example.com", "a b@x"]
        {
            assert_eq!(parse_mailbox(bad), None, "{bad}");
        }
    }

    #[test]
    fn uri_hosts_like_go() {
        assert_eq!(url_host("https://Example.com:8443/x?y#z").as_deref(), Ok("Example.com:8443"));
        assert_eq!(url_host("spiffe://cluster.local/ns/x").as_deref(), Ok("cluster.local"));
        assert_eq!(url_host("https://user:pw@host/").as_deref(), Ok("host"));
        assert_eq!(url_host("https://[::1]:80/").as_deref(), Ok("[::1]:80"));
        assert_eq!(url_host("urn:uuid:1234").as_deref(), Ok(""));
        assert_eq!(url_host("test.localhost").as_deref(), Ok(""));
        assert_eq!(url_host("//host/path").as_deref(), Ok("host"));
        for bad in [
            "http://bad.example.com;DNS:test.localhost",
            "http://a\u{7f}b",
            "http://a\0b",
            ":nothing",
            "http://host:port/",
            "http://[::1/",
            "http://[not-ip]/",
            "http://ho st/",
            "http://host/%zz",
            "1a:b/c",
        ] {
            assert!(url_host(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn masks_like_go() {
        assert!(is_contiguous_mask(&[0xff, 0xff, 0xff, 0x00]));
        assert!(is_contiguous_mask(&[0xff, 0xfe, 0x00, 0x00]));
        assert!(is_contiguous_mask(&[0, 0, 0, 0]));
        assert!(!is_contiguous_mask(&[0xff, 0x00, 0xff, 0x00]));
        assert!(!is_contiguous_mask(&[0xf1, 0, 0, 0]));
    }
}
