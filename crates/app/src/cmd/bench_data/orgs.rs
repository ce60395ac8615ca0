//! The org tree of a bench county and the walk that fills every sheet: the
//! province root, the county, 5 new-field orgs, 12 townships × 15 villages
//! (3 of them communities), a venue per township and village, a survey per
//! township, 5 officers per org, and each org's people and activities drawn
//! where the walk reaches it. The walk's order is the order of the draws, so
//! it is the data: keep it.

use super::{ROOT, county::County, people::Person};

const TOWNSHIPS: usize = 12;
const VILLAGES: usize = 15;
/// The first villages of a township are communities (社区妇联).
const COMMUNITIES: usize = 3;

impl County {
    /// Walks the whole county; the county's own activities come last, their
    /// rosters drawn from a third of the townships' pools.
    pub(super) fn org_tree(&mut self) {
        self.top_orgs();
        let mut county_pool = Vec::new();
        for t in 0..TOWNSHIPS {
            let town_pool = self.township(t);
            county_pool.extend(town_pool.into_iter().step_by(3));
        }
        let (code, n) = (self.code.clone(), self.per(60));
        self.activities(&code, n, (30, 60), &county_pool);
    }

    /// The root every bench county hangs under, the county, its new-field orgs.
    fn top_orgs(&mut self) {
        let (k, county) = (self.k + 1, self.code.clone());
        let orgs = &mut self.t.orgs;
        orgs.row(&[ROOT, "基准省妇联（汇总）", "县妇联", "", "", ""]);
        orgs.row(&[&county, &format!("基准{k}县妇联"), "县妇联", ROOT, "", ""]);
        for n in 1..=5 {
            orgs.row(&[
                &format!("NF-{}-{n:03}", self.region),
                &format!("基准{k}县新领域妇联{n}"),
                "新领域妇联",
                &county,
                "",
                "非公企业",
            ]);
        }
    }

    /// Township `t` with its villages; returns its pool (every tenth woman of
    /// its villages), which its own rosters and officers are drawn from.
    fn township(&mut self, t: usize) -> Vec<Person> {
        let town = format!("{}{:03}000", self.region, 101 + t);
        let county = self.code.clone();
        let name = format!("基准{}县第{}镇妇联", self.k + 1, t + 1);
        self.t
            .orgs
            .row(&[&town, &name, "乡镇妇联", &county, "", ""]);
        self.t.venues.row(&[
            &format!("第{}镇妇女之家", t + 1),
            "妇女之家",
            &town,
            &format!("{}-03-08", self.year - 2),
            "标准化",
            "县级",
        ]);
        let date = self.date_in_year().to_string();
        self.t.surveys.row(&[
            &town,
            &date,
            "县妇联",
            "台账归档不及时。",
            "妇女之家活动正常。",
        ]);
        let mut town_pool = Vec::new();
        for v in 0..VILLAGES {
            let pool = self.village(&town, t, v);
            town_pool.extend(pool.into_iter().step_by(10));
        }
        let chosen = town_pool.iter().skip(1).step_by(17).take(5);
        self.officers(chosen, &town, "专职");
        let n = self.per(40);
        self.activities(&town, n, (20, 40), &town_pool);
        town_pool
    }

    /// Village (or community) `v` of township `t`: its women, officers and
    /// activities; returns its women.
    fn village(&mut self, town: &str, t: usize, v: usize) -> Vec<Person> {
        let (code, kind) = if v < COMMUNITIES {
            (format!("{}{:03}", &town[..9], 1 + v), "社区妇联")
        } else {
            (format!("{}{:03}", &town[..9], 198 + v), "村妇联")
        };
        let name = format!("第{}镇第{}村妇联", t + 1, v + 1);
        self.t.orgs.row(&[&code, &name, kind, town, "", ""]);
        self.t.venues.row(&[
            &format!("第{}镇第{}村妇女之家", t + 1, v + 1),
            "妇女之家",
            &code,
            &format!("{}-05-01", self.year - 1),
            "一般",
            "",
        ]);
        let pool: Vec<Person> = (0..self.per(100)).map(|_| self.new_person(&code)).collect();
        self.officers(pool.iter().take(5), &code, "兼职");
        let n = self.per(24);
        self.activities(&code, n, (8, 25), &pool);
        pool
    }

    /// Posts of `people` in `org`: the first is 主席, the second 副主席, the rest 执委.
    fn officers<'p>(&mut self, people: impl Iterator<Item = &'p Person>, org: &str, kind: &str) {
        let since = format!("{}-09-28", self.year - 2);
        for (i, p) in people.enumerate() {
            let post = match i {
                0 => "主席",
                1 => "副主席",
                _ => "执委",
            };
            self.t
                .officers
                .row(&[&p.name, &p.id, org, post, kind, &since, ""]);
        }
    }
}
