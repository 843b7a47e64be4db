//! The case index: one summary per case (status, where it is now, when it was opened, risk,
//! follow-ups), behind case lists and the follow-up queue. It holds personal data (the day a
//! case was opened), in memory only, and forgets it when a case is erased: an erased case
//! keeps only the month it was opened, as its facts do.
//!
//! Who may see which case is the HTTP layer's business: queries take a `visible` predicate
//! over a case's trusted address and commune, and never return what it refuses.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use time::Date;

use crate::domain::calendar::YearMonth;
use crate::domain::case::{CaseEvent, CaseState, CaseStatus};
use crate::domain::ids::{AreaCode, CaseId, FollowUpId, TrustedAddressId};
use crate::domain::vocab::RiskLevel;
use crate::projections::event::{Projected, ProjectedEvent};

/// One case as lists show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseSummary {
    pub id: CaseId,
    pub status: CaseStatus,
    pub version: u64,
    /// Where the case is now (after any transfer).
    pub trusted_address: TrustedAddressId,
    pub commune: AreaCode,
    /// The day it was opened; for an erased case, the first day of the month.
    pub opened_on: Date,
    pub risk_level: Option<RiskLevel>,
    /// The earliest due date of a follow-up not yet completed.
    pub next_follow_up: Option<Date>,
}

/// Where a page of a case list starts: after this case in the list's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseCursor {
    pub opened_on: Date,
    pub id: CaseId,
}

/// What a case list asks for. `None` filters match everything; without `status`, erased
/// cases are left out.
#[derive(Clone, Debug, Default)]
pub struct CaseQuery {
    pub status: Option<CaseStatus>,
    pub trusted_address: Option<TrustedAddressId>,
    pub risk_level: Option<RiskLevel>,
    /// Only cases with a follow-up not completed and due before this day.
    pub overdue_on: Option<Date>,
    pub after: Option<CaseCursor>,
    pub limit: usize,
}

/// One page, newest cases first (then by id); `next` is where the following page starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    pub next: Option<CaseCursor>,
}

/// Which follow-ups the queue shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// Due today or later: not overdue yet.
    NotYetOverdue,
    /// Past their due date.
    Overdue,
}

/// A follow-up queue request: open follow-ups of cases not closed or erased.
#[derive(Clone, Copy, Debug)]
pub struct FollowUpQuery {
    pub today: Date,
    pub due: Option<Due>,
    /// Only follow-ups due before this day.
    pub before: Option<Date>,
}

/// A follow-up waiting to be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedFollowUp {
    pub case_id: CaseId,
    pub follow_up_id: FollowUpId,
    pub due_on: Date,
    pub trusted_address: TrustedAddressId,
    pub risk_level: Option<RiskLevel>,
    /// Days past the due date; 0 when not overdue.
    pub days_overdue: i64,
}

/// One case in the index: its folded state and the day it was opened (personal data).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct IndexedCase {
    pub state: CaseState,
    pub opened_on: Option<Date>,
}

/// Every case in the index, as a checkpoint saves and restores it.
pub type CaseTable = HashMap<CaseId, IndexedCase>;

/// The index.
#[derive(Default)]
pub struct CaseIndex {
    cases: RwLock<CaseTable>,
}

/// Counts only: the index holds personal data.
impl std::fmt::Debug for CaseIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseIndex")
            .field("cases", &self.read().len())
            .finish()
    }
}

impl std::fmt::Debug for IndexedCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexedCase")
            .field("status", &self.state.status)
            .field("version", &self.state.version)
            .finish_non_exhaustive()
    }
}

impl CaseIndex {
    /// Apply one event if it belongs to a case stream.
    pub fn apply(&self, event: &ProjectedEvent) {
        let Projected::Case { id, event: decoded } = &event.body else {
            return;
        };
        let id = *id;
        let mut cases = self.cases.write().unwrap_or_else(PoisonError::into_inner);
        let entry = cases.entry(id).or_default();
        entry.state.apply(decoded);
        match decoded {
            CaseEvent::CaseOpened { facts, pii } => {
                entry.opened_on = pii
                    .as_ref()
                    .map(|pii| pii.opened_on)
                    .or_else(|| first_day(facts.month));
            }
            CaseEvent::CaseErased { .. } => {
                entry.opened_on = entry.state.opened_in.and_then(first_day);
            }
            _ => {}
        }
    }

    /// Every case with its state and the day it was opened (personal data), for a
    /// checkpoint.
    pub fn snapshot(&self) -> CaseTable {
        self.read().clone()
    }

    /// Replace every case with a checkpoint's.
    pub fn restore(&self, cases: CaseTable) {
        *self.cases.write().unwrap_or_else(PoisonError::into_inner) = cases;
    }

    /// Every case whose state `keep` accepts, with that state.
    pub fn select(&self, keep: impl Fn(&CaseState) -> bool) -> Vec<(CaseId, CaseState)> {
        self.read()
            .iter()
            .filter(|(_, entry)| keep(&entry.state))
            .map(|(id, entry)| (*id, entry.state.clone()))
            .collect()
    }

    /// The folded state of a case, if the index has it.
    pub fn get(&self, id: &CaseId) -> Option<CaseState> {
        self.read().get(id).map(|entry| entry.state.clone())
    }

