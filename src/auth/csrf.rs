//! The key of the web app's CSRF tokens, SECURITY-SENSITIVE: drawn when the server starts
//! (sessions do not outlive it), never serialized, redacted in `Debug`, zeroized on drop.
//! A token is an HMAC-SHA256 of a purpose and a secret (a session token, or a sign-in
//! nonce), compared in constant time. Where the tokens go is the web app's session module's.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The server's key for CSRF tokens, drawn when it starts (sessions do not outlive it).
pub struct WebSecret(Zeroizing<[u8; 32]>);

impl WebSecret {
    pub fn random() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        Self(key)
    }

    /// The CSRF token for a session token (or a sign-in nonce).
    pub fn csrf_token(&self, purpose: &str, secret: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.0.as_ref()) else {
            return String::new();
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(secret.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Whether `given` is the CSRF token for `secret`, compared in constant time.
    pub fn csrf_matches(&self, purpose: &str, secret: &str, given: &str) -> bool {
        let expected = self.csrf_token(purpose, secret);
        !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
    }
}

impl std::fmt::Debug for WebSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebSecret(<redacted>)")
    }
}
