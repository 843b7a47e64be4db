//! What every statistics query goes through: the mode a user may ask for ([`mode`]: exact
//! counts for supervisors only), the area ([`in_scope`]: within hers, else not found, as if
//! it did not exist), and [`charge_and_record`]: the query charged to her budget and
//! recorded in the access log, durably, before it is answered.

use crate::access_log::{self, AccessEntry};
use crate::app::actor::CurrentUser;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::validate::Checks;
use crate::domain::bounds::FieldCode;
use crate::domain::ids::AreaCode;
use crate::domain::vocab::{AccessAction, Role};
use crate::stats::budget::{Normalised, commune_of};
use crate::stats::query::Mode;

/// `exact`: `true` or `false` (default). A reporting officer may never ask for exact counts.
pub fn mode(
    user: &CurrentUser,
    exact: Option<&str>,
    checks: &mut Checks,
) -> Result<Mode, AppError> {
    match exact {
        None | Some("false") => Ok(Mode::Perturbed),
        Some("true") if user.role == Role::Supervisor => Ok(Mode::Exact),
        Some("true") => Err(AppError::Forbidden),
        Some(_) => {
            checks.fail("exact", FieldCode::InvalidFormat, "must be true or false");
            Ok(Mode::Perturbed)
        }
    }
}

/// `area`, if given: an area code.
pub fn area(raw: Option<&str>, checks: &mut Checks) -> Option<Option<AreaCode>> {
    match raw.map(AreaCode::parse) {
        None => Some(None),
        Some(Ok(area)) => Some(Some(area)),
        Some(Err(_)) => {
            checks.fail(
                "area",
                FieldCode::InvalidFormat,
                "must be an area code (2 to 5 digits)",
            );
            None
        }
    }
}

/// The area to count in: the one asked (which must exist and lie within the caller's area)
/// or the caller's own. Anything else is not found, as if it did not exist.
pub fn in_scope(
    app: &App<'_>,
    user: &CurrentUser,
    asked: Option<AreaCode>,
) -> Result<AreaCode, AppError> {
    let registry = &app.projections.registry;
    let own = user.area.clone().ok_or(AppError::NotFound)?;
    let area = asked.unwrap_or_else(|| own.clone());
    if registry.area(&area).is_some() && registry.area_contains(&own, &area) {
        Ok(area)
    } else {
        Err(AppError::NotFound)
    }
}

/// Charge a query to the caller (reporting officers have a budget; supervisors are only
/// recorded) and record it in the access log, durably, before it is answered. A refused
/// query changes nothing.
pub async fn charge_and_record(
    app: &App<'_>,
    user: &CurrentUser,
    query: Normalised,
    mode: Mode,
    csv: bool,
    from: Option<String>,
) -> Result<(), AppError> {
    let now = app.clock.now();
    let limit = (user.role == Role::Reporting).then_some(app.stats.budget);
    let commune = commune_of(&query);
    app.stats
        .ledger
        .charge(user.id, &query, commune, limit, now)
        .map_err(|exhausted| AppError::BudgetExhausted {
            renews_on: exhausted.renews_on,
        })?;
    let action = match (mode, csv) {
        (Mode::Exact, _) => AccessAction::ExactStatistics,
        (Mode::Perturbed, true) => AccessAction::Export,
        (Mode::Perturbed, false) => AccessAction::StatsQueried,
    };
    access_log::record_query(
        app.log,
        AccessEntry {
            actor: Some(user.id),
            action,
            case: None,
            from,
            username: None,
            at: now,
        },
        query.0,
    )
    .await
    .map_err(AppError::internal)
}

/// The mode's word in a normalised query.
pub fn mode_code(mode: Mode) -> &'static str {
    if mode == Mode::Exact {
        "exact"
    } else {
        "perturbed"
    }
}
