//! Users: `user_created`, `user_password_changed`, `user_deactivated`, and the four eyes on
//! accounts that can read cases: `user_approval_requested` (the account, or its new
//! password, waits), `user_approved` and `user_refused` (by a supervisor, the record's
//! actor). The role and what it is bound to are facts; the username, the password hash and
//! the staff member's full name (v2) are personal. Each role has exactly the binding it needs: a volunteer one trusted address,
//! a supervisor or reporting officer one area, an admin neither.
//!
//! A pending account cannot sign in. Who may approve (a supervisor whose area contains the
//! account's scope, never the account itself) needs the registry, so the application layer
//! checks it; this module only refuses approving what is not pending.

use crate::domain::bounds::FieldCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::user_upcast::{self, USER_CREATED_V1, UserCreatedPiiV1};
use super::{RegistryRejection, required_text};
use crate::domain::catalogue::{Catalogued, event_schema};
use crate::domain::codec::{DecodeError, EncodedEvent, EventCodec, StoredEvent};
use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::domain::parts;
use crate::domain::vocab::{ApprovalReason, Role};

const CREATED: (&str, u32) = ("user_created", 2);
const PASSWORD_CHANGED: (&str, u32) = ("user_password_changed", 1);
const DEACTIVATED: (&str, u32) = ("user_deactivated", 1);
const APPROVAL_REQUESTED: (&str, u32) = ("user_approval_requested", 1);
const APPROVED: (&str, u32) = ("user_approved", 1);
const REFUSED: (&str, u32) = ("user_refused", 1);

/// `user_created` v1 facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreatedFacts {
    pub role: Role,
    /// For supervisors and reporting officers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaCode>,
    /// For volunteers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_address: Option<TrustedAddressId>,
}

/// `user_created` v2 personal part.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreatedPii {
    pub username: String,
    /// A PHC string (Argon2id), never the password.
    pub password_hash: String,
    /// The staff member's full name (*họ và tên*), trimmed, if the admin gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

/// `user_password_changed` v1 personal part.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPasswordChangedPii {
    pub password_hash: String,
}

/// `user_approval_requested` v1 facts: why the account waits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserApprovalRequestedFacts {
    pub reason: ApprovalReason,
}

/// Facts of the user events that have nothing coded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoFacts {}

redacted_debug!(UserCreatedPii);
redacted_debug!(UserPasswordChangedPii);

/// An event of a user stream. `pii` is `None` only if its key was destroyed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserEvent {
    Created {
        facts: UserCreatedFacts,
        pii: Option<UserCreatedPii>,
    },
    PasswordChanged {
        pii: Option<UserPasswordChangedPii>,
    },
    Deactivated,
    /// The account (or its new password) waits for a supervisor's approval.
    ApprovalRequested(UserApprovalRequestedFacts),
    /// A supervisor (the record's actor) approved it: the account may sign in.
    Approved,
    /// A supervisor refused it: the account is deactivated.
    Refused,
}

impl EventCodec for UserEvent {
    const WRITES: &'static [(&'static str, u32)] = &[
        CREATED,
        PASSWORD_CHANGED,
        DEACTIVATED,
        APPROVAL_REQUESTED,
        APPROVED,
        REFUSED,
    ];
    const READS: &'static [(&'static str, u32)] = &[
        USER_CREATED_V1,
        CREATED,
        PASSWORD_CHANGED,
        DEACTIVATED,
        APPROVAL_REQUESTED,
        APPROVED,
        REFUSED,
    ];

    fn encode(&self) -> Result<EncodedEvent, serde_json::Error> {
        match self {
            Self::Created { facts, pii } => parts::encode_with_pii(CREATED, facts, pii),
            Self::PasswordChanged { pii } => {
                parts::encode_with_pii(PASSWORD_CHANGED, &NoFacts {}, pii)
            }
            Self::Deactivated => parts::encode_facts(DEACTIVATED, &NoFacts {}),
            Self::ApprovalRequested(facts) => parts::encode_facts(APPROVAL_REQUESTED, facts),
            Self::Approved => parts::encode_facts(APPROVED, &NoFacts {}),
            Self::Refused => parts::encode_facts(REFUSED, &NoFacts {}),
        }
    }

    fn decode(stored: StoredEvent<'_>) -> Result<Self, DecodeError> {
        let s = &stored;
        match parts::current_type(s, Self::READS, Self::WRITES)? {
            // The facts have not changed since v1.
            CREATED => Ok(Self::Created {
                facts: parts::facts(s, s.facts)?,
                pii: user_upcast::created_pii(s)?,
            }),
            PASSWORD_CHANGED => {
                let NoFacts {} = parts::facts(s, s.facts)?;
                Ok(Self::PasswordChanged {
                    pii: parts::pii(s)?,
                })
            }
            DEACTIVATED => {
                let NoFacts {} = parts::facts(s, s.facts)?;
                parts::no_pii(s)?;
                Ok(Self::Deactivated)
            }
            APPROVAL_REQUESTED => {
                let facts = parts::facts(s, s.facts)?;
                parts::no_pii(s)?;
                Ok(Self::ApprovalRequested(facts))
            }
            APPROVED => {
                let NoFacts {} = parts::facts(s, s.facts)?;
                parts::no_pii(s)?;
                Ok(Self::Approved)
            }
            REFUSED => {
                let NoFacts {} = parts::facts(s, s.facts)?;
                parts::no_pii(s)?;
                Ok(Self::Refused)
            }
            _ => Err(parts::unknown_type(s)),
        }
    }
}

impl Catalogued for UserEvent {
    const STREAM: &'static str = "user";

