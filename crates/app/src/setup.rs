//! Opening the platform's storage: the database (SQLite in the data directory
//! unless `DATABASE_URL` names PostgreSQL), the key file, migrations.

use std::path::{Path, PathBuf};

use anyhow::Context;
use db::{Db, conn};

pub fn data_dir(data: Option<PathBuf>, default: &str) -> PathBuf {
    data.unwrap_or_else(|| PathBuf::from(default))
}

/// Opens (and migrates) the database; the key file lives in the data directory.
pub async fn open(dir: &Path) -> anyhow::Result<Db> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
    let url = match std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    {
        Some(u) => u,
        None => conn::sqlite_url(dir),
    };
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
