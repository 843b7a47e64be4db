//! The statistics explorer's two-dimension table as a cross-table (issue 24): rows are the
//! first dimension's values, columns the second's, in the API's order; every cell is the
//! number the API publishes for it, or "<5" where it is suppressed; and the only total is
//! the API's grand total: no row or column total (which could only be made up from the
//! cells, and a total minus cells would give a suppressed cell away). Checked on a laptop
//! and a phone (screenshots, overflow, accessibility, weight).

use serde_json::{Value, json};

use crate::browser::Browser;
use crate::cases_kit::*;
use crate::support::*;

/// Cases opened this year in her province by violence type and sex.
const PAGE: &str = "/stats?measure=cases_opened&dim1=violence_type&dim2=sex&dim3=none&year=2026&part=year&units=current";
const API: &str = "/stats?measure=cases_opened&period=2026&by=violence_type,sex";

/// Reads the cross-table: its column headings, and each row's heading and cells.
const READ: &str = r#"
const table = document.querySelector('#stats-cross');
if (!table) { return null; }
const text = el => el.textContent.trim();
const head = [...table.querySelectorAll('thead tr')].map(tr => [...tr.children].map(text));
const rows = [...table.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(text));
const foot = table.querySelectorAll('tfoot').length;
const total = document.querySelector('#stats-cross-total .number');
return { head, rows, foot, total: total ? text(total) : null };
"#;

/// A number as the page should write the API's cell.
fn shown(cell: &Value) -> String {
    if cell["suppressed"] == json!(true) {
        "<5".to_owned()
    } else {
        cell["count"].as_u64().unwrap().to_string()
    }
}

#[tokio::test]
async fn a_two_dimension_table_is_a_cross_table_with_only_the_apis_numbers() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    // Twelve women of physical and psychological violence, and three men of physical
    // violence only: the men's cells are suppressed.
    for n in 0..15 {
        let mut body = opening();
        if n >= 12 {
            body["survivor"]["sex"] = json!("male");
            body["violence_types"] = json!(["physical"]);
        }
        open_case_with(&app, &token, &body).await;
    }
    let api = get(&app, &app.token_for(world.reporter_a), API)
        .await
        .json();
    let cells = api["cells"].as_array().unwrap();

    let browser = Browser::launch(&app).await;
    browser.sign_in("bc.a", PASSWORD).await;
    browser.open(PAGE).await;
    let seen = browser.js(READ, vec![]).await;
    assert_ne!(seen, Value::Null, "no cross-table on the page");
    browser.check_page("stats-cross").await;
    browser.close().await;

    // The grid's shape: the API's values of each dimension, in its order.
    let mut kinds: Vec<&str> = Vec::new();
    let mut sexes: Vec<&str> = Vec::new();
    for cell in cells {
        let kind = cell["violence_type"].as_str().unwrap();
        let sex = cell["sex"].as_str().unwrap();
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        if !sexes.contains(&sex) {
            sexes.push(sex);
        }
    }
    assert_eq!(cells.len(), kinds.len() * sexes.len(), "the whole grid");
    let head = seen["head"].as_array().unwrap();
    assert_eq!(head.len(), 1, "one heading row: {head:?}");
    let columns: Vec<&str> = head[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(
        columns.len(),
        1 + sexes.len(),
        "no total column: {columns:?}"
    );
    assert!(
        columns[0].contains("Hình thức bạo lực") && columns[0].contains("Giới tính"),
        "{columns:?}"
    );
    assert!(
        columns.contains(&"Nữ") && columns.contains(&"Nam"),
        "{columns:?}"
    );

    // Each row: its violence type in words, then exactly the API's numbers in its order.
    let rows = seen["rows"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        kinds.len(),
        "one row per violence type, no total row"
    );
    let mut suppressed = 0;
    for (r, row) in rows.iter().enumerate() {
        let row: Vec<&str> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(row.len(), 1 + sexes.len(), "no total column: {row:?}");
        assert!(
            !row[0].is_empty() && row[0] != kinds[r],
            "a label, not a code: {row:?}"
        );
        for (c, sex) in sexes.iter().enumerate() {
            let cell = cells
                .iter()
                .find(|cell| cell["violence_type"] == kinds[r] && cell["sex"] == *sex)
                .unwrap();
            assert_eq!(row[c + 1], shown(cell), "{} × {sex}", kinds[r]);
            if row[c + 1] == "<5" {
                suppressed += 1;
            }
        }
    }
    let physical = kinds.iter().position(|kind| *kind == "physical").unwrap();
    let male = sexes.iter().position(|sex| *sex == "male").unwrap();
    assert_eq!(
        rows[physical][male + 1],
        json!("<5"),
        "three men: suppressed"
    );
    assert!(suppressed > 1, "the grid has suppressed cells: {rows:?}");
    assert_eq!(seen["foot"], json!(0), "no total row");
    assert_eq!(
        seen["total"],
        json!(shown(&api["total"])),
        "the API's total"
    );
    app.stop().await;
}
