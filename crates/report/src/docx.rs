//! The review as a Word document (DOCX) that opens in Word and WPS: the
//! title in the Title style, 丰收硕果 / 主要工作 as Heading 1, parts as
//! Heading 2, 看点 as Heading 3 and sections as Heading 4 — real heading
//! styles (with outline levels) so the navigation pane and a table of
//! contents work — photos embedded with their 图丨 captions, charts as PNG
//! pictures (Word and WPS show SVG unreliably).

use docx_rs::{AlignmentType, Docx, LineSpacing, Paragraph, Pic, Run, RunFonts, Style, StyleType};

use crate::chart;
use crate::model::{Chart, Photo, Review};

/// Pixel size of chart PNGs (printed at the text width, about 300 dpi).
const CHART_PX: (u32, u32) = (1920, 1080);

const ACCENT: &str = "C8102E";
/// Page text width of A4 with default margins, in EMU (about 15.9 cm).
const TEXT_WIDTH_EMU: u32 = 5_727_700;

fn heading_style(id: &str, name: &str, level: usize, half_points: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .outline_lvl(level)
        .size(half_points)
        .bold()
        .color(ACCENT)
        .fonts(
            RunFonts::new()
                .east_asia("黑体")
                .ascii("Arial")
                .hi_ansi("Arial"),
        )
}

fn styled(style: &str, text: &str) -> Paragraph {
    Paragraph::new()
        .style(style)
        .add_run(Run::new().add_text(text))
}

fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .line_spacing(LineSpacing::new().after(120).line(360))
        .add_run(Run::new().add_text(text))
}

fn centered(text: &str) -> Paragraph {
    body(text).align(AlignmentType::Center)
}

/// The picture scaled to the text width; None when the bytes aren't an image.
fn picture(jpeg: &[u8]) -> Option<Pic> {
    if jpeg.is_empty() {
        return None;
    }
    // Pic::new panics on bytes it can't decode; a bad photo must not sink the document.
    let pic = std::panic::catch_unwind(|| Pic::new(jpeg)).ok()?;
    let (w, h) = pic.size;
    if w == 0 || h == 0 {
        return None;
    }
    let width = w.min(TEXT_WIDTH_EMU);
    let height = (u64::from(h) * u64::from(width) / u64::from(w)) as u32;
    Some(pic.size(width, height))
}

fn photo(doc: Docx, ph: &Photo) -> Docx {
    let mut doc = doc;
    if let Some(pic) = picture(&ph.jpeg) {
        doc = doc.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_image(pic)),
        );
    }
    if let Some(c) = ph.caption.as_deref().filter(|c| !c.is_empty()) {
        doc = doc.add_paragraph(styled("Caption", &format!("图丨{c}")));
    }
    doc
}

fn chart_picture(doc: Docx, c: &Chart) -> Docx {
    // A chart that can't be drawn is left out; the figures are in the text.
    match chart::png(c, CHART_PX.0, CHART_PX.1)
        .ok()
        .and_then(|png| picture(&png))
    {
        Some(pic) => doc.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_image(pic)),
        ),
        None => doc,
    }
}

pub fn render(r: &Review) -> Result<Vec<u8>, String> {
    let mut doc = Docx::new()
        .default_fonts(
            RunFonts::new()
                .east_asia("宋体")
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman"),
        )
        .default_size(28)
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .size(40)
                .bold()
                .color(ACCENT)
                .align(AlignmentType::Center)
                .fonts(RunFonts::new().east_asia("黑体")),
        )
        .add_style(heading_style("Heading1", "heading 1", 0, 36).align(AlignmentType::Center))
        .add_style(heading_style("Heading2", "heading 2", 1, 32))
        .add_style(heading_style("Heading3", "heading 3", 2, 30).align(AlignmentType::Center))
        .add_style(heading_style("Heading4", "heading 4", 3, 28))
        .add_style(
            Style::new("Caption", StyleType::Paragraph)
                .name("caption")
                .based_on("Normal")
                .next("Normal")
                .size(21)
                .color("808080")
                .fonts(RunFonts::new().east_asia("楷体")),
        );
    doc = doc.add_paragraph(styled("Title", &r.title));
    for p in &r.preface {
        doc = doc.add_paragraph(centered(p));
    }
    if !r.charts.is_empty() {
        doc = doc.add_paragraph(styled("Heading1", "数据一览"));
        for c in &r.charts {
            doc = chart_picture(doc, c);
        }
    }
    if !r.honours.is_empty() {
        doc = doc.add_paragraph(styled("Heading1", "丰收硕果"));
        for h in &r.honours {
            doc = match &h.photo {
                Some(ph) => photo(
                    doc,
                    &Photo {
                        caption: Some(h.text.clone()),
                        ..ph.clone()
                    },
                ),
                None => doc.add_paragraph(body(&h.text)),
            };
        }
    }
    if !r.parts.is_empty() {
        doc = doc.add_paragraph(styled("Heading1", "主要工作"));
    }
    for part in &r.parts {
        doc = doc.add_paragraph(styled(
            "Heading2",
            &format!("{}、{}", part.numeral, part.title),
        ));
        if let Some(intro) = &part.intro {
            doc = doc.add_paragraph(body(intro));
        }
        for h in &part.highlights {
            doc = doc.add_paragraph(styled(
                "Heading3",
                &format!("看点{:02}  {}", h.number, h.motto),
            ));
            for s in &h.sections {
                if !s.heading.is_empty() {
                    doc = doc.add_paragraph(styled("Heading4", &s.heading));
                }
                for p in &s.paragraphs {
                    doc = doc.add_paragraph(body(p));
                }
                for ph in &s.photos {
                    doc = photo(doc, ph);
                }
                for c in &s.charts {
                    doc = chart_picture(doc, c);
                }
            }
        }
    }
    for p in &r.closing {
        doc = doc.add_paragraph(centered(p));
    }
    if let Some(src) = &r.source_line {
        doc = doc.add_paragraph(body(src));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| format!("生成 Word 文档失败：{e}"))?;
    Ok(out.into_inner())
}
