//! The case index: one summary per case (status, where it is, risk, follow-ups), for case
//! lists, scope checks and the follow-up queue. Holds personal data (the opening date), in
//! memory only.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use crate::domain::case::{CaseEvent, CaseState};
use crate::domain::codec::DecodeError;
use crate::domain::ids::CaseId;
use crate::store::log::RecordedEvent;

/// The index. The case helper grows this into lists and queues.
#[derive(Debug, Default)]
pub struct CaseIndex {
    cases: RwLock<HashMap<CaseId, CaseState>>,
}

impl CaseIndex {
    /// Apply one event if it belongs to a case stream.
    pub fn apply(&self, event: &RecordedEvent) -> Result<(), DecodeError> {
        if event.stream.kind() != "case" {
            return Ok(());
        }
        let Some(id) = event
            .stream
            .as_str()
            .strip_prefix("case-")
            .and_then(|raw| uuid::Uuid::parse_str(raw).ok())
            .map(CaseId::from_uuid)
        else {
            return Ok(());
        };
        let decoded: CaseEvent = event.decode()?;
        self.cases
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(id)
            .or_default()
            .apply(&decoded);
        Ok(())
    }

    /// The folded state of a case, if the index has it.
    pub fn get(&self, id: &CaseId) -> Option<CaseState> {
        self.cases
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }
}
