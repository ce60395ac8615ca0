//! Ledger import (台账导入): a workbook in the contract format is parsed sheet by
//! sheet (ledger crate), then applied in dependency order inside ONE transaction.
//! Any row error rolls the whole file back; a dry run always rolls back. Each row
//! runs in a savepoint so one failing statement doesn't hide later rows' errors
//! (PostgreSQL aborts a transaction on the first error otherwise).
//!
//! Each business area plugs in a [`SheetImporter`]; this module knows none of them.

pub mod activity;
pub mod export;
pub mod foundation;
mod record;

use domain::audit::{AuditAction, AuditEntity};
use ledger::{Issue, Report, Sheet, Workbook};
use sea_orm::{DatabaseTransaction, TransactionTrait};

use crate::{Ctx, Db, DbError, DbResult};

/// What one sheet's import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SheetCount {
    pub sheet: String,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
}

impl SheetCount {
    /// Counts one row a writer reported: created (true), updated (false), or
    /// left alone (None).
    pub(crate) fn tally(&mut self, created: Option<bool>) {
        match created {
            Some(true) => self.created += 1,
            Some(false) => self.updated += 1,
            None => {}
        }
    }

    /// A sheet's count from its rows' outcomes, in the order written: each
    /// `(line, Ok(created))` tallied, each error reported at the row and the
    /// column `column` names for the field (the one import skeleton of a
    /// sheet written in bulk).
    pub(crate) fn of_outcomes(
        sheet: &Sheet,
        name: &str,
        outcomes: impl IntoIterator<Item = (usize, DbResult<bool>)>,
        column: fn(&str) -> &'static str,
        rep: &mut Report,
    ) -> DbResult<SheetCount> {
        let mut c = SheetCount {
            sheet: name.into(),
            ..Default::default()
        };
        for (line, outcome) in outcomes {
            c.rows += 1;
            match outcome {
                Ok(created) => c.tally(Some(created)),
                Err(e) => row_error(rep, &sheet.name, line, column, e)?,
            }
        }
        Ok(c)
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportOutcome {
    pub report: Report,
    pub counts: Vec<SheetCount>,
    /// True when the file was written (no errors, not a dry run).
    pub committed: bool,
    pub dry_run: bool,
}

/// A sheet of the contract this build can import.
#[async_trait::async_trait]
pub trait SheetImporter: Send + Sync {
    /// The sheet's name in the contract (组织, 人员 …).
    fn sheet(&self) -> &'static str;
    /// Parses and applies the sheet; row errors go to `rep`.
    async fn apply(
        &self,
        txn: &DatabaseTransaction,
        db: &Db,
        ctx: &Ctx,
        sheet: &Sheet,
        rep: &mut Report,
    ) -> DbResult<SheetCount>;

    /// [`Self::apply`] with the whole workbook at hand: a sheet may name files
    /// that came with it (活动's photos are the workbook's attachments).
    async fn apply_in(
        &self,
        txn: &DatabaseTransaction,
        db: &Db,
        ctx: &Ctx,
        wb: &Workbook,
        sheet: &Sheet,
        rep: &mut Report,
    ) -> DbResult<SheetCount> {
        let _ = wb;
        self.apply(txn, db, ctx, sheet, rep).await
    }
}

/// Every importer, in the contract's sheet order (each sheet after those its
/// rows refer to). One line per area; the sheets each importer takes are those
/// its area declares (`domain::area`, checked by a test).
pub fn importers() -> Vec<Box<dyn SheetImporter>> {
    let mut all = foundation::importers();
    all.extend(activity::importers());
    all.sort_by_key(|i| {
        ledger::spec::ALL_SHEETS
            .iter()
            .position(|s| s.name == i.sheet())
            .unwrap_or(usize::MAX)
    });
    all
}

/// Imports a workbook all-or-nothing.
pub async fn import_workbook(
    db: &Db,
    ctx: &Ctx,
    wb: &Workbook,
    dry_run: bool,
) -> DbResult<ImportOutcome> {
    // A dry run rolls the database back; it must not leave photo files either.
    let db = &if dry_run {
        db.without_files()
    } else {
        db.staging_files()
    };
    let mut rep = ledger::check_plain_text(wb);
    if !rep.is_ok() {
        // Nothing of a file carrying control characters reaches the database.
        return Ok(ImportOutcome {
            report: rep,
            counts: Vec::new(),
            committed: false,
            dry_run,
        });
    }
    let importers = importers();
    let known: Vec<&str> = importers.iter().map(|i| i.sheet()).collect();
    for s in &wb.sheets {
        let name = ledger::normalize_header(&s.name);
        if !known.contains(&name.as_str()) {
            let msg = if ledger::spec_for(&name).is_some() {
                "本版本尚不导入此工作表，已跳过".to_string()
            } else {
                "不是台账格式中的工作表，已跳过".to_string()
            };
            rep.push_warning(Issue {
                sheet: s.name.clone(),
                row: 0,
                column: None,
                message: msg,
            });
        }
    }
    if wb
        .sheets
        .iter()
        .all(|s| !known.contains(&ledger::normalize_header(&s.name).as_str()))
    {
        rep.push_error(Issue {
            sheet: String::new(),
            row: 0,
            column: None,
            message: format!("文件中没有可导入的工作表（可导入：{}）", known.join("、")),
        });
    }
    let txn = db.conn.begin().await?;
    // The rows' audit records leave the data version alone; the workbook's
    // own record below moves it, just before the commit.
    let rows_ctx = ctx.deferring_version();
    let mut counts = Vec::new();
    for imp in &importers {
        if let Some(sheet) = wb.sheet(imp.sheet()) {
            let started = std::time::Instant::now();
            let count = imp
                .apply_in(&txn, db, &rows_ctx, wb, sheet, &mut rep)
                .await?;
            tracing::info!(
                sheet = count.sheet,
                rows = count.rows,
                ms = started.elapsed().as_millis() as u64,
                "sheet imported"
            );
            counts.push(count);
        }
    }
    let committed = rep.is_ok() && !dry_run;
    if committed {
        crate::audit::Change::new(
            AuditAction::Import,
            AuditEntity::Ledger,
            "workbook",
            format!(
                "导入台账：{}",
                counts
                    .iter()
                    .map(|c| format!("{}{}行", c.sheet, c.rows))
                    .collect::<Vec<_>>()
                    .join("，")
            ),
        )
        .write(&txn, ctx)
        .await?;
        txn.commit().await?;
        if let Some(files) = &db.staged {
            crate::activity::photo::place(files);
        }
        crate::version::changed();
        settle_search_index(&db.conn).await;
    } else {
        txn.rollback().await?;
    }
    Ok(ImportOutcome {
        report: rep,
        counts,
        committed,
        dry_run,
    })
}

/// After a bulk write on PostgreSQL, merges the character indexes' pending
/// lists (m0007): GIN keeps new entries in a list that every search reads
/// through until a vacuum merges them, and right after a county-year import
/// that list made a name search 3.4 ms instead of 0.3 (merging: ~25 ms).
/// Only upkeep: the import is committed whatever this does.
async fn settle_search_index(c: &sea_orm::DatabaseConnection) {
    use sea_orm::ConnectionTrait;
    if c.get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    use crate::migration::search_chars::{TABLES, index_name};
    let merges: Vec<String> = TABLES
        .iter()
        .map(|t| format!("gin_clean_pending_list('{}'::regclass)", index_name(t)))
        .collect();
    let sql = format!("SELECT {}", merges.join(", "));
    if let Err(e) = c.execute_unprepared(&sql).await {
        tracing::warn!("search index upkeep after import: {e}");
    }
}

/// Runs one row's writes in a savepoint; a failure becomes row issues and the
/// savepoint is rolled back so the outer transaction stays usable.
pub async fn in_savepoint<T, F>(
    txn: &DatabaseTransaction,
    rep: &mut Report,
    sheet: &str,
    line: usize,
    field_column: fn(&str) -> &'static str,
    f: F,
) -> DbResult<Option<T>>
where
    F: AsyncFnOnce(&DatabaseTransaction) -> DbResult<T>,
{
    match crate::conn::in_transaction(txn, f).await {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            row_error(rep, sheet, line, field_column, e)?;
            Ok(None)
        }
    }
}

/// Turns a repository error into row issues; a database fault stays an error.
pub fn row_error(
    rep: &mut Report,
    sheet: &str,
    line: usize,
    field_column: fn(&str) -> &'static str,
    e: DbError,
) -> DbResult<()> {
    let issue = |column: Option<String>, message: String| Issue {
        sheet: sheet.to_string(),
        row: line,
        column,
        message,
    };
    match e {
        DbError::Invalid(inv) => {
            for fe in inv.errors {
                let col = field_column(&fe.field);
                rep.push_error(issue(
                    (!col.is_empty()).then(|| col.to_string()),
                    fe.message,
                ));
            }
        }
        DbError::NotFound => rep.push_error(issue(None, "引用的记录不存在或无权访问".into())),
        DbError::Forbidden(m) | DbError::Conflict(m) => rep.push_error(issue(None, m)),
        DbError::Db(e) => return Err(DbError::Db(e)),
        DbError::Internal(e) => return Err(DbError::Internal(e)),
    }
    Ok(())
}
