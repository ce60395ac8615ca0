//! The real server on a real socket (127.0.0.1, a free port) over a fresh
//! test database, plus the data the journeys start from: users, activities,
//! photos on disk, and the demo ledger as an Excel workbook.

use std::{net::SocketAddr, path::PathBuf};

use db::{
    Ctx,
    account::{self, NewUser},
    testing::TestDb,
};
use domain::access::Role;
use ledger::{Cell, OutCell, WorkbookWriter};

pub struct Server {
    pub base: String,
    pub t: TestDb,
    _data: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start(t: TestDb) -> Server {
        let data = tempfile::tempdir().expect("data dir");
        let state = web::AppState::new(
            t.db.clone(),
            web::Config {
                data_dir: data.path().to_path_buf(),
                trust_proxy: false,
            },
        );
        let app = web::router(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("address");
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        Server {
            base: format!("http://{addr}"),
            t,
            _data: data,
            task,
        }
    }

    pub fn db(&self) -> &db::Db {
        &self.t.db
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An account as the county admin hands it out: her first login must change
/// the password.
pub async fn new_account(
    db: &db::Db,
    username: &str,
    name: &str,
    role: Role,
    root: &str,
    password: &str,
) {
    db.write(async |tx| {
        account::create_user(
            tx,
            &Ctx::operator(),
            &NewUser {
                username: username.into(),
                display_name: name.into(),
                role,
                password: Some(password.into()),
                view_roots: vec![root.into()],
                capture_roots: vec![root.into()],
            },
        )
        .await
    })
    .await
    .unwrap_or_else(|e| panic!("account {username}: {e}"));
}

/// Two photos as a phone camera would hand them over (PNG, different content).
pub fn photos(dir: &std::path::Path) -> Vec<PathBuf> {
    (0..2u8)
        .map(|n| {
            let img = image::RgbImage::from_fn(640, 480, |x, y| {
                image::Rgb([(x / 3) as u8, (y / 2) as u8, 90 + 80 * n])
            });
            let p = dir.join(format!("现场{}.png", n + 1));
            img.save(&p).expect("write photo");
            p
        })
        .collect()
}

/// The demo ledger (demo/ledger/*.csv) as one Excel workbook, every cell
/// text, in the contract's order. `edit` may change cells before writing:
/// (sheet, data row index, column name) → new text.
pub fn demo_workbook(edit: Option<(&str, usize, &str, &str)>) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/ledger");
    let mut w = WorkbookWriter::new();
    for name in [
        "组织",
        "阵地",
        "人员",
        "干部",
        "调研",
        "活动",
        "参与人员",
        "作品",
        "宣传",
    ] {
        let file = format!("{name}.csv");
        let bytes = std::fs::read(dir.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let wb = ledger::read_bytes(&file, &bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        let sheet = &wb.sheets[0];
        let mut rows: Vec<Vec<OutCell>> = sheet
            .rows
            .iter()
            .map(|r| {
                (0..sheet.headers.len())
                    .map(|i| match r.cells.get(i) {
                        Some(c @ Cell::Text(_)) => OutCell::Text(c.as_text().unwrap_or_default()),
                        _ => OutCell::Empty,
                    })
                    .collect()
            })
            .collect();
        if let Some((s, row, col, text)) = edit
            && s == name
        {
            let i = sheet
                .headers
                .iter()
                .position(|h| h == col)
                .unwrap_or_else(|| panic!("{name} has no column {col}"));
            rows[row][i] = OutCell::Text(text.into());
        }
        let headers: Vec<&str> = sheet.headers.iter().map(String::as_str).collect();
        w.add_sheet(name, &headers, &rows);
    }
    w.to_xlsx_bytes().expect("demo workbook")
}

/// The demo ledger imported straight through the database (no browser): the
/// data journey 4 starts from. Its import through the page is journey 3's.
pub async fn import_demo_ledger(db: &db::Db) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/ledger");
    let wb = ledger::read_path(&dir).expect("demo ledger reads");
    let out = db::import::import_workbook(db, &Ctx::operator(), &wb, false)
        .await
        .expect("import the demo ledger");
    assert!(out.committed, "{:?}", out.report.errors.first());
}

/// A GET with the browser's session cookie, as a download manager would send
/// it: status, content type and body.
pub async fn get_with_cookie(url: &str, cookie: &str) -> (u16, String, Vec<u8>) {
    use axum::{body::Body, http::Request};
    use hyper_util::{client::legacy::Client, rt::TokioExecutor};
    let client = Client::builder(TokioExecutor::new()).build_http::<Body>();
    let req = Request::get(url)
        .header("cookie", cookie)
        .body(Body::empty())
        .expect("request");
    let res = client
        .request(req)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = res.status().as_u16();
    let mime = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = axum::body::to_bytes(Body::new(res.into_body()), 64 * 1024 * 1024)
        .await
        .unwrap_or_else(|e| panic!("body of {url}: {e}"));
    (status, mime, bytes.to_vec())
}
