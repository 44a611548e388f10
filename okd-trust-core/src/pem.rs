//! PEM block scanning with the behaviour of Go's `encoding/pem.Decode`, and canonical encoding.
//!
//! Kubelet, `oc` and every client-go program read CA bundles with Go's `pem.Decode`, called
//! repeatedly over the input. Whatever that loop finds, they trust; whatever it skips, they
//! ignore without a word. [`scan`] finds exactly the same blocks (mirroring Go 1.26's algorithm,
//! including the linear-time rewrite of Go 1.25.2), and additionally reports *what* was skipped and
//! *why*, so a diagnosis can say "block at line 40 skipped: bad base64" where Go says nothing.
//!
//! What the scanner accepts, like Go:
//! - any text before, between and after blocks (`openssl s_client -showcerts` output, comments);
//! - `-----BEGIN LABEL-----` at the start of the input or right after a `\n`;
//! - `Key: value` header lines straight after the BEGIN line, ended by the first line without a colon;
//! - base64 lines of any length, `\n` or `\r\n` line ends, spaces and tabs anywhere in the body;
//! - `-----END LABEL-----` with the same label, followed on its line only by spaces or tabs.
//!
//! A block that breaks one of these rules is skipped, and scanning resumes right after the
//! `-----END ` marker that was examined — Go's rule, which never reads a byte twice.

use std::fmt;
use std::ops::Range;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::{Limits, Position};

/// `-----BEGIN ` without the newline Go's `pemStart` carries.
const BEGIN: &[u8] = b"-----BEGIN ";
/// Go's `pemEnd`: the END marker must follow a newline.
const END: &[u8] = b"\n-----END ";
/// Go's `pemEndOfLine`.
const DASHES: &[u8] = b"-----";

/// Go's `base64.StdEncoding`: padding required, non-zero trailing bits tolerated (Go's
/// non-strict mode). Newlines, spaces and tabs are removed before decoding, as Go does.
const GO_STD_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Block {
    /// The label between `BEGIN ` and the dashes, e.g. `CERTIFICATE`.
    pub label: String,
    /// Header lines (`Proc-Type: 4,ENCRYPTED`), in input order. As in Go's map, a repeated key
    /// keeps its first place and its last value.
    pub headers: Vec<(String, String)>,
    /// The decoded body (usually DER).
    pub contents: Vec<u8>,
    /// Byte range of the block in the input: from the first `-` of the BEGIN line to the last
    /// `-` of the END line (line terminator excluded).
    pub span: Range<usize>,
}

/// A BEGIN or END marker that did not yield a block, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Skipped {
    /// The label of the BEGIN line, when one was found.
    pub label: Option<String>,
    /// Byte range of what was skipped: from its BEGIN (or stray END) marker to the end of the
    /// END line examined (or of the BEGIN line, for an unterminated block).
    pub span: Range<usize>,
    /// Why Go's decoder skips it.
    pub reason: SkipReason,
}

/// Why a PEM block was skipped. Each variant is one of the places where Go's `pem.Decode`
/// gives up on a candidate block and moves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// An `-----END ` marker with no `-----BEGIN ` before it (since the previous block).
    EndWithoutBegin,
    /// The nearest `-----BEGIN ` before an END marker is not at the start of a line.
    BeginNotAtLineStart,
    /// The BEGIN line does not end with five dashes.
    MalformedBeginLine,
    /// Header lines run into (or through) the END line: headers need a body after them.
    HeadersWithoutBody,
    /// The END line's label differs from the BEGIN line's, or lacks its closing dashes.
    EndLabelMismatch,
    /// Text other than spaces or tabs follows the END line's closing dashes.
    TextAfterEndLine,
    /// The body is not valid padded standard base64.
    BadBase64,
    /// A BEGIN line with no END marker anywhere after it.
    Unterminated,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::EndWithoutBegin => "END line without a BEGIN line",
            SkipReason::BeginNotAtLineStart => "BEGIN marker is not at the start of a line",
            SkipReason::MalformedBeginLine => "BEGIN line does not end with \"-----\"",
            SkipReason::HeadersWithoutBody => "header lines are not followed by a body",
            SkipReason::EndLabelMismatch => "END line does not match the BEGIN label",
            SkipReason::TextAfterEndLine => "text after the END line's closing dashes",
            SkipReason::BadBase64 => "bad base64",
            SkipReason::Unterminated => "no END line",
        })
    }
}

