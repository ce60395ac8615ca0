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
        if row.unit != unit {
            let mut am: attendance::ActiveModel = row.into();
            am.unit = Set(unit);
            am.update(c).await?;
        }
        return Ok(false);
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
    Ok(true)
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
