//! The sled store's on-disk layout: tree names, key and value encodings. DO NOT CHANGE.
//!
//! Every existing data directory depends on these names and layouts byte for byte; changing
//! one needs a migration. All integers are big-endian, so byte order is numeric order.
//!
//! | tree | key | value |
//! |---|---|---|
//! | `records` | position u64 | stream len u8 ‖ stream ‖ stream version u64 ‖ sealed record bytes |
//! | `record-blocks` | block number u64 | [`BLOCK_LEN`] × (length u32 ‖ a `records` value) |
//! | `streams` | stream ‖ `0x00` ‖ stream version u64 | position u64 |
//! | `heads` | stream | current stream version u64 |
//! | `idempotency` | the 32-byte key | the caller's value |
//! | `keys-v{epoch}` | key id (UTF-8) | wrapped key, or the tombstone `0x00` once destroyed |
//! | `meta` | name (UTF-8) | value; `key_epoch` holds the active epoch, u32 |
//!
//! A `records` value carries its stream and version in front of the (opaque) record bytes so
//! that the replay path, [`EventStore::read_from`](crate::store::engine::EventStore::read_from),
//! is a range scan. Stream ids are lowercase ASCII of at most 100 bytes ([`StreamId`]): the
//! length fits a byte, and no stream contains `0x00`, so `stream ‖ 0x00` is an unambiguous
//! prefix. Wrapped keys start with `0x01`, so the one-byte tombstone is never a key.
//!
//! **Blocks** (data format 3). Block `b` holds positions `b * BLOCK_LEN + 1 ..= (b + 1) *
//! BLOCK_LEN`, in order, as their `records` values. A position is in `records` or in its
//! block, never both: the append that completes a block writes the block and removes the
//! block's earlier records from `records` in one transaction, so `records` holds only the
//! log's last, incomplete block, the records of any block too large to write
//! ([`BLOCK_MAX_BYTES`]), and, in a directory written before blocks existed, every record
//! written then. A replay so reads one tree entry per [`BLOCK_LEN`] records: sled pulls each
//! entry of a leaf as a fragment of its own, and one per record made those pulls most of a
//! replay's time.

use sled::IVec;

use crate::store::engine::{KeyState, StoreError, StoredRecord};
use crate::store::stream::StreamId;

pub const RECORDS: &str = "records";
pub const RECORD_BLOCKS: &str = "record-blocks";
/// Records per block: eight records of the usual size (about 450 bytes) make a block of about
/// 3.6 KiB.
pub const BLOCK_LEN: u64 = 8;
/// The largest block written: a block whose records would come to more stays as records.
/// A full leaf of blocks (sled splits one past 16 entries) so stays below the 128 KiB above
/// which sled writes a page fragment to a blob file of its own ([`crate::store::durability`]),
/// and large records are stored as they always were.
pub const BLOCK_MAX_BYTES: usize = 6 * 1024;
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

/// The block holding `position` (from 1).
pub fn block_of(position: u64) -> u64 {
    position.saturating_sub(1) / BLOCK_LEN
}

/// The first position of `block`.
pub fn block_start(block: u64) -> u64 {
    block.saturating_mul(BLOCK_LEN).saturating_add(1)
}

/// Where `position` sits in its block, from 0.
pub fn index_in_block(position: u64) -> usize {
    let index = position.saturating_sub(1) % BLOCK_LEN;
    // Below BLOCK_LEN.
    usize::try_from(index).unwrap_or(usize::MAX)
}

/// The last position of `block`.
pub fn block_end(block: u64) -> u64 {
    block_start(block).saturating_add(BLOCK_LEN - 1)
}

/// The `record-blocks` value of a block's `records` values, in position order.
pub fn block_value<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut block = Vec::new();
    for value in values {
        // A record value is far below 4 GiB: a sealed record is bounded by the request size.
        block.extend_from_slice(&u32::try_from(value.len()).unwrap_or(u32::MAX).to_be_bytes());
        block.extend_from_slice(value);
    }
    block
}

/// A `record-blocks` value split into its `records` values, in position order.
pub fn split_block_value(block: &[u8]) -> Result<Vec<&[u8]>, StoreError> {
    let corrupt = || StoreError::Corrupt("malformed record block".into());
    let mut values = Vec::with_capacity(BLOCK_LEN as usize);
    let mut rest = block;
    while !rest.is_empty() {
        let (len, after) = rest.split_first_chunk::<4>().ok_or_else(corrupt)?;
        let len = usize::try_from(u32::from_be_bytes(*len)).map_err(|_| corrupt())?;
        let (value, after) = after.split_at_checked(len).ok_or_else(corrupt)?;
        values.push(value);
        rest = after;
    }
    if values.len() as u64 > BLOCK_LEN {
        return Err(corrupt());
    }
    Ok(values)
}

/// Up to `count` of the records stored in a block (`key`, `value`), from position `from`
/// on. Records after those are not decoded.
pub fn decode_block(
    key: &[u8],
    value: &[u8],
    from: u64,
    count: usize,
) -> Result<Vec<StoredRecord>, StoreError> {
    let start = block_start(u64_of(key, "record block")?);
    split_block_value(value)?
        .into_iter()
        .zip(start..)
        .filter(|(_, position)| *position >= from)
        .take(count)
        .map(|(value, position)| decode_record(&position.to_be_bytes(), value))
        .collect()
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
    fn a_block_holds_its_positions_in_order_and_a_truncated_one_is_corrupt() {
        assert_eq!(
            (block_of(1), block_of(BLOCK_LEN), block_of(BLOCK_LEN + 1)),
            (0, 0, 1)
        );
        assert_eq!(
            (block_start(1), block_end(1)),
            (BLOCK_LEN + 1, 2 * BLOCK_LEN)
        );
        assert_eq!((index_in_block(1), index_in_block(BLOCK_LEN + 3)), (0, 2));
        let stream = StreamId::parse("case-1").unwrap();
        let values: Vec<Vec<u8>> = (1..=BLOCK_LEN)
            .map(|version| record_value(&stream, version, &vec![7; version as usize]))
            .collect();
        let block = block_value(values.iter().map(Vec::as_slice));
        let key = 2_u64.to_be_bytes();
        let records = decode_block(&key, &block, 0, usize::MAX).unwrap();
        let positions: Vec<u64> = records.iter().map(|r| r.position).collect();
        assert_eq!(
            positions,
            (block_start(2)..=block_end(2)).collect::<Vec<_>>()
        );
        assert_eq!(records[2].stream_version, 3);
        assert_eq!(records[2].bytes, vec![7; 3]);
        let from_third = decode_block(&key, &block, block_start(2) + 2, usize::MAX).unwrap();
        assert_eq!(from_third.first().unwrap().position, block_start(2) + 2);
        assert_eq!(from_third.len(), BLOCK_LEN as usize - 2);
        assert_eq!(decode_block(&key, &block, 0, 3).unwrap().len(), 3);
        for len in 1..block.len() {
            let truncated = block.get(..len).unwrap();
            let whole = split_block_value(truncated).is_ok_and(|v| v.len() == values.len());
            assert!(!whole, "{len}");
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
