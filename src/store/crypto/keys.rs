//! Master key, data keys and key wrapping. SECURITY-SENSITIVE.
//!
//! DO NOT MODIFY these layouts: every data directory's check value and wrapped keys depend on
//! them byte for byte.
//!
//! ```text
//! check value   HMAC-SHA-256(master, "tincay master key check v1")
//! wrapped key   version u8 = 1 ‖ nonce[12] ‖ AES-256-GCM(master, key[32]) ‖ tag[16]  (61 bytes)
//! wrap AAD      "tincay-wrap-v1" ‖ key_id u16 len ‖ key_id bytes ‖ epoch u32     (big-endian)
//! derived key   HMAC-SHA-256(master, "tincay-master-derived-v1" ‖ label u16 len ‖ label)
//! ```
//!
//! A derived key's input never equals the check value's: their first bytes differ
//! (`tincay-master` against `tincay master`), and the label's length prefix keeps labels apart.
//!
//! Key bytes live only in [`zeroize::Zeroizing`] buffers: wrapping encrypts the key in place
//! and unwrapping decrypts in place, so no unzeroized copy is left behind by this module.
//! (The `hmac` and `aes` crates keep derived state of their own; see the threat model.)

use std::fmt;

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{AeadInPlace, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::store::crypto::CryptoError;

/// 32 secret bytes, zeroized on drop. No `Clone`, no `Serialize`, redacted `Debug`.
pub struct KeyMaterial(zeroize::Zeroizing<[u8; 32]>);

/// The master key (KEK). Wraps data keys; never encrypts events.
pub struct MasterKey(KeyMaterial);

/// An AES-256-GCM key for `pii` (one per stream) or `facts` (one per store).
pub struct DataKey {
    material: KeyMaterial,
    /// The cipher keyed with `material` once, not per seal or open: a replay opens two parts
    /// per event, and re-keying (AES key schedule, GHASH key) each time was a measurable
    /// share of it. Its round keys and GHASH key are zeroized on drop (the `aes` and
    /// `polyval` crates' `zeroize` features), like the material.
    pub(crate) cipher: Aes256Gcm,
}

const KEY_LEN: usize = 32;
pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const TAG_LEN: usize = 16;
/// Standard base64 of 32 bytes, padding included.
const BASE64_LEN: usize = 44;

const CHECK_LABEL: &[u8] = b"tincay master key check v1";
const DERIVED_PREFIX: &[u8] = b"tincay-master-derived-v1";
const WRAP_VERSION: u8 = 1;
const WRAP_AAD_LABEL: &[u8] = b"tincay-wrap-v1";
/// Length of a wrapped key: version, nonce, encrypted key, tag.
pub const WRAPPED_LEN: usize = 1 + NONCE_LEN + KEY_LEN + TAG_LEN;

impl KeyMaterial {
    /// 32 bytes from the OS RNG.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        OsRng.fill_bytes(bytes.as_mut_slice());
        Self(bytes)
    }
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(zeroize::Zeroizing::new(bytes))
    }
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// An AES-256-GCM cipher under this key.
    pub(crate) fn aes_gcm(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.expose().into())
    }

    /// An HMAC-SHA-256 instance keyed with this key.
    pub(crate) fn hmac_sha256(&self) -> Hmac<Sha256> {
        // HMAC zero-pads a key shorter than the hash's 64-byte block (RFC 2104), so keying it
        // with the padded block is the same MAC as keying it with the 32 bytes, through the
        // constructor that cannot fail.
        let mut block = hmac::digest::Key::<Hmac<Sha256>>::default();
        for (dst, src) in block.iter_mut().zip(self.expose()) {
            *dst = *src;
        }
        let mac = <Hmac<Sha256> as KeyInit>::new(&block);
        block.as_mut_slice().zeroize();
        mac
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
    ///
    /// The two forms cannot be confused: base64 of 32 bytes is 44 characters, and 32 raw
    /// bytes never decode to 32. The error never echoes the input.
    pub fn parse(content: &[u8]) -> Result<Self, CryptoError> {
        let text = content.trim_ascii();
        if text.len() == BASE64_LEN {
            let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
            if let Ok(KEY_LEN) = STANDARD.decode_slice(text, bytes.as_mut_slice()) {
                return Ok(Self(KeyMaterial(bytes)));
            }
        }
        if let Ok(raw) = <&[u8; KEY_LEN]>::try_from(content) {
            let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
            *bytes = *raw;
            return Ok(Self(KeyMaterial(bytes)));
        }
        Err(CryptoError::BadMasterKey)
    }
    /// Standard base64 with a trailing newline: what `tincay keygen` writes.
    pub fn to_base64(&self) -> zeroize::Zeroizing<String> {
        // Sized up front so the string never reallocates and leaves a copy behind.
        let mut out = Zeroizing::new(String::with_capacity(BASE64_LEN + 1));
        STANDARD.encode_string(self.0.expose(), &mut out);
        out.push('\n');
        out
    }
    /// HMAC-SHA-256(master, "tincay master key check v1"): stored in the data directory so a
    /// wrong key is recognised at open.
    pub fn check_value(&self) -> [u8; 32] {
        let mut mac = self.0.hmac_sha256();
        mac.update(CHECK_LABEL);
        mac.finalize().into_bytes().into()
    }
    /// A key derived from the master key for one use (`label`, a short constant such as
    /// `"backup-mac/v2"`): something that must be checked with the master key alone, before
    /// any wrapped key is read (a backup's MAC). It changes with the master key, so a
    /// `rotate-key` changes it too.
    pub fn derived_key(&self, label: &str) -> KeyMaterial {
        let label_len = u16::try_from(label.len()).unwrap_or(u16::MAX);
        let mut mac = self.0.hmac_sha256();
        mac.update(DERIVED_PREFIX);
        mac.update(&label_len.to_be_bytes());
        mac.update(label.as_bytes());
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        bytes.copy_from_slice(&mac.finalize().into_bytes());
        KeyMaterial(bytes)
    }
    /// Constant-time comparison with a stored check value.
    pub fn matches(&self, check_value: &[u8]) -> bool {
        // `subtle` answers false for a length mismatch (the length is not secret).
        self.check_value().as_slice().ct_eq(check_value).into()
    }
    /// AES-256-GCM(master, random nonce, key) with associated data binding `key_id` and
    /// `epoch`, so a wrapped key moved to another id or epoch fails to unwrap.
    /// Layout: `version u8 = 1 ‖ nonce[12] ‖ ciphertext+tag[48]`.
    pub fn wrap(&self, key_id: &str, epoch: u32, key: &KeyMaterial) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        self.wrap_with_nonce(key_id, epoch, key, nonce)
    }
    pub fn unwrap(
        &self,
        key_id: &str,
        epoch: u32,
        wrapped: &[u8],
    ) -> Result<KeyMaterial, CryptoError> {
        const MALFORMED: CryptoError = CryptoError::Malformed("wrapped key");
        let (&version, rest) = wrapped.split_first().ok_or(MALFORMED)?;
        if version != WRAP_VERSION || wrapped.len() != WRAPPED_LEN {
            return Err(MALFORMED);
        }
        let (nonce, rest) = rest.split_at_checked(NONCE_LEN).ok_or(MALFORMED)?;
        let (ciphertext, tag) = rest.split_at_checked(KEY_LEN).ok_or(MALFORMED)?;
        let nonce = <&[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| MALFORMED)?;
        let ciphertext = <&[u8; KEY_LEN]>::try_from(ciphertext).map_err(|_| MALFORMED)?;
        let tag = <&[u8; TAG_LEN]>::try_from(tag).map_err(|_| MALFORMED)?;

        // Decrypted in place inside the zeroizing buffer the key will live in. aes-gcm checks
        // the tag before decrypting, so on failure the buffer never held the key.
        let mut key = Zeroizing::new(*ciphertext);
        self.0
            .aes_gcm()
            .decrypt_in_place_detached(
                <&Nonce<_>>::from(nonce),
                &wrap_aad(key_id, epoch),
                key.as_mut_slice(),
                <&Tag>::from(tag),
            )
            .map_err(|_| CryptoError::Authentication)?;
        Ok(KeyMaterial(key))
    }

    /// [`Self::wrap`] with a given nonce, for known-answer tests. Never reuse a nonce.
    fn wrap_with_nonce(
        &self,
        key_id: &str,
        epoch: u32,
        key: &KeyMaterial,
        nonce: [u8; NONCE_LEN],
    ) -> Vec<u8> {
        let mut body = Zeroizing::new(*key.expose());
        let sealed = self.0.aes_gcm().encrypt_in_place_detached(
            <&Nonce<_>>::from(&nonce),
            &wrap_aad(key_id, epoch),
            body.as_mut_slice(),
        );
        match sealed {
            Ok(tag) => {
                let mut out = Vec::with_capacity(WRAPPED_LEN);
                out.push(WRAP_VERSION);
                out.extend_from_slice(&nonce);
                out.extend_from_slice(body.as_slice());
                out.extend_from_slice(&tag);
                out
            }
            // aes-gcm refuses only messages over 64 GiB, so 32 bytes cannot fail. Were it ever
            // to, fail closed: an empty wrapping never unwraps, and `body` is zeroized on drop.
            Err(_) => Vec::new(),
        }
    }
}

