//! Tests for roles, grants and scopes.

use super::*;

fn scope(view: &[&str], capture: &[&str]) -> Scope {
    Scope {
        user_id: Some(7),
        username: "maoping".into(),
        grants: Role::TownshipChair.default_grants(),
        view_roots: view.iter().map(|s| s.to_string()).collect(),
        capture_roots: capture.iter().map(|s| s.to_string()).collect(),
        operator: false,
    }
}

#[test]
fn grants_round_trip_through_sorted_text() {
    let mut g = Grants::default();
    g.grant(Module::Org, Permission::Write);
    g.grant(Module::Org, Permission::Read);
    g.grant(Module::Care, Permission::Export);
    assert_eq!(g.to_text(), "care:export,org:read,org:write");
    assert_eq!(Grants::from_text(&g.to_text()), g);
}

#[test]
fn unknown_grant_tokens_are_ignored_and_wildcards_expand() {
    let g = Grants::from_text("org:read, spaceship:fly, org:teleport,relief:*");
    assert!(g.allows(Module::Org, Permission::Read));
    assert!(g.allows(Module::Relief, Permission::Sensitive));
    assert_eq!(g.pairs().len(), 1 + Permission::ALL.len());
    assert_eq!(Grants::from_text("*"), Grants::all());
    assert!(Grants::from_text("").is_empty());
}

#[test]
fn union_and_revoke_combine_sets() {
    let a = Grants::from_text("org:read");
    let b = Grants::from_text("people:read");
    let mut u = a.union(&b);
    assert!(u.allows(Module::Org, Permission::Read) && u.allows(Module::People, Permission::Read));
    u.revoke(Module::Org, Permission::Read);
    assert_eq!(u, b);
}

#[test]
fn only_admin_and_rights_officer_see_sensitive_people_data() {
    let sensitive: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|r| {
            r.default_grants()
                .allows(Module::People, Permission::Sensitive)
        })
        .collect();
    assert_eq!(sensitive, vec![Role::CountyAdmin, Role::RightsOfficer]);
}

#[test]
fn township_chair_cannot_reach_rights_audit_or_accounts() {
    let g = Role::TownshipChair.default_grants();
    assert!(g.allows(Module::Relief, Permission::Write));
    assert!(g.allows(Module::Ledger, Permission::Export));
    for m in [Module::Rights, Module::Audit, Module::Users] {
        assert!(!g.allows(m, Permission::Read), "{m}");
    }
    assert!(!g.allows(Module::Relief, Permission::Approve));
}

#[test]
fn role_defaults_match_their_duties() {
    assert!(
        Role::NewFieldLead
            .default_grants()
            .allows(Module::Economy, Permission::Write)
    );
    assert!(
        !Role::VillageChair
            .default_grants()
            .allows(Module::Economy, Permission::Read)
    );
    assert_eq!(
        Role::Judge.default_grants().to_text(),
        "honour:approve,honour:read"
    );
    assert!(
        Role::Auditor
            .default_grants()
            .allows(Module::Rights, Permission::Read)
    );
    assert!(
        !Role::Auditor
            .default_grants()
            .allows(Module::Rights, Permission::Write)
    );
    assert!(
        !Role::CountyStaff
            .default_grants()
            .allows(Module::Users, Permission::Read)
    );
    assert!(
        Role::UpperViewer
            .default_grants()
            .allows(Module::Review, Permission::Export)
    );
}

#[test]
fn view_roots_cover_their_subtree_only() {
    let s = scope(&["/1/5/"], &[]);
    assert!(s.can_view_path("/1/5/"));
    assert!(s.can_view_path("/1/5/23/"));
    assert!(!s.can_view_path("/1/52/"));
    assert!(!s.can_view_path("/1/"));
    assert!(!s.can_capture_path("/1/5/23/"));
}

#[test]
fn capture_roots_also_grant_viewing() {
    let s = scope(&[], &["/1/5"]);
    assert!(s.can_capture_path("/1/5/23/"));
    assert!(s.can_view_path("/1/5/23/"));
    assert!(!s.can_capture_path("/1/6/"));
}

#[test]
fn empty_root_grants_nothing() {
    let s = scope(&[""], &["/"]);
    assert!(!s.can_view_path("/1/"));
}

#[test]
fn operator_reaches_everything() {
    let op = Scope::operator();
    assert!(op.can_capture_path("/9/9/9/"));
    assert!(op.allows(Module::Users, Permission::Admin));
    assert_eq!(op.user_id, None);
    assert_eq!(op.username, "operator");
}

#[test]
fn exact_people_search_is_for_staff_chairs_of_townships_and_rights_officers() {
    let search: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|r| {
            r.default_grants()
                .allows(Module::People, Permission::Search)
        })
        .collect();
    assert_eq!(
        search,
        vec![
            Role::CountyAdmin,
            Role::CountyStaff,
            Role::TownshipChair,
            Role::RightsOfficer
        ]
    );
}

#[test]
fn deleting_anyones_activity_at_any_age_is_the_county_admins_alone() {
    // The record life (domain::life): 管理 on a module deletes any record of
    // it; everyone else who records deletes only her own, within 24 hours.
    let admins: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|r| {
            r.default_grants()
                .allows(Module::Activity, Permission::Admin)
        })
        .collect();
    assert_eq!(admins, vec![Role::CountyAdmin]);
    let recorders: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|r| {
            r.default_grants()
                .allows(Module::Activity, Permission::Write)
        })
        .collect();
    assert_eq!(
        recorders,
        vec![
            Role::CountyAdmin,
            Role::CountyStaff,
            Role::TownshipChair,
            Role::VillageChair,
            Role::NewFieldLead
        ]
    );
}
