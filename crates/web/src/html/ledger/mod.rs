//! Pages of the `ledger` area (台账导入导出): upload → preview (a dry run as
//! the signed-in user, every problem listed by sheet, row and column) →
//! confirm (the real, all-or-nothing import); export of an org subtree; the
//! blank template. The import itself is `db::import`, shared with the CLI; here
//! it runs with the user's scope, never the operator's.

mod preview;
pub mod queue;
mod upload;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Query, State},
    http::header,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use db::import;
use domain::access::{Module, Permission};
use serde::Deserialize;

use self::upload::sanitize_file_name;
use super::Layout;
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
};

/// Largest upload (all files of one request together). The global limit in
/// `lib.rs` is much smaller; only this route raises it.
pub const MAX_UPLOAD: usize = 50 * 1024 * 1024;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ledger", get(index))
        .route("/ledger/template", get(template))
        .route("/ledger/export", get(export))
        .route(
            "/ledger/import",
            post(preview::upload_file).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/ledger/import/{id}/confirm", post(preview::confirm))
        .route("/ledger/import/{id}/status", get(preview::status))
        .route("/ledger/import/{id}/errors.csv", get(preview::errors_csv))
}

fn nav(cu: &CurrentUser, title: &str) -> Layout {
    Layout::new(cu, title, "ledger")
}

/// The ledger pages are for users who may import or export.
fn require_ledger(cu: &CurrentUser) -> PageResult<()> {
    let s = &cu.ctx.scope;
    if s.allows(Module::Ledger, Permission::Write) || s.allows(Module::Ledger, Permission::Export) {
        Ok(())
    } else {
        Err(cu
            .ctx
            .require(Module::Ledger, Permission::Write)
            .unwrap_err()
            .into())
    }
}

pub struct OrgOption {
    pub code: String,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "ledger/index.html")]
struct IndexPage {
    layout: Layout,
    can_import: bool,
    can_export: bool,
    importable: String,
    orgs: Vec<OrgOption>,
    max_mb: usize,
    max_rows: usize,
    max_cols: usize,
}

async fn index(State(state): State<AppState>, PageUser(cu): PageUser) -> PageResult<IndexPage> {
    require_ledger(&cu)?;
    let s = &cu.ctx.scope;
    let can_export = s.allows(Module::Ledger, Permission::Export);
    let orgs = if can_export {
        let all = db::org::all_visible(&state.db.conn, &cu.ctx).await?;
        let top = all.iter().map(|o| o.depth).min().unwrap_or(0);
        all.into_iter()
            .map(|o| OrgOption {
                // Full-width spaces indent the tree inside a <select>.
                label: format!(
                    "{}{}（{}）",
                    "　".repeat((o.depth - top).max(0) as usize),
                    o.name,
                    o.code
                ),
                code: o.code,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(IndexPage {
        layout: nav(&cu, "台账导入导出"),
        can_import: s.allows(Module::Ledger, Permission::Write),
        can_export,
        importable: import::importers()
            .iter()
            .map(|i| i.sheet())
            .collect::<Vec<_>>()
            .join("、"),
        orgs,
        max_mb: MAX_UPLOAD / 1024 / 1024,
        max_rows: state.imports.limits.max_rows,
        max_cols: state.imports.limits.max_cols,
    })
}

/// `attachment` with an ASCII fallback name and the real (Chinese) name
/// encoded per RFC 5987, which every current browser prefers.
fn attachment(bytes: Vec<u8>, name: &str, ascii_fallback: &str) -> Response {
    let disposition = crate::export::disposition(name, ascii_fallback);
    (
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

async fn template(PageUser(cu): PageUser) -> PageResult<Response> {
    require_ledger(&cu)?;
    let bytes = ledger::template_xlsx(ledger::ALL_SHEETS)
        .map_err(|e| PageError::internal(&format!("template: {e}")))?;
    Ok(attachment(bytes, "台账模板.xlsx", "ledger-template.xlsx"))
}

#[derive(Deserialize)]
struct ExportQuery {
    org: Option<String>,
    /// 用途: required, written to the access log with the export.
    purpose: Option<String>,
}

async fn export(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<ExportQuery>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Ledger, Permission::Export)?;
    let code = q
        .org
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| PageError::bad_request("请选择要导出的组织"))?;
    let purpose = q.purpose.unwrap_or_default();
    let purpose = import::export::check_purpose(&purpose)
        .map_err(|e| PageError::bad_request(e.to_string()))?;
    let bytes = import::export::export_workbook(&state.db, &cu.ctx, &code, &purpose).await?;
    let org = db::org::find_visible(&state.db.conn, &cu.ctx, &code).await?;
    let today = db::time::today_beijing();
    let name = sanitize_file_name(&format!("台账-{}-{today}.xlsx", org.name));
    let ascii: String = org
        .code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    Ok(attachment(
        bytes,
        &name,
        &format!("ledger-{ascii}-{today}.xlsx"),
    ))
}
