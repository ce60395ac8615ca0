//! `jinguo stats --org CODE --period P`: the statistics document as JSON, with
//! the operator's full authority.

use std::{path::PathBuf, process::ExitCode};

use db::Ctx;
use domain::date::Period;

use crate::setup;

pub async fn run(data: Option<PathBuf>, org: &str, period: &str) -> anyhow::Result<ExitCode> {
    let p = Period::parse(period).map_err(|e| anyhow::anyhow!("期间「{period}」无效：{e}"))?;
    let db = setup::open(&setup::data_dir(data, "data")).await?;
    let doc = db::stats::stats(&db.conn, &Ctx::operator(), org, p).await?;
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(ExitCode::SUCCESS)
}
