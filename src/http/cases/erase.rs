//! `DELETE /cases/{id}?reason=…` (supervisor): erase a case. `case_erased` is appended in
//! the same transaction that destroys the case's data key (crypto-shredding), so every
//! personal field of every event becomes unreadable for good while the facts, and so the
//! statistics, stay. The erasure is recorded in the case's access log. Afterwards every path
//! of the case answers 410.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::access_log::{self, AccessEntry};
use crate::domain::bounds::Accepts;
use crate::domain::case::EraseCase;
use crate::domain::ids::CaseId;
use crate::domain::vocab::{AccessAction, ErasureReason};
use crate::http::auth::{CurrentUser, Supervisor};
use crate::http::cases::docs::{
    AuthErrors, CaseErrors, CommandHeaders, QueryErrors, VersionErrors,
};
use crate::http::cases::extract::{ClientAddr, Ids, Preconditions};
use crate::http::cases::flow::{Command, execute, internal};
use crate::http::cases::validate::Checks;
use crate::http::error::ApiError;
use crate::http::openapi_bounds::FieldBounds;
use crate::http::state::AppState;

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
    Supervisor(user): Supervisor,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    ClientAddr(from): ClientAddr,
    query: Result<Query<EraseQuery>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let reason = query.ok().and_then(|Query(query)| query.reason);
    erase(&state, &user, id, preconditions, from, reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Erase case `id` as `user` for `reason` (a code of `ErasureReason`; none is 400), and
/// record the erasure in its access log: the typed core of [`erase_case`], for the web app.
pub async fn erase(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    preconditions: Preconditions,
    from: Option<String>,
    reason: Option<String>,
) -> Result<(), ApiError> {
    let case = CaseId::from_uuid(id);
    let command = Command {
        user,
        case,
        route: format!("DELETE /cases/{id}"),
        preconditions,
        fingerprint: Sha256::digest(reason.as_deref().unwrap_or_default()).into(),
        erase: true,
    };
    execute(state, command, |_| {
        let Some(reason) = reason.as_deref() else {
            return Err(ApiError::BadRequest(
                "say why the case is erased: ?reason=".into(),
            ));
        };
        let mut checks = Checks::default();
        match checks.code("reason", reason, ErasureReason::parse) {
            Some(reason) => Ok(EraseCase { reason }.into()),
            None => Err(checks.into_error()),
        }
    })
    .await?;
    access_log::record(
        &state.log,
        AccessEntry {
            actor: Some(user.id),
            action: AccessAction::CaseErased,
            case: Some(case),
            from,
            username: None,
            at: state.clock.now(),
        },
    )
    .await
    .map_err(internal)?;
    Ok(())
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
