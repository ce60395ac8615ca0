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
    MAX_UPLOAD, nav, queue,
    upload::{self, StoredFile, sanitize_file_name},
};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
};

/// One issue as a table row.
#[derive(Clone)]
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

/// Files in one upload (the ledger has about ten sheets).
pub const MAX_FILES: usize = 50;

/// Errors (and warnings) shown on the page; the rest are counted and the
/// full list is a download (the preview of 2,000,000 bad rows was 404 MB).
pub const SHOWN: usize = 200;

/// A job waiting for, or holding, an import slot.
#[derive(Clone)]
pub struct Queued {
    pub job: String,
    /// 1-based place in line; 0 = reading now.
    pub place: usize,
}

/// What the preview/result page shows, without the signed-in chrome (a
/// queued job's result is made before its user comes back for it).
#[derive(Clone)]
pub struct PageData {
    pub status: StatusCode,
    pub files: Vec<String>,
    /// The file could not be read at all.
    pub error: Option<String>,
    pub counts: Vec<SheetCount>,
    /// The first [`SHOWN`] errors.
    pub errors: Vec<IssueRow>,
    pub error_total: usize,
    pub warnings: Vec<IssueRow>,
    pub warning_total: usize,
    /// Set when the dry run passed: the upload to confirm.
    pub upload_id: Option<String>,
    pub committed: bool,
    /// The full list of errors and warnings (CSV), when there are any.
    pub report_url: Option<String>,
    pub queued: Option<Queued>,
}

impl PageData {
    fn failed(status: StatusCode, files: Vec<String>, error: String) -> PageData {
        PageData {
            status,
            files,
            error: Some(error),
            counts: Vec::new(),
            errors: Vec::new(),
            error_total: 0,
            warnings: Vec::new(),
            warning_total: 0,
            upload_id: None,
            committed: false,
            report_url: None,
            queued: None,
        }
    }

    fn queued(files: Vec<String>, job: String, place: usize) -> PageData {
        PageData {
            status: StatusCode::ACCEPTED,
            error: None,
            queued: Some(Queued { job, place }),
            ..PageData::failed(StatusCode::ACCEPTED, files, String::new())
        }
    }

    fn of(
        files: Vec<String>,
        o: &ImportOutcome,
        upload_id: Option<String>,
        report_url: Option<String>,
    ) -> PageData {
        PageData {
            status: StatusCode::OK,
            files,
            error: None,
            counts: o.counts.clone(),
            errors: o
                .report
                .errors
                .iter()
                .take(SHOWN)
                .map(IssueRow::from)
                .collect(),
            error_total: o.report.errors.len(),
            warnings: o
                .report
                .warnings
                .iter()
                .take(SHOWN)
                .map(IssueRow::from)
                .collect(),
            warning_total: o.report.warnings.len(),
            upload_id,
            committed: o.committed,
            report_url,
            queued: None,
        }
    }
}

/// Preview before confirming, and the result after it.
#[derive(Template, WebTemplate)]
#[template(path = "ledger/preview.html")]
struct PreviewPage {
    layout: Layout,
    d: PageData,
}

impl PreviewPage {
    fn new(cu: &CurrentUser, d: PageData) -> PreviewPage {
        let title = if d.queued.is_some() {
            "等待导入"
        } else if d.committed {
            "导入结果"
        } else {
            "导入预览"
        };
        PreviewPage {
            layout: nav(cu, title),
            d,
        }
    }
}

