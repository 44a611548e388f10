//! The outside world: files, standard input, the clock, and argument values.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::net::IpAddr;
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
use std::path::Path;
use std::time::SystemTime;

use okd_trust::{CaBundle, Certificate, Limits, Timestamp};

use crate::error::CliError;

/// Reads the file at `path`, or standard input when `path` is `-`, refusing more than the core's
/// input limit without reading past it (so `/dev/zero` or an endless pipe costs limit + 1 bytes).
pub(crate) fn read(option: &'static str, path: &Path) -> Result<Vec<u8>, CliError> {
    read_at_most(option, path, Limits::default().max_input_bytes)
}

/// [`read`] with a limit of its own (the x509-limbo suite is larger than any one input).
pub(crate) fn read_at_most(option: &'static str, path: &Path, limit: usize) -> Result<Vec<u8>, CliError> {
    let fail = |source| CliError::Read { option, path: path.to_owned(), source };
    if path.as_os_str() == "-" {
        return read_bounded(io::stdin().lock(), limit).map_err(fail);
    }
    let file = open_regular(path).map_err(fail)?;
    read_bounded(file, limit).map_err(fail)
}

/// Opens `path` for reading if it is a regular file (after following links). The open does not
/// block — a FIFO with no writer would otherwise wait forever — and the check is made on the
/// opened file, so nothing can be swapped in between.
pub(crate) fn open_regular(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "a directory"
        } else if kind.is_fifo() {
            "a FIFO"
        } else if kind.is_char_device() || kind.is_block_device() {
            "a device"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what}: only regular files are read (use `-` for standard input)"),
        ));
    }
    Ok(file)
}

/// Refuses `-` (standard input) for more than one of `paths`: it can be read only once.
pub(crate) fn stdin_once<'a>(paths: impl IntoIterator<Item = &'a std::path::PathBuf>) -> Result<(), CliError> {
    if paths.into_iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(CliError::Usage(
            "standard input can be read once: give `-` to one option only, and files to the others".into(),
        ));
    }
    Ok(())
}

/// Reads at most `limit` bytes; one byte more is an error that names the limit.
pub(crate) fn read_bounded(source: impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    source.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("more than {limit} bytes, the input limit; nothing past it was read"),
        ));
    }
    Ok(bytes)
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
    let chain = okd_trust::input::served_chain(&path.display().to_string(), &bytes, &Limits::default())
        .map_err(|source| CliError::Input { option, source })?;
    for (at, label) in &chain.skipped {
        eprintln!("okd-trust: warning: {option} {}: {at}: {label} block skipped", path.display());
    }
    Ok(chain.certificates)
}

/// The current time, read from the system clock.
pub(crate) fn now() -> Timestamp {
    Timestamp::from(SystemTime::now())
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
