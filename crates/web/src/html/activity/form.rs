//! The activity form: short enough for a village chair on a phone (name, type,
//! programme, date, head count, photos from the camera), with the rest folded
//! away. Defaults: today, her org, the programme she used last.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use db::{
    DbError,
    activity::{self, ActivityInput, photo::NewPhoto, programme},
    sea_orm::TransactionTrait,
};
use domain::{
    Invalid,
    activity::{ActivityDraft, ActivityKind, ActivityStatus},
    input::split_list,
};

use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::FormErrors,
    html::Layout,
};

/// Photos per submission, and the request size that allows them.
const MAX_PHOTOS: usize = domain::activity::PHOTOS_PER_UPLOAD;
pub const UPLOAD_LIMIT: usize = MAX_PHOTOS * media::MAX_BYTES + 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/activities/new",
        get(new_page)
            .post(create)
            .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
    )
}

/// What the user typed (kept on error).
#[derive(Default, Clone)]
pub struct ActivityForm {
    pub name: String,
    pub kind: String,
    pub programme: String,
    pub org_code: String,
    pub start_date: String,
    pub end_date: String,
    pub online: bool,
    pub place: String,
    pub partners: String,
    pub units_reached: String,
    pub head_count: String,
    pub materials: String,
    pub summary: String,
    pub caption: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "activity/new.html")]
struct NewPage {
    layout: Layout,
    form: ActivityForm,
    errors: FormErrors,
    kinds: Vec<Choice>,
    programmes: Vec<String>,
    orgs: Vec<Choice>,
    photos_lost: bool,
}

async fn page(
    state: &AppState,
    cu: &CurrentUser,
    form: ActivityForm,
    errors: FormErrors,
    photos_lost: bool,
) -> PageResult<NewPage> {
    let c = &state.db.conn;
    let orgs = db::org::all_capturable(c, &cu.ctx).await?;
    let mut programmes: Vec<String> = Vec::new();
    if let Some(o) = orgs
        .iter()
        .find(|o| o.code == form.org_code)
        .or(orgs.first())
    {
        programmes = programme::usable_by(c, o)
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect();
    }
    programmes.dedup();
    Ok(NewPage {
        layout: Layout::new(cu, "记录活动", "activity"),
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().into(),
                label: k.label().into(),
            })
            .collect(),
        programmes,
        orgs: orgs
            .iter()
            .map(|o| Choice {
                value: o.code.clone(),
                label: format!("{}{}", "　".repeat(o.depth.max(0) as usize), o.name),
            })
            .collect(),
        form,
        errors,
        photos_lost,
    })
}

async fn new_page(State(state): State<AppState>, PageUser(cu): PageUser) -> PageResult<NewPage> {
    cu.ctx.require(
        domain::access::Module::Activity,
        domain::access::Permission::Write,
    )?;
    let c = &state.db.conn;
    let orgs = db::org::all_capturable(c, &cu.ctx).await?;
    // Her own org: the deepest one she may record for (a village chair's village).
    let org_code = orgs
        .iter()
        .max_by_key(|o| o.depth)
        .filter(|_| orgs.len() == 1)
        .or(orgs.first())
        .map(|o| o.code.clone());
    let form = ActivityForm {
        kind: ActivityKind::Propaganda.code().into(),
        programme: activity::last_programme_of(c, &cu.ctx)
            .await?
            .unwrap_or_default(),
        org_code: org_code.unwrap_or_default(),
        start_date: domain::date::today_beijing().to_string(),
        ..Default::default()
    };
    page(&state, &cu, form, FormErrors::default(), false).await
}

/// A photo as uploaded.
struct Upload {
    name: Option<String>,
    bytes: Vec<u8>,
}

