//! A signed-in (or not yet) browser tab on the running app, with the steps a
//! journey takes (find, fill, click, wait) and the checks every key page must
//! pass: no console errors, no horizontal scrolling on the phone, every form
//! control labelled. Each checkpoint saves a full-page screenshot under
//! `target/e2e/<journey>-<viewport>-<step>.png`.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use base64::Engine;
use fantoccini::{Client, Locator, elements::Element};
use serde_json::{Value, json};

use super::driver::{self, Driver, SessionPost, Viewport, WAIT, until};

pub struct Browser {
    pub client: Client,
    pub viewport: Viewport,
    base: String,
    journey: &'static str,
    started: Instant,
    pub shots: Vec<PathBuf>,
    // Dropped after `client`: the driver's drop kills chromium, then the
    // profile directory can go.
    driver: Option<Driver>,
    _profile: tempfile::TempDir,
}

/// `target/e2e/` of the workspace (or of `CARGO_TARGET_DIR`).
pub fn e2e_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    let dir = target.join("e2e");
    std::fs::create_dir_all(&dir).expect("create target/e2e");
    dir
}

/// Finds every form control without an accessible label. Controls inside a
/// closed <details> count too: they are on the page, one tap away.
const UNLABELLED_JS: &str = r#"
var bad = [];
document.querySelectorAll('input, select, textarea').forEach(function (el) {
  var t = (el.getAttribute('type') || '').toLowerCase();
  if (['hidden', 'submit', 'button', 'reset', 'image'].indexOf(t) >= 0) return;
  if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return;
  if (el.closest('label')) return;
  if (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]')) return;
  bad.push(el.outerHTML.slice(0, 160));
});
return bad;
"#;

/// Runs before any script of every document (a DevTools script, outside the
/// page's CSP): collects the page's CSP violations, which a checkpoint reads.
/// The console also reports them, but only as text among other errors; the
/// event says which directive refused what.
const CSP_LISTENER_JS: &str = r#"
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' refused ' + (e.blockedURI || 'inline') +
    ' at ' + (e.sourceFile || document.location.pathname) + ':' + e.lineNumber +
    (e.sample ? ' (' + e.sample + ')' : ''));
});
"#;

const OVERFLOW_JS: &str = r#"
var d = document.documentElement;
if (d.scrollWidth <= window.innerWidth) return null;
// Name the widest offenders so the failure says what to fix.
var wide = [];
document.querySelectorAll('body *').forEach(function (el) {
  var r = el.getBoundingClientRect();
  if (r.right > window.innerWidth + 1 && wide.length < 5)
    wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' right=' + Math.round(r.right));
});
return d.scrollWidth + ' > ' + window.innerWidth + ': ' + wide.join(', ');
"#;

impl Browser {
    /// Starts chromedriver and a chromium session for `journey` on `viewport`
    /// against the app at `base` (`http://127.0.0.1:port`).
    pub async fn open(
        chromedriver: &Path,
        base: &str,
        journey: &'static str,
        viewport: Viewport,
    ) -> Browser {
        let started = Instant::now();
        let driver = Driver::start(chromedriver).await;
        let profile = tempfile::tempdir().expect("profile dir");
        let client = driver::connect(&driver, viewport, profile.path()).await;
        client
            .issue_cmd(SessionPost {
                path: "goog/cdp/execute",
                body: json!({
                    "cmd": "Page.addScriptToEvaluateOnNewDocument",
                    "params": { "source": CSP_LISTENER_JS }
                }),
            })
            .await
            .expect("install the CSP violation listener");
        Browser {
            client,
            viewport,
            base: base.trim_end_matches('/').to_string(),
            journey,
            started,
            shots: Vec::new(),
            driver: Some(driver),
            _profile: profile,
        }
    }

    /// Ends the session (chromium quits) and reports the journey's time.
    pub async fn finish(mut self) {
        let elapsed = self.started.elapsed();
        let client = self.client.clone();
        client.close().await.expect("close session");
        self.driver.take();
        let line = format!(
            "{}-{}: {:.1} s, {} screenshots",
            self.journey,
            self.viewport.name(),
            elapsed.as_secs_f64(),
            self.shots.len()
        );
        println!("{line}");
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(e2e_dir().join("timings.txt"))
        {
            let _ = writeln!(f, "{line}");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&self.url(path))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// The path (and query) the tab shows now.
    pub async fn path(&self) -> String {
        let u = self.client.current_url().await.expect("current url");
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        }
    }

    /// Waits until the tab's path starts with `prefix`.
    pub async fn wait_path(&self, prefix: &str) -> String {
        until(&format!("the page {prefix}"), WAIT, || async {
            let p = self.path().await;
            p.starts_with(prefix).then_some(p)
        })
        .await
    }

    /// Waits for the first element matching `css`.
    pub async fn find(&self, css: &str) -> Element {
        self.find_within(css, WAIT).await
    }

