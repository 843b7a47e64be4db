//! Signing in and out, and who am I: `POST /sessions`, `DELETE /sessions/current`, `GET /me`.
//! SECURITY-SENSITIVE.
//!
//! The check itself (throttle, Argon2, access log), which the web app's sign-in shares, is
//! the application core's [`sign_in`](crate::app::sign_in): a sign-in is refused the same
//! way, with the same body and after the same Argon2 work, whether the name is unknown, the
//! password wrong or the account deactivated; a throttled client gets 429 for every wrong
//! answer, known name or not.

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zeroize::Zeroizing;

use crate::app::sign_in::{self, SignIn, SignInRefused};
use crate::auth::password;
use crate::auth::sessions::Lifetime;
use crate::domain::ids::UserId;
use crate::edge::client::ClientIp;
use crate::edge::state::AppState;
use crate::http::auth::{CurrentUser, bearer_token};
use crate::http::error::{ApiError, Problem};
use crate::http::json::Json;
use crate::projections::registry::User;

/// The routes of this module, with the bearer security scheme their documents refer to.
pub fn router() -> OpenApiRouter<AppState> {
    // The dummy hash checked for unknown names is made on first use; make it now, or the
    // first unknown name after a start would take twice as long as a known one.
    let _ = password::verify("", None);
    OpenApiRouter::with_openapi(security_document())
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(me))
}

/// The name of the bearer-token security scheme in the OpenAPI document.
pub const BEARER: &str = "bearer";

fn security_document() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    let scheme = SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build());
    utoipa::openapi::OpenApiBuilder::new()
        .components(Some(
            utoipa::openapi::ComponentsBuilder::new()
                .security_scheme(BEARER, scheme)
                .build(),
        ))
        .build()
}

/// A user as the API shows it (never the password hash).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    #[schema(value_type = String, format = Uuid)]
    pub id: UserId,
    pub username: String,
    /// `admin`, `supervisor`, `volunteer` or `reporting`.
    #[schema(value_type = String)]
    pub role: &'static str,
    /// The area code of a supervisor or reporting officer.
    #[schema(value_type = Option<String>, required = true)]
    pub area: Option<String>,
    /// The trusted address of a volunteer.
    #[schema(value_type = Option<String>, format = Uuid, required = true)]
    pub trusted_address: Option<String>,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id,
            username: user.username.clone(),
            role: user.role.code(),
            area: user.area.as_ref().map(|code| code.as_str().to_owned()),
            trusted_address: user.trusted_address.map(|id| id.to_string()),
        }
    }
}

/// `POST /sessions` answer: the token is shown this once.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionStarted {
    pub token: String,
    /// When the token dies if left unused (each use pushes it back).
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub user: UserView,
}

impl std::fmt::Debug for SessionStarted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionStarted")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Sign in.
#[utoipa::path(
    post,
    path = "/sessions",
    tag = "sessions",
    request_body = SignIn,
    responses(
        (status = 201, description = "Signed in", body = SessionStarted),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown user, wrong password or deactivated account (one answer for all)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The right password, but the account (or its new password) waits for a supervisor's approval (`account_pending`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins for this account or address; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<SignIn>,
) -> Result<(StatusCode, axum::Json<SessionStarted>), ApiError> {
    let lifetime = Lifetime {
        idle: state.settings.session_idle,
        absolute: state.settings.session_lifetime,
    };
    let (token, expires_at, user) = sign_in::sign_in(&state.app(), ip, body, lifetime)
        .await
        .map_err(refused)?;
    Ok((
        StatusCode::CREATED,
        axum::Json(SessionStarted {
            token: token.as_str().to_owned(),
            expires_at,
            user: UserView::from(&user),
        }),
    ))
}

/// A refused sign-in in the status table.
fn refused(refused: SignInRefused) -> ApiError {
    match refused {
        SignInRefused::Refused => ApiError::Unauthorized,
        SignInRefused::Throttled { retry_after_secs } => ApiError::RateLimited { retry_after_secs },
        SignInRefused::Pending => ApiError::AccountPending,
        SignInRefused::Failed(error) => error.into(),
    }
}

/// Sign out: the token dies at once.
#[utoipa::path(
    delete,
    path = "/sessions/current",
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn sign_out(
    State(state): State<AppState>,
    _user: CurrentUser,
    parts: SessionToken,
) -> StatusCode {
    state.sessions.end(&parts.0);
    StatusCode::NO_CONTENT
}

/// The bearer token of the request (after [`CurrentUser`] has accepted it).
struct SessionToken(Zeroizing<String>);

impl<S: Send + Sync> FromRequestParts<S> for SessionToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        bearer_token(parts)
            .map(|token| SessionToken(Zeroizing::new(token.to_owned())))
            .ok_or(ApiError::Unauthorized)
    }
}

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/me",
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = UserView),
        (status = 401, description = "No live session", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn me(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::Json<UserView>, ApiError> {
    let found = state
        .projections
        .registry
        .user(&user.id)
        .ok_or(ApiError::Unauthorized)?;
    Ok(axum::Json(UserView::from(&found)))
}
