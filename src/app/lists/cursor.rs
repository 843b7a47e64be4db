//! The case list's cursor: `YYYY-MM-DD.uuid` of the last case of a page, sealed under the
//! server's cursor key ([`App::cursors`](crate::app::context::App)) and bound to the user it
//! was given to (her id is the seal's associated data), base64url (nonce ‖ ciphertext). The
//! day is personal data and a cursor travels in URLs (the web app's links, a browser's
//! history), so it is opaque in fact, not only by contract; and a cursor from another user's
//! listing does not open, so it cannot be used to place her cases among someone else's.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::app::validate::Checks;
use crate::domain::calendar::iso_day;
use crate::domain::ids::{CaseId, UserId};
use crate::projections::cases::CaseCursor;
use crate::store::crypto::DataKey;
use crate::store::crypto::keys::NONCE_LEN;

const CURSOR_AAD: &[u8] = b"tincay/cases/cursor/v2";

/// `cursor` sealed for `owner`.
pub fn seal(key: &DataKey, owner: &UserId, cursor: CaseCursor) -> String {
    let plain = format!("{}.{}", iso_day(cursor.opened_on), cursor.id);
    seal_plain(key, owner, plain.as_bytes())
}

/// Any `plain` bytes sealed as a cursor for `owner` is (the fuzz targets' seeds).
pub fn seal_plain(key: &DataKey, owner: &UserId, plain: &[u8]) -> String {
    let sealed = key.seal(&aad(owner), plain);
    let mut bytes = sealed.nonce.to_vec();
    bytes.extend_from_slice(&sealed.ciphertext);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A cursor this server sealed for `owner`, or `None` (garbage, altered, another key's, or
/// another user's).
pub fn open(key: &DataKey, owner: &UserId, text: &str) -> Option<CaseCursor> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    let (nonce, ciphertext) = bytes.split_first_chunk::<NONCE_LEN>()?;
    let plain = key.open_parts(&aad(owner), nonce, ciphertext).ok()?;
    let text = std::str::from_utf8(plain.as_bytes()).ok()?;
    let (day, id) = text.split_once('.')?;
    let mut checks = Checks::default();
    Some(CaseCursor {
        opened_on: checks.day("cursor", day)?,
        id: CaseId::from_uuid(Uuid::parse_str(id).ok()?),
    })
}

fn aad(owner: &UserId) -> Vec<u8> {
    let mut aad = CURSOR_AAD.to_vec();
    aad.push(0);
    aad.extend_from_slice(owner.as_uuid().as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_cursor_round_trips_for_its_owner_only_and_garbage_is_refused() {
        let key = DataKey::generate();
        let owner = UserId::from_uuid(Uuid::from_u128(1));
        let cursor = CaseCursor {
            opened_on: date!(2026 - 11 - 20),
            id: CaseId::from_uuid(Uuid::from_u128(7)),
        };
        let text = seal(&key, &owner, cursor);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(open(&key, &owner, &text), Some(cursor));
        let other = UserId::from_uuid(Uuid::from_u128(2));
        assert_eq!(open(&key, &other, &text), None, "another user's cursor");
        for bad in ["", "!!", "bm90IGEgY3Vyc29y"] {
            assert_eq!(open(&key, &owner, bad), None, "{bad}");
        }
        // Sealed: neither the day nor the id can be read from it, and it opens only here.
        let bytes = URL_SAFE_NO_PAD.decode(&text).unwrap();
        for clear in [&b"2026-11-20"[..], b"00000000-0000-0000-0000-000000000007"] {
            assert!(!bytes.windows(clear.len()).any(|window| window == clear));
        }
        assert_eq!(open(&DataKey::generate(), &owner, &text), None);
        let mut altered = bytes.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(open(&key, &owner, &URL_SAFE_NO_PAD.encode(altered)), None);
        let unsealed = URL_SAFE_NO_PAD.encode(format!("2026-11-20.{}", cursor.id));
        assert_eq!(open(&key, &owner, &unsealed), None);
    }
}
