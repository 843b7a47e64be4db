//! Signing in: the one check the API (`POST /sessions`) and the web app (`/login`) both
//! call. SECURITY-SENSITIVE.
//!
//! A sign-in is refused the same way ([`SignInRefused::Refused`]), after the same Argon2
//! work, whether the name is unknown, the password wrong or the account deactivated, so
//! neither the answer nor its timing says who exists. Throttling ([`crate::auth::throttle`])
//! is checked first, per (typed name, client), so a locked pair costs no Argon2, and failures
//! from one client never stop the right password from another; an attempt counts before the
//! password is checked, so guesses sent in parallel get no more tries than guesses sent in
//! turn. A client spraying names is throttled for every wrong answer, known name or not, and
//! known and unknown names count alike. The typed name is looked up, and throttled, in its
//! one form (NFKC, lower case: [`crate::domain::username`]).
//! Every attempt that reaches the password check is recorded, durably, in the access log
//! before the answer leaves; attempts refused by the throttle are not (the lockout itself
//! followed recorded failures, and an attacker must not be able to grow the permanent log
//! without bound).

use std::net::IpAddr;

use serde::Deserialize;
use time::OffsetDateTime;

use crate::access_log::{self, AccessEntry};
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::registry::accounts::{MAX_USERNAME_CHARS, Password};
use crate::auth::password;
use crate::auth::sessions::{Lifetime, Token};
use crate::auth::throttle::Client;
use crate::domain::username;
use crate::domain::vocab::AccessAction;
use crate::projections::registry::User;

/// `POST /sessions` body, and the sign-in form's fields. The password is zeroized when
/// dropped and never printed.
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

/// Why a sign-in did not start a session.
#[derive(Debug)]
pub enum SignInRefused {
    /// Unknown name, wrong password or deactivated account: one answer for all (401).
    Refused,
    /// Too many failed attempts for this name or from this client (429, `Retry-After`).
    Throttled { retry_after_secs: u64 },
    /// The right password of an account (or a new password) that waits for a supervisor's
    /// approval (403 `account_pending`): said only after the password check.
    Pending,
    /// Something broke inside (the access log could not be written, ...).
    Failed(AppError),
}

impl From<AppError> for SignInRefused {
    fn from(error: AppError) -> Self {
        SignInRefused::Failed(error)
    }
}

/// A session started: its token, when it dies unless used, and whose it is.
pub type Started = (Token, OffsetDateTime, User);

/// The one sign-in check: throttle, password, access log, and a new session that lives as
/// `lifetime` says (see the module documentation).
pub async fn sign_in(
    app: &App<'_>,
    ip: Option<IpAddr>,
    body: SignIn,
    lifetime: Lifetime,
) -> Result<Started, SignInRefused> {
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
    let started = app.clock.now();
    // Counted against this name from this client before the slow check, so that guesses sent
    // in parallel cannot all pass it; a success clears the count again.
    app.throttle
        .attempt(&tried, &client, started)
        .map_err(|retry_after_secs| SignInRefused::Throttled { retry_after_secs })?;

    let user = app.projections.registry.user_by_username(&tried);
    let stored = user.as_ref().map(|user| user.password_hash.clone());
    let password = body.password;
    let matches =
        tokio::task::spawn_blocking(move || password::verify(password.as_str(), stored.as_deref()))
            .await
            .map_err(|_| AppError::internal("the password check did not finish"))?;
    let from = ip.map(|ip| ip.to_string());
    let now = app.clock.now();

    let Some(user) = user.filter(|user| matches && user.active) else {
        // Counted first, answered last: an attempt that reached the password check is in the
        // access log even when the throttle then refuses the client. Known and unknown names
        // count alike, so the answer says nothing about which exist.
        let throttled = app.throttle.failed(&client, now);
        record(
            app,
            AccessEntry {
                actor: None,
                action: AccessAction::SignInFailed,
                case: None,
                from,
                username: Some(typed_name_hash(app, &tried)),
                at: now,
            },
        )
        .await?;
        throttled.map_err(|retry_after_secs| SignInRefused::Throttled { retry_after_secs })?;
        return Err(SignInRefused::Refused);
    };

    // The right password of an account that waits for a supervisor: said only now, after
    // the password check, so it tells nothing to someone who does not know the password.
    if user.pending {
        app.throttle.succeeded(&tried, &client);
        crate::app::registry::accounts::record(
            app,
            Some(user.id),
            crate::domain::vocab::AccountAction::SignInPending,
            user.id,
        )
        .await?;
        return Err(SignInRefused::Pending);
    }
    record(
        app,
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
    app.throttle.succeeded(&tried, &client);
    let (token, expires_at) = app.sessions.start_with(user.id, now, lifetime);
    Ok((token, expires_at, user))
}

/// What the access log keeps of the name typed in a failed sign-in: a keyed hash (under a
/// key derived from the store's chain key), never the name, which may be a password typed
/// into the wrong field. The same name always gives the same hash, so repeated attempts on
/// one name can still be told apart from a spray of many.
fn typed_name_hash(app: &App<'_>, typed: &str) -> String {
    let digest = app
        .log
        .keys()
        .chain()
        .keyed_hash("access/failed-sign-in-name/v1", typed.as_bytes());
    format!(
        "hmac:{}",
        crate::store::hex::hex(digest.get(..16).unwrap_or_default())
    )
}

async fn record(app: &App<'_>, entry: AccessEntry) -> Result<(), AppError> {
    access_log::record(app.log, entry)
        .await
        .map_err(|error| AppError::internal(format!("access log: {error}")))
}
