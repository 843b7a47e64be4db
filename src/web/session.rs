//! Who is using the web app, SECURITY-SENSITIVE: the session cookie, the language cookie, and
//! the CSRF tokens of forms.
//!
//! - The session cookie carries the same kind of token as the API's bearer token, from the
//!   same session store, so signing out, deactivation and idle expiry work alike; web
//!   sessions die sooner when unused ([`HttpSettings::web_session_idle`]). It is `HttpOnly`,
//!   `SameSite=Strict`, `Path=/`, and `Secure` when the request came over TLS (a proxy in
//!   front says so with `X-Forwarded-Proto: https`; a forged header only makes the cookie
//!   stricter).
//! - Every form carries a CSRF token: an HMAC of the session token under a key drawn when the
//!   server starts, checked in constant time before any form is read
//!   ([`crate::web::form::SignedInForm`]). The sign-in form, which has no session yet, is
//!   tied the same way to a random nonce in a short-lived cookie.
//! - [`WebUser`] is the signed-in, active user of a page; without one the page answers with
//!   a redirect to the sign-in page, which comes back afterwards.
//!
//! [`HttpSettings::web_session_idle`]: crate::edge::state::HttpSettings::web_session_idle

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use zeroize::Zeroizing;

use crate::app::actor::CurrentUser;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::i18n::Lang;

/// The session cookie.
pub const SESSION_COOKIE: &str = "tincay_session";
/// The remembered language (`vi` or `en`; not personal).
pub const LANG_COOKIE: &str = "tincay_lang";
/// The sign-in form's nonce.
pub const LOGIN_COOKIE: &str = "tincay_login";
/// The name of every form's CSRF field.
pub const CSRF_FIELD: &str = "_csrf";

pub use crate::auth::csrf::WebSecret;

/// The CSRF purpose of a signed-in session's forms.
pub const SESSION_PURPOSE: &str = "session";
/// The CSRF purpose of the sign-in form.
pub const LOGIN_PURPOSE: &str = "login";

/// A cookie's value in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether the request reached the front door over TLS.
pub fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: `HttpOnly; SameSite=Strict; Path=/`, `Secure` over TLS, and
/// `Max-Age` when given (a session cookie otherwise; `Some(0)` deletes).
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, tls: bool) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    if tls {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Adds a `Set-Cookie` to a response's headers.
pub fn add_cookie(headers: &mut HeaderMap, cookie: HeaderValue) {
    if !cookie.is_empty() {
        headers.append(SET_COOKIE, cookie);
    }
}

/// The language of the request: the remembered choice, else Vietnamese.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    match cookie(headers, LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    }
}

/// The language, as an extractor (for pages without a signed-in user).
#[derive(Clone, Copy, Debug)]
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(lang_of(&parts.headers)))
    }
}

/// The signed-in, active user of a page, with what every page of hers needs.
#[derive(Clone)]
pub struct WebUser {
    pub user: CurrentUser,
    pub username: String,
    pub lang: Lang,
    /// The CSRF token her forms carry.
    pub csrf: String,
    /// Whether the request came over TLS (for cookies this response sets).
    pub tls: bool,
    /// The page's own path and query when it was a GET (where the language switch
    /// returns), else `/`.
    pub here: String,
}

impl WebUser {
    /// The user as one of the application core's roles (`CaseWorker`, `Supervisor`, `Admin`,
    /// `StatsReader`, …), through its one role check; another role gets the 403 page.
    pub fn as_role<R: TryFrom<CurrentUser, Error = crate::app::error::AppError>>(
        &self,
    ) -> Result<R, WebError> {
        R::try_from(self.user.clone()).map_err(|error| WebError::app(error, self.lang))
    }
}

impl std::fmt::Debug for WebUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebUser")
            .field("user", &self.user)
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

/// Where a page that needs a user sends a visitor without one: the sign-in page, which
/// returns to `next` afterwards (a GET's own path; a form's page otherwise).
pub fn sign_in_redirect(parts: &Parts) -> WebError {
    let next = if parts.method == axum::http::Method::GET {
        parts
            .uri
            .path_and_query()
            .map(|path| path.as_str().to_owned())
    } else {
        None
    };
    WebError::SignIn { next }
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let lang = lang_of(&parts.headers);
        let token = cookie(&parts.headers, SESSION_COOKIE)
            .map(|token| Zeroizing::new(token.to_owned()))
            .ok_or_else(|| sign_in_redirect(parts))?;
        let id = state
            .sessions
            .user(&token, state.clock.now())
            .ok_or_else(|| sign_in_redirect(parts))?;
        let user = state
            .projections
            .registry
            .user(&id)
            .filter(|user| user.may_act())
            .ok_or_else(|| sign_in_redirect(parts))?;
        crate::edge::rate::charge(parts, state, id)
            .map_err(|limited| WebError::RateLimited(limited, lang))?;
        let here = match parts.method {
            axum::http::Method::GET => parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned()),
            _ => "/".to_owned(),
        };
        Ok(WebUser {
            here,
            csrf: state.web.csrf_token(SESSION_PURPOSE, &token),
            tls: over_tls(&parts.headers),
            username: user.username.clone(),
            lang,
            user: CurrentUser {
                id,
                role: user.role,
                area: user.area,
                trusted_address: user.trusted_address,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csrf_token_belongs_to_its_session_and_purpose() {
        let secret = WebSecret::random();
        let token = secret.csrf_token(SESSION_PURPOSE, "session-a");
        assert!(secret.csrf_matches(SESSION_PURPOSE, "session-a", &token));
        assert!(!secret.csrf_matches(SESSION_PURPOSE, "session-b", &token));
        assert!(!secret.csrf_matches(LOGIN_PURPOSE, "session-a", &token));
        assert!(!secret.csrf_matches(SESSION_PURPOSE, "session-a", ""));
        let other = WebSecret::random();
        assert!(!other.csrf_matches(SESSION_PURPOSE, "session-a", &token));
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("x_tincay_session=no; tincay_session=yes; tincay_lang=en"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("yes"));
        assert_eq!(lang_of(&headers), Lang::En);
        assert_eq!(cookie(&headers, LOGIN_COOKIE), None);
    }

    #[test]
    fn cookies_are_strict_and_secure_over_tls() {
        let plain = set_cookie(SESSION_COOKIE, "abc", None, false);
        assert_eq!(
            plain,
            "tincay_session=abc; Path=/; HttpOnly; SameSite=Strict"
        );
        let tls = set_cookie(SESSION_COOKIE, "", Some(0), true);
        assert_eq!(
            tls,
            "tincay_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
        );
    }
}
