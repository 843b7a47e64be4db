//! The demo's cases: about 500 over the last two years, each opened at one of the six
//! addresses and run through its [`journey`] by `decide`, so every event the
//! demo writes is one the lifecycle rules accept. Volunteers act at their own address, each
//! province's supervisor reviews, closes, transfers and erases.

use time::{Date, Duration};
use uuid::Uuid;

use super::DemoError;
use super::journey::{self, Who};
use super::people;
use super::places::{self, Places};
use super::plan::Plan;
use super::rng::Rng;
use crate::domain::case::{CaseCommand, CaseState, CaseStatus, OpenCase, decide};
use crate::domain::codec::EventCodec;
use crate::domain::ids::{CaseId, TrustedAddressId};
use crate::store::stream::StreamId;

/// How the cases ended up, for the summary `tincay demo` prints.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub cases: usize,
    pub open: usize,
    pub closure_requested: usize,
    pub closed: usize,
    pub erased: usize,
    /// Follow-ups due before today and not completed, on cases not closed or erased.
    pub overdue_follow_ups: usize,
}

/// How busy each address is, relative to the others.
const ADDRESS_WEIGHTS: [u32; 6] = [22, 18, 12, 16, 18, 14];

/// Plan `count` cases opened over the two years before `today`.
pub fn plan(
    plan: &mut Plan,
    rng: &mut Rng,
    today: Date,
    places: &Places,
    count: usize,
) -> Result<Tally, DemoError> {
    let mut tally = Tally::default();
    for _ in 0..count {
        let opened_on = today - Duration::days(rng.between(0, 730));
        let open_then: Vec<(usize, u32)> = places
            .addresses
            .iter()
            .enumerate()
            .filter(|(_, address)| address.established_on <= opened_on)
            .map(|(index, _)| (index, ADDRESS_WEIGHTS.get(index).copied().unwrap_or(10)))
            .collect();
        let Some(address) = rng
            .weighted(&open_then)
            .and_then(|index| places.addresses.get(index))
        else {
            continue;
        };
        let commune_name = places::area_name(address.commune.as_str());
        let person = people::person(rng, address.province, commune_name, opened_on)?;
        let open = OpenCase {
            case_id: CaseId::from_uuid(rng.uuid()),
            record_key: record_key(rng),
            trusted_address: address.id,
            commune: address.commune.clone(),
            opened_on,
            referred_by: person.referred_by,
            survivor: person.survivor.clone(),
            violence_types: person.violence_types.clone(),
            perpetrator: person.perpetrator,
            risk_level: person.risk_level,
            consent: person.consent,
            informant: person.informant.clone(),
            narrative: Some(person.narrative.clone()),
        };
        let id = open.case_id;
        let transfer_to = places
            .addresses
            .iter()
            .find(|other| other.province == address.province && other.id != address.id);
        let script = journey::script(rng, today, open, &person, transfer_to);
        let state = run(plan, rng, places, id, script)?;
        count_in(&mut tally, &state, today);
    }
    Ok(tally)
}

/// Decide every step of `script` in date order and plan the events.
fn run(
    plan: &mut Plan,
    rng: &mut Rng,
    places: &Places,
    id: CaseId,
    mut script: journey::Script,
) -> Result<CaseState, DemoError> {
    script.steps.sort_by_key(|step| step.on);
    let stream = StreamId::case(&id);
    let mut state = CaseState::default();
    for step in script.steps {
        let erase = matches!(step.command, CaseCommand::EraseCase(_));
        let kind = command_name(&step.command);
        // The address the case is at when the step is done (a transfer moves it).
        let address = match &step.command {
            CaseCommand::OpenCase(open) => Some(open.trusted_address),
            _ => state.trusted_address,
        };
        let actor = actor(places, address, step.who);
        let events =
            decide(&state, step.command, step.on).map_err(|rejection| DemoError::Rejected {
                command: kind,
                rejection,
            })?;
        events.iter().for_each(|event| state.apply(event));
        let encoded = events
            .iter()
            .map(|event| event.encode().map_err(DemoError::Encode))
            .collect::<Result<Vec<_>, _>>()?;
        let minute = rng.below(600) as u16;
        plan.push(stream.clone(), step.on, minute, encoded, actor, erase);
    }
    Ok(state)
}

/// The user who does a step at `address`: its volunteer, or its province's supervisor.
fn actor(places: &Places, address: Option<TrustedAddressId>, who: Who) -> Option<Uuid> {
    let address = places
        .addresses
        .iter()
        .find(|candidate| Some(candidate.id) == address)?;
    match who {
        Who::Volunteer => Some(address.volunteer),
        Who::Supervisor => places.supervisors.get(address.province).copied(),
    }
}

fn command_name(command: &CaseCommand) -> &'static str {
    match command {
        CaseCommand::OpenCase(_) => "open",
        CaseCommand::AssessRisk(_) => "risk",
        CaseCommand::ProvideSupport(_) => "support",
        CaseCommand::MakeReferral(_) => "referral",
        CaseCommand::RecordReferralOutcome(_) => "referral outcome",
        CaseCommand::ScheduleFollowUp(_) => "follow-up",
        CaseCommand::CompleteFollowUp(_) => "follow-up completion",
        CaseCommand::AddNote(_) => "note",
        CaseCommand::ReviewCase(_) => "review",
        CaseCommand::TransferCase(_) => "transfer",
        CaseCommand::CloseCase(_) => "close",
        CaseCommand::ReopenCase(_) => "reopen",
        CaseCommand::EraseCase(_) => "erase",
    }
}

fn count_in(tally: &mut Tally, state: &CaseState, today: Date) {
    tally.cases += 1;
    match state.status {
        Some(CaseStatus::Open) => tally.open += 1,
        Some(CaseStatus::ClosureRequested) => tally.closure_requested += 1,
        Some(CaseStatus::Closed) => tally.closed += 1,
        Some(CaseStatus::Erased) => tally.erased += 1,
        None => {}
    }
    if matches!(
        state.status,
        Some(CaseStatus::Open | CaseStatus::ClosureRequested)
    ) {
        tally.overdue_follow_ups += state
            .follow_ups
            .values()
            .filter(|follow_up| follow_up.outcome.is_none() && follow_up.due_on < today)
            .count();
    }
}

/// A case's record key: from the operating system's random source, never from the seeded
/// stream that also draws the case ids a supervisor sees (from which the keys could be
/// recomputed and the perturbation inverted). The stream still takes its draw, so a seed
/// gives the same cases as before.
fn record_key(rng: &mut Rng) -> u32 {
    let _unused = rng.next_u32();
    rand_core::RngCore::next_u32(&mut rand_core::OsRng)
}
