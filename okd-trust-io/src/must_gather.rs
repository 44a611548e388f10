//! Reading a must-gather where it lies: a directory, or a `.tar`, `.tar.gz` or `.tar.xz` of one,
//! streamed member by member and never unpacked to disk. Only the files the core's
//! [`classify`](okd_trust::cluster::classify) wants are read into memory; a damaged member or a
//! truncated archive is recorded in the inputs with its path, and the rest still counts.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use okd_trust::Limits;
use okd_trust::cluster::{ClusterInputs, classify};

/// How a file given on the command line is laid out.
enum Layout {
    Directory,
    Tar,
    TarGzip,
    TarXz,
    /// One manifest file (`oc get ... -o yaml|json`).
    Manifest,
}

/// Adds everything relevant under `path` to `inputs`: a must-gather directory, a tarball of one
/// (plain, gzip or xz, by its first bytes), or one manifest file. Only an unusable `path` itself
/// is an error; what goes wrong inside is recorded in `inputs` with its path.
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
    match layout(path)? {
        Layout::Directory => walk(path, path, inputs),
        Layout::Manifest => {
            let bytes = read_file(path)?;
            inputs.add_manifests(&path.to_string_lossy(), &bytes);
            Ok(())
        }
        archive => {
            let file = BufReader::new(open_regular(path)?);
            let stream: Box<dyn Read> = match archive {
                Layout::TarGzip => Box::new(flate2::read::MultiGzDecoder::new(file)),
                Layout::TarXz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(file)),
                Layout::Tar | Layout::Directory | Layout::Manifest => Box::new(file),
            };
            read_tar(path, stream, inputs);
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

/// Every relevant regular file under `dir`, in name order; links are not followed.
fn walk(root: &Path, dir: &Path, inputs: &mut ClusterInputs) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(root, &path, inputs)?;
            continue;
        }
        let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
        if !kind.is_file() || classify(&relative).is_none() {
            continue;
        }
        match read_file(&path) {
            Ok(bytes) => inputs.add_file(&relative, &bytes),
            Err(e) => inputs.add_unreadable(&path.to_string_lossy(), &e.to_string()),
        }
    }
    Ok(())
}

fn read_tar(path: &Path, stream: impl Read, inputs: &mut ClusterInputs) {
    let limit = Limits::default().max_input_bytes;
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

/// Opens `path` if it is a regular file: a FIFO, device or socket is refused before it is opened,
/// so nothing can block on it.
fn open_regular(path: &Path) -> io::Result<File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file or directory"));
    }
    File::open(path)
}

fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    read_bounded(open_regular(path)?, Limits::default().max_input_bytes)
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
