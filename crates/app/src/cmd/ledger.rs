//! `jinguo import` / `export` / `template`: the ledger workbook from the shell.
//! The CLI acts with the operator's full authority (like `psql` on the server).

use std::{path::Path, path::PathBuf, process::ExitCode};

use anyhow::Context;
use db::{Ctx, import};

use crate::setup;

pub async fn import(data: Option<PathBuf>, file: &Path, dry_run: bool) -> anyhow::Result<ExitCode> {
    // The same caps as the server (JINGUO_IMPORT_MAX_*, docs/security.md).
    let limits = ledger::Limits::from_env().map_err(|e| anyhow::anyhow!(e))?;
    let wb = ledger::Reader::new(limits).read_path(file)?;
    let db = setup::open(&setup::data_dir(data, "data")).await?;
    let outcome = import::import_workbook(&db, &Ctx::operator(), &wb, dry_run).await?;
    print_outcome(&outcome);
    Ok(if outcome.report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

pub fn print_outcome(outcome: &import::ImportOutcome) {
    for w in &outcome.report.warnings {
        println!("提示：{w}");
    }
    for e in &outcome.report.errors {
        println!("错误：{e}");
    }
    for c in &outcome.counts {
        println!(
            "{}：{}行（新增{}，更新{}）",
            c.sheet, c.rows, c.created, c.updated
        );
    }
    if outcome.committed {
        println!("导入完成。");
    } else if !outcome.report.is_ok() {
        println!(
            "文件有{}处错误，未导入任何数据。",
            outcome.report.errors.len()
        );
    } else {
        println!("校验通过（试导入，未写入）。");
    }
}

pub async fn export(
    data: Option<PathBuf>,
    org: &str,
    out: &Path,
    purpose: &str,
) -> anyhow::Result<ExitCode> {
    let db = setup::open(&setup::data_dir(data, "data")).await?;
    let bytes = import::export::export_workbook(&db, &Ctx::operator(), org, purpose).await?;
    std::fs::write(out, bytes).with_context(|| format!("无法写入 {}", out.display()))?;
    println!("已导出到 {}", out.display());
    Ok(ExitCode::SUCCESS)
}

pub fn template(out: &Path) -> anyhow::Result<ExitCode> {
    let bytes = ledger::template_xlsx(ledger::ALL_SHEETS).map_err(|e| anyhow::anyhow!(e))?;
    std::fs::write(out, bytes).with_context(|| format!("无法写入 {}", out.display()))?;
    println!("空白模板已写入 {}", out.display());
    Ok(ExitCode::SUCCESS)
}
