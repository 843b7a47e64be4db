//! Which follow-ups are overdue, and by how many days, from the follow-up queue's projection
//! (the same query behind `GET /follow-ups`: open follow-ups of cases not closed or erased,
//! past their due date), so the pages never count days themselves.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::domain::ids::TrustedAddressId;
use crate::edge::state::AppState;
use crate::projections::cases::{Due, FollowUpQuery, QueuedFollowUp};

fn overdue_at(
    state: &AppState,
    visible: impl Fn(&TrustedAddressId) -> bool,
) -> Vec<QueuedFollowUp> {
    let query = FollowUpQuery {
        today: state.clock.today(),
        due: Some(Due::Overdue),
        before: None,
    };
    state
        .projections
        .cases
        .follow_ups(&query, |address, _| visible(address))
}

/// The most days overdue of each listed case that has an overdue follow-up.
pub fn by_case(state: &AppState, cases: &[(Uuid, Uuid)]) -> BTreeMap<Uuid, i64> {
    let addresses: Vec<Uuid> = cases.iter().map(|(_, address)| *address).collect();
    let mut most = BTreeMap::new();
    for item in overdue_at(state, |address| addresses.contains(address.as_uuid())) {
        let case = *item.case_id.as_uuid();
        if cases.iter().any(|(id, _)| *id == case) {
            let days = most.entry(case).or_insert(0);
            *days = item.days_overdue.max(*days);
        }
    }
    most
}

/// The days overdue of each overdue follow-up of one case.
pub fn by_follow_up(state: &AppState, case: Uuid, address: Uuid) -> BTreeMap<Uuid, i64> {
    overdue_at(state, |at| *at.as_uuid() == address)
        .into_iter()
        .filter(|item| *item.case_id.as_uuid() == case)
        .map(|item| (*item.follow_up_id.as_uuid(), item.days_overdue))
        .collect()
}
