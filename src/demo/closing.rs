//! How a demo case ends: closed after everything else was done (a volunteer's request that
//! the supervisor approves or sends back, or the supervisor's own closure), now and then
//! reopened; and, rarely, erased.

use time::Date;

use super::journey::{Script, Who, days};
use super::rng::Rng;
use crate::domain::case::*;
use crate::domain::vocab::{CloseReason, ErasureReason, ReviewDecision};

/// Close after everything else: a volunteer's request approved by the supervisor (or sent
/// back, then closed by her), or the supervisor's own closure; now and then reopened.
pub fn close(rng: &mut Rng, script: &mut Script, o: Date, reason: Option<CloseReason>) {
    let closed_on = script.latest.max(o + days(rng.between(20, 120)));
    let given = reason;
    let reason = rng
        .weighted(&[
            (CloseReason::Safe, 55),
            (CloseReason::Relocated, 15),
            (CloseReason::LostContact, 12),
            (CloseReason::SurvivorRequest, 9),
            (CloseReason::Transferred, 8),
            (CloseReason::Deceased, 1),
        ])
        .unwrap_or(CloseReason::Safe);
    let reason = given.unwrap_or(reason);
    let by = if given.is_none() && rng.percent(80) {
        Actor::Volunteer
    } else {
        Actor::Supervisor
    };
    let who = match by {
        Actor::Volunteer => Who::Volunteer,
        Actor::Supervisor => Who::Supervisor,
    };
    let notes = Some("Chị đã ổn định, đồng ý kết thúc theo dõi.".to_owned());
    let request = CloseCase {
        by,
        reason,
        closed_on,
        notes,
    };
    script.add(closed_on, who, request.clone());
    if by == Actor::Volunteer {
        let reviewed_on = closed_on + days(rng.between(1, 14));
        let approved = rng.percent(90);
        let decision = if approved {
            ReviewDecision::Approved
        } else {
            ReviewDecision::ActionRequested
        };
        let review = ReviewCase {
            decision,
            comment: Some("Đã xem hồ sơ.".into()),
        };
        script.add(reviewed_on, Who::Supervisor, review);
        if !approved {
            let on = reviewed_on + days(rng.between(5, 30));
            let close = CloseCase {
                by: Actor::Supervisor,
                closed_on: on,
                ..request
            };
            script.add(on, Who::Supervisor, close);
        }
    }
    if rng.percent(3) {
        let on = script.latest + days(rng.between(10, 60));
        let reason = "Chị quay lại báo bạo lực tiếp diễn.".to_owned();
        script.add(on, Who::Supervisor, ReopenCase { reason });
    }
}

/// Erase the case after its last step: a duplicate, an error, or the survivor's wish.
pub fn erase(rng: &mut Rng, script: &mut Script) {
    let reason = rng
        .weighted(&[
            (ErasureReason::Duplicate, 40),
            (ErasureReason::EnteredInError, 30),
            (ErasureReason::SurvivorRequest, 30),
        ])
        .unwrap_or(ErasureReason::Duplicate);
    let on = script.latest + days(rng.between(1, 30));
    script.add(on, Who::Supervisor, EraseCase { reason });
}
