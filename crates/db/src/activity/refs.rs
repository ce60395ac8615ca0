//! Activities named by 活动编号 in many ledger rows, resolved at once: one
//! query per few hundred codes instead of three per row, with the answers
//! [`super::get_capturable`] gives for each row. A code is unique within an
//! org, not across orgs: a row's code means the one activity of that code the
//! caller can see, and a code seen only elsewhere reads as not there at all.

use std::collections::HashMap;

use domain::access::{Module, Permission};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect};

use crate::{
    Ctx, DbError, DbResult,
    entity::{activity, org},
    scope::org_join,
};

pub struct ActivityRefs(HashMap<String, Vec<(activity::Model, org::Model)>>);

impl ActivityRefs {
    pub async fn load(c: &impl ConnectionTrait, codes: &[&str]) -> DbResult<ActivityRefs> {
        let mut wanted: Vec<String> = codes.iter().map(|s| s.trim().to_string()).collect();
        wanted.sort();
        wanted.dedup();
        let mut found: HashMap<String, Vec<_>> = HashMap::new();
        for chunk in wanted.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
            for (a, o) in activity::Entity::find()
                .filter(activity::Column::Code.is_in(chunk.iter().cloned()))
                .join(
                    JoinType::InnerJoin,
                    org_join(activity::Entity, activity::Column::OrgId),
                )
                .select_also(org::Entity)
                .all(c)
                .await?
            {
                if let Some(o) = o {
                    found.entry(a.code.clone()).or_default().push((a, o));
                }
            }
        }
        Ok(ActivityRefs(found))
    }

    /// The activity with this code if the caller may change it; the errors a
    /// row-by-row lookup would give otherwise.
    pub fn capturable(&self, ctx: &Ctx, code: &str) -> DbResult<&(activity::Model, org::Model)> {
        ctx.require(Module::Activity, Permission::Write)?;
        let found = self.seen(ctx, code)?;
        if !ctx.scope.can_capture_path(&found.1.path) {
            return Err(super::not_capturable(&found.1));
        }
        Ok(found)
    }

    /// The activity with this code if the caller may see it (what
    /// `activity::get` would find).
    pub fn visible(&self, ctx: &Ctx, code: &str) -> Option<&(activity::Model, org::Model)> {
        if !ctx.scope.allows(Module::Activity, Permission::Read) {
            return None;
        }
        self.seen(ctx, code).ok()
    }

    /// The one activity of this code in the caller's view: none reads as "not
    /// there" whether or not another subtree holds the code; two (two orgs in
    /// view numbered alike) can't be told apart from a row without its org.
    pub fn seen(&self, ctx: &Ctx, code: &str) -> DbResult<&(activity::Model, org::Model)> {
        let code = code.trim();
        let mut seen = self
            .0
            .get(code)
            .into_iter()
            .flatten()
            .filter(|(_, o)| ctx.scope.can_view_path(&o.path));
        match (seen.next(), seen.next()) {
            (Some(one), None) => Ok(one),
            (None, _) => Err(DbError::invalid(
                "activity_code",
                format!("活动编号「{code}」不存在"),
            )),
            (Some(a), Some(b)) => Err(DbError::invalid(
                "activity_code",
                format!(
                    "活动编号「{code}」在「{}」和「{}」都有，无法确定是哪一个活动，请把其中一个改为不同的编号",
                    a.1.name, b.1.name
                ),
            )),
        }
    }

    /// Every activity found (for loading what hangs off them).
    pub fn ids(&self) -> Vec<i64> {
        self.0.values().flatten().map(|(a, _)| a.id).collect()
    }
}
