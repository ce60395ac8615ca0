//! The org's review outline (盘点提纲): which programmes and record kinds feed
//! which part and highlight. Edited as JSON (v1), checked here with Chinese
//! messages before it is saved; the default outline is the starting point.

use std::collections::HashSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use domain::access::{Module, Permission};
use report::outline::{Feed, Outline};
use serde::Deserialize;

use super::outline_of;
use crate::{
    AppState,
    auth::{CurrentUser, PageUser, urlencode},
    error::PageResult,
    form::{FormErrors, begin, commit},
    html::Layout,
    org_choices::{OrgChoices, visible_org_choices},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/review/outline", get(show).post(save))
}

/// One line of the readable summary: part › highlight › section ← feed.
pub struct Line {
    pub part: String,
    pub highlight: String,
    pub section: String,
    pub feed: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/outline.html")]
struct OutlinePage {
    layout: Layout,
    orgs: std::sync::Arc<OrgChoices>,
    org: String,
    json: String,
    /// The org saved an outline of its own.
    saved: bool,
    /// Without one, the ancestor whose saved outline it uses.
    inherited_from: Option<String>,
    lines: Vec<Line>,
    errors: FormErrors,
    can_edit: bool,
}

#[derive(Deserialize)]
struct OutlineQuery {
    org: Option<String>,
    default: Option<u8>,
    saved: Option<u8>,
}

#[derive(Deserialize)]
struct OutlineForm {
    org: String,
    json: String,
}

fn describe(feed: &Feed) -> String {
    match feed {
        Feed::Activities {
            programme,
            kind,
            online,
            name_contains,
        } => {
            let mut parts = Vec::new();
            if let Some(p) = programme {
                parts.push(format!("品牌项目「{p}」"));
            }
            if let Some(k) = kind {
                parts.push(format!("类型「{k}」"));
            }
            if let Some(o) = online {
                parts.push(if *o { "线上" } else { "线下" }.to_string());
            }
            if !name_contains.is_empty() {
                parts.push(format!("名称含「{}」", name_contains.join("」或「")));
            }
            format!(
                "活动：{}",
                if parts.is_empty() {
                    "全部".into()
                } else {
                    parts.join("，")
                }
            )
        }
        Feed::Column { column } => format!("宣传栏目「{column}」"),
        Feed::Channel { channel } => format!("发布平台「{channel}」"),
        Feed::NewOrgs { org_type } => format!("新成立的{org_type}"),
        Feed::NewVenues { venue_type } => format!("新建的{venue_type}"),
        Feed::Surveys { org_type } => format!("调研{}", org_type.as_deref().unwrap_or("")),
        Feed::OfficersTrained => "参训妇联干部".into(),
    }
}

fn lines(o: &Outline) -> Vec<Line> {
    let mut out = Vec::new();
    for p in &o.parts {
        for h in &p.highlights {
            for s in &h.sections {
                out.push(Line {
                    part: p.title.clone(),
                    highlight: h.motto.clone(),
                    section: s.heading.clone(),
                    feed: describe(&s.feed),
                });
            }
        }
    }
    out
}

/// serde's English message, said in Chinese.
fn explain(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let at = format!("第{}行第{}列", e.line(), e.column());
    let msg = e.to_string();
    let quoted = |m: &str| m.split('`').nth(1).unwrap_or("").to_string();
    match e.classify() {
        Category::Syntax | Category::Eof => {
            format!("{at}附近 JSON 语法有误：请检查引号、逗号和括号是否成对")
        }
        Category::Data if msg.starts_with("missing field") => {
            format!("{at}附近缺少字段「{}」", quoted(&msg))
        }
        Category::Data if msg.starts_with("unknown variant") => format!(
            "{at}附近「{}」不是可用的数据来源：feed 应为 activities、column、channel、new_orgs、new_venues、surveys 或 officers_trained",
            quoted(&msg)
        ),
        Category::Data if msg.starts_with("invalid type") => {
            format!("{at}附近取值类型不对（文字要加引号，列表用方括号）")
        }
        _ => format!("{at}附近内容不符合提纲格式"),
    }
}

/// Parses and checks an outline; the error names what to fix, in Chinese.
pub fn check(json: &str) -> Result<Outline, String> {
    let o: Outline = serde_json::from_str(json).map_err(|e| explain(&e))?;
    if o.parts.is_empty() {
        return Err("提纲至少要有一个部分（parts）".into());
    }
    let mut keys = HashSet::new();
    for (i, p) in o.parts.iter().enumerate() {
        let n = i + 1;
        if p.key.trim().is_empty() || p.title.trim().is_empty() {
            return Err(format!("第{n}部分缺少标识 key 或标题 title"));
        }
        if p.highlights.is_empty() {
            return Err(format!("第{n}部分「{}」没有看点（highlights）", p.title));
        }
        for h in &p.highlights {
            if h.key.trim().is_empty() {
                return Err(format!("第{n}部分「{}」有看点缺少标识 key", p.title));
            }
            if !keys.insert(h.key.clone()) {
                return Err(format!(
                    "看点标识「{}」重复：每个看点的 key 应各不相同",
                    h.key
                ));
            }
            if h.sections.is_empty() {
                return Err(format!("看点「{}」没有任何小节（sections）", h.motto));
            }
        }
    }
    Ok(o)
}

fn can_edit(cu: &CurrentUser) -> bool {
    cu.ctx.scope.allows(Module::Review, Permission::Write)
}

async fn default_org(state: &AppState, cu: &CurrentUser) -> PageResult<String> {
    Ok(db::org::browse::visible_roots(&state.db.conn, &cu.ctx)
        .await?
        .into_iter()
        .next()
        .map(|o| o.code)
        .unwrap_or_default())
}

async fn show(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<OutlineQuery>,
) -> PageResult<OutlinePage> {
    let org = match q.org.filter(|s| !s.trim().is_empty()) {
        Some(o) => o.trim().to_string(),
        None => default_org(&state, &cu).await?,
    };
    let in_use = db::review::store::outline_in_use(&state.db.conn, &cu.ctx, &org).await?;
    let saved = in_use.as_ref().is_some_and(|o| o.own);
    let inherited_from = in_use.filter(|o| !o.own).map(|o| o.org_name);
    let outline = if q.default.is_some() {
        Outline::default()
    } else {
        outline_of(&state, &cu, &org).await?
    };
    Ok(OutlinePage {
        layout: Layout::new(&cu, "盘点提纲", "review")
            .flash(q.saved.map(|_| "提纲已保存，今后每年盘点都会沿用".into())),
        orgs: visible_org_choices(&state, &cu).await?,
        json: outline.to_json(),
        lines: lines(&outline),
        saved,
        inherited_from,
        org,
        errors: FormErrors::default(),
        can_edit: can_edit(&cu),
    })
}

async fn save(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Form(f): Form<OutlineForm>,
) -> PageResult<Response> {
    let org = f.org.trim().to_string();
    let result = match check(&f.json) {
        Ok(o) => {
            let txn = begin(&state).await?;
            match db::review::store::save_outline(&txn, &cu.ctx, &org, &o.to_json()).await {
                Ok(()) => {
                    commit(txn).await?;
                    Ok(())
                }
                Err(e) => Err(FormErrors::from_db(e)?),
            }
        }
        Err(msg) => {
            let mut e = FormErrors::default();
            e.set("json", msg);
            Err(e)
        }
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/review/outline?org={}&saved=1", urlencode(&org)))
                .into_response(),
        ),
        Err(errors) => {
            let in_use = db::review::store::outline_in_use(&state.db.conn, &cu.ctx, &org).await?;
            let page = OutlinePage {
                layout: Layout::new(&cu, "盘点提纲", "review"),
                orgs: visible_org_choices(&state, &cu).await?,
                lines: Vec::new(),
                json: f.json,
                saved: in_use.as_ref().is_some_and(|o| o.own),
                inherited_from: in_use.filter(|o| !o.own).map(|o| o.org_name),
                org,
                errors,
                can_edit: can_edit(&cu),
            };
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_outline_passes_its_own_check() {
        assert!(check(&Outline::default().to_json()).is_ok());
    }

    #[test]
    fn outline_mistakes_are_explained_in_chinese() {
        assert!(
            check("{\"parts\": [")
                .unwrap_err()
                .contains("JSON 语法有误")
        );
        assert!(check("{}").unwrap_err().contains("缺少字段「parts」"));
        let bad_feed = r#"{"parts":[{"key":"a","title":"甲","highlights":[{"key":"h","motto":"m",
            "sections":[{"heading":"x","feed":{"feed":"nope"}}]}]}]}"#;
        assert!(
            check(bad_feed).unwrap_err().contains("不是可用的数据来源"),
            "{}",
            check(bad_feed).unwrap_err()
        );
        let dup = r#"{"parts":[{"key":"a","title":"甲","highlights":[
            {"key":"h","motto":"m","sections":[{"heading":"x","feed":{"feed":"officers_trained"}}]},
            {"key":"h","motto":"n","sections":[{"heading":"y","feed":{"feed":"officers_trained"}}]}]}]}"#;
        assert!(check(dup).unwrap_err().contains("看点标识「h」重复"));
    }
}
