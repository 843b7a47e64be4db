//! The offline outbox's sealing: a form captured on a volunteer's phone while the network is
//! down is sealed *to the server*, so the phone keeps only bytes it cannot read back.
//! SECURITY-SENSITIVE.
//!
//! DO NOT MODIFY the layout below: phones hold records sealed with it, and the browser's
//! script (`src/web/assets/outbox.js`, WebCrypto only) writes it byte for byte. The shared
//! vector in `tests/vectors/outbox-v1.json` pins it on both sides.
//!
//! ```text
//! server secret  the first of HMAC-SHA-256 keyed hashes of the chain key, label
//!                "outbox/p256-secret/v1", data [i] for i = 0, 1, … that is a P-256 scalar
//!                in [1, n-1] (i = 0 but for a 2^-32 chance)
//! server public  its point, SEC1 uncompressed (65 bytes): served with the app shell
//! key id         hex(SHA-256(server public)[..8])  (16 characters, sent in clear)
//! ephemeral      a fresh P-256 key pair per record (the browser's, never kept)
//! shared         ECDH(ephemeral secret, server public): the x-coordinate, 32 bytes
//! record key     HKDF-SHA-256(ikm = shared, salt = ephemeral public[65] ‖ server public[65],
//!                             info = "tincay-outbox-v1 aes-256-gcm") → 32 bytes
//! sealed         AES-256-GCM(record key, nonce[12] random, aad, plaintext) → ct ‖ tag[16]
//! ```
//!
//! The associated data is the record's routing facts in their canonical encoding
//! (the web app's `web::outbox::aad`); this module treats it as bytes. The record key is used for
//! one record only (a fresh ephemeral key each time), so even a repeated nonce would not
//! repeat a (key, nonce) pair.
//!
//! The server's secret is derived from the chain key rather than stored beside it: the chain
//! key is wrapped by the master key like every other key, re-wrapped by `tincay rotate-key`
//! (so after a rotation only the new master key reaches the outbox key too), carried in
//! backups, and the same on every server of a shared store. The key pair outlives a master
//! key rotation on purpose: records sealed on a phone before the rotation still open after it.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::{Digest, Sha256};

use crate::store::crypto::keys::{NONCE_LEN, TAG_LEN};
use crate::store::crypto::{ChainKey, CryptoError, DataKey, KeyMaterial, Plaintext};
use crate::store::hex::hex;

/// The chain key's keyed-hash label the server's secret is derived under.
const SECRET_LABEL: &str = "outbox/p256-secret/v1";
/// HKDF's `info`: the format's version label and the cipher.
pub const HKDF_INFO: &[u8] = b"tincay-outbox-v1 aes-256-gcm";
/// A SEC1 uncompressed P-256 point: `0x04 ‖ x[32] ‖ y[32]`.
pub const POINT_LEN: usize = 65;

/// The server's outbox key pair. No `Clone`, no `Serialize`, redacted `Debug`; the secret
/// scalar is zeroized on drop (`p256::SecretKey`).
pub struct OutboxKey {
    secret: SecretKey,
    public: [u8; POINT_LEN],
    kid: String,
}

/// A sealed record's parts as the phone sent them (already decoded from base64).
#[derive(Clone, Copy, Debug)]
pub struct SealedParts<'a> {
    /// The ephemeral public key, SEC1 uncompressed.
    pub ephemeral: &'a [u8],
    pub nonce: &'a [u8],
    /// The associated data, exactly as sealed.
    pub aad: &'a [u8],
    /// Ciphertext and tag.
    pub ciphertext: &'a [u8],
}

impl OutboxKey {
    /// The store's outbox key, derived from its chain key (see the module header).
    pub fn derive(chain: &ChainKey) -> Self {
        let mut counter: u8 = 0;
        loop {
            let candidate = zeroize::Zeroizing::new(chain.keyed_hash(SECRET_LABEL, &[counter]));
            if let Ok(secret) = SecretKey::from_bytes((&*candidate).into()) {
                return Self::from_secret(secret);
            }
            // A 2^-32 chance per try; 256 failures in a row would mean a broken HMAC.
            counter = counter.wrapping_add(1);
        }
    }

    /// A key pair from a given secret (tests and the shared vectors).
    pub fn from_secret(secret: SecretKey) -> Self {
        let public = point_bytes(&secret.public_key());
        let kid = key_id(&public);
        Self {
            secret,
            public,
            kid,
        }
    }

    /// The key id a record names the key it was sealed to by.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key, SEC1 uncompressed: what the app shell serves.
    pub fn public(&self) -> &[u8; POINT_LEN] {
        &self.public
    }

