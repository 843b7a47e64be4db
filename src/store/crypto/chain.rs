//! The tamper-evident chain: `mac[n] = HMAC-SHA-256(chain key, mac[n-1] ‖ record[n] bytes)`,
//! with `mac[0]` = 32 zero bytes ([`GENESIS_MAC`]).

use std::fmt;

use crate::store::crypto::KeyMaterial;

/// The chain key: HMAC only, never encryption.
pub struct ChainKey(KeyMaterial);

/// A chain MAC. Compared in constant time; displayed as lowercase hex.
#[derive(Clone, Copy)]
pub struct Mac(pub [u8; 32]);

pub const GENESIS_MAC: Mac = Mac([0; 32]);

impl ChainKey {
    pub fn from_material(material: KeyMaterial) -> Self {
        Self(material)
    }
    pub fn material(&self) -> &KeyMaterial {
        &self.0
    }
    /// The MAC of a record given the previous record's MAC and the record's unsigned bytes.
    pub fn link(&self, previous: &Mac, unsigned_record: &[u8]) -> Mac {
        let _ = (previous, unsigned_record);
        todo!()
    }
    /// A keyed hash for other uses of the chain key (idempotency keys, fingerprints), with a
    /// domain-separating label so it can never collide with a chain MAC.
    pub fn keyed_hash(&self, label: &str, data: &[u8]) -> [u8; 32] {
        let _ = (label, data);
        todo!()
    }
}

impl PartialEq for Mac {
    fn eq(&self, other: &Self) -> bool {
        subtle::ConstantTimeEq::ct_eq(&self.0[..], &other.0[..]).into()
    }
}
impl Eq for Mac {}

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}
impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mac({self})")
    }
}
impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainKey(<redacted>)")
    }
}