/// Everything [`scan`] found: the blocks Go would return, and the candidates it would skip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Scan {
    /// Decoded blocks, in input order.
    pub blocks: Vec<Block>,
    /// Skipped candidates, in input order.
    pub skipped: Vec<Skipped>,
}

impl Scan {
    /// The offset of the first line that starts a PEM block (`-----BEGIN `) but did not become
    /// one of [`Scan::blocks`]: a damaged block, or one whose END line is missing so that Go's
    /// decoder started over inside it. A reader that must see every block — a served chain,
    /// where losing the leaf would judge the CA in its place — refuses input where this is `Some`.
    ///
    /// ```
    /// use okd_trust::{Limits, pem};
    /// let good = pem::encode("CERTIFICATE", &[1, 2, 3]);
    /// let text = format!("-----BEGIN CERTIFICATE-----\nAQ\0ID\n{good}");
    /// let scan = pem::scan(text.as_bytes(), &Limits::default())?;
    /// assert_eq!(scan.blocks.len(), 1);
    /// assert_eq!(scan.first_undecoded_begin(text.as_bytes()), Some(0));
    /// assert_eq!(pem::scan(good.as_bytes(), &Limits::default())?.first_undecoded_begin(good.as_bytes()), None);
    /// # Ok::<(), okd_trust::pem::PemError>(())
    /// ```
    pub fn first_undecoded_begin(&self, input: &[u8]) -> Option<usize> {
        let mut starts = self.blocks.iter().map(|b| b.span.start).peekable();
        for at in memchr::memmem::find_iter(input, BEGIN) {
            if at != 0 && input[at - 1] != b'\n' {
                continue;
            }
            // Blocks are in input order, so the next decoded block either starts here or later.
            while starts.next_if(|&start| start < at).is_some() {}
            if starts.next_if_eq(&at).is_none() {
                return Some(at);
            }
        }
        None
    }
}

/// An input the scanner refused to read because it exceeds a [`Limits`] budget.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PemError {
    /// The input is larger than `Limits::max_input_bytes`.
    #[error("PEM input is {size} bytes, more than the limit of {limit}")]
    InputTooLarge {
        /// Input size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// More blocks (decoded or skipped) than `Limits::max_pem_blocks`.
    #[error("more than {limit} PEM blocks (the next one starts at {position})")]
    TooManyBlocks {
        /// The limit.
        limit: usize,
        /// Where the block over the limit starts.
        position: Position,
    },
}

/// Decodes every PEM block in `input`, exactly as repeated calls to Go's `pem.Decode` would.
///
/// Skipped candidates are dropped silently, as Go drops them; use [`scan`] to learn about them.
///
/// ```
/// use okd_trust::{Limits, pem};
/// let text = b"subject=CN = demo\n-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n";
/// let blocks = pem::decode_all(text, &Limits::default())?;
/// assert_eq!(blocks.len(), 1);
/// assert_eq!(blocks[0].label, "CERTIFICATE");
/// assert_eq!(blocks[0].contents, [1, 2, 3]);
/// # Ok::<(), okd_trust::pem::PemError>(())
/// ```
pub fn decode_all(input: &[u8], limits: &Limits) -> Result<Vec<Block>, PemError> {
    scan(input, limits).map(|scan| scan.blocks)
}

