//! Creating, editing and moving orgs.

use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use db::{entity::org, org::tree::move_org as move_in_tree};
use domain::{
    foundation::org::{OrgChangeDraft, OrgDraft},
    kinds::{NewFieldType, OrgKind},
};
use serde::Deserialize;

use super::{
    super::{Layout, kit::form::save},
    begin,
    fields::{Field, FormPage, Opt, crumbs_of, req_date, today, trail},
    settle,
    tree::kind_label,
};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::FormErrors,
};

/// What the org form posts (and shows again on error).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgForm {
    parent_code: String,
    name: String,
    code: String,
    kind: String,
    new_field_type: String,
    founded_on: String,
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<String>,
}

/// The kind most often created under a parent of `kind`.
fn default_child_kind(parent_kind: &str) -> OrgKind {
    match OrgKind::from_code(parent_kind) {
        Some(OrgKind::County) => OrgKind::Township,
        Some(OrgKind::Township | OrgKind::Subdistrict) => OrgKind::Village,
        _ => OrgKind::NewField,
    }
}

fn new_field_opts() -> Vec<Opt> {
    Opt::of(
        NewFieldType::ALL,
        NewFieldType::code,
        NewFieldType::label,
        Some("（不适用）"),
    )
}

async fn new_form(
    state: &AppState,
    cu: &CurrentUser,
    f: &OrgForm,
    errors: &FormErrors,
) -> PageResult<FormPage> {
    let parents = db::org::all_capturable(&state.db.conn, &cu.ctx).await?;
    if parents.is_empty() {
        return Err(PageError::new(
            axum::http::StatusCode::FORBIDDEN,
            "没有可以新增下级组织的组织",
        ));
    }
    let parent = parents.iter().find(|p| p.code == f.parent_code);
    let hint = match parent.and_then(|p| OrgKind::from_code(&p.kind).map(|k| (p, k))) {
        Some((p, OrgKind::County)) => format!(
            "乡镇/街道为12位统计用区划代码，前6位应为{}",
            p.code.get(..6).unwrap_or_default()
        ),
        Some((p, OrgKind::Township | OrgKind::Subdistrict)) => format!(
            "村/社区为12位统计用区划代码，前9位应为{}",
            p.code.get(..9).unwrap_or_default()
        ),
        _ => "县、乡镇、村等用12位统计用区划代码；新领域妇联等用字母、数字组成的短编码".into(),
    };
    Ok(FormPage {
        layout: Layout::new(cu, "新增组织", "org"),
        crumbs: trail(parent.map(|p| (p.code.clone(), p.name.clone()))),
        heading: "新增组织".into(),
        facts: Vec::new(),
        action: "/orgs/new".into(),
        fields: vec![
            Field::select(
                "parent_code",
                "上级组织",
                &f.parent_code,
                Opt::orgs(&parents),
            )
            .required(),
            Field::text("name", "组织名称", &f.name)
                .required()
                .hint("例：杨家湾村妇联"),
            Field::text("code", "组织编码", &f.code)
                .required()
                .hint(hint),
            Field::select(
                "kind",
                "组织类型",
                &f.kind,
                Opt::of(OrgKind::ALL, OrgKind::code, OrgKind::label, None),
            )
            .required(),
            Field::select(
                "new_field_type",
                "新领域类型",
                &f.new_field_type,
                new_field_opts(),
            )
            .hint("仅新领域妇联填写"),
            Field::date("founded_on", "成立日期", &f.founded_on),
        ],
        general: None,
        submit: "保存",
        cancel: parent.map_or("/orgs".into(), |p| format!("/orgs/{}", p.code)),
        notes: Vec::new(),
        more_open: false,
        prefix: "f-",
    }
    .with_errors(errors))
}

pub async fn new_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<NewQuery>,
) -> PageResult<Response> {
    let mut f = OrgForm::default();
    if let Some(code) = q.parent.as_deref().filter(|c| !c.trim().is_empty()) {
        // The parent named in the link must be one the user may record into.
        let p = db::org::find_capturable(&state.db.conn, &cu.ctx, code).await?;
        f.kind = default_child_kind(&p.kind).code().into();
        f.parent_code = p.code;
    } else {
        f.kind = OrgKind::NewField.code().into();
    }
    Ok(new_form(&state, &cu, &f, &FormErrors::default())
        .await?
        .respond())
}

pub async fn create(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Form(f): Form<OrgForm>,
) -> PageResult<Response> {
    let draft = OrgDraft {
        code: f.code.clone(),
        name: f.name.clone(),
        kind: f.kind.clone(),
        parent_code: f.parent_code.clone(),
        founded_on: f.founded_on.clone(),
        new_field_type: f.new_field_type.clone(),
    };
    let today = db::time::today_beijing();
    let saved = save(&state, draft.validate(today), async |tx, input| {
        db::org::create(tx, &cu.ctx, &input).await
    })
    .await?;
    let errors = match saved {
        Ok(o) => return Ok(Redirect::to(&format!("/orgs/{}?ok=created", o.code)).into_response()),
        Err(errors) => errors,
    };
    Ok(new_form(&state, &cu, &f, &errors).await?.respond())
}

