//! One form page for every record form: a handler lists its fields (label,
//! control, value, hint) and the page lays them out the same way, with each
//! error next to its field, the user's input kept, and the rarely used
//! fields folded under 更多信息. New and edit pages of a record are the same
//! field list with different values.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

use db::{DbResult, sea_orm::DatabaseTransaction};
use domain::Invalid;

use crate::{AppState, error::PageResult, form::FormErrors, html::Layout};

/// The one write path of a record form, new or edit: the draft's check,
/// then the write in one transaction (`Db::write`); a refusal of either
/// comes back as the form's errors, each at its field, and a fault as an
/// error page.
pub async fn save<I, T>(
    state: &AppState,
    checked: Result<I, Invalid>,
    write: impl AsyncFnOnce(&DatabaseTransaction, I) -> DbResult<T>,
) -> PageResult<Result<T, FormErrors>> {
    let input = match checked {
        Ok(i) => i,
        Err(inv) => return Ok(Err(inv.into())),
    };
    match state.db.write(async |tx| write(tx, input).await).await {
        Ok(v) => Ok(Ok(v)),
        Err(e) => Ok(Err(FormErrors::from_db(e)?)),
    }
}

/// One `<option>`.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
}

impl Opt {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Opt {
        Opt {
            value: value.into(),
            label: label.into(),
        }
    }

    /// `(code, label)` options of a labelled enum, optionally led by an empty choice.
    pub fn of<T: Copy>(
        all: &[T],
        code: fn(T) -> &'static str,
        label: fn(T) -> &'static str,
        empty: Option<&str>,
    ) -> Vec<Opt> {
        empty
            .map(|e| Opt::new("", e))
            .into_iter()
            .chain(all.iter().map(|v| Opt::new(code(*v), label(*v))))
            .collect()
    }

    /// Orgs as options: `name（code）`.
    pub fn orgs(orgs: &[db::entity::org::Model]) -> Vec<Opt> {
        orgs.iter()
            .map(|o| Opt::new(&o.code, format!("{}（{}）", o.name, o.code)))
            .collect()
    }

    /// Orgs as options, indented by depth below the shallowest so the tree
    /// reads in a flat list.
    pub fn org_tree(orgs: &[db::entity::org::Model]) -> Vec<Opt> {
        let top = orgs.iter().map(|o| o.depth).min().unwrap_or(0);
        orgs.iter()
            .map(|o| {
                let indent = "　".repeat((o.depth - top).max(0) as usize);
                Opt::new(&o.code, format!("{indent}{}", o.name))
            })
            .collect()
    }
}

/// Repeated rows of a text box and a select, posted as two lists of the
/// same length (`names.0` and `names.1`, read in order).
#[derive(Debug, Clone)]
pub struct RowGroup {
    pub names: (&'static str, &'static str),
    pub labels: (&'static str, &'static str),
    pub placeholder: &'static str,
    pub options: Vec<Opt>,
    /// (text, choice) of each row, blank rows included.
    pub rows: Vec<(String, String)>,
}

impl RowGroup {
    /// `filled` rows, then `blank` empty ones to add more without script.
    pub fn new(
        names: (&'static str, &'static str),
        labels: (&'static str, &'static str),
        options: Vec<Opt>,
        filled: Vec<(String, String)>,
        blank: usize,
    ) -> RowGroup {
        let mut rows: Vec<(String, String)> =
            filled.into_iter().filter(|(t, _)| !t.is_empty()).collect();
        rows.extend(std::iter::repeat_n((String::new(), String::new()), blank));
        RowGroup {
            names,
            labels,
            placeholder: "",
            options,
            rows,
        }
    }

    pub fn placeholder(mut self, p: &'static str) -> RowGroup {
        self.placeholder = p;
        self
    }

    /// The rows a form posted: the n-th text with the n-th choice; rows
    /// with a blank text are dropped.
    pub fn read(&self, pairs: &[(String, String)]) -> Vec<(String, String)> {
        read_rows(self.names, pairs)
    }
}

