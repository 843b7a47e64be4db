//! Signing in and out, and who am I: `POST /sessions`, `DELETE /sessions/current`, `GET /me`.
//! SECURITY-SENSITIVE.
//!
//! A sign-in is refused the same way, with the same body and after the same Argon2 work,
//! whether the name is unknown, the password wrong or the account deactivated, so neither
//! the answer nor its timing says who exists. Throttling ([`crate::auth::throttle`]) is
//! checked first, per (typed name, client), so a locked pair costs no Argon2, and failures
//! from one client never stop the right password from another; an attempt counts before the
//! password is checked, so guesses sent in parallel get no more tries than guesses sent in
//! turn. A client spraying names gets 429 for every wrong answer, known name or not, and
//! known and unknown names count alike. The typed name is looked up, and throttled, in its one
//! form (NFKC, lower case: [`crate::domain::username`]).
//! Every attempt that reaches the password check is recorded, durably, in the access log
//! before the answer leaves; attempts refused by the throttle are not (the lockout itself
//! followed recorded failures, and an attacker must not be able to grow the permanent log
//! without bound).

use std::net::IpAddr;

use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zeroize::Zeroizing;

use crate::access_log::{self, AccessEntry};
use crate::app::registry::accounts::{MAX_USERNAME_CHARS, Password};
use crate::auth::password;
use crate::auth::sessions::{Lifetime, Token};
use crate::auth::throttle::Client;
use crate::domain::ids::UserId;
use crate::domain::username;
use crate::domain::vocab::AccessAction;
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

/// `POST /sessions` body. The password is zeroized when dropped and never printed.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub username: String,
    #[schema(value_type = String, format = Password)]
    pub password: Password,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignIn(<redacted>)")
    }
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
    let (token, expires_at, user) = authenticate(&state, ip, body, lifetime).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(SessionStarted {
            token: token.as_str().to_owned(),
            expires_at,
            user: UserView::from(&user),
        }),
    ))
}

/// The one sign-in check, for the API and the web app: throttle, password, access log, and
/// a new session that lives as `lifetime` says (see the module documentation).
pub async fn authenticate(
    state: &AppState,
    ip: Option<IpAddr>,
    body: SignIn,
    lifetime: Lifetime,
) -> Result<(Token, OffsetDateTime, User), ApiError> {
    // A name longer than any account's is kept only in part (in the throttle and the log).
    // In its one form (NFKC, lower case), so `GS.A` and `gs.a` are one name to the throttle.
    let tried = username::normalise(
        &body
            .username
            .chars()
            .take(MAX_USERNAME_CHARS + 1)
            .collect::<String>(),
    );
    let client = Client::of(ip);
    let started = state.clock.now();
    // Counted against this name from this client before the slow check, so that guesses sent
    // in parallel cannot all pass it; a success clears the count again.
    state
        .throttle
        .attempt(&tried, &client, started)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;

    let user = state.projections.registry.user_by_username(&tried);
    let stored = user.as_ref().map(|user| user.password_hash.clone());
    let password = body.password;
    let matches =
        tokio::task::spawn_blocking(move || password::verify(password.as_str(), stored.as_deref()))
            .await
            .map_err(|_| ApiError::Internal("the password check did not finish".into()))?;
    let from = ip.map(|ip| ip.to_string());
    let now = state.clock.now();

    let Some(user) = user.filter(|user| matches && user.active) else {
        // Counted first, answered last: an attempt that reached the password check is in the
        // access log even when the throttle then refuses the client. Known and unknown names
        // count alike, so the answer says nothing about which exist.
        let throttled = state.throttle.failed(&client, now);
        record(
            state,
            AccessEntry {
                actor: None,
                action: AccessAction::SignInFailed,
                case: None,
                from,
                username: Some(typed_name_hash(state, &tried)),
                at: now,
            },
        )
        .await?;
        throttled.map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
        return Err(ApiError::Unauthorized);
    };

    // The right password of an account that waits for a supervisor: said only now, after
    // the password check, so it tells nothing to someone who does not know the password.
    if user.pending {
        state.throttle.succeeded(&tried, &client);
        crate::app::registry::accounts::record(
            &state.app(),
            Some(user.id),
            crate::domain::vocab::AccountAction::SignInPending,
            user.id,
        )
        .await?;
        return Err(ApiError::AccountPending);
    }
    record(
        state,
        AccessEntry {
            actor: Some(user.id),
            action: AccessAction::SignedIn,
            case: None,
            from,
            username: None,
            at: now,
        },
    )
    .await?;
    state.throttle.succeeded(&tried, &client);
    let (token, expires_at) = state.sessions.start_with(user.id, now, lifetime);
    Ok((token, expires_at, user))
}

/// What the access log keeps of the name typed in a failed sign-in: a keyed hash (under a
/// key derived from the store's chain key), never the name, which may be a password typed
/// into the wrong field. The same name always gives the same hash, so repeated attempts on
/// one name can still be told apart from a spray of many.
fn typed_name_hash(state: &AppState, typed: &str) -> String {
    let digest = state
        .log
        .keys()
        .chain()
        .keyed_hash("access/failed-sign-in-name/v1", typed.as_bytes());
    format!(
        "hmac:{}",
        crate::store::hex::hex(digest.get(..16).unwrap_or_default())
    )
}

async fn record(state: &AppState, entry: AccessEntry) -> Result<(), ApiError> {
    access_log::record(&state.log, entry)
        .await
        .map_err(|error| ApiError::Internal(format!("access log: {error}")))
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
