//! The renderers: HTML pastes whole into the WeChat editor; DOCX, XLSX parse
//! back with their headings and sheets.

mod fixture;

use std::io::Read;

use calamine::{Reader, Xlsx};
use fixture::{fixture, jpeg};
use report::{
    compose::{Edits, compose},
    model::Review,
    outline::Outline,
};

fn review_with_photos() -> Review {
    let (stats, records) = fixture();
    let mut r = compose(&stats, &records, &Outline::default(), &Edits::default());
    let bytes = jpeg();
    r.load_photos(|id| (id != 11).then(|| bytes.clone()));
    r
}

#[test]
fn html_is_inline_styled_without_script_and_inlines_photos_with_captions() {
    let r = review_with_photos();
    let html = report::html::render(&r);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for banned in [
        "<script", "<style", " class=", "<link", "onload=", "onclick=",
    ] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.contains("<img src=\"data:image/jpeg;base64,"));
    assert!(html.contains("图丨第一期封面"));
    // Photo 11 could not be loaded: it is dropped with its caption.
    assert!(!html.contains("图丨第一期<"));
    assert!(html.contains("2020年，共推送“巾帼微学堂”12期。"));
    assert!(html.contains(">01<") && html.contains("强 · 理论武装"));
    assert!(html.contains("一、深化思想引领"));
    // Every element that carries text is styled inline.
    assert!(html.matches("<p ").count() == html.matches("<p style=").count());
}

#[test]
fn html_escapes_record_text() {
    let (stats, mut records) = fixture();
    records.activities[14].name = "<b>家庭助廉</b> & 讲座".into();
    let r = compose(&stats, &records, &Outline::default(), &Edits::default());
    let html = report::html::render(&r);
    assert!(html.contains("&lt;b&gt;家庭助廉&lt;/b&gt; &amp; 讲座"));
    assert!(!html.contains("<b>家庭助廉"));
}

