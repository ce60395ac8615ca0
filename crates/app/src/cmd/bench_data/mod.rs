//! `jinguo bench-data --counties N --year Y`: deterministic synthetic counties
//! for benchmarks, written through the real path — each county becomes a
//! ledger workbook (组织 … 宣传, photos as attachments) imported by
//! `db::import::import_workbook`, exactly like an uploaded file. With `--out`
//! the workbooks are written as CSV folders instead (for timing `jinguo import`).
//!
//! Proportions per county at `--scale 1` (≈10⁵ rows a year): 12 townships ×
//! 15 villages (3 of them communities), 5 new-field orgs, a venue per
//! township/village, 100 women per village, 5 officers per org, 24 activities a
//! year per village (40 per township, 60 at the county), rosters of 8–25 (60%
//! of lines with a unit, 15% walk-ins not in the registry), a publicity item
//! for 30% of activities and a photo for 30%.
//!
//! The parts: `county` (shared state, the driver of one county), `orgs` (the
//! tree walk), `people`, `activities`, `photos`, `rng`, `table` (the sheets).

mod activities;
mod county;
mod orgs;
mod people;
mod photos;
mod rng;
mod table;

use std::{path::Path, path::PathBuf, process::ExitCode, time::Instant};

use anyhow::Context;
use db::{
    Ctx, Db,
    account::{self, NewUser},
    import,
};
use domain::access::Role;
use ledger::Workbook;

use crate::setup;
use table::Table;

/// The province-level root every bench county hangs under, so one stats call
/// covers a province-year. The domain has no 省妇联 kind: the root is a county
/// kind with a 90 (省直辖) prefecture code, counted as one extra org.
pub const ROOT: &str = "429001000000";
/// The bench login (CountyAdmin over the root); the password is printed.
pub const USER: &str = "bench";
pub const PASSWORD: &str = "Load#Test2020x";

pub struct Args {
    pub counties: u32,
    pub year: i32,
    pub seed: u64,
    pub scale: f64,
    pub photos: f64,
    pub first: u32,
    pub out: Option<PathBuf>,
}

/// Peak resident memory of this process (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub async fn run(data: Option<PathBuf>, a: Args) -> anyhow::Result<ExitCode> {
    if let Some(out) = &a.out {
        for k in a.first..a.first + a.counties {
            write_folder(&a, k, out)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let db = setup::open(&setup::data_dir(data, "data-bench")).await?;
    let (mut total_rows, started) = (0usize, Instant::now());
    for k in a.first..a.first + a.counties {
        total_rows += import_county(&db, &a, k).await?;
    }
    let secs = started.elapsed().as_secs_f64();
    // Planner statistics after a bulk load (PostgreSQL needs them; SQLite too).
    use db::sea_orm::ConnectionTrait;
    let _ = db.conn.execute_unprepared("ANALYZE").await;
    create_account(&db).await;
    println!(
        "BENCH import rows={total_rows} seconds={secs:.2} rows_per_s={:.0} peak_rss_mb={:.0}",
        total_rows as f64 / secs,
        peak_rss_mb()
    );
    Ok(ExitCode::SUCCESS)
}

/// County `k` as a folder of CSV files (one per sheet) and its photos.
fn write_folder(a: &Args, k: u32, out: &Path) -> anyhow::Result<()> {
    let (tables, photos) = county::workbook(a, k);
    let dir = out.join(format!("county-{:03}", k + 1));
    std::fs::create_dir_all(&dir).with_context(|| format!("无法创建 {}", dir.display()))?;
    let mut rows = 0;
    for t in &tables {
        std::fs::write(dir.join(format!("{}.csv", t.name)), t.to_csv())?;
        rows += t.rows.len();
    }
    for (name, bytes) in &photos {
        std::fs::write(dir.join(name), bytes)?;
    }
    println!("{}\t{rows} 行\t{} 张照片", dir.display(), photos.len());
    Ok(())
}

/// Imports county `k` as one workbook, like an upload; returns its rows
/// (sheet rows and photos).
async fn import_county(db: &Db, a: &Args, k: u32) -> anyhow::Result<usize> {
    let (tables, photos) = county::workbook(a, k);
    let rows: usize = tables.iter().map(|t| t.rows.len()).sum::<usize>() + photos.len();
    let wb = Workbook {
        sheets: tables.iter().map(Table::to_sheet).collect(),
        attachments: photos,
    };
    drop(tables);
    let t0 = Instant::now();
    let outcome = import::import_workbook(db, &Ctx::operator(), &wb, false).await?;
    if !outcome.committed {
        super::ledger::print_outcome(&outcome);
        anyhow::bail!("第{}个县的台账导入失败", k + 1);
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "county {:>3}: {rows} rows in {secs:.1} s ({:.0} rows/s)",
        k + 1,
        rows as f64 / secs
    );
    Ok(rows)
}

/// The bench account, CountyAdmin over the root. A rerun adding counties
/// finds it already there. Its password is published with the benchmark: a
/// seeded account, no policy.
async fn create_account(db: &Db) {
    let user = NewUser {
        username: USER.into(),
        display_name: "基准测试".into(),
        role: Role::CountyAdmin,
        password: Some(PASSWORD.into()),
        view_roots: vec![ROOT.into()],
        capture_roots: vec![ROOT.into()],
    };
    match db
        .write(async |tx| account::create_seeded_user(tx, &Ctx::operator(), &user).await)
        .await
    {
        Ok(_) => println!("account: {USER} / {PASSWORD}"),
        Err(e) => println!("account {USER} not created: {e}"),
    }
}
