//! Activities of a bench org and what hangs off them: rosters of 8–25 (a
//! village), 20–40 (a township) or 30–60 (the county) on 70% of them, 60% of
//! roster lines with a unit and 15% walk-ins; five works for a 征集; a
//! publicity item for 30% (10% of those reposted); a photo for `--photos`.

use chrono::NaiveDate;

use super::{county::County, people::Person};

const KINDS: &[&str] = &[
    "宣讲",
    "宣讲",
    "讲座",
    "培训",
    "培训",
    "会议",
    "调研",
    "走访",
    "走访",
    "展播",
    "合唱",
    "征集",
    "捐赠仪式",
    "其他",
];
/// Units attendees give (60% of roster lines give one).
const UNITS: &[&str] = &[
    "村委会",
    "社区居委会",
    "镇卫生院",
    "县人民医院",
    "县教育局",
    "中心小学",
    "农民专业合作社",
    "个体户",
    "电商服务站",
    "县司法局",
    "镇政府",
    "家政服务公司",
];
const PROGRAMMES: &[&str] = &["巾帼微学堂", "母亲讲堂", "家庭助廉", "电商培训", "", "", ""];
const TOPICS: &[&str] = &[
    "学习党的二十大精神",
    "家庭教育",
    "防范电信诈骗",
    "反家暴法宣传",
    "两癌筛查健康知识",
    "电商直播技能",
    "最美家庭评选动员",
    "留守儿童关爱",
    "垃圾分类进家庭",
    "廉洁家风",
];
const CHANNELS: &[&str] = &["屈乡巾帼公众号", "县融媒体中心", "学习强国", "中国妇女报"];

/// What is drawn for an activity before its rows are written.
struct Drawn {
    code: String,
    kind: &'static str,
    topic: &'static str,
    date: NaiveDate,
    with_roster: bool,
    /// Its head count: the roster's length, or 参与人数 without a roster.
    head: usize,
    /// The photo's file name, or empty.
    photo: String,
}

impl County {
    /// `count` activities of `org`, rosters of `size.0..=size.1` drawn from `pool`.
    pub(super) fn activities(
        &mut self,
        org: &str,
        count: usize,
        size: (usize, usize),
        pool: &[Person],
    ) {
        for _ in 0..count {
            let d = self.draw(size, pool);
            self.activity_row(org, &d);
            if d.with_roster {
                self.roster(&d, pool);
            }
            if d.kind == "征集" {
                self.works(org, &d, pool);
            }
            self.publicity(org, &d);
        }
    }

    fn draw(&mut self, size: (usize, usize), pool: &[Person]) -> Drawn {
        self.activity_seq += 1;
        let code = format!("{}-{}-{:05}", self.year, self.region, self.activity_seq);
        let kind = self.rng.pick(KINDS);
        let topic = self.rng.pick(TOPICS);
        let date = self.date_in_year();
        let with_roster = self.rng.chance(0.7) && !pool.is_empty();
        let head = self.rng.range(size.0, size.1);
        let photo = self.photo_for(&code);
        Drawn {
            code,
            kind,
            topic,
            date,
            with_roster,
            head,
            photo,
        }
    }

    fn activity_row(&mut self, org: &str, d: &Drawn) {
        let programme = self.rng.pick(PROGRAMMES);
        let partner = if self.rng.chance(0.1) {
            "县司法局"
        } else {
            ""
        };
        let form = if self.rng.chance(0.1) {
            "线上"
        } else {
            "线下"
        };
        let materials = if self.rng.chance(0.1) {
            format!("倡议书:{}", d.head * 5)
        } else {
            String::new()
        };
        let head = if d.with_roster {
            String::new()
        } else {
            d.head.to_string()
        };
        let caption = if d.photo.is_empty() {
            String::new()
        } else {
            format!("图丨{}", d.topic)
        };
        self.t.acts.row(&[
            &d.code,
            &format!("{}{}", d.topic, d.kind),
            programme,
            d.kind,
            org,
            partner,
            &d.date.to_string(),
            "",
            form,
            "妇女之家",
            "",
            &head,
            &materials,
            &format!("围绕{}开展{}活动。", d.topic, d.kind),
            &d.photo,
            &caption,
        ]);
    }

    /// `d.head` lines (at most the pool), every seventh woman of the pool from
    /// a random start, some replaced by walk-ins.
    fn roster(&mut self, d: &Drawn, pool: &[Person]) {
        let start = self.rng.below(pool.len());
        for i in 0..d.head.min(pool.len()) {
            let unit = if self.rng.chance(0.6) {
                self.rng.pick(UNITS)
            } else {
                ""
            };
            let walk_in;
            let p = if self.rng.chance(0.15) {
                walk_in = self.walk_in();
                &walk_in
            } else {
                &pool[(start + i * 7) % pool.len()]
            };
            self.t.roster.row(&[&d.code, &p.name, &p.id, unit]);
        }
    }

    /// Five works, by the pool's second to sixth women.
    fn works(&mut self, org: &str, d: &Drawn, pool: &[Person]) {
        for w in 1..=5 {
            let author = pool.get(w).map_or("佚名", |p| p.name.as_str());
            self.t.works.row(&[
                &d.code,
                &format!("《{}》作品{w}", d.topic),
                author,
                "廉洁家风作品",
                org,
            ]);
        }
    }

    fn publicity(&mut self, org: &str, d: &Drawn) {
        if !self.rng.chance(0.3) {
            return;
        }
        let channel = self.rng.pick(CHANNELS);
        let repost = if self.rng.chance(0.1) {
            "宜昌市妇联公众号:市"
        } else {
            ""
        };
        self.t.publicity.row(&[
            &format!("{org}{}{}（{}）", d.topic, d.kind, d.code),
            channel,
            &d.date.to_string(),
            org,
            "",
            "",
            repost,
            &d.code,
        ]);
    }
}
