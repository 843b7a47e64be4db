//! Benchmark data: realistic case streams appended in batches, and the fold a replay does.
//!
//! Every event comes from the domain: a command goes through `decide` against the case's
//! current state, and the events it records are applied and encoded, as the server does. Each
//! case is opened with fictional personal data of realistic size, then gets a mix of risk
//! assessments, support, referrals and their outcomes, follow-ups scheduled and completed,
//! notes, the odd review or transfer, and some are closed (by a supervisor, or by a
//! volunteer's request that a supervisor approves).

mod text;

use std::collections::HashMap;

use time::macros::date;
use time::{Date, Duration};
use tincay::domain::case::*;
use tincay::domain::codec::{EncodedEvent, EventCodec};
use tincay::domain::ids::{AreaCode, CaseId, FollowUpId, ReferralId, TrustedAddressId};
use tincay::domain::vocab::*;
use tincay::store::log::{AppendRequest, EventLog, ExpectedVersion, RecordedEvent};
use tincay::store::stream::StreamId;
use uuid::Uuid;

use text::Dice;

/// "Today" for every command: no date in the data is later.
const TODAY: Date = date!(2026 - 11 - 20);
/// Cases are opened from this day on.
const FIRST_DAY: Date = date!(2024 - 01 - 01);
/// Threads appending at once, so that group commit shares each sync among many appends.
const WRITERS: usize = 48;
/// Most events in one append request: a case is appended in one or two requests.
const MAX_BATCH: usize = 10;

/// Append `count` events over cases of about ten events each (6 to 14; the last case of each
/// writer takes what is left).
pub fn fill(log: &EventLog, count: usize) {
    let addresses: Vec<(TrustedAddressId, AreaCode)> = (0..200)
        .map(|i| {
            let address = TrustedAddressId::from_uuid(Uuid::new_v4());
            (
                address,
                AreaCode::parse(&format!("{}", 20_000 + i * 37)).unwrap(),
            )
        })
        .collect();
    let volunteers: Vec<Uuid> = (0..300).map(|_| Uuid::new_v4()).collect();
    std::thread::scope(|scope| {
        for writer in 0..WRITERS {
            let quota = count / WRITERS + usize::from(writer < count % WRITERS);
            let (addresses, volunteers) = (&addresses, &volunteers);
            scope.spawn(move || {
                let mut dice = Dice::new(writer as u64);
                let mut left = quota;
                while left > 0 {
                    let length = (dice.range(6, 14) as usize).min(left);
                    let mut case = Case::open(&mut dice, addresses);
                    case.write(&mut dice, length, addresses);
                    case.append(log, *dice.pick(volunteers));
                    left -= length;
                }
            });
        }
    });
}

/// Decrypted by the log already: decode the event and fold it into its case's state.
pub fn fold(cases: &mut HashMap<StreamId, CaseState>, event: &RecordedEvent) {
    let decoded: CaseEvent = event.decode().unwrap();
    let state = match cases.get_mut(&event.stream) {
        Some(state) => state,
        None => cases.entry(event.stream.clone()).or_default(),
    };
    state.apply(&decoded);
    assert_eq!(state.version, event.stream_version, "{}", event.stream);
}

/// One case being written: its state as the domain folds it, and the events not yet appended.
struct Case {
    stream: StreamId,
    state: CaseState,
    /// The day of the last thing recorded.
    day: Date,
    /// Encoded events, each with the day it records.
    events: Vec<(EncodedEvent, Date)>,
    referrals: Vec<ReferralId>,
    follow_ups: Vec<FollowUpId>,
}

