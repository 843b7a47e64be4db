//! The sled store's on-disk layout: tree names, key and value encodings. DO NOT CHANGE.
//!
//! Every existing data directory depends on these names and layouts byte for byte; changing
//! one needs a migration. All integers are big-endian, so byte order is numeric order.
//!
//! | tree | key | value |
//! |---|---|---|
//! | `records` | position u64 | stream len u8 ‖ stream ‖ stream version u64 ‖ sealed record bytes |
//! | `streams` | stream ‖ `0x00` ‖ stream version u64 | position u64 |
//! | `heads` | stream | current stream version u64 |
//! | `idempotency` | the 32-byte key | the caller's value |
//! | `keys-v{epoch}` | key id (UTF-8) | wrapped key, or the tombstone `0x00` once destroyed |
//! | `meta` | name (UTF-8) | value; `key_epoch` holds the active epoch, u32 |
//!
//! A `records` value carries its stream and version in front of the (opaque) record bytes so
//! that the replay path, [`EventStore::read_from`](crate::store::engine::EventStore::read_from),
//! is one range scan of one tree. Stream ids are lowercase ASCII of at most 100 bytes
//! ([`StreamId`]): the length fits a byte, and no stream contains `0x00`, so `stream ‖ 0x00`
//! is an unambiguous prefix. Wrapped keys start with `0x01`, so the one-byte tombstone is never
//! a key.

use sled::IVec;

use crate::store::engine::{KeyState, StoreError, StoredRecord};
use crate::store::stream::StreamId;

pub const RECORDS: &str = "records";
pub const STREAMS: &str = "streams";
pub const HEADS: &str = "heads";
pub const IDEMPOTENCY: &str = "idempotency";
pub const META: &str = "meta";
const KEYS_PREFIX: &str = "keys-v";
/// The `meta` entry holding the active key epoch; written only by activation.
pub const KEY_EPOCH: &str = "key_epoch";
/// The value of a destroyed key.
pub const TOMBSTONE: &[u8] = &[0x00];
/// Ends the stream in a `streams` key.
const SEPARATOR: u8 = 0x00;

pub fn keys_tree(epoch: u32) -> String {
    format!("{KEYS_PREFIX}{epoch}")
}

/// The epoch of a `keys-v{epoch}` tree name; `None` for any other tree.
pub fn epoch_of_keys_tree(name: &[u8]) -> Option<u32> {
    std::str::from_utf8(name)
        .ok()?
        .strip_prefix(KEYS_PREFIX)?
        .parse()
        .ok()
}

pub fn stream_key(stream: &StreamId, version: u64) -> Vec<u8> {
    let stream = stream.as_str().as_bytes();
    let mut key = Vec::with_capacity(stream.len() + 9);
    key.extend_from_slice(stream);
    key.push(SEPARATOR);
    key.extend_from_slice(&version.to_be_bytes());
    key
}

pub fn version_of_stream_key(key: &[u8]) -> Result<u64, StoreError> {
    match key.split_last_chunk::<8>() {
        Some((rest, version)) if rest.last() == Some(&SEPARATOR) => {
            Ok(u64::from_be_bytes(*version))
        }
        _ => Err(StoreError::Corrupt("malformed stream index key".into())),
    }
}

/// The `records` value of a record.
pub fn record_value(stream: &StreamId, version: u64, bytes: &[u8]) -> Vec<u8> {
    let stream = stream.as_str().as_bytes();
    let mut value = Vec::with_capacity(1 + stream.len() + 8 + bytes.len());
    // A StreamId is at most 100 bytes.
    value.push(u8::try_from(stream.len()).unwrap_or(u8::MAX));
    value.extend_from_slice(stream);
    value.extend_from_slice(&version.to_be_bytes());
    value.extend_from_slice(bytes);
    value
}

