//! The review as a PDF (typst) and its charts (plotters SVG, resvg PNG).

use std::io::Cursor;
use std::time::Instant;

use report::model::{Chart, ChartKind, Highlight, Honour, Part, Photo, Review, Section};

/// A small JPEG made on the spot: a red-to-white gradient.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let t = (x * 255 / width.max(1)) as u8;
        image::Rgb([200, t, (y * 255 / height.max(1)) as u8])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    out
}

fn bar_chart() -> Chart {
    Chart {
        title: "各栏目推送数".into(),
        kind: ChartKind::Bar,
        data: vec![
            ("巾帼微学堂".into(), 12.0),
            ("巾帼微分享".into(), 9.0),
            ("母亲讲堂".into(), 8.0),
        ],
        unit: "期".into(),
    }
}

fn section(heading: &str, paragraphs: &[&str]) -> Section {
    Section {
        heading: heading.into(),
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        photos: vec![],
        charts: vec![],
    }
}

/// Two parts, three highlights, one photo with a caption, one bar chart.
fn fixture() -> Review {
    let mut study = section(
        "巾帼微学堂",
        &[
            "结合各单位每个月的培训、会议、活动等，向女性宣讲党的创新理论。2020年，共推送“巾帼微学堂”12期。",
        ],
    );
    study.photos.push(Photo {
        id: 7,
        caption: Some("基层妇联组织学唱红色经典歌曲".into()),
        jpeg: jpeg(96, 64),
    });
    study.charts.push(bar_chart());
    Review {
        title: "盘点2020，“牛”转2021".into(),
        org_name: "秭归县妇联".into(),
        org_code: "420527000000".into(),
        period_label: "2020年".into(),
        charts: vec![],
        preface: vec!["2020年是不寻常的一年，秭归县妇联团结带领广大妇女姐妹发挥巾帼作为。".into()],
        honours: vec![Honour {
            text: "被省人社厅、省妇联联合表彰为先进集体".into(),
            photo: None,
        }],
        parts: vec![
            Part {
                key: "ideology".into(),
                numeral: "一".into(),
                title: "深化思想引领 多措并举凝聚同心".into(),
                intro: Some("2020年，秭归县妇联深入开展“巾帼三微”活动。".into()),
                highlights: vec![
                    Highlight {
                        key: "study".into(),
                        number: 1,
                        motto: "强 · 理论武装".into(),
                        sections: vec![study],
                    },
                    Highlight {
                        key: "family".into(),
                        number: 2,
                        motto: "厚 · 家庭文化".into(),
                        sections: vec![section(
                            "“醉美姊归·母亲讲堂”播良种",
                            &["全年共开展8期，惠及24个县直单位500余名干部职工。"],
                        )],
                    },
                ],
            },
            Part {
                key: "care".into(),
                numeral: "二".into(),
                title: "聚焦疫情防控 关爱服务温暖民心".into(),
                intro: None,
                highlights: vec![Highlight {
                    key: "relief".into(),
                    number: 3,
                    motto: "送 · 关心关爱暖人心".into(),
                    sections: vec![section(
                        "“两癌”救助暖心窝",
                        &["为29名贫困“两癌”妇女发放专项救助金29万元。"],
                    )],
                }],
            },
        ],
        closing: vec!["让我们一起凝心聚力，砥砺前行！".into()],
        source_line: Some("（来源：屈乡巾帼）".into()),
    }
}

/// The PDF's text layer with all whitespace removed (typst positions CJK
/// glyphs individually; an extractor may see gaps as spaces).
fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF parses back");
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn review_pdf_carries_the_chinese_text_figures_and_captions() {
    let review = fixture();
    let started = Instant::now();
    let pdf = report::pdf::render(&review).expect("render");
    eprintln!(
        "render of the fixture took {:?} ({} bytes)",
        started.elapsed(),
        pdf.len()
    );
    // To look at the layout: REPORT_PDF_OUT=/tmp/review.pdf cargo test -p report --test pdf
    if let Some(path) = std::env::var_os("REPORT_PDF_OUT") {
        std::fs::write(path, &pdf).expect("write the PDF for inspection");
    }

    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let text = text_of(&pdf);
    for expected in [
        "巾帼微学堂",
        "12期",
        "图丨基层妇联组织学唱红色经典歌曲",
        "丰收硕果",
        "看点",
        "一、深化思想引领",
        "二、聚焦疫情防控",
        "29万元",
        "（来源：屈乡巾帼）",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the PDF text: {text}"
        );
    }
    // The highlight numbers are printed as two digits.
    assert!(text.contains("01") && text.contains("02") && text.contains("03"));
}

#[test]
fn user_text_is_never_read_as_typst_markup() {
    let mut review = fixture();
    review.parts[0].highlights[0].sections[0]
        .paragraphs
        .push("#set page(width: 1cm) *不加粗* $x$ <tag> @ref _下划_ \\ 结束".into());
    review.title = "#panic(\"boom\")".into();
    let pdf = report::pdf::render(&review)
        .expect("markup characters in user text must not break rendering");
    let text = text_of(&pdf);
    assert!(
        text.contains("#setpage(width:1cm)*不加粗*$x$<tag>@ref_下划_\\结束"),
        "{text}"
    );
    assert!(text.contains("#panic(\"boom\")"), "{text}");
}