    fn schema(event_type: &str, version: u32) -> Option<Value> {
        let schema = match (event_type, version) {
            USER_CREATED_V1 => event_schema::<UserCreatedFacts, UserCreatedPiiV1>,
            CREATED => event_schema::<UserCreatedFacts, UserCreatedPii>,
            PASSWORD_CHANGED => event_schema::<NoFacts, UserPasswordChangedPii>,
            DEACTIVATED | APPROVED | REFUSED => event_schema::<NoFacts, ()>,
            APPROVAL_REQUESTED => event_schema::<UserApprovalRequestedFacts, ()>,
            _ => return None,
        };
        Some(schema(event_type, version))
    }
}

/// What an admin (or the user, for a password) asks of an account.
#[derive(Clone, Debug)]
pub enum UserCommand {
    Create {
        facts: UserCreatedFacts,
        pii: UserCreatedPii,
        /// The account waits for a supervisor's approval ([`needs_approval`]).
        held: bool,
    },
    ChangePassword {
        pii: UserPasswordChangedPii,
        /// The new password waits for a supervisor's approval.
        held: bool,
    },
    Deactivate,
    /// A supervisor approves a pending account.
    Approve,
    /// A supervisor refuses a pending account: it is deactivated.
    Refuse,
}

/// Whether an account of `role` made or reset by an admin waits for a supervisor: those
/// that can read cases do. (`tincay user add`, on the server itself, makes active accounts.)
pub fn needs_approval(role: Role) -> bool {
    matches!(role, Role::Volunteer | Role::Supervisor)
}

/// The state of one user stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserState {
    pub version: u64,
    /// `None` until created.
    pub created: Option<UserCreatedFacts>,
    pub active: bool,
    /// Waiting for a supervisor's approval: cannot sign in.
    pub pending: bool,
}

impl UserState {
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a UserEvent>) -> Self {
        let mut state = Self::default();
        events.into_iter().for_each(|event| state.apply(event));
        state
    }

    pub fn apply(&mut self, event: &UserEvent) {
        self.version += 1;
        match event {
            UserEvent::Created { facts, .. } => {
                self.created = Some(facts.clone());
                self.active = true;
                self.pending = false;
            }
            UserEvent::PasswordChanged { .. } => {}
            UserEvent::Deactivated => self.active = false,
            UserEvent::ApprovalRequested(_) => self.pending = true,
            UserEvent::Approved => self.pending = false,
            UserEvent::Refused => {
                self.pending = false;
                self.active = false;
            }
        }
    }
}

/// Decides what a user command records.
pub fn decide(
    state: &UserState,
    command: UserCommand,
) -> Result<Vec<UserEvent>, RegistryRejection> {
    if let UserCommand::Create { facts, pii, held } = command {
        if state.created.is_some() {
            return Err(RegistryRejection::AlreadyExists("user"));
        }
        required_text(&pii.username, "username")?;
        required_text(&pii.password_hash, "password_hash")?;
        if let Some(full_name) = &pii.full_name {
            required_text(full_name, "full_name")?;
        }
        check_binding(&facts)?;
        let mut events = vec![UserEvent::Created {
            facts,
            pii: Some(pii),
        }];
        if held {
            events.push(held_for(ApprovalReason::Created));
        }
        return Ok(events);
    }
    if state.created.is_none() {
        return Err(RegistryRejection::NotFound("user"));
    }
    match command {
        UserCommand::Create { .. } => Err(RegistryRejection::AlreadyExists("user")),
        _ if !state.active => Err(match command {
            UserCommand::Deactivate => RegistryRejection::UserAlreadyDeactivated,
            _ => RegistryRejection::UserDeactivated,
        }),
        UserCommand::ChangePassword { pii, held } => {
            required_text(&pii.password_hash, "password_hash")?;
            let mut events = vec![UserEvent::PasswordChanged { pii: Some(pii) }];
            if held {
                events.push(held_for(ApprovalReason::PasswordReset));
            }
            Ok(events)
        }
        UserCommand::Deactivate => Ok(vec![UserEvent::Deactivated]),
        UserCommand::Approve | UserCommand::Refuse if !state.pending => {
            Err(RegistryRejection::UserNotPending)
        }
        UserCommand::Approve => Ok(vec![UserEvent::Approved]),
        UserCommand::Refuse => Ok(vec![UserEvent::Refused]),
    }
}

fn held_for(reason: ApprovalReason) -> UserEvent {
    UserEvent::ApprovalRequested(UserApprovalRequestedFacts { reason })
}

/// Whether an account of `role` is bound to an area and to a trusted address: a volunteer
/// to a trusted address, a supervisor or reporting officer to an area, an admin to nothing.
pub fn binding(role: Role) -> (bool, bool) {
    match role {
        Role::Admin => (false, false),
        Role::Supervisor | Role::Reporting => (true, false),
        Role::Volunteer => (false, true),
    }
}

/// Each role has its [`binding`]; a binding the role does not use is refused too.
fn check_binding(facts: &UserCreatedFacts) -> Result<(), RegistryRejection> {
    let (needs_area, needs_address) = binding(facts.role);
    let check = |present: bool, needed: bool, field| match (present, needed) {
        (false, true) => Err(RegistryRejection::Invalid {
            field,
            code: FieldCode::Required,
            reason: "is required for this role",
        }),
        (true, false) => Err(RegistryRejection::Invalid {
            field,
            code: FieldCode::NotUsed,
            reason: "is not used by this role",
        }),
        _ => Ok(()),
    };
    check(
        facts.trusted_address.is_some(),
        needs_address,
        "trusted_address",
    )?;
    check(facts.area.is_some(), needs_area, "area")
}