/// `"tincay-wrap-v1" ‖ u16 len ‖ key_id ‖ u32 epoch`. Injective even for a key id too long
/// for its length field (saturated): the epoch is fixed-width and last, so the key id is
/// exactly the bytes between the length and the epoch.
fn wrap_aad(key_id: &str, epoch: u32) -> Vec<u8> {
    let len = u16::try_from(key_id.len()).unwrap_or(u16::MAX);
    let mut aad = Vec::with_capacity(WRAP_AAD_LABEL.len() + 2 + key_id.len() + 4);
    aad.extend_from_slice(WRAP_AAD_LABEL);
    aad.extend_from_slice(&len.to_be_bytes());
    aad.extend_from_slice(key_id.as_bytes());
    aad.extend_from_slice(&epoch.to_be_bytes());
    aad
}

impl DataKey {
    pub fn generate() -> Self {
        Self::from_material(KeyMaterial::generate())
    }
    pub fn from_material(material: KeyMaterial) -> Self {
        let cipher = material.aes_gcm();
        Self { material, cipher }
    }
    pub fn material(&self) -> &KeyMaterial {
        &self.material
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::hex::hex;

    /// Known answers below were computed independently with Python's `hmac`, `hashlib`,
    /// `base64` and `cryptography` (AESGCM).
    fn counting_key(start: u8) -> [u8; 32] {
        std::array::from_fn(|i| start + i as u8)
    }

    const CANARY: [u8; 32] = *b"CANARY-SECRET-KEY-BYTES-31415926";

    #[test]
    fn generated_keys_differ() {
        assert_ne!(
            KeyMaterial::generate().expose(),
            KeyMaterial::generate().expose()
        );
    }

    #[test]
    fn check_value_matches_a_known_answer() {
        let master = MasterKey::from_bytes(counting_key(0));
        assert_eq!(
            hex(&master.check_value()),
            "09ab113733575ead82641bc479a756682a3d58422042f20b26817384d2b50aea"
        );
    }

    #[test]
    fn derived_keys_differ_by_label_and_master_and_from_the_check_value() {
        let master = MasterKey::from_bytes(counting_key(0));
        let backup = master.derived_key("backup-mac/v2");
        assert_eq!(
            backup.expose(),
            master.derived_key("backup-mac/v2").expose()
        );
        assert_ne!(
            backup.expose(),
            master.derived_key("backup-mac/v3").expose()
        );
        assert_ne!(
            backup.expose(),
            MasterKey::from_bytes(counting_key(1))
                .derived_key("backup-mac/v2")
                .expose()
        );
        assert_ne!(backup.expose(), &master.check_value());
        assert!(!CHECK_LABEL.starts_with(DERIVED_PREFIX));
    }

    #[test]
    fn matches_accepts_its_own_check_value_only() {
        let master = MasterKey::from_bytes(counting_key(0));
        let check = master.check_value();
        assert!(master.matches(&check));
        assert!(!MasterKey::from_bytes(counting_key(1)).matches(&check));
        assert!(!master.matches(&check[..31]));
        assert!(!master.matches(&[check.as_slice(), &[0]].concat()));
        assert!(!master.matches(&[]));
    }

    #[test]
    fn parse_accepts_base64_with_whitespace_and_raw_bytes() {
        let expected = counting_key(0);
        for content in [
            &b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="[..],
            b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
            b"  \tAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n ",
            &expected,
        ] {
            let key = MasterKey::parse(content).unwrap();
            assert_eq!(key.0.expose(), &expected);
        }
        // Raw bytes are taken as they are, whitespace included.
        let raw = *b" raw key bytes, spaces included ";
        assert_eq!(MasterKey::parse(&raw).unwrap().0.expose(), &raw);
    }

    #[test]
    fn parse_rejects_everything_else() {
        for content in [
            &b""[..],
            b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", // unpadded
            b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\0", // NUL is not whitespace
            b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", // 31 bytes
            b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==", // 34 bytes
            b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=", // non-canonical last char
            b"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh-=", // URL-safe alphabet
            &[7; 31],
            &[7; 33],
        ] {
            assert_eq!(
                MasterKey::parse(content).unwrap_err(),
                CryptoError::BadMasterKey
            );
        }
    }

    #[test]
    fn parse_error_does_not_echo_the_input() {
        let err = MasterKey::parse(b"CANARY-not-a-key").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("CANARY"));
    }

