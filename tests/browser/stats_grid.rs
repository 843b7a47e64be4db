//! The statistics explorer's grid on a 360-pixel phone, with a suppressed cell, in two
//! worlds that differ only in that cell's true count: none in one, two in the other (both
//! below k = 5). In each, the page at 360 px shows every cell of the grid (ethnic group ×
//! sex, every code of both vocabularies) as a table row, and the chart draws the first 60
//! rows of the table in the table's order (the cut is by position, never by value); nothing
//! sticks out sideways beyond the table's own scroller. Then the suppressed cell's drawing
//! (its table row, and its chart label, stub and "<5") is compared across the two worlds:
//! identical, so the page cannot tell an empty cell from a small one; and so is its cell in
//! the cross-table above the list.

use serde_json::{Value, json};

use crate::browser::Browser;
use crate::cases_kit::*;
use crate::checks::PHONE;
use crate::support::*;

/// The table asked: cases opened this year in her province by ethnic group and sex.
const QUERY: &str = "/stats?measure=cases_opened&dim1=ethnicity&dim2=sex&dim3=none&year=2026&part=year&units=current";
/// The suppressed cell looked at: Ê Đê (`11`) men.
const GROUP: &str = "Ê Đê";
const LABEL: &str = "Nam";

/// What the page at 360 px shows of the grid, read in the browser.
#[derive(Debug)]
struct Seen {
    /// Each table row's words: the ethnic group, the sex, the number.
    rows: Vec<(String, String, String)>,
    /// Each chart bar in drawing order: its group and its label.
    bars: Vec<(String, String)>,
    /// The suppressed cell's table row and chart marks, as HTML.
    drawing: String,
    /// The chart's right edge and the viewport's width, in CSS pixels.
    chart_right: f64,
}

/// Reads the grid off the page.
const READ: &str = r#"
const rows = [...document.querySelectorAll('#stats-table tbody tr')].map(tr =>
  [...tr.children].map(cell => cell.textContent.trim()));
const bars = [];
let group = '';
let drawing = '';
for (const el of document.querySelectorAll('#stats-chart > *')) {
  if (el.classList.contains('chart-group')) { group = el.textContent.trim(); }
  if (el.classList.contains('chart-label')) {
    const label = el.textContent.trim();
    bars.push([group, label]);
    if (group === arguments[0] && label === arguments[1]) {
      const bar = el.nextElementSibling;
      const value = bar.nextElementSibling;
      drawing += el.outerHTML + bar.outerHTML + value.outerHTML;
      drawing += '|' + Math.round(bar.getBoundingClientRect().width * 100) / 100;
    }
  }
}
for (const tr of document.querySelectorAll('#stats-table tbody tr')) {
  const cells = [...tr.children].map(cell => cell.textContent.trim());
  if (cells[0] === arguments[0] && cells[1] === arguments[1]) { drawing += '|' + tr.outerHTML; }
}
const cross = document.querySelector('#stats-cross');
const column = [...cross.querySelectorAll('thead th')].findIndex(th => th.textContent.trim() === arguments[1]);
for (const tr of cross.querySelectorAll('tbody tr')) {
  if (tr.children[0].textContent.trim() === arguments[0]) { drawing += '|' + tr.children[column].outerHTML; }
}
const chart = document.querySelector('#stats-chart').getBoundingClientRect();
return { rows, bars, drawing, chartRight: chart.right };
"#;

/// A world of six Ê Đê women, and `men` Ê Đê men, with reporting consent.
async fn world(men: usize) -> (TestApp, World) {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let token = app.token_for(world.volunteer_a1);
    for n in 0..6 + men {
        let mut body = opening();
        body["survivor"]["ethnicity"] = json!("11");
        if n >= 6 {
            body["survivor"]["sex"] = json!("male");
        }
        open_case_with(&app, &token, &body).await;
    }
    (app, world)
}

