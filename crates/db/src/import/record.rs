//! The one skeleton of a sheet of one record kind: parse the rows (each
//! checked by its kind's draft), write them, and count one outcome per row,
//! an error reported at its row and the column its field names. An area's
//! sheet says only how it parses and how it writes; [`SheetImporter`] comes
//! with it.

use domain::input::{Field, label_of};
use ledger::{Report, Sheet, sheets::SheetRow};
use sea_orm::DatabaseTransaction;

use super::{SheetCount, SheetImporter};
use crate::{Ctx, Db, DbResult};

/// Where a sheet's rows are written: the import's transaction, for whom,
/// and whether the file is still without errors (once it has one, nothing
/// will be committed, and a sheet no later sheet refers to may check its
/// rows without writing them).
pub(crate) struct At<'a> {
    pub txn: &'a DatabaseTransaction,
    pub db: &'a Db,
    pub ctx: &'a Ctx,
    pub file_ok: bool,
}

/// One outcome per row, in their order: `Ok(true)` created, `Ok(false)`
/// updated, `Err` refused (a database fault is returned whole instead).
pub(crate) type Outcomes = Vec<DbResult<bool>>;

/// A sheet whose rows are written as records, one outcome each.
#[async_trait::async_trait]
pub(crate) trait RecordSheet: Send + Sync {
    type Row: SheetRow + Send + Sync;
    /// The sheet's name in the contract.
    const SHEET: &'static str;
    /// The record kind's fields, whose labels are the sheet's columns.
    const FIELDS: &'static [Field];

    /// The column a repository error on `field` belongs to.
    fn column(field: &str) -> &'static str {
        label_of(Self::FIELDS, field)
    }

    /// The ledger's parser of the sheet: its checked rows, problems of the
    /// others in the report.
    const PARSE: fn(&Sheet, &mut Report) -> Vec<Self::Row>;

    /// Writes the rows.
    async fn write(&self, at: &At<'_>, rows: &[Self::Row]) -> DbResult<Outcomes>;
}

#[async_trait::async_trait]
impl<T: RecordSheet> SheetImporter for T {
    fn sheet(&self) -> &'static str {
        T::SHEET
    }

    async fn apply(
        &self,
        txn: &DatabaseTransaction,
        db: &Db,
        ctx: &Ctx,
        sheet: &Sheet,
        rep: &mut Report,
    ) -> DbResult<SheetCount> {
        let rows = (T::PARSE)(sheet, rep);
        let at = At {
            txn,
            db,
            ctx,
            file_ok: rep.is_ok(),
        };
        let outcomes = self.write(&at, &rows).await?;
        SheetCount::of_outcomes(
            sheet,
            T::SHEET,
            rows.iter().map(SheetRow::line).zip(outcomes),
            T::column,
            rep,
        )
    }
}
