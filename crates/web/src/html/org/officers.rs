//! Registering officers (干部): by 姓名 and 身份证号, which finds the person
//! already on file or files a new one, then records the post.

use axum::{
    Form,
    extract::{Path, State},
    response::Response,
};
use db::{
    org::officer::{self, OfficerInput},
    people,
};
use domain::{
    foundation::officer::OfficerDraft,
    kinds::{Post, Tenure},
};
use serde::Deserialize;

use super::{
    super::kit::form::save,
    fields::{Field, Opt, today},
    records::{capturable, done, frame},
};
use crate::{AppState, auth::PageUser, error::PageResult, form::FormErrors};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OfficerForm {
    name: String,
    id_number: String,
    phone: String,
    post: String,
    tenure: String,
    term_start: String,
    term_end: String,
}

fn officer_fields(f: &OfficerForm) -> Vec<Field> {
    vec![
        Field::text("name", "姓名", &f.name)
            .required()
            .autocomplete("name"),
        Field::text("id_number", "身份证号", &f.id_number)
            .required()
            .hint("已登记的人员按身份证号自动关联，不会重复建档"),
        Field::tel("phone", "手机号", &f.phone).autocomplete("tel"),
        Field::select(
            "post",
            "职务",
            &f.post,
            Opt::of(Post::ALL, Post::code, Post::label, None),
        )
        .required(),
        Field::select(
            "tenure",
            "专兼挂",
            &f.tenure,
            Opt::of(Tenure::ALL, Tenure::code, Tenure::label, Some("（未填）")),
        ),
        Field::date("term_start", "任职开始", &f.term_start),
        Field::date("term_end", "任职结束", &f.term_end).hint("在任的不填"),
    ]
}

pub async fn officer_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
) -> PageResult<Response> {
    let o = capturable(&state, &cu, &code).await?;
    let f = OfficerForm {
        post: Post::Chair.code().into(),
        tenure: Tenure::PartTime.code().into(),
        term_start: today(),
        ..Default::default()
    };
    let fields = officer_fields(&f);
    frame(
        &state,
        &cu,
        &o,
        "登记干部",
        "officers/new",
        fields,
        &FormErrors::default(),
    )
    .await
}

pub async fn create_officer(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
    Form(f): Form<OfficerForm>,
) -> PageResult<Response> {
    let o = capturable(&state, &cu, &code).await?;
    let draft = OfficerDraft {
        name: f.name.clone(),
        id_number: f.id_number.clone(),
        phone: f.phone.clone(),
        org_code: o.code.clone(),
        post: f.post.clone(),
        tenure: f.tenure.clone(),
        term_start: f.term_start.clone(),
        term_end: f.term_end.clone(),
    };
    let today = db::time::today_beijing();
    let saved = save(&state, draft.validate(today), async |tx, posting| {
        // A person already on file keeps her home org when she takes a
        // post here (record once); a new person is filed under this org.
        let home = match people::find_by_id_number(tx, &state.db, &posting.id_number).await? {
            Some(p) => db::org::find_visible_id(tx, &cu.ctx, p.org_id)
                .await
                .ok()
                .filter(|h| cu.ctx.scope.can_capture_path(&h.path))
                .map_or_else(|| o.code.clone(), |h| h.code),
            None => o.code.clone(),
        };
        let person = posting.person(&home);
        let (p, _) = people::find_or_create(tx, &state.db, &cu.ctx, &person).await?;
        let input = OfficerInput::of(&posting, p.id, o.clone());
        officer::upsert(tx, &cu.ctx, &input).await
    })
    .await?;
    let errors = match saved {
        Ok(_) => return Ok(done(&o, "officer")),
        Err(errors) => errors,
    };
    frame(
        &state,
        &cu,
        &o,
        "登记干部",
        "officers/new",
        officer_fields(&f),
        &errors,
    )
    .await
}
