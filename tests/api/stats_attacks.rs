//! An adversary in the test suite (issue 20): the attacks a disclosure-control expert made
//! on the statistics, run against the real server. Each succeeded on the code before the
//! issue and fails now: the one-query-per-dimension profile read, averaging overlapping
//! windows, current-versus-historical units of a merged commune, shelter-night differencing,
//! and exact mode's integer reasoning. Then the budget that bounds what is left, its 429,
//! and the audit that shows who asks.

use serde_json::{Value, json};
use tincay::http::state::{Clock, HttpSettings};
use tincay::store::stream::StreamId;

use crate::cases_kit::*;
use crate::support::*;

async fn stats(app: &TestApp, token: &str, query: &str) -> Reply {
    get(app, token, &format!("/stats?{query}")).await
}

fn cells(body: &Value) -> Vec<Value> {
    body["cells"].as_array().cloned().unwrap_or_default()
}

/// One woman in commune a1 this quarter: the attacker asks one table per dimension for
/// the commune and the quarter. Before, each table held exactly one (suppressed) cell — her
/// value — so the tables read her whole profile without a number. Now every table is the
/// whole grid and every cell reads the same.
#[tokio::test]
async fn one_query_per_dimension_reads_no_profile() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    open_case(&app, &tokens.volunteer_a1).await;
    let commune = world.commune_a1.as_str();
    for (dim, size) in [
        ("sex", 3),
        ("age_band", 6),
        ("ethnicity", 54),
        ("ethnicity_group", 2),
        ("disability", 2),
        ("referred_by", 0),
        ("risk_level", 0),
        ("violence_type", 0),
        ("gbvims_type", 0),
    ] {
        let query = format!("measure=cases_opened&period=2026-Q4&area={commune}&by={dim}");
        let reply = stats(&app, &tokens.reporter_a, &query).await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.text);
        let body = reply.json();
        let cells = cells(&body);
        assert!(
            cells.len() >= 2,
            "{dim}: the whole grid, not her one value: {body}"
        );
        if size > 0 {
            assert_eq!(cells.len(), size, "{dim}: every code of the vocabulary");
        }
        for cell in &cells {
            assert_eq!(
                (cell["count"].clone(), cell["suppressed"].clone()),
                (Value::Null, json!(true)),
                "{dim}: a cell that differs from the others names her: {body}"
            );
        }
    }
    // The programme report of the quarter: every category listed, none standing out.
    let report = get(
        &app,
        &tokens.reporter_a,
        &format!("/reports/programme?year=2026&quarter=4&area={commune}"),
    )
    .await
    .json();
    assert_eq!(report["quarter"], 4);
    for indicator in report["indicators"].as_array().unwrap() {
        let cells = indicator["cells"].as_array().unwrap();
        if indicator["by"] == "ethnicity" {
            assert_eq!(cells.len(), 54, "{indicator}");
        }
        assert!(
            cells.iter().all(|cell| cell["suppressed"] == true),
            "{indicator}"
        );
    }
    app.stop().await;
}

/// Before: free `from`/`to` windows (a..May against a..June, and so on) gave hundreds of
/// pairs whose differences averaged to the one woman of a month. Now there are no windows
/// to pair: free ranges are refused, and a commune's months are not published at all.
#[tokio::test]
async fn overlapping_windows_are_not_there_to_average() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    open_case(&app, &tokens.volunteer_a1).await;
    let commune = world.commune_a1.as_str();
    let mut readings = Vec::new();
    for first in 1..=11 {
        for last in [first, first + 1] {
            let window = format!(
                "measure=cases_opened&area={commune}&from=2026-{first:02}&to=2026-{last:02}"
            );
            let reply = stats(&app, &tokens.reporter_a, &window).await;
            if reply.status == 200 {
                readings.push(reply.json()["total"]["count"].clone());
            } else {
                assert_eq!(reply.code(), "bad_request", "{}", reply.text);
            }
        }
        let month = format!("measure=cases_opened&area={commune}&period=2026-{first:02}");
        let reply = stats(&app, &tokens.reporter_a, &month).await;
        if reply.status == 200 {
            readings.push(reply.json()["total"]["count"].clone());
        } else {
            assert_eq!(reply.code(), "validation_failed", "{}", reply.text);
        }
    }
    assert!(readings.is_empty(), "windows answered: {readings:?}");
    app.stop().await;
}

