//! One fictional case's journey as a script of dated commands: opened, supported, referred,
//! followed up, sometimes transferred, reviewed, closed, reopened or erased. Nothing is
//! decided here: [`cases`](super::cases) runs the script through `decide`, which enforces the
//! lifecycle rules; a script only keeps its dates in an order those rules accept (a case
//! closes after everything else, an outcome comes after its referral, ...).

use time::{Date, Duration};

use super::closing;
use super::people::Person;
use super::places::Address;
use super::rng::Rng;
use super::texts::{NOTES, organisation};
use crate::domain::case::*;
use crate::domain::ids::{FollowUpId, ReferralId};
use crate::domain::vocab::*;

/// Who does a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Volunteer,
    Supervisor,
}

/// One dated command.
#[derive(Debug)]
pub struct Step {
    pub on: Date,
    pub who: Who,
    pub command: CaseCommand,
}

/// The steps of one case, in the order they were written; steps after today are dropped.
#[derive(Debug)]
pub struct Script {
    today: Date,
    pub steps: Vec<Step>,
    /// The latest date of any step written, dropped or not: later steps go after it.
    pub(super) latest: Date,
}

impl Script {
    pub(super) fn add(&mut self, on: Date, who: Who, command: impl Into<CaseCommand>) {
        self.latest = self.latest.max(on);
        if on <= self.today {
            self.steps.push(Step {
                on,
                who,
                command: command.into(),
            });
        }
    }
}

pub(super) fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// The script of a case opened on `open.opened_on`. `transfer_to` is another address of the
/// same province, if there is one.
pub fn script(
    rng: &mut Rng,
    today: Date,
    open: OpenCase,
    person: &Person,
    transfer_to: Option<&Address>,
) -> Script {
    let o = open.opened_on;
    let consent = open.consent;
    let risk = open.risk_level;
    let mut script = Script {
        today,
        steps: Vec::new(),
        latest: o,
    };
    script.add(o, Who::Volunteer, open);
    support(rng, &mut script, o, person);
    if consent.referral {
        referrals(rng, &mut script, o);
    }
    if rng.percent(20) {
        let level = rng.pick(RiskLevel::ALL).unwrap_or(RiskLevel::Medium);
        let on = o + days(rng.between(7, 40));
        let notes = Some("Đánh giá lại sau khi gặp gia đình.".to_owned());
        let assess = AssessRisk {
            risk_level: level,
            assessed_on: on,
            notes,
        };
        script.add(on, Who::Volunteer, assess);
    }
    if rng.percent(30) {
        let text = rng.pick(NOTES).unwrap_or("Đã hỏi thăm.").to_owned();
        script.add(
            o + days(rng.between(1, 40)),
            Who::Volunteer,
            AddNote { text },
        );
    }
    let followed_up = follow_ups(rng, &mut script, o, risk);
    if let Some(target) = transfer_to.filter(|_| rng.percent(3)) {
        let on = o + days(rng.between(3, 20));
        if target.established_on <= on {
            let transfer = TransferCase {
                trusted_address: target.id,
                commune: target.commune.clone(),
                reason: Some("Chị chuyển đến ở với gia đình mẹ đẻ.".into()),
            };
            script.add(on, Who::Supervisor, transfer);
        }
    }
    if rng.percent(5) {
        let review = ReviewCase {
            decision: ReviewDecision::ActionRequested,
            comment: Some("Đề nghị liên hệ thêm với Hội Phụ nữ xã.".into()),
        };
        script.add(o + days(rng.between(5, 30)), Who::Supervisor, review);
    }
    let old = o + days(120) < today;
    if followed_up && rng.percent(85) {
        closing::close(rng, &mut script, o, None);
    } else if !followed_up && old && rng.percent(75) {
        // A follow-up nobody could do: the supervisor closes the case as lost contact.
        closing::close(rng, &mut script, o, Some(CloseReason::LostContact));
    }
    if rng.percent(2) {
        closing::erase(rng, &mut script);
    }
    script
}

