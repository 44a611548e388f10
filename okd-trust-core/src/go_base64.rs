//! Kubeconfig `*-data` fields and Secret values are decoded by Go's `encoding/base64.StdEncoding`: the standard
//! alphabet, padding required, `\r` and `\n` anywhere ignored, non-zero trailing bits tolerated.

use base64::Engine;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes like Go; on failure, the byte offset (in `data`) of the first offending character.
pub(crate) fn decode(data: &str) -> Result<Vec<u8>, usize> {
    let is_break = |b: &u8| *b == b'\r' || *b == b'\n';
    // Go's encoder writes one line, so most values hold no break and decode without a copy.
    let kept: std::borrow::Cow<'_, [u8]> = if memchr::memchr2(b'\r', b'\n', data.as_bytes()).is_some() {
        data.bytes().filter(|b| !is_break(b)).collect::<Vec<u8>>().into()
    } else {
        data.as_bytes().into()
    };
    GO_STD.decode(&kept).map_err(|e| {
        let at = match e {
            base64::DecodeError::InvalidByte(at, _) | base64::DecodeError::InvalidLastSymbol(at, _) => at,
            base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => kept.len(),
        };
        // The offset of the `at`-th kept byte in `data`.
        data.bytes().enumerate().filter(|(_, b)| !is_break(b)).nth(at).map_or(data.len(), |(i, _)| i)
    })
}

/// Encodes with the standard alphabet and padding, as Go writes it (one line, no wrapping).
pub(crate) fn encode(data: &[u8]) -> String {
    GO_STD.encode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_line_breaks_and_requires_padding() {
        assert_eq!(decode("aGVs\r\nbG8=\n").unwrap(), b"hello");
        assert_eq!(decode("aGVsbG8"), Err(7));
        assert_eq!(decode("aGVs bG8="), Err(4));
        assert_eq!(decode("aGVsbG9="), Ok(b"hello".to_vec()), "trailing bits tolerated like Go");
    }
}
