//! Replacing a file the user owns, the way a careful package manager does.
//!
//! A file to be repaired is opened and locked *before* it is read, and stays locked through
//! verification until it is replaced, so two runs never plan from the same bytes (the second waits,
//! then reads what the first wrote). Right before the rename, the path must still name the locked
//! file with the bytes read: anything else changed it, and nothing is written. Every file this
//! creates — the temporary file, the backup — is created new (`O_EXCL`) with owner-only
//! permissions, then given the original's owner, mode and extended attributes (SELinux labels live
//! there) before its first byte is written, so no content is ever readable by more people than the
//! original allows. On failure only what this run created is removed.

use std::ffi::OsString;
use std::fs::{self, File, Metadata, OpenOptions, TryLockError};
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::input;

/// How long to wait for another run's lock before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(60);

/// A file held for repair: locked, with its identity and its bytes as read under the lock.
#[derive(Debug)]
pub(crate) struct Locked {
    /// The path as the user gave it (for messages).
    shown: PathBuf,
    /// The file itself, links resolved: what is replaced (a link stays a link).
    target: PathBuf,
    /// The open file; holding it holds the lock.
    file: File,
    metadata: Metadata,
    bytes: Vec<u8>,
}

/// Why a file could not be held or replaced; the message says what was written, if anything.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReplaceError {
    /// The operating system refused a step.
    #[error("{}: {step}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What was being done.
        step: &'static str,
        /// Why it failed.
        source: io::Error,
    },
    /// Another process held the lock for too long.
    #[error("{}: another process has held its lock for {}s (a concurrent repair?); nothing written", path.display(), LOCK_WAIT.as_secs())]
    Busy {
        /// The file concerned.
        path: PathBuf,
    },
    /// The file changed after it was read.
    #[error("{}: changed while it was being repaired ({what}); nothing written to it, run again to re-plan", path.display())]
    Changed {
        /// The file concerned.
        path: PathBuf,
        /// What changed.
        what: &'static str,
    },
    /// The backup could not be made; nothing was written.
    #[error(
        "{}: backup {} failed ({source}){}; nothing was written",
        path.display(),
        backup.display(),
        if *removed { "; the partial backup was removed" } else { "" }
    )]
    Backup {
        /// The file concerned.
        path: PathBuf,
        /// The backup that was attempted.
        backup: PathBuf,
        /// Why.
        source: io::Error,
        /// Whether a partial backup had been created (and was removed).
        removed: bool,
    },
}

impl ReplaceError {
    fn io<'a>(path: &'a Path, step: &'static str) -> impl FnOnce(io::Error) -> ReplaceError + 'a {
        move |source| ReplaceError::Io { path: path.to_owned(), step, source }
    }
}

/// `(device, inode)`: what makes a file the same file, whatever its name.
fn identity(metadata: &Metadata) -> (u64, u64) {
    (metadata.dev(), metadata.ino())
}

