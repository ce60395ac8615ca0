//! 活动, 参与人员, 作品 and 宣传 sheets.

use domain::{
    activity::{
        ActivityDraft, ActivityInput, ActivityStatus, FIELDS,
        records::{
            ATTENDEE_FIELDS, AttendeeDraft, AttendeeInput, WORK_FIELDS, WorkDraft, WorkInput,
        },
    },
    publicity::{FIELDS as PUBLICITY_FIELDS, ItemDraft, ItemInput},
};

use super::person::id_text;
use crate::{
    issue::Report,
    model::Sheet,
    rows::{KeyTracker, RowView, SheetReader, parse_records},
    spec::{ACTIVITY, ATTENDANCE, PUBLICITY, WORK},
};

/// A checked row of the 活动 sheet: the activity, checked as every door
/// checks it (`domain::activity::ActivityDraft`), plus the row's photos.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub line: usize,
    pub input: ActivityInput,
    /// Photo file names, resolved against the folder or zip given at import.
    pub photos: Vec<String>,
    pub photo_caption: Option<String>,
}

impl ActivityRow {
    /// The row's 活动编号 (a required column, so always there).
    pub fn code(&self) -> &str {
        self.input.code.as_deref().unwrap_or_default()
    }
}

pub fn parse_activities(sheet: &Sheet, rep: &mut Report) -> Vec<ActivityRow> {
    let today = domain::date::today_beijing();
    let reader = SheetReader::new(sheet, &ACTIVITY, rep);
    if !reader.ok() {
        return Vec::new();
    }
    let mut keys = KeyTracker::default();
    let mut out = Vec::new();
    for row in reader.rows() {
        let mark = rep.error_count();
        // The key of the sheet: required here, generated at the other doors.
        let code = row.required(rep, "活动编号");
        if let Some(c) = &code {
            keys.check(rep, &row, vec![c.clone()]);
        }
        let draft = ActivityDraft {
            code: code.unwrap_or_default(),
            name: row.raw("活动名称"),
            programme: row.raw("品牌项目"),
            kind: row.raw("活动类型"),
            org_code: row.raw("主办组织编码"),
            partners: row.list("联合单位"),
            start_date: row.raw_date("开始日期"),
            end_date: row.raw_date("结束日期"),
            mode: row.raw("形式"),
            place: row.raw("地点"),
            units_reached: row.raw("覆盖单位数"),
            head_count: row.raw("参与人数"),
            materials: row.list("发放材料"),
            summary: row.raw("简介"),
            // A ledger records work that happened.
            status: ActivityStatus::Done.code().into(),
        };
        let input = match draft.validate(today) {
            Ok(input) => input,
            Err(inv) => {
                row.errors_of(rep, FIELDS, &inv);
                continue;
            }
        };
        if rep.error_count() > mark {
            continue;
        }
        out.push(ActivityRow {
            line: row.line(),
            input,
            photos: row.list("照片"),
            photo_caption: row.text("照片说明"),
        });
    }
    out
}

/// A checked row of the 参与人员 sheet: the line checked as the activity's
/// page and the API check theirs (`domain::activity::records`).
#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceRow {
    pub line: usize,
    pub input: AttendeeInput,
}

impl AttendanceRow {
    /// The row's 活动编号 (its sheet's key, so always there).
    pub fn activity_code(&self) -> &str {
        self.input.activity_code.as_deref().unwrap_or_default()
    }
}

/// Parses the 参与人员 sheet; KEY is 活动编号 + 身份证号.
pub fn parse_attendance(sheet: &Sheet, rep: &mut Report) -> Vec<AttendanceRow> {
    let today = domain::date::today_beijing();
    let draft = |row: &RowView<'_>, rep: &mut Report| AttendeeDraft {
        activity_code: row.raw("活动编号"),
        name: row.raw("姓名"),
        id_number: id_text(row, rep, "身份证号"),
        unit: row.raw("单位"),
    };
    let key = |a: &AttendeeInput| {
        vec![
            a.activity_code.clone().unwrap_or_default(),
            a.id_number
                .as_ref()
                .map(|i| i.as_str().to_string())
                .unwrap_or_default(),
        ]
    };
    let validate = |d: AttendeeDraft| d.validate_keyed(today);
    parse_records(
        sheet,
        &ATTENDANCE,
        rep,
        ATTENDEE_FIELDS,
        draft,
        validate,
        key,
    )
    .into_iter()
    .map(|(line, input)| AttendanceRow { line, input })
    .collect()
}

/// A checked row of the 作品 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkRow {
    pub line: usize,
    pub input: WorkInput,
}

impl WorkRow {
    /// The row's 活动编号 (a required column, so always there).
    pub fn activity_code(&self) -> &str {
        self.input.activity_code.as_deref().unwrap_or_default()
    }
}

