//! Composing the review from a hand-counted county year (see fixture/mod.rs):
//! sentences in house style, highlights without records left out, edits.

mod fixture;

use fixture::fixture;
use report::{
    compose::{Edits, compose},
    model::{ChartKind, Review},
    outline::Outline,
};

fn text_of(r: &Review) -> String {
    let mut s = String::new();
    for p in &r.parts {
        s.push_str(&format!("{}、{}\n", p.numeral, p.title));
        for h in &p.highlights {
            s.push_str(&format!("看点{:02} {}\n", h.number, h.motto));
            for sec in &h.sections {
                s.push_str(&sec.heading);
                s.push('\n');
                for para in &sec.paragraphs {
                    s.push_str(para);
                    s.push('\n');
                }
            }
        }
    }
    s
}

fn default_review() -> Review {
    let (stats, records) = fixture();
    compose(&stats, &records, &Outline::default(), &Edits::default())
}

#[test]
fn figures_are_stated_in_house_style_from_the_records() {
    let t = text_of(&default_review());
    for want in [
        "2020年，共推送“巾帼微学堂”12期。",
        "全年共开展2期，惠及12个单位30余名干部职工。",
        "开展“传承好家训 弘扬好家风”家庭助廉专题讲座，发放倡议书220份，领导干部及家属近190人参会。",
        "宣讲巾帼抗疫故事5篇，被省级公众号转载1篇、市级公众号转载2篇。",
        "全年组织开展30余期。",
        "9月21日-23日，组织4名乡镇、村、新领域妇联主席开展培训",
        "2020年，全县新成立2个新领域妇联组织，湖北慢工绣艺有限公司妇女委员会、山峡果业妇委会等相继成立。",
        "新建妇女之家3个。",
        "11月16日-27日，对全县3个乡镇妇联工作进行调研",
    ] {
        assert!(t.contains(want), "missing 「{want}」 in:\n{t}");
    }
}

#[test]
fn highlights_without_records_are_left_out_and_numbering_stays_contiguous() {
    let r = default_review();
    let t = text_of(&r);
    // No 巾帼微合唱, 电商培训, 维权 or works in the fixture: not printed as zero.
    for absent in [
        "巾帼微合唱",
        "电商培训",
        "普法宣传",
        "0期",
        "0个",
        "0名",
        "0篇",
        "作品征集",
    ] {
        assert!(!t.contains(absent), "「{absent}」 should be left out:\n{t}");
    }
    let numbers: Vec<u32> = r
        .parts
        .iter()
        .flat_map(|p| &p.highlights)
        .map(|h| h.number)
        .collect();
    assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>());
    let numerals: Vec<&str> = r.parts.iter().map(|p| p.numeral.as_str()).collect();
    assert_eq!(numerals, ["一", "二", "三", "四"]);
    assert_eq!(r.parts[0].highlights[0].motto, "强 · 理论武装");
    assert_eq!(r.source_line.as_deref(), Some("（来源：秭归县妇联）"));
}

#[test]
fn default_photos_put_covers_first_and_take_two_per_section() {
    let r = default_review();
    let sec = &r.parts[0].highlights[0].sections[0];
    let ids: Vec<i64> = sec.photos.iter().map(|p| p.id).collect();
    assert_eq!(ids, [12, 11]);
    assert_eq!(sec.photos[0].caption.as_deref(), Some("第一期封面"));
    // The about text comes first, under its 关于 line.
    assert_eq!(sec.paragraphs[0], "[关于“巾帼微学堂”]");
}

#[test]
fn edits_override_text_reorder_highlights_and_choose_photos() {
    let (stats, records) = fixture();
    let edits = Edits {
        title: Some("盘点2020，“牛”转2021".into()),
        preface: Some("2020年\n是不寻常的一年".into()),
        closing: None,
        highlight_order: vec!["capacity".into(), "grassroots".into()],
        photos: [("theory".to_string(), vec![21, 999, 11])]
            .into_iter()
            .collect(),
    };
    let r = compose(&stats, &records, &Outline::default(), &edits);
    assert_eq!(r.title, "盘点2020，“牛”转2021");
    assert_eq!(r.preface, ["2020年", "是不寻常的一年"]);
    let org = r.parts.iter().find(|p| p.key == "organization").unwrap();
    let keys: Vec<&str> = org.highlights.iter().map(|h| h.key.as_str()).collect();
    assert_eq!(keys[..2], ["capacity", "grassroots"]);
    // Unknown ids are ignored; the chosen order is kept; a photo without a
    // caption takes its activity's name.
    let photos = &r.parts[0].highlights[0].sections[0].photos;
    assert_eq!(photos.iter().map(|p| p.id).collect::<Vec<_>>(), [21, 11]);
    assert_eq!(photos[0].caption.as_deref(), Some("活动2"));
}

