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
//! Beyond the layout, a valid record has no unknown flag bits, a stream id that
//! [`StreamId::parse`] accepts, an event type of 1 to 64 bytes of ASCII `[a-z0-9_]`, and
//! ciphertexts at least as long as their tag. [`SealedRecord::decode`] accepts exactly what
//! [`SealedRecord::try_encode`] writes, so the encoding is canonical:
//! `encode(decode(bytes)) == bytes`. Decoding never panics: every read goes through a
//! bounds-checked cursor, and missing or trailing bytes are [`RecordError::Truncated`].
//!
//! Decoding is done once, in `record/view.rs`: [`RecordView::parse`] checks a record and borrows its
//! fields from the stored bytes (what a replay opens records from); `decode` copies them out.

mod view;

use crate::store::crypto::{Mac, Sealed};
use crate::store::stream::StreamId;

pub use view::{RecordView, SealedRef};

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
    let mut out = Vec::new();
    write_aad(
        &mut out,
        part,
        header.position,
        header.stream.as_str(),
        header.stream_version,
        &header.event_type,
        header.schema_version,
    );
    out
}

/// Replaces `out` with the associated data of one part of a record (layout in the module doc).
fn write_aad(
    out: &mut Vec<u8>,
    part: Part,
    position: u64,
    stream: &str,
    stream_version: u64,
    event_type: &str,
    schema_version: u32,
) {
    let (stream, event_type) = (stream.as_bytes(), event_type.as_bytes());
    // A stream id is at most 100 bytes. An event type too long for its u16 (which no record
    // can hold, see `RecordHeader::validate`) saturates, and the AAD stays injective anyway:
    // the event type is followed only by the fixed-width schema version.
    let event_type_len = u16::try_from(event_type.len()).unwrap_or(u16::MAX);
    let stream_len = u16::try_from(stream.len()).unwrap_or(u16::MAX);
    out.clear();
    out.reserve(AAD_LABEL.len() + 1 + 8 + 2 + stream.len() + 8 + 2 + event_type.len() + 4);
    out.extend_from_slice(AAD_LABEL);
    out.push(part as u8);
    out.extend_from_slice(&position.to_be_bytes());
    out.extend_from_slice(&stream_len.to_be_bytes());
    out.extend_from_slice(stream);
    out.extend_from_slice(&stream_version.to_be_bytes());
    out.extend_from_slice(&event_type_len.to_be_bytes());
    out.extend_from_slice(event_type);
    out.extend_from_slice(&schema_version.to_be_bytes());
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
        let view = RecordView::parse(bytes)?;
        let stream = StreamId::parse(view.stream).map_err(|_| RecordError::Malformed("stream"))?;
        Ok(Self {
            header: RecordHeader {
                position: view.position,
                stream,
                stream_version: view.stream_version,
                event_type: view.event_type.to_owned(),
                schema_version: view.schema_version,
                recorded_at_ms: view.recorded_at_ms,
                key_epoch: view.key_epoch,
                actor: view.actor,
            },
            facts: view.facts.to_sealed(),
            pii: view.pii.map(|pii| pii.to_sealed()),
            mac: view.mac,
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::store::crypto::DataKey;

    /// Hex digits to bytes; whitespace and `#` comments ignored.
    fn unhex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text
            .lines()
            .flat_map(|line| line.split('#').next().unwrap_or("").bytes())
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        assert!(digits.len() % 2 == 0 && digits.iter().all(u8::is_ascii_hexdigit));
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect()
    }

    fn header() -> RecordHeader {
        RecordHeader {
            position: 0x0102_0304_0506_0708,
            stream: StreamId::parse("case-1").unwrap(),
            stream_version: 2,
            event_type: "note_added".to_owned(),
            schema_version: 1,
            recorded_at_ms: 1_700_000_000_000,
            key_epoch: 3,
            actor: Some([0xaa; 16]),
        }
    }

    fn known_record() -> SealedRecord {
        SealedRecord {
            header: header(),
            facts: Sealed {
                nonce: [0x11; 12],
                ciphertext: vec![0x22; 16],
            },
            pii: Some(Sealed {
                nonce: [0x33; 12],
                ciphertext: vec![0x44; 17],
            }),
            mac: Mac([0x55; 32]),
        }
    }

    /// The layout in the module doc, written out by hand. If this test fails, the stored
    /// format changed: every existing record and chain MAC would stop verifying.
    const KNOWN_RECORD: &str = "
        01                                  # format
        0102030405060708                    # position
        0000000000000002                    # stream_version
        0000018bcfe56800                    # recorded_at: 1_700_000_000_000 ms
        00000001                            # schema_version
        00000003                            # key_epoch
        03                                  # flags: pii, actor
        aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa    # actor
        0006 636173652d31                   # stream: case-1
        000a 6e6f74655f6164646564           # event_type: note_added
        111111111111111111111111            # facts: nonce
        00000010                            #   length
        22222222222222222222222222222222    #   ciphertext+tag
        333333333333333333333333            # pii: nonce
        00000011                            #   length
        4444444444444444444444444444444444  #   ciphertext+tag
        5555555555555555555555555555555555555555555555555555555555555555 # mac
    ";

    #[test]
    fn encode_matches_the_documented_layout() {
        let expected = unhex(KNOWN_RECORD);
        let record = known_record();
        assert_eq!(record.encode(), expected);
        assert_eq!(SealedRecord::decode(&expected).unwrap(), record);
        let unsigned =
            SealedRecord::unsigned_bytes(&record.header, &record.facts, record.pii.as_ref());
        assert_eq!(unsigned, expected[..expected.len() - 32]);
        assert_eq!(SealedRecord::unsigned_part(&expected).unwrap(), unsigned);
    }

    #[test]
    fn the_smallest_record_is_min_record_len() {
        let record = SealedRecord {
            header: RecordHeader {
                position: 0,
                stream: StreamId::parse("a-b").unwrap(),
                stream_version: 1,
                event_type: "x".to_owned(),
                schema_version: 1,
                recorded_at_ms: -1,
                key_epoch: 0,
                actor: None,
            },
            facts: Sealed {
                nonce: [0; 12],
                ciphertext: vec![0; 16],
            },
            pii: None,
            mac: Mac([0; 32]),
        };
        let bytes = record.encode();
        assert_eq!(bytes.len(), MIN_RECORD_LEN);
        assert_eq!(bytes[33], 0, "flags");
        assert_eq!(bytes[17..25], [0xff; 8], "recorded_at -1");
        assert_eq!(SealedRecord::decode(&bytes).unwrap(), record);
        assert_eq!(
            SealedRecord::unsigned_part(&bytes).unwrap().len(),
            MIN_RECORD_LEN - 32
        );
        assert_eq!(
            SealedRecord::unsigned_part(&bytes[1..]).unwrap_err(),
            RecordError::Truncated
        );
    }

    #[test]
    fn aad_matches_the_documented_layout() {
        let expected = unhex(
            "74696e6361792d6161642d7631 02 0102030405060708 0006 636173652d31
             0000000000000002 000a 6e6f74655f6164646564 00000001",
        );
        assert_eq!(aad(&header(), Part::Pii), expected);
        let mut facts = expected;
        facts[13] = 1;
        assert_eq!(aad(&header(), Part::Facts), facts);
    }

    #[test]
    fn a_ciphertext_moved_or_relabelled_fails_to_open() {
        let key = DataKey::generate();
        let original = header();
        let sealed = key.seal(&aad(&original, Part::Pii), b"notes");
        assert_eq!(
            key.open(&aad(&original, Part::Pii), &sealed)
                .unwrap()
                .as_bytes(),
            b"notes"
        );

        let mut changed = Vec::new();
        let mut moved = original.clone();
        moved.position += 1;
        changed.push(("position", aad(&moved, Part::Pii)));
        let mut moved = original.clone();
        moved.stream = StreamId::parse("case-2").unwrap();
        changed.push(("stream", aad(&moved, Part::Pii)));
        let mut moved = original.clone();
        moved.stream_version += 1;
        changed.push(("stream_version", aad(&moved, Part::Pii)));
        let mut moved = original.clone();
        moved.event_type = "case_closed".to_owned();
        changed.push(("event_type", aad(&moved, Part::Pii)));
        let mut moved = original.clone();
        moved.schema_version += 1;
        changed.push(("schema_version", aad(&moved, Part::Pii)));
        changed.push(("part", aad(&original, Part::Facts)));
        for (what, other_aad) in changed {
            assert!(key.open(&other_aad, &sealed).is_err(), "{what}");
        }
    }

    /// A record built by hand, so invalid fields can be written.
    fn raw_record(flags: u8, stream: &[u8], event_type: &[u8], facts_len: u32) -> Vec<u8> {
        let mut out = vec![FORMAT];
        out.extend_from_slice(&[0; 8 + 8 + 8 + 4 + 4]);
        out.push(flags);
        out.extend_from_slice(&(stream.len() as u16).to_be_bytes());
        out.extend_from_slice(stream);
        out.extend_from_slice(&(event_type.len() as u16).to_be_bytes());
        out.extend_from_slice(event_type);
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&facts_len.to_be_bytes());
        out.extend(std::iter::repeat_n(0, facts_len as usize));
        out.extend_from_slice(&[0; 32]);
        out
    }

    #[test]
    fn decode_accepts_a_hand_built_record() {
        assert!(SealedRecord::decode(&raw_record(0, b"case-1", b"note_added", 16)).is_ok());
    }

    #[test]
    fn decode_rejects_invalid_fields() {
        let long_type = vec![b'a'; 65];
        let cases: [(Vec<u8>, RecordError); 10] = [
            (vec![], RecordError::Truncated),
            (vec![2], RecordError::UnknownFormat(2)),
            (
                raw_record(4, b"case-1", b"x", 16),
                RecordError::Malformed("flags"),
            ),
            (
                raw_record(0, b"Case-1", b"x", 16),
                RecordError::Malformed("stream"),
            ),
            (
                raw_record(0, b"case", b"x", 16),
                RecordError::Malformed("stream"),
            ),
            (
                raw_record(0, b"case-1", b"", 16),
                RecordError::Malformed("event_type"),
            ),
            (
                raw_record(0, b"case-1", b"Note", 16),
                RecordError::Malformed("event_type"),
            ),
            (
                raw_record(0, b"case-1", b"note-added", 16),
                RecordError::Malformed("event_type"),
            ),
            (
                raw_record(0, b"case-1", &long_type, 16),
                RecordError::Malformed("event_type"),
            ),
            (
                raw_record(0, b"case-1", b"x", 15),
                RecordError::Malformed("facts"),
            ),
        ];
        for (bytes, error) in cases {
            assert_eq!(
                SealedRecord::decode(&bytes).unwrap_err(),
                error,
                "{bytes:02x?}"
            );
        }
        // The longest event type is fine. With the pii flag but no pii part, the MAC's zeros
        // are read as a pii part, too short for its tag.
        assert!(SealedRecord::decode(&raw_record(0, b"case-1", &long_type[..64], 16)).is_ok());
        let missing_pii = raw_record(1, b"case-1", b"x", 16);
        assert_eq!(
            SealedRecord::decode(&missing_pii).unwrap_err(),
            RecordError::Malformed("pii")
        );
    }

    #[test]
    fn encode_refuses_what_decode_would_reject() {
        let mut record = known_record();
        for bad in ["", "Note", "note added", "é", &"a".repeat(65)] {
            record.header.event_type = bad.to_owned();
            assert_eq!(
                record.header.validate(),
                Err(RecordError::Malformed("event_type"))
            );
            assert_eq!(
                record.try_encode(),
                Err(RecordError::Malformed("event_type"))
            );
        }
        let mut record = known_record();
        record.facts.ciphertext.truncate(15);
        assert_eq!(record.try_encode(), Err(RecordError::Malformed("facts")));
        let mut record = known_record();
        record.pii = Some(Sealed {
            nonce: [0; 12],
            ciphertext: vec![],
        });
        assert_eq!(record.try_encode(), Err(RecordError::Malformed("pii")));
    }

    #[test]
    fn every_truncation_and_extension_is_rejected() {
        let bytes = unhex(KNOWN_RECORD);
        for len in 0..bytes.len() {
            assert_eq!(
                SealedRecord::decode(&bytes[..len]).unwrap_err(),
                RecordError::Truncated
            );
        }
        let longer = [bytes.as_slice(), &[0]].concat();
        assert_eq!(
            SealedRecord::decode(&longer).unwrap_err(),
            RecordError::Truncated
        );
    }

    #[test]
    fn every_bit_flip_is_rejected_or_decodes_canonically() {
        let bytes = unhex(KNOWN_RECORD);
        for index in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[index] ^= 1 << bit;
                if let Ok(record) = SealedRecord::decode(&flipped) {
                    assert_eq!(record.encode(), flipped);
                }
            }
        }
    }

    fn any_sealed() -> impl Strategy<Value = Sealed> {
        (
            any::<[u8; 12]>(),
            proptest::collection::vec(any::<u8>(), TAG_LEN..80),
        )
            .prop_map(|(nonce, ciphertext)| Sealed { nonce, ciphertext })
    }

    fn any_record() -> impl Strategy<Value = SealedRecord> {
        let header = (
            any::<u64>(),
            "[a-z0-9]{1,20}-[a-z0-9-]{1,60}",
            any::<u64>(),
            "[a-z0-9_]{1,64}",
            any::<u32>(),
            any::<i64>(),
            any::<u32>(),
            proptest::option::of(any::<[u8; 16]>()),
        )
            .prop_map(
                |(
                    position,
                    stream,
                    stream_version,
                    event_type,
                    schema_version,
                    recorded_at_ms,
                    key_epoch,
                    actor,
                )| {
                    RecordHeader {
                        position,
                        stream: StreamId::parse(&stream).unwrap(),
                        stream_version,
                        event_type,
                        schema_version,
                        recorded_at_ms,
                        key_epoch,
                        actor,
                    }
                },
            );
        (
            header,
            any_sealed(),
            proptest::option::of(any_sealed()),
            any::<[u8; 32]>(),
        )
            .prop_map(|(header, facts, pii, mac)| SealedRecord {
                header,
                facts,
                pii,
                mac: Mac(mac),
            })
    }

    proptest! {
        #[test]
        fn encode_decode_round_trips(record in any_record()) {
            let bytes = record.encode();
            let decoded = SealedRecord::decode(&bytes).unwrap();
            prop_assert_eq!(&decoded, &record);
            prop_assert_eq!(decoded.encode(), bytes.clone());
            let view = RecordView::parse(&bytes).unwrap();
            let mut reused = vec![0xff; 300];
            for part in [Part::Facts, Part::Pii] {
                view.aad_into(part, &mut reused);
                prop_assert_eq!(&reused, &aad(&record.header, part));
            }
            let unsigned = SealedRecord::unsigned_part(&bytes).unwrap();
            prop_assert_eq!(
                unsigned,
                SealedRecord::unsigned_bytes(&record.header, &record.facts, record.pii.as_ref())
            );
            prop_assert_eq!(&bytes[unsigned.len()..], &record.mac.0[..]);
        }

        #[test]
        fn decode_never_panics_on_arbitrary_bytes(
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let _ = SealedRecord::decode(&bytes);
            let _ = SealedRecord::unsigned_part(&bytes);
            // Past the format byte too.
            let _ = SealedRecord::decode(&[&[FORMAT][..], &bytes].concat());
        }

        #[test]
        fn decode_never_panics_on_a_damaged_record(
            record in any_record(),
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            bit in 0..8u8,
        ) {
            let bytes = record.encode();
            let cut = cut.index(bytes.len());
            prop_assert_eq!(SealedRecord::decode(&bytes[..cut]), Err(RecordError::Truncated));
            let mut flipped = bytes.clone();
            flipped[flip.index(bytes.len())] ^= 1 << bit;
            if let Ok(decoded) = SealedRecord::decode(&flipped) {
                prop_assert_eq!(decoded.encode(), flipped);
            }
        }
    }
}
