//! Personal data never leaves its envelope: a whole case journey, and registry entries, with
//! a unique canary string in every personal field; afterwards no file under the data
//! directory contains any canary, and neither does the `Debug` output of any command or event.

use std::collections::BTreeSet;
use std::path::Path;

use time::macros::date;
use tincay::domain::case::{Actor, Consent, Informant};
use tincay::domain::case::{
    AddNote, AssessRisk, CaseCommand, CaseEvent, CaseState, CloseCase, CompleteFollowUp,
    MakeReferral, OpenCase, ProvideSupport, RecordReferralOutcome, ReopenCase, ReviewCase,
    ScheduleFollowUp, Survivor, TransferCase, decide,
};
use tincay::domain::codec::EventCodec;
use tincay::domain::ids::{AreaCode, CaseId, FollowUpId, ReferralId, TrustedAddressId, UserId};
use tincay::domain::registry::trusted_address::{
    self, TrustedAddressCommand, TrustedAddressEstablishedFacts, TrustedAddressEstablishedPii,
    TrustedAddressState,
};
use tincay::domain::registry::user::{
    self, UserCommand, UserCreatedFacts, UserCreatedPii, UserState,
};
use tincay::domain::vocab::*;
use tincay::store::log::{AppendRequest, ExpectedVersion};
use tincay::store::stream::StreamId;
use uuid::Uuid;

use crate::support::*;

/// Unique strings, one per personal field; some Vietnamese, so UTF-8 is exercised.
struct Canaries(BTreeSet<String>);

impl Canaries {
    fn new() -> Self {
        Self(BTreeSet::new())
    }
    fn next(&mut self, field: &str) -> String {
        let canary = format!("Nguyễn-Thị-{field}-{}", Uuid::new_v4().simple());
        self.0.insert(canary.clone());
        canary
    }
}

fn append_case(
    t: &TestLog,
    state: &mut CaseState,
    stream: &StreamId,
    command: CaseCommand,
    debug: &mut String,
) {
    debug.push_str(&format!("{command:?}"));
    let events = decide(state, command, date!(2026 - 11 - 20)).unwrap();
    debug.push_str(&format!("{events:?}"));
    let encoded = events.iter().map(|e| e.encode().unwrap()).collect();
    t.append(AppendRequest {
        stream: stream.clone(),
        expected: ExpectedVersion::Exact(state.version),
        events: encoded,
        idempotency: None,
        actor: Some(Uuid::new_v4()),
        recorded_at: now(),
        erase: false,
    });
    for event in &events {
        state.apply(event);
    }
}

/// Every file under `dir`, recursively, with its bytes.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

