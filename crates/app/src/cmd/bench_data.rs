//! `jinguo bench-data --counties N --year Y`: deterministic synthetic counties
//! for benchmarks, written through the real path — each county becomes a
//! ledger workbook (组织 … 宣传, photos as attachments) imported by
//! `db::import::import_workbook`, exactly like an uploaded file. With `--out`
//! the workbooks are written as CSV folders instead (for timing `jinguo import`).
//!
//! Proportions per county at `--scale 1` (≈10⁵ rows a year): 12 townships ×
//! 15 villages (3 of them communities), 5 new-field orgs, a venue per
//! township/village, 100 women per village, 5 officers per org, 24 activities a
//! year per village (40 per township, 60 at the county), rosters of 8–25 (60%
//! of lines with a unit, 15% walk-ins not in the registry), a publicity item
//! for 30% of activities and a photo for 30%.

use std::{path::PathBuf, process::ExitCode, time::Instant};

use anyhow::Context;
use db::{
    Ctx,
    account::{self, NewUser},
    import,
};
use domain::access::Role;
use ledger::{Cell, OutCell, RawRow, Sheet, Workbook};

use crate::setup;

/// The province-level root every bench county hangs under, so one stats call
/// covers a province-year. The domain has no 省妇联 kind: the root is a county
/// kind with a 90 (省直辖) prefecture code, counted as one extra org.
pub const ROOT: &str = "429001000000";
/// The bench login (CountyAdmin over the root); the password is printed.
pub const USER: &str = "bench";
pub const PASSWORD: &str = "Load#Test2020x";

pub struct Args {
    pub counties: u32,
    pub year: i32,
    pub seed: u64,
    pub scale: f64,
    pub photos: f64,
    pub first: u32,
    pub out: Option<PathBuf>,
}

/// xorshift64*: tiny, deterministic, good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "谭",
    "向", "屈", "覃", "郑", "龚", "望", "万", "熊",
];
const GIVEN: &[&str] = &[
    "丽", "娟", "敏", "静", "秀", "英", "华", "芳", "燕", "玲", "梅", "兰", "霞", "红", "萍", "琴",
    "云", "凤", "洁", "琳", "艳", "珍", "莉", "桂", "娥", "春", "晶", "慧", "雪", "倩", "婷", "佳",
];
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
/// Region of the walk-ins' 身份证号: not a bench county's, so never in a registry.
const WALK_IN_REGION: &str = "420999";
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
const TAGS: &[&str] = &["低保", "留守妇女", "建档立卡", "残疾", "单亲", "绣娘"];
const CHANNELS: &[&str] = &["屈乡巾帼公众号", "县融媒体中心", "学习强国", "中国妇女报"];

/// One sheet under construction: headers and all-text rows.
struct Table {
    name: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(name: &'static str, headers: &'static [&'static str]) -> Self {
        Table {
            name,
            headers,
            rows: Vec::new(),
        }
    }
    fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }
    fn to_sheet(&self) -> Sheet {
        Sheet {
            name: self.name.into(),
            headers: self.headers.iter().map(|h| h.to_string()).collect(),
            rows: self
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| RawRow {
                    line: i + 2,
                    cells: r.iter().map(|c| Cell::text(c)).collect(),
                })
                .collect(),
        }
    }
    fn to_csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<OutCell>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| OutCell::Text(c.clone())).collect())
            .collect();
        ledger::to_csv_bytes(self.headers, &rows)
    }
}

