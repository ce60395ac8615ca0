//! `jinguo review --org CODE --period P --format html|docx|pdf|xlsx|json
//! [--out FILE] [--compare]`: the year-end review (年度盘点) of an org subtree,
//! with the org's saved outline (else its nearest ancestor's, else the
//! default) and its draft, acting as the operator.

use std::{path::PathBuf, process::ExitCode};

use db::Ctx;
use domain::{date::Period, stats::compare::compare};
use report::{compose::Edits, outline::Outline};

use crate::setup;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Html,
    Docx,
    Pdf,
    Xlsx,
    Json,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }
}

pub async fn run(
    data: Option<PathBuf>,
    org: &str,
    period: &str,
    format: Format,
    out: Option<PathBuf>,
    with_compare: bool,
) -> anyhow::Result<ExitCode> {
    let p = Period::parse(period).map_err(|e| anyhow::anyhow!("期间「{period}」无效：{e}"))?;
    let dir = setup::data_dir(data, "data");
    let db = setup::open(&dir).await?;
    let ctx = Ctx::operator();
    let stats = db::stats::stats(&db.conn, &ctx, org, p).await?;
    let bytes: Vec<u8> = if format == Format::Xlsx {
        report::xlsx::render(&stats).map_err(anyhow::Error::msg)?
    } else {
        let records = db::review::records(&db.conn, &ctx, org, p).await?;
        let outline = match db::review::store::outline_in_use(&db.conn, &ctx, org).await? {
            Some(o) => Outline::from_json(&o.json)
                .map_err(|e| anyhow::anyhow!("{e}（提纲属于{}）", o.org_name))?,
            None => Outline::default(),
        };
        let edits: Edits = match db::review::store::load_draft(&db.conn, &ctx, org, period).await? {
            Some(json) => {
                serde_json::from_str(&json).map_err(|e| anyhow::anyhow!("盘点草稿格式有误：{e}"))?
            }
            None => Edits::default(),
        };
        let mut review = report::compose::compose(&stats, &records, &outline, &edits);
        if format != Format::Json {
            let ids: Vec<i64> = review.photos_mut().map(|ph| ph.id).collect();
            let mut files = db::review::photo_bytes(&db.conn, &ctx, &dir, &ids).await?;
            review.load_photos(|id| files.remove(&id));
        }
        match format {
            Format::Html => report::html::render(&review).into_bytes(),
            Format::Docx => report::docx::render(&review).map_err(anyhow::Error::msg)?,
            Format::Pdf => report::pdf::render(&review).map_err(anyhow::Error::msg)?,
            Format::Json | Format::Xlsx => {
                let stats_json = if with_compare {
                    let prev = db::stats::stats(&db.conn, &ctx, org, p.previous()).await?;
                    compare(&stats, &prev)
                } else {
                    serde_json::to_value(&stats)?
                };
                let doc = serde_json::json!({"stats": stats_json, "review": review});
                let mut s = serde_json::to_string_pretty(&doc)?;
                s.push('\n');
                s.into_bytes()
            }
        }
    };
    match out {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .map_err(|e| anyhow::anyhow!("无法写入「{}」：{e}", path.display()))?;
            eprintln!("已生成「{}」", path.display());
        }
        None if matches!(format, Format::Html | Format::Json) => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
        None => {
            // Binary output never goes to a terminal: a file named after the review.
            let path = PathBuf::from(format!("盘点-{org}-{period}.{}", format.ext()));
            std::fs::write(&path, &bytes)
                .map_err(|e| anyhow::anyhow!("无法写入「{}」：{e}", path.display()))?;
            eprintln!("已生成「{}」", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
