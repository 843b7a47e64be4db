//! The user account use cases: the one code path that creates a user ([`create`] by an
//! admin through the API or the web app, [`create_user`] for `tincay user add` through the
//! control socket or on a directory it opens itself), and the changes to an existing account
//! (an admin's deactivation and password reset, a supervisor's approval or refusal).
//! SECURITY-SENSITIVE: passwords are hashed with Argon2id on the blocking pool and never
//! kept, printed or echoed.
//!
//! Four eyes: an account that can read cases (volunteer, supervisor) made by an admin, and
//! any password reset of one, is pending until a supervisor whose area contains the account's
//! scope approves it ([`approve`]); an admin alone never gives anyone access to case content.
//! The operator's console (`tincay user add` on the server) makes active accounts. Creation,
//! reset, approval and refusal are recorded in the access log.

use serde::Deserialize;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::access_log::{self, AccountEntry};
use crate::app::actor::{Admin, Supervisor};
use crate::app::cases::flow::{fields_fingerprint, idempotency};
use crate::app::context::App;
use crate::app::error::{AppError, FieldError};
use crate::app::input::Preconditions;
use crate::app::registry::parse;
use crate::app::registry::write::{already_written, append_once, decide_and_append, rejected};
use crate::app::validate::{Checks as Fields, FieldBounds};
use crate::auth::{password, strength};
use crate::domain::bounds::{self, Accepts, FieldCode, Refused};
use crate::domain::ids::{AreaCode, UserId};
use crate::domain::registry::user::{
    self, UserCommand, UserCreatedFacts, UserCreatedPii, UserPasswordChangedPii, UserState,
};
use crate::domain::vocab::{AccountAction, Role};
use crate::projections::registry::User;
use crate::store::log::{AppendOutcome, ExpectedVersion, Idempotency};
use crate::store::stream::StreamId;

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = bounds::MIN_PASSWORD_CHARS;
/// The longest password accepted, in characters (bounds the hashing work a request costs).
pub const MAX_PASSWORD_CHARS: usize = bounds::PASSWORD.0;
/// The longest username accepted, in characters.
pub const MAX_USERNAME_CHARS: usize = bounds::USERNAME.0;

/// A password as a request carries it: zeroized when dropped, redacted in `Debug`, never
/// serialized.
pub struct Password(Zeroizing<String>);