fn support(rng: &mut Rng, script: &mut Script, o: Date, person: &Person) {
    let mut give = |script: &mut Script, percent, support_type, from: i64, to: i64, nights| {
        if rng.percent(percent) {
            let on = o + days(rng.between(from, to));
            let by = rng
                .pick(&[
                    "Chủ nhà địa chỉ tin cậy",
                    "Cán bộ Hội Phụ nữ xã",
                    "Trạm y tế xã",
                ])
                .map(str::to_owned);
            let support = ProvideSupport {
                support_type,
                provided_on: on,
                nights,
                by,
                notes: None,
            };
            script.add(on, Who::Volunteer, support);
        }
    };
    let high = person.risk_level == RiskLevel::High;
    give(script, 85, SupportType::Counselling, 0, 0, None);
    let nights = Some(if high { 3 } else { 1 } + (o.day() % 5) as u16);
    give(
        script,
        if high { 75 } else { 40 },
        SupportType::Shelter,
        0,
        0,
        nights,
    );
    give(script, 20, SupportType::Medical, 0, 2, None);
    give(script, 20, SupportType::Legal, 2, 15, None);
    give(script, 12, SupportType::Police, 0, 3, None);
    give(script, 15, SupportType::Material, 0, 10, None);
    give(script, 8, SupportType::Livelihood, 30, 90, None);
    if person.survivor.children_with_her.unwrap_or(0) > 0 {
        give(script, 15, SupportType::Childcare, 0, 5, None);
    }
}

fn referrals(rng: &mut Rng, script: &mut Script, o: Date) {
    let count = rng.weighted(&[(0, 35), (1, 45), (2, 20)]).unwrap_or(0);
    for _ in 0..count {
        let target = rng
            .weighted(&[
                (ReferralTarget::Health, 22),
                (ReferralTarget::Police, 18),
                (ReferralTarget::LegalAid, 15),
                (ReferralTarget::WomensUnion, 15),
                (ReferralTarget::CommuneCommittee, 12),
                (ReferralTarget::SocialProtection, 8),
                (ReferralTarget::OneStopCentre, 5),
                (ReferralTarget::Court, 3),
                (ReferralTarget::School, 2),
            ])
            .unwrap_or(ReferralTarget::Other);
        let referral_id = ReferralId::from_uuid(rng.uuid());
        let made_on = o + days(rng.between(0, 5));
        let referral = MakeReferral {
            referral_id,
            target,
            made_on,
            organisation: Some(organisation(target).to_owned()),
            contact_person: None,
            notes: None,
        };
        script.add(made_on, Who::Volunteer, referral);
        if rng.percent(85) {
            let outcome = rng
                .weighted(&[
                    (ReferralOutcome::Accepted, 35),
                    (ReferralOutcome::Completed, 35),
                    (ReferralOutcome::Declined, 10),
                    (ReferralOutcome::NoResponse, 20),
                ])
                .unwrap_or(ReferralOutcome::NoResponse);
            let recorded_on = made_on + days(rng.between(3, 30));
            let outcome = RecordReferralOutcome {
                referral_id,
                outcome,
                recorded_on,
                notes: None,
            };
            script.add(recorded_on, Who::Volunteer, outcome);
        }
    }
}

/// One to three follow-ups, each scheduled when the last was done; some are never done (and
/// become overdue). True when every one was completed.
fn follow_ups(rng: &mut Rng, script: &mut Script, o: Date, risk: RiskLevel) -> bool {
    let planned = match risk {
        RiskLevel::Low => 1,
        RiskLevel::Medium => 2,
        RiskLevel::High => 3,
    };
    let mut scheduled_on = o;
    for gap in [7, 21, 60].into_iter().take(planned) {
        let follow_up_id = FollowUpId::from_uuid(rng.uuid());
        let due_on = scheduled_on + days(gap);
        let method = if rng.percent(60) {
            FollowUpMethod::Phone
        } else {
            FollowUpMethod::Visit
        };
        let schedule = ScheduleFollowUp {
            follow_up_id,
            due_on,
            method,
        };
        script.add(scheduled_on, Who::Volunteer, schedule);
        // Old follow-ups were nearly all done; the ones still open are mostly recent.
        let recent = due_on + days(45) >= script.today;
        if !rng.percent(if recent { 80 } else { 97 }) {
            return false;
        }
        let completed_on = (due_on + days(rng.between(-2, 7))).max(scheduled_on);
        let outcome = rng
            .weighted(&[
                (FollowUpOutcome::Safe, 60),
                (FollowUpOutcome::ViolenceContinued, 20),
                (FollowUpOutcome::MovedAway, 8),
                (FollowUpOutcome::Unreachable, 12),
            ])
            .unwrap_or(FollowUpOutcome::Safe);
        let complete = CompleteFollowUp {
            follow_up_id,
            outcome,
            completed_on,
            notes: None,
        };
        script.add(completed_on, Who::Volunteer, complete);
        scheduled_on = completed_on;
    }
    true
}
