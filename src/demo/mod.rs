//! `tincay demo`'s data set: realistic and entirely fictional. Two fictional provinces with
//! districts and communes (official code formats, codes no real unit uses, names marked
//! *hư cấu*), six trusted addresses, a user per role and a volunteer per address, and about
//! 500 cases over the two years before today, each with support, referrals and their
//! outcomes, follow-ups (some overdue), reviews, closures, a few transfers, reopenings and
//! erasures (which destroy the case's key, as a real erasure does).
//!
//! Everything goes through the domain (`decide`) and [`EventLog::append`], exactly as the
//! API would write it, so the demo exercises the same rules, encryption and chain.
//!
//! - [`rng`]: the seeded generator; [`plan`]: collecting, ordering and writing the appends;
//!   [`texts`]: fictional names, narratives and notes.
//! - [`places`]: areas, addresses and users; [`people`]: survivors; [`journey`]: one case's
//!   dated commands, [`closing`] how it ends; [`cases`]: running them through `decide`.
//!
//! Demo passwords are not stored anywhere in clear: each is derived from the master key and
//! the username ([`password`]), so `tincay demo` can print them again on every start and
//! nobody without the key can know them.

pub mod cases;
pub mod closing;
pub mod journey;
pub mod people;
pub mod places;
pub mod plan;
pub mod rng;
pub mod texts;

#[cfg(test)]
mod tests;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::domain::case::Rejection;
use crate::domain::registry::RegistryRejection;
use crate::store::crypto::MasterKey;
use crate::store::log::{AppendError, EventLog};

pub use cases::Tally;
pub use places::{DemoUser, users};

/// How many cases the demo opens.
pub const CASES: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo data set is wrong: {command} refused: {rejection}")]
    Rejected {
        command: &'static str,
        rejection: Rejection,
    },
    #[error("the demo registry is wrong: {0}")]
    Registry(#[from] RegistryRejection),
    #[error("the demo data set has an invalid {0}")]
    Data(&'static str),
    #[error("an event cannot be encoded: {0}")]
    Encode(serde_json::Error),
    #[error("a demo password cannot be hashed")]
    Hash,
    #[error("the demo data set cannot be written: {0}")]
    Append(#[from] AppendError),
}

/// The planned data set.
#[derive(Debug)]
pub struct DataSet {
    pub appends: Vec<plan::Planned>,
    pub tally: Tally,
    pub events: usize,
}

/// Generate the data set as of `now` (its `today` is Vietnam's), with `seed`, and users whose
/// passwords `password` gives.
pub fn generate(
    now: OffsetDateTime,
    today: time::Date,
    seed: u64,
    cases: usize,
    password: &dyn Fn(&str) -> String,
) -> Result<DataSet, DemoError> {
    let mut rng = rng::Rng::seeded(seed);
    let mut plan = plan::Plan::new(now);
    let places = places::plan(&mut plan, &mut rng, today, password)?;
    let tally = cases::plan(&mut plan, &mut rng, today, &places, cases)?;
    let (_, events) = plan.size();
    Ok(DataSet {
        appends: plan.into_ordered(),
        tally,
        events,
    })
}

/// Write the data set; returns the last position written.
pub async fn load(log: &EventLog, data: DataSet) -> Result<u64, DemoError> {
    Ok(plan::write(log, data.appends).await?)
}

/// The demo password of `username` under `master`: 16 letters and digits in four groups,
/// from HMAC-SHA-256 keyed with the master key.
pub fn password(master: &MasterKey, username: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let key = master.to_base64();
    let digest = match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(mut mac) => {
            mac.update(b"tincay demo password v1\0");
            mac.update(username.as_bytes());
            mac.finalize().into_bytes()
        }
        Err(_) => Default::default(),
    };
    let mut out = String::with_capacity(19);
    for (index, byte) in digest.iter().take(16).enumerate() {
        if index > 0 && index % 4 == 0 {
            out.push('-');
        }
        let letter = ALPHABET
            .get(usize::from(*byte) % ALPHABET.len())
            .copied()
            .unwrap_or(b'x');
        out.push(char::from(letter));
    }
    out
}
