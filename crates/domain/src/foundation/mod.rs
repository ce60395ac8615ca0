//! The foundation's record kinds as every door gives them: an org (组织), a
//! venue (阵地), a person (人员), an officer's post (干部) and a field survey
//! (调研). Each has a draft of the text received, a field table named by the
//! ledger contract's columns, and a `validate` that alone yields the checked
//! input the repository writes. What needs the database (does the parent
//! exist, may the caller record there, is the 身份证号 on file) stays there.

pub mod officer;
pub mod org;
pub mod person;
pub mod survey;
pub mod venue;

use crate::input::Field;

pub(crate) const fn field(code: &'static str, label: &'static str) -> Field {
    Field { code, label }
}
