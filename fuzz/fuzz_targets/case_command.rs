//! A case command's JSON body through the server's own path (`src/app/cases/`): the raw
//! body type, its `parse` into a domain command, `decide` on a case in the right state,
//! then each event's encoding and decoding. Never panics; no body parses to a 5xx; and every
//! event an accepted body records round-trips: it encodes, the writer's decode-before-append
//! check accepts it, and it decodes to the very event `decide` made.
//!
//! Input: a selector byte (which command, see `COMMANDS`), then the body.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use time::Date;
use time::macros::date;
use tincay::app::cases::bodies::*;
use tincay::app::cases::opening::OpenCaseBody;
use tincay::app::input::Body as RawBody;
use tincay::domain::case::{Actor, CaseCommand, CaseEvent, CaseState, OpenCase, decide};
use tincay::domain::codec::{EventCodec, PiiState, StoredEvent};
use tincay::domain::ids::{AreaCode, CaseId, FollowUpId, ReferralId, TrustedAddressId};
use tincay::http::error::ApiError;
use tincay::store::log::round_trip::round_trips;
use tincay::store::stream::StreamId;
use uuid::Uuid;

#[global_allocator]
static ALLOCATOR: tincay_fuzz::Limited = tincay_fuzz::Limited;

const TODAY: Date = date!(2026 - 11 - 20);
const CASE: CaseId = CaseId::from_uuid(Uuid::from_u128(0xca5e));
const ADDRESS: TrustedAddressId = TrustedAddressId::from_uuid(Uuid::from_u128(0xadd1));
const REFERRAL: ReferralId = ReferralId::from_uuid(Uuid::from_u128(0x4ef));
const FOLLOW_UP: FollowUpId = FollowUpId::from_uuid(Uuid::from_u128(0xf011));

/// The state a command is judged in.
#[derive(Clone, Copy)]
enum On {
    /// No case yet.
    Nothing,
    /// Open, with referral `REFERRAL` and follow-up `FOLLOW_UP`.
    Open,
    /// Open, with a volunteer's closure request.
    ClosureRequested,
    Closed,
}

type Parse = fn(&RawBody) -> Result<CaseCommand, ApiError>;

/// Every command, by selector: its body's parsing, and the state it is decided in.
const COMMANDS: &[(Parse, On)] = &[
    (|body| open(body.parse::<OpenCaseBody>()?), On::Nothing),
    (
        |body| Ok(body.parse::<SupportBody>()?.parse(TODAY)?),
        On::Open,
    ),
    (
        |body| {
            Ok(body
                .parse::<ReferralBody>()?
                .parse(ReferralId::from_uuid(Uuid::from_u128(9)), TODAY)?)
        },
        On::Open,
    ),
    (
        |body| {
            Ok(body
                .parse::<ReferralOutcomeBody>()?
                .parse(REFERRAL, TODAY)?)
        },
        On::Open,
    ),
    (
        |body| {
            Ok(body
                .parse::<FollowUpBody>()?
                .parse(FollowUpId::from_uuid(Uuid::from_u128(9)), TODAY)?)
        },
        On::Open,
    ),
    (
        |body| {
            Ok(body
                .parse::<CompleteFollowUpBody>()?
                .parse(FOLLOW_UP, TODAY)?)
        },
        On::Open,
    ),
    (|body| Ok(body.parse::<NoteBody>()?.parse()?), On::Open),
    (|body| Ok(body.parse::<RiskBody>()?.parse(TODAY)?), On::Open),
    (
        |body| Ok(body.parse::<CloseBody>()?.parse(Actor::Volunteer, TODAY)?),
        On::Open,
    ),
    (
        |body| Ok(body.parse::<CloseBody>()?.parse(Actor::Supervisor, TODAY)?),
        On::Open,
    ),
    (
        |body| Ok(body.parse::<ReviewBody>()?.parse()?),
        On::ClosureRequested,
    ),
    (|body| Ok(body.parse::<ReopenBody>()?.parse()?), On::Closed),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let Some(&(parse, on)) = COMMANDS.get(usize::from(selector) % COMMANDS.len()) else {
        return;
    };
    match parse(&RawBody::json(body.to_vec())) {
        Ok(command) => {
            record(&states().get(on), command);
        }
        Err(error) => {
            let (status, _) = error.status_and_code();
            assert!(status.is_client_error(), "a body answered {status}");
        }
    }
});

