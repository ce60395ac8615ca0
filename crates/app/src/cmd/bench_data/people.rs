//! The women of a bench county: names, valid 身份证号, phones and tags for
//! the registry (人员), and walk-ins, who are on rosters only.

use chrono::NaiveDate;

use super::county::County;

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
const TAGS: &[&str] = &["低保", "留守妇女", "建档立卡", "残疾", "单亲", "绣娘"];
/// Region of the walk-ins' 身份证号: not a bench county's, so never in a registry.
const WALK_IN_REGION: &str = "420999";
/// Births are spread over ~49 years from this day.
const BIRTHS_FROM: (i32, u32, u32) = (1950, 1, 1);
const BIRTH_SPAN_DAYS: u64 = 18_000;

pub(super) struct Person {
    pub name: String,
    pub id: String,
}

impl County {
    /// A woman of the registry in `org`, written to the 人员 sheet.
    pub(super) fn new_person(&mut self, org: &str) -> Person {
        self.people_seq += 1;
        let seq = self.people_seq;
        let given_len = if self.rng.chance(0.4) { 1 } else { 2 };
        let given: String = (0..given_len).map(|_| self.rng.pick(GIVEN)).collect();
        let name = format!("{}{given}", self.rng.pick(SURNAMES));
        let birth = births_from() + chrono::Days::new((u64::from(seq) * 7919) % BIRTH_SPAN_DAYS);
        let id = id_number(&self.region, birth, seq);
        let phone = format!("13{:09}", self.rng.next() % 1_000_000_000);
        let tag = if self.rng.chance(0.1) {
            self.rng.pick(TAGS)
        } else {
            ""
        };
        self.t.people.row(&[&name, &id, &phone, org, tag]);
        Person { name, id }
    }

    /// A woman on a roster who is not in the registry, known by 身份证号 only
    /// (as in real rosters); written nowhere but the roster line.
    pub(super) fn walk_in(&mut self) -> Person {
        let birth =
            births_from() + chrono::Days::new(self.rng.below(BIRTH_SPAN_DAYS as usize) as u64);
        let id = id_number(WALK_IN_REGION, birth, self.rng.below(500) as u32);
        let name = format!("{}{}", self.rng.pick(SURNAMES), self.rng.pick(GIVEN));
        Person { name, id }
    }
}

fn births_from() -> NaiveDate {
    let (y, m, d) = BIRTHS_FROM;
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// A valid 18-digit 身份证号 of a woman born on `birth` in `region`.
fn id_number(region: &str, birth: NaiveDate, seq: u32) -> String {
    // 17th digit even = female.
    let body = format!("{region}{}{:03}", birth.format("%Y%m%d"), (seq % 500) * 2);
    domain::idcard::with_check_char(&body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_number_encodes_the_region_birth_and_an_even_sequence() {
        let birth = NaiveDate::from_ymd_opt(1985, 3, 8).expect("date");
        let id = id_number("420527", birth, 501);
        assert_eq!(&id[..17], "42052719850308002");
        assert_eq!(id.len(), 18);
    }
}
