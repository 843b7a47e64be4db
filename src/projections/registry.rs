//! The registry view: areas, trusted addresses and users, folded from their streams.
//!
//! Areas form a hierarchy (commune → district → province) that changes over time: a retired
//! unit names its successor, and [`Registry::area_contains`] follows successions, so a case
//! recorded in a commune that has since merged is still within the area of its successor.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::ids::{AreaCode, TrustedAddressId, UserId};
use crate::domain::registry::area::AreaEvent;
use crate::domain::registry::trusted_address::TrustedAddressEvent;
use crate::domain::registry::user::UserEvent;
use crate::domain::vocab::{AreaLevel, Role};
use crate::projections::event::{Projected, ProjectedEvent};
use crate::stats::areas::{AddressFacts, AreaTree, Unit};

/// An administrative unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub parent: Option<AreaCode>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub successor: Option<AreaCode>,
}

/// A trusted address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedAddress {
    pub id: TrustedAddressId,
    /// The address's name is personal data of its host; `None` if unreadable.
    pub name: Option<String>,
    pub commune: AreaCode,
    pub established_on: Date,
    pub closed_on: Option<Date>,
}

/// A user account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    /// The staff member's full name, if the admin gave one (`user_created` v2). Personal
    /// data, like the username. (Absent from checkpoints made before it existed.)
    #[serde(default)]
    pub full_name: Option<String>,
    pub role: Role,
    pub area: Option<AreaCode>,
    pub trusted_address: Option<TrustedAddressId>,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub active: bool,
    /// Waiting for a supervisor's approval (a new account that can read cases, or its reset
    /// password): cannot sign in. (Absent from checkpoints made before it existed.)
    #[serde(default)]
    pub pending: bool,
    /// The user stream's version (for expected-version appends).
    pub version: u64,
}

impl User {
    /// Whether a session of this account is honoured: active, and not waiting for a
    /// supervisor's approval. Every extractor of a signed-in user (API and web) asks this.
    pub fn may_act(&self) -> bool {
        self.active && !self.pending
    }
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("active", &self.active)
            .field("pending", &self.pending)
            .finish_non_exhaustive()
    }
}

/// Everything the registry knows; also its checkpoint form.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegistryData {
    areas: HashMap<AreaCode, Area>,
    addresses: HashMap<TrustedAddressId, TrustedAddress>,
    users: HashMap<UserId, User>,
    /// Keyed by the normalised username; a checkpoint saved before names were normalised is
    /// normalised as it is read.
    #[serde(deserialize_with = "normalised_keys")]
    usernames: HashMap<String, UserId>,
}

fn normalised_keys<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<HashMap<String, UserId>, D::Error> {
    let saved = HashMap::<String, UserId>::deserialize(deserializer)?;
    Ok(saved
        .into_iter()
        .map(|(name, id)| (crate::domain::username::normalise(&name), id))
        .collect())
}

/// The registry view. Cheap reads under a read lock.
#[derive(Debug, Default)]
pub struct Registry {
    data: RwLock<RegistryData>,
}

impl Registry {
    /// Apply one event if it belongs to a registry stream; other streams are ignored.
    pub fn apply(&self, event: &ProjectedEvent) {
        let mut data = self.data.write().unwrap_or_else(PoisonError::into_inner);
        match &event.body {
            Projected::Area { code, event } => data.apply_area(code.clone(), event.clone()),
            Projected::Address { id, event } => data.apply_address(*id, event.clone()),
            Projected::User { id, event: user } => {
                data.apply_user(*id, event.stream_version, user.clone());
            }
            Projected::Case { .. } | Projected::Held { .. } | Projected::Other => {}
        }
    }

    /// A copy of everything, for a checkpoint.
    pub fn snapshot(&self) -> RegistryData {
        self.read().clone()
    }

    /// Replace everything with a checkpoint's copy.
    pub fn restore(&self, data: RegistryData) {
        *self.data.write().unwrap_or_else(PoisonError::into_inner) = data;
    }

    pub fn area(&self, code: &AreaCode) -> Option<Area> {
        self.read().areas.get(code).cloned()
    }

    pub fn areas(&self) -> Vec<Area> {
        let mut areas: Vec<Area> = self.read().areas.values().cloned().collect();
        areas.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
        areas
    }

    pub fn trusted_address(&self, id: &TrustedAddressId) -> Option<TrustedAddress> {
        self.read().addresses.get(id).cloned()
    }

    pub fn trusted_addresses(&self) -> Vec<TrustedAddress> {
        let mut all: Vec<TrustedAddress> = self.read().addresses.values().cloned().collect();
        all.sort_by_key(|address| *address.id.as_uuid());
        all
    }

    pub fn user(&self, id: &UserId) -> Option<User> {
        self.read().users.get(id).cloned()
    }

