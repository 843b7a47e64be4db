//! AES-256-GCM sealing with random 96-bit nonces. SECURITY-SENSITIVE.
//!
//! Every [`DataKey::seal`] draws a fresh nonce from the OS RNG; nothing else chooses a nonce
//! (outside known-answer tests). NIST SP 800-38D allows 2^32 random-nonce messages per key;
//! the busiest key, the store-wide facts key, seals one per record. The caller's associated
//! data binds the ciphertext to its place ([`crate::store::record::aad`]). Decrypted bytes
//! exist only inside [`Plaintext`], which is zeroized on drop and redacted in `Debug`.

use std::fmt;
use std::mem;

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{AeadInPlace, OsRng};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

use crate::store::crypto::keys::{NONCE_LEN, TAG_LEN};
use crate::store::crypto::{CryptoError, DataKey};

/// Decrypted bytes: zeroized on drop, redacted `Debug`, never written anywhere.
pub struct Plaintext(zeroize::Zeroizing<Vec<u8>>);

/// A nonce and the ciphertext with its 16-byte tag.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    pub nonce: [u8; 12],
    pub ciphertext: Vec<u8>,
}

impl Plaintext {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(zeroize::Zeroizing::new(bytes))
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl DataKey {
    /// Encrypt under a fresh random nonce, binding `aad`.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Sealed {
        seal_with_nonce(&self.cipher, random_nonce(), aad, plaintext)
    }
    pub fn open(&self, aad: &[u8], sealed: &Sealed) -> Result<Plaintext, CryptoError> {
        self.open_parts(aad, &sealed.nonce, &sealed.ciphertext)
    }
    /// [`DataKey::open`] of a nonce and a ciphertext (tag included) borrowed from wherever
    /// they are stored, so a reader copies the ciphertext only once, into the plaintext's
    /// own buffer, where it is decrypted in place.
    pub fn open_parts(
        &self,
        aad: &[u8],
        nonce: &[u8; NONCE_LEN],
        ciphertext: &[u8],
    ) -> Result<Plaintext, CryptoError> {
        let body_len = ciphertext
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(CryptoError::Malformed("ciphertext"))?;
        let (body, tag) = ciphertext
            .split_at_checked(body_len)
            .ok_or(CryptoError::Malformed("ciphertext"))?;
        let tag =
            <&[u8; TAG_LEN]>::try_from(tag).map_err(|_| CryptoError::Malformed("ciphertext"))?;
        let mut buffer = Zeroizing::new(body.to_vec());
        self.cipher
            .decrypt_in_place_detached(<&Nonce<_>>::from(nonce), aad, &mut buffer, tag.into())
            .map_err(|_| CryptoError::Authentication)?;
        Ok(Plaintext(buffer))
    }
}

fn random_nonce() -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    nonce
}

/// A plaintext being written (serialized, say) before it is sealed: when it grows, the old
/// buffer is zeroized as the new one takes its bytes, so no copy of the plaintext is left
/// behind in freed memory.
#[derive(Default)]
pub struct PlaintextBuffer(Zeroizing<Vec<u8>>);

