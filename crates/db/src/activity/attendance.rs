//! Attendance rosters (参与人员): one row per attendee and activity. A roster
//! counts distinct people and distinct units; registered people are linked so
//! officers' trainings can be counted against the officers register.

use domain::activity::attendee_key;
use domain::audit::{AuditAction, AuditEntity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::{
    Ctx, Db, DbError, DbResult, audit::Change, entity::attendance, people::find_by_id_number,
    time::now,
};

/// A checked roster line (`domain::activity::records::AttendeeDraft`).
pub use domain::activity::records::AttendeeInput;

/// Adds an attendee (or updates her unit if already on the roster).
/// Returns true when a new row was added.
pub async fn add(
    c: &DatabaseTransaction,
    db: &Db,
    ctx: &Ctx,
    activity_id: i64,
    input: &AttendeeInput,
) -> DbResult<bool> {
    Ok(add_row(c, db, ctx, activity_id, input).await?.1)
}

/// [`add`], returning the roster row too (the API answers with it).
pub async fn add_row(
    c: &DatabaseTransaction,
    db: &Db,
    ctx: &Ctx,
    activity_id: i64,
    input: &AttendeeInput,
) -> DbResult<(attendance::Model, bool)> {
    let (a, o) = super::get_capturable(c, ctx, activity_id).await?;
    let name = input.name.as_str();
    let unit = input.unit.clone();
    let (person_id, index) = match &input.id_number {
        Some(id) => {
            let p = find_by_id_number(c, db, id).await?;
            (
                p.map(|p| p.id),
                Some(db.keys.blind_index("id_number", id.as_str())),
            )
        }
        None => (None, None),
    };
    let key = attendee_key(person_id, index.as_deref(), name, unit.as_deref());
    let existing = attendance::Entity::find()
        .filter(attendance::Column::ActivityId.eq(a.id))
        .filter(attendance::Column::PersonKey.eq(&key))
        .one(c)
        .await?;
    if let Some(row) = existing {
        if row.unit == unit {
            return Ok((row, false));
        }
        let before_unit = row.unit.clone();
        let mut am: attendance::ActiveModel = row.into();
        am.unit = Set(unit);
        let row = am.update(c).await?;
        super::summary::refresh(c, &[a.id]).await?;
        // A changed unit changes the unit counts: it is audited like the add.
        Change::new(
            AuditAction::UpdateAttendee,
            AuditEntity::Activity,
            a.id,
            format!("「{}」修改参与人员单位", a.name),
        )
        .org(o.id)
        .before(&serde_json::json!({"attendance_id": row.id, "unit": before_unit}))
        .after(&serde_json::json!({"attendance_id": row.id, "unit": row.unit}))
        .write(c, ctx)
        .await?;
        return Ok((row, false));
    }
    let row = attendance::ActiveModel {
        activity_id: Set(a.id),
        person_id: Set(person_id),
        person_key: Set(key),
        name: Set(name.into()),
        unit: Set(unit),
        id_masked: Set(input.id_number.as_ref().map(|i| i.masked())),
        birth_year: Set(input.id_number.as_ref().map(|i| i.birth_year())),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    super::summary::refresh(c, &[a.id]).await?;
    Change::new(
        AuditAction::AddAttendee,
        AuditEntity::Activity,
        a.id,
        format!("「{}」登记参与人员", a.name),
    )
    .org(o.id)
    .after(&serde_json::json!({"attendance_id": row.id, "unit": row.unit}))
    .write(c, ctx)
    .await?;
    Ok((row, true))
}

/// The roster of an activity the caller may see.
pub async fn roster(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    activity_id: i64,
) -> DbResult<Vec<attendance::Model>> {
    super::get(c, ctx, activity_id).await?;
    let rows = attendance::Entity::find()
        .filter(attendance::Column::ActivityId.eq(activity_id))
        .order_by_asc(attendance::Column::Id)
        .all(c)
        .await?;
    if ctx.scope.sees_person_names() {
        return Ok(rows);
    }
    // Aggregate-only callers (上级查看): the roster's size and units, no one
    // in it by name or number.
    Ok(rows
        .into_iter()
        .map(|r| attendance::Model {
            name: HIDDEN_NAME.into(),
            id_masked: None,
            person_id: None,
            person_key: String::new(),
            ..r
        })
        .collect())
}

/// What an aggregate-only caller sees in place of an attendee's name.
pub const HIDDEN_NAME: &str = "（不显示姓名）";

/// Roster sizes (distinct people: one row per person and activity) of
/// several activities (ids taken from a scoped list); absent = no roster.
pub async fn counts(
    c: &impl ConnectionTrait,
    activity_ids: &[i64],
) -> DbResult<std::collections::HashMap<i64, u64>> {
    if activity_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, i64)> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::ActivityId)
        .column_as(attendance::Column::Id.count(), "n")
        .filter(attendance::Column::ActivityId.is_in(activity_ids.iter().copied()))
        .group_by(attendance::Column::ActivityId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(a, n)| (a, n.max(0) as u64))
        .collect())
}

