//! The statistics audit for supervisors and admins: each officer's statistics queries in
//! the rolling 30 days — distinct tables (what the budget counts), queries with repeats, and
//! the communes on which she asked for more than 20 distinct tables, flagged. A supervisor
//! sees the officers whose area lies within hers; an admin sees every officer.

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::actor::StatsAuditor;
use crate::app::context::App;
use crate::domain::vocab::Role;
use crate::stats::budget::{FLAG_TABLES_ON_ONE_COMMUNE, WINDOW};

/// The audit.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UsageReport {
    /// The rolling window, in days.
    pub window_days: i64,
    /// Distinct tables a reporting officer may ask for in the window.
    pub budget: u32,
    /// More distinct tables than this on one commune flags an officer.
    pub flag_threshold: usize,
    pub officers: Vec<OfficerUsage>,
}

/// One officer's use.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OfficerUsage {
    pub user: uuid::Uuid,
    pub username: String,
    pub role: String,
    /// Distinct tables in the window (the budget counts these).
    pub tables: usize,
    /// Queries in the window, repeats included.
    pub queries: usize,
    /// Whether any commune is flagged.
    pub flagged: bool,
    pub communes: Vec<CommuneUsage>,
}

/// A commune on which the officer asked for more than the threshold of distinct tables.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommuneUsage {
    pub commune: String,
    pub tables: usize,
}

/// The audit as the auditor may see it (the API's `GET /stats/usage` and the web page).
pub fn report(app: &App<'_>, StatsAuditor(user): &StatsAuditor) -> UsageReport {
    let registry = &app.projections.registry;
    let officers = app
        .stats
        .ledger
        .usage(app.clock.now())
        .into_iter()
        .filter_map(|usage| {
            let officer = registry.user(&usage.user)?;
            let visible = match (user.role, &user.area, &officer.area) {
                (Role::Admin, _, _) => true,
                (_, Some(mine), Some(theirs)) => registry.area_contains(mine, theirs),
                _ => false,
            };
            visible.then(|| OfficerUsage {
                user: *usage.user.as_uuid(),
                username: officer.username,
                role: officer.role.code().to_owned(),
                tables: usage.tables,
                queries: usage.queries,
                flagged: !usage.flagged.is_empty(),
                communes: usage
                    .flagged
                    .into_iter()
                    .map(|(commune, tables)| CommuneUsage {
                        commune: commune.as_str().to_owned(),
                        tables,
                    })
                    .collect(),
            })
        })
        .collect();
    UsageReport {
        window_days: WINDOW.whole_days(),
        budget: app.stats.budget,
        flag_threshold: FLAG_TABLES_ON_ONE_COMMUNE,
        officers,
    }
}
