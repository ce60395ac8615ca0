//! Ledger export (台账导出): the foundation and work sheets of an org subtree,
//! in the same contract format the importer reads, so an export re-imports
//! unchanged.
//! 身份证号 and phone are plaintext only for callers holding `people:sensitive`;
//! others get masked values. Every export names people, so it asks for a
//! purpose (用途), which the access log records with what was exported.

use domain::audit::{AuditAction, AuditEntity};
use domain::{
    access::{Module, Permission},
    kinds::{Level, NewFieldType, OrgKind, Post, Tenure, VenueKind, VenueRating},
};
use ledger::{OutCell, WorkbookWriter, spec};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

mod activity;

use crate::{
    Ctx, Db, DbError, DbResult,
    audit::log_plaintext_view,
    entity::{officer, org, person, person_tag, survey, venue},
    org::find_visible,
};

fn t(s: impl Into<String>) -> OutCell {
    OutCell::Text(s.into())
}

fn opt(s: Option<String>) -> OutCell {
    s.map_or(OutCell::Empty, OutCell::Text)
}

fn date(d: Option<chrono::NaiveDate>) -> OutCell {
    d.map_or(OutCell::Empty, OutCell::Date)
}

fn label<T>(code: Option<&str>, f: fn(&str) -> Option<T>, l: fn(T) -> &'static str) -> OutCell {
    code.and_then(f).map_or(OutCell::Empty, |x| t(l(x)))
}

/// Longest purpose kept (characters).
pub const MAX_PURPOSE_CHARS: usize = 200;

/// The purpose as typed, trimmed, or a field error naming what is wrong.
pub fn check_purpose(purpose: &str) -> DbResult<String> {
    let p = purpose.trim();
    if p.is_empty() {
        return Err(DbError::invalid(
            "purpose",
            "请填写导出用途：导出的台账含人员信息，用途将记入查看记录",
        ));
    }
    let n = p.chars().count();
    if n > MAX_PURPOSE_CHARS {
        return Err(DbError::invalid(
            "purpose",
            format!("导出用途不能超过{MAX_PURPOSE_CHARS}个字（现为{n}个字）"),
        ));
    }
    if p.chars().any(char::is_control) {
        return Err(DbError::invalid("purpose", "导出用途不能含控制字符"));
    }
    Ok(p.to_string())
}

