//! A served chain read from PEM (`openssl s_client -showcerts` output, a `tls.crt`): strictly,
//! unlike a CA bundle. A bundle loader skips what it cannot read, as Go's `AppendCertsFromPEM`
//! does; a chain must be read whole or not at all, because skipping a damaged leaf would judge
//! the chain that is left — the intermediate alone, which verifies — and call it trusted.

use super::{CertError, Certificate};
use crate::pem::{self, PemError};
use crate::{Limits, LineIndex, Position};

/// The certificates of a served chain, leaf first, and the PEM blocks of other kinds it skipped
/// (a private key in a combined file).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ServedChain {
    /// Leaf first, in the order served.
    pub certificates: Vec<Certificate>,
    /// Blocks that are not `CERTIFICATE`, with where they start: their label.
    pub skipped: Vec<(Position, String)>,
}

/// Why PEM text is not a served chain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// The input is over a [`Limits`] budget.
    #[error(transparent)]
    Pem(#[from] PemError),
    /// A line starts a PEM block that does not decode.
    #[error(
        "{position}: damaged PEM block ({reason}); a served chain is read whole or not at all, since skipping a \
         block would judge a different chain"
    )]
    DamagedBlock {
        /// Where the block starts.
        position: Position,
        /// Why it does not decode.
        reason: String,
    },
    /// A certificate does not parse: Go's TLS client would abort the handshake.
    #[error("certificate {index} (at {position}) cannot be parsed: {source}")]
    Certificate {
        /// 0 for the leaf, 1 for the next certificate, and so on.
        index: usize,
        /// Where its block starts.
        position: Position,
        /// The parser's reason.
        source: CertError,
    },
    /// No `CERTIFICATE` block at all.
    #[error("no CERTIFICATE block found (expected PEM, e.g. `openssl s_client -showcerts` output)")]
    NoCertificate,
    /// A bundle handed over as a chain was loaded leniently and skipped blocks: it may not be
    /// the chain that was served.
    #[error(
        "this bundle skipped {skipped} block(s) when it was loaded (first: {first}); a served chain is read whole \
         or not at all: read it from its PEM text as a chain"
    )]
    SkippedWhenLoaded {
        /// How many blocks the bundle's loading skipped.
        skipped: usize,
        /// The first of them, in words.
        first: String,
    },
}

impl ServedChain {
    /// Reads a served chain from PEM text within `limits`.
    ///
    /// ```
    /// use okd_trust::cert::{ChainError, ServedChain};
    /// use okd_trust::Limits;
    ///
    /// let text = okd_trust::examples::API_INT_SERVING_CHAIN;
    /// let chain = ServedChain::from_pem(text.as_bytes(), &Limits::default())?;
    /// assert_eq!(chain.certificates.len(), 2);
    /// // The leaf's body damaged: an error, never the shorter chain that is left.
    /// let damaged = text.replacen("MII", "M!I", 1);
    /// let err = ServedChain::from_pem(damaged.as_bytes(), &Limits::default()).unwrap_err();
    /// assert!(matches!(err, ChainError::DamagedBlock { .. }));
    /// # Ok::<(), ChainError>(())
    /// ```
    pub fn from_pem(bytes: &[u8], limits: &Limits) -> Result<Self, ChainError> {
        let scan = pem::scan(bytes, limits)?;
        // Positions come from one index of the text: recounting lines from the start for every
        // block made a large chain quadratic.
        let lines = LineIndex::new(bytes);
        if let Some(offset) = scan.first_undecoded_begin(bytes) {
            let reason = scan.skipped.iter().find(|s| s.span.start == offset).map_or_else(
                || "no END line of its own, or a body that does not decode".to_owned(),
                |s| s.reason.to_string(),
            );
            return Err(ChainError::DamagedBlock { position: lines.position(offset), reason });
        }
        let mut chain = ServedChain { certificates: Vec::new(), skipped: Vec::new() };
        for block in &scan.blocks {
            let position = lines.position(block.span.start);
            if block.label != "CERTIFICATE" {
                chain.skipped.push((position, block.label.clone()));
                continue;
            }
            let cert = Certificate::from_der_with_limits(&block.contents, limits)
                .map_err(|source| ChainError::Certificate { index: chain.certificates.len(), position, source })?;
            chain.certificates.push(cert);
        }
        if chain.certificates.is_empty() {
            return Err(ChainError::NoCertificate);
        }
        Ok(chain)
    }
}
