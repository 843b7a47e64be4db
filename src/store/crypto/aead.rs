//! AES-256-GCM sealing with random 96-bit nonces.

use std::fmt;

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
        let _ = (aad, plaintext);
        todo!()
    }
    pub fn open(&self, aad: &[u8], sealed: &Sealed) -> Result<Plaintext, CryptoError> {
        let _ = (aad, sealed);
        todo!()
    }
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
