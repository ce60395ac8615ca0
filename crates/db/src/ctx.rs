//! Who is asking: the caller's scope plus where the request came from.

use domain::access::{Module, Permission, Scope};

use crate::DbError;

#[derive(Clone, Debug)]
pub struct Ctx {
    pub scope: Scope,
    pub ip: Option<String>,
    /// Audit rows written with this context leave the data version alone:
    /// a long transaction (an import) moves it once, just before it commits,
    /// instead of holding the version row's lock from its first row on.
    pub(crate) defer_version: bool,
    /// The data version read when the request was signed in (see
    /// [`crate::version::of`]); None: read it when needed.
    pub(crate) version: Option<i64>,
}

impl Ctx {
    pub fn new(scope: Scope, ip: Option<String>) -> Ctx {
        Ctx {
            scope,
            ip,
            defer_version: false,
            version: None,
        }
    }

    /// The same caller reading at data version `v` (a read-only request:
    /// one version read serves all its cached figures).
    pub fn at_version(mut self, v: i64) -> Ctx {
        self.version = Some(v);
        self
    }

    /// The machine's operator (CLI): full authority, like `psql` on the server.
    pub fn operator() -> Ctx {
        Ctx::new(Scope::operator(), None)
    }

    /// The same caller, with the version moved by the caller at commit.
    pub(crate) fn deferring_version(&self) -> Ctx {
        Ctx {
            defer_version: true,
            ..self.clone()
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