impl Locked {
    /// Opens `path` (a regular file, links followed), waits for its exclusive advisory lock, and
    /// reads it — at most `limit` bytes. Should the path be replaced by another file while this
    /// waited (another run's rename), the new file is opened and locked instead.
    pub(crate) fn open(path: &Path, limit: usize) -> Result<Locked, ReplaceError> {
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            let target = fs::canonicalize(path).map_err(ReplaceError::io(path, "cannot resolve"))?;
            let file = input::open_regular(&target).map_err(ReplaceError::io(path, "cannot open"))?;
            loop {
                match file.try_lock() {
                    Ok(()) => break,
                    Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    Err(TryLockError::WouldBlock) => return Err(ReplaceError::Busy { path: path.to_owned() }),
                    Err(TryLockError::Error(e)) => return Err(ReplaceError::io(path, "cannot lock")(e)),
                }
            }
            let metadata = file.metadata().map_err(ReplaceError::io(path, "cannot stat"))?;
            let now_named = fs::metadata(&target).map(|m| identity(&m));
            if now_named.ok() != Some(identity(&metadata)) {
                // Replaced while we waited: the lock we hold is on a file nobody will read again.
                continue;
            }
            let bytes = input::read_bounded(&file, limit).map_err(ReplaceError::io(path, "cannot read"))?;
            return Ok(Locked { shown: path.to_owned(), target, file, metadata, bytes });
        }
    }

    /// The bytes read under the lock.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The path as given.
    pub(crate) fn shown(&self) -> &Path {
        &self.shown
    }

    /// The device and inode of the locked file.
    pub(crate) fn identity(&self) -> (u64, u64) {
        identity(&self.metadata)
    }

    /// Fails unless the path still names the locked file and the file still holds the bytes read.
    fn check_unchanged(&mut self) -> Result<(), ReplaceError> {
        let named = fs::metadata(&self.target).map_err(ReplaceError::io(&self.shown, "cannot stat"))?;
        if identity(&named) != identity(&self.metadata) {
            return Err(ReplaceError::Changed {
                path: self.shown.clone(),
                what: "another file was moved in its place",
            });
        }
        self.file.seek(SeekFrom::Start(0)).map_err(ReplaceError::io(&self.shown, "cannot re-read"))?;
        // One byte more than was read is enough to tell it grew.
        let mut now = Vec::with_capacity(self.bytes.len() + 1);
        (&self.file)
            .take(self.bytes.len() as u64 + 1)
            .read_to_end(&mut now)
            .map_err(ReplaceError::io(&self.shown, "cannot re-read"))?;
        if now != self.bytes {
            return Err(ReplaceError::Changed { path: self.shown.clone(), what: "its content was edited" });
        }
        Ok(())
    }

    /// Copies the file, as read, to `backup` (a new file, never an existing one), with the
    /// original's owner, mode and extended attributes from the first byte, synced.
    pub(crate) fn backup(&mut self, backup: &Path) -> Result<(), ReplaceError> {
        self.check_unchanged()?;
        let fail = |source, removed| ReplaceError::Backup {
            path: self.shown.clone(),
            backup: backup.to_owned(),
            source,
            removed,
        };
        let mut created = create_private(backup).map_err(|e| fail(e, false))?;
        let made = dress_like(&mut created.file, &self.target, &self.metadata)
            .and_then(|()| created.file.write_all(&self.bytes))
            .and_then(|()| created.file.sync_all());
        match made {
            Ok(()) => {
                created.keep();
                sync_dir(backup);
                Ok(())
            }
            Err(e) => {
                // Dropping it removes the partial backup: a truncated copy must not pass for one.
                drop(created);
                Err(fail(e, true))
            }
        }
    }

    /// Replaces the file's content with `bytes`, atomically: a new file beside it, made like the
    /// original, written and synced, checked once more, then renamed over it and the rename synced.
    pub(crate) fn replace(&mut self, bytes: &[u8]) -> Result<(), ReplaceError> {
        self.check_unchanged()?;
        let mut temp = create_temp(&self.target, &self.metadata)
            .map_err(ReplaceError::io(&self.shown, "cannot create the temporary file"))?;
        temp.file.write_all(bytes).map_err(ReplaceError::io(&self.shown, "cannot write the temporary file"))?;
        temp.file.sync_all().map_err(ReplaceError::io(&self.shown, "cannot sync the temporary file"))?;
        self.check_unchanged()?;
        fs::rename(&temp.path, &self.target).map_err(ReplaceError::io(&self.shown, "cannot rename into place"))?;
        temp.keep();
        sync_dir(&self.target);
        Ok(())
    }
}

/// A file this run created; removed when dropped unless kept, so a failure removes only it.
struct Created {
    path: PathBuf,
    file: File,
    kept: bool,
}

impl Created {
    fn keep(&mut self) {
        self.kept = true;
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Creates `path` new (never an existing file), readable and writable by this process's user only.
fn create_private(path: &Path) -> io::Result<Created> {
    let file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    Ok(Created { path: path.to_owned(), file, kept: false })
}

/// Creates `path` new, owner-only, then gives it `like`'s owner, mode and extended attributes —
/// all before a byte is written.
fn create_like(path: &Path, original: &Path, like: &Metadata) -> io::Result<Created> {
    let mut created = create_private(path)?;
    dress_like(&mut created.file, original, like)?;
    Ok(created)
}

fn dress_like(file: &mut File, original: &Path, like: &Metadata) -> io::Result<()> {
    if (like.uid(), like.gid()) != {
        let own = file.metadata()?;
        (own.uid(), own.gid())
    } {
        std::os::unix::fs::fchown(&*file, Some(like.uid()), Some(like.gid())).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot give it the original's owner {}:{} ({e})", like.uid(), like.gid()))
        })?;
    }
    // After the owner: changing the owner clears set-id bits.
    file.set_permissions(fs::Permissions::from_mode(like.permissions().mode() & 0o7777))?;
    copy_xattrs(original, file)
}

/// Copies every extended attribute of `original` (SELinux's `security.selinux` among them).
fn copy_xattrs(original: &Path, to: &File) -> io::Result<()> {
    use xattr::FileExt as _;
    let names = match xattr::list(original) {
        Ok(names) => names,
        // A filesystem without extended attributes has none to keep.
        Err(e) if e.raw_os_error() == Some(libc::ENOTSUP) => return Ok(()),
        Err(e) => return Err(e),
    };
    for name in names {
        let Some(value) = xattr::get(original, &name)? else { continue };
        to.set_xattr(&name, &value).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot keep extended attribute {}: {e}", name.to_string_lossy()))
        })?;
    }
    Ok(())
}

