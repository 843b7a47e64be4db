//! Master key, data keys and key wrapping.

use std::fmt;

use crate::store::crypto::CryptoError;

/// 32 secret bytes, zeroized on drop. No `Clone`, no `Serialize`, redacted `Debug`.
pub struct KeyMaterial(zeroize::Zeroizing<[u8; 32]>);

/// The master key (KEK). Wraps data keys; never encrypts events.
pub struct MasterKey(KeyMaterial);

/// An AES-256-GCM key for `pii` (one per stream) or `facts` (one per store).
pub struct DataKey(KeyMaterial);

impl KeyMaterial {
    /// 32 bytes from the OS RNG.
    pub fn generate() -> Self {
        todo!()
    }
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(zeroize::Zeroizing::new(bytes))
    }
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl MasterKey {
    pub fn generate() -> Self {
        Self(KeyMaterial::generate())
    }
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(KeyMaterial::from_bytes(bytes))
    }
    /// Accepts the key file's or `TINCAY_MASTER_KEY`'s content: standard base64 of 32 bytes
    /// (surrounding whitespace ignored), or exactly 32 raw bytes.
    pub fn parse(content: &[u8]) -> Result<Self, CryptoError> {
        let _ = content;
        todo!()
    }
    /// Standard base64 with a trailing newline: what `tincay keygen` writes.
    pub fn to_base64(&self) -> zeroize::Zeroizing<String> {
        todo!()
    }
    /// HMAC-SHA-256(master, "tincay master key check v1"): stored in the data directory so a
    /// wrong key is recognised at open.
    pub fn check_value(&self) -> [u8; 32] {
        todo!()
    }
    /// Constant-time comparison with a stored check value.
    pub fn matches(&self, check_value: &[u8]) -> bool {
        let _ = check_value;
        todo!()
    }
    /// AES-256-GCM(master, random nonce, key) with associated data binding `key_id` and
    /// `epoch`, so a wrapped key moved to another id or epoch fails to unwrap.
    /// Layout: `version u8 = 1 ‖ nonce[12] ‖ ciphertext+tag[48]`.
    pub fn wrap(&self, key_id: &str, epoch: u32, key: &KeyMaterial) -> Vec<u8> {
        let _ = (key_id, epoch, key);
        todo!()
    }
    pub fn unwrap(
        &self,
        key_id: &str,
        epoch: u32,
        wrapped: &[u8],
    ) -> Result<KeyMaterial, CryptoError> {
        let _ = (key_id, epoch, wrapped);
        todo!()
    }
}

impl DataKey {
    pub fn generate() -> Self {
        Self(KeyMaterial::generate())
    }
    pub fn from_material(material: KeyMaterial) -> Self {
        Self(material)
    }
    pub fn material(&self) -> &KeyMaterial {
        &self.0
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyMaterial(<redacted>)")
    }
}
impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}
impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}
