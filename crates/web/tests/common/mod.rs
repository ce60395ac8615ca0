//! HTTP test harness: the whole app in-process on a fresh database (SQLite temp
//! file, or PostgreSQL when TEST_DATABASE_URL is set), driven through the real
//! router with real cookies. Fixtures come from `db::testing`.
#![allow(dead_code)]

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use db::testing::TestDb;
use domain::access::Role;
use tower::ServiceExt;

#[allow(unused_imports)]
pub use db::testing::{
    COUNTY, GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2,
};

pub const ORIGIN: &str = "http://jinguo.test";
pub const HOST: &str = "jinguo.test";

pub struct TestApp {
    pub t: TestDb,
    pub router: Router,
    /// The state behind `router` (its import line, its data folder).
    pub state: web::AppState,
    _dir: tempfile::TempDir,
}

/// A response read to the end.
pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Res {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The session cookie set by this response, as `name=value`.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("jinguo_session=") && !v.contains("Max-Age=0"))
            .map(|v| v.split(';').next().unwrap_or_default().to_string())
    }
}

impl TestApp {
    /// The app on a fresh database holding the fixture county.
    pub async fn with_county() -> TestApp {
        Self::with_county_configured(false, web::security::Settings::default()).await
    }

    /// [`with_county`](Self::with_county) behind a proxy (`--trust-proxy`)
    /// or not, with these session, throttle and proxy settings.
    pub async fn with_county_configured(
        trust_proxy: bool,
        security: web::security::Settings,
    ) -> TestApp {
        let t = TestDb::new().await;
        db::testing::county(&t.db).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let state = web::AppState::new(
            t.db.clone(),
            web::Config {
                data_dir: dir.path().to_path_buf(),
                trust_proxy,
            },
        )
        .with_security(security);
        let router = web::router(state.clone());
        TestApp {
            t,
            router,
            state,
            _dir: dir,
        }
    }

    pub fn db(&self) -> &db::Db {
        &self.t.db
    }

    /// The server's data directory (`--data`: photo files live here).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
            .await
            .expect("body")
            .to_vec();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    fn base(method: &str, path: &str, cookie: Option<&str>) -> axum::http::request::Builder {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        b
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Res {
        self.send(
            Self::base("GET", path, cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    /// A same-origin form POST, as a browser sends it.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Res {
        let body = serde_urlencoded::to_string(form).expect("form");
        self.send(
            Self::base("POST", path, cookie)
                .header(header::ORIGIN, ORIGIN)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// A same-origin JSON request with the session cookie.
    pub async fn json(
        &self,
        method: &str,
        path: &str,
        body: serde_json::Value,
        cookie: Option<&str>,
    ) -> Res {
        self.send(
            Self::base(method, path, cookie)
                .header(header::ORIGIN, ORIGIN)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    /// An API call with a bearer token (no cookie, no Origin: other systems).
    pub async fn bearer(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> Res {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).expect("request")).await
    }

    /// Creates a user (no forced password change) and signs her in; returns the cookie.
    pub async fn login_as(&self, username: &str, role: Role, root: &str) -> String {
        let (u, pw) = db::testing::user(self.db(), username, role, root).await;
        self.login(&u, &pw).await
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let res = self
            .post_form(
                "/login",
                &[
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
                None,
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login failed: {}",
            res.body
        );
        res.session_cookie().expect("session cookie set")
    }
}
