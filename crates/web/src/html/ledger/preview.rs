//! Import pages: upload → dry-run preview (as the signed-in user) → confirm.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use db::import::{self, ImportOutcome, SheetCount};
use domain::access::{Module, Permission};

use super::{
    super::Layout,
    MAX_UPLOAD, nav,
    upload::{self, StoredFile, sanitize_file_name},
};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
};

/// One issue as a table row.
pub struct IssueRow {
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub message: String,
}

impl From<&ledger::Issue> for IssueRow {
    fn from(i: &ledger::Issue) -> Self {
        let or_dash = |s: &str| {
            if s.is_empty() {
                "—".to_string()
            } else {
                s.to_string()
            }
        };
        IssueRow {
            sheet: or_dash(&i.sheet),
            row: if i.row > 0 {
                format!("第{}行", i.row)
            } else {
                "—".into()
            },
            column: or_dash(i.column.as_deref().unwrap_or_default()),
            message: i.message.clone(),
        }
    }
}

/// Preview before confirming, and the result after it.
#[derive(Template, WebTemplate)]
#[template(path = "ledger/preview.html")]
struct PreviewPage {
    layout: Layout,
    files: Vec<String>,
    /// The file could not be read at all.
    error: Option<String>,
    counts: Vec<SheetCount>,
    errors: Vec<IssueRow>,
    warnings: Vec<IssueRow>,
    /// Set when the dry run passed: the upload to confirm.
    upload_id: Option<String>,
    committed: bool,
}

impl PreviewPage {
    fn failed(cu: &CurrentUser, files: Vec<String>, error: String) -> PreviewPage {
        PreviewPage {
            layout: nav(cu, "导入预览"),
            files,
            error: Some(error),
            counts: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            upload_id: None,
            committed: false,
        }
    }

    fn of(
        cu: &CurrentUser,
        files: Vec<String>,
        o: &ImportOutcome,
        upload_id: Option<String>,
    ) -> PreviewPage {
        PreviewPage {
            layout: nav(
                cu,
                if o.committed {
                    "导入结果"
                } else {
                    "导入预览"
                },
            ),
            files,
            error: None,
            counts: o.counts.clone(),
            errors: o.report.errors.iter().map(IssueRow::from).collect(),
            warnings: o.report.warnings.iter().map(IssueRow::from).collect(),
            upload_id,
            committed: o.committed,
        }
    }
}

/// htmx 2 does not swap 4xx responses into the page, so a request from the
/// htmx form gets its error preview with 200; plain form posts (no script)
/// and API-like callers get the real status.
fn respond(headers: &HeaderMap, status: StatusCode, page: PreviewPage) -> Response {
    let status = if headers.contains_key("hx-request") {
        StatusCode::OK
    } else {
        status
    };
    (status, page).into_response()
}

fn upload_problem(status: StatusCode) -> (StatusCode, String) {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "上传的文件过大：一次最多{} MB。请按工作表拆分成几个文件分别导入。",
                MAX_UPLOAD / 1024 / 1024
            ),
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            "上传未完成或数据不完整，请重新选择文件上传".into(),
        )
    }
}

/// Reads every uploaded file into one workbook (several CSVs = several sheets).
fn read_all(files: &[StoredFile]) -> Result<ledger::Workbook, String> {
    let mut wb = ledger::Workbook::default();
    for f in files {
        let part = ledger::read_bytes(&f.name, &f.bytes).map_err(|e| e.to_string())?;
        for s in part.sheets {
            let name = ledger::normalize_header(&s.name);
            if wb.sheet(&name).is_some() {
                return Err(format!(
                    "工作表「{}」在上传的文件中出现了不止一次（{}），请只保留一份",
                    s.name, f.name
                ));
            }
            wb.sheets.push(s);
        }
        wb.attachments.extend(part.attachments);
    }
    Ok(wb)
}