impl Case {
    fn open(dice: &mut Dice, addresses: &[(TrustedAddressId, AreaCode)]) -> Self {
        let id = CaseId::from_uuid(Uuid::new_v4());
        let span = (TODAY - FIRST_DAY).whole_days() as u64 - 120;
        let opened_on = FIRST_DAY + Duration::days(dice.range(0, span) as i64);
        let (address, commune) = dice.pick(addresses).clone();
        let mut violence_types = vec![*dice.pick(ViolenceType::ALL)];
        if dice.chance(60) {
            violence_types.push(ViolenceType::Psychological);
        }
        let ethnicity = if dice.chance(60) {
            Ethnicity::parse("01").unwrap()
        } else {
            Ethnicity::all().nth(dice.range(0, 53) as usize).unwrap()
        };
        let sex = match dice.range(0, 99) {
            0..=89 => Sex::Female,
            90..=97 => Sex::Male,
            _ => Sex::Other,
        };
        let open = OpenCase {
            case_id: id,
            record_key: Uuid::new_v4().as_u128() as u32,
            trusted_address: address,
            commune,
            opened_on,
            referred_by: *dice.pick(ReferredBy::ALL),
            survivor: Survivor {
                name: text::name(dice),
                birth_year: dice.range(1955, 2012) as i32,
                sex,
                ethnicity,
                disability: dice.chance(7),
                contact: dice.chance(80).then(|| text::phone(dice)),
                address: Some(text::address(dice)),
                children_with_her: Some(dice.range(0, 4) as u8),
            },
            violence_types,
            perpetrator: *dice.pick(Perpetrator::ALL),
            risk_level: *dice.pick(RiskLevel::ALL),
            consent: Consent {
                services: true,
                referral: dice.chance(85),
                reporting: dice.chance(80),
            },
            informant: dice.chance(40).then(|| Informant {
                name: Some(text::name(dice)),
                contact: Some(text::phone(dice)),
            }),
            narrative: Some(text::narrative(dice)),
        };
        let mut case = Self {
            stream: StreamId::of("case", &id).unwrap(),
            state: CaseState::default(),
            day: opened_on,
            events: Vec::new(),
            referrals: Vec::new(),
            follow_ups: Vec::new(),
        };
        case.decide(open.into());
        case
    }

    /// Records work on the case until it has `length` events; some cases end closed.
    fn write(
        &mut self,
        dice: &mut Dice,
        length: usize,
        addresses: &[(TrustedAddressId, AreaCode)],
    ) {
        let closes = dice.chance(40);
        while self.events.len() < length {
            let left = length - self.events.len();
            self.day = (self.day + Duration::days(dice.range(0, 9) as i64)).min(TODAY);
            let command = if closes && left == 3 && dice.chance(50) {
                // A volunteer asks; the supervisor's approval records the review and closure.
                self.decide(self.close(dice, Actor::Volunteer));
                ReviewCase {
                    decision: ReviewDecision::Approved,
                    comment: Some("Đồng ý đóng hồ sơ.".into()),
                }
                .into()
            } else if closes && left == 1 {
                self.close(dice, Actor::Supervisor)
            } else {
                self.work(dice, addresses)
            };
            self.decide(command);
        }
    }

