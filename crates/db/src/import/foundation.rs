//! Importers for the foundation sheets: 组织, 阵地, 人员, 干部, 调研.

use std::collections::HashSet;

use domain::{
    access::{Module, Permission},
    input::{Field, label_of},
};
use ledger::{Issue, Report, Sheet, sheets};
use sea_orm::DatabaseTransaction;

use super::{
    SheetCount, SheetImporter, in_savepoint,
    record::{At, Outcomes, RecordSheet},
};
use crate::conn::in_transaction;
use crate::{
    Ctx, Db, DbError, DbResult,
    org::{self, OrgInput, officer, survey, venue},
    people::{self, PersonInput},
};

pub fn importers() -> Vec<Box<dyn SheetImporter>> {
    vec![
        Box::new(Orgs),
        Box::new(Venues),
        Box::new(People),
        Box::new(Officers),
        Box::new(Surveys),
    ]
}

fn count(sheet: &str) -> SheetCount {
    SheetCount {
        sheet: sheet.into(),
        ..Default::default()
    }
}

struct Orgs;

fn org_column(field: &str) -> &'static str {
    label_of(domain::foundation::org::FIELDS, field)
}

#[async_trait::async_trait]
impl SheetImporter for Orgs {
    fn sheet(&self) -> &'static str {
        "组织"
    }

    async fn apply(
        &self,
        txn: &DatabaseTransaction,
        _db: &Db,
        ctx: &Ctx,
        sheet: &Sheet,
        rep: &mut Report,
    ) -> DbResult<SheetCount> {
        let rows = sheets::parse_orgs(sheet, rep);
        let mut c = count(self.sheet());
        c.rows = rows.len() as u64;
        let mut known = {
            let codes: Vec<&str> = rows
                .iter()
                .flat_map(|r| {
                    std::iter::once(r.input.code.as_str()).chain(r.input.parent_code.as_deref())
                })
                .collect();
            org::refs::OrgRefs::load(txn, &codes).await?
        };
        // Parents first: a row waits until its parent exists (in the database or
        // created earlier in this file), whatever the row order in the sheet.
        let mut pending = rows;
        loop {
            let (ready, next): (Vec<_>, Vec<_>) = pending.into_iter().partition(|r| {
                r.input
                    .parent_code
                    .as_deref()
                    .is_none_or(|p| known.get(p).is_some())
            });
            if ready.is_empty() {
                for r in next {
                    rep.push_error(Issue {
                        sheet: sheet.name.clone(),
                        row: r.line,
                        column: Some("上级组织编码".into()),
                        message: format!(
                            "上级组织编码「{}」不存在",
                            r.input.parent_code.unwrap_or_default()
                        ),
                    });
                }
                break;
            }
            // New orgs under parents on file go in a few statements; the rest
            // (an org on file, a root, a repeated code, anything refused) take
            // the one-row path, which gives each its own outcome or error.
            let mut seen = std::collections::HashSet::new();
            let mut fresh = Vec::new();
            let mut rest = Vec::new();
            for r in ready {
                let input = r.input;
                match input.parent_code.as_deref().and_then(|p| known.get(p)) {
                    Some(parent)
                        if known.get(&input.code).is_none()
                            && seen.insert(input.code.clone())
                            && org::bulk::creatable(ctx, &input, parent) =>
                    {
                        fresh.push((input, parent));
                    }
                    _ => rest.push((r.line, input)),
                }
            }
            let created = org::bulk::create_many(txn, ctx, &fresh).await?;
            c.created += created.len() as u64;
            for o in created {
                known.insert(o);
            }
            for (line, input) in rest {
                let created = in_savepoint(txn, rep, &sheet.name, line, org_column, async |t| {
                    create_or_update_org(t, ctx, &input).await
                })
                .await?;
                if created == Some(true)
                    && let Some(o) = org::find_by_code(txn, &input.code).await?
                {
                    known.insert(o);
                }
                c.tally(created);
            }
            if next.is_empty() {
                break;
            }
            pending = next;
        }
        Ok(c)
    }
}

