//! Files at rest under the data directory: private modes (0600 files, 0700
//! folders), and files staged beside their final name until the database
//! transaction that records them commits.
//!
//! A staged file is written as `<name>.part`; [`Staged::commit`] renames it to
//! `<name>` (called after the transaction commits), and dropping a
//! [`Staged`] that was not committed removes what it wrote, so a rollback,
//! an error or a panic leaves no file behind. A crash between the two leaves
//! a `.part` file, which `jinguo check` (and start-up) removes.
//!
//! Removals wait the same way: [`Staged::remove_at_commit`] names a file whose
//! row the transaction deletes, and only [`Staged::commit`] removes it, so a
//! rolled-back delete leaves every file in place. A crash between the commit
//! and the removal leaves a file no row names: an orphan `jinguo check` clears.

use std::{
    fs, io,
    path::{Path, PathBuf},
    sync::Mutex,
};

/// Mode of every data file (owner read/write).
pub const FILE_MODE: u32 = 0o600;
/// Mode of every data folder (owner only).
pub const DIR_MODE: u32 = 0o700;
/// Suffix of a file not yet committed.
pub const TEMP_SUFFIX: &str = ".part";

/// Makes every file and folder this process creates private to its user
/// (umask 077): the SQLite file and its -wal/-shm, uploads, exports.
pub fn restrict_umask() {
    #[cfg(target_os = "linux")]
    {
        rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    }
}

/// Creates `dir` and its missing parents with mode 0700, and makes `dir`
/// itself 0700 if it already existed.
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)?;
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir)?;
    set_mode(dir, DIR_MODE)
}

/// Writes `bytes` to `path` (created or truncated) with mode 0600.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(FILE_MODE);
    }
    let mut f = opts.open(path)?;
    // An existing file keeps its old mode through open(): set it.
    set_mode(path, FILE_MODE)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Sets the permission bits of `path` (no-op off Unix).
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// The permission bits of `path` (0 off Unix).
pub fn mode_of(path: &Path) -> io::Result<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(fs::symlink_metadata(path)?.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(0)
    }
}

/// What [`tighten`] changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tightened {
    /// Files and folders whose mode was wider than 0600 / 0700.
    pub fixed: Vec<PathBuf>,
}

/// Makes `root` and everything under it private: folders 0700, files 0600.
/// Symbolic links are neither followed nor changed.
pub fn tighten(root: &Path) -> io::Result<Tightened> {
    let mut out = Tightened::default();
    if !root.exists() {
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let meta = fs::symlink_metadata(&p)?;
        let want = if meta.is_dir() {
            DIR_MODE
        } else if meta.is_file() {
            FILE_MODE
        } else {
            continue;
        };
        if mode_of(&p)? & !want != 0 {
            set_mode(&p, want)?;
            out.fixed.push(p.clone());
        }
        if meta.is_dir() {
            for e in fs::read_dir(&p)? {
                stack.push(e?.path());
            }
        }
    }
    Ok(out)
}