/// htmx 2 does not swap 4xx responses into the page, so a request from the
/// htmx form gets its error preview with 200; plain form posts (no script)
/// and API-like callers get the real status.
fn respond(headers: &HeaderMap, cu: &CurrentUser, d: PageData) -> Response {
    let status = if headers.contains_key("hx-request") {
        StatusCode::OK
    } else {
        d.status
    };
    (status, PreviewPage::new(cu, d)).into_response()
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

/// Reads every uploaded file into one workbook (several CSVs = several
/// sheets), all under one budget of `limits`.
fn read_all(files: &[StoredFile], limits: ledger::Limits) -> Result<ledger::Workbook, String> {
    let mut reader = ledger::Reader::new(limits);
    let mut wb = ledger::Workbook::default();
    for f in files {
        let part = reader
            .read_bytes(&f.name, &f.bytes)
            .map_err(|e| e.to_string())?;
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
    limits: ledger::Limits,
) -> Result<ledger::Workbook, String> {
    // Parsing a large workbook is CPU work: keep it off the async workers.
    tokio::task::spawn_blocking(move || read_all(&files, limits))
        .await
        .map_err(|_| "文件解析失败，请检查文件是否损坏".to_string())?
}

/// One import to run: the upload folder and whether it is the dry run.
struct Job {
    dir: std::path::PathBuf,
    upload_id: String,
    names: Vec<String>,
    dry_run: bool,
}

/// Runs `job` now if a slot is free, otherwise puts it in line and answers
/// with a page that polls for its place.
async fn run_or_queue(
    state: &AppState,
    cu: &CurrentUser,
    headers: &HeaderMap,
    job: Job,
) -> PageResult<Response> {
    let job_id = upload::new_id();
    if let Some(slot) = state.imports.try_slot() {
        let d = run(state, &cu.ctx, cu.user.id, job, &job_id).await;
        drop(slot);
        return Ok(respond(headers, cu, d));
    }
    state.imports.enqueue(&job_id, cu.user.id);
    let names = job.names.clone();
    let (st, ctx, uid, jid) = (state.clone(), cu.ctx.clone(), cu.user.id, job_id.clone());
    tokio::spawn(async move {
        let slot = st.imports.slot().await;
        st.imports.started(&jid);
        let d = run(&st, &ctx, uid, job, &jid).await;
        drop(slot);
        st.imports.finish(&jid, queue::Finished { page: d });
    });
    let place = match state.imports.status(&job_id, cu.user.id) {
        Some((_, p)) => p,
        None => 0,
    };
    Ok(respond(headers, cu, PageData::queued(names, job_id, place)))
}

/// Reads and imports (or dry-runs) one upload, then ends it: unless a dry
/// run passed (the files wait for the confirmation), the files are deleted
/// (or retained encrypted), whatever happened.
async fn run(state: &AppState, ctx: &db::Ctx, user_id: i64, job: Job, job_id: &str) -> PageData {
    let data_dir = &state.config.data_dir;
    let d = run_inner(state, ctx, user_id, &job, job_id).await;
    if d.upload_id.is_none() {
        let retain = state.imports.retain_days;
        if let Err(e) =
            upload::end(data_dir, &job.dir, &job.upload_id, retain, &state.db.keys).await
        {
            tracing::error!("ledger upload cleanup: {e}");
        }
    }
    d
}

async fn run_inner(
    state: &AppState,
    ctx: &db::Ctx,
    user_id: i64,
    job: &Job,
    job_id: &str,
) -> PageData {
    let names = job.names.clone();
    let busy = |names| {
        PageData::failed(
            StatusCode::INTERNAL_SERVER_ERROR,
            names,
            "系统繁忙，请稍后再试".into(),
        )
    };
    let files = match upload::load(&job.dir).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!("ledger upload read: {e}");
            return busy(names);
        }
    };
    let wb = match read_workbook(files, state.imports.limits).await {
        Ok(wb) => wb,
        Err(msg) => return PageData::failed(StatusCode::BAD_REQUEST, names, msg),
    };
    let outcome = match import::import_workbook(&state.db, ctx, &wb, job.dry_run).await {
        Ok(o) => o,
        Err(e) => {
            tracing::error!("ledger import: {e}");
            return busy(names);
        }
    };
    drop(wb);
    let report_url = if outcome.report.errors.is_empty() && outcome.report.warnings.is_empty() {
        None
    } else {
        let csv = report_csv(&outcome.report);
        match upload::save_report(&state.config.data_dir, job_id, user_id, &csv).await {
            Ok(()) => Some(format!("/ledger/import/{job_id}/errors.csv")),
            Err(e) => {
                tracing::error!("ledger error report: {e}");
                None
            }
        }
    };
    let keep = (job.dry_run && outcome.report.is_ok()).then(|| job.upload_id.clone());
    PageData::of(names, &outcome, keep, report_url)
}

