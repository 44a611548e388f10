//! Reading a must-gather where it lies: a directory, or a `.tar`, `.tar.gz` or `.tar.xz` of one,
//! streamed member by member and never unpacked to disk. Only the files the core's
//! [`classify`](okd_trust::cluster::classify) wants are read into memory; a damaged member or a
//! truncated archive is recorded in the inputs with its path, and the rest still counts.

use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use okd_trust::cluster::{ClusterInputs, classify};

use crate::{open_regular, read_bounded, read_file};

/// How a file given on the command line is laid out.
enum Layout {
    Directory,
    Tar,
    TarGzip,
    TarXz,
    /// One manifest file (`oc get ... -o yaml|json`).
    Manifest,
}

/// The most memory the xz decoder may take (dictionaries of real archives take a few MiB; a
/// crafted header must not make it allocate gigabytes).
const XZ_MEMORY_LIMIT: u64 = 256 << 20;

/// The largest tar metadata member (a PAX header, a GNU long name) read: the tar reader holds
/// one whole in memory, so a tiny archive declaring a huge one would otherwise take gigabytes.
const MAX_TAR_METADATA: u64 = 1 << 20;

/// A path a cluster analysis could not read at all.
#[derive(Debug)]
pub struct InputError {
    /// The path given.
    pub path: PathBuf,
    /// Whether it was given as a node kubeconfig (else as a must-gather or dump).
    pub kubeconfig: bool,
    /// The operating system's reason.
    pub source: io::Error,
}

/// Everything a cluster analysis reads, as every front end gathers it: each of `paths` (see
/// [`read_into`]) and each node kubeconfig of `kubeconfigs`, labelled with its path.
pub fn read_inputs<P: AsRef<Path>>(paths: &[P], kubeconfigs: &[P]) -> Result<ClusterInputs, InputError> {
    let mut inputs = ClusterInputs::new();
    for path in paths {
        let path = path.as_ref();
        read_into(path, &mut inputs).map_err(|source| InputError {
            path: path.to_owned(),
            kubeconfig: false,
            source,
        })?;
    }
    for path in kubeconfigs {
        let path = path.as_ref();
        let bytes = read_file(path, inputs.limits()).map_err(|source| InputError {
            path: path.to_owned(),
            kubeconfig: true,
            source,
        })?;
        inputs.add_kubeconfig(&path.to_string_lossy(), &bytes);
    }
    Ok(inputs)
}

/// Adds everything relevant under `path` to `inputs`: a must-gather directory, a tarball of one
/// (plain, gzip or xz, by its first bytes), one manifest file, or `-` for one manifest on
/// standard input. Only an unusable `path` itself is an error; what goes wrong inside is
/// recorded in `inputs` with its path.
///
/// ```no_run
/// use okd_trust::cluster::{self, ClusterInputs, ClusterOptions};
/// let mut inputs = ClusterInputs::new();
/// okd_trust_io::must_gather::read_into("must-gather.tar.xz".as_ref(), &mut inputs)?;
/// let report = cluster::analyze(&inputs, &ClusterOptions::new(std::time::SystemTime::now().into()));
/// println!("{}", cluster::text(&report));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read_into(path: &Path, inputs: &mut ClusterInputs) -> io::Result<()> {
    if path.as_os_str() == "-" {
        let bytes = read_bounded(io::stdin().lock(), inputs.limits().max_input_bytes)?;
        inputs.add_manifests("-", &bytes);
        return Ok(());
    }
    match layout(path)? {
        Layout::Directory => walk(path, path, inputs),
        Layout::Manifest => {
            let bytes = read_file(path, inputs.limits())?;
            inputs.add_manifests(&path.to_string_lossy(), &bytes);
            Ok(())
        }
        archive => {
            let file = BufReader::new(open_regular(path)?);
            let stream: Box<dyn Read> = match archive {
                Layout::TarGzip => Box::new(flate2::read::MultiGzDecoder::new(file)),
                Layout::TarXz => {
                    let stream =
                        liblzma::stream::Stream::new_stream_decoder(XZ_MEMORY_LIMIT, liblzma::stream::CONCATENATED)
                            .map_err(io::Error::other)?;
                    Box::new(liblzma::read::XzDecoder::new_stream(file, stream))
                }
                Layout::Tar | Layout::Directory | Layout::Manifest => Box::new(file),
            };
            read_tar(path, TarGuard::new(stream), inputs);
            Ok(())
        }
    }
}

fn layout(path: &Path) -> io::Result<Layout> {
    if std::fs::metadata(path)?.is_dir() {
        return Ok(Layout::Directory);
    }
    let mut head = [0u8; 512];
    let mut file = open_regular(path)?;
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    let head = &head[..filled];
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Layout::TarGzip
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Layout::TarXz
    } else if head.get(257..262) == Some(b"ustar") {
        Layout::Tar
    } else {
        Layout::Manifest
    })
}

/// Every relevant regular file under `dir`, in name order; links are not followed. A directory
/// or file that cannot be read is recorded and the walk goes on.
fn walk(root: &Path, dir: &Path, inputs: &mut ClusterInputs) -> io::Result<()> {
    let listing = std::fs::read_dir(dir).and_then(|entries| entries.collect::<Result<Vec<_>, _>>());
    let mut entries = match listing {
        Ok(entries) => entries,
        Err(e) if dir != root => {
            inputs.add_unreadable(&dir.to_string_lossy(), &e.to_string());
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(e) => {
                inputs.add_unreadable(&path.to_string_lossy(), &e.to_string());
                continue;
            }
        };
        if kind.is_dir() {
            walk(root, &path, inputs)?;
            continue;
        }
        let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
        if !kind.is_file() || classify(&relative).is_none() {
            continue;
        }
        match read_file(&path, inputs.limits()) {
            Ok(bytes) => inputs.add_file(&relative, &bytes),
            Err(e) => inputs.add_unreadable(&path.to_string_lossy(), &e.to_string()),
        }
    }
    Ok(())
}

