//! The foundation areas: organizations (with their venues, officers, surveys
//! and the standardization checklist) and people.

use super::{Area, Menu};
use crate::{
    access::{Module, Permission},
    audit::AuditEntity,
};

/// 组织: the federation tree and what each org holds.
pub const ORG: Area = Area {
    key: "org",
    label: "组织",
    sheets: &["组织", "阵地", "干部", "调研"],
    menu: &[
        Menu {
            key: "org",
            href: "/orgs",
            label: "组织",
            needs: &[(Module::Org, Permission::Read)],
        },
        Menu {
            key: "checklist",
            href: "/checklist",
            label: "规范化建设",
            needs: &[(Module::Org, Permission::Read)],
        },
    ],
    audit_entities: &[
        AuditEntity::Org,
        AuditEntity::Venue,
        AuditEntity::Officer,
        AuditEntity::Survey,
        AuditEntity::ChecklistEntry,
        AuditEntity::ChecklistItem,
    ],
    todos: &[],
    stats_section: Some("organizations"),
    exports: &[],
};

/// 人员: women, households and children the work reaches.
pub const PEOPLE: Area = Area {
    key: "people",
    label: "人员",
    sheets: &["人员"],
    menu: &[Menu {
        key: "people",
        href: "/people",
        label: "人员",
        needs: &[(Module::People, Permission::Read)],
    }],
    audit_entities: &[AuditEntity::Person, AuditEntity::Household],
    todos: &[],
    stats_section: None,
    exports: &[],
};
