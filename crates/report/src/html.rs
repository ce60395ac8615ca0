//! The review as one HTML document that pastes whole into the WeChat
//! official-account editor: every style inline (the editor drops `<style>`
//! and classes), no script, photos and charts inlined as `data:` URLs (charts
//! as PNG: the editor strips inline SVG).

use base64::Engine;

use crate::chart;
use crate::model::{Chart, Photo, Review, Section};

/// Pixel size of chart PNGs: twice the column width, sharp on phone screens.
const CHART_PX: (u32, u32) = (1280, 720);

const ACCENT: &str = "#c8102e";
const BODY: &str = "margin:0 0 12px;font-size:15px;line-height:1.8;color:#333;text-align:justify;letter-spacing:0.5px;";
const CENTER: &str = "margin:0 0 8px;font-size:15px;line-height:1.8;color:#333;text-align:center;";

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn p(out: &mut String, style: &str, text: &str) {
    out.push_str(&format!("<p style=\"{style}\">{}</p>\n", escape(text)));
}

fn photo(out: &mut String, ph: &Photo) {
    if !ph.jpeg.is_empty() {
        let b64 = base64::engine::general_purpose::STANDARD.encode(&ph.jpeg);
        out.push_str(&format!(
            "<p style=\"margin:0 0 4px;text-align:center;\"><img src=\"data:image/jpeg;base64,{b64}\" alt=\"{}\" style=\"width:100%;max-width:100%;height:auto;display:block;margin:0 auto;border-radius:4px;\"></p>\n",
            escape(ph.caption.as_deref().unwrap_or(""))
        ));
    }
    if let Some(c) = ph.caption.as_deref().filter(|c| !c.is_empty()) {
        p(
            out,
            "margin:0 0 16px;font-size:13px;line-height:1.6;color:#888;text-align:left;",
            &format!("图丨{c}"),
        );
    }
}

fn chart_img(out: &mut String, c: &Chart) {
    // A chart that can't be drawn is left out; the figures are in the text.
    let Ok(png) = chart::png(c, CHART_PX.0, CHART_PX.1) else {
        return;
    };
    let b64 = base64::engine::general_purpose::STANDARD.encode(png);
    out.push_str(&format!(
        "<p style=\"margin:0 0 16px;text-align:center;\"><img src=\"data:image/png;base64,{b64}\" alt=\"{}\" style=\"width:100%;max-width:100%;height:auto;display:block;margin:0 auto;\"></p>\n",
        escape(&c.title)
    ));
}

fn banner(out: &mut String, text: &str) {
    out.push_str(&format!(
        "<h2 style=\"margin:32px 0 16px;padding:8px 0;font-size:20px;font-weight:bold;color:#fff;background-color:{ACCENT};text-align:center;letter-spacing:4px;border-radius:4px;\">{}</h2>\n",
        escape(text)
    ));
}

fn section(out: &mut String, s: &Section) {
    if !s.heading.is_empty() {
        out.push_str(&format!(
            "<h4 style=\"margin:20px 0 10px;font-size:16px;font-weight:bold;color:{ACCENT};text-align:center;\">{}</h4>\n",
            escape(&s.heading)
        ));
    }
    for para in &s.paragraphs {
        p(out, BODY, para);
    }
    for ph in &s.photos {
        photo(out, ph);
    }
    for c in &s.charts {
        chart_img(out, c);
    }
}

/// A full HTML document (UTF-8). Paste the body into the editor as it is.
pub fn render(r: &Review) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!("<title>{}</title>\n</head>\n", escape(&r.title)));
    out.push_str("<body style=\"margin:0;padding:0;background-color:#fff;\">\n");
    out.push_str("<section style=\"max-width:677px;margin:0 auto;padding:16px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;\">\n");
    out.push_str(&format!(
        "<h1 style=\"margin:16px 0 24px;font-size:22px;font-weight:bold;color:{ACCENT};text-align:center;line-height:1.5;\">{}</h1>\n",
        escape(&r.title)
    ));
    for para in &r.preface {
        p(&mut out, CENTER, para);
    }
    if !r.charts.is_empty() {
        banner(&mut out, "数据一览");
        for c in &r.charts {
            chart_img(&mut out, c);
        }
    }
    if !r.honours.is_empty() {
        banner(&mut out, "丰收硕果");
        for h in &r.honours {
            match &h.photo {
                Some(ph) => photo(
                    &mut out,
                    &Photo {
                        caption: Some(h.text.clone()),
                        ..ph.clone()
                    },
                ),
                None => p(&mut out, BODY, &h.text),
            }
        }
    }
    if !r.parts.is_empty() {
        banner(&mut out, "主要工作");
    }
    for part in &r.parts {
        out.push_str(&format!(
            "<h3 style=\"margin:28px 0 12px;font-size:18px;font-weight:bold;color:{ACCENT};line-height:1.6;border-bottom:2px solid {ACCENT};padding-bottom:6px;\">{}、{}</h3>\n",
            escape(&part.numeral),
            escape(&part.title)
        ));
        if let Some(intro) = &part.intro {
            p(&mut out, BODY, intro);
        }
        for h in &part.highlights {
            out.push_str(&format!(
                "<section style=\"margin:24px 0 12px;text-align:center;\"><p style=\"margin:0;font-size:13px;color:{ACCENT};letter-spacing:2px;\">看点</p><p style=\"margin:0;font-size:28px;font-weight:bold;color:{ACCENT};line-height:1.2;\">{:02}</p><p style=\"margin:4px 0 0;font-size:17px;font-weight:bold;color:#333;\">{}</p></section>\n",
                h.number,
                escape(&h.motto)
            ));
            for s in &h.sections {
                section(&mut out, s);
            }
        }
    }
    for para in &r.closing {
        p(&mut out, CENTER, para);
    }
    if let Some(src) = &r.source_line {
        p(
            &mut out,
            "margin:24px 0 0;font-size:13px;color:#888;text-align:left;",
            src,
        );
    }
    out.push_str("</section>\n</body>\n</html>\n");
    out
}