/// A new temporary file beside `target`, named after it and this process; a name already taken
/// (say, by an interrupted run) is left alone and the next one tried.
fn create_temp(target: &Path, like: &Metadata) -> io::Result<Created> {
    let dir = parent(target);
    for n in 0..100u32 {
        let path = dir.join(temp_name(target, n));
        match create_like(&path, target, like) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            other => return other,
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free temporary file name"))
}

/// `.NAME.okd-trust-PID-N.tmp`.
fn temp_name(target: &Path, n: u32) -> OsString {
    let mut name = OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(format!(".okd-trust-{}-{n}.tmp", std::process::id()));
    name
}

/// Temporary files of `target` that an interrupted run left behind (they are never reused).
pub(crate) fn leftovers(target: &Path) -> Vec<PathBuf> {
    let Some(name) = target.file_name() else { return Vec::new() };
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".okd-trust-");
    let Ok(entries) = fs::read_dir(parent(target)) else { return Vec::new() };
    let prefix = prefix.as_encoded_bytes();
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.as_encoded_bytes().starts_with(prefix) && n.as_encoded_bytes().ends_with(b".tmp"))
        })
        .collect();
    found.sort();
    found
}

fn parent(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Makes a new name in `path`'s directory durable (best effort: some filesystems refuse).
fn sync_dir(path: &Path) {
    if let Ok(dir) = File::open(parent(path)) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("okd-trust-replace-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replace_keeps_mode_and_xattrs_and_leaves_no_temp() {
        let dir = scratch("keeps");
        let path = dir.join("kubeconfig");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let with_xattr = xattr::set(&path, "user.okd-trust-test", b"label").is_ok();
        let mut locked = Locked::open(&path, 1 << 20).unwrap();
        assert_eq!(locked.bytes(), b"old");
        locked.replace(b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o7777, 0o640);
        if with_xattr {
            assert_eq!(xattr::get(&path, "user.okd-trust-test").unwrap().as_deref(), Some(&b"label"[..]));
        } else {
            eprintln!("*** extended attributes unsupported here: xattr copy NOT checked ***");
        }
        assert!(leftovers(&path).is_empty());
    }

    #[test]
    fn an_edit_after_the_read_is_never_overwritten() {
        let dir = scratch("edited");
        let path = dir.join("kubeconfig");
        fs::write(&path, "old").unwrap();
        let mut locked = Locked::open(&path, 1 << 20).unwrap();
        // An editor that ignores advisory locks writes in place...
        fs::write(&path, "edited").unwrap();
        assert!(matches!(locked.replace(b"new"), Err(ReplaceError::Changed { .. })));
        assert_eq!(fs::read(&path).unwrap(), b"edited");
        drop(locked);
        // ...or renames another file over it.
        let mut locked = Locked::open(&path, 1 << 20).unwrap();
        fs::write(dir.join("other"), "edited").unwrap();
        fs::rename(dir.join("other"), &path).unwrap();
        assert!(matches!(locked.replace(b"new"), Err(ReplaceError::Changed { .. })));
        assert!(leftovers(&path).is_empty());
    }

    #[test]
    fn a_temp_name_in_use_is_skipped_not_removed() {
        let dir = scratch("taken");
        let path = dir.join("kubeconfig");
        fs::write(&path, "old").unwrap();
        let squatter = dir.join(temp_name(&path, 0));
        fs::write(&squatter, "not ours").unwrap();
        Locked::open(&path, 1 << 20).unwrap().replace(b"new").unwrap();
        assert_eq!(fs::read(&squatter).unwrap(), b"not ours");
        assert_eq!(leftovers(&path), vec![squatter]);
    }

    #[test]
    fn a_second_holder_waits_and_reads_the_first_ones_result() {
        let dir = scratch("waits");
        let path = dir.join("kubeconfig");
        fs::write(&path, "v1").unwrap();
        let mut first = Locked::open(&path, 1 << 20).unwrap();
        let waiter = {
            let path = path.clone();
            std::thread::spawn(move || Locked::open(&path, 1 << 20).map(|l| l.bytes().to_vec()))
        };
        std::thread::sleep(Duration::from_millis(200));
        first.replace(b"v2").unwrap();
        drop(first);
        assert_eq!(waiter.join().unwrap().unwrap(), b"v2");
    }

    #[test]
    fn backup_is_made_like_the_original() {
        let dir = scratch("backup");
        let path = dir.join("kubeconfig");
        fs::write(&path, "secret").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let mut locked = Locked::open(&path, 1 << 20).unwrap();
        let backup = dir.join("kubeconfig.bak");
        locked.backup(&backup).unwrap();
        assert_eq!(fs::read(&backup).unwrap(), b"secret");
        assert_eq!(fs::metadata(&backup).unwrap().permissions().mode() & 0o7777, 0o600);
        // Never over an existing file.
        assert!(matches!(locked.backup(&backup), Err(ReplaceError::Backup { .. })));
        assert_eq!(fs::read(&backup).unwrap(), b"secret");
    }
}
