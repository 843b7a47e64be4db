//! Posted forms, SECURITY-SENSITIVE: [`FormFields`] (an `application/x-www-form-urlencoded`
//! body, with repeated fields for checkboxes) and [`SignedInForm`], which is the only way a
//! page handler receives a form: it resolves the user and checks the form's CSRF token
//! before a field is looked at. Field values may be personal: `Debug` never shows them.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use zeroize::Zeroizing;

use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::session::{CSRF_FIELD, SESSION_COOKIE, SESSION_PURPOSE, WebUser, cookie, lang_of};

/// The fields of a posted form, in the order sent.
#[derive(Clone, Default)]
pub struct FormFields(Vec<(String, String)>);

impl std::fmt::Debug for FormFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FormFields(<redacted>)")
    }
}

impl FormFields {
    /// Parses an urlencoded body.
    pub fn parse(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, as sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of `name`, trimmed; `None` when missing or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }

    /// Every non-blank value of `name` (a group of checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, value)| key == name && !value.trim().is_empty())
            .map(|(_, value)| value.trim())
            .collect()
    }

    /// Whether a checkbox `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.text(name).is_some()
    }

    /// Every field, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl Drop for FormFields {
    fn drop(&mut self) {
        for (_, value) in &mut self.0 {
            zeroize::Zeroize::zeroize(value);
        }
    }
}

/// Whether the request says its body is an urlencoded form.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Reads an urlencoded body (within the server's body limit).
pub async fn read_form(request: Request, state: &AppState) -> Result<FormFields, WebError> {
    let lang = lang_of(request.headers());
    if !is_form(request.headers()) {
        return Err(WebError::status(StatusCode::UNSUPPORTED_MEDIA_TYPE, lang));
    }
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| WebError::status(rejection.status(), lang))?;
    Ok(FormFields::parse(&bytes))
}

/// A form posted by a signed-in user, its CSRF token checked.
#[derive(Debug)]
pub struct SignedInForm {
    pub user: WebUser,
    pub fields: FormFields,
}

impl FromRequest<AppState> for SignedInForm {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let user = WebUser::from_request_parts(&mut parts, state).await?;
        let token = cookie(&parts.headers, SESSION_COOKIE)
            .map(|token| Zeroizing::new(token.to_owned()))
            .unwrap_or_default();
        let fields = read_form(Request::from_parts(parts, body), state).await?;
        let given = fields.get(CSRF_FIELD).unwrap_or("");
        if !state.web.csrf_matches(SESSION_PURPOSE, &token, given) {
            return Err(WebError::Csrf(user.lang));
        }
        Ok(SignedInForm { user, fields })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_are_kept_and_blank_ones_dropped() {
        let form = FormFields::parse(b"v=physical&v=sexual&v=&name=+Lan+&empty=");
        assert_eq!(form.all("v"), vec!["physical", "sexual"]);
        assert_eq!(form.text("name"), Some("Lan"));
        assert_eq!(form.text("empty"), None);
        assert!(!form.checked("missing"));
        assert_eq!(format!("{form:?}"), "FormFields(<redacted>)");
    }

    #[test]
    fn vietnamese_text_survives_the_encoding() {
        let form = FormFields::parse("ten=Nguy%E1%BB%85n+Th%E1%BB%8B".as_bytes());
        assert_eq!(form.get("ten"), Some("Nguyễn Thị"));
    }
}
