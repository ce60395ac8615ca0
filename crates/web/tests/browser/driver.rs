//! chromedriver and the system chromium, driven through fantoccini.
//!
//! One chromedriver per test, started on a free port in its own process group
//! so that a failing test still takes chromium down with it (see [`Driver`]).
//! No downloaded browsers: Debian's `chromium` and `chromium-driver` only.

use std::{
    future::Future,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, wd::WebDriverCompatibleCommand};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Most conditions hold within milliseconds; this is the ceiling on a slow CI box.
pub const WAIT: Duration = Duration::from_secs(15);

/// Where chromedriver lives, or `None` when this machine has no browser and
/// the journey should be skipped. In CI (`CI=true`) a missing browser fails
/// the test instead: the journeys must never silently stop running there.
pub fn chromedriver_or_skip(test: &str) -> Option<PathBuf> {
    let driver =
        std::env::var_os("CHROMEDRIVER").map_or_else(|| PathBuf::from(CHROMEDRIVER), PathBuf::from);
    if driver.exists() && Path::new(CHROMIUM).exists() {
        return Some(driver);
    }
    // Asked to run (CI, or JINGUO_BROWSER=1 on a developer's machine): a
    // missing browser is a failure, never a pass.
    let set = |name: &str| std::env::var(name).is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !(set("CI") || set("JINGUO_BROWSER")),
        "browser journeys were asked to run, but {} or {CHROMIUM} is missing; .ci/run installs chromium and chromium-driver",
        driver.display()
    );
    println!(
        "SKIPPED browser journey {test}: {} not installed (apt-get install chromium chromium-driver)",
        driver.display()
    );
    None
}

/// Polls `cond` until it yields a value or `timeout` passes; panics naming
/// `what`. The only waiting the journeys do: no fixed sleeps.
pub async fn until<T, Fut>(what: &str, timeout: Duration, mut cond: impl FnMut() -> Fut) -> T
where
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = cond().await {
            return v;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A chromedriver process. Dropping it kills its whole process group, so the
/// chromium it started goes too even when a test panics before closing the
/// session.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Driver {
    pub async fn start(path: &Path) -> Driver {
        use std::os::unix::process::CommandExt;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", path.display()));
        let d = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        // Listening is not yet serving: a session asked for too early was
        // once dropped unanswered. WebDriver's /status says when it is ready.
        until("chromedriver to report ready", WAIT, || async {
            ready(port).then_some(())
        })
        .await;
        d
    }
}

/// Whether the WebDriver server on `port` answers /status with ready.
fn ready(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut conn) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
    let request =
        format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if conn.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    answer.replace(' ', "").contains("\"ready\":true")
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group id is chromedriver's pid (process_group(0) above).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The two devices the issue names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewport {
    /// 360×740, touch, WeChat's in-app browser on Android.
    Phone,
    /// 1366×768, an office PC.
    Desktop,
}

/// WeChat's built-in browser identifies itself with `MicroMessenger`.
const WECHAT_UA: &str = "Mozilla/5.0 (Linux; Android 12; V2105A Build/SP1A.210812.003; wv) \
AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 \
XWEB/5015 MMWEBSDK/20230303 MMWEBID/1234 MicroMessenger/8.0.34.2340(0x2800225B) WeChat/arm64 \
Weixin NetType/WIFI Language/zh_CN ABI/arm64";

impl Viewport {
    pub fn name(self) -> &'static str {
        match self {
            Viewport::Phone => "phone",
            Viewport::Desktop => "desktop",
        }
    }

    pub fn capabilities(self, profile: &Path) -> fantoccini::wd::Capabilities {
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--no-first-run".into(),
            // Without these Chromium opens background connections that this
            // sandbox refuses many at a time, slowing every page.
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--lang=zh-CN".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut chrome = json!({
            "binary": CHROMIUM,
            // Sends Accept-Language: zh-CN as the users' browsers do.
            "prefs": { "intl": { "accept_languages": "zh-CN,zh" } },
        });
        match self {
            Viewport::Desktop => args.push("--window-size=1366,768".into()),
            Viewport::Phone => {
                args.push("--window-size=360,740".into());
                chrome["mobileEmulation"] = json!({
                    "deviceMetrics": { "width": 360, "height": 740, "pixelRatio": 2, "touch": true, "mobile": true },
                    "userAgent": WECHAT_UA,
                });
            }
        }
        chrome["args"] = json!(args);
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": chrome,
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        match caps {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }
}

/// A WebDriver command fantoccini does not wrap: a POST under the session.
#[derive(Debug)]
pub struct SessionPost {
    pub path: &'static str,
    pub body: Value,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/{}",
            session.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.body.to_string()))
    }
}

/// Opens a browser session on `driver` for `viewport`.
pub async fn connect(driver: &Driver, viewport: Viewport, profile: &Path) -> Client {
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(viewport.capabilities(profile))
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("WebDriver session on {}: {e}", driver.url));
    if viewport == Viewport::Desktop {
        client
            .set_window_size(1366, 768)
            .await
            .expect("window size");
    }
    client
}