    #[test]
    fn to_base64_round_trips_through_parse() {
        let master = MasterKey::from_bytes(counting_key(0));
        let text = master.to_base64();
        assert_eq!(
            text.as_str(),
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
        );
        let generated = MasterKey::generate();
        let parsed = MasterKey::parse(generated.to_base64().as_bytes()).unwrap();
        assert_eq!(parsed.0.expose(), generated.0.expose());
    }

    #[test]
    fn wrap_matches_a_known_answer() {
        let master = MasterKey::from_bytes(counting_key(0));
        let key = KeyMaterial::from_bytes(counting_key(100));
        let nonce = std::array::from_fn(|i| 0xa0 + i as u8);
        let wrapped = master.wrap_with_nonce("dek:case-1", 7, &key, nonce);
        assert_eq!(
            hex(&wrapped),
            "01a0a1a2a3a4a5a6a7a8a9aaab827d1a4a2da268d40e08e9bc770bb2ad04d92f67eace3817e07358f9ff\
             2af7821dd07fc260fccd3a855b2f1df9ecf79b"
        );
        assert_eq!(
            master.unwrap("dek:case-1", 7, &wrapped).unwrap().expose(),
            key.expose()
        );
    }

    #[test]
    fn wrap_round_trips_with_fresh_nonces() {
        let master = MasterKey::generate();
        let key = KeyMaterial::generate();
        let first = master.wrap("facts", 1, &key);
        let second = master.wrap("facts", 1, &key);
        assert_eq!(first.len(), WRAPPED_LEN);
        assert_ne!(first, second);
        for wrapped in [first, second] {
            assert_eq!(
                master.unwrap("facts", 1, &wrapped).unwrap().expose(),
                key.expose()
            );
        }
    }

