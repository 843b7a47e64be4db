//! The demo's registry: two fictional provinces with their districts and communes, six
//! trusted addresses, and the users (one admin, a supervisor per province, a reporting
//! officer, a volunteer per address), all made through the registry's `decide`.
//!
//! Codes follow the official format (2-digit province, 3-digit district, 5-digit commune)
//! but lie outside the ranges real units use (provinces end at 96), and every name says
//! *hư cấu* (fictional).

use time::{Date, Duration};
use uuid::Uuid;

use super::DemoError;
use super::plan::Plan;
use super::rng::Rng;
use crate::domain::codec::EventCodec;
use crate::domain::ids::{AreaCode, TrustedAddressId, UserId};
use crate::domain::registry::area::{self, AreaCommand, AreaDefinedFacts, AreaState};
use crate::domain::registry::trusted_address::{
    self, TrustedAddressCommand, TrustedAddressEstablishedFacts, TrustedAddressEstablishedPii,
    TrustedAddressState,
};
use crate::domain::registry::user::{
    self, UserCommand, UserCreatedFacts, UserCreatedPii, UserState,
};
use crate::domain::vocab::{AreaLevel, Role};
use crate::store::stream::StreamId;

/// `(code, name, parent)`; the level follows from the code's length.
const AREAS: [(&str, &str, Option<&str>); 13] = [
    ("98", "Tỉnh Núi Mây (hư cấu)", None),
    ("980", "Huyện Đá Xanh (hư cấu)", Some("98")),
    ("981", "Huyện Suối Ngọc (hư cấu)", Some("98")),
    ("98001", "Xã Hoa Ban (hư cấu)", Some("980")),
    ("98004", "Xã Suối Bạc (hư cấu)", Some("980")),
    ("98007", "Xã Đồi Mây (hư cấu)", Some("981")),
    ("98010", "Xã Làng Mới (hư cấu)", Some("981")),
    ("99", "Tỉnh Sông Trăng (hư cấu)", None),
    ("990", "Huyện Bến Đá (hư cấu)", Some("99")),
    ("991", "Huyện Cây Đa (hư cấu)", Some("99")),
    ("99001", "Xã Bến Đá (hư cấu)", Some("990")),
    ("99004", "Xã Thác Bạc (hư cấu)", Some("990")),
    ("99007", "Xã Cây Đa (hư cấu)", Some("991")),
];

/// One trusted address: `(commune, name, its volunteer's username, established days ago)`.
const ADDRESSES: [(&str, &str, &str, i64); 6] = [
    (
        "98001",
        "Nhà bà Đinh Thị Hoa, thôn Hoa Ban (hư cấu)",
        "tnv.hoaban",
        1100,
    ),
    (
        "98004",
        "Nhà bà Y Liên, làng Suối Bạc (hư cấu)",
        "tnv.suoibac",
        1000,
    ),
    (
        "98007",
        "Nhà bà Rơ Châm H'Mai, làng Đồi Mây (hư cấu)",
        "tnv.doimay",
        240,
    ),
    (
        "98010",
        "Nhà bà Lê Thị Thu, thôn Làng Mới (hư cấu)",
        "tnv.langmoi",
        950,
    ),
    (
        "99001",
        "Nhà bà Giàng Thị Dua, bản Bến Đá (hư cấu)",
        "tnv.benda",
        1050,
    ),
    (
        "99007",
        "Nhà bà Hà Thị Xuân, bản Cây Đa (hư cấu)",
        "tnv.cayda",
        900,
    ),
];

/// The name of a demo area.
pub fn area_name(code: &str) -> &'static str {
    AREAS
        .iter()
        .find(|(candidate, _, _)| *candidate == code)
        .map_or("(hư cấu)", |(_, name, _)| name)
}

/// A user of the demo, for printing.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub username: &'static str,
    pub role: Role,
    /// What the user is bound to, in words.
    pub scope: String,
}

/// Every user of the demo, in the order they are printed.
pub fn users() -> Vec<DemoUser> {
    let mut users = vec![
        DemoUser {
            username: "admin",
            role: Role::Admin,
            scope: "the deployment; never reads a case".into(),
        },
        DemoUser {
            username: "giamsat.numay",
            role: Role::Supervisor,
            scope: "province 98 Núi Mây".into(),
        },
        DemoUser {
            username: "giamsat.songtrang",
            role: Role::Supervisor,
            scope: "province 99 Sông Trăng".into(),
        },
        DemoUser {
            username: "baocao.numay",
            role: Role::Reporting,
            scope: "province 98 Núi Mây; statistics only".into(),
        },
    ];
    users.extend(ADDRESSES.iter().map(|(commune, _, username, _)| DemoUser {
        username,
        role: Role::Volunteer,
        scope: format!("the trusted address in commune {commune}"),
    }));
    users
}

