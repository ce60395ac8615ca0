//! Photos of an activity (图丨caption), stored as files under the data
//! directory (`photos/<activity id>/<random>.jpg` and `…_thumb.jpg`) with a row
//! per photo. They are served only to users who may see the activity.
//! Files are staged ([`Staged`]) while the transaction runs: the caller moves
//! them into place after its commit, and a rollback leaves none.

use domain::audit::{AuditAction, AuditEntity};
use std::path::{Path, PathBuf};

use domain::activity::PHOTOS_PER_RECORD;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

pub use media::store::Staged;

use crate::{Ctx, DbError, DbResult, audit::Change, entity::photo, time::now};

/// A processed photo ready to store (see the `media` crate).
pub struct NewPhoto<'a> {
    pub full_jpeg: &'a [u8],
    pub thumb_jpeg: &'a [u8],
    pub width: u32,
    pub height: u32,
    pub original_name: Option<String>,
    pub caption: Option<String>,
}

impl<'a> NewPhoto<'a> {
    /// A picture from the upload pipeline ([`media::upload`]), with the
    /// caption the form gave all of them.
    pub fn of(r: &'a media::upload::Ready, caption: Option<String>) -> NewPhoto<'a> {
        NewPhoto {
            full_jpeg: &r.photo.full,
            thumb_jpeg: &r.photo.thumb,
            width: r.photo.width,
            height: r.photo.height,
            original_name: r.name.clone(),
            caption,
        }
    }
}

/// Refuses `adding` more photos to an activity holding `held`, past
/// [`PHOTOS_PER_RECORD`].
fn check_room(held: u64, adding: usize) -> DbResult<()> {
    let room = (PHOTOS_PER_RECORD as u64).saturating_sub(held);
    if adding as u64 > room {
        return Err(DbError::invalid(
            "photos",
            format!("每个活动最多{PHOTOS_PER_RECORD}张照片，已有{held}张，最多还能添加{room}张"),
        ));
    }
    Ok(())
}

/// Photos of one activity, in the order given; refused as a whole when
/// they would take it past [`PHOTOS_PER_RECORD`]. Files are staged in `files`.
pub async fn add_all(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    files: &Staged,
    activity_id: i64,
    photos: Vec<NewPhoto<'_>>,
) -> DbResult<Vec<photo::Model>> {
    if photos.is_empty() {
        return Ok(Vec::new());
    }
    // Rights first: an activity out of reach tells nothing of its photos.
    super::get_capturable(c, ctx, activity_id).await?;
    let held = photo::Entity::find()
        .filter(photo::Column::ActivityId.eq(activity_id))
        .count(c)
        .await?;
    check_room(held, photos.len())?;
    let mut saved = Vec::with_capacity(photos.len());
    for p in photos {
        saved.push(add_one(c, ctx, files, activity_id, p).await?);
    }
    Ok(saved)
}

fn dir_of(root: &Path, activity_id: i64) -> PathBuf {
    root.join("photos").join(activity_id.to_string())
}

/// The file of a stored photo (`thumb` for the small one).
pub fn file_of(root: &Path, p: &photo::Model, thumb: bool) -> PathBuf {
    let name = if thumb {
        p.stored_name.replace(".jpg", "_thumb.jpg")
    } else {
        p.stored_name.clone()
    };
    dir_of(root, p.activity_id).join(name)
}

fn clean_caption(c: Option<String>) -> Option<String> {
    c.map(|c| {
        c.trim()
            .trim_start_matches("图丨")
            .trim_start_matches("图|")
            .trim()
            .to_string()
    })
    .filter(|c| !c.is_empty())
}

/// The row of a photo whose files are stored under `stored_name`.
fn row_of(
    activity_id: i64,
    stored_name: String,
    p: &NewPhoto<'_>,
    is_cover: bool,
    at: chrono::DateTime<chrono::Utc>,
) -> photo::ActiveModel {
    photo::ActiveModel {
        activity_id: Set(activity_id),
        stored_name: Set(stored_name),
        original_name: Set(p
            .original_name
            .as_ref()
            .map(|n| n.chars().take(200).collect())),
        content_type: Set("image/jpeg".into()),
        size_bytes: Set(p.full_jpeg.len() as i64),
        width: Set(p.width as i32),
        height: Set(p.height as i32),
        caption: Set(clean_caption(p.caption.clone())),
        is_cover: Set(is_cover),
        created_at: Set(at),
        ..Default::default()
    }
}

/// Stores a photo ([`add_all`] of one).
pub async fn add(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    files: &Staged,
    activity_id: i64,
    p: NewPhoto<'_>,
) -> DbResult<photo::Model> {
    let mut saved = add_all(c, ctx, files, activity_id, vec![p]).await?;
    saved
        .pop()
        .ok_or_else(|| DbError::internal("photo not stored"))
}

/// Stores a photo; the first photo of an activity becomes its cover. Its
/// files are staged in `files`, to be committed after the transaction.
async fn add_one(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    files: &Staged,
    activity_id: i64,
    p: NewPhoto<'_>,
) -> DbResult<photo::Model> {
    let (a, o) = super::get_capturable(c, ctx, activity_id).await?;
    if let Some(cap) = &p.caption
        && cap.chars().count() > 200
    {
        return Err(DbError::invalid("caption", "照片说明不能超过200个字"));
    }
    let has_cover = photo::Entity::find()
        .filter(photo::Column::ActivityId.eq(a.id))
        .filter(photo::Column::IsCover.eq(true))
        .one(c)
        .await?
        .is_some();
    let stored_name = new_stored_name();
    let paths = stage(files, a.id, &stored_name, &p)?;
    let row = row_of(a.id, stored_name.clone(), &p, !has_cover, now())
        .insert(c)
        .await;
    let row = match row {
        Ok(r) => r,
        Err(e) => {
            // Nothing half-written: the files of a row that didn't insert go.
            files.forget(&paths);
            return Err(e.into());
        }
    };
    Change::new(
        AuditAction::AddPhoto,
        AuditEntity::Activity,
        a.id,
        format!("「{}」上传照片", a.name),
    )
    .org(o.id)
    .after(&row)
    .write(c, ctx)
    .await?;
    Ok(row)
}

/// Moves staged photo files into place once their transaction has
/// committed. The rows are committed, so a file that cannot be moved is
/// logged and left staged for `jinguo check` to report.
pub fn place(files: &Staged) {
    if let Err(e) = files.commit() {
        tracing::error!("photo files not placed after commit: {e}");
    }
}

fn new_stored_name() -> String {
    format!(
        "{}.jpg",
        crate::account::session::random_token("")
            .get(..24)
            .unwrap_or("photo")
    )
}

/// Stages a photo's two files; returns their final paths.
fn stage(
    files: &Staged,
    activity_id: i64,
    stored_name: &str,
    p: &NewPhoto<'_>,
) -> DbResult<Vec<PathBuf>> {
    let dir = dir_of(files.root(), activity_id);
    let full = dir.join(stored_name);
    let thumb = dir.join(stored_name.replace(".jpg", "_thumb.jpg"));
    let paths = vec![full.clone(), thumb.clone()];
    let written = files
        .put(&full, p.full_jpeg)
        .and_then(|()| files.put(&thumb, p.thumb_jpeg));
    if let Err(e) = written {
        files.forget(&paths);
        return Err(DbError::internal(format!("photo write failed: {e}")));
    }
    Ok(paths)
}

/// The photos of activities the caller has just created in this transaction
/// (a ledger import: rights were checked when the activities were written),
/// in a few statements: files first, then the rows, then one audit row each.
/// Each activity's first photo is its cover. Returns how many were stored.
pub(crate) async fn add_to_new(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    files: &Staged,
    photos: Vec<(i64, NewPhoto<'_>)>,
) -> DbResult<usize> {
    use std::collections::{HashMap, HashSet};

    use sea_orm::QuerySelect;
    if photos.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = photos
        .iter()
        .map(|(id, _)| *id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut acts: HashMap<i64, (String, i64)> = HashMap::new();
    for chunk in ids.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        let rows: Vec<(i64, String, i64)> = crate::entity::activity::Entity::find()
            .select_only()
            .column(crate::entity::activity::Column::Id)
            .column(crate::entity::activity::Column::Name)
            .column(crate::entity::activity::Column::OrgId)
            .filter(crate::entity::activity::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        acts.extend(rows.into_iter().map(|(id, name, org)| (id, (name, org))));
    }
    let mut written: Vec<PathBuf> = Vec::new();
    let mut rows = Vec::with_capacity(photos.len());
    let mut covered = HashSet::new();
    let t = now();
    for (activity_id, p) in photos {
        if !acts.contains_key(&activity_id) {
            files.forget(&written);
            return Err(DbError::NotFound);
        }
        let stored_name = new_stored_name();
        match stage(files, activity_id, &stored_name, &p) {
            Ok(paths) => written.extend(paths),
            Err(e) => {
                files.forget(&written);
                return Err(e);
            }
        }
        rows.push(row_of(
            activity_id,
            stored_name,
            &p,
            covered.insert(activity_id),
            t,
        ));
    }
    let n = rows.len();
    let mut changes = Vec::with_capacity(n);
    let inserted = match crate::batch::insert_returning(c, crate::batch::Rows::Wide, rows).await {
        Ok(r) => r,
        Err(e) => {
            // Nothing half-written: the files of rows that won't commit go.
            files.forget(&written);
            return Err(e.into());
        }
    };
    for row in inserted {
        let (name, org) = &acts[&row.activity_id];
        changes.push(
            Change::new(
                AuditAction::AddPhoto,
                AuditEntity::Activity,
                row.activity_id,
                format!("「{name}」上传照片"),
            )
            .org(*org)
            .after(&row),
        );
    }
    crate::audit::write_many(c, ctx, changes).await?;
    Ok(n)
}

/// Photos of an activity the caller may see, cover first.
pub async fn list(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    activity_id: i64,
) -> DbResult<Vec<photo::Model>> {
    super::get(c, ctx, activity_id).await?;
    let mut rows = photo::Entity::find()
        .filter(photo::Column::ActivityId.eq(activity_id))
        .order_by_asc(photo::Column::Id)
        .all(c)
        .await?;
    rows.sort_by_key(|p| !p.is_cover);
    Ok(rows)
}

/// One photo, if the caller may see its activity.
pub async fn get(c: &impl ConnectionTrait, ctx: &Ctx, id: i64) -> DbResult<photo::Model> {
    let p = photo::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    super::get(c, ctx, p.activity_id).await?;
    Ok(p)
}

/// Marks a photo as the activity's cover.
pub async fn set_cover(c: &DatabaseTransaction, ctx: &Ctx, id: i64) -> DbResult<()> {
    let p = photo::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    let (a, o) = super::get_capturable(c, ctx, p.activity_id).await?;
    for other in photo::Entity::find()
        .filter(photo::Column::ActivityId.eq(a.id))
        .all(c)
        .await?
    {
        let is = other.id == id;
        if other.is_cover != is {
            let mut am = other.into_active_model();
            am.is_cover = Set(is);
            am.update(c).await?;
        }
    }
    Change::new(
        AuditAction::SetCover,
        AuditEntity::Activity,
        a.id,
        format!("「{}」设置封面照片", a.name),
    )
    .org(o.id)
    .write(c, ctx)
    .await?;
    Ok(())
}

/// [`covers`] read through the database's cache, at the caller's version
/// (the home page asks for the same newest few on every visit).
pub async fn covers_cached(
    db: &crate::Db,
    ctx: &crate::Ctx,
    activity_ids: &[i64],
) -> DbResult<std::sync::Arc<std::collections::HashMap<i64, i64>>> {
    let c = &db.read;
    let version = crate::version::of(c, ctx).await?;
    db.caches
        .covers
        .get_or_compute(
            activity_ids.to_vec(),
            version,
            |_| activity_ids.len().max(1),
            async || covers(c, activity_ids).await,
        )
        .await
}

/// The cover photo of each of several activities (ids taken from a scoped
/// list), in one query; activities without a cover are absent.
pub async fn covers(
    c: &impl ConnectionTrait,
    activity_ids: &[i64],
) -> DbResult<std::collections::HashMap<i64, i64>> {
    use sea_orm::QuerySelect;
    if activity_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, i64)> = photo::Entity::find()
        .select_only()
        .column(photo::Column::ActivityId)
        .column(photo::Column::Id)
        .filter(photo::Column::ActivityId.is_in(activity_ids.iter().copied()))
        .filter(photo::Column::IsCover.eq(true))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Photo counts of several activities (ids taken from a scoped list).
pub async fn counts(
    c: &impl ConnectionTrait,
    activity_ids: &[i64],
) -> DbResult<std::collections::HashMap<i64, u64>> {
    use sea_orm::QuerySelect;
    if activity_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, i64)> = photo::Entity::find()
        .select_only()
        .column(photo::Column::ActivityId)
        .column_as(photo::Column::Id.count(), "n")
        .filter(photo::Column::ActivityId.is_in(activity_ids.iter().copied()))
        .group_by(photo::Column::ActivityId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(a, n)| (a, n.max(0) as u64))
        .collect())
}

/// The files the photo rows name (each photo and its thumbnail). Read
/// without a scope: this is the operator's check (`jinguo check`), not a
/// user's read.
async fn known_files(
    c: &impl ConnectionTrait,
    root: &Path,
) -> DbResult<std::collections::HashSet<PathBuf>> {
    use sea_orm::QuerySelect;
    let rows: Vec<(i64, String)> = photo::Entity::find()
        .select_only()
        .column(photo::Column::ActivityId)
        .column(photo::Column::StoredName)
        .into_tuple()
        .all(c)
        .await?;
    let mut known = std::collections::HashSet::with_capacity(rows.len() * 2);
    for (activity_id, name) in rows {
        let d = dir_of(root, activity_id);
        known.insert(d.join(name.replace(".jpg", "_thumb.jpg")));
        known.insert(d.join(name));
    }
    Ok(known)
}

/// What [`sweep`] found under `root/photos`.
#[derive(Debug, Default)]
pub struct Sweep {
    /// Files no row names: staged leftovers (`.part`) of transactions that
    /// never committed, and files whose row is gone.
    pub orphans: Vec<PathBuf>,
    /// Of those, the ones left alone for being younger than the grace period
    /// (an upload still in its transaction on a running server).
    pub young: Vec<PathBuf>,
    /// Staged files whose row did commit but that were never moved into
    /// place (a crash right after the commit): moved now.
    pub recovered: Vec<PathBuf>,
}

/// Finds the photo files no row names and, with `clear`, removes those older
/// than `grace` and moves committed staged files into place.
pub async fn sweep(
    c: &impl ConnectionTrait,
    root: &Path,
    clear: bool,
    grace: std::time::Duration,
) -> DbResult<Sweep> {
    let dir = root.join("photos");
    let io = |e: std::io::Error| {
        DbError::internal(format!(
            "photo folder {} can't be swept: {e}",
            dir.display()
        ))
    };
    let on_disk = media::store::files_under(&dir).map_err(io)?;
    let mut out = Sweep::default();
    if on_disk.is_empty() {
        return Ok(out);
    }
    let known = known_files(c, root).await?;
    for f in on_disk {
        if known.contains(&f) {
            continue;
        }
        if media::store::is_temp(&f) {
            let fin = f.with_file_name(
                f.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_suffix(media::store::TEMP_SUFFIX))
                    .unwrap_or_default(),
            );
            if known.contains(&fin) && !fin.exists() {
                if clear {
                    std::fs::rename(&f, &fin).map_err(io)?;
                }
                out.recovered.push(fin);
                continue;
            }
        }
        let age = std::fs::metadata(&f)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .unwrap_or_default();
        if age < grace {
            out.young.push(f);
            continue;
        }
        if clear {
            std::fs::remove_file(&f).map_err(io)?;
        }
        out.orphans.push(f);
    }
    Ok(out)
}