fn unzip(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut f = z.by_name(name).expect(name);
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

#[test]
fn docx_has_real_heading_styles_text_and_embedded_photos() {
    let r = review_with_photos();
    let bytes = report::docx::render(&r).expect("docx");
    let doc = unzip(&bytes, "word/document.xml");
    let styles = unzip(&bytes, "word/styles.xml");
    for id in [
        "Title", "Heading1", "Heading2", "Heading3", "Heading4", "Caption",
    ] {
        assert!(
            doc.contains(&format!("<w:pStyle w:val=\"{id}\" />"))
                || doc.contains(&format!("<w:pStyle w:val=\"{id}\"/>")),
            "{id}"
        );
        assert!(styles.contains(&format!("w:styleId=\"{id}\"")), "{id}");
    }
    assert!(styles.contains("heading 1") && styles.contains("w:outlineLvl"));
    for text in [
        "主要工作",
        "一、深化思想引领 多措并举凝聚同心",
        "看点01  强 · 理论武装",
        "巾帼微学堂",
        "2020年，共推送“巾帼微学堂”12期。",
        "图丨第一期封面",
    ] {
        assert!(doc.contains(text), "{text}");
    }
    let z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let media = z
        .file_names()
        .filter(|n| n.starts_with("word/media/"))
        .count();
    assert!(media >= 1, "photos embedded");
}

#[test]
fn docx_survives_photo_bytes_that_are_not_an_image() {
    let (stats, records) = fixture();
    let mut r = compose(&stats, &records, &Outline::default(), &Edits::default());
    r.load_photos(|_| Some(b"not a jpeg".to_vec()));
    let bytes = report::docx::render(&r).expect("docx");
    assert!(unzip(&bytes, "word/document.xml").contains("图丨第一期封面"));
}

#[test]
fn xlsx_has_one_sheet_per_section_with_unit_headers() {
    let (stats, _) = fixture();
    let bytes = report::xlsx::render(&stats).expect("xlsx");
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
    assert_eq!(wb.sheet_names(), ["概况", "组织", "活动", "宣传"]);
    let find = |range: &calamine::Range<calamine::Data>, text: &str| {
        range.rows().position(|r| r.iter().any(|c| *c == text))
    };
    let org = wb.worksheet_range("组织").unwrap();
    assert!(find(&org, "数量（个）").is_some());
    let row = find(&org, "新领域妇联").unwrap();
    assert_eq!(org.rows().nth(row).unwrap()[1].to_string(), "2");
    let acts = wb.worksheet_range("活动").unwrap();
    let row = find(&acts, "母亲讲堂").unwrap();
    let cells: Vec<String> = acts
        .rows()
        .nth(row)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    // 期, units, people, works.
    assert_eq!(cells[1..5], ["2", "12", "33", "0"]);
    assert!(find(&acts, "参与人数（人）").is_some());
    let pubs = wb.worksheet_range("宣传").unwrap();
    let row = find(&pubs, "巾帼抗疫故事").unwrap();
    let cells: Vec<String> = pubs
        .rows()
        .nth(row)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(cells[1..5], ["5", "0", "1", "2"]);
}

/// The fixture composed without photo bytes: the only pictures are charts.
fn review_with_charts_only() -> Review {
    let (stats, records) = fixture();
    let r = compose(&stats, &records, &Outline::default(), &Edits::default());
    assert_eq!(r.charts.len(), 3, "bar, line and pie");
    r
}

#[test]
fn docx_embeds_each_chart_as_a_png_picture_part() {
    let r = review_with_charts_only();
    let bytes = report::docx::render(&r).expect("docx");
    let doc = unzip(&bytes, "word/document.xml");
    let rels = unzip(&bytes, "word/_rels/document.xml.rels");
    let z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let media: Vec<String> = z
        .file_names()
        // docx-rs also writes the folder itself as an entry.
        .filter(|n| n.starts_with("word/media/") && !n.ends_with('/'))
        .map(str::to_string)
        .collect();
    assert_eq!(media.len(), 3, "{media:?}");
    for name in &media {
        assert!(name.ends_with(".png"), "{name}");
        let mut png = Vec::new();
        zip::ZipArchive::new(std::io::Cursor::new(&bytes))
            .unwrap()
            .by_name(name)
            .unwrap()
            .read_to_end(&mut png)
            .unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name} is a PNG");
        // The relationship pointing at the part, and a drawing embedding it.
        let target = name.trim_start_matches("word/");
        let rel = rels
            .split("<Relationship ")
            .find(|r| r.contains(&format!("Target=\"{target}\"")))
            .unwrap_or_else(|| panic!("no relationship for {target}: {rels}"));
        let id = rel
            .split("Id=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("relationship id");
        assert!(doc.contains(&format!("r:embed=\"{id}\"")), "{id} not drawn");
    }
    assert!(doc.contains("<w:drawing>"));
    assert!(doc.contains("数据一览"));
}

#[test]
fn pdf_parses_and_its_text_layer_holds_the_chart_titles() {
    let r = review_with_charts_only();
    let pdf = report::pdf::render(&r).expect("pdf");
    let text: String = pdf_extract::extract_text_from_mem(&pdf)
        .expect("the PDF parses back")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for title in [
        "数据一览",
        "各下级组织开展活动情况",
        "各月开展活动情况",
        "活动类型分布",
    ] {
        assert!(text.contains(title), "{title} missing: {text}");
    }
}

#[test]
fn html_inlines_each_chart_as_a_png_image_named_by_its_title() {
    let r = review_with_charts_only();
    let html = report::html::render(&r);
    for title in ["各下级组织开展活动情况", "各月开展活动情况", "活动类型分布"]
    {
        let img = format!("alt=\"{title}\"");
        let at = html.find(&img).unwrap_or_else(|| panic!("{title} missing"));
        let tag_start = html[..at].rfind("<img ").expect("an img tag");
        assert!(html[tag_start..at].contains("src=\"data:image/png;base64,"));
    }
    assert!(
        !html.contains("<svg"),
        "the WeChat editor strips inline SVG"
    );
}
