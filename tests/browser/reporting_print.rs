//! The programme report on paper (issue 24), with Chromium's print media emulated through
//! DevTools: the national heading (Quốc hiệu, tiêu ngữ), the reporting unit, the day it is
//! printed, the preparer's and the head of unit's signature blocks, and page numbers; none
//! of it on screen, and nothing of the app's frame on paper.

use serde_json::json;

use crate::browser::Browser;
use crate::support::{PASSWORD, seed_world, spawn_app};

/// Whether the element matching `css` takes space on the page as shown.
async fn shown(browser: &Browser, css: &str) -> bool {
    let height = browser
        .js(
            "const el = document.querySelector(arguments[0]);
             return el ? el.getBoundingClientRect().height : -1;",
            vec![json!(css)],
        )
        .await;
    assert_ne!(height, json!(-1), "no {css} on the page");
    height.as_f64().unwrap_or(0.0) > 0.0
}

#[tokio::test]
async fn the_printed_report_has_the_national_heading_signatures_and_page_numbers() {
    let app = spawn_app().await;
    seed_world(&app).await;
    let browser = Browser::launch(&app).await;
    browser.sign_in("bc.a", PASSWORD).await;
    browser.open("/reports/programme").await;
    assert!(browser.exists("#report-meta").await, "no report was shown");
    for paper_only in ["#national-heading", "#signatures"] {
        assert!(!shown(&browser, paper_only).await, "{paper_only} on screen");
    }

    browser
        .cdp("Emulation.setEmulatedMedia", json!({"media": "print"}))
        .await;
    for paper in ["#national-heading", "#signatures", "#report-meta"] {
        assert!(shown(&browser, paper).await, "{paper} is not printed");
    }
    for screen_only in ["header.top", ".exit-bar", "#print-hint"] {
        assert!(
            !shown(&browser, screen_only).await,
            "{screen_only} is printed"
        );
    }
    let heading = browser.text("#national-heading").await;
    for words in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đơn vị báo cáo",
        "Ngày in: 20/11/2026",
    ] {
        assert!(heading.contains(words), "{words:?} not in {heading:?}");
    }
    let signatures = browser.text("#signatures").await;
    for words in [
        "Người lập biểu",
        "bc.a",
        "Thủ trưởng đơn vị",
        "(Ký tên, đóng dấu)",
    ] {
        assert!(
            signatures.contains(words),
            "{words:?} not in {signatures:?}"
        );
    }
    // Page numbers: the page-margin box of every printed page counts them.
    let numbered = browser
        .js(
            "for (const sheet of document.styleSheets) {
               for (const rule of sheet.cssRules) {
                 if (rule instanceof CSSPageRule && rule.cssText.includes('counter(page)')) {
                   return true;
                 }
               }
             }
             return false;",
            vec![],
        )
        .await;
    assert_eq!(
        numbered,
        json!(true),
        "no page numbers on the printed pages"
    );
    // And Chromium prints it (a PDF of one page or more).
    let pdf = browser
        .cdp("Page.printToPDF", json!({"preferCSSPageSize": true}))
        .await;
    assert!(pdf["data"].as_str().is_some_and(|data| data.len() > 1000));
    browser.close().await;
}
