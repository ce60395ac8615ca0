//! The work sheets of an export: 活动, 参与人员, 作品 and 宣传 of the exported
//! subtree, every year, in the contract's columns, so the file re-imports
//! unchanged. Photos are files, not cells: 照片 stays empty (a re-import of
//! the xlsx alone keeps the stored photos).

use std::collections::HashMap;

use domain::{
    activity::{ActivityKind, ActivityMode},
    kinds::Level,
};
use ledger::{OutCell, WorkbookWriter, spec};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{date, label, opt, t};
use crate::{
    DbResult,
    entity::{
        activity, activity_material, attendance, org, person, programme, publicity_item, repost,
        work,
    },
};

/// Writes the four sheets; `reveal(cipher, masked)` gives the 身份证号 as the
/// caller may see it, and without a `plaintext` (logged) export a child's
/// name is her surname + `*`. Returns how many attendees' numbers were written.
pub async fn add_sheets(
    c: &impl ConnectionTrait,
    w: &mut WorkbookWriter,
    orgs: &[org::Model],
    reveal: &(dyn Fn(&str, &str) -> DbResult<String> + Sync),
    plaintext: bool,
) -> DbResult<usize> {
    let org_ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let mut codes: HashMap<i64, String> = orgs.iter().map(|o| (o.id, o.code.clone())).collect();

    let activities = activity::Entity::find()
        .filter(activity::Column::OrgId.is_in(org_ids.clone()))
        .order_by_asc(activity::Column::StartDate)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
    let programmes: HashMap<i64, String> = programme::Entity::find()
        .filter(programme::Column::Id.is_in(activities.iter().filter_map(|a| a.programme_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut materials: HashMap<i64, Vec<String>> = HashMap::new();
    for m in activity_material::Entity::find()
        .filter(activity_material::Column::ActivityId.is_in(ids.clone()))
        .order_by_asc(activity_material::Column::Id)
        .all(c)
        .await?
    {
        materials
            .entry(m.activity_id)
            .or_default()
            .push(format!("{}:{}", m.name, m.quantity));
    }
    let rows: Vec<Vec<OutCell>> = activities
        .iter()
        .map(|a| {
            vec![
                t(&a.code),
                t(&a.name),
                opt(a.programme_id.and_then(|p| programmes.get(&p).cloned())),
                label(Some(&a.kind), ActivityKind::from_code, ActivityKind::label),
                t(codes.get(&a.org_id).cloned().unwrap_or_default()),
                opt(a.partners.clone()),
                OutCell::Date(a.start_date),
                date((a.end_date != a.start_date).then_some(a.end_date)),
                t(if a.online {
                    ActivityMode::Online.label()
                } else {
                    ActivityMode::Offline.label()
                }),
                opt(a.place.clone()),
                a.units_reached
                    .map_or(OutCell::Empty, |n| OutCell::Int(n.into())),
                a.head_count
                    .map_or(OutCell::Empty, |n| OutCell::Int(n.into())),
                opt(materials.remove(&a.id).map(|m| m.join(";"))),
                opt(a.summary.clone()),
                OutCell::Empty,
                OutCell::Empty,
            ]
        })
        .collect();
    w.add_sheet(spec::ACTIVITY.name, &spec::ACTIVITY.headers(), &rows);
    let code_of_activity: HashMap<i64, &str> =
        activities.iter().map(|a| (a.id, a.code.as_str())).collect();

    // 参与人员: the number comes from the registered person; an attendee
    // recorded without a registered person only has the masked number.
    let roster = attendance::Entity::find()
        .filter(attendance::Column::ActivityId.is_in(ids.clone()))
        .order_by_asc(attendance::Column::Id)
        .all(c)
        .await?;
    // A county-year's roster names tens of thousands of people: asked for a
    // few thousand at a time, as SQLite bounds the variables of a statement.
    let mut wanted: Vec<i64> = roster.iter().filter_map(|r| r.person_id).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut people: HashMap<i64, person::Model> = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        people.extend(
            person::Entity::find()
                .filter(person::Column::Id.is_in(chunk.iter().copied()))
                .all(c)
                .await?
                .into_iter()
                .map(|p| (p.id, p)),
        );
    }
    let mut revealed = 0;
    let mut rows = Vec::with_capacity(roster.len());
    let today = crate::time::today_beijing();
    for r in &roster {
        let person = r.person_id.and_then(|p| people.get(&p));
        let year = r.birth_year.or(person.map(|p| p.birth_year));
        let name = match year {
            Some(y) if !plaintext && domain::idcard::may_be_minor(y, today) => {
                domain::mask::mask_child_name(&r.name)
            }
            _ => r.name.clone(),
        };
        let id = match person {
            Some(p) => {
                revealed += 1;
                reveal(&p.id_cipher, &p.id_masked)?
            }
            None => r.id_masked.clone().unwrap_or_default(),
        };
        rows.push(vec![
            t(code_of_activity
                .get(&r.activity_id)
                .copied()
                .unwrap_or_default()),
            t(name),
            t(id),
            opt(r.unit.clone()),
        ]);
    }
    w.add_sheet(spec::ATTENDANCE.name, &spec::ATTENDANCE.headers(), &rows);

    let works = work::Entity::find()
        .filter(work::Column::ActivityId.is_in(ids))
        .order_by_asc(work::Column::Id)
        .all(c)
        .await?;
    // A work may belong to an org outside the subtree (a unit that took part).
    let missing: Vec<i64> = works
        .iter()
        .filter_map(|x| x.org_id)
        .filter(|id| !codes.contains_key(id))
        .collect();
    for o in org::Entity::find()
        .filter(org::Column::Id.is_in(missing))
        .all(c)
        .await?
    {
        codes.insert(o.id, o.code);
    }
    let rows: Vec<Vec<OutCell>> = works
        .iter()
        .map(|x| {
            vec![
                t(code_of_activity
                    .get(&x.activity_id)
                    .copied()
                    .unwrap_or_default()),
                t(&x.title),
                t(&x.author),
                opt(x.category.clone()),
                opt(x.org_id.and_then(|o| codes.get(&o).cloned())),
            ]
        })
        .collect();
    w.add_sheet(spec::WORK.name, &spec::WORK.headers(), &rows);

    let items = publicity_item::Entity::find()
        .filter(publicity_item::Column::OrgId.is_in(org_ids))
        .order_by_asc(publicity_item::Column::PublishedOn)
        .order_by_asc(publicity_item::Column::Id)
        .all(c)
        .await?;
    let mut reposts: HashMap<i64, Vec<String>> = HashMap::new();
    for r in repost::Entity::find()
        .filter(repost::Column::ItemId.is_in(items.iter().map(|i| i.id)))
        .order_by_asc(repost::Column::Id)
        .all(c)
        .await?
    {
        let level = Level::from_code(&r.level).map_or("", Level::label);
        reposts
            .entry(r.item_id)
            .or_default()
            .push(format!("{}:{level}", r.by_name));
    }
    // The reported activity may be another org's (a township's story of a
    // county lecture): its code is looked up, not taken from this subtree.
    let reported: HashMap<i64, String> = activity::Entity::find()
        .filter(activity::Column::Id.is_in(items.iter().filter_map(|i| i.activity_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, a.code))
        .collect();
    let rows: Vec<Vec<OutCell>> = items
        .iter()
        .map(|i| {
            vec![
                t(&i.title),
                t(&i.channel),
                OutCell::Date(i.published_on),
                t(codes.get(&i.org_id).cloned().unwrap_or_default()),
                opt(i.column_name.clone()),
                opt(i.link.clone()),
                opt(reposts.remove(&i.id).map(|r| r.join(";"))),
                opt(i.activity_id.and_then(|a| reported.get(&a).cloned())),
            ]
        })
        .collect();
    w.add_sheet(spec::PUBLICITY.name, &spec::PUBLICITY.headers(), &rows);
    Ok(revealed)
}
