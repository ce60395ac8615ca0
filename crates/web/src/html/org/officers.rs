//! Registering officers (干部): by 姓名 and 身份证号, which finds the person
//! already on file or files a new one, then records the post.

use axum::{
    Form,
    extract::{Path, State},
    response::Response,
};
use db::{
    org::officer::{self, OfficerInput},
    people::{self, PersonInput},
};
use domain::{
    idcard::IdNumber,
    kinds::{Post, Tenure},
    phone::Phone,
};
use serde::Deserialize;

use super::{
    begin,
    fields::{Field, Opt, form_errors, opt_code, opt_date, req_code, today},
    records::{capturable, done, frame},
    settle,
};
use crate::{
    AppState,
    auth::PageUser,
    error::PageResult,
    form::{FormErrors, opt},
};

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

const OFFICER_FIELDS: &[&str] = &[
    "name",
    "id_number",
    "phone",
    "post",
    "tenure",
    "term_start",
    "term_end",
];

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
    let mut errors = FormErrors::default();
    if f.name.trim().is_empty() {
        errors.set("name", "请填写姓名");
    }
    let id_number = if f.id_number.trim().is_empty() {
        errors.set("id_number", "请填写身份证号");
        None
    } else {
        IdNumber::parse(&f.id_number)
            .map_err(|m| errors.set("id_number", m))
            .ok()
    };
    let phone = match opt(&Some(f.phone.clone())) {
        Some(p) => Phone::parse(&p).map_err(|m| errors.set("phone", m)).ok(),
        None => None,
    };
    let post = req_code(&mut errors, "post", "职务", &f.post, Post::from_code);
    let tenure = opt_code(
        &mut errors,
        "tenure",
        "专兼挂",
        &f.tenure,
        Tenure::from_code,
    );
    let term_start = opt_date(&mut errors, "term_start", "任职开始", &f.term_start);
    let term_end = opt_date(&mut errors, "term_end", "任职结束", &f.term_end);
    if let (Some(id_number), Some(post), true) = (id_number, post, errors.is_empty()) {
        let txn = begin(&state).await?;
        let r = async {
            // A person already on file keeps her home org when she takes a post
            // here (record once); a new person is filed under this org.
            let home = match people::find_by_id_number(&txn, &state.db, &id_number).await? {
                Some(p) => db::org::find_visible_id(&txn, &cu.ctx, p.org_id)
                    .await
                    .ok()
                    .filter(|h| cu.ctx.scope.can_capture_path(&h.path))
                    .map_or_else(|| o.code.clone(), |h| h.code),
                None => o.code.clone(),
            };
            let person = PersonInput {
                name: f.name.clone(),
                id_number,
                phone,
                org_code: home,
                tags: Vec::new(),
            };
            let (p, _) = people::find_or_create(&txn, &state.db, &cu.ctx, &person).await?;
            let input = OfficerInput {
                person_id: p.id,
                org: o.clone(),
                post,
                tenure,
                term_start,
                term_end,
            };
            officer::upsert(&txn, &cu.ctx, &input).await
        }
        .await;
        match settle(txn, r).await {
            Ok(_) => return Ok(done(&o, "officer")),
            Err(e) => errors = form_errors(e, OFFICER_FIELDS)?,
        }
    }
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