fn read_tar(path: &Path, stream: impl Read, inputs: &mut ClusterInputs) {
    let limit = inputs.limits().max_input_bytes;
    let label = path.to_string_lossy();
    let mut archive = tar::Archive::new(stream);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return inputs.add_unreadable(&label, &format!("not a readable tar archive: {e}")),
    };
    let mut members = 0usize;
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let reason = format!("the archive is damaged or truncated after {members} member(s): {e}");
                return inputs.add_unreadable(&label, &reason);
            }
        };
        members += 1;
        let Ok(member) = entry.path().map(|p| p.to_string_lossy().into_owned()) else { continue };
        if !entry.header().entry_type().is_file() || classify(&member).is_none() {
            continue;
        }
        let size = entry.header().size().unwrap_or(0);
        match read_bounded(entry, limit) {
            Ok(bytes) if (bytes.len() as u64) < size => {
                let reason = format!("truncated: {} of {size} bytes before the archive ended", bytes.len());
                return inputs.add_unreadable(&format!("{label}:{member}"), &reason);
            }
            Ok(bytes) => inputs.add_file(&member, &bytes),
            Err(e) => {
                // A member cut short by the end of the stream ends the archive too.
                inputs.add_unreadable(&format!("{label}:{member}"), &e.to_string());
                if e.kind() == io::ErrorKind::UnexpectedEof {
                    return;
                }
            }
        }
    }
    if members == 0 {
        inputs.add_unreadable(&label, "the archive holds no member");
    }
}

/// A tar stream that refuses metadata members (PAX headers, GNU long names) over
/// [`MAX_TAR_METADATA`] before the tar reader sees them: it follows the 512-byte headers and
/// the sizes they declare, and hands every byte through unchanged.
struct TarGuard<R> {
    inner: R,
    /// A header being read, and how much of it has been handed on.
    header: [u8; 512],
    filled: usize,
    handed: usize,
    /// Bytes of member data (with padding) left before the next header.
    data_left: u64,
}

impl<R: Read> TarGuard<R> {
    fn new(inner: R) -> Self {
        TarGuard { inner, header: [0; 512], filled: 0, handed: 0, data_left: 0 }
    }

    /// The member size a header declares (octal, or GNU base-256 for large sizes).
    fn declared_size(header: &[u8; 512]) -> u64 {
        let field = &header[124..136];
        if field[0] & 0x80 != 0 {
            return field[1..].iter().fold(0u64, |n, b| n.saturating_mul(256).saturating_add(u64::from(*b)));
        }
        let text = std::str::from_utf8(field).unwrap_or_default();
        u64::from_str_radix(text.trim_matches(|c: char| c == '\0' || c == ' '), 8).unwrap_or(0)
    }
}

impl<R: Read> Read for TarGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // The rest of a header first, then its member's data, then the next header.
        if self.handed == self.filled {
            if self.data_left > 0 {
                let want = buf.len().min(usize::try_from(self.data_left).unwrap_or(usize::MAX));
                let n = self.inner.read(&mut buf[..want])?;
                self.data_left -= n as u64;
                return Ok(n);
            }
            self.filled = 0;
            self.handed = 0;
            while self.filled < 512 {
                match self.inner.read(&mut self.header[self.filled..])? {
                    0 => break,
                    n => self.filled += n,
                }
            }
            if self.filled == 512 {
                let size = Self::declared_size(&self.header);
                let metadata = matches!(self.header[156], b'L' | b'K' | b'x' | b'g');
                if metadata && size > MAX_TAR_METADATA {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("a tar metadata member declares {size} bytes (at most {MAX_TAR_METADATA} are read)"),
                    ));
                }
                self.data_left = size.div_ceil(512).saturating_mul(512);
            }
        }
        let n = buf.len().min(self.filled - self.handed);
        buf[..n].copy_from_slice(&self.header[self.handed..self.handed + n]);
        self.handed += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn header(kind: u8, size: u64) -> [u8; 512] {
        let mut header = [0u8; 512];
        header[..4].copy_from_slice(b"name");
        let octal = format!("{size:011o}\0");
        header[124..136].copy_from_slice(octal.as_bytes());
        header[156] = kind;
        header
    }

    #[test]
    fn a_huge_pax_header_is_refused_before_it_is_read() {
        let mut stream = header(b'x', 2 << 30).to_vec();
        stream.extend_from_slice(&[b'a'; 1024]);
        let mut out = Vec::new();
        let error = TarGuard::new(stream.as_slice()).read_to_end(&mut out).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(out.is_empty(), "nothing of it was handed on");
    }

    #[test]
    fn members_pass_through_unchanged() {
        let mut stream = header(b'0', 700).to_vec();
        stream.extend_from_slice(&[7u8; 1024]);
        stream.extend_from_slice(&header(b'x', 30));
        stream.extend_from_slice(&[1u8; 512]);
        stream.extend_from_slice(&[0u8; 1024]);
        let mut out = Vec::new();
        TarGuard::new(stream.as_slice()).read_to_end(&mut out).unwrap();
        assert!(out == stream, "the stream passes through byte for byte");
    }
}
