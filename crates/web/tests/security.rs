//! The security issue's probes, one named test per hole found, run on both
//! backends (SQLite by default, PostgreSQL with TEST_DATABASE_URL).
//! Each submodule is one point of docs/security.md.

mod common;

#[path = "security/accounts.rs"]
mod accounts;
#[path = "security/audit_scope.rs"]
mod audit_scope;
#[path = "security/exports.rs"]
mod exports;
#[path = "security/files.rs"]
mod files;
#[path = "security/headers.rs"]
mod headers;
#[path = "security/input.rs"]
mod input;
#[path = "security/masks.rs"]
mod masks;
#[path = "security/search.rs"]
mod search;
#[path = "security/uploads.rs"]
mod uploads;
