//! `POST /areas/merge` (admin): two or more communes of one parent merge, from an effective
//! date, into a new commune or into one of them.
//!
//! How a merge is checked and recorded is the application core's
//! ([`crate::app::registry::merge`]).

use axum::extract::State;

pub use crate::app::registry::merge::{CommunesMerged, MergeCommunes};
use crate::edge::state::AppState;
use crate::http::auth::Admin;
use crate::http::cases::extract::Preconditions;
use crate::http::error::{ApiError, Problem};
use crate::http::json::Json;

/// Merge communes.
#[utoipa::path(
    post,
    path = "/areas/merge",
    tag = "registry",
    security(("bearer" = [])),
    request_body = MergeCommunes,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 characters; a retry with the same key and body completes the merge if part of it is missing and answers the same"),
    ),
    responses(
        (status = 200, description = "Merged (or the same merge was already recorded)", body = CommunesMerged),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fewer than two communes, of different parents or retired; a bad date, code or name; or an Idempotency-Key already used with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn merge_communes(
    State(state): State<AppState>,
    admin: Admin,
    preconditions: Preconditions,
    Json(body): Json<MergeCommunes>,
) -> Result<axum::Json<CommunesMerged>, ApiError> {
    let merged =
        crate::app::registry::merge::merge(&state.app(), &admin, &preconditions, &body).await?;
    Ok(axum::Json(merged))
}
