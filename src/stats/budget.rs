//! The statistics query budget and its audit (API.md, "Statistics"): each reporting officer
//! may ask for a number of *distinct* tables per rolling 30 days (default 500); asking the
//! exact same table again is free, since it gives the same numbers. The averaging attack
//! needs many different overlapping tables, so the budget bounds it; the audit lets a
//! supervisor see who asks for many tables about one small area.
//!
//! The ledger is kept in memory and filled at start from the access log's `stats_queried`
//! entries of the last 30 days (the server's recording is the source of truth), so a
//! restart neither forgets nor double-counts. Time is a parameter, never read here.
//!
//! A query is identified by its *normalised* form ([`normalise`]): its parameters in a
//! fixed order, dimensions sorted, so `by=sex,age_band` and `by=age_band,sex` (the same
//! cells) are one table, and JSON and CSV are one table.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, PoisonError};

use time::{Date, Duration, OffsetDateTime};

use crate::domain::ids::{AreaCode, UserId};

/// The rolling window.
pub const WINDOW: Duration = Duration::days(30);
/// The default number of distinct tables per officer per window.
pub const DEFAULT_BUDGET: u32 = 500;
/// More distinct tables than this on one commune in the window flags the officer.
pub const FLAG_TABLES_ON_ONE_COMMUNE: usize = 20;

/// One query as the ledger and the access log keep it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Normalised(pub String);

/// The normalised form of a query: `key=value` pairs in the order given, with `by`'s
/// dimensions sorted.
pub fn normalise(pairs: &[(&str, String)]) -> Normalised {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        if *name == "by" {
            let mut dims: Vec<&str> = value.split(',').filter(|d| !d.is_empty()).collect();
            dims.sort_unstable();
            out.push_str(&dims.join(","));
        } else {
            out.push_str(value);
        }
    }
    Normalised(out)
}

/// One recorded query.
#[derive(Clone, Debug)]
struct Entry {
    at: OffsetDateTime,
    query: Normalised,
    /// The asked area, when it is a commune (for the overlap flag).
    commune: Option<AreaCode>,
}

/// What charging a query did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charge {
    /// A table not asked in the window: counted.
    Counted,
    /// The same table again: free.
    Repeat,
    /// Not counted against a budget (a supervisor's query), but recorded.
    Unlimited,
}

/// The budget is spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the statistics budget is spent until {renews_on}")]
pub struct Exhausted {
    /// The day the oldest counted table leaves the window.
    pub renews_on: Date,
}

/// One officer's use of statistics in the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    pub user: UserId,
    /// Distinct tables in the window.
    pub tables: usize,
    /// Queries in the window, repeats included.
    pub queries: usize,
    /// Communes with more than [`FLAG_TABLES_ON_ONE_COMMUNE`] distinct tables, and how many.
    pub flagged: Vec<(AreaCode, usize)>,
}

/// Every officer's recorded queries.
#[derive(Debug, Default)]
pub struct Ledger {
    entries: Mutex<HashMap<UserId, Vec<Entry>>>,
}

impl Ledger {
    /// Charge `query` to `user` at `now`: free when the same table was asked in the window,
    /// refused when `limit` distinct tables were (`None`: no limit).
    pub fn charge(
        &self,
        user: UserId,
        query: &Normalised,
        commune: Option<AreaCode>,
        limit: Option<u32>,
        now: OffsetDateTime,
    ) -> Result<Charge, Exhausted> {
        let mut all = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entries = all.entry(user).or_default();
        entries.retain(|entry| entry.at > now - WINDOW);
        let repeat = entries.iter().any(|entry| &entry.query == query);
        let charge = match (repeat, limit) {
            (true, _) => Charge::Repeat,
            (false, None) => Charge::Unlimited,
            (false, Some(limit)) => {
                let distinct: BTreeSet<&Normalised> = entries.iter().map(|e| &e.query).collect();
                if distinct.len() >= limit as usize {
                    let oldest = entries.iter().map(|e| e.at).min().unwrap_or(now);
                    return Err(Exhausted {
                        renews_on: (oldest + WINDOW).date(),
                    });
                }
                Charge::Counted
            }
        };
        entries.push(Entry {
            at: now,
            query: query.clone(),
            commune,
        });
        Ok(charge)
    }

    /// Fill from recorded queries (at start, from the access log).
    pub fn load(&self, recorded: impl IntoIterator<Item = (UserId, OffsetDateTime, Normalised)>) {
        let mut all = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        for (user, at, query) in recorded {
            let commune = commune_of(&query);
            all.entry(user)
                .or_default()
                .push(Entry { at, query, commune });
        }
    }

    /// Every officer's use in the window ending `now`, most tables first.
    pub fn usage(&self, now: OffsetDateTime) -> Vec<Usage> {
        let all = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let mut usage: Vec<Usage> = all
            .iter()
            .map(|(user, entries)| {
                let recent: Vec<&Entry> = entries.iter().filter(|e| e.at > now - WINDOW).collect();
                let distinct: BTreeSet<&Normalised> = recent.iter().map(|e| &e.query).collect();
                let mut by_commune: BTreeMap<&AreaCode, BTreeSet<&Normalised>> = BTreeMap::new();
                for entry in &recent {
                    if let Some(commune) = &entry.commune {
                        by_commune.entry(commune).or_default().insert(&entry.query);
                    }
                }
                Usage {
                    user: *user,
                    tables: distinct.len(),
                    queries: recent.len(),
                    flagged: by_commune
                        .into_iter()
                        .filter(|(_, tables)| tables.len() > FLAG_TABLES_ON_ONE_COMMUNE)
                        .map(|(commune, tables)| (commune.clone(), tables.len()))
                        .collect(),
                }
            })
            .filter(|usage| usage.queries > 0)
            .collect();
        usage.sort_by(|a, b| b.tables.cmp(&a.tables).then(a.user.cmp(&b.user)));
        usage
    }
}

/// The commune a normalised query names as its area, if it names one at commune level
/// (five digits, the GSO's commune codes).
pub fn commune_of(query: &Normalised) -> Option<AreaCode> {
    query
        .0
        .split('&')
        .find_map(|pair| pair.strip_prefix("area="))
        .filter(|code| code.len() == 5)
        .and_then(|code| AreaCode::parse(code).ok())
}