async fn edit_form(
    state: &AppState,
    cu: &CurrentUser,
    o: &org::Model,
    f: &OrgForm,
    errors: &FormErrors,
) -> PageResult<FormPage> {
    let ancestors = db::org::ancestors(&state.db.conn, &cu.ctx, o).await?;
    let mut fields = vec![
        Field::text("name", "组织名称", &f.name).required(),
        Field::date("founded_on", "成立日期", &f.founded_on),
    ];
    if o.kind == OrgKind::NewField.code() {
        fields.push(Field::select(
            "new_field_type",
            "新领域类型",
            &f.new_field_type,
            new_field_opts(),
        ));
    }
    Ok(FormPage {
        layout: Layout::new(cu, format!("编辑{}", o.name), "org"),
        crumbs: crumbs_of(&ancestors, o),
        heading: format!("编辑「{}」", o.name),
        facts: vec![
            ("组织编码", o.code.clone()),
            ("组织类型", kind_label(&o.kind)),
        ],
        action: format!("/orgs/{}/edit", o.code),
        fields,
        general: None,
        submit: "保存",
        cancel: format!("/orgs/{}", o.code),
        notes: Vec::new(),
        more_open: false,
        prefix: "f-",
    }
    .with_errors(errors))
}

pub async fn edit_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
) -> PageResult<Response> {
    let o = db::org::find_capturable(&state.db.conn, &cu.ctx, &code).await?;
    let f = OrgForm {
        name: o.name.clone(),
        founded_on: o.founded_on.map(|d| d.to_string()).unwrap_or_default(),
        new_field_type: o.new_field_type.clone().unwrap_or_default(),
        ..Default::default()
    };
    Ok(edit_form(&state, &cu, &o, &f, &FormErrors::default())
        .await?
        .respond())
}

pub async fn update(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
    Form(f): Form<OrgForm>,
) -> PageResult<Response> {
    let o = db::org::find_capturable(&state.db.conn, &cu.ctx, &code).await?;
    let draft = OrgChangeDraft {
        name: f.name.clone(),
        founded_on: f.founded_on.clone(),
        new_field_type: f.new_field_type.clone(),
    };
    let today = db::time::today_beijing();
    let saved = save(&state, draft.validate(today), async |tx, change| {
        db::org::update(tx, &cu.ctx, &o.code, &change).await
    })
    .await?;
    let errors = match saved {
        Ok(o) => return Ok(Redirect::to(&format!("/orgs/{}?ok=updated", o.code)).into_response()),
        Err(errors) => errors,
    };
    Ok(edit_form(&state, &cu, &o, &f, &errors).await?.respond())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    parent_code: String,
    effective: String,
}

async fn move_form(
    state: &AppState,
    cu: &CurrentUser,
    o: &org::Model,
    f: &MoveForm,
    errors: &FormErrors,
) -> PageResult<FormPage> {
    let c = &state.db.conn;
    let ancestors = db::org::ancestors(c, &cu.ctx, o).await?;
    // Candidates: open orgs the user may record into, except the org itself,
    // its own subtree and its current parent.
    let candidates: Vec<org::Model> = db::org::all_capturable(c, &cu.ctx)
        .await?
        .into_iter()
        .filter(|p| !p.path.starts_with(&o.path) && Some(p.id) != o.parent_id)
        .collect();
    let parent_name = ancestors
        .last()
        .filter(|a| Some(a.id) == o.parent_id)
        .map_or_else(|| "—".to_string(), |p| p.name.clone());
    let mut opts = vec![Opt::new("", "（请选择）")];
    opts.extend(Opt::orgs(&candidates));
    Ok(FormPage {
        layout: Layout::new(cu, format!("迁移{}", o.name), "org"),
        crumbs: crumbs_of(&ancestors, o),
        heading: format!("迁移「{}」", o.name),
        facts: vec![("当前上级组织", parent_name), ("组织编码", o.code.clone())],
        action: format!("/orgs/{}/move", o.code),
        fields: vec![
            Field::select("parent_code", "新的上级组织", &f.parent_code, opts).required(),
            Field::date("effective", "迁移生效日期", &f.effective)
                .required()
                .hint("此日期之前的记录仍按原上级统计，历史报表不变"),
        ],
        general: None,
        submit: "迁移",
        cancel: format!("/orgs/{}", o.code),
        notes: Vec::new(),
        more_open: false,
        prefix: "f-",
    }
    .with_errors(errors))
}

pub async fn move_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
) -> PageResult<Response> {
    let o = db::org::find_capturable(&state.db.conn, &cu.ctx, &code).await?;
    let f = MoveForm {
        parent_code: String::new(),
        effective: today(),
    };
    Ok(move_form(&state, &cu, &o, &f, &FormErrors::default())
        .await?
        .respond())
}

pub async fn move_org(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
    Form(f): Form<MoveForm>,
) -> PageResult<Response> {
    let o = db::org::find_capturable(&state.db.conn, &cu.ctx, &code).await?;
    let mut errors = FormErrors::default();
    let effective = req_date(&mut errors, "effective", "迁移生效日期", &f.effective);
    if f.parent_code.trim().is_empty() {
        errors.set("parent_code", "请选择新的上级组织");
    }
    if let (Some(effective), true) = (effective, errors.is_empty()) {
        let txn = begin(&state).await?;
        let r = move_in_tree(&txn, &cu.ctx, &o.code, f.parent_code.trim(), effective).await;
        match settle(txn, r).await {
            Ok(o) => return Ok(Redirect::to(&format!("/orgs/{}?ok=moved", o.code)).into_response()),
            Err(e) => errors = FormErrors::from_db(e)?,
        }
    }
    Ok(move_form(&state, &cu, &o, &f, &errors).await?.respond())
}
