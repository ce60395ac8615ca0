//! `jinguo check`: the data directory's files against the database. Reports
//! and narrows wider-than-private modes, moves committed-but-unplaced photo
//! files into place, and removes orphaned ones (no row names them: staged
//! leftovers of transactions that never committed, files of deleted rows).
//! The same sweep runs at start-up of `serve`.

use std::{path::PathBuf, process::ExitCode, time::Duration};

use db::{Db, activity::photo};

use crate::setup;

/// A staged or orphaned file younger than this may belong to an upload
/// still in its transaction on a running server: `check` leaves it.
pub const GRACE: Duration = Duration::from_secs(3600);

pub async fn run(data: Option<PathBuf>, dry_run: bool) -> anyhow::Result<ExitCode> {
    let dir = setup::data_dir(data, "data");
    let sqlite = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .is_none();
    // Modes first, reported one by one (open() narrows them silently).
    let modes = setup::private_data_dir(&dir, sqlite)?.fixed;
    for f in &modes {
        println!("权限已收紧为仅本用户可读写：{}", f.display());
    }
    let db = setup::open(&dir).await?;
    let s = photo::sweep(&db.conn, &dir, !dry_run, GRACE).await?;
    for f in &s.recovered {
        println!("已补放已提交的照片文件：{}", f.display());
    }
    let verb = if dry_run {
        "孤立文件（未删除）"
    } else {
        "已删除孤立文件"
    };
    for f in &s.orphans {
        println!("{verb}：{}", f.display());
    }
    for f in &s.young {
        println!(
            "暂未处理（不足{}分钟，可能正在上传）：{}",
            GRACE.as_secs() / 60,
            f.display()
        );
    }
    println!(
        "检查完成：权限收紧{}个，孤立文件{}个，补放{}个，暂缓{}个。",
        modes.len(),
        s.orphans.len(),
        s.recovered.len(),
        s.young.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The sweep at start-up: nothing else writes yet, so no grace period.
pub async fn at_startup(db: &Db, dir: &std::path::Path) -> anyhow::Result<()> {
    let s = photo::sweep(&db.conn, dir, true, Duration::ZERO).await?;
    if !s.orphans.is_empty() || !s.recovered.is_empty() {
        tracing::warn!(
            removed = s.orphans.len(),
            recovered = s.recovered.len(),
            "photo files without a row removed, committed ones placed"
        );
    }
    Ok(())
}
