//! One org's review for one period: the preview with its side form (title,
//! preface, closing, highlight order, photos), saving the draft, and the
//! downloads.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use domain::access::{Module, Permission};
use report::{compose::Edits, model::Review};
use serde::Deserialize;

use super::{Composed, candidates, compose_for, draft_url, parse_period};
use crate::{
    AppState,
    auth::PageUser,
    error::{PageError, PageResult},
    form::{FormPairs, begin, commit},
    html::Layout,
};

/// Thumbnails offered per highlight.
const MAX_CANDIDATES: usize = 24;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/review/{org}/{period}", get(show).post(save))
        .route("/review/{org}/{period}/download", get(download))
}

/// A highlight in the side form.
pub struct HighlightRow {
    pub key: String,
    pub number: u32,
    pub motto: String,
    pub part: String,
    pub first_in_part: bool,
    pub last_in_part: bool,
    pub photos: Vec<PhotoChoice>,
}

pub struct PhotoChoice {
    pub id: i64,
    pub caption: String,
    pub chosen: bool,
}

/// A 数据一览 chart of the preview, as an SVG `data:` URL (cheap to draw on
/// every preview; the downloads carry PNG or vector copies).
pub struct ChartImg {
    pub title: String,
    pub src: String,
}

fn chart_imgs(r: &Review) -> Vec<ChartImg> {
    r.charts
        .iter()
        .map(|c| ChartImg {
            title: c.title.clone(),
            src: report::chart::svg_data_url(c),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "review/draft.html")]
struct DraftPage {
    layout: Layout,
    review: Review,
    charts: Vec<ChartImg>,
    url: String,
    title: String,
    preface: String,
    closing: String,
    highlights: Vec<HighlightRow>,
    can_edit: bool,
    can_export: bool,
    /// Just saved: said inside the edit form, which an htmx save swaps in
    /// (the page's flash line lies outside it).
    saved: bool,
}

#[derive(Deserialize)]
struct ShowQuery {
    saved: Option<u8>,
}

fn period_of(s: &str) -> PageResult<domain::date::Period> {
    parse_period(s).map_err(PageError::bad_request)
}

fn can_edit(cu: &crate::auth::CurrentUser, c: &Composed) -> bool {
    cu.ctx.scope.allows(Module::Review, Permission::Write)
        && cu.ctx.scope.can_capture_path(&c.org.path)
}

fn rows(c: &Composed) -> Vec<HighlightRow> {
    let offered = candidates(c, MAX_CANDIDATES);
    let mut out = Vec::new();
    for part in &c.review.parts {
        let n = part.highlights.len();
        for (i, h) in part.highlights.iter().enumerate() {
            let chosen: Vec<i64> = h
                .sections
                .iter()
                .flat_map(|s| &s.photos)
                .map(|p| p.id)
                .collect();
            out.push(HighlightRow {
                key: h.key.clone(),
                number: h.number,
                motto: h.motto.clone(),
                part: format!("{}、{}", part.numeral, part.title),
                first_in_part: i == 0,
                last_in_part: i + 1 == n,
                photos: offered
                    .get(&h.key)
                    .into_iter()
                    .flatten()
                    .map(|p| PhotoChoice {
                        id: p.id,
                        caption: p.caption.clone().unwrap_or_default(),
                        chosen: chosen.contains(&p.id),
                    })
                    .collect(),
            });
        }
    }
    out
}

async fn show(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path((org, period)): Path<(String, String)>,
    Query(q): Query<ShowQuery>,
) -> PageResult<DraftPage> {
    let p = period_of(&period)?;
    let c = compose_for(&state, &cu, &org, p).await?;
    Ok(DraftPage {
        layout: Layout::new(&cu, format!("{} · 预览", c.review.title), "review"),
        saved: q.saved.is_some(),
        can_edit: can_edit(&cu, &c),
        can_export: cu.ctx.scope.allows(Module::Review, Permission::Export),
        highlights: rows(&c),
        url: draft_url(&c.org.code, &c.key),
        title: c.review.title.clone(),
        preface: c.review.preface.join("\n"),
        closing: c.review.closing.join("\n"),
        charts: chart_imgs(&c.review),
        review: c.review,
    })
}

fn text(s: String) -> Option<String> {
    let s = s.trim().replace("\r\n", "\n");
    (!s.is_empty()).then_some(s)
}

/// The highlight keys in the review's order after moving `key` one place up
/// or down inside its part (highlights never leave their part).
fn moved(review: &Review, key: &str, up: bool) -> Vec<String> {
    let mut parts: Vec<Vec<String>> = review
        .parts
        .iter()
        .map(|p| p.highlights.iter().map(|h| h.key.clone()).collect())
        .collect();
    for keys in &mut parts {
        if let Some(i) = keys.iter().position(|k| k == key) {
            if up && i > 0 {
                keys.swap(i, i - 1);
            } else if !up && i + 1 < keys.len() {
                keys.swap(i, i + 1);
            }
        }
    }
    parts.into_iter().flatten().collect()
}

/// Saves the side form (and applies a ↑/↓ move), then shows the page again.
async fn save(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path((org, period)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let p = period_of(&period)?;
    let c = compose_for(&state, &cu, &org, p).await?;
    let f = FormPairs(pairs);
    let mut photos: BTreeMap<String, Vec<i64>> = c.edits.photos.clone();
    let picked = f.all("photo");
    for key in f.all("keys") {
        let ids = picked
            .iter()
            .filter_map(|v| v.split_once(':'))
            .filter(|(k, _)| *k == key)
            .filter_map(|(_, id)| id.parse().ok())
            .collect();
        photos.insert(key, ids);
    }
    let mut order: Vec<String> = c
        .review
        .parts
        .iter()
        .flat_map(|p| p.highlights.iter().map(|h| h.key.clone()))
        .collect();
    // A move is "up:<key>" or "down:<key>" of a highlight of this review;
    // anything else (a crafted value, a newline) is refused in Chinese
    // instead of reaching the redirect's Location header.
    let mv = f.one("move");
    let mv = match mv.split_once(':') {
        None if mv.is_empty() => None,
        Some((dir @ ("up" | "down"), key)) if order.iter().any(|k| k == key) => {
            Some((dir == "up", key.to_string()))
        }
        _ => {
            return Err(PageError::bad_request(format!(
                "移动看点的参数「{}」无效：应为 up:看点标识 或 down:看点标识，且看点属于本盘点",
                mv.escape_debug()
            )));
        }
    };
    if let Some((up, key)) = &mv {
        order = moved(&c.review, key, *up);
    }
    let edits = Edits {
        title: text(f.one("title")),
        preface: text(f.one("preface")),
        closing: text(f.one("closing")),
        highlight_order: order,
        photos,
    };
    let json = serde_json::to_string(&edits).map_err(|_| PageError::bad_request("草稿无法保存"))?;
    let txn = begin(&state).await?;
    db::review::store::save_draft(&txn, &cu.ctx, &c.org.code, &c.key, &json).await?;
    commit(txn).await?;
    // Keys come from the outline (any text): percent-encoded for the header.
    let anchor = mv
        .map(|(_, k)| format!("#h-{}", crate::auth::urlencode(&k)))
        .unwrap_or_default();
    Ok(Redirect::to(&format!(
        "{}?saved=1{anchor}",
        draft_url(&c.org.code, &c.key)
    ))
    .into_response())
}

#[derive(Deserialize)]
struct DownloadQuery {
    format: Option<String>,
}

/// The review's download header: its Chinese name, `review.<ext>` for old clients.
fn content_disposition(name: &str) -> String {
    let ext = name.rsplit('.').next().unwrap_or("bin");
    crate::export::disposition(name, &format!("review.{ext}"))
}

/// 秭归县妇联2020年度盘点 / 秭归县妇联2020年第四季度盘点.
fn file_stem(org: &str, label: &str) -> String {
    if label.ends_with('年') {
        format!("{org}{label}度盘点")
    } else {
        format!("{org}{label}盘点")
    }
}

async fn download(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path((org, period)): Path<(String, String)>,
    Query(q): Query<DownloadQuery>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Review, Permission::Export)?;
    let p = period_of(&period)?;
    let format = q.format.unwrap_or_else(|| "docx".into());
    let mime = match format.as_str() {
        "html" => "text/html; charset=utf-8",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json" => "application/json",
        other => {
            return Err(PageError::bad_request(format!(
                "下载格式「{other}」无效：应为 html、docx、pdf、xlsx 或 json"
            )));
        }
    };
    let mut c = compose_for(&state, &cu, &org, p).await?;
    let name = format!("{}.{format}", file_stem(&c.org.name, &p.label()));
    if matches!(format.as_str(), "html" | "docx" | "pdf") {
        let ids: Vec<i64> = c.review.photos_mut().map(|ph| ph.id).collect();
        let mut files =
            db::review::photo_bytes(&state.db.conn, &cu.ctx, &state.config.data_dir, &ids).await?;
        c.review.load_photos(|id| files.remove(&id));
    }
    let Composed { review, stats, .. } = c;
    // Rendering (typst for PDF above all) is CPU work: off the async threads.
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        match format.as_str() {
            "html" => Ok(report::html::render(&review).into_bytes()),
            "docx" => report::docx::render(&review),
            "pdf" => report::pdf::render(&review),
            "xlsx" => report::xlsx::render(&stats),
            _ => serde_json::to_vec_pretty(&serde_json::json!({"stats": stats, "review": review}))
                .map_err(|e| e.to_string()),
        }
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r)
    .map_err(|e| {
        tracing::error!("review render failed: {e}");
        PageError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "生成文件失败，请稍后再试",
        )
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(&name)),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_is_utf8_percent_encoded_with_an_ascii_fallback() {
        assert_eq!(
            content_disposition(&format!("{}.docx", file_stem("秭归县妇联", "2020年"))),
            "attachment; filename=\"review.docx\"; filename*=UTF-8''%E7%A7%AD%E5%BD%92%E5%8E%BF%E5%A6%87%E8%81%942020%E5%B9%B4%E5%BA%A6%E7%9B%98%E7%82%B9.docx"
        );
    }
}
