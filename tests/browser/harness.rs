//! The harness's own checks: the viewport widths it promises, and its network switch.

use crate::browser::Browser;
use crate::checks::{LAPTOP, PHONE};
use crate::support::spawn_app;

#[tokio::test]
async fn set_width_gives_the_viewport_that_width() {
    let app = spawn_app().await;
    let browser = Browser::launch(&app).await;
    browser.open("/login").await;
    for width in [PHONE, LAPTOP, PHONE] {
        browser.set_width(width).await;
        let inner = browser.js("return window.innerWidth;", vec![]).await;
        assert_eq!(inner, serde_json::json!(width));
    }
    browser.close().await;
}

#[tokio::test]
async fn offline_makes_requests_fail_until_back_online() {
    let app = spawn_app().await;
    let browser = Browser::launch(&app).await;
    browser.open("/login").await;
    let fetch = "return fetch('/login', { cache: 'no-store' })\
                 .then(function (r) { return r.status; }, function () { return 'failed'; });";
    assert_eq!(browser.js(fetch, vec![]).await, serde_json::json!(200));
    browser.offline(true).await;
    assert_eq!(browser.js(fetch, vec![]).await, serde_json::json!("failed"));
    browser.offline(false).await;
    assert_eq!(browser.js(fetch, vec![]).await, serde_json::json!(200));
    browser.close().await;
}

/// Breaks the sign-in page in each way the checks look for, and sees each found.
#[tokio::test]
async fn the_checks_find_what_they_look_for() {
    let app = spawn_app().await;
    let browser = Browser::launch(&app).await;
    browser.open("/login").await;
    assert_eq!(browser.accessibility_problems().await, Vec::<String>::new());
    assert_eq!(browser.horizontal_overflow().await, None);
    let submit = "button \"Đăng nhập\"";
    assert!(!browser.covered_controls().await.join("\n").contains(submit));

    browser
        .js(
            "const main = document.getElementById('main');
             const add = function (tag, id, text) {
               const el = document.createElement(tag); el.id = id;
               if (text) { el.textContent = text; }
               main.appendChild(el); return el;
             };
             add('input', 'unlabelled');
             add('button', 'nameless');
             add('p', 'faint', 'chữ mờ').style.color = '#aaaaaa';
             add('h3', 'deep', 'h1 then h3');
             add('div', 'wide', 'rộng').style.width = '2000px';
             const target = document.querySelector('#login button').getBoundingClientRect();
             const cover = add('div', 'cover', '');
             Object.assign(cover.style, { position: 'fixed', left: target.left + 'px',
               top: target.top + 'px', width: target.width + 'px', height: target.height + 'px',
               background: '#ffffff' });
             const svgNs = 'http://www.w3.org/2000/svg';
             const chart = document.createElementNS(svgNs, 'svg');
             chart.setAttribute('width', '200'); chart.setAttribute('height', '40');
             const label = document.createElementNS(svgNs, 'text');
             label.id = 'pale-label'; label.textContent = 'nhãn biểu đồ';
             label.setAttribute('x', '0'); label.setAttribute('y', '20');
             label.setAttribute('fill', '#bbbbbb');
             chart.appendChild(label); main.appendChild(chart);
             document.documentElement.lang = 'fr';",
            vec![],
        )
        .await;
    let problems = browser.accessibility_problems().await.join("\n");
    for expected in [
        "<html lang> is \"fr\"",
        "a field without a label: input#unlabelled",
        "a button or link without a name: button#nameless",
        "heading level skipped (h1 then h3)",
        "text contrast 2.32:1 < 4.5:1: p#faint",
        "text contrast 1.92:1 < 4.5:1: text#pale-label",
    ] {
        assert!(
            problems.contains(expected),
            "the accessibility pass missed {expected:?}; it found:\n{problems}"
        );
    }
    let overflow = browser.horizontal_overflow().await.unwrap_or_default();
    assert!(overflow.contains("div#wide"), "{overflow}");
    let covered = browser.covered_controls().await.join("\n");
    assert!(
        covered.contains(&format!("{submit} is covered by div#cover")),
        "{covered}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_first_load_counts_every_byte_and_a_cached_load_does_not() {
    let app = spawn_app().await;
    let browser = Browser::launch(&app).await;
    browser.open("/login").await;
    let first = browser.first_load_weight().await;
    let css = tincay::web::assets::CSS.body.len();
    let js = tincay::web::assets::JS.body.len();
    let bytes_of = |weight: &crate::checks::PageWeight, name: &str| -> u64 {
        weight
            .requests
            .iter()
            .filter(|(url, _)| url.contains(name))
            .map(|(_, bytes)| *bytes)
            .sum()
    };
    // Each asset came over the network, compressed by tincay (headers included, fewer
    // bytes than the file).
    for (name, size) in [("/assets/app.css", css), ("/assets/app.js", js)] {
        let sent = bytes_of(&first, name);
        assert!(
            sent > 0 && sent < size as u64,
            "{name}: {sent} of {size}: {first:?}"
        );
    }

    // Loaded again with the cache as it is: the assets come from it.
    browser.open("/login").await;
    let cached = browser.page_weight().await;
    assert_eq!(bytes_of(&cached, "/assets/"), 0, "{cached:?}");
    assert!(cached.total < first.total);
    browser.close().await;
}