    /// The day case `id` was opened (personal data, as the lists show it), if indexed.
    pub fn opened_on(&self, id: &CaseId) -> Option<Date> {
        self.read().get(id).and_then(|entry| entry.opened_on)
    }

    /// A page of the cases `visible` lets through that match `query`.
    pub fn list(
        &self,
        query: &CaseQuery,
        visible: impl Fn(&TrustedAddressId, &AreaCode) -> bool,
    ) -> CasePage {
        let mut matches: Vec<CaseSummary> = self
            .read()
            .iter()
            .filter_map(|(id, entry)| summary(*id, entry))
            .filter(|case| visible(&case.trusted_address, &case.commune))
            .filter(|case| query.matches(case))
            .collect();
        matches.sort_by_key(order);
        let mut items: Vec<CaseSummary> = matches
            .into_iter()
            .filter(|case| {
                query.after.is_none_or(|after| {
                    order(case) > (Reverse(after.opened_on), *after.id.as_uuid())
                })
            })
            .take(query.limit.saturating_add(1))
            .collect();
        let next = if items.len() > query.limit {
            items.truncate(query.limit);
            items.last().map(|last| CaseCursor {
                opened_on: last.opened_on,
                id: last.id,
            })
        } else {
            None
        };
        CasePage { items, next }
    }

    /// Open follow-ups of open cases that `visible` lets through, most overdue first, then
    /// highest risk first.
    pub fn follow_ups(
        &self,
        query: &FollowUpQuery,
        visible: impl Fn(&TrustedAddressId, &AreaCode) -> bool,
    ) -> Vec<QueuedFollowUp> {
        let mut queue: Vec<QueuedFollowUp> = Vec::new();
        for (id, entry) in self.read().iter() {
            let Some(case) = summary(*id, entry) else {
                continue;
            };
            let active = matches!(case.status, CaseStatus::Open | CaseStatus::ClosureRequested);
            if !active || !visible(&case.trusted_address, &case.commune) {
                continue;
            }
            for (follow_up_id, follow_up) in &entry.state.follow_ups {
                if follow_up.outcome.is_some() || !query.matches(follow_up.due_on) {
                    continue;
                }
                queue.push(QueuedFollowUp {
                    case_id: *id,
                    follow_up_id: *follow_up_id,
                    due_on: follow_up.due_on,
                    trusted_address: case.trusted_address,
                    risk_level: case.risk_level,
                    days_overdue: (query.today - follow_up.due_on).whole_days().max(0),
                });
            }
        }
        queue.sort_by_key(|item| {
            (
                Reverse(item.days_overdue),
                Reverse(item.risk_level),
                item.due_on,
                *item.case_id.as_uuid(),
                *item.follow_up_id.as_uuid(),
            )
        });
        queue
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, CaseTable> {
        self.cases.read().unwrap_or_else(PoisonError::into_inner)
    }
}

impl CaseQuery {
    fn matches(&self, case: &CaseSummary) -> bool {
        let status = match self.status {
            Some(status) => case.status == status,
            None => case.status != CaseStatus::Erased,
        };
        status
            && self
                .trusted_address
                .is_none_or(|address| case.trusted_address == address)
            && self
                .risk_level
                .is_none_or(|level| case.risk_level == Some(level))
            && self
                .overdue_on
                .is_none_or(|today| case.next_follow_up.is_some_and(|due| due < today))
    }
}

impl FollowUpQuery {
    fn matches(&self, due_on: Date) -> bool {
        let due = match self.due {
            None => true,
            Some(Due::Overdue) => due_on < self.today,
            Some(Due::NotYetOverdue) => due_on >= self.today,
        };
        due && self.before.is_none_or(|before| due_on < before)
    }
}

/// A case's place in list order: newest first, then by id.
fn order(case: &CaseSummary) -> (Reverse<Date>, uuid::Uuid) {
    (Reverse(case.opened_on), *case.id.as_uuid())
}

fn summary(id: CaseId, entry: &IndexedCase) -> Option<CaseSummary> {
    let state = &entry.state;
    Some(CaseSummary {
        id,
        status: state.status?,
        version: state.version,
        trusted_address: state.trusted_address?,
        commune: state.commune.clone()?,
        opened_on: entry.opened_on?,
        risk_level: state.risk_level,
        next_follow_up: state
            .follow_ups
            .values()
            .filter(|follow_up| follow_up.outcome.is_none())
            .map(|follow_up| follow_up.due_on)
            .min(),
    })
}

fn first_day(month: YearMonth) -> Option<Date> {
    month.first_day()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_personal_data() {
        let opened_on = time::macros::date!(2019 - 03 - 17);
        let case = IndexedCase {
            state: CaseState::default(),
            opened_on: Some(opened_on),
        };
        let index = CaseIndex::default();
        index.restore(CaseTable::from([(
            CaseId::from_uuid(uuid::Uuid::from_u128(7)),
            case.clone(),
        )]));
        for shown in [format!("{case:?}"), format!("{index:?}")] {
            assert!(!shown.contains("2019"), "{shown}");
            assert!(!shown.contains("17"), "{shown}");
        }
        assert!(format!("{index:?}").contains("cases: 1"));
    }
}
