//! What every business area's pages are built from, so an area describes its
//! records instead of writing templates: the form page (fields declared once,
//! the same page for new and edit) and the reading of a submitted form with
//! its files.

pub mod form;
pub mod life;
pub mod submitted;
