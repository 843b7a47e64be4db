//! [`RecordView`]: a stored record parsed in place. Its fields borrow from the stored bytes,
//! so a replay checks and decrypts a record without first copying its ciphertexts out;
//! [`SealedRecord::decode`](super::SealedRecord::decode) is this parse plus the copies.
//!
//! The parse is the one reading of the layout in the parent module's documentation: it
//! accepts exactly what [`SealedRecord::try_encode`](super::SealedRecord::try_encode) writes,
//! reports the first invalid field in byte order, and never panics.

use crate::store::crypto::{Mac, Sealed};
use crate::store::record::{
    FLAG_ACTOR, FLAG_PII, FORMAT, Part, RecordError, TAG_LEN, is_valid_event_type, write_aad,
};
use crate::store::stream::StreamId;

/// A record as stored, fields borrowed from its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordView<'a> {
    pub position: u64,
    /// A valid stream id ([`StreamId::is_valid`]).
    pub stream: &'a str,
    pub stream_version: u64,
    /// A valid event type ([`is_valid_event_type`]).
    pub event_type: &'a str,
    pub schema_version: u32,
    pub recorded_at_ms: i64,
    pub key_epoch: u32,
    pub actor: Option<[u8; 16]>,
    pub facts: SealedRef<'a>,
    pub pii: Option<SealedRef<'a>>,
    pub mac: Mac,
}

/// A nonce and a ciphertext with its tag, borrowed from a stored record.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SealedRef<'a> {
    pub nonce: [u8; 12],
    /// At least as long as the tag.
    pub ciphertext: &'a [u8],
}

impl<'a> RecordView<'a> {
    /// Parse stored bytes. Never panics, whatever the input.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, RecordError> {
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
            .filter(|raw| StreamId::is_valid(raw))
            .ok_or(RecordError::Malformed("stream"))?;
        let event_type = std::str::from_utf8(input.short()?)
            .ok()
            .filter(|raw| is_valid_event_type(raw))
            .ok_or(RecordError::Malformed("event_type"))?;
        let facts = input.sealed("facts")?;
        let pii = if flags & FLAG_PII != 0 {
            Some(input.sealed("pii")?)
        } else {
            None
        };
        let mac = Mac(input.array()?);
        input.finish()?;
        Ok(Self {
            position,
            stream,
            stream_version,
            event_type,
            schema_version,
            recorded_at_ms,
            key_epoch,
            actor,
            facts,
            pii,
            mac,
        })
    }

    /// Replaces `out` with the associated data of `part` of this record (what
    /// [`aad`](super::aad) gives for its header), so a reader can reuse one buffer.
    pub fn aad_into(&self, part: Part, out: &mut Vec<u8>) {
        write_aad(
            out,
            part,
            self.position,
            self.stream,
            self.stream_version,
            self.event_type,
            self.schema_version,
        );
    }
}

impl SealedRef<'_> {
    pub fn to_sealed(self) -> Sealed {
        Sealed {
            nonce: self.nonce,
            ciphertext: self.ciphertext.to_vec(),
        }
    }

    /// Replaces `out` with a copy of this ciphertext, reusing its buffer.
    pub fn copy_into(self, out: &mut Sealed) {
        out.nonce = self.nonce;
        out.ciphertext.clear();
        out.ciphertext.extend_from_slice(self.ciphertext);
    }
}

impl std::fmt::Debug for SealedRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedRef({} bytes)", self.ciphertext.len())
    }
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
    fn sealed(&mut self, field: &'static str) -> Result<SealedRef<'a>, RecordError> {
        let nonce = self.array()?;
        let len = usize::try_from(self.u32()?).map_err(|_| RecordError::Truncated)?;
        if len < TAG_LEN {
            return Err(RecordError::Malformed(field));
        }
        let ciphertext = self.take(len)?;
        Ok(SealedRef { nonce, ciphertext })
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