/// Parses the 作品 sheet; KEY is 活动编号 + 作品名称 + 作者.
pub fn parse_works(sheet: &Sheet, rep: &mut Report) -> Vec<WorkRow> {
    let draft = |row: &RowView<'_>, _: &mut Report| WorkDraft {
        activity_code: row.raw("活动编号"),
        title: row.raw("作品名称"),
        author: row.raw("作者"),
        category: row.raw("作品类别"),
        org_code: row.raw("所属组织编码"),
    };
    let key = |w: &WorkInput| {
        vec![
            w.activity_code.clone().unwrap_or_default(),
            w.title.clone(),
            w.author.clone(),
        ]
    };
    parse_records(
        sheet,
        &WORK,
        rep,
        WORK_FIELDS,
        draft,
        |d| d.validate(true),
        key,
    )
    .into_iter()
    .map(|(line, input)| WorkRow { line, input })
    .collect()
}

/// A checked row of the 宣传 sheet: the item, checked as every door checks
/// it (`domain::publicity::ItemDraft`).
#[derive(Debug, Clone, PartialEq)]
pub struct PublicityRow {
    pub line: usize,
    pub input: ItemInput,
}

/// Parses the 宣传 sheet; KEY is 标题 + 发布平台.
pub fn parse_publicity(sheet: &Sheet, rep: &mut Report) -> Vec<PublicityRow> {
    let draft = |row: &RowView<'_>, rep: &mut Report| ItemDraft {
        title: row.raw("标题"),
        channel: row.raw("发布平台"),
        published_on: row.raw_date("发布日期"),
        org_code: row.raw("发布组织编码"),
        column: row.raw("栏目"),
        link: row.raw("链接"),
        // Extension column: the activity the item reports.
        activity_code: row.raw("活动编号"),
        reposts: row.pairs(rep, "转载方"),
    };
    let key = |i: &ItemInput| vec![i.title.clone(), i.channel.clone()];
    parse_records(
        sheet,
        &PUBLICITY,
        rep,
        PUBLICITY_FIELDS,
        draft,
        |d| d.validate(),
        key,
    )
    .into_iter()
    .map(|(line, input)| PublicityRow { line, input })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::test_util::{errors, sheet};

    #[test]
    fn activity_rows_parse_materials_mode_and_dates() {
        let h = &[
            "活动编号",
            "活动名称",
            "品牌项目",
            "活动类型",
            "主办组织编码",
            "开始日期",
            "结束日期",
            "形式",
            "发放材料",
            "覆盖单位数",
        ];
        let s = sheet(
            "活动",
            h,
            &[
                &[
                    "2020-JTZL-01",
                    "家庭助廉讲座",
                    "家庭助廉",
                    "讲座",
                    "420527000000",
                    "2020/7/8",
                    "",
                    "线下",
                    "倡议书:220",
                    "",
                ],
                &[
                    "2020-ZX-01",
                    "线上课堂",
                    "",
                    "培训",
                    "420527000000",
                    "2020-03-01",
                    "2020-02-01",
                    "线上",
                    "折页",
                    "x",
                ],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_activities(&s, &mut rep);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].input.materials,
            vec![domain::activity::Material {
                name: "倡议书".into(),
                quantity: 220
            }]
        );
        assert_eq!(rows[0].input.programme.as_deref(), Some("家庭助廉"));
        assert_eq!(rows[0].code(), "2020-JTZL-01");
        let errs = errors(&rep);
        let cols: Vec<&str> = errs.iter().map(|(_, c, _)| c.as_str()).collect();
        assert!(
            cols.contains(&"发放材料")
                && cols.contains(&"结束日期")
                && cols.contains(&"覆盖单位数"),
            "{errs:?}"
        );
        assert!(errs.iter().all(|(r, _, _)| *r == 3));
    }

    #[test]
    fn publicity_reposts_need_a_known_level() {
        let h = &[
            "标题",
            "发布平台",
            "发布日期",
            "发布组织编码",
            "栏目",
            "转载方",
        ];
        let s = sheet(
            "宣传",
            h,
            &[
                &[
                    "抗疫故事一",
                    "屈乡巾帼公众号",
                    "2020-02-10",
                    "420527000000",
                    "巾帼抗疫故事",
                    "湖北省妇联公众号:省;宜昌市妇联公众号:市",
                ],
                &[
                    "抗疫故事二",
                    "屈乡巾帼公众号",
                    "2020-02-11",
                    "420527000000",
                    "巾帼抗疫故事",
                    "某号:乡",
                ],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_publicity(&s, &mut rep);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].input.reposts,
            vec![
                (
                    "湖北省妇联公众号".to_string(),
                    domain::kinds::Level::Province
                ),
                ("宜昌市妇联公众号".to_string(), domain::kinds::Level::City)
            ]
        );
        assert_eq!(errors(&rep)[0].0, 3);
    }
}
