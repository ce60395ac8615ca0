//! Charts of the review drawn with plotters as SVG (embedded as vector images
//! in the PDF), and rasterized to PNG with resvg (for DOCX, which Word and
//! WPS only show reliably as bitmaps).
//!
//! Text is set in the bundled CJK font: plotters measures every label with a
//! registered font (it panics or fails without one), and the SVG names that
//! font's family so typst and resvg, which both carry it, draw the same
//! glyphs.

use std::sync::Once;

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use resvg::{tiny_skia, usvg};

use crate::model::{Chart, ChartKind};
use crate::pdf::{FONT_BOLD, FONT_FAMILY, FONT_REGULAR};

/// The federation's red, and the palette for pie slices (red first).
const RED: RGBColor = RGBColor(0xc8, 0x10, 0x2e);
const PALETTE: [RGBColor; 8] = [
    RED,
    RGBColor(0xe8, 0x6a, 0x3a),
    RGBColor(0xf2, 0xb1, 0x34),
    RGBColor(0x4a, 0x7c, 0x9b),
    RGBColor(0x6b, 0xa2, 0x5c),
    RGBColor(0x8e, 0x5a, 0x9b),
    RGBColor(0xa0, 0x7a, 0x5a),
    RGBColor(0x9a, 0x9a, 0x9a),
];
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// Logical size of the SVG, in px; the PNG is scaled from it.
const WIDTH: u32 = 640;
const HEIGHT: u32 = 360;

static FONTS: Once = Once::new();

fn register_fonts() {
    FONTS.call_once(|| {
        // "sans-serif" too: it is plotters' default family for any style we
        // forget to set.
        for family in [FONT_FAMILY, "sans-serif"] {
            for (style, bytes) in [
                (FontStyle::Normal, FONT_REGULAR),
                (FontStyle::Bold, FONT_BOLD),
            ] {
                // The font is ours and known-good; a failure would show in tests.
                let _ = plotters::style::register_font(family, style, bytes);
            }
        }
    });
}

/// The chart as a standalone SVG document (640×360 px).
pub fn svg(chart: &Chart) -> String {
    svg_sized(chart, WIDTH, HEIGHT)
}

/// The SVG as a `data:` URL, for an `<img>` on a page (no file to serve).
pub fn svg_data_url(chart: &Chart) -> String {
    use base64::Engine;
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg(chart))
    )
}

/// The chart as a PNG of exactly `width`×`height` pixels on white.
pub fn png(chart: &Chart, width: u32, height: u32) -> Result<Vec<u8>, String> {
    if width == 0 || height == 0 {
        return Err("图表尺寸无效".into());
    }
    // Draw at the logical width with the requested aspect ratio, then scale:
    // text keeps its proportion to the chart at any resolution.
    let logical_h =
        ((f64::from(WIDTH) * f64::from(height) / f64::from(width)).round() as u32).max(1);
    let svg = svg_sized(chart, WIDTH, logical_h);

    let mut options = usvg::Options::default();
    options.fontdb_mut().load_font_data(FONT_REGULAR.to_vec());
    options.fontdb_mut().load_font_data(FONT_BOLD.to_vec());
    options.font_family = FONT_FAMILY.into();
    let tree =
        usvg::Tree::from_str(&svg, &options).map_err(|e| format!("图表 SVG 无法解析：{e}"))?;

    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or("图表尺寸过大")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let sx = width as f32 / WIDTH as f32;
    let sy = height as f32 / logical_h as f32;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(sx, sy),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("图表 PNG 编码失败：{e}"))
}

fn svg_sized(chart: &Chart, width: u32, height: u32) -> String {
    register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        let drawn = root.fill(&WHITE).map_err(|e| e.to_string()).and_then(|()| {
            if chart.data.is_empty() || chart.data.iter().all(|(_, v)| !v.is_finite()) {
                empty(&root, chart)
            } else {
                match chart.kind {
                    ChartKind::Bar if !labels_fit_below(chart, width) => horizontal(&root, chart),
                    ChartKind::Bar | ChartKind::Line => cartesian(&root, chart),
                    ChartKind::Pie => pie(&root, chart),
                }
            }
        });
        if drawn.is_err() {
            // A chart must never break the review: fall back to its title.
            let _ = root.fill(&WHITE);
            let _ = empty(&root, chart);
        }
        let _ = root.present();
    }
    out
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn font(size: f64) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&INK)
}

fn bold(size: f64) -> TextStyle<'static> {
    (FONT_FAMILY, size, FontStyle::Bold).into_font().color(&INK)
}

fn empty(root: &Area<'_>, chart: &Chart) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    let centre = Pos::new(HPos::Center, VPos::Center);
    let title = format!("{}（暂无数据）", chart.title);
    root.draw(&Text::new(
        title,
        (w as i32 / 2, h as i32 / 2),
        bold(20.0).pos(centre),
    ))
    .map_err(|e| e.to_string())
}

