//! A minimal DER tag-length-value reader.
//!
//! x509-cert decodes certificates into owned values, which is right for most fields but loses two
//! things this crate needs: the exact bytes of the signed TBSCertificate, names and key info (Go
//! compares and verifies those byte-for-byte; re-encoding changes some real certificates), and
//! Go's own leniency inside extensions (an explicitly encoded `cA FALSE`, a path length above
//! 255). Both need nothing more than walking TLVs, which is all this module does — in the style of
//! Go's `cryptobyte`: definite, minimally encoded lengths, low tag numbers only.

use std::ops::Range;

/// One element: its tag byte and where its header and value sit in the buffer being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tlv {
    /// The identifier octet (class, constructed bit and tag number below 31).
    pub(crate) tag: u8,
    /// The whole element, header included.
    pub(crate) whole: Range<usize>,
    /// The contents octets.
    pub(crate) value: Range<usize>,
}

/// A value read from inside a known extension, or why it could not be (Go's parse error, in
/// words). Shared by every extension reader, so none of them depends on another for it.
pub(crate) type ExtResult<T> = Result<T, &'static str>;

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const BOOLEAN: u8 = 0x01;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;

/// Reads consecutive elements from `buf[pos..end]`; positions are absolute in `buf`.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    /// A reader over all of `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0, end: buf.len() }
    }

    /// A reader over the contents of `tlv`, which must come from the same buffer.
    pub(crate) fn inside(buf: &'a [u8], tlv: &Tlv) -> Self {
        Reader { buf, pos: tlv.value.start, end: tlv.value.end }
    }

    /// The absolute offset of the next element.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    /// The tag of the next element, without consuming it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        if self.is_empty() { None } else { self.buf.get(self.pos).copied() }
    }

    /// The contents of `tlv`.
    pub(crate) fn bytes(&self, tlv: &Tlv) -> &'a [u8] {
        &self.buf[tlv.value.clone()]
    }

    /// Reads the next element; `None` when the input is exhausted or malformed.
    pub(crate) fn read(&mut self) -> Option<Tlv> {
        let data = self.buf.get(self.pos..self.end)?;
        let (&tag, rest) = data.split_first()?;
        if tag & 0x1f == 0x1f {
            return None; // high tag numbers do not occur in the structures read here
        }
        let (&first, rest) = rest.split_first()?;
        let (len, len_octets) = if first < 0x80 {
            (usize::from(first), 0)
        } else {
            let n = usize::from(first & 0x7f);
            // 0x80 is BER's indefinite length; DER also forbids leading zero octets and long
            // forms for lengths below 128.
            if n == 0 || n > 4 {
                return None;
            }
            let octets = rest.get(..n)?;
            if octets[0] == 0 {
                return None;
            }
            let len = octets.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if len < 0x80 {
                return None;
            }
            (len, n)
        };
        let header = 2 + len_octets;
        let total = header.checked_add(len)?;
        if total > data.len() {
            return None;
        }
        let start = self.pos;
        self.pos += total;
        Some(Tlv { tag, whole: start..start + total, value: start + header..start + total })
    }

    /// Reads the next element and requires its tag to be `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Option<Tlv> {
        if self.peek_tag()? != tag {
            return None;
        }
        self.read()
    }
}

/// A DER INTEGER's contents as an `i64`, like Go's `ReadASN1Integer` into an `int`: minimally
/// encoded, and `None` when it does not fit.
pub(crate) fn integer_i64(bytes: &[u8]) -> Option<i64> {
    if !integer_is_minimal(bytes) || bytes.len() > 8 {
        return None;
    }
    let negative = bytes[0] & 0x80 != 0;
    let init: i64 = if negative { -1 } else { 0 };
    Some(bytes.iter().fold(init, |acc, &b| (acc << 8) | i64::from(b)))
}

/// DER INTEGER contents are non-empty and carry no redundant leading 0x00 or 0xff octet.
pub(crate) fn integer_is_minimal(bytes: &[u8]) -> bool {
    match bytes {
        [] => false,
        [0x00, next, ..] => next & 0x80 != 0,
        [0xff, next, ..] => next & 0x80 == 0,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        let mut r = Reader::new(&long);
        let tlv = r.read().unwrap();
        assert_eq!(tlv.value, 3..131);
        assert!(r.is_empty());
        assert_eq!(Reader::new(&[0x02, 0x01, 0x05]).read().unwrap().value, 2..3);
    }

    #[test]
    fn rejects_non_der_lengths() {
        for bad in [
            &[0x04, 0x80][..],
            &[0x04, 0x81, 0x05, 0, 0, 0, 0, 0],
            &[0x04, 0x82, 0x00, 0x80],
            &[0x04, 0x05, 1],
            &[0x1f, 0x01, 0x00],
        ] {
            assert!(Reader::new(bad).read().is_none(), "{bad:?}");
        }
    }

    #[test]
    fn integers_like_go() {
        assert_eq!(integer_i64(&[0x00, 0x80]), Some(128));
        assert_eq!(integer_i64(&[0xff]), Some(-1));
        assert_eq!(integer_i64(&[0x00, 0x01]), None);
        assert_eq!(integer_i64(&[]), None);
    }
}
