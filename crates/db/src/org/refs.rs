//! Org references of many ledger rows resolved at once: one query per few
//! hundred codes instead of one per row, with [`super::find_capturable_ref`]'s
//! answers for each row.

use std::collections::HashMap;

use domain::access::{Module, Permission};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{Ctx, DbResult, entity::org};

/// The orgs named by `codes` (trimmed), by code; unknown codes are absent.
pub struct OrgRefs(HashMap<String, org::Model>);

impl OrgRefs {
    pub async fn load(c: &impl ConnectionTrait, codes: &[&str]) -> DbResult<OrgRefs> {
        let mut wanted: Vec<String> = codes.iter().map(|s| s.trim().to_string()).collect();
        wanted.sort();
        wanted.dedup();
        let mut found = HashMap::new();
        for chunk in wanted.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
            for o in org::Entity::find()
                .filter(org::Column::Code.is_in(chunk.iter().cloned()))
                .all(c)
                .await?
            {
                found.insert(o.code.clone(), o);
            }
        }
        Ok(OrgRefs(found))
    }

    /// The org with this code, whoever may see it.
    pub fn get(&self, code: &str) -> Option<&org::Model> {
        self.0.get(code.trim())
    }

    /// Adds an org created since the load.
    pub fn insert(&mut self, o: org::Model) {
        self.0.insert(o.code.clone(), o);
    }

    /// The same answer as [`super::find_capturable_ref`] for this code.
    pub fn capturable(&self, ctx: &Ctx, code: &str, field: &str) -> DbResult<&org::Model> {
        ctx.require(Module::Org, Permission::Read)?;
        let o = self
            .0
            .get(code.trim())
            .filter(|o| ctx.scope.can_view_path(&o.path))
            .ok_or_else(|| super::unknown_ref(field, code))?;
        if !ctx.scope.can_capture_path(&o.path) {
            return Err(super::not_capturable(o));
        }
        Ok(o)
    }
}
