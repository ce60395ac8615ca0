//! The activity area's descriptor (see [`crate::area`]).

use crate::{
    access::{Module, Permission},
    area::{Area, Menu, Todo},
    audit::AuditEntity,
};

pub const AREA: Area = Area {
    key: "activity",
    label: "活动",
    sheets: &["活动", "参与人员", "作品"],
    menu: &[Menu {
        key: "activity",
        href: "/activities",
        label: "活动",
        needs: &[(Module::Activity, Permission::Read)],
    }],
    audit_entities: &[
        AuditEntity::Activity,
        AuditEntity::Work,
        AuditEntity::Programme,
    ],
    todos: &[Todo {
        key: "activity_overdue",
        label: "项计划中的活动已过日期，待补记或取消",
        href: "/activities?status=planned",
        module: Module::Activity,
        permission: Permission::Write,
    }],
    stats_section: Some("activities"),
    exports: &[Menu {
        key: "activity",
        href: "/activities/export",
        label: "导出活动列表",
        needs: &[
            (Module::Activity, Permission::Read),
            (Module::Activity, Permission::Export),
        ],
    }],
};
