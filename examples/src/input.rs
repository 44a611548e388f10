//! The outside world: files, standard input, the clock, and argument values.

use std::io::{self, Read as _};
use std::net::IpAddr;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use okd_trust::pem;
use okd_trust::{CaBundle, Certificate, Limits, Position, Timestamp};

use crate::error::CliError;

/// Reads the file at `path`, or standard input when `path` is `-`.
pub(crate) fn read(option: &'static str, path: &Path) -> Result<Vec<u8>, CliError> {
    let read = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    read.map_err(|source| CliError::Read { option, path: path.to_owned(), source })
}

/// Loads a CA bundle like Go's `AppendCertsFromPEM`, reporting what it skipped on stderr.
pub(crate) fn bundle(option: &'static str, path: &Path) -> Result<CaBundle, CliError> {
    let bytes = read(option, path)?;
    let bundle =
        CaBundle::from_pem(&bytes).map_err(|source| CliError::Bundle { option, path: path.to_owned(), source })?;
    for warning in bundle.warnings() {
        eprintln!("okd-trust: warning: {option} {}: {warning}", path.display());
    }
    Ok(bundle)
}

/// Loads a served chain, leaf first: every `CERTIFICATE` block of the PEM text, in order, with any
/// text around them ignored (so raw `openssl s_client -showcerts` output works).
///
/// Unlike a CA bundle, a certificate that does not parse is an error, not a warning: Go's TLS
/// client aborts the handshake on it, and skipping the leaf would verify the wrong certificate.
pub(crate) fn chain(option: &'static str, path: &Path) -> Result<Vec<Certificate>, CliError> {
    let bytes = read(option, path)?;
    let limits = Limits::default();
    let scan = pem::scan(&bytes, &limits).map_err(|source| CliError::Pem { option, path: path.to_owned(), source })?;
    for skipped in &scan.skipped {
        let at = Position::in_text(&bytes, skipped.span.start);
        eprintln!("okd-trust: warning: {option} {}: {at}: PEM text skipped: {}", path.display(), skipped.reason);
    }
    let mut certs = Vec::new();
    for block in &scan.blocks {
        let at = Position::in_text(&bytes, block.span.start);
        if block.label != "CERTIFICATE" {
            eprintln!("okd-trust: warning: {option} {}: {at}: {} block skipped", path.display(), block.label);
            continue;
        }
        let cert = Certificate::from_der_with_limits(&block.contents, &limits).map_err(|source| {
            CliError::Certificate { option, path: path.to_owned(), index: certs.len(), line: at.line, source }
        })?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(CliError::NoCertificate { option, path: path.to_owned() });
    }
    Ok(certs)
}

/// The current time, read from the system clock.
pub(crate) fn now() -> Timestamp {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => {
            Timestamp::from_unix_nanos(i64::try_from(since.as_secs()).unwrap_or(i64::MAX), since.subsec_nanos())
        }
        // A clock set before 1970: whole seconds are enough there.
        Err(before) => Timestamp::from_unix_seconds(-i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX)),
    }
}

/// Parses an `--at` value (RFC 3339, fractions of a second kept).
pub(crate) fn parse_time(value: &str) -> Result<Timestamp, okd_trust::TimestampError> {
    Timestamp::parse_rfc3339(value)
}

/// Parses an `--ip` value: an IPv4 or IPv6 address, optionally in `[brackets]`.
pub(crate) fn parse_ip(value: &str) -> Result<IpAddr, std::net::AddrParseError> {
    let bare = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')).unwrap_or(value);
    bare.parse()
}
