//! The statistics' table of facts: every case and every event counted in statistics, as
//! compact rows, and how one case event changes them (the projection that feeds it from the
//! log is [`crate::projections::stats`]). Facts only, so erasing a case (which destroys its
//! personal part) changes nothing here; `case_erased` is ignored on purpose.
//!
//! SECURITY-SENSITIVE: it holds every case's record key and the events' keys, the secrets of
//! the perturbation. They leave it only inside the encrypted checkpoint, never in `Debug`.

use std::collections::HashMap;

use uuid::Uuid;

use crate::domain::case::CaseEvent;
use crate::domain::case::facts::CaseOpenedFacts;
use crate::domain::ids::{AreaCode, CaseId, TrustedAddressId};
use crate::domain::vocab::{
    AgeBand, CloseReason, FollowUpOutcome, GbvimsType, ReferralOutcome, ReferralTarget, ReferredBy,
    RiskLevel, Sex, SupportType, ViolenceType,
};
use crate::stats::disclosure::{RecordKey, StatisticsSecret};
use crate::stats::facts::{
    CANCELLED, COMPLETED, CaseRecord, DISABILITY, Kind, Month, ON_TIME, REPORTING, Row, UNKEYED,
    UNKNOWN, day_number, index_of,
};

/// Where a case was: a trusted address and its commune as the facts coded it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub trusted_address: TrustedAddressId,
    pub commune: AreaCode,
}

/// A referral or follow-up: the case and the row that created it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub case: u32,
    pub row: u32,
}

/// Everything the projection holds.
#[derive(Default)]
pub struct StatsData {
    pub(crate) cases: Vec<CaseRecord>,
    /// The id of each case, by index.
    pub(crate) ids: Vec<CaseId>,
    pub(crate) index: HashMap<CaseId, u32>,
    pub(crate) places: Vec<Place>,
    pub(crate) place_index: HashMap<Place, u32>,
    /// Referrals (kept: an outcome may be recorded more than once) and follow-ups not yet
    /// completed.
    pub(crate) links: HashMap<Uuid, Link>,
    /// Rows whose key is still a stream version.
    pub(crate) unkeyed: usize,
}

impl std::fmt::Debug for StatsData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatsData")
            .field("cases", &self.cases.len())
            .field("places", &self.places.len())
            .finish_non_exhaustive()
    }
}

impl StatsData {
    pub fn cases(&self) -> &[CaseRecord] {
        &self.cases
    }

    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// Whether every row has its record key (false until the secret is given).
    pub fn is_keyed(&self) -> bool {
        self.unkeyed == 0
    }
}

impl StatsData {
    /// Fold one case event, the `version`-th of its stream, into the rows (`secret`: to key
    /// the rows it makes, if already given).
    pub fn apply(
        &mut self,
        secret: Option<&StatisticsSecret>,
        id: CaseId,
        version: u32,
        event: &CaseEvent,
    ) {
        if let CaseEvent::CaseOpened { facts, .. } = event {
            self.open(id, facts);
            return;
        }
        let Some(index) = self.index.get(&id).copied() else {
            return;
        };
        let Some(case) = self.cases.get(index as usize) else {
            return;
        };
        // Cases without reporting consent are one total of cases opened; nothing more.
        if !case.has(REPORTING) {
            return;
        }
        let risk = case.risk;
        let place = case.place;
        let row = |kind: Kind, month: Month, code: u8| Row {
            key: version,
            place,
            month,
            extra: 0,
            kind,
            code,
            aux: 0,
            risk_and_flag: risk | UNKEYED,
        };
        match event {
            CaseEvent::RiskAssessed { facts, .. } => {
                self.case_mut(index, |case| {
                    case.risk = index_of(RiskLevel::ALL, &facts.risk_level);
                });
            }
            CaseEvent::CaseTransferred { facts, .. } => {
                let place = self.place(Place {
                    trusted_address: facts.trusted_address,
                    commune: facts.commune.clone(),
                });
                self.case_mut(index, |case| case.place = place);
            }
            CaseEvent::SupportProvided { facts, .. } => {
                let code = index_of(SupportType::ALL, &facts.support_type);
                let mut support = row(Kind::Support, Month::of(facts.month), code);
                support.extra = facts.nights.unwrap_or(0);
                self.push(secret, index, support);
            }
            CaseEvent::ReferralMade { facts, .. } => {
                let code = index_of(ReferralTarget::ALL, &facts.target);
                let at = self.push(
                    secret,
                    index,
                    row(Kind::ReferralMade, Month::of(facts.month), code),
                );
                self.links.insert(
                    *facts.referral_id.as_uuid(),
                    Link {
                        case: index,
                        row: at,
                    },
                );
            }
            CaseEvent::ReferralOutcomeRecorded { facts, .. } => {
                let code = index_of(ReferralOutcome::ALL, &facts.outcome);
                let mut outcome = row(Kind::ReferralOutcome, Month::of(facts.month), code);
                outcome.aux = self
                    .linked(facts.referral_id.as_uuid())
                    .map_or(UNKNOWN, |referral| referral.code);
                self.push(secret, index, outcome);
            }
            CaseEvent::FollowUpScheduled { facts } => {
                let mut scheduled = row(Kind::FollowUpScheduled, Month::of_date(facts.due_on), 0);
                scheduled.extra = day_number(facts.due_on);
                let at = self.push(secret, index, scheduled);
                self.links.insert(
                    *facts.follow_up_id.as_uuid(),
                    Link {
                        case: index,
                        row: at,
                    },
                );
            }
            CaseEvent::FollowUpCompleted { facts, .. } => {
                let on_time = if facts.on_time { ON_TIME } else { 0 };
                if let Some(link) = self.links.remove(facts.follow_up_id.as_uuid()) {
                    self.row_mut(link, |row| {
                        row.aux = (row.aux & !CANCELLED) | COMPLETED | on_time
                    });
                }
                let code = index_of(FollowUpOutcome::ALL, &facts.outcome);
                let mut completed = row(Kind::FollowUpCompleted, Month::of(facts.month), code);
                completed.aux = on_time;
                self.push(secret, index, completed);
            }
            CaseEvent::CaseClosed { facts, .. } => {
                let month = Month::of(facts.month);
                self.case_mut(index, |case| {
                    // A follow-up not yet due when the case closes is not overdue, ever.
                    for row in &mut case.rows {
                        if row.kind == Kind::FollowUpScheduled
                            && row.aux & COMPLETED == 0
                            && row.month >= month
                        {
                            row.aux |= CANCELLED;
                        }
                    }
                });
                let code = index_of(CloseReason::ALL, &facts.reason);
                self.push(secret, index, row(Kind::Closed, month, code));
            }
            CaseEvent::CaseReopened { .. } => {
                self.case_mut(index, |case| {
                    for row in &mut case.rows {
                        if row.kind == Kind::FollowUpScheduled && row.aux & COMPLETED == 0 {
                            row.aux &= !CANCELLED;
                        }
                    }
                });
            }
            // Erasure keeps the facts: statistics must not change.
            CaseEvent::CaseOpened { .. }
            | CaseEvent::NoteAdded { .. }
            | CaseEvent::CaseReviewed { .. }
            | CaseEvent::CaseClosureRequested { .. }
            | CaseEvent::CaseErased { .. } => {}
        }
    }

