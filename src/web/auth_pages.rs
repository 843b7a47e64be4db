//! Signing in and out of the web app, SECURITY-SENSITIVE, and the pages every visitor
//! shares: `/` (each role's home), `/login`, `/logout`, the quick exit `/exit`, the language
//! switch `/lang`, and `/session/ping` (the page's script keeps a session alive while it is
//! used).
//!
//! Sign-in goes through the one check the API shares
//! ([`sign_in`](crate::app::sign_in::sign_in): throttle, Argon2, access log),
//! answers every failure with the same words, and starts a web session, which dies after
//! [`web_session_idle`](crate::edge::state::HttpSettings::web_session_idle) without use.

use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Router, extract::FromRequestParts};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use maud::html;
use rand_core::{OsRng, RngCore};
use serde::Deserialize;

use crate::app::registry::accounts::Password;
use crate::app::sign_in::{SignIn, SignInRefused, sign_in};
use crate::domain::vocab::Role;
use crate::edge::client::ClientIp;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::form::read_form;
use crate::web::i18n::{Lang, Message, msg, tr};
use crate::web::page::{Frame, render};
use crate::web::redirect::safe_next;
use crate::web::session::{
    CSRF_FIELD, LANG_COOKIE, LOGIN_COOKIE, LOGIN_PURPOSE, PageLang, SESSION_COOKIE, WebUser,
    add_cookie, cookie, over_tls, set_cookie,
};
use crate::web::widgets;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/exit", get(exit))
        .route("/lang", get(switch_language))
        .route("/session/ping", get(ping))
}

/// Each role's first page.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Volunteer => "/cases",
        Role::Supervisor => "/dashboard",
        Role::Reporting => "/stats",
        Role::Admin => "/admin/users",
    }
}

async fn home(user: WebUser) -> Redirect {
    Redirect::to(home_of(user.user.role))
}

#[derive(Debug, Default, Deserialize)]
struct LoginQuery {
    next: Option<String>,
    timeout: Option<String>,
}

/// What the sign-in page says above its form.
#[derive(Clone, Copy, Debug)]
enum LoginNotice {
    None,
    TimedOut,
    Refused,
    RateLimited,
    Pending,
}

async fn login_page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Query(query): Query<LoginQuery>,
    request: Request,
) -> Response {
    let notice = if query.timeout.is_some() {
        LoginNotice::TimedOut
    } else {
        LoginNotice::None
    };
    let form = LoginForm {
        lang,
        next: query.next.as_deref(),
        username: "",
        notice,
        tls: over_tls(request.headers()),
    };
    form.render(&state, StatusCode::OK)
}

/// The sign-in page as it is about to be shown.
#[derive(Debug)]
struct LoginForm<'a> {
    lang: Lang,
    next: Option<&'a str>,
    username: &'a str,
    notice: LoginNotice,
    tls: bool,
}

impl LoginForm<'_> {
    /// The page, with a fresh nonce cookie its CSRF token is tied to.
    fn render(&self, state: &AppState, status: StatusCode) -> Response {
        let lang = self.lang;
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let nonce = URL_SAFE_NO_PAD.encode(nonce);
        let csrf = state.web.csrf_token(LOGIN_PURPOSE, &nonce);
        let title = tr(lang, "login.title");
        let mut frame = Frame::bare(lang, title);
        frame.here = "/login";
        let body = html! {
            h1 { (title) }
            p.muted { (tr(lang, "app.tagline")) }
            @match self.notice {
                LoginNotice::TimedOut => p.notice role="status" { (tr(lang, "session.timeout")) },
                LoginNotice::Refused => p.error-message role="alert" { (tr(lang, "login.refused")) },
                LoginNotice::RateLimited => p.error-message role="alert" { (tr(lang, "error.rate_limited")) },
                LoginNotice::Pending => p.error-message role="alert" { (tr(lang, "login.pending")) },
                LoginNotice::None => {},
            }
            form #login .stacked method="post" action="/login" {
                input type="hidden" name=(CSRF_FIELD) value=(csrf);
                @if let Some(next) = self.next.and_then(safe_next) {
                    input type="hidden" name="next" value=(next);
                }
                div.field {
                    label for="username" { (tr(lang, "login.username")) }
                    input #username type="text" name="username" value=(self.username)
                        autocomplete=(widgets::NOT_REMEMBERED) autocapitalize="none" spellcheck="false" required;
                }
                div.field {
                    label for="password" { (tr(lang, "login.password")) }
                    input #password type="password" name="password"
                        autocomplete=(widgets::NEW_PASSWORD) required;
                }
                div { button type="submit" { (tr(lang, "login.submit")) } }
            }
        };
        let mut response = render(&frame, body);
        *response.status_mut() = status;
        add_cookie(
            response.headers_mut(),
            set_cookie(LOGIN_COOKIE, &nonce, Some(3600), self.tls),
        );
        response
    }
}

