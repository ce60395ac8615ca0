//! `jinguo user …`: accounts from the server's shell, with the operator's authority.

use std::{path::PathBuf, process::ExitCode};

use clap::Subcommand;
use db::{
    Ctx,
    account::{self, NewUser},
};
use domain::access::Role;

use crate::setup;

#[derive(Subcommand)]
pub enum UserCommand {
    /// 新建账号 (add an account; prints its initial password).
    Add {
        username: String,
        /// 姓名 (display name).
        #[arg(long)]
        name: String,
        /// 角色代码：county_admin, county_staff, township_chair, village_chair, new_field_lead,
        /// rights_officer, judge, auditor, upper_viewer
        #[arg(long)]
        role: String,
        /// 所辖组织编码（可查看并录入），可多次给出 (org codes the account works in).
        #[arg(long = "org", required = true)]
        orgs: Vec<String>,
        /// 仅可查看的组织编码 (view-only org codes).
        #[arg(long = "view")]
        view: Vec<String>,
    },
    /// 重置密码 (reset a password; prints the new one, forces a change at next login).
    ResetPassword { username: String },
    /// 停用账号 (lock an account).
    Lock { username: String },
    /// 启用账号，并解除登录失败造成的暂停 (unlock an account and lift its login delay).
    Unlock { username: String },
}

pub async fn run(data: Option<PathBuf>, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let db = setup::open(&setup::data_dir(data, "data")).await?;
    let ctx = Ctx::operator();
    match cmd {
        UserCommand::Add {
            username,
            name,
            role,
            orgs,
            view,
        } => {
            let role = Role::from_code(&role)
                .or_else(|| Role::from_label(&role))
                .ok_or_else(|| anyhow::anyhow!("未知角色「{role}」"))?;
            let mut view_roots = view;
            view_roots.extend(orgs.iter().cloned());
            let input = NewUser {
                username,
                display_name: name,
                role,
                password: None,
                view_roots,
                capture_roots: orgs,
            };
            let (u, pw) = db
                .write(async |tx| account::create_user(tx, &ctx, &input).await)
                .await?;
            println!(
                "已创建账号 {}（{}），初始密码：{pw}（首次登录须修改）",
                u.username,
                role.label()
            );
        }
        UserCommand::ResetPassword { username } => {
            let pw = db
                .write(async |tx| account::reset_password(tx, &ctx, &username).await)
                .await?;
            println!(
                "已重置 {username} 的密码：{pw}（下次登录须修改；其登录会话已全部退出，API令牌已全部吊销）"
            );
        }
        UserCommand::Lock { username } => {
            db.write(async |tx| account::set_disabled(tx, &ctx, &username, true).await)
                .await?;
            println!("已停用账号 {username}");
        }
        UserCommand::Unlock { username } => {
            db.write(async |tx| account::set_disabled(tx, &ctx, &username, false).await)
                .await?;
            println!("已启用账号 {username}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