/// The ledger of `org_code`'s subtree as a workbook, for `purpose` (用途,
/// required: it goes to the access log with the export).
pub async fn export_workbook(
    db: &Db,
    ctx: &Ctx,
    org_code: &str,
    purpose: &str,
) -> DbResult<Vec<u8>> {
    ctx.require(Module::Ledger, Permission::Export)?;
    let purpose = check_purpose(purpose)?;
    let c = &db.conn;
    let root = find_visible(c, ctx, org_code).await?;
    let orgs = org::Entity::find()
        .filter(org::Column::Path.starts_with(&root.path))
        .order_by_asc(org::Column::Depth)
        .order_by_asc(org::Column::Code)
        .all(c)
        .await?;
    let by_id: std::collections::HashMap<i64, &org::Model> =
        orgs.iter().map(|o| (o.id, o)).collect();
    let org_ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let code_of = |id: i64| by_id.get(&id).map(|o| o.code.clone()).unwrap_or_default();
    let plaintext = ctx.scope.allows(Module::People, Permission::Sensitive);

    let mut w = WorkbookWriter::new();
    let org_rows: Vec<Vec<OutCell>> = orgs
        .iter()
        .map(|o| {
            vec![
                t(&o.code),
                t(&o.name),
                label(Some(&o.kind), OrgKind::from_code, OrgKind::label),
                // The export root's parent is outside the file; keep its code so the
                // file re-imports into the same place.
                o.parent_id.map_or(OutCell::Empty, |p| {
                    by_id
                        .get(&p)
                        .map_or_else(|| OutCell::Empty, |po| t(&po.code))
                }),
                date(o.founded_on),
                label(
                    o.new_field_type.as_deref(),
                    NewFieldType::from_code,
                    NewFieldType::label,
                ),
            ]
        })
        .collect();
    let mut org_rows = org_rows;
    if let (Some(first), Some(pid)) = (org_rows.first_mut(), root.parent_id)
        && let Some(p) = org::Entity::find_by_id(pid).one(c).await?
    {
        first[3] = t(p.code);
    }
    w.add_sheet(spec::ORG.name, &spec::ORG.headers(), &org_rows);

    let venues = venue::Entity::find()
        .filter(venue::Column::OrgId.is_in(org_ids.clone()))
        .order_by_asc(venue::Column::Id)
        .all(c)
        .await?;
    let venue_rows: Vec<Vec<OutCell>> = venues
        .iter()
        .map(|v| {
            vec![
                t(&v.name),
                label(Some(&v.kind), VenueKind::from_code, VenueKind::label),
                t(code_of(v.org_id)),
                date(v.opened_on),
                label(
                    v.rating.as_deref(),
                    VenueRating::from_code,
                    VenueRating::label,
                ),
                label(v.rating_level.as_deref(), Level::from_code, Level::label),
            ]
        })
        .collect();
    w.add_sheet(spec::VENUE.name, &spec::VENUE.headers(), &venue_rows);

    let people = person::Entity::find()
        .filter(person::Column::OrgId.is_in(org_ids.clone()))
        .order_by_asc(person::Column::Id)
        .all(c)
        .await?;
    let person_ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let mut tags: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for chunk in person_ids.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        for tg in person_tag::Entity::find()
            .filter(person_tag::Column::PersonId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
        {
            tags.entry(tg.person_id).or_default().push(tg.tag);
        }
    }
    let reveal = |cipher: &str, masked: &str| -> DbResult<String> {
        if plaintext {
            db.keys
                .decrypt(cipher)
                .map_err(|e| DbError::internal(format!("export decrypt failed: {e}")))
        } else {
            Ok(masked.to_string())
        }
    };
    let today = crate::time::today_beijing();
    let mut id_of = std::collections::HashMap::new();
    let mut person_rows = Vec::with_capacity(people.len());
    for p in &people {
        let id = reveal(&p.id_cipher, &p.id_masked)?;
        let phone = match (&p.phone_cipher, &p.phone_masked) {
            (Some(ci), Some(m)) => Some(reveal(ci, m)?),
            _ => None,
        };
        id_of.insert(p.id, (p.name.clone(), id.clone()));
        // Without the (logged) plaintext export, a child by surname + *.
        let name = if plaintext {
            p.name.clone()
        } else {
            crate::people::shown_name(&p.name, p.birth_year, today)
        };
        person_rows.push(vec![
            t(name),
            t(id),
            opt(phone),
            t(code_of(p.org_id)),
            t(tags.remove(&p.id).unwrap_or_default().join("、")),
        ]);
    }
    w.add_sheet(spec::PERSON.name, &spec::PERSON.headers(), &person_rows);

    let officers = officer::Entity::find()
        .filter(officer::Column::OrgId.is_in(org_ids.clone()))
        .order_by_asc(officer::Column::Id)
        .all(c)
        .await?;
    let mut officer_rows = Vec::with_capacity(officers.len());
    for x in &officers {
        // An officer may live outside the exported subtree.
        let (name, id) = match id_of.get(&x.person_id) {
            Some(v) => v.clone(),
            None => match person::Entity::find_by_id(x.person_id).one(c).await? {
                Some(p) => (p.name.clone(), reveal(&p.id_cipher, &p.id_masked)?),
                None => continue,
            },
        };
        officer_rows.push(vec![
            t(name),
            t(id),
            t(code_of(x.org_id)),
            label(Some(&x.post), Post::from_code, Post::label),
            label(x.tenure.as_deref(), Tenure::from_code, Tenure::label),
            date(x.term_start),
            date(x.term_end),
        ]);
    }
    w.add_sheet(spec::OFFICER.name, &spec::OFFICER.headers(), &officer_rows);

    let surveys = survey::Entity::find()
        .filter(survey::Column::OrgId.is_in(org_ids))
        .order_by_asc(survey::Column::Date)
        .all(c)
        .await?;
    let survey_rows: Vec<Vec<OutCell>> = surveys
        .into_iter()
        .map(|s| {
            vec![
                t(code_of(s.org_id)),
                OutCell::Date(s.date),
                opt(s.surveyor),
                opt(s.shortcomings),
                opt(s.highlights),
            ]
        })
        .collect();
    w.add_sheet(spec::SURVEY.name, &spec::SURVEY.headers(), &survey_rows);

    let attendees = activity::add_sheets(c, &mut w, &orgs, &reveal, plaintext).await?;

    // Logged whether masked or not: names are personal data too.
    let field = if plaintext {
        "name,id_number,phone"
    } else {
        "name"
    };
    let (people, officers) = (people.len(), officers.len());
    // The access-log row and the change trail's row land together.
    db.write(async |tx| {
        log_plaintext_view(
            tx,
            ctx,
            AuditEntity::LedgerExport,
            &root.code,
            field,
            &purpose,
        )
        .await?;
        // The change trail says what went out (an export changes no data, so
        // the data version stays).
        crate::audit::Change::new(
            AuditAction::Export,
            AuditEntity::Ledger,
            &root.code,
            format!(
                "导出台账「{}」（{people}人，{officers}名干部，{attendees}人次参与活动，{}）；用途：{purpose}",
                root.name,
                if plaintext { "含明文" } else { "已脱敏" }
            ),
        )
        .org(root.id)
        .write(tx, &ctx.deferring_version())
        .await
    })
    .await?;
    w.to_xlsx_bytes()
        .map_err(|e| DbError::internal(format!("xlsx writer failed: {e}")))
}