    pub async fn find_within(&self, css: &str, timeout: Duration) -> Element {
        self.client
            .wait()
            .at_most(timeout)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "no element `{css}` on {} within {timeout:?}: {e}",
                    self.base
                )
            })
    }

    /// Elements matching `css` right now (no waiting).
    pub async fn all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
    }

    /// Waits until an element matching `css` shows `needle`; returns its text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        self.wait_text_within(css, needle, WAIT).await
    }

    pub async fn wait_text_within(&self, css: &str, needle: &str, timeout: Duration) -> String {
        until(&format!("`{css}` to show “{needle}”"), timeout, || async {
            for el in self.client.find_all(Locator::Css(css)).await.ok()? {
                if let Ok(t) = el.text().await
                    && t.contains(needle)
                {
                    return Some(t);
                }
            }
            None
        })
        .await
    }

    /// The visible text of the page's <main> (or body).
    pub async fn main_text(&self) -> String {
        let v = self
            .js("var m = document.querySelector('main') || document.body; return m.innerText;")
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Types `text` into the field `css` (cleared first).
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Chooses files in the file input `css` (absolute paths).
    pub async fn choose_files(&self, css: &str, files: &[&Path]) {
        let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        self.find(css)
            .await
            .send_keys(&paths.join("\n"))
            .await
            .unwrap_or_else(|e| panic!("choose files in {css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        // A sticky header or the phone keyboard must not swallow the tap.
        let _ = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![json!(el)],
            )
            .await;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Follows the link whose text is exactly `text` inside `scope_css`.
    pub async fn click_link(&self, scope_css: &str, text: &str) {
        let scope = self.find(scope_css).await;
        let link = until(&format!("link “{text}” in {scope_css}"), WAIT, || async {
            scope.find(Locator::LinkText(text)).await.ok()
        })
        .await;
        let _ = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![json!(link)],
            )
            .await;
        link.click()
            .await
            .unwrap_or_else(|e| panic!("click “{text}”: {e}"));
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Console messages at error level since the last call (reading clears them).
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(SessionPost {
                path: "se/log",
                body: json!({ "type": "browser" }),
            })
            .await
            .expect("read the browser console log");
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The CSP violations of the current document since the last call.
    pub async fn csp_violations(&self) -> Vec<String> {
        let v = self
            .js("return window.__cspViolations ? window.__cspViolations.splice(0) : ['no CSP listener on this page'];")
            .await;
        v.as_array()
            .into_iter()
            .flatten()
            .map(|m| m.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Saves a full-page screenshot of the tab as `<journey>-<viewport>-<step>.png`.
    pub async fn screenshot(&mut self, step: &str) -> PathBuf {
        let metrics = self
            .client
            .issue_cmd(SessionPost {
                path: "goog/cdp/execute",
                body: json!({ "cmd": "Page.getLayoutMetrics", "params": {} }),
            })
            .await
            .expect("layout metrics");
        let size = &metrics["cssContentSize"];
        let (w, h) = (
            size["width"].as_f64().unwrap_or(1366.0),
            // A very long list would make a huge image: the top 4000 px tell enough.
            size["height"].as_f64().unwrap_or(768.0).min(4000.0),
        );
        let shot = self
            .client
            .issue_cmd(SessionPost {
                path: "goog/cdp/execute",
                body: json!({
                    "cmd": "Page.captureScreenshot",
                    "params": {
                        "format": "png",
                        "captureBeyondViewport": true,
                        "clip": { "x": 0, "y": 0, "width": w, "height": h, "scale": 1 }
                    }
                }),
            })
            .await
            .expect("screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("png data"))
            .expect("base64 png");
        let path = e2e_dir().join(format!(
            "{}-{}-{step}.png",
            self.journey,
            self.viewport.name()
        ));
        std::fs::write(&path, png).expect("write screenshot");
        self.shots.push(path.clone());
        path
    }

    /// Screenshot plus the checks every key page must pass.
    pub async fn checkpoint(&mut self, step: &str) {
        self.checkpoint_allowing(step, &[]).await;
    }

    /// Like [`checkpoint`](Self::checkpoint), tolerating console errors that
    /// contain one of `expected` (e.g. the 404 status of a refusal page).
    pub async fn checkpoint_allowing(&mut self, step: &str, expected: &[&str]) {
        until("the page to finish loading", WAIT, || async {
            (self.js("return document.readyState;").await == "complete").then_some(())
        })
        .await;
        let shot = self.screenshot(step).await;
        let at = self.path().await;
        println!(
            "{}-{} {step}: {:.1} s",
            self.journey,
            self.viewport.name(),
            self.started.elapsed().as_secs_f64()
        );
        // Never tolerated, whatever the step expects in the console.
        let violations = self.csp_violations().await;
        assert!(
            violations.is_empty(),
            "{} CSP violations on {at} ({}): {violations:#?}",
            violations.len(),
            shot.display()
        );
        let errors: Vec<String> = self
            .console_errors()
            .await
            .into_iter()
            .filter(|m| !expected.iter().any(|x| m.contains(x)))
            .collect();
        assert!(
            errors.is_empty(),
            "console errors on {at} ({}): {errors:#?}",
            shot.display()
        );
        let unlabelled = self.js(UNLABELLED_JS).await;
        assert_eq!(
            unlabelled,
            json!([]),
            "form controls without a label on {at} ({})",
            shot.display()
        );
        if self.viewport == Viewport::Phone {
            let overflow = self.js(OVERFLOW_JS).await;
            assert!(
                overflow.is_null(),
                "horizontal scrolling on the phone at {at} ({}): {overflow}",
                shot.display()
            );
        }
    }
}