    fn open(&mut self, id: CaseId, facts: &CaseOpenedFacts) {
        if self.index.contains_key(&id) {
            return;
        }
        let Ok(index) = u32::try_from(self.cases.len()) else {
            return;
        };
        let place = self.place(Place {
            trusted_address: facts.trusted_address,
            commune: facts.commune.clone(),
        });
        let violence = facts
            .violence_types
            .iter()
            .map(|kind| 1_u16 << index_of(ViolenceType::ALL, kind))
            .fold(0, |mask, bit| mask | bit);
        let risk = index_of(RiskLevel::ALL, &facts.risk_level);
        let mut flags = 0;
        if facts.disability {
            flags |= DISABILITY;
        }
        if facts.consent.reporting {
            flags |= REPORTING;
        }
        let opened = Row {
            key: facts.record_key,
            place,
            month: Month::of(facts.month),
            extra: 0,
            kind: Kind::Opened,
            code: 0,
            aux: 0,
            risk_and_flag: risk,
        };
        self.cases.push(CaseRecord {
            key: facts.record_key,
            place,
            violence,
            sex: index_of(Sex::ALL, &facts.sex),
            age_band: index_of(AgeBand::ALL, &facts.age_band),
            ethnicity: ethnicity_index(facts.ethnicity.code()),
            referred_by: index_of(ReferredBy::ALL, &facts.referred_by),
            gbvims: index_of(GbvimsType::ALL, &facts.gbvims_type),
            risk,
            flags,
            rows: vec![opened],
        });
        self.ids.push(id);
        self.index.insert(id, index);
    }

    /// Append a row to a case, keyed now if the secret is known; its index in the case.
    fn push(&mut self, secret: Option<&StatisticsSecret>, case: u32, mut row: Row) -> u32 {
        let Some(record) = self.cases.get_mut(case as usize) else {
            return u32::MAX;
        };
        match secret {
            Some(secret) => {
                row.key = secret
                    .event_key(RecordKey::new(record.key), u64::from(row.key))
                    .get();
                row.risk_and_flag &= !UNKEYED;
            }
            None => self.unkeyed += 1,
        }
        record.rows.push(row);
        u32::try_from(record.rows.len() - 1).unwrap_or(u32::MAX)
    }

    fn linked(&self, id: &Uuid) -> Option<Row> {
        let link = self.links.get(id)?;
        self.cases
            .get(link.case as usize)?
            .rows
            .get(link.row as usize)
            .copied()
    }

    fn row_mut(&mut self, link: Link, change: impl FnOnce(&mut Row)) {
        if let Some(row) = self
            .cases
            .get_mut(link.case as usize)
            .and_then(|case| case.rows.get_mut(link.row as usize))
        {
            change(row);
        }
    }

    fn case_mut(&mut self, index: u32, change: impl FnOnce(&mut CaseRecord)) {
        if let Some(case) = self.cases.get_mut(index as usize) {
            change(case);
        }
    }

    fn place(&mut self, place: Place) -> u32 {
        if let Some(index) = self.place_index.get(&place) {
            return *index;
        }
        let index = u32::try_from(self.places.len()).unwrap_or(u32::MAX);
        self.places.push(place.clone());
        self.place_index.insert(place, index);
        index
    }

    /// Derive the key of every row that has none yet.
    pub fn key_all(&mut self, secret: &StatisticsSecret) {
        for case in &mut self.cases {
            let case_key = RecordKey::new(case.key);
            for row in case.rows.iter_mut().filter(|row| !row.is_keyed()) {
                row.key = secret.event_key(case_key, u64::from(row.key)).get();
                row.risk_and_flag &= !UNKEYED;
            }
        }
        self.unkeyed = 0;
    }
}

/// `01`..=`54` → 0..=53.
fn ethnicity_index(code: &str) -> u8 {
    code.parse::<u8>()
        .map_or(0, |number| number.saturating_sub(1))
}
