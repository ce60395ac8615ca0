//! Importers for 活动, 参与人员, 作品 and 宣传. Photos a 活动 row names come
//! from the folder or zip given with the import (the workbook's attachments).

use domain::{
    activity::PHOTOS_PER_RECORD,
    input::{Field, label_of},
};
use ledger::{Issue, Report, Sheet, Workbook, sheets, sheets::ActivityRow};
use sea_orm::DatabaseTransaction;

use super::{
    SheetCount, SheetImporter,
    record::{At, Outcomes, RecordSheet},
};
use crate::{
    Ctx, Db, DbResult,
    activity::{self, ActivityInput, attendance::RosterLine, photo::NewPhoto, work::WorkLine},
    publicity::{self, ItemInput},
};

pub fn importers() -> Vec<Box<dyn SheetImporter>> {
    vec![
        Box::new(Activities),
        Box::new(Attendance),
        Box::new(Works),
        Box::new(Publicity),
    ]
}

struct Activities;

/// The 活动 column of a field a repository error names: the activity's own
/// fields by their one table, plus the row's photo columns.
fn activity_column(field: &str) -> &'static str {
    match field {
        "owner" => "品牌项目",
        "photos" => "照片",
        "caption" => "照片说明",
        f => domain::input::label_of(domain::activity::FIELDS, f),
    }
}

/// A photo named in a row, found among the workbook's attachments and checked.
struct RowPhoto {
    name: String,
    processed: media::Processed,
}

/// Each row's photos found among the workbook's attachments, checked and
/// re-encoded by the upload pipeline (all cores at once: a real phone photo
/// takes a tenth of a second), or None for a row with a bad, missing or
/// surplus photo (its errors go to `rep`, naming the file).
async fn rows_photos(
    wb: &Workbook,
    sheet: &str,
    rows: &[ActivityRow],
    rep: &mut Report,
) -> DbResult<Vec<Option<Vec<RowPhoto>>>> {
    let mut jobs = Vec::new();
    let mut ok = vec![true; rows.len()];
    for (n, r) in rows.iter().enumerate() {
        if r.photos.len() > PHOTOS_PER_RECORD {
            rep.push_error(Issue::new(
                sheet,
                r.line,
                Some("照片"),
                format!(
                    "每个活动最多{PHOTOS_PER_RECORD}张照片，这一行列了{}张",
                    r.photos.len()
                ),
            ));
            ok[n] = false;
            continue;
        }
        for name in &r.photos {
            match wb.attachment(name) {
                Some(bytes) => jobs.push(((n, name.clone()), bytes.to_vec())),
                None => {
                    rep.push_error(Issue::new(
                        sheet,
                        r.line,
                        Some("照片"),
                        format!("照片「{name}」不在导入的文件夹或压缩包中"),
                    ));
                    ok[n] = false;
                }
            }
        }
    }
    let mut out: Vec<Vec<RowPhoto>> = rows.iter().map(|_| Vec::new()).collect();
    for ((n, name), processed) in media::upload::process_all(jobs).await {
        match processed {
            Ok(processed) => out[n].push(RowPhoto { name, processed }),
            Err(e) => {
                rep.push_error(Issue::new(
                    sheet,
                    rows[n].line,
                    Some("照片"),
                    format!("照片「{name}」：{e}"),
                ));
                ok[n] = false;
            }
        }
    }
    Ok(out
        .into_iter()
        .zip(ok)
        .map(|(photos, ok)| ok.then_some(photos))
        .collect())
}

#[async_trait::async_trait]
impl SheetImporter for Activities {
    fn sheet(&self) -> &'static str {
        "活动"
    }

    async fn apply(
        &self,
        txn: &DatabaseTransaction,
        db: &Db,
        ctx: &Ctx,
        sheet: &Sheet,
        rep: &mut Report,
    ) -> DbResult<SheetCount> {
        self.apply_in(txn, db, ctx, &Workbook::default(), sheet, rep)
            .await
    }

    async fn apply_in(
        &self,
        txn: &DatabaseTransaction,
        db: &Db,
        ctx: &Ctx,
        wb: &Workbook,
        sheet: &Sheet,
        rep: &mut Report,
    ) -> DbResult<SheetCount> {
        let rows = sheets::parse_activities(sheet, rep);
        let mut c = SheetCount {
            sheet: self.sheet().into(),
            rows: rows.len() as u64,
            ..Default::default()
        };
        let photos = rows_photos(wb, &sheet.name, &rows, rep).await?;
        let kept: Vec<(ActivityRow, Vec<RowPhoto>)> = rows
            .into_iter()
            .zip(photos)
            .filter_map(|(r, p)| p.map(|p| (r, p)))
            .collect();
        let inputs: Vec<ActivityInput> = kept.iter().map(|(r, _)| r.input.clone()).collect();
        // Written even when the file already has an error (it will roll back):
        // later sheets check their 活动编号 against these rows. Files are written
        // only when the import can still commit (a dry run has no file root).
        let outcomes = activity::bulk::upsert_many(txn, ctx, &inputs, true).await?;
        let root = db.staged.clone().filter(|_| rep.is_ok());
        // Photos of activities this file creates go in a few statements; an
        // activity already on file may hold some of them, so it takes the
        // one-by-one path that skips those.
        let mut fresh = Vec::new();
        for ((r, photos), outcome) in kept.iter().zip(outcomes) {
            match outcome {
                Ok((id, created)) => {
                    c.tally(Some(created));
                    match (&root, id) {
                        (Some(_), Some(id)) if created => fresh
                            .extend(photos.iter().map(|p| (id, new_photo(p, &r.photo_caption)))),
                        (Some(root), Some(id)) => {
                            let stored =
                                store_photos(txn, ctx, root, id, photos, &r.photo_caption).await;
                            if let Err(e) = stored {
                                super::row_error(rep, &sheet.name, r.line, activity_column, e)?;
                            }
                        }
                        _ => {}
                    }
                }
                Err(e) => super::row_error(rep, &sheet.name, r.line, activity_column, e)?,
            }
        }
        if let Some(root) = &root {
            activity::photo::add_to_new(txn, ctx, root, fresh).await?;
        }
        Ok(c)
    }
}