/// Scans `input` like repeated calls to Go's `pem.Decode`, returning the decoded blocks and
/// every candidate Go would skip, with the reason.
///
/// ```
/// use okd_trust::{Limits, pem::{self, SkipReason}};
/// let text = b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
/// let scan = pem::scan(text, &Limits::default())?;
/// assert!(scan.blocks.is_empty());
/// assert_eq!(scan.skipped[0].reason, SkipReason::BadBase64);
/// # Ok::<(), okd_trust::pem::PemError>(())
/// ```
pub fn scan(input: &[u8], limits: &Limits) -> Result<Scan, PemError> {
    if input.len() > limits.max_input_bytes {
        return Err(PemError::InputTooLarge { size: input.len(), limit: limits.max_input_bytes });
    }
    let mut scanner = Scanner { input, limits, found: Scan::default() };
    let mut start = 0;
    while start < input.len() {
        match scanner.decode_one(start)? {
            Some(next) => start = next,
            None => break,
        }
    }
    Ok(scanner.found)
}

/// Encodes `der` as one canonical RFC 7468 block: 64-column base64, `\n` line ends, a final newline.
///
/// The label is written as given; pass a constant such as `CERTIFICATE`.
///
/// ```
/// let text = okd_trust::pem::encode("CERTIFICATE", &[1, 2, 3]);
/// assert_eq!(text, "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n");
/// ```
pub fn encode(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    // The body is ASCII, so every 64-byte boundary is a character boundary.
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

struct Scanner<'a> {
    input: &'a [u8],
    limits: &'a Limits,
    found: Scan,
}