    #[test]
    fn unwrap_under_another_master_key_fails_authentication() {
        let key = KeyMaterial::generate();
        let wrapped = MasterKey::generate().wrap("chain", 1, &key);
        let other = MasterKey::generate();
        assert_eq!(
            other.unwrap("chain", 1, &wrapped).unwrap_err(),
            CryptoError::Authentication
        );
    }

    #[test]
    fn a_wrapped_key_moved_to_another_id_or_epoch_fails_authentication() {
        let master = MasterKey::generate();
        let wrapped = master.wrap("dek:case-1", 3, &KeyMaterial::generate());
        for (key_id, epoch) in [
            ("dek:case-2", 3),
            ("dek:case-1", 4),
            ("dek:case-1", 2),
            ("", 3),
        ] {
            assert_eq!(
                master.unwrap(key_id, epoch, &wrapped).unwrap_err(),
                CryptoError::Authentication,
                "{key_id} {epoch}"
            );
        }
    }

    #[test]
    fn any_flipped_bit_after_the_version_fails_authentication() {
        let master = MasterKey::generate();
        let wrapped = master.wrap("facts", 1, &KeyMaterial::generate());
        // Nonce, encrypted key and tag alike.
        for byte in 1..wrapped.len() {
            for bit in 0..8 {
                let mut tampered = wrapped.clone();
                tampered[byte] ^= 1 << bit;
                assert_eq!(
                    master.unwrap("facts", 1, &tampered).unwrap_err(),
                    CryptoError::Authentication,
                    "byte {byte} bit {bit}"
                );
            }
        }
    }

    #[test]
    fn a_wrong_version_or_length_is_malformed() {
        let master = MasterKey::generate();
        let wrapped = master.wrap("facts", 1, &KeyMaterial::generate());
        let malformed = CryptoError::Malformed("wrapped key");
        let mut version_2 = wrapped.clone();
        version_2[0] = 2;
        assert_eq!(
            master.unwrap("facts", 1, &version_2).unwrap_err(),
            malformed
        );
        for len in 0..wrapped.len() {
            assert_eq!(
                master.unwrap("facts", 1, &wrapped[..len]).unwrap_err(),
                malformed
            );
        }
        let longer = [wrapped.as_slice(), &[0]].concat();
        assert_eq!(master.unwrap("facts", 1, &longer).unwrap_err(), malformed);
    }

    #[test]
    fn debug_never_shows_key_bytes() {
        let canaries = ["CANARY", "67, 65, 78", "43414e415259", "Q0FOQVJZ"];
        let shown = [
            format!("{:?}", KeyMaterial::from_bytes(CANARY)),
            format!("{:?}", MasterKey::from_bytes(CANARY)),
            format!(
                "{:?}",
                DataKey::from_material(KeyMaterial::from_bytes(CANARY))
            ),
            format!("{:#?}", MasterKey::from_bytes(CANARY)),
        ];
        for text in shown {
            assert!(text.contains("redacted"), "{text}");
            for canary in canaries {
                assert!(!text.contains(canary), "{text}");
            }
        }
    }
}