/// One 组织 row by itself: the org is updated if its code is on file (same
/// parent and kind, within the caller's reach), created otherwise. True when
/// created.
async fn create_or_update_org(
    t: &DatabaseTransaction,
    ctx: &Ctx,
    input: &OrgInput,
) -> DbResult<bool> {
    match org::find_by_code(t, &input.code).await? {
        Some(existing) => {
            // Say nothing about an org outside the caller's reach.
            if !ctx.scope.can_capture_path(&existing.path) {
                return Err(DbError::invalid(
                    "code",
                    format!("组织编码「{}」已被使用或无权修改", input.code),
                ));
            }
            let same_parent = match (&input.parent_code, existing.parent_id) {
                (None, None) => true,
                (Some(code), Some(pid)) => org::find_by_code(t, code)
                    .await?
                    .is_some_and(|p| p.id == pid),
                _ => false,
            };
            if !same_parent {
                return Err(DbError::invalid(
                    "parent_code",
                    "上级组织与系统中不同；调整隶属关系请在组织页面办理迁移（保留历史）",
                ));
            }
            if existing.kind != input.kind.code() {
                return Err(DbError::invalid(
                    "kind",
                    "组织类型与系统中不同，不能通过导入修改",
                ));
            }
            let change = org::OrgChange {
                name: input.name.clone(),
                founded_on: input.founded_on,
                new_field_type: input.new_field_type,
                checked: input.checked,
            };
            org::update(t, ctx, &input.code, &change).await?;
            Ok(false)
        }
        None => {
            org::create(t, ctx, input).await?;
            Ok(true)
        }
    }
}

struct Venues;

#[async_trait::async_trait]
impl RecordSheet for Venues {
    type Row = sheets::VenueRow;
    const SHEET: &'static str = "阵地";
    const FIELDS: &'static [Field] = domain::foundation::venue::FIELDS;

    const PARSE: fn(&Sheet, &mut Report) -> Vec<Self::Row> = sheets::parse_venues;

    async fn write(&self, at: &At<'_>, rows: &[Self::Row]) -> DbResult<Outcomes> {
        let (txn, ctx) = (at.txn, at.ctx);
        let orgs = {
            let codes: Vec<&str> = rows.iter().map(|r| r.input.org_code.as_str()).collect();
            org::refs::OrgRefs::load(txn, &codes).await?
        };
        let on_file = {
            let mut ids: Vec<i64> = rows
                .iter()
                .filter_map(|r| orgs.get(&r.input.org_code).map(|o| o.id))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            venue::names_on_file(txn, &ids).await?
        };
        let may_write = ctx.scope.allows(Module::Org, Permission::Write);
        // New venues go in a few statements; the rest (a venue on file, a
        // repeated name, anything refused) take the one-row path, which
        // gives each its own outcome or error.
        let mut seen = HashSet::new();
        let mut fresh = Vec::new();
        let mut rest = Vec::new();
        for (n, r) in rows.iter().enumerate() {
            let key = |o: &crate::entity::org::Model| (o.id, r.input.name.clone());
            match orgs.capturable(ctx, &r.input.org_code, "org_code").ok() {
                Some(o) if may_write && !on_file.contains(&key(o)) && seen.insert(key(o)) => {
                    fresh.push((n, (r.input.clone(), o)));
                }
                _ => rest.push(n),
            }
        }
        let (fresh_at, fresh): (Vec<usize>, Vec<_>) = fresh.into_iter().unzip();
        venue::create_many(txn, ctx, &fresh).await?;
        // Each in a savepoint: a refused row leaves the transaction usable.
        let mut rest_out = Vec::with_capacity(rest.len());
        for n in &rest {
            let input = &rows[*n].input;
            rest_out.push(
                in_transaction(txn, async |t| Ok(venue::upsert(t, ctx, input).await?.1)).await,
            );
        }
        Ok(merge(rows.len(), fresh_at, rest, rest_out))
    }
}

/// One outcome per row from rows written in bulk (created) and the rest
/// written one by one, each list in row order.
fn merge(
    len: usize,
    created: Vec<usize>,
    rest: Vec<usize>,
    rest_out: Vec<DbResult<bool>>,
) -> Vec<DbResult<bool>> {
    let mut out: Vec<Option<DbResult<bool>>> = (0..len).map(|_| None).collect();
    for n in created {
        out[n] = Some(Ok(true));
    }
    for (n, o) in rest.into_iter().zip(rest_out) {
        out[n] = Some(o);
    }
    out.into_iter().flatten().collect()
}

struct People;

#[async_trait::async_trait]
impl RecordSheet for People {
    type Row = sheets::PersonRow;
    const SHEET: &'static str = "人员";
    const FIELDS: &'static [Field] = domain::foundation::person::FIELDS;