/// The rows posted under `names` (see [`RowGroup::read`]).
pub fn read_rows(
    names: (&'static str, &'static str),
    pairs: &[(String, String)],
) -> Vec<(String, String)> {
    let texts = pairs
        .iter()
        .filter(|(k, _)| k == names.0)
        .map(|(_, v)| v.trim());
    let mut choices = pairs
        .iter()
        .filter(|(k, _)| k == names.1)
        .map(|(_, v)| v.trim());
    texts
        .map(|t| {
            (
                t.to_string(),
                choices.next().unwrap_or_default().to_string(),
            )
        })
        .filter(|(t, _)| !t.is_empty())
        .collect()
}

/// The control a field is shown with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Text,
    Date,
    Tel,
    /// A whole number: a text box with the phone's number pad.
    Count,
    Textarea,
    Select,
    /// Pictures from the camera or the album (`multiple` for several).
    Photos,
    /// A web address.
    Url,
    /// Repeated rows of a text and a choice (reposts: account and level),
    /// filled rows first, then blank ones.
    Rows,
    /// Several checkboxes under one name (a person's tags); the checked
    /// ones are `checked`.
    Checks,
    /// One checkbox (`value` "1" when checked).
    Check,
}

impl Control {
    /// The `type` of its `<input>`.
    pub fn input_type(self) -> &'static str {
        match self {
            Control::Date => "date",
            Control::Tel => "tel",
            Control::Photos => "file",
            Control::Url => "url",
            _ => "text",
        }
    }
}

/// One labelled control.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub control: Control,
    pub value: String,
    pub options: Vec<Opt>,
    /// Suggestions offered while typing (a `<datalist>`, value and label).
    pub suggestions: Vec<Opt>,
    /// The suggestions come from this address and are swapped in when
    /// another field changes ([`Field::reloads`]): the list is always drawn.
    pub suggestions_from: Option<String>,
    /// A select that, when changed, reloads the suggestions of the field
    /// named here (htmx GET of that field's `suggestions_from`).
    pub reloads: Option<(&'static str, String)>,
    /// For [`Control::Rows`]: the rows and how each is drawn.
    pub rows: Option<RowGroup>,
    /// For [`Control::Checks`]: the values checked among `options`.
    pub checked: Vec<String>,
    pub required: bool,
    pub hint: Option<String>,
    /// A link under the field: (href, text).
    pub link: Option<(String, String)>,
    pub placeholder: &'static str,
    pub max_chars: Option<u32>,
    pub autocomplete: &'static str,
    /// Shown under 更多信息, folded until an error or the page opens it.
    pub more: bool,
    /// Other error codes shown at this field (a field standing for two).
    pub also: &'static [&'static str],
    pub error: Option<String>,
}

impl Field {
    pub fn new(control: Control, name: &'static str, label: impl Into<String>) -> Field {
        Field {
            name,
            label: label.into(),
            control,
            value: String::new(),
            options: Vec::new(),
            suggestions: Vec::new(),
            suggestions_from: None,
            reloads: None,
            rows: None,
            checked: Vec::new(),
            required: false,
            hint: None,
            link: None,
            placeholder: "",
            max_chars: None,
            autocomplete: "off",
            more: false,
            also: &[],
            error: None,
        }
    }

    pub fn text(name: &'static str, label: impl Into<String>, value: &str) -> Field {
        Field::new(Control::Text, name, label).value(value)
    }

    pub fn date(name: &'static str, label: impl Into<String>, value: &str) -> Field {
        Field::new(Control::Date, name, label).value(value)
    }

    pub fn tel(name: &'static str, label: impl Into<String>, value: &str) -> Field {
        Field::new(Control::Tel, name, label).value(value)
    }

    pub fn count(name: &'static str, label: impl Into<String>, value: &str) -> Field {
        Field::new(Control::Count, name, label).value(value)
    }

    pub fn textarea(name: &'static str, label: impl Into<String>, value: &str) -> Field {
        Field::new(Control::Textarea, name, label).value(value)
    }

