//! The certificate structure, read the way Go's `x509.ParseCertificate` reads it (`parser.go`
//! over `cryptobyte`): strict DER for every element it reads, and Go's leniencies — bytes left in
//! the TBSCertificate after the fields it knows are not looked at, an explicitly encoded version 1
//! is fine, extensions of a v1/v2 certificate are ignored, UTCTime without seconds and
//! pre-1970 dates are accepted.
//!
//! Everything is recorded as byte ranges into the input, so callers slice the exact signed bytes.

use std::ops::Range;

use const_oid::ObjectIdentifier;

use super::tlv::{self, Reader, Tlv};
use crate::Timestamp;

const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const SET: u8 = 0x31;

/// Where each part of a certificate sits in its DER, plus the decoded scalar fields.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub(super) tbs: Range<usize>,
    pub(super) version: u8,
    /// The serial number INTEGER's contents.
    pub(super) serial: Range<usize>,
    pub(super) inner_sig_alg: Range<usize>,
    pub(super) issuer: Range<usize>,
    pub(super) subject: Range<usize>,
    pub(super) not_before: Timestamp,
    pub(super) not_after: Timestamp,
    pub(super) spki: Range<usize>,
    pub(super) spki_alg: Range<usize>,
    /// The subject public key: the BIT STRING's contents after the unused-bits octet.
    pub(super) public_key: Range<usize>,
    /// The extensions Go reads (none for v1 and v2 certificates).
    pub(super) extensions: Vec<RawExtension>,
    pub(super) outer_sig_alg: Range<usize>,
    /// The signature: the BIT STRING's contents after the unused-bits octet.
    pub(super) signature: Range<usize>,
}

/// One extension: OID, criticality, and where its `extnValue` contents sit.
#[derive(Debug, Clone)]
pub(super) struct RawExtension {
    pub(super) oid: ObjectIdentifier,
    pub(super) critical: bool,
    pub(super) value: Range<usize>,
}

/// A structural parse error: Go's message (without the `x509: ` prefix) and a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StructureError {
    pub(super) message: &'static str,
    pub(super) offset: Option<usize>,
}

fn fail<T>(message: &'static str, offset: usize) -> Result<T, StructureError> {
    Err(StructureError { message, offset: Some(offset) })
}