#[test]
fn no_personal_field_reaches_any_file_of_the_data_directory_or_any_debug_output() {
    let t = TestLog::new();
    let mut c = Canaries::new();
    let mut debug = String::new();
    let commune = AreaCode::parse("23716").unwrap();
    let address = TrustedAddressId::from_uuid(Uuid::new_v4());
    let case = CaseId::from_uuid(Uuid::new_v4());
    let stream = StreamId::of("case", &case.as_uuid()).unwrap();
    let mut state = CaseState::default();
    let open = OpenCase {
        case_id: case,
        record_key: 12345,
        trusted_address: address,
        commune: commune.clone(),
        opened_on: date!(2026 - 11 - 01),
        referred_by: ReferredBy::Neighbour,
        survivor: Survivor {
            name: c.next("name"),
            birth_year: 1994,
            sex: Sex::Female,
            ethnicity: Ethnicity::parse("11").unwrap(),
            disability: false,
            contact: Some(c.next("contact")),
            address: Some(c.next("address")),
            children_with_her: Some(2),
        },
        violence_types: vec![ViolenceType::Physical, ViolenceType::Psychological],
        perpetrator: Perpetrator::Spouse,
        risk_level: RiskLevel::High,
        consent: Consent {
            services: true,
            referral: true,
            reporting: true,
        },
        informant: Some(Informant {
            name: Some(c.next("informant-name")),
            contact: Some(c.next("informant-contact")),
        }),
        narrative: Some(c.next("narrative")),
    };
    let referral_id = ReferralId::from_uuid(Uuid::new_v4());
    let follow_up_id = FollowUpId::from_uuid(Uuid::new_v4());
    let journey: Vec<CaseCommand> = vec![
        open.into(),
        AssessRisk {
            risk_level: RiskLevel::Medium,
            assessed_on: date!(2026 - 11 - 02),
            notes: Some(c.next("risk-notes")),
        }
        .into(),
        ProvideSupport {
            support_type: SupportType::Shelter,
            provided_on: date!(2026 - 11 - 02),
            nights: Some(3),
            by: Some(c.next("support-by")),
            notes: Some(c.next("support-notes")),
        }
        .into(),
        MakeReferral {
            referral_id,
            target: ReferralTarget::Health,
            made_on: date!(2026 - 11 - 03),
            organisation: Some(c.next("organisation")),
            contact_person: Some(c.next("contact-person")),
            notes: Some(c.next("referral-notes")),
        }
        .into(),
        RecordReferralOutcome {
            referral_id,
            outcome: ReferralOutcome::Completed,
            recorded_on: date!(2026 - 11 - 04),
            notes: Some(c.next("outcome-notes")),
        }
        .into(),
        ScheduleFollowUp {
            follow_up_id,
            due_on: date!(2026 - 11 - 10),
            method: FollowUpMethod::Visit,
        }
        .into(),
        CompleteFollowUp {
            follow_up_id,
            outcome: FollowUpOutcome::Safe,
            completed_on: date!(2026 - 11 - 09),
            notes: Some(c.next("follow-up-notes")),
        }
        .into(),
        AddNote {
            text: c.next("note"),
        }
        .into(),
        ReviewCase {
            decision: ReviewDecision::ActionRequested,
            comment: Some(c.next("review-comment")),
        }
        .into(),
        TransferCase {
            trusted_address: TrustedAddressId::from_uuid(Uuid::new_v4()),
            commune,
            reason: Some(c.next("transfer-reason")),
        }
        .into(),
        CloseCase {
            by: Actor::Volunteer,
            reason: CloseReason::Safe,
            closed_on: date!(2026 - 11 - 15),
            notes: Some(c.next("closure-notes")),
        }
        .into(),
        ReviewCase {
            decision: ReviewDecision::Approved,
            comment: Some(c.next("approval-comment")),
        }
        .into(),
        ReopenCase {
            reason: c.next("reopen-reason"),
        }
        .into(),
    ];
    for command in journey {
        append_case(&t, &mut state, &stream, command, &mut debug);
    }

    let place = trusted_address::decide(
        &TrustedAddressState::default(),
        TrustedAddressCommand::Establish {
            facts: TrustedAddressEstablishedFacts {
                commune: AreaCode::parse("23716").unwrap(),
                established_on: date!(2025 - 01 - 01),
            },
            pii: TrustedAddressEstablishedPii {
                name: c.next("address-name"),
            },
        },
        date!(2026 - 11 - 20),
    )
    .unwrap();
    debug.push_str(&format!("{place:?}"));
    t.append(request(
        &format!("address-{}", address.as_uuid()),
        ExpectedVersion::NoStream,
        place.iter().map(|e| e.encode().unwrap()).collect(),
    ));
    let account = user::decide(
        &UserState::default(),
        UserCommand::Create {
            facts: UserCreatedFacts {
                role: Role::Volunteer,
                area: None,
                trusted_address: Some(address),
            },
            pii: UserCreatedPii {
                username: c.next("username"),
                password_hash: c.next("password-hash"),
                full_name: Some(c.next("full-name")),
            },
            held: false,
        },
    )
    .unwrap();
    debug.push_str(&format!("{account:?}"));
    let user_id = UserId::from_uuid(Uuid::new_v4());
    t.append(request(
        &format!("user-{}", user_id.as_uuid()),
        ExpectedVersion::NoStream,
        account.iter().map(|e| e.encode().unwrap()).collect(),
    ));

    // The canaries are really there, through the log.
    let stored = t.log.read_stream(&stream).unwrap();
    let decrypted: String = stored
        .iter()
        .filter_map(pii_json)
        .map(|p| p.to_string())
        .collect();
    let case_canaries =
        c.0.iter()
            .filter(|k| decrypted.contains(k.as_str()))
            .count();
    assert!(
        case_canaries >= 20,
        "only {case_canaries} canaries read back"
    );
    let decoded: Vec<CaseEvent> = stored.iter().map(|e| e.decode().unwrap()).collect();
    assert_eq!(CaseState::from_events(&decoded), state);

    let t = t.reopen(); // everything flushed and the store reopened: files are settled
    let dir = t.dir.path().to_owned();
    let all = files(&dir);
    assert!(!all.is_empty());
    for canary in &c.0 {
        for (path, bytes) in &all {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "a personal field is in the clear in {}",
                path.display()
            );
        }
        assert!(
            !debug.contains(canary.as_str()),
            "a personal field is in Debug output"
        );
    }
}
