//! Attendance rosters (参与人员): one row per attendee and activity. A roster
//! counts distinct people and distinct units; registered people are linked so
//! officers' trainings can be counted against the officers register.

use domain::{activity::attendee_key, idcard::IdNumber};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::{
    Ctx, Db, DbError, DbResult, audit::Change, entity::attendance, people::find_by_id_number,
    time::now,
};

#[derive(Debug, Clone)]
pub struct AttendeeInput {
    pub name: String,
    pub id_number: Option<IdNumber>,
    pub unit: Option<String>,
}

/// Adds an attendee (or updates her unit if already on the roster).
/// Returns true when a new row was added.
pub async fn add(
    c: &impl ConnectionTrait,
    db: &Db,
    ctx: &Ctx,
    activity_id: i64,
    input: &AttendeeInput,
) -> DbResult<bool> {
    Ok(add_row(c, db, ctx, activity_id, input).await?.1)
}

/// [`add`], returning the roster row too (the API answers with it).
pub async fn add_row(
    c: &impl ConnectionTrait,
    db: &Db,
    ctx: &Ctx,
    activity_id: i64,
    input: &AttendeeInput,
) -> DbResult<(attendance::Model, bool)> {
    let (a, o) = super::get_capturable(c, ctx, activity_id).await?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(DbError::invalid("name", "姓名不能为空且不超过50个字"));
    }
    let unit = input
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(String::from);
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
        // A changed unit changes the unit counts: it is audited like the add.
        Change::new(
            "update_attendee",
            "activity",
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
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Change::new(
        "add_attendee",
        "activity",
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
    Ok(attendance::Entity::find()
        .filter(attendance::Column::ActivityId.eq(activity_id))
        .order_by_asc(attendance::Column::Id)
        .all(c)
        .await?)
}

/// Roster sizes (distinct people: one row per person and activity) of
/// several activities (ids taken from a scoped list); absent = no roster.
pub async fn counts(
    c: &impl ConnectionTrait,
    activity_ids: &[i64],
) -> DbResult<std::collections::HashMap<i64, u64>> {
    use sea_orm::QuerySelect;
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