/// Reads a whole certificate. Errors are Go's parse errors; the signature-algorithm mismatch
/// is reported by the caller, which compares `inner_sig_alg` and `outer_sig_alg`.
pub(super) fn read(der: &[u8]) -> Result<Layout, StructureError> {
    let mut top = Reader::new(der);
    let Some(cert) = top.expect(tlv::SEQUENCE) else { return fail("malformed certificate", 0) };
    if !top.is_empty() {
        return fail("trailing data", cert.whole.end);
    }
    let mut c = Reader::inside(der, &cert);
    let Some(tbs) = c.expect(tlv::SEQUENCE) else { return fail("malformed tbs certificate", cert.value.start) };
    let mut t = Reader::inside(der, &tbs);

    let version = read_version(der, &mut t)?;
    let pos = t.position();
    let Some(serial) = t.expect(tlv::INTEGER) else { return fail("malformed serial number", pos) };
    if !tlv::integer_is_minimal(&der[serial.value.clone()]) {
        return fail("malformed serial number", pos);
    }
    let pos = t.position();
    let Some(inner_sig_alg) = t.expect(tlv::SEQUENCE) else {
        return fail("malformed signature algorithm identifier", pos);
    };
    read_algorithm_id(der, &inner_sig_alg)?;
    let pos = t.position();
    let Some(issuer) = t.expect(tlv::SEQUENCE) else { return fail("malformed issuer", pos) };
    check_name(der, &issuer)?;
    let pos = t.position();
    let Some(validity) = t.expect(tlv::SEQUENCE) else { return fail("malformed validity", pos) };
    let mut v = Reader::inside(der, &validity);
    let not_before = read_time(der, &mut v)?;
    let not_after = read_time(der, &mut v)?;
    let pos = t.position();
    let Some(subject) = t.expect(tlv::SEQUENCE) else { return fail("malformed subject", pos) };
    check_name(der, &subject)?;
    let pos = t.position();
    let Some(spki) = t.expect(tlv::SEQUENCE) else { return fail("malformed spki", pos) };
    let mut s = Reader::inside(der, &spki);
    let Some(spki_alg) = s.expect(tlv::SEQUENCE) else {
        return fail("malformed public key algorithm identifier", spki.value.start);
    };
    read_algorithm_id(der, &spki_alg)?;
    let pos = s.position();
    let Some(public_key) = s.expect(tlv::BIT_STRING).and_then(|b| bit_string_bytes(der, &b)) else {
        return fail("malformed subjectPublicKey", pos);
    };

    let mut extensions = Vec::new();
    if version > 1 {
        // issuerUniqueID [1] and subjectUniqueID [2] (IMPLICIT BIT STRING, primitive): skipped.
        for tag in [0x81, 0x82] {
            if t.peek_tag() == Some(tag) {
                let pos = t.position();
                if t.read().is_none() {
                    return fail("malformed unique identifier", pos);
                }
            }
        }
        if version == 3 && t.peek_tag() == Some(0xa3) {
            let pos = t.position();
            let Some(wrapper) = t.read() else { return fail("malformed extensions", pos) };
            let mut w = Reader::inside(der, &wrapper);
            let Some(list) = w.expect(tlv::SEQUENCE) else { return fail("malformed extensions", wrapper.value.start) };
            let mut l = Reader::inside(der, &list);
            while !l.is_empty() {
                let pos = l.position();
                let Some(ext) = l.expect(tlv::SEQUENCE) else { return fail("malformed extension", pos) };
                extensions.push(read_extension(der, &ext)?);
            }
        }
    }

    let pos = c.position();
    let Some(outer_sig_alg) = c.expect(tlv::SEQUENCE) else { return fail("malformed algorithm identifier", pos) };
    let pos = c.position();
    let Some(signature) = c.expect(tlv::BIT_STRING).and_then(|b| bit_string_bytes(der, &b)) else {
        return fail("malformed signature", pos);
    };

    Ok(Layout {
        tbs: tbs.whole,
        version,
        serial: serial.value,
        inner_sig_alg: inner_sig_alg.whole,
        issuer: issuer.whole,
        subject: subject.whole,
        not_before,
        not_after,
        spki: spki.whole,
        spki_alg: spki_alg.whole,
        public_key,
        extensions,
        outer_sig_alg: outer_sig_alg.whole,
        signature,
    })
}

/// `[0] EXPLICIT INTEGER` (optional, 0 when absent), as Go's `ReadOptionalASN1Integer`: the
/// certificate version is the value plus one and must be 1, 2 or 3.
fn read_version(der: &[u8], t: &mut Reader<'_>) -> Result<u8, StructureError> {
    if t.peek_tag() != Some(0xa0) {
        return Ok(1);
    }
    let pos = t.position();
    let Some(wrapper) = t.read() else { return fail("malformed version", pos) };
    let mut w = Reader::inside(der, &wrapper);
    let Some(n) = w.expect(tlv::INTEGER) else { return fail("malformed version", pos) };
    if !w.is_empty() {
        return fail("malformed version", pos);
    }
    match tlv::integer_i64(&der[n.value.clone()]) {
        None => fail("malformed version", pos),
        Some(v) if v < 0 => fail("malformed version", pos),
        Some(v @ 0..=2) => Ok(v as u8 + 1),
        Some(_) => fail("invalid version", pos),
    }
}

/// `AlgorithmIdentifier`: an OID Go can read, then optionally any one element.
fn read_algorithm_id(der: &[u8], seq: &Tlv) -> Result<(), StructureError> {
    let mut r = Reader::inside(der, seq);
    let pos = r.position();
    if r.expect(tlv::OID).and_then(|o| ObjectIdentifier::from_bytes(&der[o.value]).ok()).is_none() {
        return fail("malformed OID", pos);
    }
    if !r.is_empty() && r.read().is_none() {
        return fail("malformed parameters", r.position());
    }
    Ok(())
}

