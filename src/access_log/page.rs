//! A case's access log as a supervisor reads it: repeated reads folded into one item, and
//! pages behind a cursor.
//!
//! The stored log keeps every read, each durable before its answer (nothing here changes what
//! is recorded, so the event catalogue is untouched). What a supervisor reads is folded: the
//! reads of one case ([`AccessAction::CaseRead`], and reads of its access log) by one user
//! from one address within a window (default [`DEFAULT_WINDOW`], from the first read of the
//! item) are one item with a count and the first and last time, so a volunteer's session that
//! reloads the case with every save is one line, not eighteen. Anything else (an erasure, an
//! export) is always an item of its own.
//!
//! Items are in the order of their first entry. A new entry either joins an item already
//! listed or starts a new one at the end, so an item's place never changes and a cursor (the
//! place of the next item) stays valid while the log grows.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::access_log::{AccessRecord, Logged};
use crate::domain::vocab::AccessAction;

/// Repeated reads within this window of the first are one item.
pub const DEFAULT_WINDOW: Duration = Duration::minutes(10);
/// Items per page.
pub const PAGE_SIZE: usize = 100;

/// One item of a case's access log: one entry, or repeated reads folded together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessGroup {
    pub first: OffsetDateTime,
    pub last: OffsetDateTime,
    /// How many entries the item holds (1 for an entry on its own).
    pub count: u32,
    pub user: Option<Uuid>,
    pub action: Logged,
    pub from: Option<String>,
    /// The held record it concerns (a discard).
    pub held: Option<Uuid>,
}

/// One page of items, and the cursor of the next page (`None` on the last).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessPage {
    pub items: Vec<AccessGroup>,
    pub next: Option<String>,
}

/// Whether repeats of `action` are folded together.
fn folds(action: Logged) -> bool {
    matches!(
        action,
        Logged::Access(AccessAction::CaseRead | AccessAction::AccessLogRead)
    )
}

/// `records` (oldest first) folded into items, in the order of their first entry.
pub fn fold(records: Vec<AccessRecord>, window: Duration) -> Vec<AccessGroup> {
    let mut groups: Vec<AccessGroup> = Vec::new();
    // The item a repeat would join, by who, what and from where.
    let mut open: HashMap<(Option<Uuid>, Logged, Option<String>), usize> = HashMap::new();
    for record in records {
        let key = (record.user, record.action, record.from.clone());
        let joins = folds(record.action)
            .then(|| open.get(&key).copied())
            .flatten()
            .and_then(|at| groups.get_mut(at))
            .filter(|group| record.at >= group.first && record.at - group.first < window);
        if let Some(group) = joins {
            group.count = group.count.saturating_add(1);
            group.last = group.last.max(record.at);
            continue;
        }
        if folds(record.action) {
            open.insert(key, groups.len());
        }
        groups.push(AccessGroup {
            first: record.at,
            last: record.at,
            count: 1,
            user: record.user,
            action: record.action,
            from: record.from,
            held: record.held,
        });
    }
    groups
}

/// The page of `groups` that `cursor` points to (`None`: the first).
pub fn page(groups: Vec<AccessGroup>, cursor: Option<usize>) -> AccessPage {
    let start = cursor.unwrap_or(0);
    let total = groups.len();
    let items: Vec<AccessGroup> = groups.into_iter().skip(start).take(PAGE_SIZE).collect();
    let end = start.saturating_add(items.len());
    AccessPage {
        next: (end < total).then(|| encode_cursor(end)),
        items,
    }
}

const CURSOR_PREFIX: &str = "access-log:";

/// An item's place as an opaque, URL-safe cursor.
pub fn encode_cursor(place: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{place}"))
}

/// A cursor [`encode_cursor`] made, or `None`.
pub fn decode_cursor(text: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let digits = text.strip_prefix(CURSOR_PREFIX)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2026-11-20 09:00 UTC);

    fn read(user: u128, minutes: i64, action: AccessAction) -> AccessRecord {
        AccessRecord {
            at: AT + Duration::minutes(minutes),
            user: Some(Uuid::from_u128(user)),
            action: Logged::Access(action),
            from: Some("198.51.100.7".into()),
            held: None,
        }
    }

    #[test]
    fn repeated_reads_in_the_window_are_one_item_with_a_count() {
        let mut records: Vec<AccessRecord> = (0..18)
            .map(|n| read(1, n / 2, AccessAction::CaseRead))
            .collect();
        records.insert(3, read(2, 1, AccessAction::CaseRead));
        records.push(read(1, 12, AccessAction::CaseRead));
        records.push(read(1, 12, AccessAction::CaseErased));
        records.push(read(1, 13, AccessAction::CaseErased));

        let groups = fold(records, DEFAULT_WINDOW);

        let summary: Vec<(u128, u32, i64, i64)> = groups
            .iter()
            .map(|group| {
                (
                    group.user.unwrap().as_u128(),
                    group.count,
                    (group.first - AT).whole_minutes(),
                    (group.last - AT).whole_minutes(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (1, 18, 0, 8),
                (2, 1, 1, 1),
                (1, 1, 12, 12),
                (1, 1, 12, 12),
                (1, 1, 13, 13)
            ]
        );
    }

    #[test]
    fn a_zero_window_folds_nothing() {
        let records = vec![read(1, 0, AccessAction::CaseRead); 3];
        assert_eq!(fold(records, Duration::ZERO).len(), 3);
    }

    #[test]
    fn pages_follow_each_other_and_bad_cursors_are_refused() {
        let records = (0..250)
            .map(|n| read(n, 0, AccessAction::CaseRead))
            .collect();
        let groups = fold(records, DEFAULT_WINDOW);
        let first = page(groups.clone(), None);
        assert_eq!(first.items.len(), PAGE_SIZE);
        let second = page(
            groups.clone(),
            first.next.as_deref().and_then(decode_cursor),
        );
        assert_eq!(
            second.items.first().unwrap().user,
            Some(Uuid::from_u128(100))
        );
        let third = page(groups, second.next.as_deref().and_then(decode_cursor));
        assert_eq!(third.items.len(), 50);
        assert_eq!(third.next, None);
        for bad in [
            "",
            "xyz",
            &URL_SAFE_NO_PAD.encode("access-log:-1"),
            "YWNjZXNzLWxvZzo",
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }
}