    pub fn select(
        name: &'static str,
        label: impl Into<String>,
        value: &str,
        options: Vec<Opt>,
    ) -> Field {
        Field {
            options,
            ..Field::new(Control::Select, name, label).value(value)
        }
    }

    pub fn photos(name: &'static str, label: impl Into<String>) -> Field {
        Field::new(Control::Photos, name, label)
    }

    pub fn value(mut self, v: &str) -> Field {
        self.value = v.to_string();
        self
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = Some(hint.into());
        self
    }

    pub fn link(mut self, href: impl Into<String>, text: impl Into<String>) -> Field {
        self.link = Some((href.into(), text.into()));
        self
    }

    pub fn placeholder(mut self, p: &'static str) -> Field {
        self.placeholder = p;
        self
    }

    pub fn max_chars(mut self, n: u32) -> Field {
        self.max_chars = Some(n);
        self
    }

    pub fn autocomplete(mut self, v: &'static str) -> Field {
        self.autocomplete = v;
        self
    }

    pub fn url(name: &'static str, label: impl Into<String>, value: &str) -> Field {
        Field::new(Control::Url, name, label).value(value)
    }

    /// Checkboxes of `options` under one name, those in `checked` ticked.
    pub fn checks(
        name: &'static str,
        label: impl Into<String>,
        options: Vec<Opt>,
        checked: Vec<String>,
    ) -> Field {
        Field {
            options,
            checked,
            ..Field::new(Control::Checks, name, label)
        }
    }

    /// One checkbox.
    pub fn check(name: &'static str, label: impl Into<String>, on: bool) -> Field {
        Field::new(Control::Check, name, label).value(if on { "1" } else { "" })
    }

    /// Whether checkbox `value` is ticked ([`Control::Checks`]).
    pub fn is_checked(&self, value: &str) -> bool {
        self.checked.iter().any(|c| c == value)
    }

    /// A group of repeated rows (see [`RowGroup`]).
    pub fn rows(name: &'static str, label: impl Into<String>, group: RowGroup) -> Field {
        Field {
            rows: Some(group),
            ..Field::new(Control::Rows, name, label)
        }
    }

    pub fn suggest(mut self, values: Vec<String>) -> Field {
        self.suggestions = values.into_iter().map(|v| Opt::new(v, "")).collect();
        self
    }

    /// Suggestions with a label each (an activity's code and what it was),
    /// reloaded from `from` when the field named by a [`Field::reloads`]
    /// changes.
    pub fn suggest_from(mut self, options: Vec<Opt>, from: impl Into<String>) -> Field {
        self.suggestions = options;
        self.suggestions_from = Some(from.into());
        self
    }

    /// On change, this select reloads the suggestions of field `target`
    /// from `href` (the select's value is sent under its name).
    pub fn reloads(mut self, target: &'static str, href: impl Into<String>) -> Field {
        self.reloads = Some((target, href.into()));
        self
    }

    /// The id of the `<datalist>` of this field's suggestions.
    pub fn list_id(&self) -> String {
        format!("{}-list", self.name)
    }

    pub fn more(mut self) -> Field {
        self.more = true;
        self
    }

    pub fn also(mut self, codes: &'static [&'static str]) -> Field {
        self.also = codes;
        self
    }
}

