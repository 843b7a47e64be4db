//! The stored record's byte layout and the AEAD associated data.
//!
//! DO NOT MODIFY the layouts below without a new `FORMAT` byte and a reader for the old one:
//! every stored record and every chain MAC depends on them byte for byte.
//!
//! Record (all integers big-endian):
//! ```text
//! format          u8      = 1
//! position        u64
//! stream_version  u64
//! recorded_at     i64     milliseconds since the Unix epoch, UTC
//! schema_version  u32
//! key_epoch       u32     master key version current when written (informative)
//! flags           u8      bit 0: has pii, bit 1: has actor
//! actor           [16]    only if flag bit 1: the acting user's id (a random UUID)
//! stream          u16 len ‖ bytes (ASCII)
//! event_type      u16 len ‖ bytes (ASCII)
//! facts           nonce[12] ‖ u32 len ‖ ciphertext+tag   under the facts key
//! pii             nonce[12] ‖ u32 len ‖ ciphertext+tag   only if flag bit 0; under dek:<stream>
//! ---------------- everything above is the "unsigned" part the MAC covers ----------------
//! mac             [32]    HMAC-SHA-256(chain key, previous mac ‖ unsigned part)
//! ```
//!
//! Associated data of each ciphertext (binds it to its place and label, so a record moved or
//! relabelled fails to decrypt):
//! ```text
//! "tincay-aad-v1" ‖ part u8 (1 = facts, 2 = pii) ‖ position u64 ‖ stream u16 len ‖ bytes
//!   ‖ stream_version u64 ‖ event_type u16 len ‖ bytes ‖ schema_version u32
//! ```
//!
//! [`SealedRecord::decode`] accepts exactly what [`SealedRecord::try_encode`] writes, so the
//! encoding is canonical: `encode(decode(bytes)) == bytes`. It never panics: every read goes
//! through a bounds-checked cursor.

use crate::store::crypto::{Mac, Sealed};
use crate::store::stream::StreamId;

pub const FORMAT: u8 = 1;

const FLAG_PII: u8 = 0b01;
const FLAG_ACTOR: u8 = 0b10;
const AAD_LABEL: &[u8] = b"tincay-aad-v1";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const MAC_LEN: usize = 32;
/// The longest event type; event types are ASCII `[a-z0-9_]`.
pub const MAX_EVENT_TYPE_LEN: usize = 64;

/// The shortest valid record: no actor, no pii, a 3-byte stream id, a 1-byte event type and
/// an empty facts plaintext (its tag alone).
pub const MIN_RECORD_LEN: usize = 1 + 8 + 8 + 8 + 4 + 4 + 1 // format .. flags
    + 2 + 3 // stream
    + 2 + 1 // event type
    + NONCE_LEN + 4 + TAG_LEN // facts
    + MAC_LEN;

/// The cleartext header of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    pub position: u64,
    pub stream: StreamId,
    pub stream_version: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub recorded_at_ms: i64,
    pub key_epoch: u32,
    pub actor: Option<[u8; 16]>,
}

/// A record as stored: header, the two ciphertexts, and the chain MAC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedRecord {
    pub header: RecordHeader,
    pub facts: Sealed,
    pub pii: Option<Sealed>,
    pub mac: Mac,
}

/// Which ciphertext an AAD is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Facts = 1,
    Pii = 2,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("record format {0} is not known to this version of tincay")]
    UnknownFormat(u8),
    #[error("record is truncated or has trailing bytes")]
    Truncated,
    #[error("record field {0} is malformed")]
    Malformed(&'static str),
}

/// The associated data for `part` of the record with this header.
pub fn aad(header: &RecordHeader, part: Part) -> Vec<u8> {
    let stream = header.stream.as_str().as_bytes();
    let event_type = header.event_type.as_bytes();
    // A stream id is at most 100 bytes. An event type too long for its u16 (which no record
    // can hold, see `RecordHeader::validate`) saturates, and the AAD stays injective anyway:
    // the event type is followed only by the fixed-width schema version.
    let event_type_len = u16::try_from(event_type.len()).unwrap_or(u16::MAX);
    let stream_len = u16::try_from(stream.len()).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(
        AAD_LABEL.len() + 1 + 8 + 2 + stream.len() + 8 + 2 + event_type.len() + 4,
    );
    out.extend_from_slice(AAD_LABEL);
    out.push(part as u8);
    out.extend_from_slice(&header.position.to_be_bytes());
    out.extend_from_slice(&stream_len.to_be_bytes());
    out.extend_from_slice(stream);
    out.extend_from_slice(&header.stream_version.to_be_bytes());
    out.extend_from_slice(&event_type_len.to_be_bytes());
    out.extend_from_slice(event_type);
    out.extend_from_slice(&header.schema_version.to_be_bytes());
    out
}

