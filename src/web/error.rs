//! What a page answers instead of itself: a redirect to the sign-in page, or an error page
//! in the visitor's language with the status of the API's table ([`ApiError`]). Error
//! pages never show personal data: an internal error's cause is logged by the API's error
//! type, never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::http::error::ApiError;
use crate::web::i18n::{Lang, Message, msg, tr};
use crate::web::page::{Frame, render};

/// Why a page was not shown.
#[derive(Debug)]
pub enum WebError {
    /// No live session: sign in, then come back to `next` (a path on this site).
    SignIn { next: Option<String> },
    /// A form without a valid CSRF token (an old page, or another site's form).
    Csrf(Lang),
    /// The API refused; shown in words.
    Api(ApiError, Lang),
    /// A bare status (unsupported body type, body too large).
    Status(StatusCode, Lang),
}

impl WebError {
    pub fn api(error: ApiError, lang: Lang) -> Self {
        match error {
            ApiError::Unauthorized => WebError::SignIn { next: None },
            other => WebError::Api(other, lang),
        }
    }

    pub fn status(status: StatusCode, lang: Lang) -> Self {
        WebError::Status(status, lang)
    }

    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignIn { .. } => StatusCode::SEE_OTHER,
            WebError::Csrf(_) => StatusCode::FORBIDDEN,
            WebError::Api(error, _) => error.status_and_code().0,
            WebError::Status(status, _) => *status,
        }
    }
}

/// The catalogue key of the sentence that explains a status.
pub fn explain(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "error.bad_request",
        403 => "error.forbidden",
        404 => "error.not_found",
        410 => "error.gone",
        412 => "error.conflict",
        413 => "error.too_large",
        415 => "error.bad_request",
        422 => "error.invalid",
        429 => "error.rate_limited",
        503 => "error.busy",
        _ => "error.internal",
    }
}

/// A path that is safe to return to after signing in: on this site, not another's.
pub fn safe_next(next: &str) -> Option<&str> {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    local.then_some(next)
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let (lang, error) = match self {
            WebError::SignIn { next } => {
                let location = match next.as_deref().and_then(safe_next) {
                    Some(next) => format!(
                        "/login?next={}",
                        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                    ),
                    None => "/login".to_owned(),
                };
                let mut response = StatusCode::SEE_OTHER.into_response();
                if let Ok(value) = HeaderValue::from_str(&location) {
                    response.headers_mut().insert(header::LOCATION, value);
                }
                return response;
            }
            WebError::Csrf(lang) => (lang, None),
            WebError::Api(error, lang) => (lang, Some(error)),
            WebError::Status(_, lang) => (lang, None),
        };
        if let Some(ApiError::Internal(cause)) = &error {
            tracing::error!(%cause, "a page failed");
        }
        let key = match (&error, status) {
            (None, StatusCode::FORBIDDEN) => "error.csrf",
            _ => explain(status),
        };
        let frame = Frame::bare(lang, tr(lang, "error.title"));
        let body = html! {
            h1 { (tr(lang, "error.title")) }
            p.error-message role="alert" { (tr(lang, key)) }
            p { a href="/" { (tr(lang, "error.home")) } }
        };
        let mut response = render(&frame, body);
        *response.status_mut() = status;
        if let Some(ApiError::RateLimited { retry_after_secs })
        | Some(ApiError::Overloaded { retry_after_secs }) = error
        {
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

/// The words of error pages.
pub const MESSAGES: &[Message] = &[
    msg("error.title", "Có lỗi", "Something went wrong"),
    msg("error.home", "Về trang chính", "Back to the home page"),
    msg(
        "error.bad_request",
        "Yêu cầu không hợp lệ.",
        "The request was not valid.",
    ),
    msg(
        "error.forbidden",
        "Vai trò của bạn không được làm việc này.",
        "Your role may not do this.",
    ),
    msg(
        "error.not_found",
        "Không tìm thấy trang hoặc vụ việc này.",
        "This page or case was not found.",
    ),
    msg(
        "error.gone",
        "Vụ việc này đã bị xoá vĩnh viễn.",
        "This case was erased for good.",
    ),
    msg(
        "error.conflict",
        "Người khác vừa cập nhật vụ việc này. Hãy xem thông tin mới rồi thử lại.",
        "Someone else updated this case. Look at the new state and try again.",
    ),
    msg(
        "error.too_large",
        "Nội dung gửi lên quá dài.",
        "What was sent is too long.",
    ),
    msg(
        "error.invalid",
        "Một số thông tin chưa hợp lệ.",
        "Some of the information is not valid.",
    ),
    msg(
        "error.rate_limited",
        "Quá nhiều lần thử. Vui lòng đợi một lát rồi thử lại.",
        "Too many attempts. Please wait a moment and try again.",
    ),
    msg(
        "error.busy",
        "Hệ thống đang bận. Vui lòng thử lại sau ít phút.",
        "The service is busy. Please try again in a few minutes.",
    ),
    msg(
        "error.internal",
        "Hệ thống gặp sự cố. Vui lòng thử lại.",
        "The service had a problem. Please try again.",
    ),
    msg(
        "error.csrf",
        "Biểu mẫu đã hết hạn. Hãy tải lại trang rồi thử lại.",
        "This form has expired. Reload the page and try again.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_next("/cases/1"), Some("/cases/1"));
        assert_eq!(safe_next("//evil.example/"), None);
        assert_eq!(safe_next("https://evil.example/"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
    }
}