#[test]
fn the_same_review_renders_to_the_same_bytes() {
    let review = fixture();
    let first = report::pdf::render(&review).expect("render");
    let second = report::pdf::render(&review).expect("render");
    assert!(first == second, "PDF output is not deterministic");
}

#[test]
fn photos_without_bytes_are_left_out_and_empty_sections_render() {
    let mut review = fixture();
    review.parts[0].highlights[0].sections[0].photos[0]
        .jpeg
        .clear();
    review.honours.push(Honour {
        text: "周雪梅家庭被推选为“荆楚最美家庭”".into(),
        photo: Some(Photo {
            id: 1,
            caption: None,
            jpeg: jpeg(48, 32),
        }),
    });
    // A portrait phone photo is bounded in height, not blown up to a page.
    review.parts[1].highlights[0].sections[0]
        .photos
        .push(Photo {
            id: 9,
            caption: Some("竖拍照片".into()),
            jpeg: jpeg(30, 120),
        });
    review.preface.clear();
    review.closing.clear();
    review.source_line = None;
    let pdf = report::pdf::render(&review).expect("render");
    let text = text_of(&pdf);
    assert!(
        !text.contains("基层妇联组织学唱红色经典歌曲"),
        "caption of a missing photo is shown"
    );
    assert!(
        text.contains("图丨周雪梅家庭被推选为“荆楚最美家庭”"),
        "{text}"
    );
    assert!(text.contains("图丨竖拍照片"), "{text}");
}

#[test]
fn chart_svg_names_its_title_labels_and_figures() {
    for kind in [ChartKind::Bar, ChartKind::Line, ChartKind::Pie] {
        let chart = Chart {
            kind,
            ..bar_chart()
        };
        let svg = report::chart::svg(&chart);
        assert!(svg.starts_with("<svg"), "{kind:?}: {svg}");
        for label in [
            "各栏目推送数",
            "巾帼微学堂",
            "巾帼微分享",
            "母亲讲堂",
            "12期",
        ] {
            assert!(svg.contains(label), "{kind:?} chart lacks {label}");
        }
    }
}

#[test]
fn chart_without_data_says_so_instead_of_failing() {
    let chart = Chart {
        data: vec![],
        ..bar_chart()
    };
    let svg = report::chart::svg(&chart);
    assert!(svg.contains("暂无数据"));
    let zeros = Chart {
        data: vec![("甲".into(), 0.0), ("乙".into(), f64::NAN)],
        kind: ChartKind::Pie,
        ..bar_chart()
    };
    assert!(report::chart::svg(&zeros).contains("甲"));
}

#[test]
fn chart_png_has_the_requested_size_and_the_red_bars() {
    let png = report::chart::png(&bar_chart(), 800, 450).expect("png");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("decodes")
        .to_rgb8();
    assert_eq!(img.dimensions(), (800, 450));
    let red = img.pixels().filter(|p| p.0 == [0xc8, 0x10, 0x2e]).count();
    assert!(red > 5_000, "bars not drawn: {red} red pixels");

    let tall = report::chart::png(
        &Chart {
            kind: ChartKind::Pie,
            ..bar_chart()
        },
        300,
        600,
    )
    .expect("png");
    let img = image::load_from_memory(&tall).expect("decodes");
    assert_eq!((img.width(), img.height()), (300, 600));
    assert!(report::chart::png(&bar_chart(), 0, 10).is_err());
}

#[test]
fn a_county_of_townships_gets_bars_laid_across_with_every_name() {
    let names = [
        "茅坪镇妇联",
        "归州镇妇联",
        "屈原镇妇联",
        "水田坝乡妇联",
        "沙镇溪镇妇联",
        "两河口镇妇联",
        "郭家坝镇妇联",
        "杨林桥镇妇联",
        "九畹溪镇妇联",
        "泄滩乡妇联",
        "梅家河乡妇联",
        "磨坪乡妇联",
    ];
    let chart = Chart {
        title: "各下级组织开展活动情况".into(),
        kind: ChartKind::Bar,
        data: names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), i as f64 + 1.0))
            .collect(),
        unit: "次".into(),
    };
    let svg = report::chart::svg(&chart);
    assert!(!svg.contains("暂无数据"), "drawn, not the fallback");
    for n in names {
        assert!(svg.contains(n), "{n} missing");
    }
    assert!(svg.contains("12次"));
    let png = report::chart::png(&chart, 640, 360).expect("png");
    let img = image::load_from_memory(&png).expect("decodes").to_rgb8();
    let red = img.pixels().filter(|p| p.0 == [0xc8, 0x10, 0x2e]).count();
    assert!(red > 5_000, "bars not drawn: {red} red pixels");
}