/// One roster line of a ledger sheet: the activity it names by 活动编号.
pub struct RosterLine<'a> {
    pub activity_code: &'a str,
    pub input: AttendeeInput,
}

/// [`add`] for a whole sheet of roster lines at once, with the same checks,
/// outcomes and audit rows, but a handful of queries per few hundred lines
/// instead of nine per line (a county-year has ~50,000 roster lines).
/// Returns each line's outcome in order: `Ok(true)` added, `Ok(false)` already
/// on the roster. With `write` false nothing is written (the caller's import
/// already failed and only wants every line checked).
pub async fn add_many(
    c: &sea_orm::DatabaseTransaction,
    db: &Db,
    ctx: &Ctx,
    lines: &[RosterLine<'_>],
    write: bool,
) -> DbResult<Vec<DbResult<bool>>> {
    use std::collections::{HashMap, HashSet};

    use domain::access::{Module, Permission};

    use crate::entity::person;

    if let Err(DbError::Forbidden(m)) = ctx.require(Module::Activity, Permission::Write) {
        return Ok(lines
            .iter()
            .map(|_| Err(DbError::Forbidden(m.clone())))
            .collect());
    }

    let acts = {
        let codes: Vec<&str> = lines.iter().map(|l| l.activity_code).collect();
        super::refs::ActivityRefs::load(c, &codes).await?
    };

    let indexes: Vec<Option<String>> = lines
        .iter()
        .map(|l| {
            l.input
                .id_number
                .as_ref()
                .map(|id| db.keys.blind_index("id_number", id.as_str()))
        })
        .collect();
    let wanted: Vec<String> = indexes
        .iter()
        .flatten()
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut person_of: HashMap<String, i64> = HashMap::new();
    for chunk in wanted.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        let found: Vec<(i64, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::IdIndex)
            .filter(person::Column::IdIndex.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(c)
            .await?;
        person_of.extend(found.into_iter().map(|(id, ix)| (ix, id)));
    }

    let act_ids = acts.ids();
    let mut on_roster: HashMap<(i64, String), attendance::Model> = HashMap::new();
    for chunk in act_ids.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        for row in attendance::Entity::find()
            .filter(attendance::Column::ActivityId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
        {
            on_roster.insert((row.activity_id, row.person_key.clone()), row);
        }
    }

    let mut out = Vec::with_capacity(lines.len());
    let mut new_rows: Vec<attendance::ActiveModel> = Vec::new();
    let mut added: HashSet<(i64, String)> = HashSet::new();
    // Activities whose roster changed here other than by new lines: their
    // summaries are read back once the lines are in.
    let mut reread: HashSet<i64> = HashSet::new();
    // Activity name and org id of each activity with new lines, for audit rows.
    let mut named: HashMap<i64, (String, i64)> = HashMap::new();
    let t = now();
    for (l, index) in lines.iter().zip(&indexes) {
        let (a, o) = match acts.capturable(ctx, l.activity_code) {
            Ok(found) => found,
            Err(e) => {
                out.push(Err(e));
                continue;
            }
        };
        let name = l.input.name.as_str();
        let unit = l.input.unit.clone();
        let person_id = index.as_ref().and_then(|i| person_of.get(i).copied());
        let key = attendee_key(person_id, index.as_deref(), name, unit.as_deref());
        if added.contains(&(a.id, key.clone())) {
            out.push(Ok(false));
            continue;
        }
        if let Some(row) = on_roster.get(&(a.id, key.clone())) {
            // Rare (a re-import with a changed unit): the one-line path audits it.
            if row.unit != unit && write {
                add_row(c, db, ctx, a.id, &l.input).await?;
                reread.insert(a.id);
            }
            out.push(Ok(false));
            continue;
        }
        added.insert((a.id, key.clone()));
        named.insert(a.id, (a.name.clone(), o.id));
        new_rows.push(attendance::ActiveModel {
            activity_id: Set(a.id),
            person_id: Set(person_id),
            person_key: Set(key),
            name: Set(name.into()),
            unit: Set(unit),
            id_masked: Set(l.input.id_number.as_ref().map(|i| i.masked())),
            birth_year: Set(l.input.id_number.as_ref().map(|i| i.birth_year())),
            created_at: Set(t),
            ..Default::default()
        });
        out.push(Ok(true));
    }
    if !write || new_rows.is_empty() {
        return Ok(out);
    }

    // The summaries of the activities given new lines: their lines before
    // (loaded above) and the new ones, without reading them back.
    let mut lines_of: HashMap<i64, Vec<(&str, Option<&str>)>> = HashMap::new();
    for row in &new_rows {
        if let (Some(a), Some(key), Some(unit)) = (
            row.activity_id.try_as_ref(),
            row.person_key.try_as_ref(),
            row.unit.try_as_ref(),
        ) && !reread.contains(a)
        {
            lines_of.entry(*a).or_default().push((key, unit.as_deref()));
        }
    }
    for ((a, key), row) in &on_roster {
        if let Some(lines) = lines_of.get_mut(a) {
            lines.push((key, row.unit.as_deref()));
        }
    }
    let summaries: Vec<(i64, domain::activity::RosterSummary)> = lines_of
        .into_iter()
        .map(|(a, lines)| (a, domain::activity::RosterSummary::of(lines)))
        .collect();

    // One audit row per activity whose roster grew, naming every new line:
    // the same facts as a row per line (those are keyed by the activity too),
    // without a county-year import writing 60,000 of them.
    let mut added_to: HashMap<i64, Vec<serde_json::Value>> = HashMap::new();
    for row in crate::batch::insert_returning(c, crate::batch::Rows::Narrow, new_rows).await? {
        added_to
            .entry(row.activity_id)
            .or_default()
            .push(serde_json::json!({"attendance_id": row.id, "unit": row.unit}));
    }
    let mut added_to: Vec<_> = added_to.into_iter().collect();
    added_to.sort_unstable_by_key(|(a, _)| *a);
    let changes = added_to.into_iter().map(|(a, lines)| {
        let (activity_name, org_id) = &named[&a];
        Change::new(
            AuditAction::AddAttendee,
            AuditEntity::Activity,
            a,
            format!("「{activity_name}」登记参与人员{}人", lines.len()),
        )
        .org(*org_id)
        .after(&serde_json::json!({ "attendees": lines }))
    });
    let changes: Vec<_> = changes.collect();
    super::summary::write(c, summaries).await?;
    let reread: Vec<i64> = reread.into_iter().collect();
    super::summary::refresh(c, &reread).await?;
    crate::audit::write_many(c, ctx, changes).await?;
    Ok(out)
}
