//! The tree browser (`/orgs`): the visible tree as nested lists, a search
//! listing, and the htmx fragment with the children of one org.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Path, Query, State},
    response::Html,
};
use db::{
    entity::org,
    org::{OrgQuery, browse},
};
use domain::kinds::OrgKind;
use serde::Deserialize;

use super::{
    super::{Layout, Pager, page_of, query_string},
    fields::Opt,
    render,
};
use crate::{AppState, auth::PageUser, error::PageResult};

/// Up to this many visible orgs the whole tree is rendered at once; above it
/// only the top two levels are, and deeper levels load when opened.
const FULL_TREE_MAX: u64 = 300;
const PER_PAGE: u64 = 50;

/// One node of the tree.
pub struct TreeNode {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub closed: bool,
    pub child_count: u64,
    pub open: bool,
    /// Rendered children, or None to load them when the node is opened.
    pub children_html: Option<String>,
}

impl TreeNode {
    fn of(o: &org::Model, child_count: u64) -> TreeNode {
        TreeNode {
            code: o.code.clone(),
            name: o.name.clone(),
            kind: kind_label(&o.kind),
            closed: o.closed_on.is_some(),
            child_count,
            open: false,
            children_html: None,
        }
    }
}

pub fn kind_label(code: &str) -> String {
    OrgKind::from_code(code).map_or_else(|| code.to_string(), |k| k.label().to_string())
}

#[derive(Template, WebTemplate)]
#[template(path = "org/tree_items.html")]
pub struct TreeItems {
    pub nodes: Vec<TreeNode>,
}

/// A row of the search listing.
pub struct Match {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub closed: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "org/tree.html")]
pub struct TreePage {
    layout: Layout,
    q: String,
    kind: String,
    kinds: Vec<Opt>,
    tree_html: String,
    matches: Option<Vec<Match>>,
    pager: Pager,
    can_add: bool,
}

#[derive(Deserialize)]
pub struct TreeQuery {
    q: Option<String>,
    kind: Option<String>,
    page: Option<u64>,
}

pub async fn index(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(tq): Query<TreeQuery>,
) -> PageResult<TreePage> {
    let c = &state.db.conn;
    let ctx = &cu.ctx;
    let q = tq.q.unwrap_or_default().trim().to_string();
    // Only a known kind filters; anything else is ignored like an empty choice.
    let kind = tq
        .kind
        .filter(|k| OrgKind::from_code(k).is_some())
        .unwrap_or_default();
    let page = page_of(tq.page);
    let base = query_string(&[("q", Some(&q)), ("kind", Some(&kind))]);
    let (matches, pager, tree_html) = if q.is_empty() && kind.is_empty() {
        (
            None,
            Pager::new(1, PER_PAGE, 0, base),
            full_or_top(&state, &cu).await?,
        )
    } else {
        let query = OrgQuery {
            q: Some(q.clone()),
            kind: Some(kind.clone()),
            include_closed: true,
            ..Default::default()
        };
        let (rows, total) = db::org::list(c, ctx, &query, page, PER_PAGE).await?;
        let matches = rows
            .iter()
            .map(|o| Match {
                code: o.code.clone(),
                name: o.name.clone(),
                kind: kind_label(&o.kind),
                closed: o.closed_on.is_some(),
            })
            .collect();
        (
            Some(matches),
            Pager::new(page, PER_PAGE, total, base),
            String::new(),
        )
    };
    let can_add = cu.ctx.scope.allows(
        domain::access::Module::Org,
        domain::access::Permission::Write,
    );
    Ok(TreePage {
        layout: Layout::new(&cu, "组织", "org"),
        q,
        kind,
        kinds: Opt::of(
            OrgKind::ALL,
            OrgKind::code,
            OrgKind::label,
            Some("全部类型"),
        ),
        tree_html,
        matches,
        pager,
        can_add,
    })
}

/// The tree HTML: everything for a small scope, the top two levels otherwise.
async fn full_or_top(state: &AppState, cu: &crate::auth::CurrentUser) -> PageResult<String> {
    let c = &state.db.conn;
    let ctx = &cu.ctx;
    let roots = browse::visible_roots(c, ctx).await?;
    if roots.is_empty() {
        return Ok(String::new());
    }
    if browse::count_visible(c, ctx).await? <= FULL_TREE_MAX {
        let all = db::org::all_visible(c, ctx).await?;
        let mut by_parent: HashMap<i64, Vec<&org::Model>> = HashMap::new();
        for o in &all {
            if let Some(p) = o.parent_id {
                by_parent.entry(p).or_default().push(o);
            }
        }
        let nodes = roots
            .iter()
            .map(|r| nested(r, &by_parent, 0))
            .collect::<PageResult<Vec<_>>>()?;
        return render(&TreeItems { nodes });
    }
    let mut nodes = Vec::new();
    for r in &roots {
        let kids = db::org::children(c, ctx, r.id).await?;
        let ids: Vec<i64> = kids.iter().map(|k| k.id).collect();
        let counts = browse::child_counts(c, ctx, &ids).await?;
        let kid_nodes: Vec<TreeNode> = kids
            .iter()
            .map(|k| TreeNode::of(k, counts.get(&k.id).copied().unwrap_or(0)))
            .collect();
        let mut node = TreeNode::of(r, kid_nodes.len() as u64);
        node.open = true;
        node.children_html = Some(render(&TreeItems { nodes: kid_nodes })?);
        nodes.push(node);
    }
    render(&TreeItems { nodes })
}

/// A node with its whole subtree rendered; the top level starts open.
fn nested(
    o: &org::Model,
    by_parent: &HashMap<i64, Vec<&org::Model>>,
    level: usize,
) -> PageResult<TreeNode> {
    let kids = by_parent.get(&o.id).map(Vec::as_slice).unwrap_or_default();
    let mut node = TreeNode::of(o, kids.len() as u64);
    node.open = level == 0;
    if !kids.is_empty() {
        let nodes = kids
            .iter()
            .map(|k| nested(k, by_parent, level + 1))
            .collect::<PageResult<Vec<_>>>()?;
        node.children_html = Some(render(&TreeItems { nodes })?);
    }
    Ok(node)
}

/// `GET /orgs/{code}/children`: the `<li>` items of one org's children (htmx).
pub async fn children(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
) -> PageResult<Html<String>> {
    let c = &state.db.conn;
    let o = db::org::find_visible(c, &cu.ctx, &code).await?;
    let kids = db::org::children(c, &cu.ctx, o.id).await?;
    let ids: Vec<i64> = kids.iter().map(|k| k.id).collect();
    let counts = browse::child_counts(c, &cu.ctx, &ids).await?;
    let nodes = kids
        .iter()
        .map(|k| TreeNode::of(k, counts.get(&k.id).copied().unwrap_or(0)))
        .collect();
    Ok(Html(render(&TreeItems { nodes })?))
}