/// Axis label size in px, and the room the y axis of a vertical chart takes.
const LABEL_PX: f64 = 16.0;
const Y_AXIS_PX: u32 = 60 + 2 * 14;

/// Rough width of a label in px: CJK characters are square, Latin and digits
/// about half as wide.
fn label_width(label: &str) -> f64 {
    shorten(label)
        .chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum::<f64>()
        * LABEL_PX
}

/// True when every category label fits under its bar; otherwise the bars are
/// laid horizontally with the labels beside them (a county's dozen townships
/// would overlap below the bars).
fn labels_fit_below(chart: &Chart, width: u32) -> bool {
    let slot = f64::from(width.saturating_sub(Y_AXIS_PX)) / chart.data.len().max(1) as f64;
    chart.data.iter().all(|(l, _)| label_width(l) + 8.0 <= slot)
}

/// Bars from left to right, one row per category (first at the top), each
/// with its figure at its end.
fn horizontal(root: &Area<'_>, chart: &Chart) -> Result<(), String> {
    let values: Vec<f64> = chart
        .data
        .iter()
        .map(|(_, v)| if v.is_finite() { v.max(0.0) } else { 0.0 })
        .collect();
    // Row i from the top is plotters' row n-1-i (its y axis grows upwards).
    let n = values.len() as i32;
    let label_of = |row: i32| {
        usize::try_from(n - 1 - row)
            .ok()
            .and_then(|i| chart.data.get(i))
            .map(|(l, _)| shorten(l))
            .unwrap_or_default()
    };
    let top = values.iter().copied().fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.22 } else { 1.0 };
    let y_range = if n == 1 { -1..1 } else { 0..n - 1 };
    let (_, h) = root.dim_in_pixel();
    // Labels shrink with many rows so they stay apart.
    let row_px = f64::from(h.saturating_sub(90)) / f64::from(n.max(1));
    let size = (row_px * 0.8).clamp(9.0, LABEL_PX);
    let label_area = chart
        .data
        .iter()
        .map(|(l, _)| label_width(l) * size / LABEL_PX)
        .fold(0.0, f64::max)
        .ceil() as u32
        + 14;

    let y_fmt = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => label_of(*i),
        _ => String::new(),
    };
    let x_fmt = |v: &f64| number(*v);
    let mut ctx = ChartBuilder::on(root)
        .caption(&chart.title, bold(22.0))
        .margin(14)
        .x_label_area_size(30)
        .y_label_area_size(label_area)
        .build_cartesian_2d(0.0..top, y_range.into_segmented())
        .map_err(|e| e.to_string())?;
    ctx.configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .axis_style(RGBColor(0x99, 0x99, 0x99))
        .y_labels(values.len())
        .x_labels(6)
        .y_label_formatter(&y_fmt)
        .x_label_formatter(&x_fmt)
        .y_label_style(font(size))
        .x_label_style(font(14.0))
        .draw()
        .map_err(|e| e.to_string())?;
    ctx.draw_series(values.iter().enumerate().map(|(i, v)| {
        let row = n - 1 - i as i32;
        let mut bar = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(row)),
                (*v, SegmentValue::Exact(row + 1)),
            ],
            RED.filled(),
        );
        bar.set_margin(3, 3, 0, 0);
        bar
    }))
    .map_err(|e| e.to_string())?;
    let after = Pos::new(HPos::Left, VPos::Center);
    ctx.draw_series(values.iter().enumerate().map(|(i, v)| {
        Text::new(
            format!("{}{}", number(*v), chart.unit),
            (*v + top * 0.01, SegmentValue::CenterOf(n - 1 - i as i32)),
            font(size).pos(after),
        )
    }))
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Bar and line charts: one category per label, values on the y axis.
fn cartesian(root: &Area<'_>, chart: &Chart) -> Result<(), String> {
    let values: Vec<f64> = chart
        .data
        .iter()
        .map(|(_, v)| if v.is_finite() { v.max(0.0) } else { 0.0 })
        .collect();
    let labels: Vec<&str> = chart.data.iter().map(|(l, _)| l.as_str()).collect();
    let top = values.iter().copied().fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.18 } else { 1.0 };
    // plotters' integer ranges include their end: n categories are 0..n-1.
    // A single category would make a zero-width range: centre it in -1..1.
    let n = values.len() as i32;
    let x_range = if n == 1 { -1..1 } else { 0..n - 1 };

    let x_fmt = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| labels.get(i))
            .map(|s| shorten(s))
            .unwrap_or_default(),
        _ => String::new(),
    };
    let y_fmt = |v: &f64| number(*v);

    let mut ctx = ChartBuilder::on(root)
        .caption(&chart.title, bold(22.0))
        .margin(14)
        .x_label_area_size(38)
        .y_label_area_size(60)
        .build_cartesian_2d(x_range.into_segmented(), 0.0..top)
        .map_err(|e| e.to_string())?;
    ctx.configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .axis_style(RGBColor(0x99, 0x99, 0x99))
        .x_labels(values.len())
        .y_labels(6)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_desc(chart.unit.as_str())
        .label_style(font(16.0))
        .axis_desc_style(font(16.0))
        .draw()
        .map_err(|e| e.to_string())?;

    let above = Pos::new(HPos::Center, VPos::Bottom);
    match chart.kind {
        ChartKind::Line => {
            let points: Vec<(SegmentValue<i32>, f64)> = values
                .iter()
                .enumerate()
                .map(|(i, v)| (SegmentValue::CenterOf(i as i32), *v))
                .collect();
            ctx.draw_series(LineSeries::new(points.clone(), RED.stroke_width(3)))
                .map_err(|e| e.to_string())?;
            ctx.draw_series(
                points
                    .iter()
                    .map(|p| Circle::new(p.clone(), 4, RED.filled())),
            )
            .map_err(|e| e.to_string())?;
        }
        _ => {
            ctx.draw_series(values.iter().enumerate().map(|(i, v)| {
                let i = i as i32;
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), *v),
                    ],
                    RED.filled(),
                );
                bar.set_margin(0, 0, 10, 10);
                bar
            }))
            .map_err(|e| e.to_string())?;
        }
    }
    // Figures above each bar or point, as the seed's readers expect to read them.
    ctx.draw_series(values.iter().enumerate().map(|(i, v)| {
        Text::new(
            format!("{}{}", number(*v), chart.unit),
            (SegmentValue::CenterOf(i as i32), *v + top * 0.02),
            font(16.0).pos(above),
        )
    }))
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Pie: wedges drawn as polygons, a legend with figures and shares beside it.
fn pie(root: &Area<'_>, chart: &Chart) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    let centre_top = Pos::new(HPos::Center, VPos::Top);
    root.draw(&Text::new(
        chart.title.clone(),
        (w as i32 / 2, 12),
        bold(22.0).pos(centre_top),
    ))
    .map_err(|e| e.to_string())?;

    let values: Vec<f64> = chart
        .data
        .iter()
        .map(|(_, v)| if v.is_finite() { v.max(0.0) } else { 0.0 })
        .collect();
    let total: f64 = values.iter().sum();
    let radius = f64::from(h.saturating_sub(70).min(w / 2)) / 2.0;
    let (cx, cy) = (
        f64::from(w) * 0.3,
        44.0 + radius + (f64::from(h) - 56.0 - 2.0 * radius) / 2.0,
    );

    let mut start = -std::f64::consts::FRAC_PI_2;
    for (i, v) in values.iter().enumerate() {
        if total <= 0.0 || *v <= 0.0 {
            continue;
        }
        let sweep = v / total * std::f64::consts::TAU;
        let steps = ((sweep / 0.03).ceil() as usize).max(2);
        let mut points = vec![(cx.round() as i32, cy.round() as i32)];
        points.extend((0..=steps).map(|k| {
            let a = start + sweep * k as f64 / steps as f64;
            (
                (cx + radius * a.cos()).round() as i32,
                (cy + radius * a.sin()).round() as i32,
            )
        }));
        root.draw(&Polygon::new(points, PALETTE[i % PALETTE.len()].filled()))
            .map_err(|e| e.to_string())?;
        start += sweep;
    }

    let left = (f64::from(w) * 0.58) as i32;
    // Rows shrink when there are many slices so the legend stays on the canvas.
    let row = (h.saturating_sub(60) as i32 / values.len().max(1) as i32).clamp(10, 26);
    let first = cy as i32 - row * values.len() as i32 / 2;
    let middle = Pos::new(HPos::Left, VPos::Center);
    for (i, ((label, _), v)) in chart.data.iter().zip(&values).enumerate() {
        let y = first + row * i as i32 + row / 2;
        let colour = PALETTE[i % PALETTE.len()];
        root.draw(&Rectangle::new(
            [(left, y - 7), (left + 14, y + 7)],
            colour.filled(),
        ))
        .map_err(|e| e.to_string())?;
        let share = if total > 0.0 { v / total * 100.0 } else { 0.0 };
        let text = format!(
            "{} {}{}（{}%）",
            shorten(label),
            number(*v),
            chart.unit,
            number_1(share)
        );
        root.draw(&Text::new(
            text,
            (left + 22, y),
            font(f64::from(row.min(22)) * 0.72).pos(middle),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Long category names are cut so axis labels don't run into each other.
fn shorten(label: &str) -> String {
    const MAX: usize = 8;
    if label.chars().count() > MAX {
        let mut s: String = label.chars().take(MAX - 1).collect();
        s.push('…');
        s
    } else {
        label.to_owned()
    }
}

/// Whole numbers without decimals, others with up to two.
fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

fn number_1(v: f64) -> String {
    let s = format!("{v:.1}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}
