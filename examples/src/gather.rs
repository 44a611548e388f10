//! Reading a must-gather where it lies: a directory, or a `.tar`, `.tar.gz` or `.tar.xz` of one,
//! streamed member by member and never unpacked to disk. Only the files the core's
//! [`classify`](okd_trust::cluster::classify) wants are read into memory; a damaged member or a
//! truncated archive is recorded in the inputs with its path, and the rest still counts.

use std::io::{self, BufReader, Read};
use std::path::Path;

use okd_trust::Limits;
use okd_trust::cluster::{ClusterInputs, classify};

use crate::error::CliError;
use crate::input;

/// How a file given on the command line is laid out.
enum Layout {
    Directory,
    Tar,
    TarGzip,
    TarXz,
    /// One manifest file (`oc get ... -o yaml|json`).
    Manifest,
}

/// Adds everything relevant under `path` to `inputs`.
pub(crate) fn read_into(path: &Path, inputs: &mut ClusterInputs) -> Result<(), CliError> {
    let fail = |source| CliError::Read { option: "PATH", path: path.to_owned(), source };
    match layout(path).map_err(fail)? {
        Layout::Directory => walk(path, path, inputs).map_err(fail),
        Layout::Manifest => {
            let bytes = input::read("PATH", path)?;
            inputs.add_manifests(&path.to_string_lossy(), &bytes);
            Ok(())
        }
        archive => {
            let file = BufReader::new(input::open_regular(path).map_err(fail)?);
            let stream: Box<dyn Read> = match archive {
                Layout::TarGzip => Box::new(flate2::read::MultiGzDecoder::new(file)),
                Layout::TarXz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(file)),
                _ => Box::new(file),
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
    let mut file = input::open_regular(path)?;
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
        match input::read("PATH", &path) {
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
        match input::read_bounded(entry, limit) {
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
