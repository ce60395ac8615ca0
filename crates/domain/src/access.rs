//! Roles × modules × permissions, and the scope of a request (which part of
//! the organisation tree a user may see or record into).

use crate::labelled_enum;

labelled_enum! {
    /// A role assigned to an account; it implies a default set of grants.
    pub enum Role {
        /// 县妇联管理员
        CountyAdmin("county_admin", "县妇联管理员"),
        /// 县妇联工作人员
        CountyStaff("county_staff", "县妇联工作人员"),
        /// 乡镇妇联主席
        TownshipChair("township_chair", "乡镇妇联主席"),
        /// 村(社区)妇联主席
        VillageChair("village_chair", "村(社区)妇联主席"),
        /// 新领域妇联负责人
        NewFieldLead("new_field_lead", "新领域妇联负责人"),
        /// 维权专干
        RightsOfficer("rights_officer", "维权专干"),
        /// 评审员
        Judge("judge", "评审员"),
        /// 审计员
        Auditor("auditor", "审计员"),
        /// 上级查看
        UpperViewer("upper_viewer", "上级查看"),
    }
}

labelled_enum! {
    /// A functional area of the platform.
    pub enum Module {
        /// 组织
        Org("org", "组织"),
        /// 人员
        People("people", "人员"),
        /// 活动
        Activity("activity", "活动"),
        /// 宣传
        Publicity("publicity", "宣传"),
        /// 评选表彰
        Honour("honour", "评选表彰"),
        /// 救助
        Relief("relief", "救助"),
        /// 捐赠
        Donation("donation", "捐赠"),
        /// 关爱
        Care("care", "关爱"),
        /// 维权
        Rights("rights", "维权"),
        /// 创业就业
        Economy("economy", "创业就业"),
        /// 统计盘点
        Review("review", "统计盘点"),
        /// 台账
        Ledger("ledger", "台账"),
        /// 审计
        Audit("audit", "审计"),
        /// 账号
        Users("users", "账号"),
    }
}

labelled_enum! {
    /// What may be done inside a module.
    pub enum Permission {
        /// 查看
        Read("read", "查看"),
        /// 录入
        Write("write", "录入"),
        /// 审批
        Approve("approve", "审批"),
        /// 查看敏感信息 (plaintext ID numbers, phones, diagnoses; audited)
        Sensitive("sensitive", "查看敏感信息"),
        /// 导出
        Export("export", "导出"),
        /// 管理
        Admin("admin", "管理"),
        /// 精确检索: find a person by her exact 身份证号 or phone (logged and
        /// rate-limited; an answer tells whether the number is on file).
        Search("search", "精确检索"),
    }
}

// Bit layout: module index × 8 + permission index (14 × 8 = 112 < 128).
const PERMS_PER_MODULE: usize = 8;

/// A set of (module, permission) pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants(u128);

impl Grants {
    fn bit(m: Module, p: Permission) -> u128 {
        1u128 << (m as usize * PERMS_PER_MODULE + p as usize)
    }

    /// True when `p` is granted on `m`.
    pub fn allows(&self, m: Module, p: Permission) -> bool {
        self.0 & Self::bit(m, p) != 0
    }

    /// Adds `p` on `m`.
    pub fn grant(&mut self, m: Module, p: Permission) {
        self.0 |= Self::bit(m, p);
    }

    /// Removes `p` on `m`.
    pub fn revoke(&mut self, m: Module, p: Permission) {
        self.0 &= !Self::bit(m, p);
    }

    /// Every permission on every module.
    pub fn all() -> Grants {
        let mut g = Grants::default();
        for m in Module::ALL {
            g.grant_many(&[*m], Permission::ALL);
        }
        g
    }

    /// True when nothing is granted.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// Grants each of `perms` on each of `modules`.
    pub fn grant_many(&mut self, modules: &[Module], perms: &[Permission]) {
        for m in modules {
            for p in perms {
                self.grant(*m, *p);
            }
        }
    }

    /// The granted pairs, in module then permission declaration order.
    pub fn pairs(&self) -> Vec<(Module, Permission)> {
        Module::ALL
            .iter()
            .flat_map(|m| Permission::ALL.iter().map(move |p| (*m, *p)))
            .filter(|(m, p)| self.allows(*m, *p))
            .collect()
    }

    /// Text form for storage: `"org:read,org:write"`, tokens sorted.
    pub fn to_text(&self) -> String {
        let mut tokens: Vec<String> = self
            .pairs()
            .into_iter()
            .map(|(m, p)| format!("{}:{}", m.code(), p.code()))
            .collect();
        tokens.sort();
        tokens.join(",")
    }

