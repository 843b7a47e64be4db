//! Idempotency entries: a retried append with the same key finds the first result, and
//! [`EventLog::idempotent_outcome`](crate::store::log::EventLog::idempotent_outcome) looks one
//! up without appending.
//!
//! Neither the caller's key nor the request fingerprint is stored in the clear: both are
//! keyed hashes under the chain key, so a copied disk reveals nothing about requests.
//! Stored value layout (do not modify): `fingerprint hash [32] ‖ first position u64 ‖ last
//! position u64 ‖ stream version u64 ‖ stream (rest, ASCII)`.

use crate::store::crypto::ChainKey;
use crate::store::log::{AppendError, AppendOutcome, Idempotency};
use crate::store::stream::StreamId;

pub(super) struct IdempotencyEntry {
    pub key: [u8; 32],
    fingerprint: [u8; 32],
}

impl IdempotencyEntry {
    pub fn hash(chain: &ChainKey, given: &Idempotency) -> Self {
        Self {
            key: chain.keyed_hash("idempotency-key", &given.key),
            fingerprint: chain.keyed_hash("idempotency-fingerprint", &given.fingerprint),
        }
    }

    pub fn value(&self, outcome: &AppendOutcome) -> Vec<u8> {
        let mut value = Vec::with_capacity(56 + outcome.stream.as_str().len());
        value.extend_from_slice(&self.fingerprint);
        value.extend_from_slice(&outcome.first_position.to_be_bytes());
        value.extend_from_slice(&outcome.last_position.to_be_bytes());
        value.extend_from_slice(&outcome.stream_version.to_be_bytes());
        value.extend_from_slice(outcome.stream.as_str().as_bytes());
        value
    }
}

/// The last position of the append a stored entry remembers (backups keep only the entries
/// of appends they hold); `None` if the value is malformed.
pub(crate) fn last_position(stored: &[u8]) -> Option<u64> {
    let bytes = stored.get(40..48)?;
    Some(u64::from_be_bytes(bytes.try_into().ok()?))
}

/// The first result for a repeated key, or a mismatch if the request differs.
pub(super) fn replay(
    entry: &IdempotencyEntry,
    stored: &[u8],
) -> Result<AppendOutcome, AppendError> {
    let damaged = || {
        AppendError::Store(crate::store::engine::StoreError::Corrupt(
            "idempotency entry".into(),
        ))
    };
    let (fingerprint, rest) = stored.split_at_checked(32).ok_or_else(damaged)?;
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        fingerprint,
        &entry.fingerprint[..],
    )) {
        return Err(AppendError::IdempotencyMismatch);
    }
    let (numbers, stream) = rest.split_at_checked(24).ok_or_else(damaged)?;
    let number = |index: usize| -> Result<u64, AppendError> {
        let bytes = numbers.get(index * 8..index * 8 + 8).ok_or_else(damaged)?;
        Ok(u64::from_be_bytes(bytes.try_into().map_err(|_| damaged())?))
    };
    let stream = std::str::from_utf8(stream)
        .ok()
        .and_then(|raw| StreamId::parse(raw).ok())
        .ok_or_else(damaged)?;
    Ok(AppendOutcome {
        stream,
        first_position: number(0)?,
        last_position: number(1)?,
        stream_version: number(2)?,
        replayed: true,
    })
}

impl crate::store::log::EventLog {
    /// The first result of an append made with `given`'s key, without writing anything:
    /// `None` if the key is unused (or its append is not durable yet, in which case an
    /// append with the key will still replay it), and
    /// [`AppendError::IdempotencyMismatch`] if the key came with another request. Lets a
    /// caller answer a retry before deciding anything anew.
    pub fn idempotent_outcome(
        &self,
        given: &Idempotency,
    ) -> Result<Option<AppendOutcome>, AppendError> {
        let entry = IdempotencyEntry::hash(self.inner.keys.chain(), given);
        let Some(stored) = self.inner.store.idempotency(&entry.key)? else {
            return Ok(None);
        };
        let outcome = replay(&entry, &stored)?;
        let durable = self
            .head()
            .is_some_and(|head| head.position >= outcome.last_position);
        Ok(durable.then_some(outcome))
    }
}
