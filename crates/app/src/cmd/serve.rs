//! `jinguo serve` and `jinguo migrate`.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

use anyhow::Context;
use db::Db;

use crate::setup;

pub async fn migrate_only(data: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    setup::open(&setup::data_dir(data, "data")).await?;
    println!("数据库已迁移到最新版本。");
    Ok(ExitCode::SUCCESS)
}

pub async fn run(
    data: Option<PathBuf>,
    listen: &str,
    trust_proxy: bool,
    security: &super::security_args::SecurityArgs,
) -> anyhow::Result<ExitCode> {
    let settings = security.settings()?;
    let dir = setup::data_dir(data, "data");
    let db = setup::open(&dir).await?;
    crate::cmd::check::at_startup(&db, &dir).await?;
    if let Some((user, pw)) = db
        .write(async |tx| db::account::bootstrap_admin(tx).await)
        .await?
    {
        println!("首次启动：已创建系统管理员账号");
        println!("  用户名：{user}");
        println!("  初始密码：{pw}   （只显示这一次，首次登录须修改）");
    }
    serve(db, dir, listen, trust_proxy, settings).await
}

pub async fn serve(
    db: Db,
    dir: PathBuf,
    listen: &str,
    trust_proxy: bool,
    security: web::security::Settings,
) -> anyhow::Result<ExitCode> {
    let state = web::AppState::new(
        db,
        web::Config {
            data_dir: dir,
            trust_proxy,
        },
    )
    .with_security(security);
    let app = web::router(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("无法监听 {listen}"))?;
    let addr = listener.local_addr()?;
    println!("巾帼平台已启动：http://{addr}/");
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