impl Scanner<'_> {
    /// One call of Go's `Decode` on `input[start..]`: pushes the block found (returning where the
    /// next call starts) or returns `None` when Go would return no block for the rest.
    ///
    /// Indexes mirror Go's: `rest` is an absolute offset, `end_index` and `end_trailer_index`
    /// are signed offsets relative to it, adjusted as lines are consumed, so that every quirk of
    /// Go's arithmetic (such as giving up when header lines swallow the END line) carries over.
    fn decode_one(&mut self, start: usize) -> Result<Option<usize>, PemError> {
        let input = self.input;
        let len = input.len() as isize;
        let mut rest = start as isize;
        let mut end_trailer_index: isize = 0;
        loop {
            // Skip past the END marker examined by the previous attempt.
            if end_trailer_index < 0 || end_trailer_index > len - rest {
                return Ok(None);
            }
            rest += end_trailer_index;
            let here = &input[rest as usize..];

            // Find the first END marker, then the last BEGIN before it: repeated BEGIN lines
            // without an END are stepped over in linear time (Go 1.25.2+).
            let Some(found_end) = find(here, END) else {
                self.note_unterminated(rest as usize);
                return Ok(None);
            };
            let mut end_index = found_end as isize;
            end_trailer_index = end_index + END.len() as isize;
            let end_line = line_range(input, rest as usize + found_end + 1);

            let Some(begin_index) = rfind(&here[..found_end], BEGIN) else {
                self.skip(None, end_line.clone(), SkipReason::EndWithoutBegin)?;
                continue;
            };
            let begin_abs = rest as usize + begin_index;
            let whole = begin_abs..end_line.end;
            if begin_index > 0 && here[begin_index - 1] != b'\n' {
                self.skip(None, whole, SkipReason::BeginNotAtLineStart)?;
                continue;
            }
            let shift = (begin_index + BEGIN.len()) as isize;
            rest += shift;
            end_index -= shift;
            end_trailer_index -= shift;

            let (type_line, consumed) = get_line(&input[rest as usize..]);
            rest += consumed as isize;
            end_index -= consumed as isize;
            end_trailer_index -= consumed as isize;
            let Some(label) = type_line.strip_suffix(DASHES) else {
                self.skip(None, whole, SkipReason::MalformedBeginLine)?;
                continue;
            };
            let label_text = String::from_utf8_lossy(label).into_owned();

            let mut headers: Vec<(String, String)> = Vec::new();
            loop {
                if rest == len {
                    // Go returns "no block" for the whole remaining input here.
                    return Ok(None);
                }
                let (line, consumed) = get_line(&input[rest as usize..]);
                let Some(colon) = line.iter().position(|&b| b == b':') else {
                    break;
                };
                let key = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
                let value = String::from_utf8_lossy(&line[colon + 1..]).trim().to_owned();
                match headers.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = value,
                    None => headers.push((key, value)),
                }
                rest += consumed as isize;
                end_index -= consumed as isize;
                end_trailer_index -= consumed as isize;
            }
            if !headers.is_empty() && end_index < 0 {
                self.skip(Some(label_text), whole, SkipReason::HeadersWithoutBody)?;
                continue;
            }

            // `end_index >= -1` here, so `end_trailer_index >= 9` and the slice is in bounds.
            let trailer = &input[(rest + end_trailer_index) as usize..];
            let trailer_len = label.len() + DASHES.len();
            let matches = trailer.len() >= trailer_len
                && trailer[..trailer_len].starts_with(label)
                && trailer[..trailer_len].ends_with(DASHES);
            if !matches {
                self.skip(Some(label_text), whole, SkipReason::EndLabelMismatch)?;
                continue;
            }
            if !get_line(&trailer[trailer_len..]).0.is_empty() {
                self.skip(Some(label_text), whole, SkipReason::TextAfterEndLine)?;
                continue;
            }

            let contents = if end_index > 0 {
                let body = &input[rest as usize..(rest + end_index) as usize];
                match decode_base64(body) {
                    Some(bytes) => bytes,
                    None => {
                        self.skip(Some(label_text), whole, SkipReason::BadBase64)?;
                        continue;
                    }
                }
            } else {
                Vec::new()
            };

            // The END line starts one byte after its newline (`end_index` may be -1 when the
            // END line directly follows the BEGIN line).
            let end_line_start = (rest + end_index + 1) as usize;
            let span_end = end_line_start + END.len() - 1 + trailer_len;
            let next = end_line_start + get_line(&input[end_line_start..]).1;
            self.count(begin_abs)?;
            self.found.blocks.push(Block { label: label_text, headers, contents, span: begin_abs..span_end });
            return Ok(Some(next));
        }
    }

    /// Records a skipped candidate, counting it against the block budget.
    fn skip(&mut self, label: Option<String>, span: Range<usize>, reason: SkipReason) -> Result<(), PemError> {
        self.count(span.start)?;
        self.found.skipped.push(Skipped { label, span, reason });
        Ok(())
    }

    fn count(&self, start: usize) -> Result<(), PemError> {
        if self.found.blocks.len() + self.found.skipped.len() >= self.limits.max_pem_blocks {
            return Err(PemError::TooManyBlocks {
                limit: self.limits.max_pem_blocks,
                position: Position::in_text(self.input, start),
            });
        }
        Ok(())
    }

    /// Go silently stops when no END marker remains; a BEGIN line left behind is worth a warning.
    fn note_unterminated(&mut self, from: usize) {
        let here = &self.input[from..];
        let mut at = 0;
        while let Some(found) = find(&here[at..], BEGIN) {
            let begin = at + found;
            if begin == 0 || here[begin - 1] == b'\n' {
                let line = line_range(self.input, from + begin);
                let text = &self.input[line.clone()];
                let label = text
                    .get(BEGIN.len()..)
                    .and_then(|rest| rest.strip_suffix(DASHES))
                    .map(|l| String::from_utf8_lossy(l).into_owned());
                // Not counted against the budget: at most one per input.
                self.found.skipped.push(Skipped { label, span: line, reason: SkipReason::Unterminated });
                return;
            }
            at = begin + 1;
        }
    }
}

/// Go's `getLine`: the first line without its `\n` or `\r\n` and without trailing spaces and tabs,
/// and how many bytes it occupied including the terminator.
fn get_line(data: &[u8]) -> (&[u8], usize) {
    let (mut end, consumed) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (i, i + 1),
        None => (data.len(), data.len()),
    };
    if consumed > end && end > 0 && data[end - 1] == b'\r' {
        end -= 1;
    }
    let mut line = &data[..end];
    while let [head @ .., b' ' | b'\t'] = line {
        line = head;
    }
    (line, consumed)
}

/// The range of the line starting at `start`, without its terminator and trailing blanks.
fn line_range(input: &[u8], start: usize) -> Range<usize> {
    let (line, _) = get_line(&input[start..]);
    start..start + line.len()
}

