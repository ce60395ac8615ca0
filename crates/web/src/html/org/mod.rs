//! Pages of the `org` area: the tree browser, an org's page, forms to create,
//! edit, move and close orgs and to record venues, officers and surveys, and
//! the standardization workbook (规范化建设).

mod checklist;
mod fields;
mod forms;
mod officers;
mod page;
mod records;
mod tree;

pub(crate) use crate::form::begin;
use askama::Template;
use axum::{
    Router,
    routing::{get, post},
};
use db::{DbResult, sea_orm::DatabaseTransaction};
use domain::access::{Module, Permission};

use crate::{
    AppState,
    auth::CurrentUser,
    error::{PageError, PageResult},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(tree::index))
        .route("/orgs/new", get(forms::new_page).post(forms::create))
        .route("/orgs/{code}", get(page::show))
        .route("/orgs/{code}/children", get(tree::children))
        .route(
            "/orgs/{code}/edit",
            get(forms::edit_page).post(forms::update),
        )
        .route(
            "/orgs/{code}/move",
            get(forms::move_page).post(forms::move_org),
        )
        .route("/orgs/{code}/close", post(page::close))
        .route(
            "/orgs/{code}/venues/new",
            get(records::venue_page).post(records::create_venue),
        )
        .route(
            "/orgs/{code}/officers/new",
            get(officers::officer_page).post(officers::create_officer),
        )
        .route(
            "/orgs/{code}/surveys/new",
            get(records::survey_page).post(records::create_survey),
        )
        .route(
            "/orgs/{code}/checklist",
            get(checklist::workbook).post(checklist::fill),
        )
        .route(
            "/checklist",
            get(checklist::overview).post(checklist::add_item),
        )
        .route("/checklist/entries/{id}/review", post(checklist::review))
}

/// The one-time message for a `?ok=` code. Only known codes map to text, so a
/// crafted link cannot put words on the page.
fn flash(code: Option<&str>) -> Option<String> {
    let msg = match code? {
        "created" => "已新建组织",
        "updated" => "已保存修改",
        "moved" => "已迁移到新的上级组织",
        "closed" => "已撤销该组织",
        "venue" => "已保存阵地",
        "officer" => "已登记干部任职",
        "survey" => "已登记调研",
        "filled" => "已提交检查项，等待审核",
        "reviewed" => "已审核",
        "item" => "已新增检查项",
        _ => return None,
    };
    Some(msg.to_string())
}

/// True when the user may record into and change `o`.
fn can_capture(cu: &CurrentUser, o: &db::entity::org::Model) -> bool {
    cu.ctx.scope.allows(Module::Org, Permission::Write) && cu.ctx.scope.can_capture_path(&o.path)
}

/// Commits on success and rolls back on failure, so nothing is half-written.
async fn settle<T>(txn: DatabaseTransaction, r: DbResult<T>) -> DbResult<T> {
    match r {
        Ok(v) => {
            txn.commit().await?;
            Ok(v)
        }
        Err(e) => {
            if let Err(re) = txn.rollback().await {
                tracing::warn!("rollback failed: {re}");
            }
            Err(e)
        }
    }
}

/// Renders a fragment to a string (for nesting tree levels).
fn render<T: Template>(t: &T) -> PageResult<String> {
    t.render()
        .map_err(|e| PageError::internal(&format!("template error: {e}")))
}

/// A date for display, or "—".
fn show_date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "—".into(), |d| d.to_string())
}

/// The current year in Beijing.
fn this_year() -> i32 {
    use chrono::Datelike;
    db::time::today_beijing().year()
}