/// Before: the merged commune's suppressed 4 came back as the difference between today's
/// units and the time's over 117 windows. Now the time's units come only by whole year, so
/// there is one pair per year, and asking it again gives the same numbers.
#[tokio::test]
async fn a_merged_commune_is_not_differenced_over_windows() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    open_case(&app, &tokens.volunteer_a1).await;
    let mut answered = Vec::new();
    for period in ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-11"] {
        for units in ["current", "historical"] {
            let query =
                format!("measure=cases_opened&period={period}&area=610&by=commune&units={units}");
            let reply = stats(&app, &tokens.reporter_a, &query).await;
            if units == "historical" {
                assert_eq!(reply.code(), "validation_failed", "{query}");
                let rule = if period.contains('Q') {
                    "units"
                } else {
                    "period"
                };
                assert!(reply.fields().contains(&rule.to_owned()), "{}", reply.text);
            } else if reply.status == 200 {
                answered.push(period);
            }
        }
    }
    let year = "measure=cases_opened&period=2026&area=610&by=commune&units=historical";
    let once = stats(&app, &tokens.reporter_a, year).await;
    let again = stats(&app, &tokens.reporter_a, year).await;
    assert_eq!(once.status, 200);
    assert_eq!(
        once.json(),
        again.json(),
        "the same table, the same numbers"
    );
    assert_eq!(
        answered.len(),
        4,
        "months of a district with by=commune are refused"
    );
    app.stop().await;
}

/// Before: a shelter-night total was the true sum rounded to 5, so differences of
/// overlapping tables were 5 or 10 around one woman's 7 nights. Now every total carries a
/// noise fixed by its cell key and scaled to its largest contribution: across ten tables
/// the published sums are not the rounded truths (the chance that ten noises all round
/// away is below 1 in 10,000), and each stays within its stated bound.
#[tokio::test]
async fn shelter_nights_are_perturbed_not_merely_rounded() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    let mut differs = 0;
    for table in 0..10_u32 {
        // A fresh set of five women each time (a new cell key), nights 7..=15.
        for n in 0..5_u32 {
            let id = open_case(&app, &tokens.volunteer_a1).await;
            let nights = 7 + (table + n) % 9;
            let support = json!({"type": "shelter", "provided_on": "2026-11-19", "nights": nights});
            let reply = post(
                &app,
                &tokens.volunteer_a1,
                &format!("/cases/{id}/support"),
                &support,
            )
            .await;
            assert_eq!(reply.status, 201, "{}", reply.text);
        }
        let query = "measure=shelter_nights&period=2026";
        let exact = stats(&app, &tokens.supervisor_a, &format!("{query}&exact=true"))
            .await
            .json();
        let truth = exact["total"]["count"].as_u64().unwrap();
        let published = stats(&app, &tokens.supervisor_a, query).await.json()["total"]["count"]
            .as_u64()
            .unwrap();
        let rounded = (truth + 2) / 5 * 5;
        differs += u32::from(published != rounded);
        // Bounded by half the largest contribution (15 nights) and the rounding.
        assert!(
            published.abs_diff(truth) * 2 <= 15 + 5,
            "{published} for {truth}"
        );
    }
    assert!(
        differs > 0,
        "every shelter-night total was the rounded truth"
    );
    app.stop().await;
}

