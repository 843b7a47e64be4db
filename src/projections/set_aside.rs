//! Case streams set aside: when an event of a case stream cannot be decoded (a bug, an old
//! binary, a restored backup), the projections set that case's stream aside instead of
//! stopping: the event and every later event of the same stream are not applied, the case
//! answers 503 `case_unavailable`, and everything else keeps working. Statistics say how
//! many events they exclude; `/metrics` and the log name the first position.
//!
//! Nothing here is saved: a checkpoint is not saved while a stream is set aside (see
//! [`crate::projections::checkpoint::save`]), so a restart meets the event again and sets the
//! stream aside again, and a binary that can read it (an upcaster), after `tincay rebuild`,
//! brings the case back.

use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock};

use crate::domain::ids::CaseId;

/// One case stream set aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aside {
    /// The position of the event that could not be decoded.
    pub position: u64,
    /// Events of the stream not applied: that one and every later one.
    pub excluded: u64,
}

/// What is set aside, in numbers only (no case ids): for metrics and statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AsideSummary {
    pub cases: u64,
    pub excluded_events: u64,
    /// The lowest position that could not be decoded (0: none).
    pub first_position: u64,
}

/// The case streams set aside.
#[derive(Debug, Default)]
pub struct SetAside {
    cases: RwLock<BTreeMap<CaseId, Aside>>,
}

impl SetAside {
    /// Set `case` aside at the undecodable event at `position` (counted as excluded).
    pub fn set_aside(&self, case: CaseId, position: u64) {
        let mut cases = self.cases.write().unwrap_or_else(PoisonError::into_inner);
        let aside = cases.entry(case).or_insert(Aside {
            position,
            excluded: 0,
        });
        aside.excluded += 1;
    }

    /// If `case` is set aside, count one more of its events as excluded and say so.
    pub fn exclude(&self, case: &CaseId) -> bool {
        if self.is_empty() {
            return false;
        }
        let mut cases = self.cases.write().unwrap_or_else(PoisonError::into_inner);
        match cases.get_mut(case) {
            Some(aside) => {
                aside.excluded += 1;
                true
            }
            None => false,
        }
    }

    /// Where `case` was set aside, if it was.
    pub fn get(&self, case: &CaseId) -> Option<Aside> {
        self.cases
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(case)
            .copied()
    }

    pub fn is_empty(&self) -> bool {
        self.cases
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    pub fn summary(&self) -> AsideSummary {
        let cases = self.cases.read().unwrap_or_else(PoisonError::into_inner);
        AsideSummary {
            cases: cases.len() as u64,
            excluded_events: cases.values().map(|aside| aside.excluded).sum(),
            first_position: cases
                .values()
                .map(|aside| aside.position)
                .min()
                .unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_set_aside_counts_every_later_event_and_others_are_untouched() {
        let set_aside = SetAside::default();
        let (bad, good) = (
            CaseId::from_uuid(uuid::Uuid::from_u128(1)),
            CaseId::from_uuid(uuid::Uuid::from_u128(2)),
        );
        assert!(!set_aside.exclude(&bad));
        set_aside.set_aside(bad, 7);
        assert!(set_aside.exclude(&bad));
        assert!(!set_aside.exclude(&good));
        assert_eq!(
            set_aside.get(&bad),
            Some(Aside {
                position: 7,
                excluded: 2
            })
        );
        assert_eq!(
            set_aside.summary(),
            AsideSummary {
                cases: 1,
                excluded_events: 2,
                first_position: 7
            }
        );
    }
}