    /// Every account, sorted by username.
    pub fn users(&self) -> Vec<User> {
        let mut all: Vec<User> = self.read().users.values().cloned().collect();
        all.sort_by(|a, b| a.username.cmp(&b.username));
        all
    }

    /// The account named `username` in any case or compatibility form (both sides are
    /// compared in [`crate::domain::username::normalise`]'s form, so accounts made before
    /// names were normalised are found too).
    pub fn user_by_username(&self, username: &str) -> Option<User> {
        let data = self.read();
        data.usernames
            .get(&crate::domain::username::normalise(username))
            .and_then(|id| data.users.get(id))
            .cloned()
    }

    /// Whether `unit` is `area` or lies within it, following parents and, for retired
    /// units, their successors.
    pub fn area_contains(&self, area: &AreaCode, unit: &AreaCode) -> bool {
        let data = self.read();
        let mut pending = vec![unit.clone()];
        let mut seen = Vec::new();
        while let Some(code) = pending.pop() {
            if &code == area {
                return true;
            }
            if seen.contains(&code) {
                continue;
            }
            if let Some(found) = data.areas.get(&code) {
                pending.extend(found.parent.iter().cloned());
                pending.extend(found.successor.iter().cloned());
            }
            seen.push(code);
        }
        false
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, RegistryData> {
        self.data.read().unwrap_or_else(PoisonError::into_inner)
    }
}

impl RegistryData {
    fn apply_area(&mut self, code: AreaCode, event: AreaEvent) {
        match event {
            AreaEvent::AreaDefined(facts) => {
                self.areas.insert(
                    facts.code.clone(),
                    Area {
                        code: facts.code,
                        name: facts.name,
                        level: facts.level,
                        parent: facts.parent,
                        valid_from: facts.valid_from,
                        valid_to: None,
                        successor: None,
                    },
                );
            }
            AreaEvent::AreaRetired(facts) => {
                if let Some(area) = self.areas.get_mut(&code) {
                    area.valid_to = Some(facts.valid_to);
                    area.successor = facts.successor;
                }
            }
        }
    }

    fn apply_address(&mut self, id: TrustedAddressId, event: TrustedAddressEvent) {
        match event {
            TrustedAddressEvent::Established { facts, pii } => {
                self.addresses.insert(
                    id,
                    TrustedAddress {
                        id,
                        name: pii.map(|pii| pii.name),
                        commune: facts.commune,
                        established_on: facts.established_on,
                        closed_on: None,
                    },
                );
            }
            TrustedAddressEvent::Closed { facts } => {
                if let Some(address) = self.addresses.get_mut(&id) {
                    address.closed_on = Some(facts.closed_on);
                }
            }
        }
    }

    fn apply_user(&mut self, id: UserId, version: u64, event: UserEvent) {
        match event {
            UserEvent::Created { facts, pii } => {
                let Some(pii) = pii else { return };
                self.usernames
                    .insert(crate::domain::username::normalise(&pii.username), id);
                self.users.insert(
                    id,
                    User {
                        id,
                        username: pii.username,
                        full_name: pii.full_name,
                        role: facts.role,
                        area: facts.area,
                        trusted_address: facts.trusted_address,
                        password_hash: pii.password_hash,
                        active: true,
                        pending: false,
                        version,
                    },
                );
            }
            UserEvent::PasswordChanged { pii } => {
                if let (Some(user), Some(pii)) = (self.users.get_mut(&id), pii) {
                    user.password_hash = pii.password_hash;
                    user.version = version;
                }
            }
            UserEvent::Deactivated => {
                if let Some(user) = self.users.get_mut(&id) {
                    user.active = false;
                    user.version = version;
                }
            }
            UserEvent::ApprovalRequested(_) | UserEvent::Approved | UserEvent::Refused => {
                if let Some(user) = self.users.get_mut(&id) {
                    user.pending = matches!(event, UserEvent::ApprovalRequested(_));
                    if matches!(event, UserEvent::Refused) {
                        user.active = false;
                    }
                    user.version = version;
                }
            }
        }
    }
}

/// The statistics read the registry through [`AreaTree`], so they do not depend on it.
impl AreaTree for Registry {
    fn units(&self) -> Vec<Unit> {
        self.areas().into_iter().map(unit).collect()
    }

    fn unit(&self, code: &AreaCode) -> Option<Unit> {
        self.area(code).map(unit)
    }

    fn addresses(&self) -> Vec<AddressFacts> {
        self.trusted_addresses()
            .into_iter()
            .map(|address| AddressFacts {
                id: address.id,
                commune: address.commune,
                established_on: address.established_on,
                closed_on: address.closed_on,
            })
            .collect()
    }

    fn contains(&self, area: &AreaCode, unit: &AreaCode) -> bool {
        self.area_contains(area, unit)
    }
}

fn unit(area: Area) -> Unit {
    Unit {
        code: area.code,
        level: area.level,
        parent: area.parent,
        successor: area.successor,
    }
}
