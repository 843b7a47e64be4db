//! Where a page may send the browser back to (`/login?next=`, `/lang?back=`): only a path on
//! this site. SECURITY-SENSITIVE: an open redirect on the sign-in page is a ready-made
//! phishing link for volunteers' passwords.
//!
//! Browsers are generous with what they take for "another site": they drop tabs and newlines
//! inside a URL, read a backslash as a slash, and take `//host` or `/\host` as a host. So a
//! target is refused when it, or any percent-decoded form of it, holds a control character,
//! whitespace or a backslash, does not start with one `/`, or does not resolve against this
//! site's own origin to a URL on that origin.

use url::Url;

/// The origin a target is resolved against. Any origin works: what matters is that the
/// target keeps it.
const ORIGIN: &str = "http://tincay.invalid/";

/// How many rounds of percent-decoding are checked (`%252f` is `%2f` is `/`).
const DECODING_ROUNDS: usize = 3;

/// `next` when it is a path on this site, else `None`.
pub fn safe_next(next: &str) -> Option<&str> {
    let mut form = next.to_owned();
    for _ in 0..=DECODING_ROUNDS {
        if !plain_local_path(&form) {
            return None;
        }
        let decoded: String = percent_decode(&form);
        if decoded == form {
            break;
        }
        form = decoded;
    }
    stays_on_origin(next).then_some(next)
}

/// A path that starts with exactly one `/` and holds nothing a browser would strip or bend.
fn plain_local_path(path: &str) -> bool {
    let mut chars = path.chars();
    let first_is_slash = chars.next() == Some('/');
    let second_leaves = matches!(chars.next(), Some('/' | '\\'));
    first_is_slash
        && !second_leaves
        && !path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\' || is_invisible(c))
}

/// Characters some browsers drop from a URL (zero-width and bidirectional controls).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

fn stays_on_origin(target: &str) -> bool {
    let Ok(origin) = Url::parse(ORIGIN) else {
        return false;
    };
    origin
        .join(target)
        .is_ok_and(|resolved| resolved.origin() == origin.origin())
}

/// One round of percent-decoding (invalid escapes are kept as they are).
fn percent_decode(text: &str) -> String {
    let bytes: Vec<u8> = percent_decoded_bytes(text.as_bytes());
    String::from_utf8_lossy(&bytes).into_owned()
}

fn percent_decoded_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        let escaped = match (byte, tail) {
            (b'%', [high, low, ..]) => hex(*high).zip(hex(*low)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match (escaped, tail) {
            (Some(value), [_, _, after @ ..]) => {
                out.push(value);
                rest = after;
            }
            _ => {
                out.push(byte);
                rest = tail;
            }
        }
    }
    out
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_kept() {
        for good in [
            "/",
            "/cases",
            "/cases/3f0c?tab=timeline",
            "/cases#notes",
            "/reports?area=62&year=2026",
            "/a/b//c",
        ] {
            assert_eq!(safe_next(good), Some(good), "{good:?}");
        }
    }

    /// The known ways out of a same-site redirect check, raw and encoded.
    #[test]
    fn every_known_bypass_is_refused() {
        for bad in [
            "",
            "cases",
            "//evil.example/x",
            "///evil.example/x",
            "/\\evil.example/x",
            "\\\\evil.example/x",
            "/\t/evil.example/phish",
            "/%09/evil.example/phish",
            "/\n/evil.example/x",
            "/%0a/evil.example/x",
            "/%0d%0a/evil.example/x",
            "/\r/evil.example/x",
            "/ /evil.example/x",
            "/%20/evil.example/x",
            "/%2f%2fevil.example/x",
            "/%2F%2Fevil.example/x",
            "%2f%2fevil.example/x",
            "/%5cevil.example/x",
            "/%255c/evil.example/x",
            "/%252f%252fevil.example",
            "https://evil.example/x",
            "https:evil.example/x",
            "http:/evil.example",
            "javascript:alert(1)",
            "/\u{200B}/evil.example",
            "/\u{0000}/evil.example",
            "/\u{00A0}/evil.example",
            "/%E2%80%8B/evil.example",
            "/%00/x",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
