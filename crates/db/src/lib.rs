//! Persistence for jinguo: one migration set for SQLite and PostgreSQL, and
//! repositories per business area. Every finder takes a [`Ctx`] (who is asking,
//! from where) and never returns a row outside the caller's scope; every change
//! writes its audit row in the same transaction.

pub mod account;
pub mod activity;
pub mod audit;
pub mod batch;
pub mod cache;
pub mod conn;
pub mod ctx;
pub mod dashboard;
pub mod entity;
pub mod error;
pub mod import;
pub mod life;
pub mod migration;
pub mod nodelay;
pub mod org;
pub mod people;
pub mod publicity;
pub mod review;
mod rows;
pub mod scope;
pub mod stats;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
pub mod version;

pub use conn::Db;
pub use ctx::Ctx;
pub use error::{DbError, DbResult};
pub use sea_orm;
