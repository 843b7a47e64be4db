//! What the issue asks of every main page, checked in the browser on the page as shown:
//! screenshots at 360 and 1280 px ([`SCREENSHOTS`]), no horizontal overflow (at 360 px, and
//! at 1280 px too), no link, button or field hidden under another element, the
//! accessibility pass (`js/accessibility.js`), and the page weight of a first load
//! (≤ [`WEIGHT_BUDGET`], recorded in `target/screenshots/weights.txt`).
//!
//! [`Browser::check_page`] does all of it in one call; [`Browser::check_view`] all but the
//! weight, for a page that cannot be loaded again by its URL (the answer to a form).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::browser::{Browser, ok};

/// The widths of a cheap phone and of an office laptop.
pub const PHONE: u32 = 360;
pub const LAPTOP: u32 = 1280;
/// The window height the tests use.
const HEIGHT: u32 = 900;

/// The most a first load of a page may transfer (the issue: "≤ 100 KB").
pub const WEIGHT_BUDGET: u64 = 100 * 1024;

/// Where screenshots and the weight table go: `target/screenshots` (git-ignored with
/// `target/`), emptied and created again by the first test of a run that writes there, so
/// it holds this run's pictures only.
pub static SCREENSHOTS: LazyLock<PathBuf> = LazyLock::new(|| {
    // `CARGO_TARGET_TMPDIR` is `<target dir>/tmp`, wherever the target dir is.
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp.parent().map(PathBuf::from).unwrap_or(tmp);
    let folder = target.join("screenshots");
    let _ = std::fs::remove_dir_all(&folder);
    // Never a panic here (it may first run while a failed test unwinds): a write into a
    // missing folder fails later, with its path.
    let _ = std::fs::create_dir_all(&folder);
    folder
});

/// The weight of every page measured in this run, by name.
static WEIGHTS: Mutex<BTreeMap<String, (u64, u64)>> = Mutex::new(BTreeMap::new());

/// What a page's load transferred.
#[derive(Debug)]
pub struct PageWeight {
    /// Bytes over the network: the page and every resource (headers included).
    pub total: u64,
    /// The same bodies as they are once decoded (uncompressed, no headers): what the
    /// network would carry without compression.
    pub decoded: u64,
    /// Each request: its URL and bytes.
    pub requests: Vec<(String, u64)>,
}

impl Browser {
    /// Sizes the window so that the page's viewport is `width` CSS pixels wide (checked
    /// with `window.innerWidth`).
    pub async fn set_width(&self, width: u32) {
        let mut window = width;
        for _ in 0..3 {
            ok(
                self.client().set_window_size(window, HEIGHT).await,
                format!("resize the window to {window} px"),
            );
            // The window manager applies a resize a moment after it is asked for (under load
            // the first read still saw the old width): read until it shows, for a while.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
            let mut inner = self.inner_width().await;
            while inner != u64::from(width) && std::time::Instant::now() < deadline {
                inner = self.inner_width().await;
            }
            if inner == u64::from(width) {
                return;
            }
            // The window's frame takes the difference: grow the window by it.
            let frame = i64::from(window) - i64::try_from(inner).unwrap_or(i64::MAX);
            window = u32::try_from(i64::from(width) + frame).unwrap_or(width);
        }
        panic!(
            "cannot make the viewport {width} px wide: window.innerWidth is {}",
            self.inner_width().await
        );
    }

    async fn inner_width(&self) -> u64 {
        self.js("return window.innerWidth;", vec![])
            .await
            .as_u64()
            .unwrap_or(0)
    }

