//! The frame of every page: `<html lang>`, the quick-exit button, the header with the
//! role's navigation, the language switch and sign-out, and the response headers pages need:
//! `Cache-Control: no-store` (pages may carry personal data) and a content security policy
//! that allows only this site's own styles and scripts.
//!
//! SECURITY-SENSITIVE (a shared phone): every page has the same neutral `<title>`
//! ([`HttpSettings::page_title`], "Sổ tay" unless configured), so the browser's history and
//! tab list say neither what the site is for nor what was done on it. The title reaches
//! error pages too (they are rendered without the state): [`neutral_title`] runs every
//! page's handler with the configured title in a task-local.
//!
//! [`HttpSettings::page_title`]: crate::edge::state::HttpSettings::page_title

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::domain::vocab::Role;
use crate::edge::state::AppState;
use crate::web::assets;
use crate::web::i18n::{Lang, html_lang, tr};
use crate::web::session::{CSRF_FIELD, WebUser};

/// Where the quick exit goes: a neutral, everyday page.
pub const NEUTRAL_SITE: &str = "https://www.google.com/search?q=th%E1%BB%9Di+ti%E1%BA%BFt";

/// The policy of every page: this site's styles, scripts, images and forms only; inline
/// SVG and `data:` images are allowed, inline scripts and styles are not.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
     frame-ancestors 'none'";

pub use crate::edge::state::DEFAULT_PAGE_TITLE;

tokio::task_local! {
    /// The configured `<title>` of the page being answered (see [`neutral_title`]).
    static PAGE_TITLE: String;
}

/// Middleware of the web app's routes: the handler (and the error page it may become)
/// runs with the configured page title.
pub async fn neutral_title(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    PAGE_TITLE
        .scope(state.settings.page_title.clone(), next.run(request))
        .await
}

/// The `<title>` of every page.
pub fn page_title() -> String {
    PAGE_TITLE
        .try_with(String::clone)
        .unwrap_or_else(|_| DEFAULT_PAGE_TITLE.to_owned())
}

/// What the frame needs to know about the page and who is looking.
#[derive(Debug)]
pub struct Frame<'a> {
    pub lang: Lang,
    /// The page's own name. Never the `<title>` (that is [`page_title`] on every page): the
    /// browser's history would keep it.
    pub title: &'a str,
    pub user: Option<&'a WebUser>,
    /// Seconds of inactivity after which the page signs itself out (0: never).
    pub idle_seconds: i64,
    /// Where the language switch comes back to.
    pub here: &'a str,
}

impl<'a> Frame<'a> {
    /// The frame of a signed-in user's page.
    pub fn new(state: &AppState, user: &'a WebUser, title: &'a str) -> Self {
        Self {
            lang: user.lang,
            title,
            user: Some(user),
            idle_seconds: state.settings.web_session_idle.whole_seconds(),
            here: &user.here,
        }
    }

    /// The frame of a page with no user (sign-in, errors).
    pub fn bare(lang: Lang, title: &'a str) -> Self {
        Self {
            lang,
            title,
            user: None,
            idle_seconds: 0,
            here: "/",
        }
    }
}

/// The hidden CSRF field every form of a signed-in user carries.
pub fn csrf_field(user: &WebUser) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(user.csrf); }
}

/// The navigation links of a role: (path, catalogue key).
pub fn navigation(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Volunteer => &[("/cases", "nav.cases"), ("/cases/new", "nav.new_case")],
        Role::Supervisor => &[
            ("/dashboard", "nav.dashboard"),
            ("/cases", "nav.cases"),
            ("/stats", "nav.stats"),
            ("/reports/programme", "nav.report"),
            ("/stats/usage", "nav.stats_usage"),
        ],
        Role::Reporting => &[
            ("/stats", "nav.stats"),
            ("/reports/programme", "nav.report"),
        ],
        Role::Admin => &[
            ("/admin/users", "nav.users"),
            ("/admin/areas", "nav.areas"),
            ("/admin/addresses", "nav.addresses"),
            ("/stats/usage", "nav.stats_usage"),
        ],
    }
}

/// A whole page.
pub fn document(frame: &Frame<'_>, body: Markup) -> Markup {
    let lang = frame.lang;
    let other = match lang {
        Lang::Vi => "en",
        Lang::En => "vi",
    };
    html! {
        (DOCTYPE)
        html lang=(html_lang(lang)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (page_title()) }
                link rel="stylesheet" href=(assets::CSS.path());
                script src=(assets::JS.path()) defer {}
                script src=(assets::OUTBOX_JS.path()) defer {}
            }
            body data-idle-seconds=(frame.idle_seconds) data-exit-url=(NEUTRAL_SITE)
                data-offline-text=(tr(lang, "form.offline"))
                data-sending-text=(tr(lang, "form.sending"))
                data-user=[frame.user.map(|user| user.user.id.as_uuid().to_string())]
                data-outbox-waiting=(tr(lang, "outbox.waiting"))
                data-outbox-sealed=(tr(lang, "outbox.sealed"))
                data-outbox-attention=(tr(lang, "outbox.attention"))
                data-outbox-held=(tr(lang, "held.waiting"))
                data-outbox-held-item=(tr(lang, "outbox.held_item"))
                data-outbox-delete=(tr(lang, "outbox.delete"))
                data-outbox-confirm=(tr(lang, "outbox.confirm_delete")) {
                div.exit-bar {
                    a #quick-exit .quick-exit href="/exit" title=(tr(lang, "exit.hint")) {
                        (tr(lang, "exit.button"))
                    }
                }
                header.top {
                    a.brand href="/" { (tr(lang, "app.name")) }
                    @if let Some(user) = frame.user {
                        nav aria-label=(tr(lang, "nav.main")) {
                            ul {
                                @for (path, key) in navigation(user.user.role) {
                                    li { a href=(path) { (tr(lang, key)) } }
                                }
                            }
                        }
                    }
                    div.tools {
                        a #lang-switch href={ "/lang?to=" (other) "&back=" (encode(frame.here)) } lang=(other)
                            aria-label=(tr(lang, "lang.switch_label")) {
                            (tr(lang, "lang.switch"))
                        }
                        @if let Some(user) = frame.user {
                            form #sign-out method="post" action="/logout" {
                                (csrf_field(user))
                                button type="submit" { (tr(lang, "nav.sign_out")) }
                            }
                        }
                    }
                }
                main #main { (body) }
            }
        }
    }
}

/// `text` for a query string.
pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A page as a response: HTML, never cached, with the page policy.
pub fn render(frame: &Frame<'_>, body: Markup) -> Response {
    let mut response = document(frame, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title_of(page: &str) -> &str {
        page.split("<title>")
            .nth(1)
            .and_then(|rest| rest.split("</title>").next())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn the_title_is_the_configured_one_whatever_the_page() {
        let frame = Frame::bare(Lang::Vi, "Tiếp nhận vụ việc mới");
        let page = document(&frame, html! {}).into_string();
        assert_eq!(title_of(&page), DEFAULT_PAGE_TITLE);
        let configured = PAGE_TITLE
            .scope("Ghi chép".to_owned(), async {
                document(&frame, html! {}).into_string()
            })
            .await;
        assert_eq!(title_of(&configured), "Ghi chép");
        assert!(!configured.contains("Tiếp nhận"), "{configured}");
    }
}