/// A form page.
#[derive(Template, WebTemplate)]
#[template(path = "kit/form.html")]
pub struct FormPage {
    pub layout: Layout,
    /// Breadcrumb links (href, text) above the heading; the heading ends it.
    pub crumbs: Vec<(String, String)>,
    pub heading: String,
    /// Short notes under the heading.
    pub notes: Vec<String>,
    /// Read-only facts shown above the fields (`dt`, `dd`).
    pub facts: Vec<(&'static str, String)>,
    pub action: String,
    pub fields: Vec<Field>,
    pub general: Option<String>,
    pub submit: &'static str,
    pub cancel: String,
    /// 更多信息 starts open (an edit page shows what is on file).
    pub more_open: bool,
    /// Prefix of the controls' ids (the org area's pages use `f-`, so a
    /// field named like a page element can't collide with it).
    pub prefix: &'static str,
}

impl FormPage {
    pub fn new(layout: Layout, heading: impl Into<String>, action: impl Into<String>) -> FormPage {
        FormPage {
            layout,
            crumbs: Vec::new(),
            heading: heading.into(),
            notes: Vec::new(),
            facts: Vec::new(),
            action: action.into(),
            fields: Vec::new(),
            general: None,
            submit: "保存",
            cancel: "/".into(),
            more_open: false,
            prefix: "",
        }
    }

    /// True when a field takes files: the form is sent as multipart.
    pub fn multipart(&self) -> bool {
        self.fields.iter().any(|f| f.control == Control::Photos)
    }

    pub fn main_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| !f.more)
    }

    pub fn more_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.more)
    }

    pub fn has_more(&self) -> bool {
        self.fields.iter().any(|f| f.more)
    }

    /// 更多信息 is open when the page asks or one of its fields has an error.
    pub fn open_more(&self) -> bool {
        self.more_open || self.more_fields().any(|f| f.error.is_some())
    }

    /// Attaches `errors` to their fields; an error for a field the form does
    /// not show goes above the form, so it is never lost.
    pub fn with_errors(mut self, errors: &FormErrors) -> FormPage {
        let mut shown = Vec::new();
        for f in &mut self.fields {
            let codes = std::iter::once(f.name).chain(f.also.iter().copied());
            for code in codes {
                if let Some(e) = errors.get(code) {
                    f.error.get_or_insert_with(|| e.to_string());
                    shown.push(code);
                }
            }
        }
        let mut general: Vec<String> = errors.general.iter().cloned().collect();
        general.extend(
            errors
                .iter()
                .filter(|(code, _)| !shown.contains(code))
                .map(|(_, m)| m.to_string()),
        );
        self.general = (!general.is_empty()).then(|| general.join("；"));
        self
    }

    /// 400 when the form carries errors, 200 otherwise.
    pub fn respond(self) -> Response {
        let bad = self.general.is_some() || self.fields.iter().any(|f| f.error.is_some());
        if bad {
            (StatusCode::BAD_REQUEST, self).into_response()
        } else {
            self.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(fields: Vec<Field>) -> FormPage {
        FormPage {
            fields,
            ..FormPage::new(Layout::bare("t"), "表单", "/x")
        }
    }

    #[test]
    fn an_error_goes_to_its_field_or_above_the_form_when_no_field_shows_it() {
        let mut errors = FormErrors::default();
        errors.set("name", "活动名称不能为空");
        errors.set("owner", "品牌项目不属于该组织");
        errors.set("code", "活动编号已存在");
        let p = page(vec![
            Field::text("name", "活动名称", ""),
            Field::text("programme", "品牌项目", "").also(&["owner"]),
        ])
        .with_errors(&errors);
        assert_eq!(p.fields[0].error.as_deref(), Some("活动名称不能为空"));
        assert_eq!(p.fields[1].error.as_deref(), Some("品牌项目不属于该组织"));
        assert_eq!(p.general.as_deref(), Some("活动编号已存在"));
    }

    #[test]
    fn the_folded_fields_open_when_one_of_them_is_wrong_and_photos_make_it_multipart() {
        let mut errors = FormErrors::default();
        errors.set("end_date", "结束日期不能早于开始日期");
        let p = page(vec![
            Field::text("name", "活动名称", "a"),
            Field::date("end_date", "结束日期", "").more(),
        ]);
        assert!(!p.open_more());
        assert!(!p.multipart());
        let p = p.with_errors(&errors);
        assert!(p.open_more());
        let html = page(vec![Field::photos("photos", "照片")])
            .render()
            .unwrap();
        assert!(html.contains(r#"enctype="multipart/form-data""#), "{html}");
    }
}