/// A `records` value split into stream, version and record bytes.
pub fn split_record_value(value: &[u8]) -> Result<(StreamId, u64, &[u8]), StoreError> {
    let corrupt = || StoreError::Corrupt("malformed record entry".into());
    let (&len, rest) = value.split_first().ok_or_else(corrupt)?;
    let (stream, rest) = rest
        .split_at_checked(usize::from(len))
        .ok_or_else(corrupt)?;
    let (version, bytes) = rest.split_first_chunk::<8>().ok_or_else(corrupt)?;
    let stream = std::str::from_utf8(stream).map_err(|_| corrupt())?;
    let stream = StreamId::parse(stream).map_err(|_| corrupt())?;
    Ok((stream, u64::from_be_bytes(*version), bytes))
}

/// The record stored under `key` with `value` in `records`.
pub fn decode_record(key: &[u8], value: &[u8]) -> Result<StoredRecord, StoreError> {
    let (stream, stream_version, bytes) = split_record_value(value)?;
    Ok(StoredRecord {
        position: u64_of(key, "record position")?,
        stream,
        stream_version,
        bytes: bytes.to_vec(),
    })
}

pub fn u64_of(raw: &[u8], what: &str) -> Result<u64, StoreError> {
    Ok(u64::from_be_bytes(fixed(raw, what)?))
}

pub fn u32_of(raw: &[u8], what: &str) -> Result<u32, StoreError> {
    Ok(u32::from_be_bytes(fixed(raw, what)?))
}

fn fixed<const N: usize>(raw: &[u8], what: &str) -> Result<[u8; N], StoreError> {
    raw.try_into()
        .map_err(|_| StoreError::Corrupt(format!("{what}: expected {N} bytes")))
}

pub fn key_state(value: Option<IVec>) -> KeyState {
    match value {
        None => KeyState::Missing,
        Some(v) if v == TOMBSTONE => KeyState::Destroyed,
        Some(v) => KeyState::Wrapped(v.to_vec()),
    }
}

/// A wrapped key that would read back as a tombstone, or as nothing, is refused.
pub fn check_wrapped(wrapped: &[u8]) -> Result<(), StoreError> {
    if wrapped.is_empty() || wrapped == TOMBSTONE {
        return Err(StoreError::Engine(
            "a wrapped key cannot be empty or the tombstone".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_keys_sort_by_stream_then_version() {
        let stream = StreamId::parse("case-1").unwrap();
        let key = stream_key(&stream, 258);
        assert_eq!(version_of_stream_key(&key).unwrap(), 258);
        assert!(stream_key(&stream, 9) < stream_key(&stream, 10));
        let longer = StreamId::parse("case-10").unwrap();
        assert!(stream_key(&stream, u64::MAX) < stream_key(&longer, 1));
    }

    #[test]
    fn a_record_value_round_trips_and_a_truncated_one_is_corrupt() {
        let stream = StreamId::parse(&format!("case-{}", "a".repeat(95))).unwrap();
        let value = record_value(&stream, 7, b"sealed");
        let record = decode_record(&9_u64.to_be_bytes(), &value).unwrap();
        assert_eq!((record.position, record.stream_version), (9, 7));
        assert_eq!((record.stream, record.bytes), (stream, b"sealed".to_vec()));
        for len in 0..1 + 100 + 8 {
            let truncated = value.get(..len).unwrap();
            assert!(split_record_value(truncated).is_err(), "{len}");
        }
    }

    #[test]
    fn a_tombstone_reads_as_destroyed_and_can_never_be_written_as_a_key() {
        assert_eq!(key_state(Some(IVec::from(TOMBSTONE))), KeyState::Destroyed);
        assert_eq!(key_state(None), KeyState::Missing);
        assert!(check_wrapped(TOMBSTONE).is_err());
        assert!(check_wrapped(&[]).is_err());
        assert!(check_wrapped(&[0x01, 0x00]).is_ok());
    }

    #[test]
    fn only_keys_trees_have_an_epoch() {
        assert_eq!(epoch_of_keys_tree(keys_tree(12).as_bytes()), Some(12));
        assert_eq!(epoch_of_keys_tree(b"keys-vx"), None);
        assert_eq!(epoch_of_keys_tree(b"records"), None);
    }
}
