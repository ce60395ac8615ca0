//! What the audit trail names: the actions and the kinds of record, each with
//! its Chinese label in one table. The stored codes are the trail's contract
//! (old rows keep them), so a variant's code never changes; a new area adds
//! its variants here, and the audit page shows every row by its label.

crate::labelled_enum! {
    /// What was done.
    pub enum AuditAction {
        Create("create", "新建"),
        Update("update", "修改"),
        Delete("delete", "删除"),
        Cancel("cancel", "取消"),
        Restore("restore", "恢复"),
        Close("close", "撤销"),
        Move("move", "调整上级"),
        Import("import", "导入"),
        Export("export", "导出"),
        AddMember("add_member", "添加家庭成员"),
        Login("login", "登录"),
        LoginFailed("login_failed", "登录失败"),
        LoginThrottled("login_throttled", "登录暂缓（失败过多）"),
        Revoke("revoke", "吊销"),
        AddAttendee("add_attendee", "登记参与人员"),
        UpdateAttendee("update_attendee", "修改参与人员"),
        AddPhoto("add_photo", "添加照片"),
        RemovePhoto("remove_photo", "删除照片"),
        SetCover("set_cover", "设置封面"),
        ReorderPhotos("reorder_photos", "调整照片顺序"),
        SaveReviewDraft("save_review_draft", "保存盘点稿"),
        SaveReviewOutline("save_review_outline", "保存盘点提纲"),
        Fill("fill", "填报"),
        Review("review", "审核"),
        ChangePassword("change_password", "修改密码"),
        ResetPassword("reset_password", "重置密码"),
        Lock("lock", "停用账号"),
        Unlock("unlock", "启用账号"),
        Submit("submit", "提交"),
        Approve("approve", "审批通过"),
        Reject("reject", "退回"),
    }
}

crate::labelled_enum! {
    /// The kind of record a change or a plaintext view concerns.
    pub enum AuditEntity {
        Person("person", "人员"),
        Household("household", "家庭户"),
        User("user", "账号"),
        Org("org", "组织"),
        Venue("venue", "阵地"),
        Officer("officer", "妇联干部"),
        Survey("survey", "调研"),
        ApiToken("api_token", "API令牌"),
        /// A person-level ledger export (the access log's entry for it).
        LedgerExport("ledger_export", "台账导出"),
        Ledger("ledger", "台账"),
        Activity("activity", "活动"),
        PublicityItem("publicity_item", "宣传"),
        Work("work", "作品"),
        Programme("programme", "品牌项目"),
        ChecklistEntry("checklist_entry", "规范化建设填报"),
        ChecklistItem("checklist_item", "规范化建设项目"),
        ReviewOutline("review_outline", "盘点提纲"),
        ReviewDraft("review_draft", "盘点稿"),
    }
}

impl AuditAction {
    /// A sign-in, or a failed or throttled one: it changes no record, so it
    /// leaves the data version (and every cached figure) alone.
    pub fn is_sign_in(self) -> bool {
        matches!(
            self,
            AuditAction::Login | AuditAction::LoginFailed | AuditAction::LoginThrottled
        )
    }
}

/// The label of a stored action code; a code no variant holds (a row written
/// by a newer version) is shown as it is rather than hidden.
pub fn action_label(code: &str) -> String {
    AuditAction::from_code(code).map_or_else(|| code.to_string(), |a| a.label().to_string())
}

/// The label of a stored entity code (as [`action_label`]).
pub fn entity_label(code: &str) -> String {
    AuditEntity::from_code(code).map_or_else(|| code.to_string(), |e| e.label().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_action_and_entity_has_its_own_chinese_label_and_code() {
        let mut labels = HashSet::new();
        let mut codes = HashSet::new();
        for a in AuditAction::ALL {
            assert!(
                a.label().chars().any(|c| c > '\u{2E80}'),
                "{a:?} has no Chinese label"
            );
            assert!(labels.insert(a.label()), "label of {a:?} repeated");
            assert!(codes.insert(a.code()), "code of {a:?} repeated");
            assert_eq!(AuditAction::from_code(a.code()), Some(*a));
        }
        let (mut labels, mut codes) = (HashSet::new(), HashSet::new());
        for e in AuditEntity::ALL {
            assert!(
                e.label().chars().any(|c| c > '\u{2E80}'),
                "{e:?} has no Chinese label"
            );
            assert!(labels.insert(e.label()), "label of {e:?} repeated");
            assert!(codes.insert(e.code()), "code of {e:?} repeated");
        }
    }

    #[test]
    fn a_stored_code_reads_as_its_label_and_an_unknown_one_as_itself() {
        assert_eq!(action_label("set_cover"), "设置封面");
        assert_eq!(entity_label("publicity_item"), "宣传");
        assert_eq!(action_label("from_a_newer_version"), "from_a_newer_version");
    }
}