    /// Parses [`Grants::to_text`] output. Unknown tokens are ignored (so old
    /// rows survive a module being renamed); `*` means everything and `org:*`
    /// every permission on one module.
    pub fn from_text(text: &str) -> Grants {
        let mut g = Grants::default();
        for token in text.split([',', ' ', '\n', ';']).map(str::trim) {
            if token == "*" {
                return Grants::all();
            }
            let Some((m, p)) = token.split_once(':') else {
                continue;
            };
            let Some(m) = Module::from_code(m.trim()) else {
                continue;
            };
            match p.trim() {
                "*" => g.grant_many(&[m], Permission::ALL),
                p => {
                    if let Some(p) = Permission::from_code(p) {
                        g.grant(m, p);
                    }
                }
            }
        }
        g
    }

    /// Pairs granted by either set.
    pub fn union(&self, other: &Grants) -> Grants {
        Grants(self.0 | other.0)
    }
}

impl Role {
    /// The grants a new account with this role starts with.
    pub fn default_grants(self) -> Grants {
        use Module::*;
        use Permission::*;
        // Modules holding the federation's day-to-day records.
        const BUSINESS: &[Module] = &[
            Org, People, Activity, Publicity, Honour, Relief, Donation, Care, Rights, Economy,
        ];
        let mut g = Grants::default();
        match self {
            Role::CountyAdmin => return Grants::all(),
            Role::CountyStaff => {
                // No Sensitive: plaintext personal data is for the admin and
                // the rights officer only (need-to-know).
                g.grant_many(BUSINESS, &[Read, Write, Approve, Export]);
                g.grant_many(&[Ledger, Review], &[Read, Write, Approve, Export]);
                g.grant(People, Search);
            }
            Role::TownshipChair => {
                let modules = [
                    Org, People, Activity, Publicity, Honour, Relief, Donation, Care, Economy,
                    Review, Ledger,
                ];
                g.grant_many(&modules, &[Read, Write, Export]);
                g.grant(People, Search);
            }
            Role::VillageChair | Role::NewFieldLead => {
                g.grant_many(
                    &[Org, People, Activity, Publicity, Care, Honour],
                    &[Read, Write],
                );
                g.grant(Review, Read);
                if self == Role::NewFieldLead {
                    g.grant_many(&[Economy], &[Read, Write]);
                }
            }
            Role::RightsOfficer => {
                g.grant_many(&[Rights], &[Read, Write, Approve, Sensitive]);
                g.grant_many(&[People], &[Read, Sensitive, Search]);
                g.grant(Review, Read);
            }
            Role::Judge => g.grant_many(&[Honour], &[Read, Approve]),
            Role::Auditor => g.grant_many(Module::ALL, &[Read]),
            Role::UpperViewer => {
                g.grant_many(&[Review], &[Read, Export]);
                g.grant_many(&[Org, Activity, Publicity], &[Read]);
            }
        }
        g
    }
}

/// Who is asking and what they may reach. Org paths are materialised paths
/// like `/1/5/23/` (ids of ancestors then self, each followed by `/`).
#[derive(Clone, Debug)]
pub struct Scope {
    /// The account, or None for the command-line operator.
    pub user_id: Option<i64>,
    /// Login name (for audit records).
    pub username: String,
    /// Module permissions.
    pub grants: Grants,
    /// Subtrees the user may read.
    pub view_roots: Vec<String>,
    /// Subtrees the user may record into (implies reading them).
    pub capture_roots: Vec<String>,
    /// Full authority (CLI operator on the server).
    pub operator: bool,
}

impl Scope {
    /// The command-line operator: full authority over everything.
    pub fn operator() -> Scope {
        Scope {
            user_id: None,
            username: "operator".into(),
            grants: Grants::all(),
            view_roots: Vec::new(),
            capture_roots: Vec::new(),
            operator: true,
        }
    }

    /// True when the org at `path` lies in a view or capture subtree.
    pub fn can_view_path(&self, path: &str) -> bool {
        self.operator
            || self
                .view_roots
                .iter()
                .chain(&self.capture_roots)
                .any(|root| path_under(path, root))
    }

    /// True when the user may record data for the org at `path`.
    pub fn can_capture_path(&self, path: &str) -> bool {
        self.operator || self.capture_roots.iter().any(|root| path_under(path, root))
    }

    /// True when the caller may see who people are: their names (and masked
    /// numbers) in rosters, officer lists, activity pages and exports. It
    /// takes `people:read`; without it a caller is aggregate-only, like the
    /// 上级查看 role, and sees counts, never a person's name.
    pub fn sees_person_names(&self) -> bool {
        self.allows(Module::People, Permission::Read)
    }

    /// True when the grants (or operator status) allow `p` on `m`.
    pub fn allows(&self, m: Module, p: Permission) -> bool {
        self.operator || self.grants.allows(m, p)
    }
}

/// Prefix test on materialised paths that cannot be fooled by `/1/5` vs
/// `/1/52/`, and never treats an empty root as "everything".
fn path_under(path: &str, root: &str) -> bool {
    let root = root.trim_end_matches('/');
    if root.is_empty() {
        return false;
    }
    path.strip_prefix(root)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests;