/// An attacker's integer reasoning over an exact table: given the published cells and the
/// total, which values can each suppressed cell take? Before, empty cells were omitted, so a
/// listed suppressed cell was at least 1, and two of them summing to 2 were 1 and 1.
fn pinned(body: &Value, grid: usize) -> Vec<Value> {
    let cells = cells(body);
    let Some(total) = body["total"]["count"].as_u64() else {
        return Vec::new();
    };
    let shown: u64 = cells.iter().filter_map(|c| c["count"].as_u64()).sum();
    let hidden: Vec<&Value> = cells.iter().filter(|c| c["suppressed"] == true).collect();
    // Omitted cells are empty; listed ones are not, when the response omits the empty.
    let at_least: u64 = if cells.len() < grid { 1 } else { 0 };
    let rest = total.saturating_sub(shown);
    let count = hidden.len() as u64;
    if count == 0 {
        return Vec::new();
    }
    let most = rest.saturating_sub((count - 1) * at_least);
    if most == at_least || count == 1 {
        hidden.into_iter().cloned().collect()
    } else {
        Vec::new()
    }
}

#[tokio::test]
async fn exact_mode_survives_integer_reasoning() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    // Six women and one man in a1; five women and one man in a2.
    for (token, women) in [(&tokens.volunteer_a1, 6), (&tokens.volunteer_a2, 5)] {
        for n in 0..=women {
            let mut body = opening();
            body["survivor"]["sex"] = json!(if n == 0 { "male" } else { "female" });
            open_case_with(&app, token, &body).await;
        }
    }
    for (by, grid) in [
        ("commune,sex", 6),
        ("sex", 3),
        ("commune", 2),
        ("risk_level,sex", 0),
    ] {
        let query = format!("measure=cases_opened&period=2026&area=62&by={by}&exact=true");
        let body = stats(&app, &tokens.supervisor_a, &query).await.json();
        let grid = if grid == 0 { cells(&body).len() } else { grid };
        assert_eq!(cells(&body).len(), grid, "{body}");
        let narrowed = pinned(&body, grid);
        assert!(narrowed.is_empty(), "{by}: pinned {narrowed:?} in {body}");
    }
    app.stop().await;
}

/// The budget: distinct tables per rolling 30 days; the same table again is free; then
/// 429 `budget_exhausted` with the renewal day, and the log unchanged by the refusal.
#[tokio::test]
async fn the_budget_stops_an_officer_and_says_when_it_renews() {
    let app = spawn_app_with(HttpSettings {
        stats_budget: 3,
        ..HttpSettings::default()
    })
    .await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    let month = StreamId::access_month(2026, 11);
    for by in ["sex", "age_band", "risk_level"] {
        let query = format!("measure=cases_opened&period=2026&by={by}");
        assert_eq!(stats(&app, &tokens.reporter_a, &query).await.status, 200);
    }
    // The same table, in another order or as CSV, is free.
    assert_eq!(
        stats(
            &app,
            &tokens.reporter_a,
            "measure=cases_opened&period=2026&by=sex"
        )
        .await
        .status,
        200
    );
    let before = app.state.log.read_stream(&month).unwrap().len();
    let refused = stats(
        &app,
        &tokens.reporter_a,
        "measure=cases_opened&period=2026&by=disability",
    )
    .await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert_eq!(refused.code(), "budget_exhausted");
    let renews = (app.clock.now() + time::Duration::days(30))
        .date()
        .to_string();
    assert_eq!(refused.json()["renews_on"], renews.as_str());
    assert_eq!(
        app.state.log.read_stream(&month).unwrap().len(),
        before,
        "a refusal is not recorded"
    );
    let report = get(&app, &tokens.reporter_a, "/reports/programme?year=2026").await;
    assert_eq!(
        report.code(),
        "budget_exhausted",
        "the report counts as a table"
    );
    // A supervisor is recorded, not limited.
    for by in ["sex", "age_band", "risk_level", "disability"] {
        let query = format!("measure=cases_opened&period=2026&by={by}");
        assert_eq!(stats(&app, &tokens.supervisor_a, &query).await.status, 200);
    }
    app.stop().await;
}

