//! Who is calling. [`CurrentUser`] reads the bearer token and resolves an active user that
//! is not waiting for approval (401 otherwise), and charges the request to her rate
//! ([`charge`]: 429 past it); the role extractors refuse other roles with 403, so a
//! handler's signature says who may call it.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

pub use crate::app::actor::{
    Admin, CaseWorker, CurrentUser, Reporter, StatsAuditor, StatsReader, Supervisor, Volunteer,
};
use crate::edge::rate::charge;
use crate::edge::state::AppState;
use crate::http::error::ApiError;

/// The bearer token of the request, if any.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts).ok_or(ApiError::Unauthorized)?;
        let id = state
            .sessions
            .user(token, state.clock.now())
            .ok_or(ApiError::Unauthorized)?;
        let user = state
            .projections
            .registry
            .user(&id)
            .filter(|user| user.may_act())
            .ok_or(ApiError::Unauthorized)?;
        charge(parts, state, id)?;
        Ok(CurrentUser {
            id,
            role: user.role,
            area: user.area,
            trusted_address: user.trusted_address,
        })
    }
}

macro_rules! role_extractor {
    ($($name:ident),+) => {
        $(impl FromRequestParts<AppState> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
                Ok($name::try_from(CurrentUser::from_request_parts(parts, state).await?)?)
            }
        })+
    };
}

// The role types and their one check are the application core's ([`crate::app::actor`]).
role_extractor!(
    Volunteer,
    Supervisor,
    Reporter,
    Admin,
    CaseWorker,
    StatsReader,
    StatsAuditor
);
