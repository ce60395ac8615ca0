//! `jinguo demo`: a fresh database with the demo county (秭归县妇联), loaded from
//! the ledger in `demo/ledger/` through the same importer as real data, plus one
//! account per role.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use db::{
    Ctx,
    account::{self, NewUser},
    import,
};
use domain::access::Role;
use rust_embed::RustEmbed;

use crate::setup;

#[derive(RustEmbed)]
#[folder = "../../demo/ledger/"]
struct DemoLedger;

const COUNTY: &str = "420527000000";
/// The demo accounts' password: published in the README, so these accounts
/// belong on a demo machine only.
const DEMO_PASSWORD: &str = "Jinguo@2020";

/// (username, name, role, org code)
const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    ("admin", "县妇联管理员", Role::CountyAdmin, COUNTY),
    ("staff", "县妇联工作人员", Role::CountyStaff, COUNTY),
    (
        "maoping",
        "茅坪镇妇联主席",
        Role::TownshipChair,
        "420527101000",
    ),
    (
        "guizhou",
        "归州镇妇联主席",
        Role::TownshipChair,
        "420527102000",
    ),
    (
        "yinxingtuo",
        "银杏沱村妇联主席",
        Role::VillageChair,
        "420527101201",
    ),
    (
        "xiuniang",
        "慢工绣艺妇委会负责人",
        Role::NewFieldLead,
        "NF-420527-006",
    ),
    ("weiquan", "维权专干", Role::RightsOfficer, COUNTY),
    ("pingshen", "评审员", Role::Judge, COUNTY),
    ("shenji", "审计员", Role::Auditor, COUNTY),
    (
        "shangji",
        "宜昌市妇联（上级查看）",
        Role::UpperViewer,
        COUNTY,
    ),
];

pub fn demo_workbook() -> anyhow::Result<ledger::Workbook> {
    let mut wb = ledger::Workbook {
        sheets: Vec::new(),
        attachments: Vec::new(),
    };
    for name in DemoLedger::iter().filter(|n| n.ends_with(".csv")) {
        let file = DemoLedger::get(&name).context("demo file")?;
        let part = ledger::read_bytes(&name, &file.data)?;
        wb.sheets.extend(part.sheets);
    }
    Ok(wb)
}

pub async fn run(data: Option<PathBuf>, listen: &str, no_serve: bool) -> anyhow::Result<ExitCode> {
    let dir = setup::data_dir(data, "data-demo");
    if std::env::var("DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        anyhow::bail!("示范数据只装入内置 SQLite 数据库，请先取消 DATABASE_URL 环境变量");
    }
    // A fresh demo every time: drop the old database files (never the key of a
    // real data directory: demo has its own directory).
    for f in ["jinguo.db", "jinguo.db-wal", "jinguo.db-shm", "jinguo.key"] {
        let p = dir.join(f);
        if p.exists() {
            std::fs::remove_file(&p)
                .with_context(|| format!("无法删除旧的示范数据 {}", p.display()))?;
        }
    }
    let db = setup::open(&dir).await?;
    let wb = demo_workbook()?;
    let started = std::time::Instant::now();
    let outcome = import::import_workbook(&db, &Ctx::operator(), &wb, false).await?;
    super::ledger::print_outcome(&outcome);
    if !outcome.committed {
        anyhow::bail!("示范台账导入失败");
    }
    println!("示范台账导入用时 {:.1} 秒", started.elapsed().as_secs_f64());
    let ctx = Ctx::operator();
    for (username, name, role, org) in ACCOUNTS {
        let input = NewUser {
            username: (*username).into(),
            display_name: (*name).into(),
            role: *role,
            password: Some(DEMO_PASSWORD.into()),
            view_roots: vec![(*org).into()],
            capture_roots: if matches!(role, Role::Auditor | Role::UpperViewer | Role::Judge) {
                Vec::new()
            } else {
                vec![(*org).into()]
            },
        };
        // The demo's password is printed for everyone: seeded accounts, which
        // skip the policy and the forced change (only the CLI can create them).
        db.write(async |tx| account::create_seeded_user(tx, &ctx, &input).await)
            .await?;
    }
    println!();
    println!("示范账号（密码均为 {DEMO_PASSWORD}）：");
    for (username, name, role, org) in ACCOUNTS {
        println!("  {username:<12} {}　{name}（{org}）", role.label());
    }
    if no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    super::serve::serve(db, dir, listen, false, Default::default()).await
}
