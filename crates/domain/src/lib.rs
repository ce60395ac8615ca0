//! Pure rules of jinguo (巾帼): identity numbers, organisation codes, masking,
//! money, dates and periods, Chinese figure style, passwords, permissions, the
//! record life (cancel, restore, delete),
//! field encryption and search normalisation.
//!
//! Nothing here performs IO; the only side effect is drawing random bytes for
//! keys, nonces and generated passwords.

pub mod access;
pub mod activity;
pub mod area;
pub mod audit;
pub mod checklist;
pub mod cn;
pub mod crypto;
pub mod date;
pub mod error;
pub mod foundation;
pub mod idcard;
pub mod input;
pub mod kinds;
pub mod life;
pub mod mask;
pub mod money;
pub mod orgcode;
pub mod password;
pub mod phone;
pub mod publicity;
pub mod review;
pub mod search;
pub mod stats;
pub mod text;

pub use error::{FieldError, Invalid};

// The `labelled_enum!` macro expands to serde impls in other crates too; this
// re-export lets the expansion name serde without the caller depending on it.
#[doc(hidden)]
pub use serde as __serde;
