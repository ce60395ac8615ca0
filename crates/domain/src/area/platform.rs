//! The platform's own pages, declared as areas so the navigation and the
//! authorization matrix know them like any business area.

use super::{Area, Menu};
use crate::{
    access::{Module, Permission},
    audit::AuditEntity,
};

/// 看板 and 年度盘点: figures and the review, computed from every area's
/// records. The 看板 is drawn over the org tree, so it needs reading the tree too.
pub const DASHBOARD: Area = Area {
    key: "review",
    label: "统计盘点",
    sheets: &[],
    menu: &[
        Menu {
            key: "dashboard",
            href: "/dashboard",
            label: "看板",
            needs: &[
                (Module::Review, Permission::Read),
                (Module::Org, Permission::Read),
            ],
        },
        Menu {
            key: "review",
            href: "/review",
            label: "年度盘点",
            needs: &[(Module::Review, Permission::Read)],
        },
    ],
    audit_entities: &[AuditEntity::ReviewOutline, AuditEntity::ReviewDraft],
    todos: &[],
    stats_section: None,
    exports: &[],
};

/// 台账导入导出: every area's sheets in and out.
pub const LEDGER: Area = Area {
    key: "ledger",
    label: "台账",
    sheets: &[],
    menu: &[Menu {
        key: "ledger",
        href: "/ledger",
        label: "台账导入导出",
        needs: &[(Module::Ledger, Permission::Write)],
    }],
    audit_entities: &[AuditEntity::Ledger, AuditEntity::LedgerExport],
    todos: &[],
    stats_section: None,
    exports: &[],
};

/// 账号管理: accounts, roles, scopes and API tokens.
pub const USERS: Area = Area {
    key: "users",
    label: "账号",
    sheets: &[],
    menu: &[Menu {
        key: "users",
        href: "/users",
        label: "账号管理",
        needs: &[(Module::Users, Permission::Admin)],
    }],
    audit_entities: &[AuditEntity::User, AuditEntity::ApiToken],
    todos: &[],
    stats_section: None,
    exports: &[],
};

/// 审计日志: the trail of changes and plaintext views.
pub const AUDIT: Area = Area {
    key: "audit",
    label: "审计",
    sheets: &[],
    menu: &[Menu {
        key: "audit",
        href: "/audit",
        label: "审计日志",
        needs: &[(Module::Audit, Permission::Read)],
    }],
    audit_entities: &[],
    todos: &[],
    stats_section: None,
    exports: &[],
};
