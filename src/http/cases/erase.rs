//! `DELETE /cases/{id}?reason=…` (supervisor): erase a case. `case_erased` is appended in
//! the same transaction that destroys the case's data key (crypto-shredding), so every
//! personal field of every event becomes unreadable for good while the facts, and so the
//! statistics, stay. The erasure is recorded in the case's access log. Afterwards every path
//! of the case answers 410. The use case is [`crate::app::cases::commands::erase_case`].

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app::cases::commands::erase_case as erase_case_use;
use crate::domain::bounds::Accepts;
use crate::domain::ids::CaseId;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::http::auth::Supervisor;
use crate::http::cases::docs::{
    AuthErrors, CaseErrors, CommandHeaders, QueryErrors, VersionErrors,
};
use crate::http::cases::extract::{Ids, Preconditions};
use crate::http::error::ApiError;
use crate::http::openapi_bounds::FieldBounds;

/// Why the case is erased.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EraseQuery {
    /// `survivor_request`, `retention`, `duplicate`, `entered_in_error` or `legal_order`
    /// (required; without it, 400).
    #[param(required = true)]
    pub reason: Option<String>,
}

/// Erase a case.
#[utoipa::path(delete, path = "/cases/{id}", tag = "cases",
    params(("id" = Uuid, Path, description = "The case"), EraseQuery, CommandHeaders),
    responses((status = 204, description = "Erased: its personal data is destroyed"),
        AuthErrors, CaseErrors, VersionErrors, QueryErrors))]
pub async fn erase_case(
    State(state): State<AppState>,
    supervisor: Supervisor,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    ClientAddr(from): ClientAddr,
    query: Result<Query<EraseQuery>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let reason = query.ok().and_then(|Query(query)| query.reason);
    let case = CaseId::from_uuid(id);
    erase_case_use(
        &state.app(),
        &supervisor,
        case,
        &given,
        from,
        reason.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

impl EraseQuery {
    /// What each parameter accepts, for the OpenAPI document.
    pub fn accepts() -> FieldBounds {
        vec![(
            "reason",
            Accepts::code(crate::domain::vocab::ErasureReason::CODES),
        )]
    }
}
