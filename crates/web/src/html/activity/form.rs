//! The activity form, one for new and edit: short enough for a village chair
//! on a phone (name, type, programme, date, head count, photos from the
//! camera), with the rest folded under 更多信息. Defaults of a new one: today,
//! her org, the programme she used last. Both pages are the same field list
//! ([`fields`]) and post to the same write path ([`save`]).

use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use db::activity::{self, ActivityInput, photo::NewPhoto, programme};
use domain::{
    Invalid,
    access::{Module, Permission},
    activity::{ActivityDraft, ActivityKind, ActivityStatus, PHOTOS_PER_UPLOAD},
    input::split_list,
};

use super::edit::{Existing, editable, parse_id};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::PageResult,
    form::{FormErrors, FormPairs, begin, commit},
    html::{
        Layout,
        kit::{
            form::{Field, FormPage, Opt},
            submitted::Submitted,
        },
    },
};

/// The request size that allows a full upload of photos.
pub const UPLOAD_LIMIT: usize = PHOTOS_PER_UPLOAD * media::MAX_BYTES + 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/activities/new",
            get(new_page)
                .post(create)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/activities/{id}/edit",
            get(edit_page)
                .post(update)
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

impl ActivityForm {
    fn from_pairs(f: &FormPairs) -> ActivityForm {
        ActivityForm {
            name: f.one("name"),
            kind: f.one("kind"),
            programme: f.one("programme"),
            org_code: f.one("org_code"),
            start_date: f.one("start_date"),
            end_date: f.one("end_date"),
            online: f.one("online") == "1",
            place: f.one("place"),
            partners: f.one("partners"),
            units_reached: f.one("units_reached"),
            head_count: f.one("head_count"),
            materials: f.one("materials"),
            summary: f.one("summary"),
            caption: f.one("caption"),
        }
    }

    /// The form as a draft, checked as the API and the ledger check theirs.
    pub fn to_input(
        &self,
        code: Option<&str>,
        status: ActivityStatus,
    ) -> Result<ActivityInput, Invalid> {
        ActivityDraft {
            code: code.unwrap_or_default().to_string(),
            name: self.name.clone(),
            programme: self.programme.clone(),
            kind: self.kind.clone(),
            org_code: self.org_code.clone(),
            partners: split_list(&self.partners),
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            mode: if self.online { "online" } else { "offline" }.into(),
            place: self.place.clone(),
            units_reached: self.units_reached.clone(),
            head_count: self.head_count.clone(),
            materials: split_list(&self.materials),
            summary: self.summary.clone(),
            status: status.code().into(),
        }
        .validate(domain::date::today_beijing())
    }
}

/// The pickers' choices for the caller.
struct Choices {
    orgs: Vec<Opt>,
    programmes: Vec<String>,
}

async fn choices(state: &AppState, cu: &CurrentUser, org_code: &str) -> PageResult<Choices> {
    let c = &state.db.conn;
    let orgs = db::org::all_capturable(c, &cu.ctx).await?;
    let mut programmes: Vec<String> =
        match orgs.iter().find(|o| o.code == org_code).or(orgs.first()) {
            Some(o) => programme::usable_by(c, o)
                .await?
                .into_iter()
                .map(|p| p.name)
                .collect(),
            None => Vec::new(),
        };
    programmes.dedup();
    Ok(Choices {
        orgs: Opt::org_tree(&orgs),
        programmes,
    })
}

/// The form's fields; a new activity also takes photos.
fn fields(f: &ActivityForm, ch: Choices, new: bool) -> Vec<Field> {
    let kinds = Opt::of(
        ActivityKind::ALL,
        ActivityKind::code,
        ActivityKind::label,
        None,
    );
    let mode = vec![Opt::new("0", "线下"), Opt::new("1", "线上")];
    let mut out = vec![
        Field::text("name", "活动名称", &f.name)
            .required()
            .max_chars(200)
            .placeholder("例：巾帼微学堂第3期"),
        Field::select("kind", "活动类型", &f.kind, kinds).required(),
        Field::text("programme", "品牌项目", &f.programme)
            .max_chars(60)
            .placeholder("可不填")
            .suggest(ch.programmes)
            .link("/programmes", "查看全部品牌项目")
            .also(&["owner"]),
        Field::date("start_date", "日期", &f.start_date).required(),
        Field::select("org_code", "主办组织", &f.org_code, ch.orgs).required(),
        Field::count("head_count", "参与人数", &f.head_count).placeholder("有签到名单时以名单为准"),
    ];
    if new {
        out.push(
            Field::photos(
                "photos",
                format!("照片（可拍照或从相册选择，最多{PHOTOS_PER_UPLOAD}张）"),
            )
            .also(&["photo"]),
        );
        out.push(
            Field::text("caption", "照片说明", &f.caption)
                .max_chars(200)
                .placeholder("图丨……"),
        );
    }
    out.extend([
        Field::date("end_date", "结束日期（多日活动）", &f.end_date).more(),
        Field::select("online", "形式", if f.online { "1" } else { "0" }, mode).more(),
        Field::text("place", "地点", &f.place).max_chars(200).more(),
        Field::text("partners", "联合单位", &f.partners)
            .placeholder("多个用顿号分隔，例：县纪委监委、县教育局")
            .more(),
        Field::count("units_reached", "覆盖单位数", &f.units_reached).more(),
        Field::text("materials", "发放材料", &f.materials)
            .placeholder("名称:数量，例：倡议书:220")
            .more(),
        Field::textarea("summary", "简介", &f.summary).more(),
    ]);
    out
}

