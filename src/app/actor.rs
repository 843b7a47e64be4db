//! Who acts: [`CurrentUser`], an authenticated, active user (the adapters authenticate: a
//! bearer token, a session cookie), and one type per role or set of roles a use case asks
//! for ([`CaseWorker`], [`Supervisor`], …). The one role check is `TryFrom<CurrentUser>`:
//! another role is [`AppError::Forbidden`], so a use case's signature says who may call it.

use crate::app::error::AppError;
use crate::domain::ids::{AreaCode, TrustedAddressId, UserId};
use crate::domain::vocab::Role;

/// An authenticated, active user.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: UserId,
    pub role: Role,
    pub area: Option<AreaCode>,
    pub trusted_address: Option<TrustedAddressId>,
}

macro_rules! role {
    ($(#[$meta:meta])* $name:ident, $($role:path),+) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub struct $name(pub CurrentUser);

        /// The one role check: both adapters make it through this.
        impl TryFrom<CurrentUser> for $name {
            type Error = AppError;

            fn try_from(user: CurrentUser) -> Result<Self, AppError> {
                match user.role {
                    $($role)|+ => Ok($name(user)),
                    _ => Err(AppError::Forbidden),
                }
            }
        }
    };
}

role!(
    /// A volunteer at a trusted address.
    Volunteer, Role::Volunteer
);
role!(
    /// A Women's Union supervisor of an area.
    Supervisor, Role::Supervisor
);
role!(
    /// A reporting officer of an area.
    Reporter, Role::Reporting
);
role!(
    /// The deployment's administrator (never reads case content).
    Admin, Role::Admin
);
role!(
    /// Someone who works on cases: a volunteer or a supervisor.
    CaseWorker, Role::Volunteer, Role::Supervisor
);
role!(
    /// Someone who may read statistics: a reporting officer or a supervisor.
    StatsReader, Role::Reporting, Role::Supervisor
);
role!(
    /// Someone who audits statistics queries: a supervisor or an admin.
    StatsAuditor, Role::Supervisor, Role::Admin
);