/// `decide`, then each event through the codec and the writer's check, folded into the case.
fn record(state: &CaseState, command: CaseCommand) -> CaseState {
    let mut state = state.clone();
    let Ok(events) = decide(&state, command, TODAY) else {
        return state;
    };
    let stream = StreamId::case(&CASE);
    for event in events {
        let encoded = event
            .encode()
            .expect("an event decide made does not encode");
        assert!(
            round_trips(&stream, &encoded),
            "{} is refused by decode-before-append",
            encoded.event_type
        );
        let stored = StoredEvent {
            event_type: encoded.event_type,
            schema_version: encoded.schema_version,
            facts: &encoded.facts,
            pii: encoded
                .pii
                .as_deref()
                .map_or(PiiState::Absent, PiiState::Present),
        };
        let decoded = CaseEvent::decode(stored).expect("an event decide made does not decode");
        assert!(
            decoded == event,
            "{} decodes to another event",
            encoded.event_type
        );
        state.apply(&decoded);
    }
    state
}

/// `POST /cases`'s command, at the fixed address.
fn open(body: OpenCaseBody) -> Result<CaseCommand, ApiError> {
    let parsed = body.parse(TODAY)?;
    Ok(OpenCase {
        case_id: CASE,
        record_key: 0x5eed,
        trusted_address: ADDRESS,
        commune: AreaCode::parse("23287").expect("a commune code"),
        opened_on: parsed.opened_on,
        referred_by: parsed.referred_by,
        survivor: parsed.survivor,
        violence_types: parsed.violence_types,
        perpetrator: parsed.perpetrator,
        risk_level: parsed.risk_level,
        consent: parsed.consent,
        informant: parsed.informant,
        narrative: parsed.narrative,
    }
    .into())
}

struct States {
    open: CaseState,
    closure_requested: CaseState,
    closed: CaseState,
}

impl States {
    fn get(&self, on: On) -> CaseState {
        match on {
            On::Nothing => CaseState::default(),
            On::Open => self.open.clone(),
            On::ClosureRequested => self.closure_requested.clone(),
            On::Closed => self.closed.clone(),
        }
    }
}

/// The states, made through the same path from fixed bodies.
fn states() -> &'static States {
    static STATES: OnceLock<States> = OnceLock::new();
    STATES.get_or_init(|| {
        let step = |state: &CaseState, parsed: Result<CaseCommand, ApiError>| {
            let after = record(state, parsed.expect("a fixed body parses"));
            assert!(after != *state, "a fixed command was refused");
            after
        };
        let body = |json: &str| RawBody::json(json.as_bytes().to_vec());
        let opened = step(
            &CaseState::default(),
            body(OPENING)
                .parse::<OpenCaseBody>()
                .map_err(ApiError::from)
                .and_then(open),
        );
        let referred = step(
            &opened,
            body(r#"{"target": "legal_aid", "made_on": "2026-11-19"}"#)
                .parse::<ReferralBody>()
                .and_then(|b| b.parse(REFERRAL, TODAY))
                .map_err(ApiError::from),
        );
        let open = step(
            &referred,
            body(r#"{"due_on": "2026-11-27", "method": "visit"}"#)
                .parse::<FollowUpBody>()
                .and_then(|b| b.parse(FOLLOW_UP, TODAY))
                .map_err(ApiError::from),
        );
        let close = r#"{"reason": "safe", "closed_on": "2026-11-20"}"#;
        let closure_requested = step(
            &open,
            body(close)
                .parse::<CloseBody>()
                .and_then(|b| b.parse(Actor::Volunteer, TODAY))
                .map_err(ApiError::from),
        );
        let closed = step(
            &open,
            body(close)
                .parse::<CloseBody>()
                .and_then(|b| b.parse(Actor::Supervisor, TODAY))
                .map_err(ApiError::from),
        );
        States {
            open,
            closure_requested,
            closed,
        }
    })
}

const OPENING: &str = r#"{
    "opened_on": "2026-11-18",
    "referred_by": "neighbour",
    "survivor": {"name": "Y Hơ Niê (fictional)", "birth_year": 1994, "sex": "female",
                 "ethnicity": "11", "disability": false, "children_with_her": 2},
    "violence_types": ["physical", "psychological"],
    "perpetrator": "spouse",
    "risk_level": "high",
    "consent": {"services": true, "referral": true, "reporting": true}
}"#;
