//! The review as a PDF, typeset by typst used as a library.
//!
//! The layout lives in `review.typ`; the review itself is handed to it as a
//! virtual `/review.json` (read with typst's `json()`), photos as virtual
//! `/img/…jpg` files and charts as virtual `/img/…svg` files. Passing data as
//! JSON instead of generating markup means user text never needs escaping.

mod fonts;
mod world;

pub(crate) use fonts::{BOLD as FONT_BOLD, FAMILY as FONT_FAMILY, REGULAR as FONT_REGULAR};

use serde_json::{Value, json};
use typst_layout::PagedDocument;

use crate::chart;
use crate::model::{Chart, Photo, Review};

const TEMPLATE: &str = include_str!("review.typ");

/// Renders the review as an A4 PDF. Errors are typst's diagnostics, joined
/// (they mean a bug in the template or an unreadable photo, not bad input).
pub fn render(review: &Review) -> Result<Vec<u8>, String> {
    let mut files = Files::default();
    let data = document_json(review, &mut files);
    files.push(
        "/review.json".into(),
        serde_json::to_vec(&data).map_err(|e| e.to_string())?,
    );

    let world = world::ReviewWorld::new(TEMPLATE, files.0)?;
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errors| diagnostics("排版", &errors))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!(
            "{}/{}",
            review.org_code, review.period_label
        )),
        ..Default::default()
    };
    let pdf =
        typst_pdf::pdf(&document, &options).map_err(|errors| diagnostics("导出 PDF", &errors));
    // typst memoizes through a process-wide cache that only shrinks when told
    // to: without this a long-running server would keep every review's
    // layout in memory. Entries unused for two renders are dropped.
    typst::comemo::evict(2);
    pdf
}

/// Virtual files handed to the typst world, by absolute path.
#[derive(Default)]
struct Files(Vec<(String, Vec<u8>)>);

impl Files {
    fn push(&mut self, path: String, bytes: Vec<u8>) -> String {
        self.0.push((path.clone(), bytes));
        path
    }

    /// A photo as a virtual file, or `None` when it has no bytes (a record
    /// whose file went missing is shown without its picture, not an error).
    fn photo(&mut self, photo: &Photo) -> Option<String> {
        if photo.jpeg.is_empty() {
            return None;
        }
        let path = format!("/img/p{}.jpg", self.0.len());
        Some(self.push(path, photo.jpeg.clone()))
    }

    /// Charts as SVG files: vector, with real text, in the PDF.
    fn charts(&mut self, charts: &[Chart]) -> Vec<Value> {
        charts
            .iter()
            .map(|c| {
                let path = format!("/img/c{}.svg", self.0.len());
                let img = self.push(path, chart::svg(c).into_bytes());
                json!({"img": img, "title": c.title})
            })
            .collect()
    }
}

/// The review as the JSON `review.typ` reads, with image paths instead of
/// image bytes.
fn document_json(review: &Review, files: &mut Files) -> Value {
    let honours: Vec<Value> = review
        .honours
        .iter()
        .map(|h| json!({"text": h.text, "img": h.photo.as_ref().and_then(|p| files.photo(p))}))
        .collect();
    let parts: Vec<Value> = review
        .parts
        .iter()
        .map(|part| {
            let highlights: Vec<Value> = part
                .highlights
                .iter()
                .map(|hl| {
                    let sections: Vec<Value> = hl
                        .sections
                        .iter()
                        .map(|s| {
                            let photos: Vec<Value> = s
                                .photos
                                .iter()
                                .filter_map(|p| {
                                    let img = files.photo(p)?;
                                    Some(json!({"img": img, "caption": p.caption}))
                                })
                                .collect();
                            let charts = files.charts(&s.charts);
                            json!({
                                "heading": s.heading,
                                "paragraphs": s.paragraphs,
                                "photos": photos,
                                "charts": charts,
                            })
                        })
                        .collect();
                    json!({
                        "number": format!("{:02}", hl.number),
                        "motto": hl.motto,
                        "sections": sections,
                    })
                })
                .collect();
            json!({
                "numeral": part.numeral,
                "title": part.title,
                "intro": part.intro,
                "highlights": highlights,
            })
        })
        .collect();
    json!({
        "title": review.title,
        "org": review.org_name,
        "period": review.period_label,
        "preface": review.preface,
        "charts": files.charts(&review.charts),
        "honours": honours,
        "parts": parts,
        "closing": review.closing,
        "source": review.source_line,
    })
}

fn diagnostics(stage: &str, errors: &[typst::diag::SourceDiagnostic]) -> String {
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    format!("PDF {stage}失败：{}", messages.join("；"))
}
