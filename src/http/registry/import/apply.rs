//! Writing a [`Plan`]: every definition, then every retirement, each an append with an
//! expected version (so a unit another writer defined meanwhile is a conflict, not a second
//! definition). Appends run a batch at a time, so they share the log's group commits: a
//! whole country is a few dozen flushes, not three thousand.

use tokio::task::JoinSet;

use crate::app::registry::retire::state_of;
use crate::app::registry::write::{WriteError, append, rejected};
use crate::domain::ids::{AreaCode, UserId};
use crate::domain::registry::area::{
    self, AreaCommand, AreaDefinedFacts, AreaRetiredFacts, AreaState,
};
use crate::domain::registry::area_list::ListedUnit;
use crate::edge::state::AppState;
use crate::http::error::ApiError;
use crate::store::log::ExpectedVersion;
use crate::store::stream::StreamId;

/// Appends in flight at once.
const BATCH: usize = 64;

/// What one append did.
#[derive(Debug)]
pub enum Written {
    Done(AreaCode),
    /// Another writer got there first: left as it is.
    Raced(AreaCode),
}

/// Define each unit (as in force; a listed retirement follows in [`retire_all`]).
pub async fn define_all(
    state: &AppState,
    actor: Option<UserId>,
    units: &[ListedUnit],
) -> Result<Vec<Written>, ApiError> {
    in_batches(state, actor, units, define_one).await
}

/// Retire each unit as listed.
pub async fn retire_all(
    state: &AppState,
    actor: Option<UserId>,
    units: &[ListedUnit],
) -> Result<Vec<Written>, ApiError> {
    in_batches(state, actor, units, retire_one).await
}

type Step = fn(
    AppState,
    Option<UserId>,
    ListedUnit,
) -> std::pin::Pin<Box<dyn Future<Output = Result<Written, ApiError>> + Send>>;

async fn in_batches(
    state: &AppState,
    actor: Option<UserId>,
    units: &[ListedUnit],
    step: Step,
) -> Result<Vec<Written>, ApiError> {
    let mut written = Vec::with_capacity(units.len());
    for batch in units.chunks(BATCH) {
        let mut tasks = JoinSet::new();
        for unit in batch {
            tasks.spawn(step(state.clone(), actor, unit.clone()));
        }
        while let Some(done) = tasks.join_next().await {
            written
                .push(done.map_err(|error| ApiError::Internal(format!("import task: {error}")))??);
        }
    }
    Ok(written)
}

fn define_one(
    state: AppState,
    actor: Option<UserId>,
    unit: ListedUnit,
) -> std::pin::Pin<Box<dyn Future<Output = Result<Written, ApiError>> + Send>> {
    Box::pin(async move {
        let facts = AreaDefinedFacts {
            code: unit.code.clone(),
            name: unit.name,
            level: unit.level,
            parent: unit.parent,
            valid_from: unit.valid_from,
        };
        let events = area::decide(&AreaState::default(), AreaCommand::Define(facts))
            .map_err(|rejection| ApiError::from(rejected(&rejection, "code")))?;
        let stream = StreamId::area(&unit.code);
        match append(
            &state.app(),
            stream,
            ExpectedVersion::NoStream,
            &events,
            actor,
        )
        .await
        {
            Ok(()) => Ok(Written::Done(unit.code)),
            Err(WriteError::Conflict) => Ok(Written::Raced(unit.code)),
            Err(WriteError::Failed(error)) => Err(error.into()),
        }
    })
}

fn retire_one(
    state: AppState,
    actor: Option<UserId>,
    unit: ListedUnit,
) -> std::pin::Pin<Box<dyn Future<Output = Result<Written, ApiError>> + Send>> {
    Box::pin(async move {
        let Some(valid_to) = unit.valid_to else {
            return Ok(Written::Done(unit.code));
        };
        let Some(found) = state.projections.registry.area(&unit.code) else {
            return Ok(Written::Raced(unit.code));
        };
        let current = state_of(&found);
        let facts = AreaRetiredFacts {
            valid_to,
            successor: unit.successor,
        };
        let Ok(events) = area::decide(&current, AreaCommand::Retire(facts)) else {
            return Ok(Written::Raced(unit.code));
        };
        let stream = StreamId::area(&unit.code);
        let expected = ExpectedVersion::Exact(current.version);
        match append(&state.app(), stream, expected, &events, actor).await {
            Ok(()) => Ok(Written::Done(unit.code)),
            Err(WriteError::Conflict) => Ok(Written::Raced(unit.code)),
            Err(WriteError::Failed(error)) => Err(error.into()),
        }
    })
}
