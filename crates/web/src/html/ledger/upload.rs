//! Uploaded ledger files waiting for confirmation.
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

/// Stores the files of a new upload for `user_id`; returns its id.
pub async fn save(data_dir: &Path, user_id: i64, files: &[StoredFile]) -> std::io::Result<String> {
    let id = new_id();
    let dir = imports_dir(data_dir).join(&id);
    tokio::fs::create_dir_all(&dir).await?;
    for f in files {
        tokio::fs::write(dir.join(&f.name), &f.bytes).await?;
    }
    let owner = Owner {
        user_id,
        files: files.iter().map(|f| f.name.clone()).collect(),
    };
    let json = serde_json::to_vec(&owner).map_err(std::io::Error::other)?;
    tokio::fs::write(dir.join(OWNER), json).await?;
    Ok(id)
}

/// Takes the upload `id` if it belongs to `user_id`: the directory is renamed
/// first, so two concurrent confirmations cannot both import it, then read and
/// deleted. `None` for an unknown id or someone else's upload.
pub async fn take(
    data_dir: &Path,
    id: &str,
    user_id: i64,
) -> std::io::Result<Option<Vec<StoredFile>>> {
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
    let mut files = Vec::with_capacity(owner.files.len());
    for name in owner.files {
        // Names were sanitized when stored; check again rather than trust disk.
        if sanitize_file_name(&name) != name || name.is_empty() {
            continue;
        }
        let bytes = tokio::fs::read(claimed.join(&name)).await?;
        files.push(StoredFile { name, bytes });
    }
    tokio::fs::remove_dir_all(&claimed).await?;
    Ok(Some(files))
}

async fn read_owner(dir: &Path) -> Option<Owner> {
    let bytes = tokio::fs::read(dir.join(OWNER)).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Best effort: removes uploads nobody confirmed within a day.
pub async fn sweep_stale(data_dir: &Path) {
    let Ok(mut entries) = tokio::fs::read_dir(imports_dir(data_dir)).await else {
        return;
    };
    let now = SystemTime::now();
    while let Ok(Some(e)) = entries.next_entry().await {
        let old = e
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if old {
            let _ = tokio::fs::remove_dir_all(e.path()).await;
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
