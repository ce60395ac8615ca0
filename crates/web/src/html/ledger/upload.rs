//! Uploaded ledger files waiting for their import.
//!
//! The folders are 0700 and the files 0600 (a ledger is a list of people).
//! An upload's files are deleted as soon as its import ends (errors found in
//! the preview, or confirmed); only when the operator sets
//! `JINGUO_IMPORT_RETAIN_DAYS` are they kept, and then encrypted with the
//! database's key ring under `imports/retained/`, for that many days.
//!
//! Each upload lives in `data_dir/imports/<id>/`: the files under their
//! (sanitized) original names — a CSV's name is its sheet's name, so it must be
//! kept — plus `owner.json` naming the uploader. The id is 128 random bits in
//! hex; only that exact shape is accepted back, so an id can never walk out of
//! the imports directory. Keeping the files on disk (not in the session)
//! lets the application run as several stateless instances over a shared
//! directory.

use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// The sidecar file; uploaded names never start with a dot, so no upload can
/// overwrite it (see [`sanitize_file_name`]).
const OWNER: &str = ".owner.json";

/// Uploads left unconfirmed for this long are deleted on the next upload.
const STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

#[derive(Serialize, Deserialize)]
struct Owner {
    user_id: i64,
    files: Vec<String>,
}

/// One file of an upload, as stored.
pub struct StoredFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

fn imports_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("imports")
}

pub fn new_id() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// True for ids made by [`new_id`]: exactly 32 lowercase hex digits.
pub fn valid_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The last path component of a browser-supplied name, without characters
/// that are unsafe in file names on Linux or Windows, without leading dots,
/// and at most 100 characters (the extension is kept: it picks the reader).
pub fn sanitize_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !"<>:\"|?*".contains(*c))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.chars().count() <= 100 {
        return cleaned;
    }
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((s, e)) if e.chars().count() <= 10 => (s.to_string(), format!(".{e}")),
        _ => (cleaned.clone(), String::new()),
    };
    let keep = 100 - ext.chars().count();
    stem.chars().take(keep).collect::<String>() + &ext
}

/// Creates `dir` (and missing parents) readable by this user only.
pub async fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = tokio::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    b.mode(0o700);
    b.create(dir).await?;
    // `mode` does not apply to folders that already existed.
    set_mode(dir, 0o700).await
}

async fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tokio::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).await?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Writes a file readable by this user only: created 0600, never widened.
pub async fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut o = tokio::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    o.mode(0o600);
    let mut f = o.open(path).await?;
    f.write_all(bytes).await?;
    f.flush().await?;
    drop(f);
    set_mode(path, 0o600).await
}

/// Stores the files of a new upload for `user_id`; returns its id.
pub async fn save(data_dir: &Path, user_id: i64, files: &[StoredFile]) -> std::io::Result<String> {
    let id = new_id();
    private_dir(&imports_dir(data_dir)).await?;
    let dir = imports_dir(data_dir).join(&id);
    private_dir(&dir).await?;
    for f in files {
        write_private(&dir.join(&f.name), &f.bytes).await?;
    }
    let owner = Owner {
        user_id,
        files: files.iter().map(|f| f.name.clone()).collect(),
    };
    let json = serde_json::to_vec(&owner).map_err(std::io::Error::other)?;
    write_private(&dir.join(OWNER), &json).await?;
    Ok(id)
}

/// Reads the files of an upload folder (made by [`save`]).
pub async fn load(dir: &Path) -> std::io::Result<Vec<StoredFile>> {
    let Some(owner) = read_owner(dir).await else {
        return Ok(Vec::new());
    };
    let mut files = Vec::with_capacity(owner.files.len());
    for name in owner.files {
        // Names were sanitized when stored; check again rather than trust disk.
        if sanitize_file_name(&name) != name || name.is_empty() {
            continue;
        }
        let bytes = tokio::fs::read(dir.join(&name)).await?;
        files.push(StoredFile { name, bytes });
    }
    Ok(files)
}