/// Go decodes the body with spaces and tabs removed, and its base64 decoder skips `\r` and `\n`.
fn decode_base64(body: &[u8]) -> Option<Vec<u8>> {
    decode_base64_by_line(body).or_else(|| decode_base64_cleaned(body))
}

/// The common case without a byte-by-byte filter: the lines (found with memchr) are copied
/// without their `\n` or `\r\n` and decoded at once. A blank or a stray `\r` left inside makes
/// that decode fail, so success means the text decoded is exactly Go's cleaned body; on failure,
/// [`decode_base64_cleaned`] decides.
fn decode_base64_by_line(body: &[u8]) -> Option<Vec<u8>> {
    let mut joined = Vec::with_capacity(body.len());
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body).chain(std::iter::once(body.len())) {
        let line = &body[start..end];
        joined.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        start = end + 1;
    }
    GO_STD_BASE64.decode(joined).ok()
}

/// Go's way exactly: blanks and line ends removed, then one decode.
fn decode_base64_cleaned(body: &[u8]) -> Option<Vec<u8>> {
    let clean: Vec<u8> = body.iter().copied().filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')).collect();
    GO_STD_BASE64.decode(clean).ok()
}

// Both markers hold a dash and base64 has none, so jumping from dash to dash with memchr crosses
// a body in one vectorised step; `memmem` built a searcher per call and searched backwards a byte
// at a time (a tenth of a bundle load). Each dash costs one prefix compare, so both stay linear
// in the input whatever it holds.

/// Where `needle` (which holds a `-`) first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let dash = dash_in(needle);
    memchr::memchr_iter(b'-', haystack).find_map(|i| occurs_at(haystack, needle, i.checked_sub(dash)?))
}

/// Where `needle` (which holds a `-`) last occurs in `haystack`.
fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let dash = dash_in(needle);
    memchr::memrchr_iter(b'-', haystack).find_map(|i| occurs_at(haystack, needle, i.checked_sub(dash)?))
}

fn dash_in(needle: &[u8]) -> usize {
    needle.iter().position(|&b| b == b'-').unwrap_or(0)
}

