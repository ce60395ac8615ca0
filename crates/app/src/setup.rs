//! Opening the platform's storage: the database (SQLite in the data directory
//! unless `DATABASE_URL` names PostgreSQL), the key file, migrations.
//! Everything under the data directory is private to the server's user:
//! folders 0700, files 0600 (the key, the SQLite file and its -wal/-shm,
//! photos), enforced by the umask for new files and fixed at each opening
//! for files an older version or a copy left wider.

use std::path::{Path, PathBuf};

use anyhow::Context;
use db::{Db, conn};
use media::store;

pub fn data_dir(data: Option<PathBuf>, default: &str) -> PathBuf {
    data.unwrap_or_else(|| PathBuf::from(default))
}

/// Creates the data directory (0700) and makes what it holds private.
pub fn private_data_dir(dir: &Path, sqlite: bool) -> anyhow::Result<store::Tightened> {
    // Every file this process creates from here on is 0600, folders 0700
    // (SQLite makes its -wal and -shm with the database file's mode).
    store::restrict_umask();
    store::create_private_dir_all(dir)
        .with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
    let db_file = dir.join("jinguo.db");
    if sqlite && !db_file.exists() {
        // Created empty here with 0600, so SQLite never makes it wider.
        store::write_private(&db_file, b"")
            .with_context(|| format!("无法创建数据库文件 {}", db_file.display()))?;
    }
    store::tighten(dir).with_context(|| format!("无法设置数据目录 {} 的权限", dir.display()))
}

/// Opens (and migrates) the database; the key file lives in the data directory.
pub async fn open(dir: &Path) -> anyhow::Result<Db> {
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let fixed = private_data_dir(dir, url.is_none())?;
    let url = url.unwrap_or_else(|| conn::sqlite_url(dir));
    if !fixed.fixed.is_empty() {
        tracing::warn!(
            files = fixed.fixed.len(),
            "data directory: permissions narrowed to 0600/0700"
        );
    }
    let keys = conn::load_or_create_keyring(&dir.join("jinguo.key")).with_context(|| {
        format!(
            "无法读取或创建密钥文件 {}",
            dir.join("jinguo.key").display()
        )
    })?;
    let c = conn::connect(&url)
        .await
        .with_context(|| "无法连接数据库".to_string())?;
    // Photo files (activity photos, imported ones too) live beside the database.
    let db = Db::new(c, keys).with_files(dir);
    db.migrate().await.context("数据库迁移失败")?;
    let read = conn::connect_reader(&url)
        .await
        .with_context(|| "无法连接数据库（只读连接）".to_string())?;
    Ok(db.with_reader(read))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn the_data_dir_key_database_wal_and_shm_are_private() {
        if std::env::var("DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
            // The SQLite files are what this is about; DATABASE_URL points elsewhere.
            return;
        }
        let dir = std::env::temp_dir().join(format!("jinguo-setup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // An older install: a world-readable folder and photo.
        std::fs::create_dir_all(dir.join("photos/1")).unwrap();
        std::fs::write(dir.join("photos/1/a.jpg"), b"x").unwrap();
        for p in [dir.clone(), dir.join("photos"), dir.join("photos/1")] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::set_permissions(
            dir.join("photos/1/a.jpg"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();

        let db = open(&dir).await.unwrap();
        // Writes make SQLite open the -wal and -shm files.
        db.write(async |tx| db::account::bootstrap_admin(tx).await)
            .await
            .unwrap();

        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("photos")), 0o700);
        assert_eq!(mode(&dir.join("photos/1")), 0o700);
        assert_eq!(mode(&dir.join("photos/1/a.jpg")), 0o600);
        for f in ["jinguo.key", "jinguo.db", "jinguo.db-wal", "jinguo.db-shm"] {
            assert!(dir.join(f).exists(), "{f}");
            assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
        }
        drop(db);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
