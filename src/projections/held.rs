//! The held records of the offline outbox ([`crate::domain::held`]) as the lists need them:
//! each record's routing facts (owner, form, case, why, its trusted address and commune),
//! when the server held it, and whether it still waits. No personal data: what she wrote
//! stays in the record's own stream, under its own key, read only when a record is opened
//! ([`crate::app::held::open`]). So the case list's "records need attention" count and the
//! "needs attention" list read no held stream, however many there are.
//!
//! Fed by `held_record_received` (waiting) and `held_record_resolved` (resolved) of the
//! `held-<uuid>` streams; `held_record_listed` (the `held-index` stream) says nothing the
//! received event does not. Saved in the checkpoint, rebuilt by `tincay rebuild`.

use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::held::{HeldEvent, HeldFacts};
use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::projections::event::{Projected, ProjectedEvent};

/// One held record, without what she wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldRow {
    pub facts: HeldFacts,
    #[serde(with = "time::serde::rfc3339")]
    pub held_at: OffsetDateTime,
    /// Applied, adjusted or discarded: it no longer waits.
    pub resolved: bool,
}

/// Every held record, by id.
pub type HeldTable = BTreeMap<Uuid, HeldRow>;

/// The held records projection.
#[derive(Debug, Default)]
pub struct HeldIndex {
    rows: RwLock<HeldTable>,
}

impl HeldIndex {
    pub fn apply(&self, event: &ProjectedEvent) {
        let Projected::Held { id, event: held } = &event.body else {
            return;
        };
        let mut rows = self.rows.write().unwrap_or_else(PoisonError::into_inner);
        match held {
            HeldEvent::Received { facts, .. } => {
                rows.entry(*id).or_insert_with(|| HeldRow {
                    facts: facts.clone(),
                    held_at: event.recorded_at,
                    resolved: false,
                });
            }
            HeldEvent::Resolved { .. } => {
                if let Some(row) = rows.get_mut(id) {
                    row.resolved = true;
                }
            }
            HeldEvent::Listed { .. } => {}
        }
    }

    /// The records that wait and `visible` lets through (by trusted address and commune),
    /// oldest first.
    pub fn waiting(
        &self,
        visible: impl Fn(&TrustedAddressId, &AreaCode) -> bool,
    ) -> Vec<(Uuid, HeldRow)> {
        let rows = self.rows.read().unwrap_or_else(PoisonError::into_inner);
        let mut found: Vec<(Uuid, HeldRow)> = rows
            .iter()
            .filter(|(_, row)| !row.resolved)
            .filter(|(_, row)| visible(&row.facts.trusted_address, &row.facts.commune))
            .map(|(id, row)| (*id, row.clone()))
            .collect();
        found.sort_by_key(|(id, row)| (row.held_at, *id));
        found
    }

    /// How many records wait that `visible` lets through.
    pub fn count_waiting(&self, visible: impl Fn(&TrustedAddressId, &AreaCode) -> bool) -> usize {
        self.rows
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .filter(|row| !row.resolved)
            .filter(|row| visible(&row.facts.trusted_address, &row.facts.commune))
            .count()
    }

    /// One record, waiting or resolved.
    pub fn get(&self, id: &Uuid) -> Option<HeldRow> {
        self.rows
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// The whole table, for a checkpoint.
    pub fn snapshot(&self) -> HeldTable {
        self.rows
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Start from a checkpoint's table.
    pub fn restore(&self, table: HeldTable) {
        *self.rows.write().unwrap_or_else(PoisonError::into_inner) = table;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::held::{HeldForm, HeldReason, HeldResolution, HeldResolvedFacts};
    use crate::domain::ids::UserId;
    use time::macros::datetime;

    fn facts(address: u128) -> HeldFacts {
        HeldFacts {
            owner: UserId::from_uuid(Uuid::from_u128(1)),
            form: HeldForm::Support,
            case: None,
            item: None,
            version: Some(3),
            sealed_at_ms: 1,
            reason: HeldReason::Closed,
            trusted_address: TrustedAddressId::from_uuid(Uuid::from_u128(address)),
            commune: AreaCode::parse("23284").unwrap(),
        }
    }

    fn event(position: u64, id: u128, event: HeldEvent) -> ProjectedEvent {
        ProjectedEvent {
            position,
            stream_version: 1,
            recorded_at: datetime!(2026-11-20 03:00 UTC) + time::Duration::minutes(position as i64),
            body: Projected::Held {
                id: Uuid::from_u128(id),
                event,
            },
        }
    }

    #[test]
    fn a_resolved_record_and_another_addresss_record_do_not_wait_for_her() {
        let index = HeldIndex::default();
        for (position, id, address) in [(1, 10, 100), (2, 11, 100), (3, 12, 200)] {
            index.apply(&event(
                position,
                id,
                HeldEvent::Received {
                    facts: facts(address),
                    pii: None,
                },
            ));
        }
        index.apply(&event(
            4,
            11,
            HeldEvent::Resolved {
                facts: HeldResolvedFacts {
                    resolution: HeldResolution::Discarded,
                },
            },
        ));
        let hers = |address: &TrustedAddressId, _: &AreaCode| {
            *address == TrustedAddressId::from_uuid(Uuid::from_u128(100))
        };
        assert_eq!(index.count_waiting(hers), 1);
        let waiting = index.waiting(hers);
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].0, Uuid::from_u128(10));
        assert!(index.get(&Uuid::from_u128(11)).unwrap().resolved);
        let restored = HeldIndex::default();
        restored.restore(index.snapshot());
        assert_eq!(restored.count_waiting(hers), 1);
    }
}