    /// Opens a record sealed to this key. Any altered byte (ephemeral key, nonce, associated
    /// data, ciphertext or tag) fails authentication; wrong lengths or a point off the curve
    /// are malformed. The error never carries the bytes.
    pub fn open(&self, sealed: SealedParts<'_>) -> Result<Plaintext, CryptoError> {
        let nonce = <&[u8; NONCE_LEN]>::try_from(sealed.nonce)
            .map_err(|_| CryptoError::Malformed("outbox nonce"))?;
        if sealed.ciphertext.len() < TAG_LEN {
            return Err(CryptoError::Malformed("outbox ciphertext"));
        }
        let ephemeral = parse_point(sealed.ephemeral)?;
        let shared =
            p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), ephemeral.as_affine());
        let key = record_key(shared.raw_secret_bytes(), sealed.ephemeral, &self.public);
        DataKey::from_material(key).open_parts(sealed.aad, nonce, sealed.ciphertext)
    }
}

/// Seals `plaintext` to the server key `recipient` (SEC1 uncompressed) as the browser does,
/// with a given ephemeral secret and nonce: for tests and the shared vectors. Returns the
/// ephemeral public key and the ciphertext with its tag.
pub fn seal(
    recipient: &[u8],
    ephemeral: &SecretKey,
    nonce: [u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<([u8; POINT_LEN], Vec<u8>), CryptoError> {
    let server = parse_point(recipient)?;
    let ephemeral_public = point_bytes(&ephemeral.public_key());
    let shared = p256::ecdh::diffie_hellman(ephemeral.to_nonzero_scalar(), server.as_affine());
    let key = record_key(shared.raw_secret_bytes(), &ephemeral_public, recipient);
    let cipher = Aes256Gcm::new(key.expose().into());
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Malformed("outbox plaintext"))?;
    Ok((ephemeral_public, ciphertext))
}

/// HKDF-SHA-256 of the shared secret, salted with both public keys.
fn record_key(shared: &[u8], ephemeral: &[u8], server: &[u8]) -> KeyMaterial {
    let mut salt = Vec::with_capacity(2 * POINT_LEN);
    salt.extend_from_slice(ephemeral);
    salt.extend_from_slice(server);
    let mut okm = [0u8; 32];
    // 32 bytes is far below HKDF-SHA-256's limit (255 × 32), so expand cannot fail; were
    // it to, the all-zero key opens nothing sealed by a real ECDH.
    let _ = Hkdf::<Sha256>::new(Some(salt.as_slice()), shared).expand(HKDF_INFO, &mut okm);
    let key = KeyMaterial::from_bytes(okm);
    zeroize::Zeroize::zeroize(&mut okm);
    key
}

/// A SEC1 uncompressed point on P-256 (the identity and compressed forms are refused).
fn parse_point(bytes: &[u8]) -> Result<PublicKey, CryptoError> {
    if bytes.len() != POINT_LEN || bytes.first() != Some(&4) {
        return Err(CryptoError::Malformed("outbox public key"));
    }
    PublicKey::from_sec1_bytes(bytes).map_err(|_| CryptoError::Malformed("outbox public key"))
}

fn point_bytes(public: &PublicKey) -> [u8; POINT_LEN] {
    let encoded = public.to_encoded_point(false);
    let mut out = [0u8; POINT_LEN];
    for (dst, src) in out.iter_mut().zip(encoded.as_bytes()) {
        *dst = *src;
    }
    out
}

/// `hex(SHA-256(point)[..8])`.
pub fn key_id(point: &[u8]) -> String {
    let digest = Sha256::digest(point);
    hex(digest.get(..8).unwrap_or_default())
}

impl fmt::Debug for OutboxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboxKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(byte: u8) -> SecretKey {
        SecretKey::from_bytes(&[byte; 32].into()).unwrap()
    }

    fn server() -> OutboxKey {
        OutboxKey::from_secret(secret(7))
    }

    fn sealed(server: &OutboxKey) -> ([u8; POINT_LEN], [u8; 12], Vec<u8>, Vec<u8>) {
        let aad = b"tincay-outbox-v1\nform=note\n".to_vec();
        let nonce = [9u8; 12];
        let (ephemeral, ciphertext) =
            seal(server.public(), &secret(3), nonce, &aad, b"text=CANARY").unwrap();
        (ephemeral, nonce, aad, ciphertext)
    }

    fn parts<'a>(
        ephemeral: &'a [u8],
        nonce: &'a [u8],
        aad: &'a [u8],
        ciphertext: &'a [u8],
    ) -> SealedParts<'a> {
        SealedParts {
            ephemeral,
            nonce,
            aad,
            ciphertext,
        }
    }

    #[test]
    fn a_sealed_record_opens_with_the_server_key() {
        let server = server();
        let (ephemeral, nonce, aad, ciphertext) = sealed(&server);
        let opened = server
            .open(parts(&ephemeral, &nonce, &aad, &ciphertext))
            .unwrap();
        assert_eq!(opened.as_bytes(), b"text=CANARY");
        assert_eq!(ciphertext.len(), b"text=CANARY".len() + TAG_LEN);
    }

    #[test]
    fn any_flipped_byte_anywhere_fails() {
        let server = server();
        let (ephemeral, nonce, aad, ciphertext) = sealed(&server);
        for i in 0..aad.len() {
            let mut aad = aad.clone();
            aad[i] ^= 1;
            let error = server
                .open(parts(&ephemeral, &nonce, &aad, &ciphertext))
                .unwrap_err();
            assert_eq!(error, CryptoError::Authentication, "aad byte {i}");
        }
        for i in 0..ciphertext.len() {
            let mut ciphertext = ciphertext.clone();
            ciphertext[i] ^= 0x80;
            let error = server
                .open(parts(&ephemeral, &nonce, &aad, &ciphertext))
                .unwrap_err();
            assert_eq!(error, CryptoError::Authentication, "ciphertext byte {i}");
        }
        for i in 0..nonce.len() {
            let mut nonce = nonce;
            nonce[i] ^= 1;
            let error = server
                .open(parts(&ephemeral, &nonce, &aad, &ciphertext))
                .unwrap_err();
            assert_eq!(error, CryptoError::Authentication, "nonce byte {i}");
        }
        // Another valid point: the same record under another ephemeral key.
        let other = point_bytes(&secret(4).public_key());
        assert_eq!(
            server
                .open(parts(&other, &nonce, &aad, &ciphertext))
                .unwrap_err(),
            CryptoError::Authentication
        );
    }

    #[test]
    fn another_server_key_cannot_open_it() {
        let (ephemeral, nonce, aad, ciphertext) = sealed(&server());
        let other = OutboxKey::from_secret(secret(8));
        assert_eq!(
            other
                .open(parts(&ephemeral, &nonce, &aad, &ciphertext))
                .unwrap_err(),
            CryptoError::Authentication
        );
    }

    #[test]
    fn malformed_parts_are_refused_before_any_work() {
        let server = server();
        let (ephemeral, nonce, aad, ciphertext) = sealed(&server);
        let mut off_curve = ephemeral;
        off_curve[64] ^= 1;
        let mut compressed_tag = ephemeral;
        compressed_tag[0] = 2;
        for (ephemeral, nonce, ciphertext) in [
            (&off_curve[..], &nonce[..], &ciphertext[..]),
            (&compressed_tag[..], &nonce[..], &ciphertext[..]),
            (&ephemeral[..64], &nonce[..], &ciphertext[..]),
            (&[0u8; 1][..], &nonce[..], &ciphertext[..]),
            (&ephemeral[..], &nonce[..11], &ciphertext[..]),
            (&ephemeral[..], &nonce[..], &ciphertext[..15]),
        ] {
            assert!(matches!(
                server.open(parts(ephemeral, nonce, &aad, ciphertext)),
                Err(CryptoError::Malformed(_))
            ));
        }
    }

    /// The shared vector, computed independently (Python's `cryptography`); the browser
    /// test checks WebCrypto against the same file.
    #[test]
    fn sealing_matches_the_shared_known_answer_and_opens() {
        let vector: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/vectors/outbox-v1.json")).unwrap();
        let bytes = |name: &str| -> Vec<u8> {
            let text = vector[name].as_str().unwrap();
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
                .collect()
        };
        let server_secret: [u8; 32] = bytes("server_secret").try_into().unwrap();
        let server = OutboxKey::from_secret(SecretKey::from_bytes(&server_secret.into()).unwrap());
        assert_eq!(server.public().as_slice(), bytes("server_public"));
        assert_eq!(server.kid(), vector["kid"].as_str().unwrap());
        let ephemeral: [u8; 32] = bytes("ephemeral_secret").try_into().unwrap();
        let nonce: [u8; 12] = bytes("nonce").try_into().unwrap();
        let aad = vector["aad"].as_str().unwrap().as_bytes();
        let plaintext = vector["plaintext"].as_str().unwrap().as_bytes();
        let (epk, ciphertext) = seal(
            server.public(),
            &SecretKey::from_bytes(&ephemeral.into()).unwrap(),
            nonce,
            aad,
            plaintext,
        )
        .unwrap();
        assert_eq!(epk.as_slice(), bytes("ephemeral_public"));
        assert_eq!(ciphertext, bytes("ciphertext"));
        let opened = server.open(parts(&epk, &nonce, aad, &ciphertext)).unwrap();
        assert_eq!(opened.as_bytes(), plaintext);
    }

    #[test]
    fn the_key_is_derived_from_the_chain_key_and_stable() {
        let chain = ChainKey::from_material(KeyMaterial::from_bytes([1; 32]));
        let again = ChainKey::from_material(KeyMaterial::from_bytes([1; 32]));
        let other = ChainKey::from_material(KeyMaterial::from_bytes([2; 32]));
        let key = OutboxKey::derive(&chain);
        assert_eq!(key.public(), OutboxKey::derive(&again).public());
        assert_ne!(key.public(), OutboxKey::derive(&other).public());
        assert_eq!(key.kid().len(), 16);
        assert_eq!(key.kid(), key_id(key.public()));
        assert_eq!(
            format!("{key:?}"),
            format!("OutboxKey {{ kid: {:?}, .. }}", key.kid())
        );
    }
}