#[test]
fn an_outline_round_trips_through_json_and_custom_templates_apply() {
    let o = Outline::default();
    assert_eq!(Outline::from_json(&o.to_json()).unwrap(), o);
    let json = r#"{"parts":[{"key":"p","title":"自定义","highlights":[{"key":"h","motto":"新 · 看点",
        "sections":[{"heading":"线上","feed":{"feed":"activities","kind":"培训","online":true},
                     "text":"线上培训{count!}，参与{participants@人次}。"},
                    {"heading":"微学堂","feed":{"feed":"activities","programme":"巾帼微学堂"}},
                    {"heading":"无","feed":{"feed":"column","column":"不存在"}}]}]}]}"#;
    let o = Outline::from_json(json).unwrap();
    let (stats, records) = fixture();
    let r = compose(&stats, &records, &o, &Edits::default());
    let t = text_of(&r);
    assert!(t.contains("线上培训32期，参与1600人次。"), "{t}");
    assert!(
        t.contains("2020年，共开展“巾帼微学堂”活动12期，参与480人。"),
        "{t}"
    );
    assert!(!t.contains("无\n"), "{t}");
    assert!(Outline::from_json("{").unwrap_err().contains("盘点提纲"));
}

#[test]
fn people_phrasing_follows_the_head_count_rule_with_any_measure_word() {
    use report::compose::template::people_phrase;
    let cases = [
        (188, true, "人", "近190人"),
        (188, false, "名", "100余名"),
        (516, false, "名", "500余名"),
        (516, true, "名", "近520名"),
        (175, true, "人", "100余人"),
        (1234, false, "人次", "1200余人次"),
        (69, false, "名", "60余名"),
        (19, true, "户", "19户"),
        (500, true, "名", "500名"),
        (9960, true, "人", "近1万人"),
        (9950, true, "人", "9900余人"),
        (201, true, "人", "200余人"),
    ];
    for (n, head, word, want) in cases {
        assert_eq!(people_phrase(n, head, word), want, "{n} {head} {word}");
    }
}

#[test]
fn charts_show_activities_by_township_month_and_type_and_empty_ones_are_left_out() {
    let r = default_review();
    let kinds: Vec<ChartKind> = r.charts.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChartKind::Bar, ChartKind::Line, ChartKind::Pie]);
    // Hosts by hand (fixture/mod.rs): 茅坪镇 8, 归州镇 6, 屈原镇 none, the county 34.
    assert_eq!(
        r.charts[0].data,
        vec![
            ("茅坪镇妇联".to_string(), 8.0),
            ("归州镇妇联".to_string(), 6.0),
            ("屈原镇妇联".to_string(), 0.0),
            ("本级".to_string(), 34.0),
        ]
    );
    let months = &r.charts[1].data;
    assert_eq!(months.len(), 12);
    // January: 微学堂 1 only; February: 微学堂 2 + 线上课堂 300, 310, 320, 330.
    assert_eq!(months[0], ("1月".to_string(), 1.0));
    assert_eq!(months[1], ("2月".to_string(), 5.0));
    let total: f64 = months.iter().map(|(_, v)| v).sum();
    assert_eq!(total, 48.0);
    assert_eq!(
        r.charts[2].data,
        vec![
            ("宣讲".to_string(), 12.0),
            ("讲座".to_string(), 3.0),
            ("培训".to_string(), 33.0),
        ]
    );

    // A year without activities has no charts at all, not empty ones.
    let (mut stats, records) = fixture();
    stats.activities = domain::stats::activities::assemble(
        &[],
        &Default::default(),
        &[],
        &[],
        &domain::stats::activities::Breakdown::default(),
    );
    let r = compose(&stats, &records, &Outline::default(), &Edits::default());
    assert!(r.charts.is_empty());
}
