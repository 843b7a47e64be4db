//! The retention job: erases every case closed longer ago than the retention period (the
//! rule is [`crate::domain::case::retention`]), as a supervisor's erasure would — a
//! `case_erased` event with reason `retention`, appended in the transaction that destroys the
//! case's data key, and an access-log entry with no user — so the statistics, computed from
//! facts, do not change. A running server does this once at start and then daily; `tincay
//! retention` does it on demand (`--dry-run` only lists).

use std::sync::Arc;
use std::time::Duration;

use time::{Date, OffsetDateTime};

use crate::access_log::{self, AccessEntry};
use crate::domain::calendar::YearMonth;
use crate::domain::case::retention::{RetentionPeriod, is_due};
use crate::domain::case::{CaseCommand, CaseState, EraseCase, decide};
use crate::domain::codec::EventCodec;
use crate::domain::ids::CaseId;
use crate::domain::vocab::{AccessAction, ErasureReason};
use crate::projections::runner::Projections;
use crate::store::log::{AppendError, AppendRequest, EventLog, ExpectedVersion};
use crate::store::stream::StreamId;

/// How often a running server looks for cases due.
pub const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// A case the job erases (or, in a dry run, would erase).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub case: CaseId,
    pub closed_in: YearMonth,
}

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Cases due on the day, in id order.
    pub due: Vec<Due>,
    /// How many of them were erased (0 in a dry run).
    pub erased: usize,
    /// Due cases that changed while the job ran (say, reopened): left for the next run.
    pub skipped: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error("the retention job cannot write to the log: {0}")]
    Append(#[from] AppendError),
    #[error("the retention job cannot record the erasure in the access log: {0}")]
    AccessLog(#[from] access_log::AccessLogError),
    #[error("the retention job cannot encode an event: {0}")]
    Encode(#[from] serde_json::Error),
}

/// The cases due for erasure on `today`, each with the state the case projection has of
/// it, in id order.
fn due(projections: &Projections, today: Date, period: RetentionPeriod) -> Vec<(Due, CaseState)> {
    let mut due: Vec<(Due, CaseState)> = projections
        .cases
        .select(|case| is_due(case, today, period))
        .into_iter()
        .filter_map(|(case, state)| {
            let closed_in = state.closed_in?;
            Some((Due { case, closed_in }, state))
        })
        .collect();
    due.sort_by_key(|(item, _)| *item.case.as_uuid());
    due
}

/// Erase every case due on the day `now` falls on in Vietnam (or only list them when
/// `dry_run`). The projections must be caught up with the log.
pub async fn run(
    log: &EventLog,
    projections: &Projections,
    now: OffsetDateTime,
    period: RetentionPeriod,
    dry_run: bool,
) -> Result<RetentionReport, RetentionError> {
    let today = crate::clock::vietnam_date(now);
    let due = due(projections, today, period);
    let mut report = RetentionReport {
        due: due.iter().map(|(item, _)| item.clone()).collect(),
        ..RetentionReport::default()
    };
    if dry_run {
        return Ok(report);
    }
    for (item, state) in &due {
        // The projection's state is a first guess; the append's expected version checks it.
        let command = CaseCommand::EraseCase(EraseCase {
            reason: ErasureReason::Retention,
        });
        let Ok(events) = decide(state, command, today) else {
            report.skipped += 1;
            continue;
        };
        let events = events
            .iter()
            .map(EventCodec::encode)
            .collect::<Result<Vec<_>, _>>()?;
        let appended = log
            .append(AppendRequest {
                stream: StreamId::case(&item.case),
                expected: ExpectedVersion::Exact(state.version),
                events,
                idempotency: None,
                actor: None,
                recorded_at: now,
                erase: true,
            })
            .await;
        match appended {
            Ok(_) => {}
            Err(AppendError::WrongVersion { .. }) => {
                report.skipped += 1;
                continue;
            }
            Err(error) => return Err(error.into()),
        }
        access_log::record(
            log,
            AccessEntry {
                actor: None,
                action: AccessAction::CaseErased,
                case: Some(item.case),
                from: None,
                username: None,
                at: now,
            },
        )
        .await?;
        report.erased += 1;
    }
    Ok(report)
}

/// The daily job of a running server: a run at start, then one every [`EVERY`]. Each run
/// waits until the projections have applied everything durable, so it judges today's cases.
pub async fn daily(
    log: EventLog,
    projections: Arc<Projections>,
    clock: Arc<dyn crate::clock::Clock>,
    period: RetentionPeriod,
) {
    let mut every = tokio::time::interval(EVERY);
    loop {
        every.tick().await;
        let head = log.head().map_or(0, |head| head.position);
        if projections.wait_for(head).await.is_err() {
            return;
        }
        // Among several servers on one PostgreSQL log, one runs it (an advisory lock).
        let store = Arc::clone(log.store());
        let owner = tokio::task::spawn_blocking(move || store.single_owner("retention")).await;
        let _guard = match owner {
            Ok(Ok(Some(guard))) => guard,
            Ok(Ok(None)) => {
                tracing::debug!("retention: another server runs it");
                continue;
            }
            Ok(Err(error)) => {
                tracing::error!(%error, "retention: cannot take the job's lock");
                continue;
            }
            Err(_) => return,
        };
        match run(&log, &projections, clock.now(), period, false).await {
            Ok(report) if report.erased > 0 || report.skipped > 0 => tracing::info!(
                erased = report.erased,
                skipped = report.skipped,
                "retention: closed cases past the retention period erased"
            ),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "the retention job failed"),
        }
    }
}