fn occurs_at(haystack: &[u8], needle: &[u8], start: usize) -> Option<usize> {
    haystack[start..].starts_with(needle).then_some(start)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn scan_str(text: &str) -> Scan {
        scan(text.as_bytes(), &Limits::default()).unwrap()
    }

    #[test]
    fn begin_must_start_a_line() {
        let s = scan_str("x -----BEGIN A-----\nAQID\n-----END A-----\n");
        assert!(s.blocks.is_empty());
        assert_eq!(s.skipped[0].reason, SkipReason::BeginNotAtLineStart);
    }

    #[test]
    fn empty_body_right_after_begin() {
        let s = scan_str("-----BEGIN A-----\n-----END A-----");
        assert_eq!(s.blocks.len(), 1);
        assert!(s.blocks[0].contents.is_empty());
        assert_eq!(s.blocks[0].span, 0..33);
    }

    #[test]
    fn headers_are_kept_in_order_last_value_wins() {
        let s = scan_str("-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\nX: 1\nX : 2\n\nAQID\n-----END A-----\n");
        assert_eq!(s.blocks[0].headers, vec![("Proc-Type".into(), "4,ENCRYPTED".into()), ("X".into(), "2".into())]);
        assert_eq!(s.blocks[0].contents, [1, 2, 3]);
    }

    #[test]
    fn headers_straight_into_end_are_skipped() {
        let s = scan_str("-----BEGIN A-----\nK: v\n-----END A-----\n");
        assert!(s.blocks.is_empty());
        assert_eq!(s.skipped[0].reason, SkipReason::HeadersWithoutBody);
    }

    #[test]
    fn end_label_and_trailing_text() {
        let s = scan_str("-----BEGIN A-----\nAQID\n-----END B-----\n-----BEGIN A-----\nAQID\n-----END A----- x\n");
        let reasons: Vec<_> = s.skipped.iter().map(|k| k.reason).collect();
        assert_eq!(reasons, [SkipReason::EndLabelMismatch, SkipReason::TextAfterEndLine]);
        let s = scan_str("-----BEGIN A-----\nAQID\n-----END A-----  \t\r\n");
        assert_eq!(s.blocks.len(), 1);
    }

    #[test]
    fn unpadded_base64_is_rejected_like_go() {
        let s = scan_str("-----BEGIN A-----\nAQ\n-----END A-----\n");
        assert_eq!(s.skipped[0].reason, SkipReason::BadBase64);
        // Non-zero trailing bits are fine in Go's non-strict decoder.
        let s = scan_str("-----BEGIN A-----\nAR==\n-----END A-----\n");
        assert_eq!(s.blocks[0].contents, [1]);
    }

    #[test]
    fn line_by_line_base64_agrees_with_go_s_whole_body_decode() {
        let bodies: [&[u8]; 12] = [
            b"AQID",
            b"AQIDBA==",
            b"AQID\r\nBA==\r\n",
            b"AQ\nID",       // a group split across lines
            b"AQ==\nAQID",   // padding before the last line: invalid
            b"AQID\n\nBA==", // an empty line
            b"AQ ID\tBA==",  // blanks inside
            b"AR==",         // non-zero trailing bits: Go accepts
            b"AQI=\n",
            b"A===",
            b"AQID\r\r\nBA==", // two carriage returns
            b"AQIDBA==\nAQID", // padding then more data
        ];
        for body in bodies {
            assert_eq!(decode_base64(body), decode_base64_cleaned(body), "{:?}", String::from_utf8_lossy(body));
        }
        assert_eq!(decode_base64(b"AQ\nID"), Some(vec![1, 2, 3]));
        assert_eq!(decode_base64(b"AQ==\nAQID"), None);
    }

    proptest::proptest! {
        #[test]
        fn line_by_line_base64_never_disagrees(body in "[AQIDw=\\r\\n \\t]{0,40}") {
            proptest::prop_assert_eq!(decode_base64(body.as_bytes()), decode_base64_cleaned(body.as_bytes()));
        }

        #[test]
        fn marker_search_agrees_with_memmem(
            pieces in proptest::collection::vec(
                proptest::sample::select(&["-----BEGIN ", "\n-----END ", "-", "--", "\n", "A", "BEGIN ", "END "][..]),
                0..16,
            )
        ) {
            let text = pieces.concat();
            let text = text.as_bytes();
            for needle in [BEGIN, END] {
                proptest::prop_assert_eq!(find(text, needle), memchr::memmem::find(text, needle));
                proptest::prop_assert_eq!(rfind(text, needle), memchr::memmem::rfind(text, needle));
            }
        }
    }

    #[test]
    fn repeated_begin_lines_use_the_last() {
        let s = scan_str("-----BEGIN A-----\n-----BEGIN B-----\nAQID\n-----END B-----\n");
        assert_eq!(s.blocks.len(), 1);
        assert_eq!(s.blocks[0].label, "B");
    }

    #[test]
    fn unterminated_and_stray_end_are_reported() {
        // An END marker counts only after a newline, as in Go.
        assert!(scan_str("-----END A-----\n").skipped.is_empty());
        let s = scan_str("x\n-----END A-----\n-----BEGIN C-----\nAQID\n");
        let reasons: Vec<_> = s.skipped.iter().map(|k| k.reason).collect();
        assert_eq!(reasons, [SkipReason::EndWithoutBegin, SkipReason::Unterminated]);
        assert_eq!(s.skipped[1].label.as_deref(), Some("C"));
    }

    #[test]
    fn budget_errors_carry_positions() {
        let mut limits = Limits { max_pem_blocks: 1, ..Limits::default() };
        let two = "-----BEGIN A-----\nAQID\n-----END A-----\n-----BEGIN A-----\nAQID\n-----END A-----\n";
        match scan(two.as_bytes(), &limits) {
            Err(PemError::TooManyBlocks { limit: 1, position }) => assert_eq!(position.line, 4),
            other => panic!("{other:?}"),
        }
        limits.max_input_bytes = 3;
        assert!(matches!(scan(b"abcd", &limits), Err(PemError::InputTooLarge { size: 4, limit: 3 })));
    }
}