/// Whether `event_type` is a storable event type: ASCII `[a-z0-9_]`, 1 to 64 bytes.
pub fn is_valid_event_type(event_type: &str) -> bool {
    (1..=MAX_EVENT_TYPE_LEN).contains(&event_type.len())
        && event_type
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl RecordHeader {
    /// What the types cannot enforce: the event type's alphabet and length. The log calls this
    /// before sealing, so a header it seals can always be encoded.
    pub fn validate(&self) -> Result<(), RecordError> {
        if is_valid_event_type(&self.event_type) {
            Ok(())
        } else {
            Err(RecordError::Malformed("event_type"))
        }
    }
}

impl SealedRecord {
    /// The bytes the chain MAC covers (everything but the MAC).
    ///
    /// The header must pass [`RecordHeader::validate`] and each ciphertext must hold at least
    /// its tag; [`Self::try_unsigned_bytes`] says so as an error. Given an invalid record this
    /// fails closed and returns no bytes (which never decode), rather than bytes that look
    /// like a record.
    pub fn unsigned_bytes(header: &RecordHeader, facts: &Sealed, pii: Option<&Sealed>) -> Vec<u8> {
        let bytes = Self::try_unsigned_bytes(header, facts, pii);
        debug_assert!(bytes.is_ok(), "unencodable record: {bytes:?}");
        bytes.unwrap_or_default()
    }
    /// The bytes the chain MAC covers, or why this record cannot be stored.
    pub fn try_unsigned_bytes(
        header: &RecordHeader,
        facts: &Sealed,
        pii: Option<&Sealed>,
    ) -> Result<Vec<u8>, RecordError> {
        header.validate()?;
        let stream = header.stream.as_str().as_bytes();
        let event_type = header.event_type.as_bytes();
        let capacity = MIN_RECORD_LEN
            + stream.len()
            + event_type.len()
            + facts.ciphertext.len()
            + pii.map_or(0, |pii| NONCE_LEN + 4 + pii.ciphertext.len());
        let mut out = Vec::with_capacity(capacity);
        out.push(FORMAT);
        out.extend_from_slice(&header.position.to_be_bytes());
        out.extend_from_slice(&header.stream_version.to_be_bytes());
        out.extend_from_slice(&header.recorded_at_ms.to_be_bytes());
        out.extend_from_slice(&header.schema_version.to_be_bytes());
        out.extend_from_slice(&header.key_epoch.to_be_bytes());
        let mut flags = 0;
        if pii.is_some() {
            flags |= FLAG_PII;
        }
        if header.actor.is_some() {
            flags |= FLAG_ACTOR;
        }
        out.push(flags);
        if let Some(actor) = &header.actor {
            out.extend_from_slice(actor);
        }
        put_short(&mut out, stream, "stream")?;
        put_short(&mut out, event_type, "event_type")?;
        put_sealed(&mut out, facts, "facts")?;
        if let Some(pii) = pii {
            put_sealed(&mut out, pii, "pii")?;
        }
        Ok(out)
    }
    /// The full stored bytes: unsigned part ‖ mac.
    ///
    /// Fails closed on an invalid record, as [`Self::unsigned_bytes`] does.
    pub fn encode(&self) -> Vec<u8> {
        let bytes = self.try_encode();
        debug_assert!(bytes.is_ok(), "unencodable record: {bytes:?}");
        bytes.unwrap_or_default()
    }
    /// The full stored bytes, or why this record cannot be stored.
    pub fn try_encode(&self) -> Result<Vec<u8>, RecordError> {
        let mut out = Self::try_unsigned_bytes(&self.header, &self.facts, self.pii.as_ref())?;
        out.extend_from_slice(&self.mac.0);
        Ok(out)
    }
    /// Parse stored bytes. Never panics, whatever the input.
    pub fn decode(bytes: &[u8]) -> Result<Self, RecordError> {
        let mut input = Reader(bytes);
        let format = input.u8()?;
        if format != FORMAT {
            return Err(RecordError::UnknownFormat(format));
        }
        let position = input.u64()?;
        let stream_version = input.u64()?;
        let recorded_at_ms = i64::from_be_bytes(input.array()?);
        let schema_version = input.u32()?;
        let key_epoch = input.u32()?;
        let flags = input.u8()?;
        if flags & !(FLAG_PII | FLAG_ACTOR) != 0 {
            return Err(RecordError::Malformed("flags"));
        }
        let actor = if flags & FLAG_ACTOR != 0 {
            Some(input.array()?)
        } else {
            None
        };
        let stream = std::str::from_utf8(input.short()?)
            .ok()
            .and_then(|raw| StreamId::parse(raw).ok())
            .ok_or(RecordError::Malformed("stream"))?;
        let event_type = std::str::from_utf8(input.short()?)
            .ok()
            .filter(|raw| is_valid_event_type(raw))
            .ok_or(RecordError::Malformed("event_type"))?
            .to_owned();
        let facts = input.sealed("facts")?;
        let pii = if flags & FLAG_PII != 0 {
            Some(input.sealed("pii")?)
        } else {
            None
        };
        let mac = Mac(input.array()?);
        input.finish()?;
        Ok(Self {
            header: RecordHeader {
                position,
                stream,
                stream_version,
                event_type,
                schema_version,
                recorded_at_ms,
                key_epoch,
                actor,
            },
            facts,
            pii,
            mac,
        })
    }
    /// The unsigned part of stored bytes (for chain verification without re-encoding).
    pub fn unsigned_part(bytes: &[u8]) -> Result<&[u8], RecordError> {
        if bytes.len() < MIN_RECORD_LEN {
            return Err(RecordError::Truncated);
        }
        let unsigned_len = bytes
            .len()
            .checked_sub(MAC_LEN)
            .ok_or(RecordError::Truncated)?;
        bytes.get(..unsigned_len).ok_or(RecordError::Truncated)
    }
}

/// `u16 len ‖ bytes`.
fn put_short(out: &mut Vec<u8>, bytes: &[u8], field: &'static str) -> Result<(), RecordError> {
    let len = u16::try_from(bytes.len()).map_err(|_| RecordError::Malformed(field))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

/// `nonce[12] ‖ u32 len ‖ ciphertext+tag`.
fn put_sealed(out: &mut Vec<u8>, sealed: &Sealed, field: &'static str) -> Result<(), RecordError> {
    let len = u32::try_from(sealed.ciphertext.len()).map_err(|_| RecordError::Malformed(field))?;
    if sealed.ciphertext.len() < TAG_LEN {
        return Err(RecordError::Malformed(field));
    }
    out.extend_from_slice(&sealed.nonce);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&sealed.ciphertext);
    Ok(())
}

/// A cursor over the bytes still to read. Running out is [`RecordError::Truncated`].
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], RecordError> {
        let (taken, rest) = self.0.split_at_checked(len).ok_or(RecordError::Truncated)?;
        self.0 = rest;
        Ok(taken)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], RecordError> {
        <[u8; N]>::try_from(self.take(N)?).map_err(|_| RecordError::Truncated)
    }
    fn u8(&mut self) -> Result<u8, RecordError> {
        Ok(u8::from_be_bytes(self.array()?))
    }
    fn u16(&mut self) -> Result<u16, RecordError> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, RecordError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, RecordError> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    /// `u16 len ‖ bytes`.
    fn short(&mut self) -> Result<&'a [u8], RecordError> {
        let len = self.u16()?;
        self.take(usize::from(len))
    }
    /// `nonce[12] ‖ u32 len ‖ ciphertext+tag`; a ciphertext shorter than its tag is malformed.
    fn sealed(&mut self, field: &'static str) -> Result<Sealed, RecordError> {
        let nonce = self.array()?;
        let len = usize::try_from(self.u32()?).map_err(|_| RecordError::Truncated)?;
        if len < TAG_LEN {
            return Err(RecordError::Malformed(field));
        }
        let ciphertext = self.take(len)?.to_vec();
        Ok(Sealed { nonce, ciphertext })
    }
    /// Trailing bytes are as wrong as missing ones.
    fn finish(self) -> Result<(), RecordError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(RecordError::Truncated)
        }
    }
}
