//! A sealed record as the phone posts it: JSON with the parts in standard base64 and the
//! associated data as its canonical text ([`super::aad`]). Refused as malformed before any
//! cryptography when a part does not decode or has the wrong length.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::store::crypto::outbox::{POINT_LEN, SealedParts};

/// The format label every record carries (and its associated data begins with).
pub const FORMAT: &str = "tincay-outbox-v1";

/// `POST /outbox`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SealedRecordBody {
    /// Always `tincay-outbox-v1`.
    #[schema(pattern = "^tincay-outbox-v1$")]
    pub format: String,
    /// The server key the record was sealed to (its key id, from `/outbox/key`).
    #[schema(pattern = "^[0-9a-f]{16}$")]
    pub kid: String,
    /// The ephemeral P-256 public key, SEC1 uncompressed, standard base64.
    #[schema(max_length = 100)]
    pub epk: String,
    /// The AES-256-GCM nonce (12 bytes), standard base64.
    #[schema(max_length = 16)]
    pub nonce: String,
    /// The associated data, exactly as sealed: the canonical `tincay-outbox-v1` lines.
    #[schema(max_length = 800)]
    pub aad: String,
    /// Ciphertext and tag, standard base64.
    #[schema(max_length = 60000)]
    pub ciphertext: String,
}

/// The record's parts, decoded.
#[derive(Debug)]
pub struct Decoded {
    pub kid: String,
    epk: Vec<u8>,
    nonce: Vec<u8>,
    aad: Vec<u8>,
    ciphertext: Vec<u8>,
}

/// Why a record cannot be read, before any key is tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the sealed record is malformed: {0}")]
pub struct Malformed(pub &'static str);

impl SealedRecordBody {
    pub fn decode(self) -> Result<Decoded, Malformed> {
        if self.format != FORMAT {
            return Err(Malformed("unknown format"));
        }
        let epk = base64(&self.epk, "epk")?;
        let nonce = base64(&self.nonce, "nonce")?;
        let ciphertext = base64(&self.ciphertext, "ciphertext")?;
        if epk.len() != POINT_LEN {
            return Err(Malformed("epk"));
        }
        if nonce.len() != 12 {
            return Err(Malformed("nonce"));
        }
        if ciphertext.len() < 16 {
            return Err(Malformed("ciphertext"));
        }
        Ok(Decoded {
            kid: self.kid,
            epk,
            nonce,
            aad: self.aad.into_bytes(),
            ciphertext,
        })
    }
}

impl Decoded {
    pub fn parts(&self) -> SealedParts<'_> {
        SealedParts {
            ephemeral: &self.epk,
            nonce: &self.nonce,
            aad: &self.aad,
            ciphertext: &self.ciphertext,
        }
    }

    pub fn aad(&self) -> &[u8] {
        &self.aad
    }
}

fn base64(text: &str, part: &'static str) -> Result<Vec<u8>, Malformed> {
    STANDARD.decode(text).map_err(|_| Malformed(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> SealedRecordBody {
        SealedRecordBody {
            format: FORMAT.into(),
            kid: "0011223344556677".into(),
            epk: STANDARD.encode([4u8; 65]),
            nonce: STANDARD.encode([0u8; 12]),
            aad: "tincay-outbox-v1\n".into(),
            ciphertext: STANDARD.encode([0u8; 16]),
        }
    }

    #[test]
    fn well_formed_parts_decode() {
        let decoded = body().decode().unwrap();
        assert_eq!(decoded.parts().ephemeral.len(), 65);
        assert_eq!(decoded.aad(), b"tincay-outbox-v1\n");
    }

    #[test]
    fn wrong_lengths_and_bad_base64_are_malformed() {
        let mut cases = Vec::new();
        let mut b = body();
        b.format = "tincay-outbox-v2".into();
        cases.push(b);
        let mut b = body();
        b.epk = STANDARD.encode([4u8; 33]);
        cases.push(b);
        let mut b = body();
        b.nonce = STANDARD.encode([0u8; 16]);
        cases.push(b);
        let mut b = body();
        b.ciphertext = STANDARD.encode([0u8; 15]);
        cases.push(b);
        let mut b = body();
        b.ciphertext = "not base64!".into();
        cases.push(b);
        for b in cases {
            assert!(b.decode().is_err());
        }
    }
}
