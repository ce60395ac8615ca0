//! Benchmark helpers (hidden subcommands, used by `bench/run.sh`):
//! `bench-stats` times the real statistics path (`db::stats::stats`) and, as
//! its floor, hand-written SQL computing the same figures on the same
//! connection; `bench-hello` serves a hello-world route through the same axum
//! stack (same middleware) as `serve`, the ceiling for request rates.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Instant};

use anyhow::Context;
use db::Ctx;
use db::sea_orm::{self, ConnectionTrait};
use domain::date::Period;

use crate::setup;

fn summary(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "BENCH {label} runs={} median_ms={:.1} p95_ms={:.1} min_ms={:.1}",
        ms.len(),
        at(0.5),
        at(0.95),
        ms[0]
    );
}

/// Times `db::stats::stats` for `org`/`period` over `runs` runs (after one
/// warm-up); with `raw`, also the SQL file with `{root}`, `{from}`, `{to}`
/// replaced, every statement run in order, rows fetched.
pub async fn stats(
    data: Option<PathBuf>,
    org: &str,
    period: &str,
    runs: usize,
    raw: Option<PathBuf>,
    review: bool,
) -> anyhow::Result<ExitCode> {
    let data_dir = data.clone();
    let p = Period::parse(period).map_err(|e| anyhow::anyhow!("期间「{period}」无效：{e}"))?;
    let db = setup::open(&setup::data_dir(data, "data-bench")).await?;
    let ctx = Ctx::operator();
    let runs = runs.max(1);
    let mut times = Vec::with_capacity(runs);
    // The reading pool, as the server computes it (its queries run at once).
    let doc = db::stats::stats(&db.read, &ctx, org, p).await?;
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(db::stats::stats(&db.read, &ctx, org, p).await?);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let json = serde_json::to_value(&doc)?;
    println!(
        "stats activities: {}",
        json.pointer("/activities")
            .map(|v| v.to_string().chars().take(300).collect::<String>())
            .unwrap_or_default()
    );
    summary("stats", times);
    // What pages and the API answer while nothing changes: the cached
    // document (one version read, one org lookup).
    db::stats::stats_cached(&db, &ctx, org, p).await?;
    let mut cached = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(db::stats::stats_cached(&db, &ctx, org, p).await?);
        cached.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    summary("stats_cached", cached);
    if let Some(file) = raw {
        let root = db::org::find_by_code(&db.conn, org)
            .await?
            .with_context(|| format!("组织「{org}」不存在"))?;
        let sql = std::fs::read_to_string(&file)
            .with_context(|| format!("无法读取 {}", file.display()))?
            .replace("{root}", &root.path)
            .replace("{from}", &p.from.to_string())
            .replace("{to}", &p.to.to_string());
        // Comment lines may contain semicolons: drop them before splitting.
        let sql: String = sql
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let statements: Vec<&str> = sql
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let backend = db.conn.get_database_backend();
        let run_all = async || -> anyhow::Result<usize> {
            let mut rows = 0;
            for s in &statements {
                rows += db
                    .conn
                    .query_all_raw(sea_orm::Statement::from_string(backend, s.to_string()))
                    .await?
                    .len();
            }
            Ok(rows)
        };
        let rows = run_all().await?;
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            std::hint::black_box(run_all().await?);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "raw sql: {} statements, {rows} result rows",
            statements.len()
        );
        summary("raw_sql", times);
    }
    if review {
        let dir = setup::data_dir(data_dir, "data-bench");
        let (mut html_ms, mut docx_ms) = (Vec::new(), Vec::new());
        for _ in 0..runs.min(10) {
            let t = Instant::now();
            let r = compose_review(&db, &dir, org, p).await?;
            let composed = t.elapsed().as_secs_f64() * 1000.0;
            let t = Instant::now();
            std::hint::black_box(report::html::render(&r));
            html_ms.push(composed + t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            std::hint::black_box(report::docx::render(&r).map_err(anyhow::Error::msg)?);
            docx_ms.push(composed + t.elapsed().as_secs_f64() * 1000.0);
        }
        summary("review_html", html_ms);
        summary("review_docx", docx_ms);
    }
    Ok(ExitCode::SUCCESS)
}

/// The year-end review as `jinguo review` builds it (stats, records, default
/// outline, photos loaded), ready to render.
async fn compose_review(
    db: &db::Db,
    dir: &std::path::Path,
    org: &str,
    p: Period,
) -> anyhow::Result<report::model::Review> {
    let ctx = Ctx::operator();
    let stats = db::stats::stats(&db.conn, &ctx, org, p).await?;
    let records = db::review::records(&db.conn, &ctx, org, p).await?;
    let outline = report::outline::Outline::default();
    let mut review = report::compose::compose(
        &stats,
        &records,
        &outline,
        &report::compose::Edits::default(),
    );
    let ids: Vec<i64> = review.photos_mut().map(|ph| ph.id).collect();
    let mut files = db::review::photo_bytes(&db.conn, &ctx, dir, &ids).await?;
    review.load_photos(|id| files.remove(&id));
    Ok(review)
}

/// A hello-world route behind the same middleware as the platform's router.
pub async fn hello(listen: &str) -> anyhow::Result<ExitCode> {
    use axum::{Router, middleware, routing::get};
    let app = Router::new()
        .route("/hello", get(|| async { "hello" }))
        .layer(middleware::from_fn(web::csrf::check))
        .layer(middleware::from_fn(web::security::headers))
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("无法监听 {listen}"))?;
    println!("hello on http://{}/hello", listener.local_addr()?);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
