//! The area descriptor: what each business area (and each platform page) of
//! jinguo declares in one place — its ledger sheets, menu entries and the
//! rights they need, audit entities, to-do items and statistics section.
//!
//! Every layer picks areas up from [`AREAS`]: the side navigation is built
//! from the menus, the home page lists the declared to-dos, and tests check
//! that every declared
//! sheet has a contract spec, an importer and an exporter, that every audit
//! entity belongs to one area, that every statistics section is in the
//! statistics document, and that every menu entry answers each role as its
//! rights say (the authorization matrix). Adding an area is its own folders
//! plus one line in [`AREAS`] and one registration line per layer.

mod foundation;
mod platform;

use crate::{
    access::{Module, Permission},
    audit::AuditEntity,
};

pub use foundation::{ORG, PEOPLE};
pub use platform::{AUDIT, DASHBOARD, LEDGER, USERS};

/// One entry of the side navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Menu {
    /// Which page is active (`Layout::active`).
    pub key: &'static str,
    pub href: &'static str,
    pub label: &'static str,
    /// Shown to those holding every one of these rights (what the page needs).
    pub needs: &'static [(Module, Permission)],
}

impl Menu {
    /// True when `allows` grants everything the page needs.
    pub fn open_to(&self, allows: impl Fn(Module, Permission) -> bool) -> bool {
        self.needs.iter().all(|(m, p)| allows(*m, *p))
    }
}

/// A kind of pending work an area puts on its users' home page ("3 项计划中的
/// 活动已过日期"). The area's web layer counts it for the caller's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Todo {
    pub key: &'static str,
    /// "{n}{label}" reads as a sentence: 项计划中的活动已过日期，待补记.
    pub label: &'static str,
    /// Where the work is done (a filtered list).
    pub href: &'static str,
    /// Counted for those holding this right.
    pub module: Module,
    pub permission: Permission,
}

/// What an area declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub key: &'static str,
    pub label: &'static str,
    /// Its ledger sheets (contract names).
    pub sheets: &'static [&'static str],
    pub menu: &'static [Menu],
    pub audit_entities: &'static [AuditEntity],
    pub todos: &'static [Todo],
    /// Its section of the statistics document (`organizations`, `activities` …).
    pub stats_section: Option<&'static str>,
    /// Its lists' 导出Excel (the record life): each answers only those
    /// holding its rights (a test holds every role to them).
    pub exports: &'static [Menu],
}

/// Every area, in menu order. (Sheets import in the contract's order, which
/// puts each after those its rows refer to.)
pub const AREAS: &[&Area] = &[
    &ORG,
    &crate::activity::AREA,
    &crate::publicity::AREA,
    &PEOPLE,
    &DASHBOARD,
    &LEDGER,
    &USERS,
    &AUDIT,
];

/// Every declared sheet, area by area.
pub fn sheets() -> impl Iterator<Item = &'static str> {
    AREAS.iter().flat_map(|a| a.sheets.iter().copied())
}

/// Every declared list export.
pub fn exports() -> impl Iterator<Item = &'static Menu> {
    AREAS.iter().flat_map(|a| a.exports.iter())
}

/// Every menu entry, in menu order.
pub fn menus() -> impl Iterator<Item = &'static Menu> {
    AREAS.iter().flat_map(|a| a.menu.iter())
}

/// Every to-do, in menu order.
pub fn todos() -> impl Iterator<Item = &'static Todo> {
    AREAS.iter().flat_map(|a| a.todos.iter())
}

/// The area an audit entity belongs to.
pub fn of_entity(e: AuditEntity) -> Option<&'static Area> {
    AREAS
        .iter()
        .copied()
        .find(|a| a.audit_entities.contains(&e))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_audit_entity_belongs_to_exactly_one_area() {
        for e in AuditEntity::ALL {
            let n = AREAS
                .iter()
                .filter(|a| a.audit_entities.contains(e))
                .count();
            assert_eq!(n, 1, "{e:?} is declared by {n} areas");
        }
    }

    #[test]
    fn keys_sheets_menus_and_todos_are_declared_once() {
        let mut keys = HashSet::new();
        for a in AREAS {
            assert!(keys.insert(a.key), "area {} twice", a.key);
        }
        let mut sheets = HashSet::new();
        for s in super::sheets() {
            assert!(sheets.insert(s), "sheet {s} declared twice");
        }
        let mut hrefs = HashSet::new();
        for m in menus() {
            assert!(hrefs.insert(m.href), "menu {} twice", m.href);
        }
        let mut todos = HashSet::new();
        for t in super::todos() {
            assert!(todos.insert(t.key), "to-do {} twice", t.key);
        }
    }
}