/// The contents of a BIT STRING after its unused-bits octet, checked like cryptobyte's
/// `ReadASN1BitString` (at most 7 unused bits, none when empty, and those bits zero).
fn bit_string_bytes(der: &[u8], tlv: &Tlv) -> Option<Range<usize>> {
    let body = der.get(tlv.value.clone())?;
    let (&unused, bytes) = body.split_first()?;
    if unused > 7 || (bytes.is_empty() && unused != 0) {
        return None;
    }
    if bytes.last().is_some_and(|&last| last & ((1u8 << unused) - 1) != 0) {
        return None;
    }
    Some(tlv.value.start + 1..tlv.value.end)
}

/// `Extension ::= SEQUENCE { extnID OID, critical BOOLEAN OPTIONAL, extnValue OCTET STRING }`;
/// an explicit `FALSE` is accepted, bytes after the value are not looked at (as in Go).
fn read_extension(der: &[u8], ext: &Tlv) -> Result<RawExtension, StructureError> {
    let mut r = Reader::inside(der, ext);
    let pos = r.position();
    let Some(oid) = r.expect(tlv::OID).and_then(|o| ObjectIdentifier::from_bytes(&der[o.value]).ok()) else {
        return fail("malformed extension OID field", pos);
    };
    let mut critical = false;
    if r.peek_tag() == Some(tlv::BOOLEAN) {
        let pos = r.position();
        critical = match r.read().map(|b| &der[b.value]) {
            Some([0x00]) => false,
            Some([0xff]) => true,
            _ => return fail("malformed extension critical field", pos),
        };
    }
    let pos = r.position();
    let Some(value) = r.expect(tlv::OCTET_STRING) else { return fail("malformed extension value field", pos) };
    Ok(RawExtension { oid, critical, value: value.value })
}

/// Go's `parseName`: a SEQUENCE of SETs of `SEQUENCE { OID, value }`, where every value must be
/// one of the string types Go decodes, and valid for its type.
fn check_name(der: &[u8], name: &Tlv) -> Result<(), StructureError> {
    let mut rdns = Reader::inside(der, name);
    while !rdns.is_empty() {
        let pos = rdns.position();
        let Some(set) = rdns.expect(SET) else { return fail("invalid RDNSequence", pos) };
        let mut atavs = Reader::inside(der, &set);
        while !atavs.is_empty() {
            let pos = atavs.position();
            let Some(atav) = atavs.expect(tlv::SEQUENCE) else {
                return fail("invalid RDNSequence: invalid attribute", pos);
            };
            let mut a = Reader::inside(der, &atav);
            if a.expect(tlv::OID).and_then(|o| ObjectIdentifier::from_bytes(&der[o.value]).ok()).is_none() {
                return fail("invalid RDNSequence: invalid attribute type", pos);
            }
            let Some(value) = a.read() else { return fail("invalid RDNSequence: invalid attribute value", pos) };
            if let Err(message) = check_string(value.tag, &der[value.value]) {
                return fail(message, pos);
            }
        }
    }
    Ok(())
}

/// Go's `parseASN1String`: the string types a Name attribute may hold, each validated.
pub(super) fn check_string(tag: u8, value: &[u8]) -> Result<(), &'static str> {
    match tag {
        // T61String: read as Latin-1, anything goes.
        0x14 => Ok(()),
        // PrintableString, plus '*' and '&' which Go tolerates.
        0x13 if value.iter().all(|&b| is_printable(b)) => Ok(()),
        0x13 => Err("invalid RDNSequence: invalid attribute value: invalid PrintableString"),
        0x0c if std::str::from_utf8(value).is_ok() => Ok(()),
        0x0c => Err("invalid RDNSequence: invalid attribute value: invalid UTF-8 string"),
        0x1e => check_bmp_string(value),
        0x16 if value.is_ascii() => Ok(()),
        0x16 => Err("invalid RDNSequence: invalid attribute value: invalid IA5String"),
        0x12 if value.iter().all(|&b| b.is_ascii_digit() || b == b' ') => Ok(()),
        0x12 => Err("invalid RDNSequence: invalid attribute value: invalid NumericString"),
        _ => Err("invalid RDNSequence: invalid attribute value: unsupported string type"),
    }
}