impl Password {
    pub fn new(password: String) -> Self {
        Self(Zeroizing::new(password))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

/// A new account, as `POST /users` and the control socket's `user_add` take it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Kept in one form (Unicode NFKC, lower case); refused with `disallowed_character` when
    /// it holds an invisible, formatting or symbol character, with `mixed_scripts` when it
    /// mixes letters of different scripts (a look-alike of another name).
    pub username: String,
    /// At least 10 characters, and not easy to guess (`weak_password`: zxcvbn's estimate,
    /// more than 10^8 guesses, the username counted as known).
    #[schema(value_type = String, format = Password)]
    pub password: Password,
    /// `admin`, `supervisor`, `volunteer` or `reporting`.
    #[schema(example = "volunteer")]
    pub role: String,
    /// The area code of a supervisor or reporting officer.
    #[serde(default)]
    pub area: Option<String>,
    /// The trusted address of a volunteer.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub trusted_address: Option<String>,
    /// The staff member's full name (*họ và tên*), personal data: kept trimmed; blank counts
    /// as none; refused with `disallowed_character` when it holds a control character.
    #[serde(default)]
    pub full_name: Option<String>,
}

impl NewUser {
    /// The fingerprint of the request for its idempotency key: every field (named one by
    /// one, so a new field cannot be left out), the password too: the same key with another
    /// password is another request. The log keeps only a keyed hash of it.
    pub fn fingerprint(&self) -> [u8; 32] {
        let NewUser {
            username,
            password,
            role,
            area,
            trusted_address,
            full_name,
        } = self;
        fields_fingerprint(&[
            Some(username),
            Some(password.as_str()),
            Some(role),
            area.as_deref(),
            trusted_address.as_deref(),
            full_name.as_deref(),
        ])
    }
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A new password, as `POST /users/{id}/password` and the admin's form send it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    /// At least 10 characters, and not easy to guess (`weak_password`).
    #[schema(value_type = String, format = Password)]
    pub password: Password,
}

impl NewPassword {
    /// The fingerprint of the request for its idempotency key (the log keeps only a keyed
    /// hash of it).
    pub fn fingerprint(&self) -> [u8; 32] {
        fields_fingerprint(&[Some(self.password.as_str())])
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// Serialises user creation, so that two requests for one username cannot both find it
/// free. (One process holds a data directory, so one lock per process is enough.)
static CREATING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Who makes an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Creator {
    /// An admin through the API or the web app: an account that can read cases waits for a
    /// supervisor.
    Admin(UserId),
    /// The operator on the server itself (`tincay user add`): the account is active.
    Console,
}

impl Creator {
    fn actor(self) -> Option<UserId> {
        match self {
            Creator::Admin(admin) => Some(admin),
            Creator::Console => None,
        }
    }
}

/// Validate a new account and record it (under the client's idempotency key, if any);
/// returns its id once the registry shows it. A retry under the key of an account already
/// made answers that account's id and writes nothing.
pub async fn create_user(
    app: &App<'_>,
    creator: Creator,
    new: NewUser,
    idempotency: Option<Idempotency>,
) -> Result<UserId, AppError> {
    if let Some(outcome) = already_written(app, idempotency.as_ref()).await? {
        return created(&outcome);
    }
    let actor = creator.actor();
    let registry = &app.projections.registry;
    let mut fields = Fields::default();
    // Kept, compared and looked up in one form (NFKC, lower case): `TNV.Lan` is `tnv.lan`.
    let username = fields.check("username", username_rule(&new.username));
    if let Some(username) = &username {
        if registry.user_by_username(username).is_some() {
            fields.fail("username", FieldCode::Taken, TAKEN);
        }
    }
    let named = username.as_deref().unwrap_or(&new.username);
    fields.check("password", password_rule(new.password.as_str(), named));
    let role = fields.check(
        "role",
        Role::parse(&new.role).ok_or_else(|| parse::one_of(Role::CODES)),
    );
    let area = fields.check_optional("area", new.area.as_deref(), |raw| {
        let code = parse::area_code(raw)?;
        parse::current_area(registry, &code).map(|area| area.code)
    });
    let trusted_address =
        fields.check_optional("trusted_address", new.trusted_address.as_deref(), |raw| {
            let id = parse::trusted_address_id(raw)?;
            parse::open_address(registry, &id).map(|address| address.id)
        });
    let full_name = fields.check("full_name", bounds::full_name(new.full_name.as_deref()));
    fields.finish()?;
    let (Some(username), Some(role), Some(area), Some(trusted_address), Some(full_name)) =
        (username, role, area, trusted_address, full_name)
    else {
        return Err(AppError::internal("a checked field is missing"));
    };
    let facts = UserCreatedFacts {
        role,
        area,
        trusted_address,
    };
    let password_hash = hash(new.password).await?;
    let _creating = CREATING.lock().await;
    // The same request sent twice at once: the second waited for the first's account.
    if let Some(outcome) = already_written(app, idempotency.as_ref()).await? {
        return created(&outcome);
    }
    if registry.user_by_username(&username).is_some() {
        return Err(AppError::invalid("username", FieldCode::Taken, TAKEN));
    }
    let pii = UserCreatedPii {
        username,
        password_hash,
        full_name,
    };
    let held = creator != Creator::Console && user::needs_approval(facts.role);
    let command = UserCommand::Create { facts, pii, held };
    let events = user::decide(&UserState::default(), command)
        .map_err(|rejection| rejected(&rejection, "username"))?;
    let id = UserId::from_uuid(Uuid::new_v4());
    append_once(
        app,
        StreamId::user(&id),
        ExpectedVersion::NoStream,
        &events,
        actor,
        idempotency,
    )
    .await?;
    record(app, actor, AccountAction::Created, id).await?;
    Ok(id)
}

/// The account an idempotent `create_user` made.
fn created(outcome: &AppendOutcome) -> Result<UserId, AppError> {
    outcome
        .stream
        .uuid_of("user")
        .map(UserId::from_uuid)
        .ok_or_else(|| AppError::internal("an idempotent account points at another stream"))
}

/// Record what happened to an account in the access log (durable before the answer).
pub async fn record(
    app: &App<'_>,
    actor: Option<UserId>,
    action: AccountAction,
    account: UserId,
) -> Result<(), AppError> {
    access_log::record_account(
        app.log,
        AccountEntry {
            actor,
            action,
            account,
            from: None,
            at: app.clock.now(),
        },
    )
    .await
    .map_err(|error| AppError::Internal(format!("access log: {error}")))
}

/// The route an idempotency key of an account's creation is scoped to (with the user).
pub const CREATE_ROUTE: &str = "POST /users";

/// A new account and whether it waits for a supervisor's approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Created {
    pub id: UserId,
    pub pending: bool,
}

/// An admin creates an account (under her idempotency key, if any: a retry answers the same
/// account); one that can read cases waits for a supervisor's approval.
pub async fn create(
    app: &App<'_>,
    Admin(admin): &Admin,
    given: &Preconditions,
    new: NewUser,
) -> Result<Created, AppError> {
    let idempotency = idempotency(admin, CREATE_ROUTE, given, new.fingerprint());
    let id = create_user(app, Creator::Admin(admin.id), new, idempotency).await?;
    let pending = app
        .projections
        .registry
        .user(&id)
        .is_some_and(|user| user.pending);
    Ok(Created { id, pending })
}

/// An admin deactivates an account (never her own) and all its sessions end.
pub async fn deactivate(app: &App<'_>, Admin(admin): &Admin, id: UserId) -> Result<(), AppError> {
    if id == admin.id {
        return Err(AppError::Rule(
            crate::domain::rejection::RuleCode::OwnAccount,
            "an admin cannot deactivate her own account".into(),
        ));
    }
    change(app, admin.id, id, || UserCommand::Deactivate, None).await?;
    app.sessions.end_all(id);
    Ok(())
}

/// An admin gives an account a new password and all its sessions end. The new password of
/// an account that can read cases waits for a supervisor's approval. The idempotency key is
/// scoped to the account too: the key of one account's reset is not another's.
pub async fn reset_password(
    app: &App<'_>,
    Admin(admin): &Admin,
    id: UserId,
    given: &Preconditions,
    body: NewPassword,
) -> Result<(), AppError> {
    let route = format!("POST /users/{}/password", id.as_uuid());
    let idempotency = idempotency(admin, &route, given, body.fingerprint());
    let (actor, password) = (admin.id, body.password);
    // A retry of a reset already made: the password is the one it set, its sessions ended.
    if already_written(app, idempotency.as_ref()).await?.is_some() {
        return Ok(());
    }
    let Some(found) = app.projections.registry.user(&id) else {
        return Err(AppError::NotFound);
    };
    password_rule(password.as_str(), &found.username)
        .map_err(|refused| AppError::Invalid(vec![FieldError::refused("password", refused)]))?;
    let changed = UserPasswordChangedPii {
        password_hash: hash(password).await?,
    };
    let held = user::needs_approval(found.role);
    let command = || UserCommand::ChangePassword {
        pii: changed.clone(),
        held,
    };
    change(app, actor, id, command, idempotency).await?;
    app.sessions.end_all(id);
    record(app, Some(actor), AccountAction::PasswordReset, id).await
}

/// Why a supervisor may not decide on an account.
fn may_decide(app: &App<'_>, supervisor: UserId, account: &User) -> Result<(), AppError> {
    let registry = &app.projections.registry;
    let approver = registry.user(&supervisor).ok_or(AppError::Forbidden)?;
    let in_scope = approver
        .area
        .as_ref()
        .zip(scope_of(app, account))
        .is_some_and(|(area, scope)| registry.area_contains(area, &scope));
    if !in_scope {
        // Existence is itself sensitive: an account outside the area is not there.
        return Err(AppError::NotFound);
    }
    if account.id == supervisor {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The unit an account works in: a volunteer's trusted address's commune, a supervisor's
/// area. (Admin and reporting accounts are never pending.)
fn scope_of(app: &App<'_>, account: &User) -> Option<AreaCode> {
    match account.role {
        Role::Volunteer => account
            .trusted_address
            .and_then(|id| app.projections.registry.trusted_address(&id))
            .map(|address| address.commune),
        Role::Supervisor => account.area.clone(),
        Role::Admin | Role::Reporting => None,
    }
}

/// A supervisor approves a pending account in her area (never her own): it may sign in.
pub async fn approve(
    app: &App<'_>,
    Supervisor(supervisor): &Supervisor,
    id: UserId,
) -> Result<(), AppError> {
    decide_pending(
        app,
        supervisor.id,
        id,
        UserCommand::Approve,
        AccountAction::Approved,
    )
    .await
}

/// A supervisor refuses a pending account in her area: it is deactivated.
pub async fn refuse(
    app: &App<'_>,
    Supervisor(supervisor): &Supervisor,
    id: UserId,
) -> Result<(), AppError> {
    decide_pending(
        app,
        supervisor.id,
        id,
        UserCommand::Refuse,
        AccountAction::Refused,
    )
    .await?;
    app.sessions.end_all(id);
    Ok(())
}

async fn decide_pending(
    app: &App<'_>,
    supervisor: UserId,
    id: UserId,
    command: UserCommand,
    action: AccountAction,
) -> Result<(), AppError> {
    let account = app
        .projections
        .registry
        .user(&id)
        .ok_or(AppError::NotFound)?;
    may_decide(app, supervisor, &account)?;
    change(app, supervisor, id, || command.clone(), None).await?;
    record(app, Some(supervisor), action, id).await
}

/// The accounts waiting for approval that `supervisor` may decide on, by username.
pub fn pending_for(app: &App<'_>, Supervisor(supervisor): &Supervisor) -> Vec<User> {
    app.projections
        .registry
        .users()
        .into_iter()
        .filter(|account| account.pending && account.active)
        .filter(|account| may_decide(app, supervisor.id, account).is_ok())
        .collect()
}

/// Decide `command` on the account's current state and append it, deciding again if another
/// task wrote to the account meanwhile.
async fn change(
    app: &App<'_>,
    actor: UserId,
    id: UserId,
    command: impl Fn() -> UserCommand,
    idempotency: Option<Idempotency>,
) -> Result<(), AppError> {
    decide_and_append(app, actor, idempotency, || {
        let found = app
            .projections
            .registry
            .user(&id)
            .ok_or(AppError::NotFound)?;
        let events = user::decide(&state_of(&found), command())
            .map_err(|rejection| rejected(&rejection, "id"))?;
        Ok((
            StreamId::user(&id),
            ExpectedVersion::Exact(found.version),
            events,
        ))
    })
    .await
}

fn state_of(user: &User) -> UserState {
    UserState {
        version: user.version,
        created: Some(UserCreatedFacts {
            role: user.role,
            area: user.area.clone(),
            trusted_address: user.trusted_address,
        }),
        active: user.active,
        pending: user.pending,
    }
}

const TAKEN: &str = "is taken";

/// A new username in its one form, or why it is refused ([`crate::domain::username`]).
fn username_rule(name: &str) -> Result<String, Refused> {
    crate::domain::username::parse(name)
}

/// The password rule: its length ([`bounds::password`]), then how hard it is to guess for
/// the account named `username` ([`strength`]). The message never contains the password.
pub fn password_rule(password: &str, username: &str) -> Result<(), Refused> {
    bounds::password(password)?;
    if strength::strong_enough(password, username) {
        Ok(())
    } else {
        Err(Refused::new(FieldCode::WeakPassword, strength::TOO_EASY))
    }
}

/// Argon2id on the blocking pool.
async fn hash(password: Password) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password::hash(password.as_str()))
        .await
        .map_err(|_| AppError::internal("password hashing did not finish"))?
        .map_err(AppError::internal)
}

impl NewUser {
    /// What each field accepts, for the OpenAPI document: the bounds checked above.
    pub fn accepts() -> FieldBounds {
        vec![
            ("username", Accepts::Username),
            ("password", Accepts::Password),
            ("role", Accepts::code(Role::CODES)),
            (
                "area",
                Accepts::Pattern(crate::domain::ids::AREA_CODE_PATTERN),
            ),
            ("trusted_address", Accepts::Id),
            ("full_name", Accepts::FullName),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_trimmed_short_printable_text() {
        assert_eq!(username_rule("tnv.lan").as_deref(), Ok("tnv.lan"));
        assert_eq!(username_rule("Nguyễn Lan").as_deref(), Ok("nguyễn lan"));
        for bad in ["", "   ", " lan", "lan ", "la\nn", &"x".repeat(65)] {
            assert!(username_rule(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_count_characters_not_bytes() {
        assert!(password_rule("mật khẩu đủ dài 1", "tnv.lan").is_ok());
        assert!(password_rule("ngắn", "tnv.lan").is_err());
        assert!(
            password_rule("ẩẩẩẩẩẩẩẩẩ", "tnv.lan").is_err(),
            "9 characters, 27 bytes"
        );
    }

    #[test]
    fn long_but_guessable_passwords_are_weak_passwords() {
        for weak in ["aaaaaaaaaa", "tnv.hoaban2026", "password1234"] {
            let refused = password_rule(weak, "tnv.hoaban").unwrap_err();
            assert_eq!(refused.code, FieldCode::WeakPassword, "{weak}");
            assert!(!refused.message.contains(weak));
        }
    }
}
