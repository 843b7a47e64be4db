//! `GET /stats` and `GET /reports/programme` (API.md, "Statistics"): who may ask, every
//! error, JSON and CSV, merged communes in today's and the time's units, the same cases
//! giving the same number whatever the query's shape, exact mode in the access log, erasure
//! changing nothing, and no secret in any answer.

use serde_json::{Value, json};
use time::macros::date;
use tincay::domain::access::AccessEvent;
use tincay::domain::case::CaseEvent;
use tincay::domain::codec::EventCodec;
use tincay::domain::ids::{AreaCode, CaseId};
use tincay::domain::registry::area::{AreaEvent, AreaRetiredFacts};
use tincay::domain::vocab::{AccessAction, AreaLevel};
use tincay::http::state::Clock;
use tincay::store::log::{AppendRequest, ExpectedVersion};
use tincay::store::stream::StreamId;

use crate::cases_kit::*;
use crate::support::*;

/// A case opened by `token` with these survivor attributes and support.
async fn open(app: &TestApp, token: &str, sex: &str, disability: bool, reporting: bool) -> String {
    let mut body = opening();
    body["survivor"]["sex"] = json!(sex);
    body["survivor"]["disability"] = json!(disability);
    body["consent"]["reporting"] = json!(reporting);
    let id = open_case_with(app, token, &body).await;
    let support = json!({"type": "shelter", "provided_on": "2026-11-19", "nights": 2});
    let reply = post(app, token, &format!("/cases/{id}/support"), &support).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    id
}

/// Seven cases in commune a1, six in a2 (five female, one male each, none with a
/// disability), one in a1 without reporting consent.
async fn seeded() -> (TestApp, World, Tokens, Vec<String>) {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    let mut ids = Vec::new();
    for n in 0..7 {
        let sex = if n == 0 { "male" } else { "female" };
        ids.push(open(&app, &tokens.volunteer_a1, sex, false, true).await);
    }
    for n in 0..6 {
        let sex = if n == 0 { "male" } else { "female" };
        ids.push(open(&app, &tokens.volunteer_a2, sex, false, true).await);
    }
    open(&app, &tokens.volunteer_a1, "female", false, false).await;
    (app, world, tokens, ids)
}

async fn stats(app: &TestApp, token: &str, query: &str) -> Reply {
    get(app, token, &format!("/stats?{query}")).await
}

async fn csv(app: &TestApp, token: &str, path: &str) -> Reply {
    send(
        app,
        reqwest::Method::GET,
        path,
        Some(token),
        None,
        &[("accept", "text/csv")],
    )
    .await
}

#[tokio::test]
async fn only_reporting_officers_and_supervisors_of_the_area_see_statistics() {
    let (app, world, tokens, _) = seeded().await;
    let query = "measure=cases_opened&period=2026&area=62";
    for token in [&tokens.volunteer_a1, &tokens.admin] {
        assert_eq!(stats(&app, token, query).await.code(), "forbidden");
    }
    let anonymous = send(
        &app,
        reqwest::Method::GET,
        &format!("/stats?{query}"),
        None,
        None,
        &[],
    )
    .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(stats(&app, &tokens.reporter_a, query).await.status, 200);
    assert_eq!(stats(&app, &tokens.supervisor_a, query).await.status, 200);
    // Exact counts: supervisors only.
    let exact = format!("{query}&exact=true");
    assert_eq!(
        stats(&app, &tokens.reporter_a, &exact).await.code(),
        "forbidden"
    );
    assert_eq!(stats(&app, &tokens.supervisor_a, &exact).await.status, 200);
    // Outside the caller's area, or no such area: 404.
    assert_eq!(
        stats(&app, &tokens.supervisor_b, query).await.code(),
        "not_found"
    );
    let a2 = format!(
        "measure=cases_opened&period=2026&area={}",
        world.commune_a2.as_str()
    );
    assert_eq!(
        stats(&app, &tokens.supervisor_commune_a2, &a2).await.status,
        200
    );
    let a1 = format!(
        "measure=cases_opened&period=2026&area={}",
        world.commune_a1.as_str()
    );
    assert_eq!(
        stats(&app, &tokens.supervisor_commune_a2, &a1).await.code(),
        "not_found"
    );
    assert_eq!(
        stats(
            &app,
            &tokens.reporter_a,
            "measure=cases_opened&period=2026&area=99"
        )
        .await
        .code(),
        "not_found"
    );
    for path in [
        "/reports/programme?year=2026",
        "/reports/programme?year=2026&area=62",
    ] {
        assert_eq!(
            get(&app, &tokens.volunteer_a1, path).await.code(),
            "forbidden"
        );
        assert_eq!(get(&app, &tokens.admin, path).await.code(), "forbidden");
        assert_eq!(get(&app, &tokens.reporter_a, path).await.status, 200);
        assert_eq!(
            get(
                &app,
                &tokens.supervisor_b,
                "/reports/programme?year=2026&area=62"
            )
            .await
            .status,
            404
        );
    }
    let exact = "/reports/programme?year=2026&exact=true";
    assert_eq!(
        get(&app, &tokens.reporter_a, exact).await.code(),
        "forbidden"
    );
    assert_eq!(get(&app, &tokens.supervisor_a, exact).await.status, 200);
    app.stop().await;
}

