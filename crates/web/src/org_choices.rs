//! The org filter of list pages (人员, 账号, 年度总结, 公示, 首页): every org the
//! caller sees, as `<option>`s. A county's ~200 options were most of a people
//! search's page and of its time, formatted and escaped on every request, so
//! they are rendered once per scope and data version; a request only marks
//! the chosen one.

use std::{fmt, sync::Arc};

use askama::filters::{Escaper, Html};
use db::entity::org;
use domain::access::{Module, Permission};

use crate::{AppState, auth::CurrentUser, error::PageResult, form::org_options};

/// The options, labelled as the form pickers are ([`org_options`]).
#[derive(Debug, Default)]
pub struct OrgChoices {
    html: String,
    /// Each option's code and where its opening tag ends (where ` selected` goes).
    marks: Vec<(String, usize)>,
}

impl OrgChoices {
    pub fn new(orgs: &[org::Model]) -> Self {
        let mut html = String::new();
        let mut marks = Vec::with_capacity(orgs.len());
        for o in org_options(orgs) {
            html.push_str("<option value=\"");
            escape(&mut html, &o.code);
            html.push('"');
            marks.push((o.code, html.len()));
            html.push('>');
            escape(&mut html, &o.label);
            html.push_str("</option>");
        }
        OrgChoices { html, marks }
    }

    pub fn len(&self) -> usize {
        self.marks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// The options, `code`'s marked selected (none is if no option has it).
    /// Already escaped: templates write it with `|safe`.
    pub fn selecting<'a>(&'a self, code: &str) -> Selecting<'a> {
        let at = self
            .marks
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, at)| *at);
        Selecting {
            html: &self.html,
            at,
        }
    }
}

fn escape(out: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = Html.write_escaped_str(&mut *out, text);
}

/// [`OrgChoices::selecting`]'s result, written without copying the options.
pub struct Selecting<'a> {
    html: &'a str,
    at: Option<usize>,
}

impl fmt::Display for Selecting<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            None => f.write_str(self.html),
            Some(at) => {
                f.write_str(&self.html[..at])?;
                f.write_str(" selected")?;
                f.write_str(&self.html[at..])
            }
        }
    }
}

/// The filter's orgs: all the caller sees, or none when she has no org
/// permission (a rights officer reads people but not the org tree).
pub async fn visible_org_choices(
    state: &AppState,
    cu: &CurrentUser,
) -> PageResult<Arc<OrgChoices>> {
    // Checked before the cache, whose key is the scope, not the rights.
    if cu.ctx.require(Module::Org, Permission::Read).is_err() {
        return Ok(Arc::default());
    }
    let version = db::version::of(&state.db.read, &cu.ctx).await?;
    state
        .org_choices
        .get_or_compute(
            db::scope::key(&cu.ctx.scope),
            version,
            OrgChoices::len,
            async || {
                let orgs = db::org::all_visible_cached(&state.db, &cu.ctx).await?;
                PageResult::Ok(OrgChoices::new(&orgs))
            },
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(code: &str, name: &str, depth: i32) -> org::Model {
        org::Model {
            id: 0,
            code: code.into(),
            name: name.into(),
            kind: "village".into(),
            new_field_type: None,
            parent_id: None,
            path: String::new(),
            depth,
            founded_on: None,
            closed_on: None,
            search_text: String::new(),
            created_at: Default::default(),
            updated_at: Default::default(),
        }
    }

    #[test]
    fn options_are_indented_below_the_top_org_escaped_and_mark_only_the_chosen_one() {
        let choices = OrgChoices::new(&[
            org("420527101000", "茅坪镇妇联", 2),
            org("420527101201", "银杏沱村<妇联>", 3),
            org("420527101202", "杨家湾村\"妇联\"", 3),
        ]);

        let none = choices.selecting("").to_string();
        let chosen = choices.selecting("420527101201").to_string();

        assert_eq!(
            none,
            "<option value=\"420527101000\">茅坪镇妇联</option>\
             <option value=\"420527101201\">　银杏沱村&#60;妇联&#62;</option>\
             <option value=\"420527101202\">　杨家湾村&#34;妇联&#34;</option>"
        );
        assert_eq!(
            chosen,
            none.replace(
                "<option value=\"420527101201\">",
                "<option value=\"420527101201\" selected>"
            )
        );
        assert_eq!(choices.selecting("420527").to_string(), none);
    }
}
