//! `jinguo`: the one binary of the platform.

mod cmd;
mod setup;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

// See Cargo.toml: glibc's malloc was a third of the import and statistics time.
#[cfg(all(unix, not(target_env = "musl")))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// 巾帼 · 妇联工作平台 (jinguo: a work platform for women's federations).
#[derive(Parser)]
#[command(name = "jinguo", version, about, long_about = None)]
struct Cli {
    /// 数据目录：SQLite 数据库、密钥文件和上传文件所在处 (data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// 监听地址 (listen address).
    #[arg(
        long,
        global = true,
        value_name = "ADDR",
        default_value = "127.0.0.1:8080"
    )]
    listen: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动服务 (serve the platform; SQLite in ./data unless DATABASE_URL is set).
    Serve {
        /// 信任反向代理的 X-Forwarded-For/Proto 头 (behind our own proxy only).
        #[arg(long)]
        trust_proxy: bool,
        #[command(flatten)]
        security: cmd::security_args::SecurityArgs,
    },
    /// 载入示范县（秭归县妇联）数据并启动 (fresh demo database in ./data-demo).
    Demo {
        /// 只载入数据，不启动服务 (load and exit).
        #[arg(long)]
        no_serve: bool,
    },
    /// 执行数据库迁移 (apply migrations and exit).
    Migrate,
    /// 检查数据目录：收紧文件权限，清除孤立文件 (file modes and orphaned files).
    Check {
        /// 只报告孤立文件，不删除（权限照常收紧）(report orphans, delete none).
        #[arg(long)]
        dry_run: bool,
    },
    /// 账号管理 (accounts).
    #[command(subcommand)]
    User(cmd::user::UserCommand),
    /// 导入台账工作簿 (.xlsx、.csv、文件夹或 .zip；all-or-nothing).
    Import {
        /// 台账文件 (workbook file).
        file: PathBuf,
        /// 只校验，不写入 (validate only).
        #[arg(long)]
        dry_run: bool,
    },
    /// 导出台账工作簿 (export an org subtree as a workbook).
    Export {
        /// 组织编码 (org code).
        #[arg(long)]
        org: String,
        /// 输出文件 (.xlsx).
        #[arg(long)]
        out: PathBuf,
        /// 导出用途（记入查看记录）(purpose, written to the access log).
        #[arg(long)]
        purpose: String,
    },
    /// 统计数据（JSON）(statistics document of an org subtree for a period).
    Stats {
        /// 组织编码 (org code).
        #[arg(long)]
        org: String,
        /// 期间：2020、2020Q4、2020-07 或 2020-03-01..2020-06-30 (period).
        #[arg(long)]
        period: String,
    },
    /// 基准测试数据：N 个合成县的一年台账，经真实导入路径写入 (synthetic benchmark data).
    BenchData {
        /// 县的个数 (number of counties).
        #[arg(long, default_value_t = 1)]
        counties: u32,
        /// 年度 (year of the activities).
        #[arg(long, default_value_t = 2020)]
        year: i32,
        /// 随机种子 (deterministic seed).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// 规模系数：每村人数与活动数乘以此数 (people and activities per org × this).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// 带照片的活动比例 (share of activities with a photo).
        #[arg(long, default_value_t = 0.3)]
        photos: f64,
        /// 从第几个县开始（0起）(index of the first county, to add counties later).
        #[arg(long, default_value_t = 0)]
        first: u32,
        /// 只写出 CSV 文件夹，不导入 (write CSV folders here instead of importing).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 统计耗时（基准测试）(time the statistics path, and raw SQL as its floor).
    #[command(hide = true)]
    BenchStats {
        #[arg(long)]
        org: String,
        #[arg(long)]
        period: String,
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// 同一统计的手写 SQL 文件 (the raw-SQL floor).
        #[arg(long)]
        raw: Option<PathBuf>,
        /// 同时计时年度盘点（HTML、DOCX）(also time the review, HTML and DOCX).
        #[arg(long)]
        review: bool,
    },
    /// 同一服务栈上的 hello-world 路由（基准测试）(hello-world on the same stack).
    #[command(hide = true)]
    BenchHello,
    /// 年度盘点 (year-end review of an org subtree: html, docx, pdf, xlsx or json).
    Review {
        /// 组织编码 (org code).
        #[arg(long)]
        org: String,
        /// 期间：2020、2020Q4、2020-07 或 2020-03-01..2020-06-30 (period).
        #[arg(long)]
        period: String,
        /// 输出格式 (output format).
        #[arg(long, value_enum, default_value = "html")]
        format: cmd::review::Format,
        /// 输出文件 (output file; html/json go to stdout without it).
        #[arg(long)]
        out: Option<PathBuf>,
        /// 同比：附上上一同等期间的统计及变化 (json: add "previous" and "change").
        #[arg(long)]
        compare: bool,
    },
    /// 下载空白台账模板 (write the blank workbook template).
    Template {
        #[arg(long)]
        out: PathBuf,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            trust_proxy,
            security,
        } => cmd::serve::run(cli.data, &cli.listen, trust_proxy, &security).await,
        Command::Demo { no_serve } => cmd::demo::run(cli.data, &cli.listen, no_serve).await,
        Command::Migrate => cmd::serve::migrate_only(cli.data).await,
        Command::Check { dry_run } => cmd::check::run(cli.data, dry_run).await,
        Command::User(u) => cmd::user::run(cli.data, u).await,
        Command::Import { file, dry_run } => cmd::ledger::import(cli.data, &file, dry_run).await,
        Command::Export { org, out, purpose } => {
            cmd::ledger::export(cli.data, &org, &out, &purpose).await
        }
        Command::Template { out } => cmd::ledger::template(&out),
        Command::Stats { org, period } => cmd::stats::run(cli.data, &org, &period).await,
        Command::Review {
            org,
            period,
            format,
            out,
            compare,
        } => cmd::review::run(cli.data, &org, &period, format, out, compare).await,
        Command::BenchData {
            counties,
            year,
            seed,
            scale,
            photos,
            first,
            out,
        } => {
            let args = cmd::bench_data::Args {
                counties,
                year,
                seed,
                scale,
                photos,
                first,
                out,
            };
            cmd::bench_data::run(cli.data, args).await
        }
        Command::BenchStats {
            org,
            period,
            runs,
            raw,
            review,
        } => cmd::bench::stats(cli.data, &org, &period, runs, raw, review).await,
        Command::BenchHello => cmd::bench::hello(&cli.listen).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