/// Every regular file under `root` (no links followed), sorted.
pub fn files_under(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !root.exists() {
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in fs::read_dir(&p)? {
            let e = e?;
            let t = e.file_type()?;
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// True for the name of a staged, not yet committed file.
pub fn is_temp(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(TEMP_SUFFIX))
}

fn temp_of(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(TEMP_SUFFIX);
    path.with_file_name(name)
}

/// Files written for one database transaction (see the module doc).
pub struct Staged {
    root: PathBuf,
    /// (temporary, final) pairs, in write order.
    pending: Mutex<Vec<(PathBuf, PathBuf)>>,
    /// Files to remove once the transaction has committed.
    removals: Mutex<Vec<PathBuf>>,
}

impl Staged {
    /// Files to be placed under `root` (the data directory).
    pub fn new(root: impl Into<PathBuf>) -> Staged {
        Staged {
            root: root.into(),
            pending: Mutex::new(Vec::new()),
            removals: Mutex::new(Vec::new()),
        }
    }

    /// The data directory the files go under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Vec<(PathBuf, PathBuf)>> {
        // A panic while holding the lock leaves a list that is still valid.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes `bytes` for `path` under a temporary name (0600, folders
    /// 0700); `path` itself appears only at [`Staged::commit`].
    pub fn put(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        if let Some(dir) = path.parent() {
            create_private_dir_all(dir)?;
        }
        let tmp = temp_of(path);
        if let Err(e) = write_private(&tmp, bytes) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        self.pending().push((tmp, path.to_path_buf()));
        Ok(())
    }

    /// Drops the staged files of `paths` (their rows won't commit).
    pub fn forget(&self, paths: &[PathBuf]) {
        self.pending().retain(|(tmp, fin)| {
            let gone = paths.contains(fin);
            if gone {
                let _ = fs::remove_file(tmp);
            }
            !gone
        });
    }

    fn removals(&self) -> std::sync::MutexGuard<'_, Vec<PathBuf>> {
        self.removals.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes the file at `path` at [`Staged::commit`] (its row is deleted
    /// in the transaction); never before, so a rollback keeps it.
    pub fn remove_at_commit(&self, path: &Path) {
        self.removals().push(path.to_path_buf());
    }

    /// How many files wait for the commit (to be placed or removed).
    pub fn len(&self) -> usize {
        self.pending().len() + self.removals().len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves every staged file into place and removes the files named for
    /// removal; call once the transaction has committed. A file that cannot be
    /// moved stays staged, one that cannot be removed stays (each reported),
    /// the others are done. A file already gone counts as removed.
    pub fn commit(&self) -> io::Result<usize> {
        let pending = std::mem::take(&mut *self.pending());
        let removals = std::mem::take(&mut *self.removals());
        let mut first_error = None;
        let mut placed = 0;
        for (tmp, fin) in pending {
            match fs::rename(&tmp, &fin) {
                Ok(()) => placed += 1,
                Err(e) => {
                    first_error.get_or_insert(io::Error::new(
                        e.kind(),
                        format!("{} → {}: {e}", tmp.display(), fin.display()),
                    ));
                }
            }
        }
        for path in removals {
            match fs::remove_file(&path) {
                Ok(()) => placed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => placed += 1,
                Err(e) => {
                    first_error.get_or_insert(io::Error::new(
                        e.kind(),
                        format!("{} not removed: {e}", path.display()),
                    ));
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(placed),
        }
    }
}

impl Drop for Staged {
    /// Not committed: the transaction rolled back or never finished. What it
    /// wrote goes; what it was to remove stays.
    fn drop(&mut self) {
        for (tmp, _) in self.pending().drain(..) {
            let _ = fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "jinguo-store-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn a_staged_file_appears_only_at_commit_and_is_private() {
        let root = dir();
        let f = root.join("photos/7/a.jpg");
        let s = Staged::new(&root);
        s.put(&f, b"x").unwrap();
        assert!(!f.exists());
        assert!(temp_of(&f).exists());
        assert_eq!(s.commit().unwrap(), 1);
        assert_eq!(fs::read(&f).unwrap(), b"x");
        assert!(!temp_of(&f).exists());
        #[cfg(unix)]
        {
            assert_eq!(mode_of(&f).unwrap(), FILE_MODE);
            assert_eq!(mode_of(f.parent().unwrap()).unwrap(), DIR_MODE);
        }
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn a_removal_happens_only_at_commit() {
        let root = dir().with_extension("remove");
        let f = root.join("photos/7/c.jpg");
        fs::create_dir_all(f.parent().unwrap()).unwrap();
        fs::write(&f, b"z").unwrap();
        {
            let s = Staged::new(&root);
            s.remove_at_commit(&f);
            assert_eq!(s.len(), 1);
        }
        assert!(f.exists(), "a dropped stage removed a file");
        let s = Staged::new(&root);
        s.remove_at_commit(&f);
        s.remove_at_commit(&root.join("photos/7/gone.jpg"));
        assert!(f.exists());
        assert_eq!(s.commit().unwrap(), 2);
        assert!(!f.exists());
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn a_dropped_stage_leaves_nothing() {
        let root = dir().with_extension("drop");
        let f = root.join("photos/7/b.jpg");
        {
            let s = Staged::new(&root);
            s.put(&f, b"y").unwrap();
        }
        assert!(files_under(&root).unwrap().is_empty());
        let _ = fs::remove_dir_all(&root);
    }
}