/// A trusted address of the demo and who works there.
#[derive(Debug, Clone)]
pub struct Address {
    pub id: TrustedAddressId,
    pub commune: AreaCode,
    /// 0 for Núi Mây, 1 for Sông Trăng.
    pub province: usize,
    pub established_on: Date,
    pub volunteer: Uuid,
}

/// What the cases need to know of the registry.
#[derive(Debug)]
pub struct Places {
    pub addresses: Vec<Address>,
    /// The supervisor of each province.
    pub supervisors: [Uuid; 2],
}

fn code(text: &str) -> Result<AreaCode, DemoError> {
    AreaCode::parse(text).map_err(|_| DemoError::Data("an area code"))
}

/// Plan the registry's events; `password` gives each username's password.
pub fn plan(
    plan: &mut Plan,
    rng: &mut Rng,
    today: Date,
    password: &dyn Fn(&str) -> String,
) -> Result<Places, DemoError> {
    let defined_on = today - Duration::days(6 * 365);
    for (raw, name, parent) in AREAS {
        let level = match raw.len() {
            2 => AreaLevel::Province,
            3 => AreaLevel::District,
            _ => AreaLevel::Commune,
        };
        let facts = AreaDefinedFacts {
            code: code(raw)?,
            name: name.to_owned(),
            level,
            parent: parent.map(code).transpose()?,
            valid_from: defined_on,
        };
        let stream = StreamId::area(&facts.code);
        let events = area::decide(&AreaState::default(), AreaCommand::Define(facts))?;
        plan.push(stream, defined_on, 0, encode(&events)?, None, false);
    }

    let users_on = today - Duration::days(2 * 365 + 30);
    let mut users = Users {
        plan,
        rng,
        password,
    };
    users.create("admin", Role::Admin, None, None, users_on)?;
    let supervisors = [
        users.create(
            "giamsat.numay",
            Role::Supervisor,
            Some("98"),
            None,
            users_on,
        )?,
        users.create(
            "giamsat.songtrang",
            Role::Supervisor,
            Some("99"),
            None,
            users_on,
        )?,
    ];
    users.create("baocao.numay", Role::Reporting, Some("98"), None, users_on)?;

    let mut addresses = Vec::new();
    for (commune, name, username, days_ago) in ADDRESSES {
        let id = TrustedAddressId::from_uuid(users.rng.uuid());
        let established_on = today - Duration::days(days_ago);
        let command = TrustedAddressCommand::Establish {
            facts: TrustedAddressEstablishedFacts {
                commune: code(commune)?,
                established_on,
            },
            pii: TrustedAddressEstablishedPii {
                name: name.to_owned(),
            },
        };
        let events = trusted_address::decide(&TrustedAddressState::default(), command, today)?;
        let stream = StreamId::trusted_address(&id);
        users
            .plan
            .push(stream, established_on, 60, encode(&events)?, None, false);
        let volunteer = users.create(
            username,
            Role::Volunteer,
            None,
            Some(id),
            established_on.max(users_on),
        )?;
        addresses.push(Address {
            id,
            commune: code(commune)?,
            province: usize::from(commune.starts_with("99")),
            established_on,
            volunteer,
        });
    }
    Ok(Places {
        addresses,
        supervisors,
    })
}

/// Creates the demo's users.
struct Users<'a> {
    plan: &'a mut Plan,
    rng: &'a mut Rng,
    password: &'a dyn Fn(&str) -> String,
}

impl Users<'_> {
    /// A user with `role`, bound to `area` or `address` as the role needs, created `on`.
    fn create(
        &mut self,
        username: &str,
        role: Role,
        area: Option<&str>,
        address: Option<TrustedAddressId>,
        on: Date,
    ) -> Result<Uuid, DemoError> {
        let facts = UserCreatedFacts {
            role,
            area: area.map(code).transpose()?,
            trusted_address: address,
        };
        let password_hash =
            crate::auth::password::hash(&(self.password)(username)).map_err(|_| DemoError::Hash)?;
        let pii = UserCreatedPii {
            username: username.to_owned(),
            password_hash,
            full_name: super::texts::staff_name(username).map(str::to_owned),
        };
        let events = user::decide(
            &UserState::default(),
            UserCommand::Create {
                facts,
                pii,
                held: false,
            },
        )?;
        let id = self.rng.uuid();
        let stream = StreamId::user(&UserId::from_uuid(id));
        self.plan
            .push(stream, on, 30, encode(&events)?, None, false);
        Ok(id)
    }
}

fn encode<E: EventCodec>(
    events: &[E],
) -> Result<Vec<crate::domain::codec::EncodedEvent>, DemoError> {
    events
        .iter()
        .map(|event| event.encode().map_err(DemoError::Encode))
        .collect()
}
