//! Helpers for the web app's tests over HTTP: a browser-like session (its cookies kept by
//! hand, redirects not followed, so a test sees every 303), pages read whole, and forms
//! posted with the session's CSRF token.

use reqwest::header::{COOKIE, HeaderMap, LOCATION, SET_COOKIE};
use tincay::domain::ids::UserId;
use tincay::web::session::{CSRF_FIELD, LANG_COOKIE, SESSION_COOKIE, SESSION_PURPOSE};

use crate::support::*;

/// A page, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|value| value.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    }

    /// Where a redirect points.
    pub fn location(&self) -> String {
        self.header(LOCATION.as_str())
    }

    /// The `value` of the first input named `name`, as the HTML has it (entities left).
    pub fn input_value(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\"");
        let at = self.body.find(&marker)?;
        let tag_start = self.body[..at].rfind('<')?;
        let tag_end = at + self.body[at..].find('>')?;
        let tag = &self.body[tag_start..tag_end];
        let value = tag.split("value=\"").nth(1)?;
        Some(value.split('"').next()?.to_owned())
    }

    pub fn contains(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

/// A command form as its page served it: where it posts and its hidden fields, the request's
/// idempotency key and the case version it was shown. A browser sends the same hidden fields
/// every time the form is resubmitted, whatever was typed.
#[derive(Debug)]
pub struct Form {
    pub path: String,
    pub key: String,
    pub version: String,
}

impl Page {
    /// The command form on this page, posted to `path`.
    pub fn form(&self, path: impl Into<String>) -> Form {
        Form {
            path: path.into(),
            key: self.input_value("idempotency_key").unwrap(),
            version: self.input_value("version").unwrap(),
        }
    }
}

/// A browser's session with the web app.
pub struct WebSession<'a> {
    pub app: &'a TestApp,
    client: reqwest::Client,
    /// The session token (the cookie), if signed in.
    pub token: Option<String>,
    /// `vi` or `en`, if chosen.
    pub lang: Option<String>,
}

impl<'a> WebSession<'a> {
    /// A visitor who has not signed in.
    pub fn anonymous(app: &'a TestApp) -> Self {
        Self {
            app,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            token: None,
            lang: None,
        }
    }

    /// Signed in as `user` (a session started directly, without the Argon2 of the form).
    pub fn signed_in(app: &'a TestApp, user: UserId) -> Self {
        let mut session = Self::anonymous(app);
        let (token, _) = app.state.sessions.start_with_idle(
            user,
            tincay::http::state::Clock::now(app.clock.as_ref()),
            app.state.settings.web_session_idle,
        );
        session.token = Some(token.as_str().to_owned());
        session
    }

    /// Signed in through the sign-in form.
    pub async fn sign_in(app: &'a TestApp, username: &str, password: &str) -> Self {
        let mut session = Self::anonymous(app);
        let login = session.get("/login").await;
        let nonce = cookie_set(&login.headers, tincay::web::session::LOGIN_COOKIE).unwrap();
        let csrf = login.input_value(CSRF_FIELD).unwrap();
        let response = session
            .client
            .post(app.url("/login"))
            .header(COOKIE, format!("tincay_login={nonce}"))
            .form(&[
                (CSRF_FIELD, csrf.as_str()),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303, "sign-in refused");
        session.token = cookie_set(response.headers(), SESSION_COOKIE);
        session
    }

    /// The CSRF token of this session's forms.
    pub fn csrf(&self) -> String {
        self.app
            .state
            .web
            .csrf_token(SESSION_PURPOSE, self.token.as_deref().unwrap_or(""))
    }

    fn cookies(&self) -> String {
        let mut cookies = Vec::new();
        if let Some(token) = &self.token {
            cookies.push(format!("{SESSION_COOKIE}={token}"));
        }
        if let Some(lang) = &self.lang {
            cookies.push(format!("{LANG_COOKIE}={lang}"));
        }
        cookies.join("; ")
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(self.app.url(path))
            .header(COOKIE, self.cookies())
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// Posts `fields` as a form, with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![(CSRF_FIELD, csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Submits `form` with `fields` typed in (its hidden fields and the CSRF token added).
    pub async fn submit(&self, form: &Form, fields: &[(&str, &str)]) -> Page {
        let mut all = fields.to_vec();
        all.push(("idempotency_key", form.key.as_str()));
        all.push(("version", form.version.as_str()));
        self.post(&form.path, &all).await
    }

    /// Posts `body` as JSON, with `csrf` (if any) in `X-CSRF-Token`, as the outbox does.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        csrf: Option<&str>,
    ) -> Page {
        let mut request = self
            .client
            .post(self.app.url(path))
            .header(COOKIE, self.cookies())
            .json(body);
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        read(request.send().await.unwrap()).await
    }

    /// Posts exactly `fields` (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(self.app.url(path))
            .header(COOKIE, self.cookies())
            .form(fields)
            .send()
            .await
            .unwrap();
        read(response).await
    }
}

async fn read(response: reqwest::Response) -> Page {
    Page {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// The value a response's `Set-Cookie` gives `name`.
pub fn cookie_set(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}