    /// One piece of work on an open case, chosen among what the case allows.
    fn work(&mut self, dice: &mut Dice, addresses: &[(TrustedAddressId, AreaCode)]) -> CaseCommand {
        let day = self.day;
        let open_referral = self.referrals.iter().copied().find(|id| {
            self.state
                .referrals
                .get(id)
                .is_some_and(|r| r.last_outcome.is_none())
        });
        let due_follow_up = self.follow_ups.iter().copied().find(|id| {
            self.state
                .follow_ups
                .get(id)
                .is_some_and(|f| f.outcome.is_none())
        });
        let notes = |dice: &mut Dice| dice.chance(70).then(|| text::note(dice));
        match (dice.range(0, 99), open_referral, due_follow_up) {
            (0..=19, Some(referral_id), _) => RecordReferralOutcome {
                referral_id,
                outcome: *dice.pick(ReferralOutcome::ALL),
                recorded_on: day,
                notes: notes(dice),
            }
            .into(),
            (20..=39, _, Some(follow_up_id)) => CompleteFollowUp {
                follow_up_id,
                outcome: *dice.pick(FollowUpOutcome::ALL),
                completed_on: day,
                notes: notes(dice),
            }
            .into(),
            (0..=29, _, _) => {
                let support_type = *dice.pick(SupportType::ALL);
                ProvideSupport {
                    support_type,
                    provided_on: day,
                    nights: (support_type == SupportType::Shelter).then(|| dice.range(1, 7) as u16),
                    by: Some(text::name(dice)),
                    notes: notes(dice),
                }
                .into()
            }
            (30..=44, _, _) if self.state.consent.referral => {
                let id = ReferralId::from_uuid(Uuid::new_v4());
                self.referrals.push(id);
                MakeReferral {
                    referral_id: id,
                    target: *dice.pick(ReferralTarget::ALL),
                    made_on: day,
                    organisation: Some(text::organisation(dice)),
                    contact_person: dice.chance(50).then(|| text::name(dice)),
                    notes: notes(dice),
                }
                .into()
            }
            (45..=59, _, _) => {
                let id = FollowUpId::from_uuid(Uuid::new_v4());
                self.follow_ups.push(id);
                ScheduleFollowUp {
                    follow_up_id: id,
                    due_on: day + Duration::days(dice.range(3, 14) as i64),
                    method: *dice.pick(FollowUpMethod::ALL),
                }
                .into()
            }
            (60..=69, _, _) => AssessRisk {
                risk_level: *dice.pick(RiskLevel::ALL),
                assessed_on: day,
                notes: notes(dice),
            }
            .into(),
            (70..=71, _, _) => {
                let (address, commune) = dice.pick(addresses).clone();
                match self.state.trusted_address {
                    Some(current) if current == address => AddNote {
                        text: text::note(dice),
                    }
                    .into(),
                    _ => TransferCase {
                        trusted_address: address,
                        commune,
                        reason: Some("Chị chuyển về ở với gia đình mẹ đẻ.".into()),
                    }
                    .into(),
                }
            }
            (72..=74, _, _) => ReviewCase {
                decision: ReviewDecision::ActionRequested,
                comment: Some("Cần cập nhật kết quả chuyển gửi và lịch theo dõi.".into()),
            }
            .into(),
            _ => AddNote {
                text: text::note(dice),
            }
            .into(),
        }
    }

    fn close(&self, dice: &mut Dice, by: Actor) -> CaseCommand {
        CloseCase {
            by,
            reason: *dice.pick(CloseReason::ALL),
            closed_on: self.day,
            notes: Some(text::note(dice)),
        }
        .into()
    }

    /// What the server does with a command: decide, apply, encode.
    fn decide(&mut self, command: CaseCommand) {
        for event in decide(&self.state, command, TODAY).unwrap() {
            self.state.apply(&event);
            self.events.push((event.encode().unwrap(), self.day));
        }
    }

    /// Appends the case's events in as few requests of up to `MAX_BATCH` events as it takes,
    /// of even sizes, each expecting the stream's exact version and recorded on the day of its
    /// last event.
    fn append(self, log: &EventLog, actor: Uuid) {
        let mut events = self.events;
        let size = events.len().div_ceil(events.len().div_ceil(MAX_BATCH));
        let mut version = 0;
        while !events.is_empty() {
            let rest = events.split_off(size.min(events.len()));
            let (batch, days): (Vec<_>, Vec<_>) =
                std::mem::replace(&mut events, rest).into_iter().unzip();
            let count = batch.len() as u64;
            log.append_blocking(AppendRequest {
                stream: self.stream.clone(),
                expected: ExpectedVersion::Exact(version),
                events: batch,
                idempotency: None,
                actor: Some(actor),
                recorded_at: days.last().unwrap().midnight().assume_utc() + Duration::hours(10),
                erase: false,
            })
            .unwrap();
            version += count;
        }
        assert_eq!(version, self.state.version);
    }
}
