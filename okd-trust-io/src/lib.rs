//! The files okd-trust's front ends read, so the core never does: the CA file a kubeconfig
//! names and the platform's trust store, as client-go reads them (for the doctor), and a
//! must-gather read in place (for the cluster analysis). The CLI and the Python and C bindings
//! share this one copy of that I/O.

pub mod doctor;
pub mod must_gather;

use std::io::{self, Read};
use std::path::Path;

use okd_trust::diagnose::SYSTEM_ROOT_FILES;
use okd_trust::{CaBundle, Limits};

/// The directory a kubeconfig read from `path` resolves relative paths against: the path's own
/// directory when it names a file, else the current directory (a binding's label that is not a
/// path, `-`); absolute, links not resolved, as Go's `filepath.Abs(filepath.Dir(p))` makes it.
pub fn base_dir(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    let dir = match path.parent() {
        Some(parent) if path.is_file() && !parent.as_os_str().is_empty() => parent,
        // catch-all: not a core enum (a path's parent).
        _ => Path::new("."),
    };
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned()).to_string_lossy().into_owned()
}

/// A regular file's bytes, at most the input limit, or why not in words (a FIFO or a device is
/// refused without blocking on it).
pub fn read(path: &str) -> Result<Vec<u8>, String> {
    read_file(Path::new(path), &Limits::default()).map_err(|e| e.to_string())
}

/// Opens `path` if it is a regular file: a FIFO, device or socket is refused before it is opened,
/// so nothing can block on it.
fn open_regular(path: &Path) -> io::Result<std::fs::File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"));
    }
    std::fs::File::open(path)
}

/// A regular file's bytes, at most `limits.max_input_bytes`.
fn read_file(path: &Path, limits: &Limits) -> io::Result<Vec<u8>> {
    read_bounded(open_regular(path)?, limits.max_input_bytes)
}

/// At most `limit` bytes; one more is an error that names the limit.
fn read_bounded(source: impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    source.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(io::Error::new(io::ErrorKind::FileTooLarge, format!("more than {limit} bytes, the input limit")));
    }
    Ok(bytes)
}

/// The platform trust store Go loads (the first of the files that can be read), with its path.
pub(crate) fn system_roots() -> Option<(String, CaBundle)> {
    // As Go's loader: the first file that can be read wins, whatever it holds (what does not
    // parse adds nothing), and the files after it are not looked at.
    SYSTEM_ROOT_FILES.iter().find_map(|path| {
        let bytes = read(path).ok()?;
        Some(((*path).to_owned(), CaBundle::from_pem(&bytes).unwrap_or_default()))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_regular_files_only_and_names_why_not() {
        let dir = std::env::temp_dir().join(format!("okd-trust-io-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ca.crt");
        std::fs::write(&file, "pem").unwrap();
        assert_eq!(read(file.to_str().unwrap()), Ok(b"pem".to_vec()));
        assert_eq!(base_dir(file.to_str().unwrap()), dir.to_string_lossy());
        assert_eq!(read(dir.to_str().unwrap()), Err("not a regular file".to_owned()));
        assert!(read(dir.join("missing").to_str().unwrap()).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