/// Opens the table at 360 px in a fresh browser, checks the page, and reads the grid.
async fn look(app: &TestApp, world: &World, name: &str) -> Seen {
    let browser = Browser::launch(app).await;
    browser.sign_in("bc.a", PASSWORD).await;
    browser.set_width(PHONE).await;
    browser.open(QUERY).await;
    browser.screenshot(name, PHONE).await;
    browser.set_width(PHONE).await;
    browser.assert_no_horizontal_overflow().await;
    let seen = browser
        .js(READ, vec![Value::from(GROUP), Value::from(LABEL)])
        .await;
    let width = browser
        .js("return window.innerWidth;", vec![])
        .await
        .as_f64()
        .unwrap();
    browser.close().await;

    // The API's grid for the same table: the page must show all of it.
    let api = get(
        app,
        &app.token_for(world.reporter_a),
        "/stats?measure=cases_opened&period=2026&by=ethnicity,sex",
    )
    .await
    .json();
    let grid = api["cells"].as_array().unwrap().len();
    let rows: Vec<(String, String, String)> = seen["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let cell = |n: usize| row[n].as_str().unwrap().to_owned();
            (cell(0), cell(1), cell(2))
        })
        .collect();
    assert_eq!(rows.len(), grid, "every cell of the grid is a row");
    assert!(grid > 60, "the chart is cut: {grid}");
    let chart_right = seen["chartRight"].as_f64().unwrap();
    assert!(
        chart_right <= width + 0.5,
        "the chart fits the phone: {chart_right} > {width}"
    );
    Seen {
        rows,
        bars: seen["bars"]
            .as_array()
            .unwrap()
            .iter()
            .map(|bar| {
                (
                    bar[0].as_str().unwrap().to_owned(),
                    bar[1].as_str().unwrap().to_owned(),
                )
            })
            .collect(),
        drawing: seen["drawing"].as_str().unwrap().to_owned(),
        chart_right,
    }
}

/// What a world's page must show, whatever the counts.
fn assert_whole_grid(seen: &Seen) {
    // Every number is a count or "<5"; every ethnic group has its three sexes.
    for (group, sex, number) in &seen.rows {
        assert!(
            number == "<5" || number.parse::<u64>().is_ok(),
            "{group} {sex}: {number}"
        );
    }
    let groups: std::collections::BTreeSet<&str> =
        seen.rows.iter().map(|row| row.0.as_str()).collect();
    assert_eq!(groups.len() * 3, seen.rows.len());
    // The chart: the first 60 rows, in the table's order.
    let first: Vec<(String, String)> = seen
        .rows
        .iter()
        .take(60)
        .map(|(group, sex, _)| (group.clone(), sex.clone()))
        .collect();
    assert_eq!(seen.bars, first);
    // The suppressed cell is drawn: its row and its chart marks, once each.
    assert_eq!(seen.drawing.matches("<tr>").count(), 1, "{}", seen.drawing);
    assert!(
        seen.drawing.contains("chart-bar suppressed"),
        "{}",
        seen.drawing
    );
    assert!(seen.drawing.contains("&lt;5"), "{}", seen.drawing);
    // And its cell in the cross-table, the same way.
    assert!(
        seen.drawing
            .ends_with(r#"|<td class="number suppressed">&lt;5</td>"#),
        "{}",
        seen.drawing
    );
}

#[tokio::test]
async fn the_explorer_at_360_px_draws_an_empty_cell_exactly_like_a_small_one() {
    let (empty_app, empty_world) = world(0).await;
    let empty = look(&empty_app, &empty_world, "stats-grid-empty-cell").await;
    empty_app.stop().await;
    let (small_app, small_world) = world(2).await;
    let small = look(&small_app, &small_world, "stats-grid-small-cell").await;
    small_app.stop().await;

    assert_whole_grid(&empty);
    assert_whole_grid(&small);
    assert_eq!(
        empty
            .rows
            .iter()
            .map(|row| (&row.0, &row.1))
            .collect::<Vec<_>>(),
        small
            .rows
            .iter()
            .map(|row| (&row.0, &row.1))
            .collect::<Vec<_>>(),
        "the same grid in the same order"
    );
    assert_eq!(empty.bars, small.bars, "the same bars in the same order");
    assert_eq!(
        empty.drawing, small.drawing,
        "the suppressed cell is drawn the same whether it holds none or two"
    );
    assert!((empty.chart_right - small.chart_right).abs() < 0.5);
}
