//! The authorization matrix, read from the area descriptors: every menu entry
//! each area declares answers every role as the role's rights say — the page
//! for those who hold the entry's right, a refusal for the others — and shows
//! in that role's navigation exactly then. A new area's pages join the matrix
//! by being declared.

mod common;

use axum::http::StatusCode;
use common::{COUNTY, MAOPING, MAOPING_VILLAGE, TestApp};
use domain::access::Role;

fn root_of(r: Role) -> &'static str {
    match r {
        Role::TownshipChair => MAOPING,
        Role::VillageChair | Role::NewFieldLead => MAOPING_VILLAGE,
        _ => COUNTY,
    }
}

#[tokio::test]
async fn every_declared_page_answers_each_role_as_its_rights_say() {
    let app = TestApp::with_county().await;
    let mut checked = 0;
    for (i, role) in Role::ALL.iter().copied().enumerate() {
        let cookie = app
            .login_as(&format!("matrix{i}"), role, root_of(role))
            .await;
        let grants = role.default_grants();
        let home = app.get("/", Some(&cookie)).await;
        assert_eq!(home.status, StatusCode::OK);
        let nav = {
            let b = &home.body;
            let start = b.find("class=\"sidenav\"").expect("the navigation");
            let end = start + b[start..].find("</nav>").unwrap();
            b[start..end].to_string()
        };
        for m in domain::area::menus() {
            let allowed = m.open_to(|module, perm| grants.allows(module, perm));
            let mut res = app.get(m.href, Some(&cookie)).await;
            // A landing page may send her on to her own org's page.
            if res.status == StatusCode::SEE_OTHER
                && let Some(to) = res.location()
            {
                res = app.get(to, Some(&cookie)).await;
            }
            if allowed {
                assert_eq!(
                    res.status,
                    StatusCode::OK,
                    "{role:?} {}: {}",
                    m.href,
                    res.body
                );
            } else {
                assert!(
                    res.status == StatusCode::FORBIDDEN || res.status == StatusCode::NOT_FOUND,
                    "{role:?} reached {} ({})",
                    m.href,
                    res.status
                );
            }
            let link = format!("href=\"{}\"", m.href);
            assert_eq!(
                nav.contains(&link),
                allowed,
                "{role:?}: navigation entry {} shown = {}",
                m.href,
                !allowed
            );
            checked += 1;
        }
    }
    assert!(checked >= Role::ALL.len() * 10, "{checked} pairs");
}

#[tokio::test]
async fn every_declared_list_export_answers_each_role_as_its_rights_say() {
    let app = TestApp::with_county().await;
    let mut checked = 0;
    for (i, role) in Role::ALL.iter().copied().enumerate() {
        let cookie = app
            .login_as(&format!("export{i}"), role, root_of(role))
            .await;
        let grants = role.default_grants();
        for e in domain::area::exports() {
            let allowed = e.open_to(|module, perm| grants.allows(module, perm));
            let res = app.get(e.href, Some(&cookie)).await;
            if allowed {
                assert_eq!(
                    res.status,
                    StatusCode::OK,
                    "{role:?} {}: {}",
                    e.href,
                    res.body
                );
                assert!(
                    res.headers[axum::http::header::CONTENT_TYPE]
                        .to_str()
                        .unwrap()
                        .contains("spreadsheetml"),
                    "{role:?} {}: a workbook",
                    e.href
                );
            } else {
                assert!(
                    res.status == StatusCode::FORBIDDEN || res.status == StatusCode::NOT_FOUND,
                    "{role:?} exported {} ({})",
                    e.href,
                    res.status
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= Role::ALL.len() * 2, "{checked} pairs");
}