/// A valid 18-digit 身份证号 of a woman born on `birth` in `region`.
fn id_number(region: &str, birth: chrono::NaiveDate, seq: u32) -> String {
    // 17th digit even = female.
    let body = format!("{region}{}{:03}", birth.format("%Y%m%d"), (seq % 500) * 2);
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

struct Person {
    name: String,
    id: String,
}

/// Builds county `k`'s workbook (and the photos it names).
fn county_workbook(a: &Args, k: u32) -> (Vec<Table>, Vec<(String, Vec<u8>)>) {
    let mut rng = Rng::new(a.seed ^ (u64::from(k) << 20) ^ a.year as u64);
    let county = format!("42{:02}{:02}000000", 1 + k / 60, 1 + k % 60);
    let region = &county[..6];
    let year = a.year;
    let day0 = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("year");
    let per = |n: usize| ((n as f64 * a.scale).round() as usize).max(1);

    let mut orgs = Table::new(
        "组织",
        &[
            "组织编码",
            "组织名称",
            "组织类型",
            "上级组织编码",
            "成立日期",
            "新领域类型",
        ],
    );
    let mut venues = Table::new(
        "阵地",
        &[
            "阵地名称",
            "阵地类型",
            "所属组织编码",
            "挂牌日期",
            "等级",
            "等级级别",
        ],
    );
    let mut people = Table::new(
        "人员",
        &["姓名", "身份证号", "手机号", "所属组织编码", "标签"],
    );
    let mut officers = Table::new(
        "干部",
        &[
            "姓名",
            "身份证号",
            "组织编码",
            "职务",
            "专兼挂",
            "任职开始",
            "任职结束",
        ],
    );
    let mut surveys = Table::new(
        "调研",
        &["组织编码", "日期", "调研人", "发现不足", "工作亮点"],
    );
    let mut acts = Table::new(
        "活动",
        &[
            "活动编号",
            "活动名称",
            "品牌项目",
            "活动类型",
            "主办组织编码",
            "联合单位",
            "开始日期",
            "结束日期",
            "形式",
            "地点",
            "覆盖单位数",
            "参与人数",
            "发放材料",
            "简介",
            "照片",
            "照片说明",
        ],
    );
    let mut roster = Table::new("参与人员", &["活动编号", "姓名", "身份证号", "单位"]);
    let mut works = Table::new(
        "作品",
        &["活动编号", "作品名称", "作者", "作品类别", "所属组织编码"],
    );
    let mut publicity = Table::new(
        "宣传",
        &[
            "标题",
            "发布平台",
            "发布日期",
            "发布组织编码",
            "栏目",
            "链接",
            "转载方",
            "活动编号",
        ],
    );
    let mut photos = Vec::new();
    let s = |x: &str| x.to_string();

    orgs.push(vec![
        s(ROOT),
        s("基准省妇联（汇总）"),
        s("县妇联"),
        s(""),
        s(""),
        s(""),
    ]);
    let cname = format!("基准{}县妇联", k + 1);
    orgs.push(vec![
        county.clone(),
        cname,
        s("县妇联"),
        s(ROOT),
        s(""),
        s(""),
    ]);
    for n in 1..=5 {
        orgs.push(vec![
            format!("NF-{region}-{n:03}"),
            format!("基准{}县新领域妇联{n}", k + 1),
            s("新领域妇联"),
            county.clone(),
            s(""),
            s("非公企业"),
        ]);
    }
    let mut seq = 0u32;
    let mut new_person = |rng: &mut Rng, org: &str, people: &mut Table| -> Person {
        seq += 1;
        let given: String = (0..if rng.chance(0.4) { 1 } else { 2 })
            .map(|_| rng.pick(GIVEN))
            .collect();
        let name = format!("{}{given}", rng.pick(SURNAMES));
        let birth = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).expect("date")
            + chrono::Days::new((seq as u64 * 7919) % 18_000);
        let id = id_number(region, birth, seq);
        let phone = format!("13{:09}", rng.next() % 1_000_000_000);
        let tag = if rng.chance(0.1) { rng.pick(TAGS) } else { "" };
        people.push(vec![name.clone(), id.clone(), phone, s(org), s(tag)]);
        Person { name, id }
    };
    let date_in_year = |rng: &mut Rng| day0 + chrono::Days::new(rng.below(365) as u64);
    let mut n_act = 0usize;
    let png = tiny_png();
    // Activities of one org, their rosters drawn from `pool`.
    let mut activities = |rng: &mut Rng,
                          org: &str,
                          count: usize,
                          roster_size: (usize, usize),
                          pool: &[Person],
                          acts: &mut Table,
                          roster: &mut Table,
                          works: &mut Table,
                          publicity: &mut Table,
                          photos: &mut Vec<(String, Vec<u8>)>| {
        for _ in 0..count {
            n_act += 1;
            let code = format!("{year}-{region}-{n_act:05}");
            let kind = rng.pick(KINDS);
            let topic = rng.pick(TOPICS);
            let date = date_in_year(rng);
            let with_roster = rng.chance(0.7) && !pool.is_empty();
            let head = rng.range(roster_size.0, roster_size.1);
            let photo = if rng.chance(a.photos) {
                let f = format!("{code}.png");
                photos.push((f.clone(), png.clone()));
                f
            } else {
                String::new()
            };
            acts.push(vec![
                code.clone(),
                format!("{topic}{kind}"),
                s(rng.pick(PROGRAMMES)),
                s(kind),
                s(org),
                if rng.chance(0.1) {
                    s("县司法局")
                } else {
                    s("")
                },
                date.to_string(),
                s(""),
                s(if rng.chance(0.1) { "线上" } else { "线下" }),
                s("妇女之家"),
                s(""),
                if with_roster { s("") } else { head.to_string() },
                if rng.chance(0.1) {
                    format!("倡议书:{}", head * 5)
                } else {
                    s("")
                },
                format!("围绕{topic}开展{kind}活动。"),
                photo.clone(),
                if photo.is_empty() {
                    s("")
                } else {
                    format!("图丨{topic}")
                },
            ]);
            if with_roster {
                let start = rng.below(pool.len());
                for i in 0..head.min(pool.len()) {
                    let unit = if rng.chance(0.6) { rng.pick(UNITS) } else { "" };
                    // Walk-ins: women not in the registry, known by 身份证号 only.
                    if rng.chance(0.15) {
                        let birth = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).expect("date")
                            + chrono::Days::new(rng.below(18_000) as u64);
                        let id = id_number(WALK_IN_REGION, birth, rng.below(500) as u32);
                        let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
                        roster.push(vec![code.clone(), name, id, s(unit)]);
                        continue;
                    }
                    let p = &pool[(start + i * 7) % pool.len()];
                    roster.push(vec![code.clone(), p.name.clone(), p.id.clone(), s(unit)]);
                }
            }
            if kind == "征集" {
                for w in 1..=5 {
                    let author = &pool.get(w).map_or("佚名", |p| p.name.as_str());
                    works.push(vec![
                        code.clone(),
                        format!("《{topic}》作品{w}"),
                        s(author),
                        s("廉洁家风作品"),
                        s(org),
                    ]);
                }
            }
            if rng.chance(0.3) {
                publicity.push(vec![
                    format!("{org}{topic}{kind}（{code}）"),
                    s(rng.pick(CHANNELS)),
                    date.to_string(),
                    s(org),
                    s(""),
                    s(""),
                    if rng.chance(0.1) {
                        s("宜昌市妇联公众号:市")
                    } else {
                        s("")
                    },
                    code.clone(),
                ]);
            }
        }
    };
    let post_of = |i: usize| match i {
        0 => "主席",
        1 => "副主席",
        _ => "执委",
    };
    let mut county_pool = Vec::new();
    for t in 0..12 {
        let town = format!("{region}{:03}000", 101 + t);
        orgs.push(vec![
            town.clone(),
            format!("基准{}县第{}镇妇联", k + 1, t + 1),
            s("乡镇妇联"),
            county.clone(),
            s(""),
            s(""),
        ]);
        venues.push(vec![
            format!("第{}镇妇女之家", t + 1),
            s("妇女之家"),
            town.clone(),
            format!("{}-03-08", year - 2),
            s("标准化"),
            s("县级"),
        ]);
        surveys.push(vec![
            town.clone(),
            date_in_year(&mut rng).to_string(),
            s("县妇联"),
            s("台账归档不及时。"),
            s("妇女之家活动正常。"),
        ]);
        let mut town_pool = Vec::new();
        for v in 0..15 {
            let (code, kind) = if v < 3 {
                (format!("{}{:03}", &town[..9], 1 + v), "社区妇联")
            } else {
                (format!("{}{:03}", &town[..9], 198 + v), "村妇联")
            };
            orgs.push(vec![
                code.clone(),
                format!("第{}镇第{}村妇联", t + 1, v + 1),
                s(kind),
                town.clone(),
                s(""),
                s(""),
            ]);
            venues.push(vec![
                format!("第{}镇第{}村妇女之家", t + 1, v + 1),
                s("妇女之家"),
                code.clone(),
                format!("{}-05-01", year - 1),
                s("一般"),
                s(""),
            ]);
            let pool: Vec<Person> = (0..per(100))
                .map(|_| new_person(&mut rng, &code, &mut people))
                .collect();
            for (i, p) in pool.iter().take(5).enumerate() {
                officers.push(vec![
                    p.name.clone(),
                    p.id.clone(),
                    code.clone(),
                    s(post_of(i)),
                    s("兼职"),
                    format!("{}-09-28", year - 2),
                    s(""),
                ]);
            }
            activities(
                &mut rng,
                &code,
                per(24),
                (8, 25),
                &pool,
                &mut acts,
                &mut roster,
                &mut works,
                &mut publicity,
                &mut photos,
            );
            town_pool.extend(pool.into_iter().step_by(10));
        }
        for (i, p) in town_pool.iter().skip(1).step_by(17).take(5).enumerate() {
            officers.push(vec![
                p.name.clone(),
                p.id.clone(),
                town.clone(),
                s(post_of(i)),
                s("专职"),
                format!("{}-09-28", year - 2),
                s(""),
            ]);
        }
        activities(
            &mut rng,
            &town,
            per(40),
            (20, 40),
            &town_pool,
            &mut acts,
            &mut roster,
            &mut works,
            &mut publicity,
            &mut photos,
        );
        county_pool.extend(town_pool.into_iter().step_by(3));
    }
    activities(
        &mut rng,
        &county,
        per(60),
        (30, 60),
        &county_pool,
        &mut acts,
        &mut roster,
        &mut works,
        &mut publicity,
        &mut photos,
    );
    let tables = vec![
        orgs, venues, people, officers, surveys, acts, roster, works, publicity,
    ];
    (tables, photos)
}