/// Every error and warning, one line each: 类型, 工作表, 行, 列, 问题.
fn report_csv(r: &ledger::Report) -> Vec<u8> {
    let t = |s: &str| ledger::OutCell::Text(s.to_string());
    let line = |kind: &str, i: &ledger::Issue| {
        vec![
            t(kind),
            t(&i.sheet),
            if i.row > 0 {
                ledger::OutCell::Int(i.row as i64)
            } else {
                ledger::OutCell::Empty
            },
            t(i.column.as_deref().unwrap_or_default()),
            t(&i.message),
        ]
    };
    let rows: Vec<Vec<ledger::OutCell>> = r
        .errors
        .iter()
        .map(|i| line("错误", i))
        .chain(r.warnings.iter().map(|i| line("提示", i)))
        .collect();
    ledger::to_csv_bytes(&["类型", "工作表", "行", "列", "问题"], &rows)
}

pub async fn upload_file(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Ledger, Permission::Write)?;
    let fail =
        |status, files, msg| Ok(respond(&headers, &cu, PageData::failed(status, files, msg)));
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
        if files.len() >= MAX_FILES {
            // Each file is a sheet to store and compare: a 50 MB request of
            // tiny parts would otherwise be hundreds of thousands of them.
            return fail(
                StatusCode::BAD_REQUEST,
                vec![],
                format!(
                    "超出导入限制：一次上传的文件个数上限为 {MAX_FILES}，实际超过 {MAX_FILES} 个。请打包成一个 .zip 或分几次上传。"
                ),
            );
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
    upload::sweep_stale(&state.config.data_dir, state.imports.retain_days).await;
    let upload_id = upload::save(&state.config.data_dir, cu.user.id, &files)
        .await
        .map_err(io_error)?;
    // The files are on disk (0600) from here; the request no longer holds them.
    drop(files);
    let dir = state.config.data_dir.join("imports").join(&upload_id);
    let job = Job {
        dir,
        upload_id,
        names,
        dry_run: true,
    };
    run_or_queue(&state, &cu, &headers, job).await
}

fn io_error(e: std::io::Error) -> PageError {
    PageError::internal(&format!("ledger upload storage: {e}"))
}

pub async fn confirm(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Ledger, Permission::Write)?;
    let Some(dir) = upload::take(&state.config.data_dir, &id, cu.user.id)
        .await
        .map_err(io_error)?
    else {
        // Unknown, someone else's, already confirmed, or swept as stale: all
        // look the same, so an id reveals nothing about other users' uploads.
        let msg = "待确认的导入不存在、已处理或已过期，请重新上传文件".to_string();
        return Ok(respond(
            &headers,
            &cu,
            PageData::failed(StatusCode::NOT_FOUND, Vec::new(), msg),
        ));
    };
    let names = upload::load(&dir)
        .await
        .map_err(io_error)?
        .into_iter()
        .map(|f| f.name)
        .collect();
    // The data may have changed since the preview: the real run checks again,
    // and any error still rolls the whole file back.
    let job = Job {
        dir,
        upload_id: id,
        names,
        dry_run: false,
    };
    run_or_queue(&state, &cu, &headers, job).await
}

/// The queued page polls here: its place in line, or its result once done.
pub async fn status(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    headers: HeaderMap,
    Path(job): Path<String>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Ledger, Permission::Write)?;
    let d = match state.imports.status(&job, cu.user.id) {
        None => PageData::failed(
            StatusCode::NOT_FOUND,
            Vec::new(),
            "这次导入不存在或结果已显示过，请到台账页面重新上传".into(),
        ),
        Some((queue::Status::Done(f), _)) => f.page,
        Some((queue::Status::Running, _)) => PageData::queued(Vec::new(), job, 0),
        Some((queue::Status::Waiting, place)) => PageData::queued(Vec::new(), job, place),
    };
    Ok(respond(&headers, &cu, d))
}

/// The full list of errors and warnings of a finished import, as CSV.
pub async fn errors_csv(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(job): Path<String>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Ledger, Permission::Write)?;
    let Some(bytes) = upload::read_report(&state.config.data_dir, &job, cu.user.id).await else {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "错误清单不存在或已过期（保留一天），请重新上传文件",
        ));
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"import-errors.csv\"; filename*=UTF-8''%E5%AF%BC%E5%85%A5%E9%94%99%E8%AF%AF%E6%B8%85%E5%8D%95.csv".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}