async fn read_multipart(mut mp: Multipart) -> Result<(ActivityForm, Vec<Upload>), PageError> {
    let mut f = ActivityForm::default();
    let mut uploads = Vec::new();
    let bad =
        |_| PageError::bad_request("上传中断或文件过大，请重试（照片每张不超过15MB，一次最多9张）");
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "photos" {
            let file_name = field.file_name().map(String::from);
            let bytes = field.bytes().await.map_err(bad)?;
            if !bytes.is_empty() {
                uploads.push(Upload {
                    name: file_name,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let v = crate::form::plain_text(&name, field.text().await.map_err(bad)?)?
            .trim()
            .to_string();
        match name.as_str() {
            "name" => f.name = v,
            "kind" => f.kind = v,
            "programme" => f.programme = v,
            "org_code" => f.org_code = v,
            "start_date" => f.start_date = v,
            "end_date" => f.end_date = v,
            "online" => f.online = v == "1",
            "place" => f.place = v,
            "partners" => f.partners = v,
            "units_reached" => f.units_reached = v,
            "head_count" => f.head_count = v,
            "materials" => f.materials = v,
            "summary" => f.summary = v,
            "caption" => f.caption = v,
            _ => {}
        }
    }
    Ok((f, uploads))
}

fn opt(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

/// The form as a draft, checked as the API and the ledger check theirs.
pub fn to_input(
    f: &ActivityForm,
    code: Option<&str>,
    status: ActivityStatus,
) -> Result<ActivityInput, Invalid> {
    ActivityDraft {
        code: code.unwrap_or_default().to_string(),
        name: f.name.clone(),
        programme: f.programme.clone(),
        kind: f.kind.clone(),
        org_code: f.org_code.clone(),
        partners: split_list(&f.partners),
        start_date: f.start_date.clone(),
        end_date: f.end_date.clone(),
        mode: if f.online { "online" } else { "offline" }.into(),
        place: f.place.clone(),
        units_reached: f.units_reached.clone(),
        head_count: f.head_count.clone(),
        materials: split_list(&f.materials),
        summary: f.summary.clone(),
        status: status.code().into(),
    }
    .validate(domain::date::today_beijing())
}

async fn create(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    mp: Multipart,
) -> PageResult<Response> {
    let (form, uploads) = read_multipart(mp).await?;
    let again = async |errors: FormErrors| -> PageResult<Response> {
        let lost = !uploads.is_empty();
        Ok((
            StatusCode::BAD_REQUEST,
            page(&state, &cu, form.clone(), errors, lost).await?,
        )
            .into_response())
    };
    if uploads.len() > MAX_PHOTOS {
        return again(FormErrors::from(Invalid::single(
            "photos",
            format!("一次最多上传{MAX_PHOTOS}张照片"),
        )))
        .await;
    }
    let input = match to_input(&form, None, ActivityStatus::Done) {
        Ok(i) => i,
        Err(inv) => return again(FormErrors::from(inv)).await,
    };
    // Decode photos off the async runtime; a bad one is a field error, nothing written.
    let mut processed = Vec::new();
    for (i, u) in uploads.iter().enumerate() {
        let bytes = u.bytes.clone();
        let p = tokio::task::spawn_blocking(move || media::process(&bytes))
            .await
            .map_err(|_| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "照片处理失败"))?;
        match p {
            Ok(p) => processed.push((u.name.clone(), p)),
            Err(e) => {
                let which = u.name.clone().unwrap_or_else(|| format!("第{}张", i + 1));
                return again(FormErrors::from(Invalid::single(
                    "photos",
                    format!("{which}：{e}"),
                )))
                .await;
            }
        }
    }
    let files = activity::photo::Staged::new(&state.config.data_dir);
    let txn = state.db.conn.begin().await.map_err(DbError::from)?;
    let result = async {
        let (a, _) = activity::upsert(&txn, &cu.ctx, &input).await?;
        for (name, p) in &processed {
            let np = NewPhoto {
                full_jpeg: &p.full,
                thumb_jpeg: &p.thumb,
                width: p.width,
                height: p.height,
                original_name: name.clone(),
                caption: opt(&form.caption),
            };
            activity::photo::add(&txn, &cu.ctx, &files, a.id, np).await?;
        }
        Ok::<_, DbError>(a)
    }
    .await;
    match result {
        Ok(a) => {
            txn.commit().await.map_err(DbError::from)?;
            activity::photo::place(&files);
            Ok(Redirect::to(&format!("/activities/{}?saved=1", a.id)).into_response())
        }
        Err(e) => {
            txn.rollback().await.map_err(DbError::from)?;
            again(FormErrors::from_db(e)?).await
        }
    }
}