/// The import of the upload in `dir` has ended: its files are deleted, or,
/// with retention configured, kept encrypted (one base64 text per file,
/// sealed with the current key of `keys`) under `imports/retained/<id>/`.
pub async fn end(
    data_dir: &Path,
    dir: &Path,
    id: &str,
    retain_days: u64,
    keys: &domain::crypto::Keyring,
) -> std::io::Result<()> {
    if retain_days > 0 && valid_id(id) {
        let files = load(dir).await?;
        let kept = imports_dir(data_dir).join(RETAINED).join(id);
        private_dir(&kept).await?;
        for f in files {
            let text = base64::engine::general_purpose::STANDARD.encode(&f.bytes);
            let sealed = keys.encrypt(&text);
            write_private(&kept.join(format!("{}.enc", f.name)), sealed.as_bytes()).await?;
        }
    }
    match tokio::fs::remove_dir_all(dir).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Where retained (encrypted) uploads live.
pub const RETAINED: &str = "retained";
/// Where full error lists (CSV) of finished imports live.
pub const REPORTS: &str = "reports";

/// Stores the full error list of job `job` of `user_id`.
pub async fn save_report(
    data_dir: &Path,
    job: &str,
    user_id: i64,
    csv: &[u8],
) -> std::io::Result<()> {
    let dir = imports_dir(data_dir).join(REPORTS);
    private_dir(&imports_dir(data_dir)).await?;
    private_dir(&dir).await?;
    write_private(&dir.join(format!("{job}-{user_id}.csv")), csv).await
}

/// The full error list of `job`, if it is `user_id`'s.
pub async fn read_report(data_dir: &Path, job: &str, user_id: i64) -> Option<Vec<u8>> {
    if !valid_id(job) {
        return None;
    }
    let path = imports_dir(data_dir)
        .join(REPORTS)
        .join(format!("{job}-{user_id}.csv"));
    tokio::fs::read(path).await.ok()
}

/// Takes the upload `id` if it belongs to `user_id`: the directory is renamed
/// first, so two concurrent confirmations cannot both import it; returns the
/// claimed folder, which [`end`] removes. `None` for an unknown id or someone
/// else's upload.
pub async fn take(data_dir: &Path, id: &str, user_id: i64) -> std::io::Result<Option<PathBuf>> {
    if !valid_id(id) {
        return Ok(None);
    }
    let base = imports_dir(data_dir);
    let dir = base.join(id);
    let Some(owner) = read_owner(&dir).await else {
        return Ok(None);
    };
    if owner.user_id != user_id {
        return Ok(None);
    }
    let claimed = base.join(format!("{id}.taken-{}", new_id()));
    if tokio::fs::rename(&dir, &claimed).await.is_err() {
        // Someone else (the same user in another tab) took it first.
        return Ok(None);
    }
    Ok(Some(claimed))
}

async fn read_owner(dir: &Path) -> Option<Owner> {
    let bytes = tokio::fs::read(dir.join(OWNER)).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Best effort: removes uploads nobody confirmed within a day, error lists
/// older than a day, and retained uploads older than `retain_days`.
pub async fn sweep_stale(data_dir: &Path, retain_days: u64) {
    let base = imports_dir(data_dir);
    sweep_dir(&base, STALE_AFTER, &[RETAINED, REPORTS]).await;
    sweep_dir(&base.join(REPORTS), STALE_AFTER, &[]).await;
    let keep = Duration::from_secs(retain_days.max(1) * 24 * 3600);
    sweep_dir(&base.join(RETAINED), keep, &[]).await;
}

async fn sweep_dir(dir: &Path, older: Duration, spare: &[&str]) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return;
    };
    let now = SystemTime::now();
    while let Ok(Some(e)) = entries.next_entry().await {
        if spare.iter().any(|s| e.file_name() == *s) {
            continue;
        }
        let old = e
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > older);
        if old {
            let p = e.path();
            if tokio::fs::remove_dir_all(&p).await.is_err() {
                let _ = tokio::fs::remove_file(&p).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_leading_dots_but_keep_chinese_and_extension() {
        assert_eq!(sanitize_file_name("人员.csv"), "人员.csv");
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("C:\\Users\\张\\台账.xlsx"), "台账.xlsx");
        assert_eq!(sanitize_file_name(".owner.json"), "owner.json");
        assert_eq!(sanitize_file_name("a<b>|c?.csv"), "abc.csv");
        let long = format!("{}.xlsx", "台".repeat(150));
        let s = sanitize_file_name(&long);
        assert_eq!(s.chars().count(), 100);
        assert!(s.ends_with(".xlsx"));
    }

    #[test]
    fn only_generated_ids_are_valid() {
        assert!(valid_id(&new_id()));
        assert!(!valid_id("../../../etc"));
        assert!(!valid_id(&"A".repeat(32)));
        assert!(!valid_id("abc"));
    }
}
