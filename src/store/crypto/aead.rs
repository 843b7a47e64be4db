//! AES-256-GCM sealing with random 96-bit nonces. SECURITY-SENSITIVE.
//!
//! Every [`DataKey::seal`] draws a fresh nonce from the OS RNG; nothing here ever chooses a
//! nonce otherwise (random 96-bit nonces stay safe for far more messages than one data key
//! will ever seal). The caller's associated data binds the ciphertext to its place
//! ([`crate::store::record::aad`]). Decrypted bytes exist only inside [`Plaintext`], which is
//! zeroized on drop and redacted in `Debug`.

use std::fmt;
use std::mem;

use aes_gcm::Nonce;
use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{AeadInPlace, OsRng};
use zeroize::Zeroizing;

use crate::store::crypto::keys::{NONCE_LEN, TAG_LEN};
use crate::store::crypto::{CryptoError, DataKey, KeyMaterial};

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
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        seal_with_nonce(self.material(), nonce, aad, plaintext)
    }
    pub fn open(&self, aad: &[u8], sealed: &Sealed) -> Result<Plaintext, CryptoError> {
        let body_len = sealed
            .ciphertext
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(CryptoError::Malformed("ciphertext"))?;
        let (body, tag) = sealed
            .ciphertext
            .split_at_checked(body_len)
            .ok_or(CryptoError::Malformed("ciphertext"))?;
        let tag =
            <&[u8; TAG_LEN]>::try_from(tag).map_err(|_| CryptoError::Malformed("ciphertext"))?;
        let mut buffer = Zeroizing::new(body.to_vec());
        self.material()
            .aes_gcm()
            .decrypt_in_place_detached(
                <&Nonce<_>>::from(&sealed.nonce),
                aad,
                &mut buffer,
                tag.into(),
            )
            .map_err(|_| CryptoError::Authentication)?;
        Ok(Plaintext(buffer))
    }
}

/// [`DataKey::seal`] with a given nonce, for known-answer tests. Never reuse a nonce.
fn seal_with_nonce(
    key: &KeyMaterial,
    nonce: [u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Sealed {
    // The plaintext is copied only into a zeroizing buffer, sized for the tag so appending it
    // does not reallocate, and encrypted there in place.
    let mut buffer = Zeroizing::new(Vec::with_capacity(plaintext.len() + TAG_LEN));
    buffer.extend_from_slice(plaintext);
    let ciphertext =
        match key
            .aes_gcm()
            .encrypt_in_place(<&Nonce<_>>::from(&nonce), aad, &mut *buffer)
        {
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
impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({} bytes)", self.ciphertext.len())
    }
}