fn new_photo<'a>(p: &'a RowPhoto, caption: &Option<String>) -> NewPhoto<'a> {
    NewPhoto {
        full_jpeg: &p.processed.full,
        thumb_jpeg: &p.processed.thumb,
        width: p.processed.width,
        height: p.processed.height,
        original_name: Some(p.name.clone()),
        caption: caption.clone(),
    }
}

/// Stores a row's photos; one already stored under the same file name is
/// skipped, so importing the same folder again adds nothing.
async fn store_photos(
    t: &DatabaseTransaction,
    ctx: &Ctx,
    root: &activity::photo::Staged,
    activity_id: i64,
    photos: &[RowPhoto],
    caption: &Option<String>,
) -> DbResult<()> {
    let stored: Vec<String> = activity::photo::list(t, ctx, activity_id)
        .await?
        .into_iter()
        .filter_map(|p| p.original_name)
        .collect();
    let new = photos
        .iter()
        .filter(|p| !stored.contains(&p.name))
        .map(|p| new_photo(p, caption))
        .collect();
    activity::photo::add_all(t, ctx, root, activity_id, new).await?;
    Ok(())
}

struct Attendance;

#[async_trait::async_trait]
impl RecordSheet for Attendance {
    type Row = sheets::AttendanceRow;
    const SHEET: &'static str = "参与人员";
    const FIELDS: &'static [Field] = domain::activity::records::ATTENDEE_FIELDS;

    const PARSE: fn(&Sheet, &mut Report) -> Vec<Self::Row> = sheets::parse_attendance;

    async fn write(&self, at: &At<'_>, rows: &[Self::Row]) -> DbResult<Outcomes> {
        let (txn, ctx) = (at.txn, at.ctx);
        let db = at.db;
        let file_ok = at.file_ok;
        let lines: Vec<RosterLine> = rows
            .iter()
            .map(|r| RosterLine {
                activity_code: r.activity_code(),
                input: r.input.clone(),
            })
            .collect();
        // Once the file has an error nothing will be committed and no later
        // sheet refers to roster rows: check the rest without writing it.
        activity::attendance::add_many(txn, db, ctx, &lines, file_ok).await
    }
}

struct Works;

#[async_trait::async_trait]
impl RecordSheet for Works {
    type Row = sheets::WorkRow;
    const SHEET: &'static str = "作品";
    const FIELDS: &'static [Field] = domain::activity::records::WORK_FIELDS;

    fn column(field: &str) -> &'static str {
        match field {
            // The repository's refusal of a work under an activity not a 征集.
            "activity" => "活动编号",
            f => label_of(Self::FIELDS, f),
        }
    }

    const PARSE: fn(&Sheet, &mut Report) -> Vec<Self::Row> = sheets::parse_works;

    async fn write(&self, at: &At<'_>, rows: &[Self::Row]) -> DbResult<Outcomes> {
        let (txn, ctx) = (at.txn, at.ctx);
        let lines: Vec<WorkLine> = rows
            .iter()
            .map(|r| WorkLine {
                activity_code: r.activity_code(),
                input: r.input.clone(),
            })
            .collect();
        activity::work::add_many(txn, ctx, &lines).await
    }
}

struct Publicity;

#[async_trait::async_trait]
impl RecordSheet for Publicity {
    type Row = sheets::PublicityRow;
    const SHEET: &'static str = "宣传";
    const FIELDS: &'static [Field] = domain::publicity::FIELDS;

    const PARSE: fn(&Sheet, &mut Report) -> Vec<Self::Row> = sheets::parse_publicity;

    async fn write(&self, at: &At<'_>, rows: &[Self::Row]) -> DbResult<Outcomes> {
        let (txn, ctx) = (at.txn, at.ctx);
        let inputs: Vec<ItemInput> = rows.iter().map(|r| r.input.clone()).collect();
        publicity::bulk::upsert_many(txn, ctx, &inputs).await
    }
}
