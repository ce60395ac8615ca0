//! One synthetic county-year: the state its parts share while they are
//! drawn (the random numbers, the sheets, the running sequence numbers).
//! `orgs`, `people`, `activities` and `photos` each add their methods to
//! [`County`]; the tree walk in `orgs` calls them in a fixed order.

use chrono::NaiveDate;

use super::{
    Args,
    photos::tiny_png,
    rng::Rng,
    table::{Table, Tables},
};

/// Photo files of a county: file name and bytes.
pub(super) type Photos = Vec<(String, Vec<u8>)>;

pub(super) struct County {
    pub(super) rng: Rng,
    /// The county's index from 0; its names count from 1 (`基准{k+1}县`).
    pub(super) k: u32,
    /// Its org code, e.g. `420101000000` for the first county.
    pub(super) code: String,
    /// The first six digits of the code: the region of its 身份证号 and codes.
    pub(super) region: String,
    pub(super) year: i32,
    scale: f64,
    pub(super) photo_share: f64,
    pub(super) png: Vec<u8>,
    /// Registry people drawn so far (their 身份证号 sequence).
    pub(super) people_seq: u32,
    /// Activities drawn so far (their 活动编号 sequence).
    pub(super) activity_seq: usize,
    pub(super) t: Tables,
    pub(super) photos: Photos,
}

/// Builds county `k`'s workbook (and the photos it names).
pub(super) fn workbook(a: &Args, k: u32) -> (Vec<Table>, Photos) {
    let mut county = County::new(a, k);
    county.org_tree();
    (county.t.into_vec(), county.photos)
}

impl County {
    fn new(a: &Args, k: u32) -> Self {
        let code = format!("42{:02}{:02}000000", 1 + k / 60, 1 + k % 60);
        County {
            rng: Rng::new(a.seed ^ (u64::from(k) << 20) ^ a.year as u64),
            k,
            region: code[..6].to_string(),
            code,
            year: a.year,
            scale: a.scale,
            photo_share: a.photos,
            png: tiny_png(),
            people_seq: 0,
            activity_seq: 0,
            t: Tables::new(),
            photos: Vec::new(),
        }
    }

    /// `n` (people or activities per org at scale 1) at this run's scale, at least 1.
    pub(super) fn per(&self, n: usize) -> usize {
        ((n as f64 * self.scale).round() as usize).max(1)
    }

    pub(super) fn date_in_year(&mut self) -> NaiveDate {
        let day0 = NaiveDate::from_ymd_opt(self.year, 1, 1).expect("year");
        day0 + chrono::Days::new(self.rng.below(365) as u64)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use domain::idcard::{IdNumber, Sex};

    use super::*;

    fn args(scale: f64) -> Args {
        Args {
            counties: 1,
            year: 2020,
            seed: 1,
            scale,
            photos: 0.3,
            first: 0,
            out: None,
        }
    }

    fn sheet<'a>(tables: &'a [Table], name: &str) -> &'a Table {
        tables.iter().find(|t| t.name == name).expect(name)
    }

    /// FNV-1a over the CSV files in sheet order.
    fn csv_hash(tables: &[Table]) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for b in tables.iter().flat_map(Table::to_csv) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    /// The figures in docs/benchmarks.md compare runs over the same records.
    /// This is the hash of county 1 (seed 1, 2020, scale 1) as the generator
    /// wrote it before it was split into modules; a change to the data must
    /// change this number on purpose, and say so next to the figures.
    #[test]
    fn county_one_is_the_same_records_as_before_the_split() {
        let (tables, photos) = workbook(&args(1.0), 0);
        let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
        assert_eq!((rows, photos.len()), (89_119, 1_445));
        assert_eq!(csv_hash(&tables), 0x50d2_637e_81fc_8e4a);
    }

    #[test]
    fn registry_numbers_are_valid_women_of_the_county_and_walk_ins_of_another_region() {
        let (tables, _) = workbook(&args(0.1), 0);
        for p in &sheet(&tables, "人员").rows {
            let id = IdNumber::parse(&p[1]).expect(&p[1]);
            assert_eq!((id.sex(), &p[1][..6]), (Sex::Female, "420101"));
        }
        let registry: HashSet<&str> = sheet(&tables, "人员")
            .rows
            .iter()
            .map(|p| p[1].as_str())
            .collect();
        let roster = &sheet(&tables, "参与人员").rows;
        let walk_ins: Vec<&Vec<String>> = roster
            .iter()
            .filter(|l| !registry.contains(l[2].as_str()))
            .collect();
        assert!(!walk_ins.is_empty() && walk_ins.len() < roster.len());
        for l in walk_ins {
            let id = IdNumber::parse(&l[2]).expect(&l[2]);
            assert_eq!((id.sex(), &l[2][..6]), (Sex::Female, "420999"));
        }
    }

    #[test]
    fn every_roster_line_work_and_publicity_item_names_an_activity_of_the_sheet() {
        let (tables, photos) = workbook(&args(0.1), 0);
        let acts = &sheet(&tables, "活动").rows;
        let codes: HashSet<&str> = acts.iter().map(|a| a[0].as_str()).collect();
        assert_eq!(codes.len(), acts.len(), "活动编号 repeated");
        for (name, col) in [("参与人员", 0), ("作品", 0), ("宣传", 7)] {
            let rows = &sheet(&tables, name).rows;
            assert!(!rows.is_empty(), "{name} empty");
            assert!(
                rows.iter().all(|r| codes.contains(r[col].as_str())),
                "{name}"
            );
        }
        let named: HashSet<&str> = acts.iter().map(|a| a[14].as_str()).collect();
        assert!(photos.iter().all(|(f, _)| named.contains(f.as_str())));
    }

    #[test]
    fn another_county_has_its_own_codes_and_people() {
        let (first, _) = workbook(&args(0.1), 0);
        let (second, _) = workbook(&args(0.1), 1);
        assert_eq!(sheet(&second, "组织").rows[1][0], "420102000000");
        let ids = |t: &[Table]| -> HashSet<String> {
            sheet(t, "人员").rows.iter().map(|p| p[1].clone()).collect()
        };
        assert!(ids(&first).is_disjoint(&ids(&second)));
    }
}
