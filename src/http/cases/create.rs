//! `POST /cases`: open a case, through its use case ([`crate::app::cases::open`]): a
//! volunteer at her own trusted address, a supervisor at one she names in her area. With an
//! `Idempotency-Key`, a retry answers with the first case and creates nothing. Answers 201
//! with `Location`.

use crate::app::cases::open;
use crate::app::cases::opening::OpenCaseBody;
use crate::edge::state::AppState;
use crate::http::auth::CaseWorker;
use crate::http::cases::docs::{AuthErrors, BodyErrors};
use crate::http::cases::extract::{Preconditions, RawBody};
use crate::http::cases::flow::{CommandResult, Created, internal};
use crate::http::error::ApiError;

/// Open a case.
#[utoipa::path(
    post,
    path = "/cases",
    tag = "cases",
    request_body = OpenCaseBody,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first result")
    ),
    responses(
        (status = 201, description = "Opened", body = CommandResult, headers(
            ("Location" = String, description = "The new case"),
            ("ETag" = String, description = "The case version, \"1\"")
        )),
        AuthErrors,
        BodyErrors
    )
)]
pub async fn open_case(
    axum::extract::State(state): axum::extract::State<AppState>,
    worker: CaseWorker,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let recorded = open::open_case(&state.app(), &worker, &given, &body).await?;
    let id = recorded
        .id
        .ok_or_else(|| internal("an opened case has no id"))?;
    let mut created = Created::from(recorded);
    created.location = Some(format!("/api/v1/cases/{id}"));
    Ok(created)
}