/// Which activity the form is about: a new one, or one on file.
enum Target {
    New,
    Existing(Existing),
}

async fn page(
    state: &AppState,
    cu: &CurrentUser,
    target: &Target,
    form: &ActivityForm,
    errors: &FormErrors,
    photos_lost: bool,
) -> PageResult<Response> {
    let ch = choices(state, cu, &form.org_code).await?;
    let mut p = match target {
        Target::New => FormPage {
            crumbs: vec![("/activities".into(), "活动".into())],
            cancel: "/activities".into(),
            ..FormPage::new(
                Layout::new(cu, "记录活动", "activity"),
                "记录活动",
                "/activities/new",
            )
        },
        Target::Existing(e) => FormPage {
            crumbs: vec![
                ("/activities".into(), "活动".into()),
                (format!("/activities/{}", e.id), e.name.clone()),
            ],
            notes: vec![format!(
                "活动编号：{}（不可修改）。照片请在活动页面添加。",
                e.code
            )],
            cancel: format!("/activities/{}", e.id),
            more_open: true,
            ..FormPage::new(
                Layout::new(cu, format!("修改活动：{}", form.name), "activity"),
                "修改活动",
                format!("/activities/{}/edit", e.id),
            )
        },
    };
    if photos_lost {
        p.notes.push(
            "请修改标出的内容，并重新选择照片（出于安全原因，浏览器不会保留已选的照片）。".into(),
        );
    }
    p.fields = fields(form, ch, matches!(target, Target::New));
    Ok(p.with_errors(errors).respond())
}

async fn new_page(State(state): State<AppState>, PageUser(cu): PageUser) -> PageResult<Response> {
    cu.ctx.require(Module::Activity, Permission::Write)?;
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
    page(
        &state,
        &cu,
        &Target::New,
        &form,
        &FormErrors::default(),
        false,
    )
    .await
}

async fn edit_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let (existing, form) = editable(&state, &cu, parse_id(&id)?).await?;
    let target = Target::Existing(existing);
    page(&state, &cu, &target, &form, &FormErrors::default(), false).await
}

async fn create(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    sent: Submitted,
) -> PageResult<Response> {
    save(&state, &cu, Target::New, sent).await
}

async fn update(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    sent: Submitted,
) -> PageResult<Response> {
    let (existing, _) = editable(&state, &cu, parse_id(&id)?).await?;
    save(&state, &cu, Target::Existing(existing), sent).await
}

/// The one write path: the draft checked, photos checked, then the activity
/// and its photos written in one transaction, the photo files placed only
/// after the commit. Any error shows the form again with the input kept.
async fn save(
    state: &AppState,
    cu: &CurrentUser,
    target: Target,
    mut sent: Submitted,
) -> PageResult<Response> {
    let form = ActivityForm::from_pairs(&sent.fields);
    let uploads = sent.take_files("photos");
    let lost = !uploads.is_empty();
    let again = async |errors: FormErrors| page(state, cu, &target, &form, &errors, lost).await;
    let (code, status) = match &target {
        Target::New => (None, ActivityStatus::Done),
        Target::Existing(e) => (Some(e.code.as_str()), e.status),
    };
    let input = match form.to_input(code, status) {
        Ok(i) => i,
        Err(inv) => return again(FormErrors::from(inv)).await,
    };
    let photos = if uploads.is_empty() {
        Vec::new()
    } else {
        match media::upload::photos(uploads, PHOTOS_PER_UPLOAD).await {
            Ok(p) => p,
            Err(e) => return again(FormErrors::from(Invalid::single("photos", e))).await,
        }
    };
    let caption = (!form.caption.is_empty()).then(|| form.caption.clone());
    let files = activity::photo::Staged::new(&state.config.data_dir);
    let txn = begin(state).await?;
    let written = async {
        let id = match &target {
            Target::New => activity::upsert(&txn, &cu.ctx, &input).await?.0.id,
            Target::Existing(e) => {
                activity::update(&txn, &cu.ctx, e.id, &input).await?;
                e.id
            }
        };
        let new: Vec<NewPhoto<'_>> = photos
            .iter()
            .map(|r| NewPhoto::of(r, caption.clone()))
            .collect();
        activity::photo::add_all(&txn, &cu.ctx, &files, id, new).await?;
        Ok::<_, db::DbError>(id)
    }
    .await;
    match written {
        Ok(id) => {
            commit(txn).await?;
            activity::photo::place(&files);
            Ok(Redirect::to(&format!("/activities/{id}?saved=1")).into_response())
        }
        Err(e) => {
            // Dropped uncommitted: rolled back, and the staged files go with `files`.
            drop(txn);
            again(FormErrors::from_db(e)?).await
        }
    }
}
