//! Erasures checked both ways: a stream's data key is destroyed **if and only if** the
//! stream holds `case_erased` (or, for a held record of the offline outbox, its
//! `held_record_resolved`, which destroys the record's key the same way:
//! [`ERASING_EVENTS`]). SECURITY-SENSITIVE.
//!
//! Erasure appends `case_erased` and destroys the case's key in one transaction, and nothing
//! is appended to an erased case afterwards (the domain refuses every command on it). So a
//! destroyed key without `case_erased` is a live case whose personal data was made unreadable
//! behind the log's back, and `case_erased` beside a live key is an erased case brought back
//! (an old wrapped key put back). tincay never writes either: both are tampering with the key
//! store or a backup, or damage. The chain cannot see them, since keys are not in it, so this
//! is checked on its own:
//!
//! - by `tincay verify`, over the whole log ([`crate::store::verify`]);
//! - by `restore`, over the backup before anything is written ([`crate::store::backup::scan`]),
//!   and by the verification of what it wrote;
//! - whenever a log opens ([`check_store`], called by [`crate::store::log::EventLog::open`]),
//!   so a server refuses to start on such a store.

use crate::store::engine::{EventStore, KeyId, KeyState, StoreError};
use crate::store::record::RecordView;
use crate::store::stream::StreamId;

/// The event type that erases a case (its data key is destroyed with it).
pub const ERASED_EVENT: &str = "case_erased";

/// Every event type appended with the destruction of its stream's key: a case's erasure,
/// and a held record's resolution (what she wrote offline is destroyed once it is applied,
/// adjusted or discarded).
pub const ERASING_EVENTS: [&str; 2] = [ERASED_EVENT, "held_record_resolved"];

/// Whether `event_type` is appended with the destruction of its stream's key.
pub fn erases(event_type: &str) -> bool {
    ERASING_EVENTS.contains(&event_type)
}

/// A stream whose key state contradicts its log. Names the stream (a random id), nothing else.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ErasureMismatch {
    #[error(
        "the data key of {stream} is destroyed, but its log holds no case_erased: a live \
         case's personal data was made unreadable behind the log's back (the key store or \
         the backup was altered)"
    )]
    DestroyedWithoutErasure { stream: String },
    #[error(
        "{stream} was erased (its log holds case_erased), but its data key is live: an erased \
         case was brought back (an old key was put back into the key store or the backup)"
    )]
    ErasedWithLiveKey { stream: String },
}

/// The rule for one stream, given whether its log holds `case_erased` and its key as stored
/// (`None`: no key). A missing key reveals nothing, so only its two states are judged.
pub fn check(stream: &str, erased: bool, key: Option<&KeyState>) -> Result<(), ErasureMismatch> {
    match (erased, key) {
        (false, Some(KeyState::Destroyed)) => Err(ErasureMismatch::DestroyedWithoutErasure {
            stream: stream.to_owned(),
        }),
        (true, Some(KeyState::Wrapped(_))) => Err(ErasureMismatch::ErasedWithLiveKey {
            stream: stream.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// The stream a data key belongs to (`dek:<stream>`); `None` for a store-wide key.
pub fn stream_of(id: &KeyId) -> Option<&str> {
    id.as_str().strip_prefix("dek:")
}

/// Whether stored record bytes are an erasure ([`ERASING_EVENTS`]; read from the cleartext
/// header, no key).
pub fn is_erasure(bytes: &[u8]) -> bool {
    RecordView::parse(bytes).is_ok_and(|view| erases(view.event_type))
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Mismatch(#[from] ErasureMismatch),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The check when a log opens, without walking the log: the stream of every destroyed key
/// is read whole (erasures are few, and their streams short), and of every stream with a live
/// key, its last record, which is where `case_erased` would be (nothing follows it). Cost: one
/// scan of the key tree and one short read per stream; `tincay verify` reads everything.
pub fn check_store(store: &dyn EventStore) -> Result<(), CheckError> {
    for (id, state) in store.keys()? {
        let Some(raw) = stream_of(&id) else {
            continue;
        };
        let stream = StreamId::parse(raw)
            .map_err(|_| StoreError::Corrupt("a data key names no valid stream".into()))?;
        let erased = match &state {
            KeyState::Destroyed => store
                .read_stream(&stream, 1)?
                .iter()
                .any(|record| is_erasure(&record.bytes)),
            KeyState::Wrapped(_) => match store.stream_version(&stream)? {
                0 => false,
                last => store
                    .read_stream(&stream, last)?
                    .iter()
                    .any(|record| is_erasure(&record.bytes)),
            },
            KeyState::Missing => continue,
        };
        check(raw, erased, Some(&state))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_destroyed_if_and_only_if_the_stream_was_erased() {
        let live = KeyState::Wrapped(vec![1]);
        let gone = KeyState::Destroyed;
        assert!(check("case-a", false, Some(&live)).is_ok());
        assert!(check("case-a", true, Some(&gone)).is_ok());
        assert!(erases("case_erased") && erases("held_record_resolved"));
        assert!(!erases("held_record_received") && !erases("case_closed"));
        assert!(check("case-a", false, None).is_ok());
        assert!(check("case-a", true, None).is_ok());
        assert!(matches!(
            check("case-a", false, Some(&gone)),
            Err(ErasureMismatch::DestroyedWithoutErasure { .. })
        ));
        assert!(matches!(
            check("case-a", true, Some(&live)),
            Err(ErasureMismatch::ErasedWithLiveKey { .. })
        ));
    }

    #[test]
    fn only_data_keys_name_a_stream() {
        assert_eq!(stream_of(&KeyId::from_stored("dek:case-a")), Some("case-a"));
        assert_eq!(stream_of(&KeyId::facts()), None);
        assert_eq!(stream_of(&KeyId::chain()), None);
    }
}