/// Every query is in the access log with its normalised form; supervisors and admins see
/// each officer's volume, and an officer with more than 20 tables on one commune is flagged.
#[tokio::test]
async fn the_audit_shows_volumes_and_flags_repeated_tables_on_one_commune() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    let commune = world.commune_a1.as_str();
    let dims = [
        "sex",
        "age_band",
        "risk_level",
        "disability",
        "ethnicity_group",
        "referred_by",
        "violence_type",
    ];
    let mut asked = 0;
    for quarter in ["2026-Q2", "2026-Q3", "2026-Q4"] {
        for by in dims {
            let query = format!("measure=cases_opened&period={quarter}&area={commune}&by={by}");
            assert_eq!(stats(&app, &tokens.reporter_a, &query).await.status, 200);
            asked += 1;
        }
    }
    assert_eq!(asked, 21);
    let entries = app
        .state
        .log
        .read_stream(&StreamId::access_month(2026, 11))
        .unwrap();
    let queries: Vec<String> = entries
        .iter()
        .filter_map(
            |record| match record.decode::<tincay::domain::access::AccessEvent>() {
                Ok(tincay::domain::access::AccessEvent::Recorded { facts, .. }) => facts.query,
                _ => None,
            },
        )
        .collect();
    assert_eq!(queries.len(), 21);
    assert!(queries.contains(&format!(
        "measure=cases_opened&period=2026-Q4&area={commune}&by=sex&units=current&mode=perturbed"
    )));
    for token in [&tokens.supervisor_a, &tokens.admin] {
        let usage = get(&app, token, "/stats/usage").await;
        assert_eq!(usage.status, 200, "{}", usage.text);
        let usage = usage.json();
        let officer = usage["officers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["username"] == "bc.a")
            .cloned()
            .unwrap_or_default();
        assert_eq!(officer["tables"], 21, "{usage}");
        assert_eq!(officer["flagged"], true, "{usage}");
        assert_eq!(officer["communes"][0]["commune"], commune);
    }
    assert_eq!(
        get(&app, &tokens.reporter_a, "/stats/usage").await.code(),
        "forbidden"
    );
    assert_eq!(
        get(&app, &tokens.supervisor_b, "/stats/usage").await.json()["officers"],
        json!([])
    );
    app.stop().await;
}

/// A grid of more than 10,000 cells is 422 `validation_failed` naming `by`, before anything
/// is counted: it costs no budget (the officer's one table is still hers to ask) and is not
/// recorded.
#[tokio::test]
async fn a_grid_over_ten_thousand_cells_is_refused_and_costs_nothing() {
    let app = spawn_app_with(HttpSettings {
        stats_budget: 1,
        ..HttpSettings::default()
    })
    .await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    // 22 communes in her province: 22 × 54 ethnic groups × 10 forms of violence > 10,000.
    for n in 0..20 {
        app.seed_area(
            &format!("{}", 24000 + n),
            tincay::domain::vocab::AreaLevel::Commune,
            Some(world.district_a.as_str()),
        )
        .await;
    }
    let month = StreamId::access_month(2026, 11);
    let before = app.state.log.read_stream(&month).unwrap().len();
    for _ in 0..3 {
        let refused = stats(
            &app,
            &tokens.reporter_a,
            "measure=cases_opened&period=2026&by=commune,ethnicity,violence_type",
        )
        .await;
        assert_eq!(refused.status, 422, "{}", refused.text);
        assert_eq!(refused.code(), "validation_failed");
        assert_eq!(refused.fields(), ["by"], "{}", refused.text);
    }
    assert_eq!(
        app.state.log.read_stream(&month).unwrap().len(),
        before,
        "nothing recorded"
    );
    // Just under the limit is a table, and her one table of the window.
    let fits = stats(
        &app,
        &tokens.reporter_a,
        "measure=cases_opened&period=2026&by=commune,ethnicity,sex",
    )
    .await;
    assert_eq!(fits.status, 200, "{}", fits.text);
    assert_eq!(fits.json()["cells"].as_array().unwrap().len(), 22 * 54 * 3);
    let spent = stats(
        &app,
        &tokens.reporter_a,
        "measure=cases_opened&period=2026&by=sex",
    )
    .await;
    assert_eq!(spent.code(), "budget_exhausted");
    app.stop().await;
}
