//! Who is asking: the caller's scope plus where the request came from.

use domain::access::{Module, Permission, Scope};

use crate::DbError;

#[derive(Clone, Debug)]
pub struct Ctx {
    pub scope: Scope,
    pub ip: Option<String>,
}

impl Ctx {
    /// The machine's operator (CLI): full authority, like `psql` on the server.
    pub fn operator() -> Ctx {
        Ctx {
            scope: Scope::operator(),
            ip: None,
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        self.scope.user_id
    }

    pub fn actor_name(&self) -> &str {
        &self.scope.username
    }

    /// Fails with a Chinese message naming the module and permission.
    pub fn require(&self, module: Module, perm: Permission) -> Result<(), DbError> {
        if self.scope.allows(module, perm) {
            Ok(())
        } else {
            Err(DbError::forbidden(format!(
                "没有「{}」模块的「{}」权限",
                module.label(),
                perm.label()
            )))
        }
    }
}
