//! The application core's statistics use cases called directly, as the API and the
//! reporting pages call them. The attacks: a reporting officer asking for an area outside
//! hers (not found, nothing charged, nothing recorded), or for exact counts (forbidden).

use tincay::app::actor::{StatsAuditor, StatsReader};
use tincay::app::error::AppError;
use tincay::app::stats::programme::{ProgrammeQuery, programme};
use tincay::app::stats::table::{StatsQuery, stats_table};
use tincay::app::stats::usage::report;

use crate::app_core::actor;
use crate::support::*;

fn table_of(area: &str) -> StatsQuery {
    StatsQuery {
        measure: Some("cases_opened".into()),
        period: Some("2026".into()),
        area: Some(area.into()),
        ..StatsQuery::default()
    }
}

/// The queries the ledger holds for the officer.
fn queries_of(app: &TestApp, world: &World) -> usize {
    let now = app.state.clock.now();
    app.state
        .stats
        .ledger
        .usage(now)
        .iter()
        .filter(|usage| usage.user == world.reporter_a)
        .map(|usage| usage.queries)
        .sum()
}

#[tokio::test]
async fn a_table_within_her_area_is_answered_charged_and_recorded() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let reader = StatsReader::try_from(actor(&app, world.reporter_a)).unwrap();
    let head = app.head();

    let table = stats_table(&app.state.app(), &reader, table_of("62"), false, None)
        .await
        .unwrap();

    assert!(
        table.perturbed,
        "a reporting officer's counts are perturbed"
    );
    assert_eq!(app.head(), head + 1, "the query is in the access log");
    assert_eq!(queries_of(&app, &world), 1, "and charged to her budget");
}

#[tokio::test]
async fn a_reporting_officer_asking_outside_her_area_finds_nothing_and_is_neither_charged_nor_recorded()
 {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let reader = StatsReader::try_from(actor(&app, world.reporter_a)).unwrap();
    let head = app.head();
    let outside = world.province_b.as_str().to_owned();

    let table = stats_table(&app.state.app(), &reader, table_of(&outside), false, None).await;
    let report = programme(
        &app.state.app(),
        &reader,
        ProgrammeQuery {
            year: Some("2026".into()),
            area: Some(outside.clone()),
            ..ProgrammeQuery::default()
        },
        true,
        None,
    )
    .await;
    let unknown = stats_table(&app.state.app(), &reader, table_of("99"), false, None).await;

    assert!(matches!(table, Err(AppError::NotFound)), "{table:?}");
    assert!(matches!(report, Err(AppError::NotFound)), "{report:?}");
    assert!(matches!(unknown, Err(AppError::NotFound)), "{unknown:?}");
    assert_eq!(app.head(), head, "nothing recorded");
    assert_eq!(queries_of(&app, &world), 0, "nothing charged");
}

#[tokio::test]
async fn a_reporting_officer_asking_for_exact_counts_is_forbidden_and_nothing_is_recorded() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    let reader = StatsReader::try_from(actor(&app, world.reporter_a)).unwrap();
    let head = app.head();

    let refused = stats_table(
        &app.state.app(),
        &reader,
        StatsQuery {
            exact: Some("true".into()),
            ..table_of("62")
        },
        false,
        None,
    )
    .await;

    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    assert_eq!(app.head(), head, "nothing recorded");
    assert_eq!(queries_of(&app, &world), 0, "nothing charged");
}

#[tokio::test]
async fn no_volunteer_or_admin_reads_statistics_and_no_reporting_officer_audits_them() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;

    for other in [world.volunteer_a1, world.admin] {
        let refused = StatsReader::try_from(actor(&app, other));
        assert!(matches!(refused, Err(AppError::Forbidden)), "{other:?}");
    }
    let refused = StatsAuditor::try_from(actor(&app, world.reporter_a));
    assert!(matches!(refused, Err(AppError::Forbidden)));
    let admin = StatsAuditor::try_from(actor(&app, world.admin)).unwrap();
    assert!(report(&app.state.app(), &admin).officers.is_empty());
}
