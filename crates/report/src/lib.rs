//! The year-end review (年度盘点) of `spec/review.md`: a [`model::Review`] is
//! composed from the statistics document and the records behind it (photos,
//! captions), following an [`outline::Outline`] that a county can save and
//! reuse; renderers turn it into HTML (WeChat editor friendly), DOCX, PDF and
//! XLSX. Every figure comes from records; only the title, preface and closing
//! are editorial.

pub mod chart;
pub mod compose;
pub mod docx;
pub mod html;
pub mod model;
pub mod outline;
pub mod pdf;
pub mod xlsx;