async fn login(State(state): State<AppState>, request: Request) -> Result<Response, WebError> {
    let (mut parts, body) = request.into_parts();
    let lang = crate::web::session::lang_of(&parts.headers);
    let tls = over_tls(&parts.headers);
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &state).await;
    let nonce = cookie(&parts.headers, LOGIN_COOKIE)
        .unwrap_or("")
        .to_owned();
    let fields = read_form(Request::from_parts(parts, body), &state).await?;
    let given = fields.get(CSRF_FIELD).unwrap_or("");
    if nonce.is_empty() || !state.web.csrf_matches(LOGIN_PURPOSE, &nonce, given) {
        return Err(WebError::Csrf(lang));
    }
    let username = fields.get("username").unwrap_or("").trim().to_owned();
    let next = fields
        .text("next")
        .and_then(safe_next)
        .filter(|next| !next.starts_with("/login"))
        .map(str::to_owned);
    let body = SignIn {
        username: username.clone(),
        password: Password::new(fields.get("password").unwrap_or("").to_owned()),
    };
    let refused = |notice| LoginForm {
        lang,
        next: next.as_deref(),
        username: &username,
        notice,
        tls,
    };
    let lifetime = crate::auth::sessions::Lifetime {
        idle: state.settings.web_session_idle,
        absolute: state.settings.web_session_lifetime,
    };
    match sign_in(&state.app(), ip, body, lifetime).await {
        Ok((token, _, user)) => {
            let target = next
                .clone()
                .unwrap_or_else(|| home_of(user.role).to_owned());
            let mut response = Redirect::to(&target).into_response();
            let headers = response.headers_mut();
            add_cookie(
                headers,
                set_cookie(SESSION_COOKIE, token.as_str(), None, tls),
            );
            add_cookie(headers, set_cookie(LOGIN_COOKIE, "", Some(0), tls));
            Ok(response)
        }
        Err(SignInRefused::Refused) => {
            Ok(refused(LoginNotice::Refused).render(&state, StatusCode::UNAUTHORIZED))
        }
        Err(SignInRefused::Throttled { .. }) => {
            Ok(refused(LoginNotice::RateLimited).render(&state, StatusCode::TOO_MANY_REQUESTS))
        }
        Err(SignInRefused::Pending) => {
            Ok(refused(LoginNotice::Pending).render(&state, StatusCode::FORBIDDEN))
        }
        Err(SignInRefused::Failed(error)) => Err(WebError::app(error, lang)),
    }
}

async fn logout(
    State(state): State<AppState>,
    request_headers: axum::http::HeaderMap,
    form: crate::web::form::SignedInForm,
) -> Response {
    end_session(&state, &request_headers);
    let mut response = Redirect::to("/login").into_response();
    add_cookie(
        response.headers_mut(),
        set_cookie(SESSION_COOKIE, "", Some(0), form.user.tls),
    );
    response
}

/// Ends the session the request's cookie names, if any.
fn end_session(state: &AppState, headers: &axum::http::HeaderMap) {
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        state.sessions.end(token);
    }
}

/// The quick exit without the script: end the session, have the browser clear this site's
/// cookies and cache, and go to the neutral site at once. Not its storage: the only thing
/// the site keeps there is the offline outbox, sealed records nobody on the phone can read
/// (and that nothing shows until she signs in again); destroying them would lose what she
/// recorded for a survivor (issue 23).
async fn exit(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    end_session(&state, &headers);
    let lang = crate::web::session::lang_of(&headers);
    let target = crate::web::page::NEUTRAL_SITE;
    let page = html! {
        (maud::DOCTYPE)
        html lang=(crate::web::i18n::html_lang(lang)) {
            head {
                meta charset="utf-8";
                meta http-equiv="refresh" content={ "0;url=" (target) };
                title { "…" }
            }
            body { p { a href=(target) { (tr(lang, "exit.leaving")) } } }
        }
    };
    let mut response = page.into_response();
    let headers = response.headers_mut();
    headers.insert(
        "clear-site-data",
        HeaderValue::from_static("\"cache\", \"cookies\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::web::page::PAGE_CSP),
    );
    add_cookie(headers, set_cookie(SESSION_COOKIE, "", Some(0), false));
    response
}

#[derive(Debug, Deserialize)]
struct LangQuery {
    to: String,
    back: Option<String>,
}

/// Remember a language for a year (the choice is not personal), and go back.
async fn switch_language(
    headers: axum::http::HeaderMap,
    Query(query): Query<LangQuery>,
) -> Response {
    let code = if query.to == "en" { "en" } else { "vi" };
    let back = query.back.as_deref().and_then(safe_next).unwrap_or("/");
    let mut response = Redirect::to(back).into_response();
    add_cookie(
        response.headers_mut(),
        set_cookie(LANG_COOKIE, code, Some(365 * 24 * 3600), over_tls(&headers)),
    );
    response
}

/// Keeps the session alive while its page is used (the extractor refreshes it).
async fn ping(_user: WebUser) -> StatusCode {
    StatusCode::NO_CONTENT
}

/// The words of these pages.
pub const MESSAGES: &[Message] = &[
    msg("login.title", "Đăng nhập", "Sign in"),
    msg("login.username", "Tên đăng nhập", "Username"),
    msg("login.password", "Mật khẩu", "Password"),
    msg("login.submit", "Đăng nhập", "Sign in"),
    msg(
        "login.refused",
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "The username or password is not right.",
    ),
    msg(
        "login.pending",
        "Tài khoản (hoặc mật khẩu mới) đang chờ cán bộ giám sát duyệt.",
        "This account (or its new password) is waiting for a supervisor's approval.",
    ),
];
