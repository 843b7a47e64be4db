//! One group commit as the write-ahead log stores it: the [`AppendBatch`]es of one
//! [`EventStore::append_group`](crate::store::engine::EventStore::append_group), byte for byte,
//! so that replaying it writes exactly what the group wrote. DO NOT CHANGE without a new data
//! format.
//!
//! All integers big-endian.
//!
//! ```text
//! group   = first u64 ‖ last u64 ‖ batches u32 ‖ batch*
//! batch   = stream len u8 ‖ stream ‖ expected version u64 ‖ records u32 ‖ record*
//!           ‖ idempotency ‖ key change
//! record  = position u64 ‖ stream version u64 ‖ bytes len u32 ‖ bytes
//! idempotency = 0x00 | 0x01 ‖ key (32) ‖ value len u32 ‖ value
//! key change  = 0x00 | 0x01 ‖ id len u16 ‖ id ‖ wrapped len u32 ‖ wrapped | 0x02 ‖ id len u16 ‖ id
//! ```
//!
//! The records' bytes are the sealed records (ciphertext and MAC): nothing decrypted is in a
//! group. A group that passed its frame's checksum but does not decode is corruption.

use crate::store::engine::{AppendBatch, KeyChange, KeyId, StoreError, StoredRecord};
use crate::store::stream::StreamId;

/// A decoded group: its first and last positions and its batches, in order.
#[derive(Debug)]
pub struct Group {
    pub first: u64,
    pub last: u64,
    pub batches: Vec<AppendBatch>,
}

/// Appends the encoding of `batches` (positions `first..=last`) to `out`.
pub fn encode(first: u64, last: u64, batches: &[AppendBatch], out: &mut Vec<u8>) {
    out.extend_from_slice(&first.to_be_bytes());
    out.extend_from_slice(&last.to_be_bytes());
    put_len32(out, batches.len());
    for batch in batches {
        let stream = batch.stream.as_str().as_bytes();
        // Stream ids are at most 100 bytes (`StreamId`).
        out.push(u8::try_from(stream.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(stream);
        out.extend_from_slice(&batch.expected_version.to_be_bytes());
        put_len32(out, batch.records.len());
        for record in &batch.records {
            out.extend_from_slice(&record.position.to_be_bytes());
            out.extend_from_slice(&record.stream_version.to_be_bytes());
            put_bytes32(out, &record.bytes);
        }
        match &batch.idempotency {
            None => out.push(0),
            Some((key, value)) => {
                out.push(1);
                out.extend_from_slice(key);
                put_bytes32(out, value);
            }
        }
        match &batch.key_change {
            None => out.push(0),
            Some(KeyChange::Create { id, wrapped }) => {
                out.push(1);
                put_id(out, id);
                put_bytes32(out, wrapped);
            }
            Some(KeyChange::Destroy { id }) => {
                out.push(2);
                put_id(out, id);
            }
        }
    }
}

/// Decodes one group.
pub fn decode(bytes: &[u8]) -> Result<Group, StoreError> {
    let mut input = Reader(bytes);
    let first = input.u64()?;
    let last = input.u64()?;
    let count = input.u32()?;
    let mut batches = Vec::new();
    for _ in 0..count {
        let len = usize::from(input.u8()?);
        let stream = std::str::from_utf8(input.take(len)?)
            .ok()
            .and_then(|raw| StreamId::parse(raw).ok())
            .ok_or_else(|| corrupt("a stream id"))?;
        let expected_version = input.u64()?;
        let records = input.u32()?;
        let mut stored = Vec::new();
        for _ in 0..records {
            let position = input.u64()?;
            let stream_version = input.u64()?;
            let bytes = input.bytes32()?.to_vec();
            stored.push(StoredRecord {
                position,
                stream: stream.clone(),
                stream_version,
                bytes,
            });
        }
        let idempotency = match input.u8()? {
            0 => None,
            1 => {
                let key = <[u8; 32]>::try_from(input.take(32)?)
                    .map_err(|_| corrupt("an idempotency key"))?;
                Some((key, input.bytes32()?.to_vec()))
            }
            _ => return Err(corrupt("an idempotency tag")),
        };
        let key_change = match input.u8()? {
            0 => None,
            1 => {
                let id = input.id()?;
                Some(KeyChange::Create {
                    id,
                    wrapped: input.bytes32()?.to_vec(),
                })
            }
            2 => Some(KeyChange::Destroy { id: input.id()? }),
            _ => return Err(corrupt("a key change tag")),
        };
        batches.push(AppendBatch {
            stream,
            expected_version,
            records: stored,
            idempotency,
            key_change,
        });
    }
    if !input.0.is_empty() {
        return Err(corrupt("bytes after its last batch"));
    }
    Ok(Group {
        first,
        last,
        batches,
    })
}

fn put_len32(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
}

fn put_bytes32(out: &mut Vec<u8>, bytes: &[u8]) {
    put_len32(out, bytes.len());
    out.extend_from_slice(bytes);
}

fn put_id(out: &mut Vec<u8>, id: &KeyId) {
    let id = id.as_str().as_bytes();
    out.extend_from_slice(&u16::try_from(id.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(id);
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("write-ahead log: a group with a malformed {what}"))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], StoreError> {
        if self.0.len() < len {
            return Err(corrupt("length"));
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], StoreError> {
        <[u8; N]>::try_from(self.take(N)?).map_err(|_| corrupt("length"))
    }

    fn u8(&mut self) -> Result<u8, StoreError> {
        Ok(u8::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, StoreError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, StoreError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn bytes32(&mut self) -> Result<&'a [u8], StoreError> {
        let len = usize::try_from(self.u32()?).map_err(|_| corrupt("length"))?;
        self.take(len)
    }

    fn id(&mut self) -> Result<KeyId, StoreError> {
        let len = usize::from(u16::from_be_bytes(self.array()?));
        let id = std::str::from_utf8(self.take(len)?).map_err(|_| corrupt("key id"))?;
        Ok(KeyId::from_stored(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_reads_back_as_it_was_written() {
        let stream = StreamId::parse("case-a").unwrap();
        let batches = vec![
            AppendBatch {
                stream: stream.clone(),
                expected_version: 3,
                records: vec![StoredRecord {
                    position: 9,
                    stream: stream.clone(),
                    stream_version: 4,
                    bytes: vec![1, 2, 3],
                }],
                idempotency: Some(([7; 32], b"first".to_vec())),
                key_change: Some(KeyChange::Create {
                    id: KeyId::stream(&stream),
                    wrapped: vec![1, 9, 9],
                }),
            },
            AppendBatch {
                stream: stream.clone(),
                expected_version: 4,
                records: vec![StoredRecord {
                    position: 10,
                    stream: stream.clone(),
                    stream_version: 5,
                    bytes: vec![],
                }],
                idempotency: None,
                key_change: Some(KeyChange::Destroy {
                    id: KeyId::stream(&stream),
                }),
            },
        ];
        let mut bytes = Vec::new();
        encode(9, 10, &batches, &mut bytes);
        let group = decode(&bytes).unwrap();
        assert_eq!((group.first, group.last), (9, 10));
        assert_eq!(format!("{:?}", group.batches), format!("{batches:?}"));
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        bytes.push(0);
        assert!(decode(&bytes).is_err());
    }
}