impl PlaintextBuffer {
    fn with_capacity(capacity: usize) -> Self {
        Self(Zeroizing::new(Vec::with_capacity(capacity)))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Empty it, keeping its buffer for the next plaintext (zeroized when it drops).
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl std::io::Write for PlaintextBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        // Never reallocated in place: the bytes move into a new buffer and the old one is
        // zeroized as it drops. Doubling, so writing in small pieces copies each byte a
        // bounded number of times.
        let needed = self.0.len().saturating_add(bytes.len());
        if needed > self.0.capacity() {
            let doubled = self.0.capacity().saturating_mul(2).max(4096);
            let mut grown = Self::with_capacity(needed.max(doubled));
            grown.0.extend_from_slice(&self.0);
            *self = grown;
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// [`DataKey::seal`] with a given nonce, for known-answer tests. Never reuse a nonce.
fn seal_with_nonce(
    cipher: &Aes256Gcm,
    nonce: [u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Sealed {
    // The plaintext is copied only into a zeroizing buffer, sized for the tag so appending it
    // does not reallocate, and encrypted there in place.
    let mut buffer = Zeroizing::new(Vec::with_capacity(plaintext.len() + TAG_LEN));
    buffer.extend_from_slice(plaintext);
    let encrypted = cipher.encrypt_in_place(<&Nonce<_>>::from(&nonce), aad, &mut *buffer);
    let ciphertext = match encrypted {
        Ok(()) => mem::take(&mut *buffer),
        // aes-gcm refuses only messages or associated data over 64 GiB. Fail closed: an empty
        // ciphertext never opens, and the plaintext copy is zeroized on drop.
        Err(_) => Vec::new(),
    };
    Sealed { nonce, ciphertext }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plaintext(<{} bytes redacted>)", self.0.len())
    }
}
impl fmt::Debug for PlaintextBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlaintextBuffer(<{} bytes redacted>)", self.0.len())
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({} bytes)", self.ciphertext.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::generate()
    }

    #[test]
    fn seal_matches_a_known_answer() {
        // Computed independently with Python's `cryptography` AESGCM.
        let key = DataKey::from_material(crate::store::crypto::KeyMaterial::from_bytes(
            std::array::from_fn(|i| 64 + i as u8),
        ));
        let nonce = std::array::from_fn(|i| i as u8);
        let sealed = seal_with_nonce(&key.cipher, nonce, b"aad", b"hello");
        let hex: String = sealed
            .ciphertext
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, "5260001418038dbc6ea6410d953bb2dd481e81e87a");
        let opened = key.open(b"aad", &sealed).unwrap();
        assert_eq!(opened.as_bytes(), b"hello");
    }

    #[test]
    fn seal_then_open_round_trips() {
        let key = key();
        for plaintext in [&b""[..], b"x", &[0xa5; 1000]] {
            let sealed = key.seal(b"context", plaintext);
            assert_eq!(sealed.ciphertext.len(), plaintext.len() + TAG_LEN);
            assert_eq!(key.open(b"context", &sealed).unwrap().as_bytes(), plaintext);
        }
    }

    #[test]
    fn a_plaintext_written_in_pieces_is_held_whole_and_seals() {
        use std::io::Write as _;
        let key = key();
        // Pieces of every size across several growths, including one exactly filling the
        // buffer.
        let mut expected = Vec::new();
        let mut buffer = PlaintextBuffer::default();
        for (i, size) in [0, 1, 4095, 1, 5000, 3, 70_000].into_iter().enumerate() {
            let piece = vec![u8::try_from(i).unwrap(); size];
            buffer.write_all(&piece).unwrap();
            expected.extend_from_slice(&piece);
        }
        assert_eq!(buffer.as_bytes(), expected.as_slice());
        let sealed = key.seal(b"aad", buffer.as_bytes());
        assert_eq!(key.open(b"aad", &sealed).unwrap().as_bytes(), expected);
        let capacity = buffer.0.capacity();
        buffer.clear();
        buffer.write_all(b"again").unwrap();
        assert_eq!(buffer.as_bytes(), b"again");
        assert_eq!(buffer.0.capacity(), capacity);
        let mut full = PlaintextBuffer::default();
        full.write_all(&[7; 4096]).unwrap();
        assert_eq!(full.0.capacity(), 4096);
    }

    #[test]
    fn two_seals_of_the_same_plaintext_differ() {
        let key = key();
        let first = key.seal(b"aad", b"the same words");
        let second = key.seal(b"aad", b"the same words");
        assert_ne!(first.nonce, second.nonce);
        assert_ne!(first.ciphertext, second.ciphertext);
    }

    #[test]
    fn open_under_another_key_fails_authentication() {
        let sealed = key().seal(b"aad", b"secret");
        assert_eq!(
            key().open(b"aad", &sealed).unwrap_err(),
            CryptoError::Authentication
        );
    }

    #[test]
    fn open_with_other_associated_data_fails_authentication() {
        let key = key();
        let sealed = key.seal(b"aad", b"secret");
        for aad in [&b""[..], b"aae", b"aad\0"] {
            assert_eq!(
                key.open(aad, &sealed).unwrap_err(),
                CryptoError::Authentication
            );
        }
    }

    #[test]
    fn any_flipped_bit_in_nonce_ciphertext_or_tag_fails_authentication() {
        let key = key();
        let sealed = key.seal(b"aad", b"secret");
        for byte in 0..sealed.nonce.len() {
            for bit in 0..8 {
                let mut tampered = sealed.clone();
                tampered.nonce[byte] ^= 1 << bit;
                assert_eq!(
                    key.open(b"aad", &tampered).unwrap_err(),
                    CryptoError::Authentication
                );
            }
        }
        // The last 16 bytes are the tag.
        for byte in 0..sealed.ciphertext.len() {
            for bit in 0..8 {
                let mut tampered = sealed.clone();
                tampered.ciphertext[byte] ^= 1 << bit;
                assert_eq!(
                    key.open(b"aad", &tampered).unwrap_err(),
                    CryptoError::Authentication
                );
            }
        }
    }

    #[test]
    fn a_ciphertext_shorter_than_its_tag_is_malformed() {
        let key = key();
        let mut sealed = key.seal(b"aad", b"");
        sealed.ciphertext.pop();
        assert_eq!(
            key.open(b"aad", &sealed).unwrap_err(),
            CryptoError::Malformed("ciphertext")
        );
        sealed.ciphertext.clear();
        assert_eq!(
            key.open(b"aad", &sealed).unwrap_err(),
            CryptoError::Malformed("ciphertext")
        );
    }

    #[test]
    fn debug_never_shows_plaintext() {
        let key = key();
        let sealed = key.seal(b"aad", b"CANARY plaintext");
        let plaintext = key.open(b"aad", &sealed).unwrap();
        for text in [
            format!("{plaintext:?}"),
            format!("{:?}", Plaintext::new(b"CANARY".to_vec())),
        ] {
            assert!(text.contains("redacted"), "{text}");
            assert!(
                !text.contains("CANARY") && !text.contains("67, 65"),
                "{text}"
            );
        }
    }
}