/// A 16×16 PNG (stored deflate): the importer decodes and re-encodes it like
/// a phone photo, without shipping an image file.
fn tiny_png() -> Vec<u8> {
    const SIDE: u32 = 16;
    let mut raw = Vec::new();
    for y in 0..SIDE {
        raw.push(0u8);
        for x in 0..SIDE {
            raw.extend([200u8, (x * 15) as u8, (y * 15) as u8]);
        }
    }
    let mut z = vec![0x78, 0x01, 0x01];
    let len = raw.len() as u16;
    z.extend(len.to_le_bytes());
    z.extend((!len).to_le_bytes());
    z.extend(&raw);
    let (mut s1, mut s2) = (1u32, 0u32);
    for b in &raw {
        s1 = (s1 + u32::from(*b)) % 65521;
        s2 = (s2 + s1) % 65521;
    }
    z.extend(((s2 << 16) | s1).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(SIDE.to_be_bytes());
    ihdr.extend(SIDE.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        out.extend((data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend(&data);
        out.extend(&chunk);
        out.extend(crc32(&chunk).to_be_bytes());
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for b in bytes {
        c ^= u32::from(*b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// Peak resident memory of this process (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub async fn run(data: Option<PathBuf>, a: Args) -> anyhow::Result<ExitCode> {
    if let Some(out) = &a.out {
        for k in a.first..a.first + a.counties {
            let (tables, photos) = county_workbook(&a, k);
            let dir = out.join(format!("county-{:03}", k + 1));
            std::fs::create_dir_all(&dir).with_context(|| format!("无法创建 {}", dir.display()))?;
            let mut rows = 0;
            for t in &tables {
                std::fs::write(dir.join(format!("{}.csv", t.name)), t.to_csv())?;
                rows += t.rows.len();
            }
            for (name, bytes) in &photos {
                std::fs::write(dir.join(name), bytes)?;
            }
            println!("{}\t{rows} 行\t{} 张照片", dir.display(), photos.len());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let db = setup::open(&setup::data_dir(data, "data-bench")).await?;
    let ctx = Ctx::operator();
    let (mut total_rows, started) = (0usize, Instant::now());
    for k in a.first..a.first + a.counties {
        let (tables, photos) = county_workbook(&a, k);
        let rows: usize = tables.iter().map(|t| t.rows.len()).sum::<usize>() + photos.len();
        let wb = Workbook {
            sheets: tables.iter().map(Table::to_sheet).collect(),
            attachments: photos,
        };
        drop(tables);
        let t0 = Instant::now();
        let outcome = import::import_workbook(&db, &ctx, &wb, false).await?;
        if !outcome.committed {
            super::ledger::print_outcome(&outcome);
            anyhow::bail!("第{}个县的台账导入失败", k + 1);
        }
        let secs = t0.elapsed().as_secs_f64();
        total_rows += rows;
        println!(
            "county {:>3}: {rows} rows in {secs:.1} s ({:.0} rows/s)",
            k + 1,
            rows as f64 / secs
        );
    }
    let secs = started.elapsed().as_secs_f64();
    // Planner statistics after a bulk load (PostgreSQL needs them; SQLite too).
    use db::sea_orm::ConnectionTrait;
    let _ = db.conn.execute_unprepared("ANALYZE").await;
    let user = NewUser {
        username: USER.into(),
        display_name: "基准测试".into(),
        role: Role::CountyAdmin,
        password: Some(PASSWORD.into()),
        view_roots: vec![ROOT.into()],
        capture_roots: vec![ROOT.into()],
    };
    // A rerun adding counties finds the account already there. Its password
    // is published with the benchmark: a seeded account, no policy.
    match account::create_seeded_user(&db.conn, &ctx, &user).await {
        Ok(_) => println!("account: {USER} / {PASSWORD}"),
        Err(e) => println!("account {USER} not created: {e}"),
    }
    println!(
        "BENCH import rows={total_rows} seconds={secs:.2} rows_per_s={:.0} peak_rss_mb={:.0}",
        total_rows as f64 / secs,
        peak_rss_mb()
    );
    Ok(ExitCode::SUCCESS)
}