async fn read_workbook(
    files: Vec<StoredFile>,
) -> Result<(ledger::Workbook, Vec<StoredFile>), String> {
    // Parsing a large workbook is CPU work: keep it off the async workers.
    tokio::task::spawn_blocking(move || read_all(&files).map(|wb| (wb, files)))
        .await
        .map_err(|_| "文件解析失败，请检查文件是否损坏".to_string())?
}

pub async fn upload_file(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Ledger, Permission::Write)?;
    let fail = |status, files, msg| {
        Ok(respond(
            &headers,
            status,
            PreviewPage::failed(&cu, files, msg),
        ))
    };
    let too_large = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_UPLOAD);
    if too_large {
        let (s, m) = upload_problem(StatusCode::PAYLOAD_TOO_LARGE);
        return fail(s, vec![], m);
    }
    let Ok(mut mp) = multipart else {
        return fail(
            StatusCode::BAD_REQUEST,
            vec![],
            "请通过页面上的表单选择文件上传".into(),
        );
    };
    let mut files: Vec<StoredFile> = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let (s, m) = upload_problem(e.status());
                return fail(s, vec![], m);
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        let raw = field.file_name().unwrap_or_default().to_string();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let (s, m) = upload_problem(e.status());
                return fail(s, vec![], m);
            }
        };
        if raw.is_empty() && bytes.is_empty() {
            // The browser sends an empty part when no file was chosen.
            continue;
        }
        let name = sanitize_file_name(&raw);
        let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
        if name.is_empty() || names.contains(&name) {
            return fail(
                StatusCode::BAD_REQUEST,
                names,
                format!("文件名「{raw}」为空或与另一个文件重名，请改名后重新上传"),
            );
        }
        files.push(StoredFile {
            name,
            bytes: bytes.to_vec(),
        });
    }
    let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    if files.is_empty() {
        return fail(
            StatusCode::BAD_REQUEST,
            names,
            "请选择要导入的文件（.xlsx、.csv 或 .zip）".into(),
        );
    }
    let (wb, files) = match read_workbook(files).await {
        Ok(v) => v,
        Err(msg) => return fail(StatusCode::BAD_REQUEST, names, msg),
    };
    let outcome = import::import_workbook(&state.db, &cu.ctx, &wb, true).await?;
    let upload_id = if outcome.report.is_ok() {
        upload::sweep_stale(&state.config.data_dir).await;
        let user_id = cu.user.id;
        Some(
            upload::save(&state.config.data_dir, user_id, &files)
                .await
                .map_err(io_error)?,
        )
    } else {
        // Nothing to confirm: the user fixes the file and uploads it again.
        None
    };
    let page = PreviewPage::of(&cu, names, &outcome, upload_id);
    Ok(respond(&headers, StatusCode::OK, page))
}

fn io_error(e: std::io::Error) -> PageError {
    tracing::error!("ledger upload storage: {e}");
    PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "系统繁忙，请稍后再试")
}

pub async fn confirm(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Ledger, Permission::Write)?;
    let Some(files) = upload::take(&state.config.data_dir, &id, cu.user.id)
        .await
        .map_err(io_error)?
    else {
        // Unknown, someone else's, already confirmed, or swept as stale: all
        // look the same, so an id reveals nothing about other users' uploads.
        let msg = "待确认的导入不存在、已处理或已过期，请重新上传文件".to_string();
        return Ok(respond(
            &headers,
            StatusCode::NOT_FOUND,
            PreviewPage::failed(&cu, Vec::new(), msg),
        ));
    };
    let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let (wb, _) = match read_workbook(files).await {
        Ok(v) => v,
        Err(msg) => {
            return Ok(respond(
                &headers,
                StatusCode::BAD_REQUEST,
                PreviewPage::failed(&cu, names, msg),
            ));
        }
    };
    // The data may have changed since the preview: the real run checks again,
    // and any error still rolls the whole file back.
    let outcome = import::import_workbook(&state.db, &cu.ctx, &wb, false).await?;
    Ok(respond(
        &headers,
        StatusCode::OK,
        PreviewPage::of(&cu, names, &outcome, None),
    ))
}