fn is_printable(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'\''..=b')' | b'+'..=b'/' | b' ' | b':' | b'=' | b'?' | b'*' | b'&')
}

/// UCS-2: even length (a trailing NUL pair is a terminator), no surrogates, no non-characters.
fn check_bmp_string(value: &[u8]) -> Result<(), &'static str> {
    const INVALID: &str = "invalid RDNSequence: invalid attribute value: invalid BMPString";
    if !value.len().is_multiple_of(2) {
        return Err(INVALID);
    }
    let value = match value {
        [rest @ .., 0, 0] => rest,
        all => all,
    };
    for pair in value.chunks_exact(2) {
        let point = u16::from_be_bytes([pair[0], pair[1]]);
        if point == 0xfffe
            || point == 0xffff
            || (0xfdd0..=0xfdef).contains(&point)
            || (0xd800..=0xdfff).contains(&point)
        {
            return Err(INVALID);
        }
    }
    Ok(())
}

/// One validity time: UTCTime or GeneralizedTime, as cryptobyte reads them.
fn read_time(der: &[u8], r: &mut Reader<'_>) -> Result<Timestamp, StructureError> {
    let pos = r.position();
    match r.peek_tag() {
        Some(UTC_TIME) => match r.read().and_then(|t| utc_time(&der[t.value])) {
            Some(t) => Ok(t),
            None => fail("malformed UTCTime", pos),
        },
        Some(GENERALIZED_TIME) => match r.read().and_then(|t| generalized_time(&der[t.value])) {
            Some(t) => Ok(t),
            None => fail("malformed GeneralizedTime", pos),
        },
        _ => fail("unsupported time format", pos),
    }
}

/// Fixed-width decimal digits.
fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0')))
}

/// A zone as Go's `Z0700` layout reads it and writes it back: `Z`, or `±hhmm` other than zero
/// (Go writes a zero offset as `Z`, so `+0000` does not survive the round trip). Returns the
/// offset in seconds east of UTC.
fn zone(s: &[u8]) -> Option<i64> {
    match s {
        b"Z" => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] if rest.len() == 4 => {
            let (h, m) = (digits(&rest[..2])?, digits(&rest[2..])?);
            if h > 24 || m > 59 || (h == 0 && m == 0) {
                return None;
            }
            let seconds = i64::from(h * 3_600 + m * 60);
            Some(if *sign == b'-' { -seconds } else { seconds })
        }
        _ => None,
    }
}

/// A calendar time in a zone, with Go's `time.Parse` range checks (no leap second).
fn civil(year: i64, fields: [u32; 5], offset: i64, nanos: u32) -> Option<Timestamp> {
    let [month, day, hour, minute, second] = fields;
    if second > 59 {
        return None;
    }
    let local = Timestamp::from_utc(year, month, day, hour, minute, second)?;
    Some(Timestamp::from_unix_nanos(local.unix_seconds().checked_sub(offset)?, nanos))
}

/// UTCTime: `YYMMDDHHMM[SS](Z|±hhmm)`; years 50–99 are 19xx, 00–49 are 20xx.
pub(super) fn utc_time(s: &[u8]) -> Option<Timestamp> {
    let (fields, rest) = if s.len() >= 12 && s[10..12].iter().all(u8::is_ascii_digit) && zone(&s[12..]).is_some() {
        (&s[..12], &s[12..])
    } else {
        (s.get(..10)?, &s[10..])
    };
    let offset = zone(rest)?;
    let yy = digits(&fields[0..2])?;
    let year = i64::from(if yy < 50 { 2000 + yy } else { 1900 + yy });
    let second = if fields.len() == 12 { digits(&fields[10..12])? } else { 0 };
    civil(
        year,
        [digits(&fields[2..4])?, digits(&fields[4..6])?, digits(&fields[6..8])?, digits(&fields[8..10])?, second],
        offset,
        0,
    )
}