#[tokio::test]
async fn every_bad_query_is_a_clear_problem() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    let token = &tokens.supervisor_a;
    for (query, code) in [
        ("period=2026", "bad_request"),
        ("measure=cases_opened", "bad_request"),
        // No free ranges: from and to are unknown parameters.
        ("measure=cases_opened&from=2026-01", "bad_request"),
        (
            "measure=cases_opened&from=2026-01&to=2026-06",
            "bad_request",
        ),
        ("measure=cases_opened&period=2026&colour=red", "bad_request"),
    ] {
        let reply = stats(&app, token, query).await;
        assert_eq!(
            (reply.status, reply.code()),
            (400, code.to_owned()),
            "{query}: {}",
            reply.text
        );
        assert_eq!(reply.header("content-type"), "application/problem+json");
    }
    for (query, field) in [
        ("measure=everything&period=2026", "measure"),
        ("measure=cases_opened&period=2026-Q5", "period"),
        ("measure=cases_opened&period=26", "period"),
        ("measure=cases_opened&period=2026-13", "period"),
        ("measure=cases_opened&period=2026-11-19", "period"),
        ("measure=cases_opened&period=2026-01..2026-06", "period"),
        // Months: a district or a province, never by commune or address (perturbed mode).
        ("measure=cases_opened&period=2026-11&area=23284", "period"),
        (
            "measure=cases_opened&period=2026&area=23284&by=month",
            "period",
        ),
        (
            "measure=cases_opened&period=2026-11&area=62&by=commune",
            "period",
        ),
        (
            "measure=cases_opened&period=2026-Q4&area=62&by=month,trusted_address",
            "period",
        ),
        // Historical units: a whole year only.
        (
            "measure=cases_opened&period=2026-Q4&units=historical",
            "units",
        ),
        (
            "measure=cases_opened&period=2026&by=quarter&units=historical",
            "units",
        ),
        ("measure=cases_opened&period=2026&by=colour", "by"),
        ("measure=cases_opened&period=2026&by=sex,sex", "by"),
        ("measure=cases_opened&period=2026&by=support_type", "by"),
        (
            "measure=support_provided&period=2026&by=referral_outcome",
            "by",
        ),
        (
            "measure=cases_opened&period=2026&by=sex,month,commune,risk_level",
            "by",
        ),
        ("measure=cases_opened&period=2026&area=x1", "area"),
        ("measure=cases_opened&period=2026&exact=yes", "exact"),
        ("measure=cases_opened&period=2026&units=ancient", "units"),
    ] {
        let reply = stats(&app, token, query).await;
        assert_eq!(reply.code(), "validation_failed", "{query}: {}", reply.text);
        assert!(
            reply.fields().contains(&field.to_owned()),
            "{query}: {}",
            reply.text
        );
    }
    for (path, status) in [
        ("/reports/programme", 400),
        ("/reports/programme?year=2026&colour=red", 400),
        ("/reports/programme?year=20x6", 422),
        ("/reports/programme?year=2026&area=x", 422),
        ("/reports/programme?year=2026&exact=maybe", 422),
        ("/reports/programme?year=2026&quarter=5", 422),
        ("/reports/programme?year=2026&quarter=Q1", 422),
    ] {
        assert_eq!(get(&app, token, path).await.status, status, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_table_is_json_or_csv_with_its_protection_stated() {
    let (app, _world, tokens, _) = seeded().await;
    let query = "measure=cases_opened&period=2026&area=62&by=commune,sex";
    let reply = stats(&app, &tokens.reporter_a, query).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("cache-control"), "no-store");
    let body = reply.json();
    assert_eq!(body["measure"], "cases_opened");
    assert_eq!(body["period"], "2026");
    assert_eq!(body["area"], "62");
    assert_eq!(body["by"], json!(["commune", "sex"]));
    assert_eq!(
        (body["k"].clone(), body["perturbed"].clone()),
        (json!(5), json!(true))
    );
    // The whole grid: two communes × three sexes. One man in each commune and nobody of
    // another sex: suppressed alike; the women (six and five) published.
    let cells = body["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 6, "{body}");
    for cell in cells {
        if cell["sex"] == "female" {
            assert!(cell["count"].as_u64().unwrap() >= 5, "{cell}");
        } else {
            assert_eq!(cell["count"], Value::Null);
            assert_eq!(cell["suppressed"], true);
        }
    }
    // Without reporting consent, the fourteenth case is not counted.
    let exact = stats(&app, &tokens.supervisor_a, &format!("{query}&exact=true"))
        .await
        .json();
    assert_eq!(exact["perturbed"], false);
    assert_eq!(exact["total"]["count"], 13, "{exact}");

    let table = csv(&app, &tokens.reporter_a, &format!("/stats?{query}")).await;
    assert_eq!(table.status, 200);
    assert_eq!(table.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(table.header("tincay-disclosure-control"), "perturbed; k=5");
    let lines: Vec<&str> = table.text.lines().collect();
    assert_eq!(lines.first(), Some(&"commune,sex,count,suppressed"));
    assert_eq!(lines.len(), 8, "{}", table.text);
    assert!(lines.last().unwrap().starts_with("total,,"));
    let exact = csv(
        &app,
        &tokens.supervisor_a,
        &format!("/stats?{query}&exact=true"),
    )
    .await;
    assert_eq!(exact.header("tincay-disclosure-control"), "exact; k=5");
    assert!(exact.text.contains("total,,13,"), "{}", exact.text);

    let report = csv(&app, &tokens.reporter_a, "/reports/programme?year=2026").await;
    assert_eq!(report.header("tincay-disclosure-control"), "perturbed; k=5");
    assert!(
        report
            .text
            .starts_with("indicator,by,value,count,suppressed")
    );
    assert!(
        report.text.contains("trusted_addresses_maintained,,,3,"),
        "{}",
        report.text
    );
    let report = get(
        &app,
        &tokens.supervisor_a,
        "/reports/programme?year=2026&exact=true",
    )
    .await
    .json();
    assert_eq!(
        report["trusted_addresses"],
        json!({"maintained": 3, "established": 0})
    );
    let people = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == "people_supported" && i["by"] == "sex")
        .unwrap();
    assert_eq!(people["total"]["count"], 13, "{people}");
    // One case without reporting consent: a total of one, suppressed.
    assert_eq!(
        report["cases_without_reporting_consent"],
        json!({"count": null, "suppressed": true})
    );
    app.stop().await;
}

#[tokio::test]
async fn the_same_cases_get_the_same_number_whatever_the_shape_of_the_query() {
    let (app, world, tokens, _) = seeded().await;
    let token = &tokens.reporter_a;
    let ask = |query: String| {
        let app = &app;
        async move {
            let reply = stats(app, token, &query).await;
            assert_eq!(reply.status, 200, "{query}: {}", reply.text);
            reply.json()
        }
    };
    let women = |body: &Value| {
        body["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|cell| cell["sex"] == "female" && cell["disability"] != true)
            .map(|cell| cell["count"].clone())
            .unwrap()
    };
    // One dimension, and two where the second has one value (nobody has a disability).
    let one = ask("measure=cases_opened&period=2026&area=62&by=sex".into()).await;
    let two = ask("measure=cases_opened&period=2026&area=62&by=sex,disability".into()).await;
    assert_eq!(two["cells"].as_array().unwrap().len(), 6, "the whole grid");
    assert_eq!(women(&one), women(&two));
    // The province's total is its district's (it has only one), asked any way.
    let province = ask("measure=people_supported&period=2026&area=62".into()).await;
    let district = ask(format!(
        "measure=people_supported&period=2026&area={}",
        world.district_a.as_str()
    ))
    .await;
    let by_year = ask("measure=people_supported&period=2026&area=62&by=year".into()).await;
    assert_eq!(province["total"], district["total"]);
    assert_eq!(province["total"]["count"], by_year["cells"][0]["count"]);
    // A commune's total is its cell in the province's table by commune.
    let commune = ask(format!(
        "measure=cases_opened&period=2026-Q4&area={}",
        world.commune_a1.as_str()
    ))
    .await;
    let by_commune = ask("measure=cases_opened&period=2026-Q4&area=62&by=commune".into()).await;
    let cell = by_commune["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|cell| cell["commune"] == world.commune_a1.as_str())
        .unwrap();
    assert_eq!(commune["total"]["count"], cell["count"]);
    app.stop().await;
}

async fn retire(app: &TestApp, code: &AreaCode, successor: &AreaCode) {
    let event = AreaEvent::AreaRetired(AreaRetiredFacts {
        valid_to: date!(2026 - 06 - 30),
        successor: Some(successor.clone()),
    });
    let outcome = app
        .state
        .log
        .append(AppendRequest {
            stream: StreamId::area(code),
            expected: ExpectedVersion::Any,
            events: vec![event.encode().unwrap()],
            idempotency: None,
            actor: None,
            recorded_at: app.clock.now(),
            erase: false,
        })
        .await
        .unwrap();
    app.state
        .projections
        .wait_for(outcome.last_position)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_merged_commune_counts_in_its_successor_today_and_in_itself_in_the_units_of_the_time() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let tokens = tokens(&app, &world);
    // A third commune of the district, with its own trusted address, later merged into a2.
    let old = app
        .seed_area("23290", AreaLevel::Commune, Some(world.district_a.as_str()))
        .await;
    let address = app.seed_address(&old).await;
    let volunteer = app.token_for(volunteer_at(&app, "tnv.old", address).await);
    for _ in 0..5 {
        open(&app, &volunteer, "female", false, true).await;
        open(&app, &tokens.volunteer_a2, "female", false, true).await;
    }
    retire(&app, &old, &world.commune_a2).await;
    let query = "measure=cases_opened&period=2026&area=62&by=commune&exact=true";
    let current = stats(&app, &tokens.supervisor_a, query).await.json();
    // Every commune of the province as it is today; a1 is empty, and a2's 10 would pin it
    // to 0, so both are suppressed in exact mode.
    assert_eq!(
        current["cells"],
        json!([
            {"commune": world.commune_a1.as_str(), "count": null, "suppressed": true},
            {"commune": world.commune_a2.as_str(), "count": null, "suppressed": true},
        ]),
        "{current}"
    );
    assert_eq!(current["total"]["count"], 10);
    assert_eq!(current["units"], "current");
    let historical = stats(
        &app,
        &tokens.supervisor_a,
        &format!("{query}&units=historical"),
    )
    .await
    .json();
    // The units of the time: the merged commune is listed with its own five cases.
    assert_eq!(
        historical["cells"],
        json!([
            {"commune": world.commune_a1.as_str(), "count": null, "suppressed": true},
            {"commune": world.commune_a2.as_str(), "count": null, "suppressed": true},
            {"commune": "23290", "count": 5},
        ]),
        "{historical}"
    );
    assert_eq!(current["total"], historical["total"]);
    // The successor, asked for, holds the merged commune's cases; its supervisor sees them.
    let a2 = format!(
        "measure=cases_opened&period=2026&area={}&exact=true",
        world.commune_a2.as_str()
    );
    let reply = stats(&app, &tokens.supervisor_commune_a2, &a2).await.json();
    assert_eq!(reply["total"]["count"], 10, "{reply}");
    app.stop().await;
}

#[tokio::test]
async fn every_query_is_recorded_in_the_access_log() {
    let (app, _world, tokens, _) = seeded().await;
    let month = StreamId::access_month(2026, 11);
    let before = app.state.log.read_stream(&month).unwrap().len();
    // Every query is recorded now (the budget's audit), perturbed JSON included.
    stats(&app, &tokens.reporter_a, "measure=cases_opened&period=2026").await;
    stats(
        &app,
        &tokens.supervisor_a,
        "measure=cases_opened&period=2026&exact=true",
    )
    .await;
    get(
        &app,
        &tokens.supervisor_a,
        "/reports/programme?year=2026&exact=true",
    )
    .await;
    csv(
        &app,
        &tokens.reporter_a,
        "/stats?measure=cases_opened&period=2026",
    )
    .await;
    let entries = app.state.log.read_stream(&month).unwrap();
    let recorded: Vec<(AccessAction, Option<uuid::Uuid>)> = entries[before..]
        .iter()
        .flat_map(|record| match record.decode::<AccessEvent>().unwrap() {
            AccessEvent::Recorded { facts, .. } => vec![(facts.action, record.actor)],
            AccessEvent::BatchRecorded { facts, .. } => facts
                .entries
                .into_iter()
                .map(|entry| (entry.action, entry.user.map(|user| *user.as_uuid())))
                .collect(),
            AccessEvent::AccountRecorded { .. } | AccessEvent::HeldRecorded { .. } => vec![],
        })
        .collect();
    let supervisor = *app
        .state
        .projections
        .registry
        .user_by_username("gs.a")
        .unwrap()
        .id
        .as_uuid();
    let reporter = *app
        .state
        .projections
        .registry
        .user_by_username("bc.a")
        .unwrap()
        .id
        .as_uuid();
    assert_eq!(
        recorded,
        [
            (AccessAction::StatsQueried, Some(reporter)),
            (AccessAction::ExactStatistics, Some(supervisor)),
            (AccessAction::ExactStatistics, Some(supervisor)),
            (AccessAction::Export, Some(reporter)),
        ]
    );
    app.stop().await;
}

/// Every answer the statistics give, as text.
async fn every_answer(app: &TestApp, tokens: &Tokens) -> Vec<String> {
    let mut answers = Vec::new();
    for query in [
        "measure=cases_opened&period=2026&by=sex",
        "measure=cases_opened&period=2026&by=commune,violence_type,risk_level",
        "measure=people_supported&period=2026&by=month,age_band",
        "measure=shelter_nights&period=2026-Q4&by=trusted_address",
        "measure=support_provided&period=2026&by=support_type,ethnicity",
        "measure=referrals_made&period=2026&by=referral_target",
    ] {
        answers.push(stats(app, &tokens.reporter_a, query).await.text);
        let exact = format!("{query}&exact=true");
        answers.push(stats(app, &tokens.supervisor_a, &exact).await.text);
        answers.push(
            csv(app, &tokens.reporter_a, &format!("/stats?{query}"))
                .await
                .text,
        );
    }
    for path in [
        "/reports/programme?year=2026",
        "/reports/programme?year=2026&exact=true",
    ] {
        answers.push(get(app, &tokens.supervisor_a, path).await.text);
        answers.push(csv(app, &tokens.supervisor_a, path).await.text);
    }
    answers
}

#[tokio::test]
async fn erasing_cases_changes_no_statistic_and_no_answer_holds_a_secret() {
    let (app, _world, tokens, ids) = seeded().await;
    for id in &ids[..3] {
        refer(&app, &tokens.volunteer_a1, id).await;
    }
    let before = every_answer(&app, &tokens).await;
    for id in &ids[..4] {
        let reply = delete(
            &app,
            &tokens.supervisor_a,
            &format!("/cases/{id}?reason=survivor_request"),
        )
        .await;
        assert_eq!(reply.status, 204, "{}", reply.text);
    }
    let after = every_answer(&app, &tokens).await;
    assert_eq!(before, after);

    // No record key, no secret, nothing personal, in any answer.
    let mut secrets = Vec::new();
    for id in &ids {
        let id = CaseId::from_uuid(id.parse().unwrap());
        for record in app.state.log.read_stream(&StreamId::case(&id)).unwrap() {
            if let Ok(CaseEvent::CaseOpened { facts, .. }) = record.decode::<CaseEvent>() {
                secrets.push(facts.record_key.to_string());
                secrets.push(format!("{:08x}", facts.record_key));
            }
        }
    }
    let secret = app
        .state
        .log
        .keys()
        .chain()
        .keyed_hash("stats/secret/v1", b"");
    secrets.push(secret.iter().map(|b| format!("{b:02x}")).collect());
    let long: Vec<&String> = secrets.iter().filter(|s| s.len() >= 7).collect();
    assert!(long.len() >= ids.len());
    for answer in &after {
        assert!(!answer.contains(CANARY), "{answer}");
        for secret in &long {
            assert!(
                !answer.contains(secret.as_str()),
                "a record key or secret in {answer}"
            );
        }
    }
    app.stop().await;
}
