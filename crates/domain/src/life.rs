//! The standard life of a record in every area (issue 20, "the area kit"):
//! 取消 keeps the record with a reason and leaves it out of the statistics
//! until it is restored (恢复); 删除 removes it for good, and only its author
//! within [`DELETE_WINDOW`] of recording it, or an admin, may do that. The
//! rules here are pure; `db::life` applies them with audit rows.

use chrono::{DateTime, Duration, Utc};

/// How long after recording a record its author may still delete it herself
/// (a mistaken entry, a duplicate). Afterwards the record may already have
/// been counted, printed or reported upward: only an admin deletes it, and
/// anyone who records for it can still cancel it with a reason.
pub const DELETE_WINDOW: Duration = Duration::hours(24);

/// The longest 取消原因, in characters: a sentence or two, like a note in a
/// paper ledger's margin.
pub const MAX_REASON: usize = 200;

/// The 取消原因 as it will be stored: trimmed, required, at most
/// [`MAX_REASON`] characters, plain text (no control characters; a line break
/// is folded into a space, the reason is shown on one line).
pub fn check_reason(reason: &str) -> Result<String, String> {
    let folded: String = reason
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if folded.is_empty() {
        return Err("请填写取消原因".into());
    }
    if folded.chars().count() > MAX_REASON {
        return Err(format!("取消原因不能超过{MAX_REASON}个字"));
    }
    crate::text::check_plain(&folded).map_err(|m| format!("取消原因{m}"))?;
    Ok(folded)
}

/// Why a caller may delete a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteRight {
    /// She holds the area's 管理 permission (the county admin by default):
    /// any record she records for, at any age.
    Admin,
    /// She recorded it herself less than [`DELETE_WINDOW`] ago.
    Author,
}

/// Who recorded a record and when (from its `create` audit row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorship {
    /// The account; None when the server's operator recorded it (CLI import).
    pub user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// Whether a caller (`user_id`, and whether she holds the area's 管理
/// permission) may delete a record recorded as `author` (None: unknown, e.g.
/// recorded before the audit trail), at `now`. The refusal is the message
/// shown to her.
pub fn may_delete(
    is_admin: bool,
    user_id: Option<i64>,
    author: Option<Authorship>,
    now: DateTime<Utc>,
) -> Result<DeleteRight, String> {
    if is_admin {
        return Ok(DeleteRight::Admin);
    }
    let hours = DELETE_WINDOW.num_hours();
    match author {
        Some(a) if user_id.is_some() && a.user_id == user_id => {
            if now - a.at < DELETE_WINDOW {
                Ok(DeleteRight::Author)
            } else {
                Err(format!(
                    "登记已超过{hours}小时，不能再删除；如确需删除请联系县妇联管理员，或改为「取消」并填写原因"
                ))
            }
        }
        _ => Err(format!(
            "只有登记人可在登记后{hours}小时内删除，其他情况请联系县妇联管理员"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_600_000_000, 0).unwrap() + Duration::hours(h)
    }

    fn by(user: i64) -> Option<Authorship> {
        Some(Authorship {
            user_id: Some(user),
            at: at(0),
        })
    }

    #[test]
    fn the_author_deletes_within_24_hours_and_not_after() {
        assert_eq!(
            may_delete(false, Some(7), by(7), at(23)),
            Ok(DeleteRight::Author)
        );
        let late = may_delete(false, Some(7), by(7), at(24)).unwrap_err();
        assert!(late.contains("超过24小时"), "{late}");
    }

    #[test]
    fn someone_else_needs_to_be_an_admin_at_any_age() {
        assert!(may_delete(false, Some(8), by(7), at(1)).is_err());
        assert_eq!(
            may_delete(true, Some(8), by(7), at(1000)),
            Ok(DeleteRight::Admin)
        );
        // An unknown author, or the operator's record, is an admin's to delete.
        assert!(may_delete(false, Some(7), None, at(1)).is_err());
        let op = Some(Authorship {
            user_id: None,
            at: at(0),
        });
        assert!(may_delete(false, None, op, at(1)).is_err());
    }

    #[test]
    fn a_reason_is_required_bounded_and_kept_on_one_line() {
        assert_eq!(check_reason("  \n ").unwrap_err(), "请填写取消原因");
        assert_eq!(
            check_reason(" 因暴雨\r\n改期 ").unwrap(),
            "因暴雨 改期".to_string()
        );
        assert!(check_reason(&"雨".repeat(MAX_REASON)).is_ok());
        assert!(
            check_reason(&"雨".repeat(MAX_REASON + 1))
                .unwrap_err()
                .contains("200")
        );
        assert!(
            check_reason("因\u{7}雨")
                .unwrap_err()
                .starts_with("取消原因")
        );
    }
}