    const PARSE: fn(&Sheet, &mut Report) -> Vec<Self::Row> = sheets::parse_people;

    async fn write(&self, at: &At<'_>, rows: &[Self::Row]) -> DbResult<Outcomes> {
        let (txn, ctx) = (at.txn, at.ctx);
        let db = at.db;
        let inputs: Vec<PersonInput> = rows.iter().map(|r| r.input.clone()).collect();
        // Written even when the file already has an error (it will roll back):
        // later sheets look people up by 身份证号.
        people::bulk::upsert_many(txn, db, ctx, &inputs, true).await
    }
}

struct Officers;

#[async_trait::async_trait]
impl RecordSheet for Officers {
    type Row = sheets::OfficerRow;
    const SHEET: &'static str = "干部";
    const FIELDS: &'static [Field] = domain::foundation::officer::FIELDS;

    const PARSE: fn(&Sheet, &mut Report) -> Vec<Self::Row> = sheets::parse_officers;

    async fn write(&self, at: &At<'_>, rows: &[Self::Row]) -> DbResult<Outcomes> {
        let (txn, ctx) = (at.txn, at.ctx);
        let db = at.db;
        // New posts of people already on file go in multi-row statements;
        // the rest (a new person, a post on file, anything refused) take the
        // one-row path, which gives each its own outcome or error.
        let orgs = {
            let codes: Vec<&str> = rows.iter().map(|r| r.input.org_code.as_str()).collect();
            org::refs::OrgRefs::load(txn, &codes).await?
        };
        let people = {
            let ids: Vec<&domain::idcard::IdNumber> =
                rows.iter().map(|r| &r.input.id_number).collect();
            people::ids_by_id_number(txn, db, &ids).await?
        };
        let on_file = {
            let ids: Vec<i64> = people.values().copied().collect();
            officer::posts_of(txn, &ids).await?
        };
        let may_write = ctx.scope.allows(Module::Org, Permission::Write);
        let mut seen = HashSet::new();
        let mut fresh = Vec::new();
        let mut rest = Vec::new();
        for (n, r) in rows.iter().enumerate() {
            let i = &r.input;
            let person = people.get(i.id_number.as_str()).copied();
            let org = orgs.capturable(ctx, &i.org_code, "org_code").ok();
            match (person, org) {
                (Some(person_id), Some(o))
                    if may_write
                        && !on_file.contains(&(person_id, o.id, i.post.code().to_string()))
                        && seen.insert((person_id, o.id, i.post)) =>
                {
                    fresh.push((n, officer::OfficerInput::of(i, person_id, o.clone())));
                }
                _ => rest.push(n),
            }
        }
        let (fresh_at, fresh): (Vec<usize>, Vec<_>) = fresh.into_iter().unzip();
        officer::create_many(txn, ctx, &fresh).await?;
        let mut rest_out = Vec::with_capacity(rest.len());
        for n in &rest {
            let i = &rows[*n].input;
            rest_out.push(
                in_transaction(txn, async |t| {
                    let o = org::find_capturable_ref(t, ctx, &i.org_code, "org_code").await?;
                    // The person is created if absent (contract: 干部 rows carry 姓名 and
                    // 身份证号); an officer lives where her org is unless already registered.
                    let person = match people::find_by_id_number(t, db, &i.id_number).await? {
                        Some(p) => p,
                        None => {
                            people::find_or_create(t, db, ctx, &i.person(&i.org_code))
                                .await?
                                .0
                        }
                    };
                    let input = officer::OfficerInput::of(i, person.id, o);
                    Ok(officer::upsert(t, ctx, &input).await?.1)
                })
                .await,
            );
        }
        Ok(merge(rows.len(), fresh_at, rest, rest_out))
    }
}

struct Surveys;

#[async_trait::async_trait]
impl RecordSheet for Surveys {
    type Row = sheets::SurveyRow;
    const SHEET: &'static str = "调研";
    const FIELDS: &'static [Field] = domain::foundation::survey::FIELDS;

    const PARSE: fn(&Sheet, &mut Report) -> Vec<Self::Row> = sheets::parse_surveys;

    async fn write(&self, at: &At<'_>, rows: &[Self::Row]) -> DbResult<Outcomes> {
        let (txn, ctx) = (at.txn, at.ctx);
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(
                in_transaction(txn, async |t| Ok(survey::upsert(t, ctx, &r.input).await?.1)).await,
            );
        }
        Ok(out)
    }
}