    /// Sets the width, then saves a screenshot of the whole page (not only the part in
    /// view) as `target/screenshots/<name>-<width>.png`, and returns its path.
    pub async fn screenshot(&self, name: &str, width: u32) -> PathBuf {
        self.set_width(width).await;
        let height = self
            .js(
                "return Math.ceil(Math.max(document.documentElement.scrollHeight, \
                 document.body ? document.body.scrollHeight : 0, window.innerHeight));",
                vec![],
            )
            .await
            .as_u64()
            .unwrap_or(u64::from(HEIGHT));
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
                }),
            )
            .await;
        let png = shot
            .get("data")
            .and_then(Value::as_str)
            .and_then(|data| STANDARD.decode(data).ok())
            .unwrap_or_else(|| panic!("no screenshot of {name} at {width} px: {shot}"));
        let path = SCREENSHOTS.join(format!("{name}-{width}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// What overflows horizontally: `None` when the page is no wider than the viewport,
    /// else the page's width and the element that sticks out furthest.
    pub async fn horizontal_overflow(&self) -> Option<String> {
        let overflow = self.js(include_str!("js/overflow.js"), vec![]).await;
        if overflow.is_null() {
            return None;
        }
        Some(format!(
            "the page is {} px wide in a {} px viewport; the widest offender is {} \
             ({} px wide, reaching {} px)",
            overflow["pageWidth"],
            overflow["viewport"],
            overflow["element"].as_str().unwrap_or("?"),
            overflow["elementWidth"],
            overflow["right"],
        ))
    }

    /// Fails if the page is wider than the viewport, naming the element that sticks out
    /// furthest.
    pub async fn assert_no_horizontal_overflow(&self) {
        if let Some(overflow) = self.horizontal_overflow().await {
            let path = self.app_path().await.unwrap_or_default();
            panic!("{path} overflows horizontally: {overflow}");
        }
    }

    /// Links, buttons and fields in view at the top of the page that are hidden, even in
    /// part, under something else (the fixed quick-exit button, say).
    pub async fn covered_controls(&self) -> Vec<String> {
        strings(&self.js(include_str!("js/covered.js"), vec![]).await)
    }

    /// Fails if [`Self::covered_controls`] finds any.
    pub async fn assert_nothing_covered(&self) {
        let problems = self.covered_controls().await;
        if !problems.is_empty() {
            let path = self.app_path().await.unwrap_or_default();
            let width = self.inner_width().await;
            panic!(
                "controls covered on {path} at {width} px:\n  - {}",
                problems.join("\n  - ")
            );
        }
    }

    /// The accessibility pass: fields without labels, buttons and links without names,
    /// `<html lang>` not vi or en, not one h1 or heading levels skipped, duplicate ids, and
    /// text contrast below 4.5:1 (3:1 for large text). Empty when all is well.
    pub async fn accessibility_problems(&self) -> Vec<String> {
        strings(&self.js(include_str!("js/accessibility.js"), vec![]).await)
    }

    /// Fails with the list of problems if [`Self::accessibility_problems`] finds any.
    pub async fn check_accessibility(&self) {
        let problems = self.accessibility_problems().await;
        if !problems.is_empty() {
            let path = self.app_path().await.unwrap_or_default();
            panic!(
                "accessibility problems on {path}:\n  - {}",
                problems.join("\n  - ")
            );
        }
    }

    /// What the current page's load transferred (after its load event). For a first load,
    /// load the page in a fresh browser or use [`Self::first_load_weight`].
    pub async fn page_weight(&self) -> PageWeight {
        self.wait_for_load().await;
        let entries = self.js(include_str!("js/page_weight.js"), vec![]).await;
        let decoded = entries
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|entry| entry["decoded"].as_u64().unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0);
        let requests: Vec<(String, u64)> = entries
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|entry| {
                        (
                            entry["name"].as_str().unwrap_or("?").to_owned(),
                            entry["bytes"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        PageWeight {
            total: requests.iter().map(|(_, bytes)| bytes).sum(),
            decoded,
            requests,
        }
    }

    /// Empties the browser's cache, loads the current URL again (GET), and measures what
    /// that first load transferred. Fails if any request went to another site. The offline
    /// outbox's service worker, which keeps the app shell in its own cache, is bypassed for
    /// that load: a first visit has no service worker yet.
    pub async fn first_load_weight(&self) -> PageWeight {
        let url = self.current_url().await;
        let origin = self.url_of("/");
        self.cdp("Network.enable", json!({})).await;
        // A first visit has no service worker, no Cache API entries and nothing in the HTTP
        // or memory cache: remove the first two (not IndexedDB: the outbox stays) and load
        // with the cache off.
        let storage = json!({
            "origin": origin.trim_end_matches('/'),
            "storageTypes": "service_workers,cache_storage",
        });
        self.cdp("Storage.clearDataForOrigin", storage).await;
        self.cdp("Network.setBypassServiceWorker", json!({"bypass": true}))
            .await;
        self.cdp("Network.clearBrowserCache", json!({})).await;
        self.cdp("Network.setCacheDisabled", json!({"cacheDisabled": true}))
            .await;
        ok(
            self.client().goto(url.as_str()).await,
            format!("reload {url}"),
        );
        let weight = self.page_weight().await;
        self.cdp("Network.setCacheDisabled", json!({"cacheDisabled": false}))
            .await;
        self.cdp("Network.setBypassServiceWorker", json!({"bypass": false}))
            .await;
        for (name, _) in &weight.requests {
            assert!(
                name.starts_with(&origin),
                "{url} loads {name} from another site (everything must be served by tincay)"
            );
        }
        weight
    }

    /// Records a page's weight under `name` (in `target/screenshots/weights.txt`) and fails
    /// if it is over the budget.
    pub fn record_weight(&self, name: &str, weight: &PageWeight) {
        record_weight(name, weight.total, weight.decoded);
        assert!(
            weight.total <= WEIGHT_BUDGET,
            "{name} transfers {} bytes on a first load, over the budget of {WEIGHT_BUDGET}: {:?}",
            weight.total,
            weight.requests
        );
    }

    /// On the page as it is shown now, at 360 px and then at 1280 px: a screenshot (taken
    /// first, so a failure can be seen), no horizontal overflow, no control covered, and the
    /// accessibility pass. Leaves the window 1280 px wide.
    pub async fn check_view(&self, name: &str) {
        for width in [PHONE, LAPTOP] {
            self.screenshot(name, width).await;
            // Checked again: the checks must see exactly this width.
            self.set_width(width).await;
            self.assert_no_horizontal_overflow().await;
            self.assert_nothing_covered().await;
            self.check_accessibility().await;
        }
    }

    /// Everything the issue asks of a main page: [`Self::check_view`], then the weight of a
    /// first load of its URL (the cache emptied; the page is loaded again, by GET) within
    /// [`WEIGHT_BUDGET`], recorded under `name`.
    pub async fn check_page(&self, name: &str) {
        self.check_view(name).await;
        let weight = self.first_load_weight().await;
        self.record_weight(name, &weight);
    }
}

/// A script's list of strings (or the whole answer, if it is not one).
fn strings(answer: &Value) -> Vec<String> {
    answer
        .as_array()
        .map(|list| {
            list.iter()
                .map(|item| item.as_str().unwrap_or("?").to_owned())
                .collect()
        })
        .unwrap_or_else(|| vec![format!("the check gave {answer}")])
}

/// Adds a weight to the table and rewrites `weights.txt` with the table so far.
fn record_weight(name: &str, bytes: u64, decoded: u64) {
    println!("page weight: {name}: {bytes} bytes ({decoded} decoded)");
    let mut weights = WEIGHTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    weights.insert(name.to_owned(), (bytes, decoded));
    let mut table = format!(
        "# A first load of each page (budget {WEIGHT_BUDGET}): bytes transferred (compressed, \
         headers included), and its bodies' bytes decoded\n{:<40} {:>11} {:>8}\n",
        "page", "transferred", "decoded"
    );
    for (page, (bytes, decoded)) in weights.iter() {
        table.push_str(&format!("{page:<40} {bytes:>11} {decoded:>8}\n"));
    }
    // Written whole, then renamed (under the lock): never half a table.
    let path = SCREENSHOTS.join("weights.txt");
    let partial = SCREENSHOTS.join(format!("weights.txt.{}", std::process::id()));
    let written = std::fs::write(&partial, table).and_then(|()| std::fs::rename(&partial, &path));
    written.unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