/// GeneralizedTime: `YYYYMMDDHHMMSS[.f](Z|±hhmm)`, the fraction 1–9 digits without trailing
/// zeros (Go requires the text to survive a format round trip).
pub(super) fn generalized_time(s: &[u8]) -> Option<Timestamp> {
    let fields = s.get(..14)?;
    let mut rest = &s[14..];
    let mut nanos = 0;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 || n > 9 || frac[n - 1] == b'0' {
            return None;
        }
        nanos = digits(&frac[..n])? * 10u32.pow(9 - n as u32);
        rest = &frac[n..];
    }
    let offset = zone(rest)?;
    civil(
        i64::from(digits(&fields[0..4])?),
        [
            digits(&fields[4..6])?,
            digits(&fields[6..8])?,
            digits(&fields[8..10])?,
            digits(&fields[10..12])?,
            digits(&fields[12..14])?,
        ],
        offset,
        nanos,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    #[test]
    fn utc_time_like_cryptobyte() {
        assert_eq!(utc_time(b"240401000000Z"), Some(ts("2024-04-01T00:00:00Z")));
        assert_eq!(utc_time(b"2404010000Z"), Some(ts("2024-04-01T00:00:00Z")), "minute precision");
        assert_eq!(utc_time(b"500101000000Z"), Some(ts("1950-01-01T00:00:00Z")), "before 1970");
        assert_eq!(utc_time(b"491231235959Z"), Some(ts("2049-12-31T23:59:59Z")));
        assert_eq!(utc_time(b"240401000000+0130"), Some(ts("2024-03-31T22:30:00Z")));
        for bad in [
            &b"240401000000+0000"[..],
            b"240401000000",
            b"240401000000.5Z",
            b"240431000000Z",
            b"240401000060Z",
            b"240401240000Z",
            b"2404010000z",
            b"24040100000Z",
        ] {
            assert_eq!(utc_time(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn generalized_time_like_cryptobyte() {
        assert_eq!(generalized_time(b"29690503000001Z"), Some(ts("2969-05-03T00:00:01Z")));
        assert_eq!(generalized_time(b"19000101000000Z"), Some(ts("1900-01-01T00:00:00Z")));
        assert_eq!(generalized_time(b"20240401000000.005Z"), Some(ts("2024-04-01T00:00:00.005Z")));
        assert_eq!(generalized_time(b"20240401000000-0100"), Some(ts("2024-04-01T01:00:00Z")));
        for bad in [
            &b"20240401000000.50Z"[..],
            b"20240401000000.Z",
            b"20240401000000,5Z",
            b"20240401000000",
            b"202404010000Z",
            b"20240401000000+0000",
            b"20240401000000.1234567891Z",
        ] {
            assert_eq!(generalized_time(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn name_strings_like_go() {
        assert!(check_string(0x13, b"Example Inc. *&").is_ok());
        assert!(check_string(0x13, b"a@b").is_err());
        assert!(check_string(0x0c, &[0xff]).is_err());
        assert!(check_string(0x1e, &[0x00, 0x41, 0x00, 0x00]).is_ok());
        assert!(check_string(0x1e, &[0xd8, 0x00]).is_err());
        assert!(check_string(0x1e, &[0x00]).is_err());
        assert!(check_string(0x16, &[0x80]).is_err());
        assert!(check_string(0x12, b"12 34").is_ok());
        assert!(check_string(0x12, b"12a").is_err());
        assert!(check_string(0x14, &[0xff]).is_ok());
        assert!(check_string(0x04, b"x").is_err(), "OCTET STRING is not a string type");
    }
}
