//! What a page answers instead of itself: a redirect to the sign-in page, or an error page
//! in the visitor's language. A use case's refusal ([`AppError`]) has the status the
//! contract's one table gives it ([`status_of`]) and words chosen by its code, never by its
//! English. Error pages never show personal data: an internal error's cause is logged,
//! never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::app::error::AppError;
use crate::domain::rejection::RuleCode;
use crate::edge::problem::status_of;
use crate::edge::rate::RateLimited;
use crate::web::i18n::{Lang, Message, msg, tr};
use crate::web::page::{Frame, render};
use crate::web::redirect::safe_next;

/// Why a page was not shown.
#[derive(Debug)]
pub enum WebError {
    /// No live session: sign in, then come back to `next` (a path on this site).
    SignIn { next: Option<String> },
    /// A form without a valid CSRF token (an old page, or another site's form).
    Csrf(Lang),
    /// A use case refused or failed; shown in words.
    App(AppError, Lang),
    /// Her requests are over her rate: 429, with `Retry-After`.
    RateLimited(RateLimited, Lang),
    /// A bare status (unsupported body type, body too large).
    Status(StatusCode, Lang),
}

impl WebError {
    /// The page for a use case's refusal, with the contract's status for it ([`status_of`]).
    pub fn app(error: AppError, lang: Lang) -> Self {
        WebError::App(error, lang)
    }

    pub fn status(status: StatusCode, lang: Lang) -> Self {
        WebError::Status(status, lang)
    }

    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignIn { .. } => StatusCode::SEE_OTHER,
            WebError::Csrf(_) => StatusCode::FORBIDDEN,
            WebError::App(error, _) => status_of(error),
            WebError::RateLimited(..) => StatusCode::TOO_MANY_REQUESTS,
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

/// The catalogue key for a refusal's words: the rule the case or registry refused on, by its
/// stable code, else the sentence of its status.
pub fn refusal_key(error: &AppError) -> &'static str {
    if let AppError::Rule(rule, _) = error {
        return match rule {
            RuleCode::CaseClosed => "rule.case_closed",
            RuleCode::CaseNotClosed => "rule.not_closed",
            RuleCode::ClosureAlreadyRequested => "rule.closure_already_requested",
            RuleCode::ClosureRequestUnreadable => "rule.closure_unreadable",
            RuleCode::FollowUpAlreadyCompleted => "rule.follow_up_done",
            RuleCode::ReferralConsentMissing => "rule.no_referral_consent",
            RuleCode::SameTrustedAddress => "rule.same_trusted_address",
            RuleCode::AreaAlreadyRetired => "rule.area_retired",
            RuleCode::TrustedAddressAlreadyClosed => "rule.address_closed",
            RuleCode::OwnAccount => "rule.own_account",
            RuleCode::UserDeactivated | RuleCode::UserAlreadyDeactivated => "rule.user_deactivated",
            RuleCode::UserNotPending | RuleCode::AlreadyExists => "rule.other",
        };
    }
    explain(status_of(error))
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let (lang, error, retry_after) = match self {
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
            WebError::Csrf(lang) => (lang, None, None),
            WebError::App(error, lang) => {
                let retry_after = match error {
                    AppError::Overloaded { retry_after_secs } => Some(retry_after_secs),
                    _ => None,
                };
                (lang, Some(error), retry_after)
            }
            WebError::RateLimited(limited, lang) => (lang, None, Some(limited.retry_after_secs)),
            WebError::Status(_, lang) => (lang, None, None),
        };
        if let Some(AppError::Internal(cause)) = &error {
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
        if let Some(retry_after_secs) = retry_after {
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
        "Vụ việc này đã bị xóa vĩnh viễn.",
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
        "rule.case_closed",
        "Vụ việc đã kết thúc: chỉ có thể mở lại hoặc xóa.",
        "The case is closed: it can only be reopened or erased.",
    ),
    msg(
        "rule.not_closed",
        "Chỉ mở lại được vụ việc đã kết thúc.",
        "Only a closed case can be reopened.",
    ),
    msg(
        "rule.closure_already_requested",
        "Yêu cầu kết thúc vụ việc này đang chờ cán bộ giám sát duyệt.",
        "A closure of this case is already waiting for a supervisor.",
    ),
    msg(
        "rule.closure_unreadable",
        "Không đọc được nội dung yêu cầu kết thúc vụ việc.",
        "The closure request's details cannot be read.",
    ),
    msg(
        "rule.follow_up_done",
        "Lần theo dõi này đã hoàn thành.",
        "This follow-up is already done.",
    ),
    msg(
        "rule.no_referral_consent",
        "Nạn nhân chưa đồng ý được chuyển gửi.",
        "The survivor did not consent to referral.",
    ),
    msg(
        "rule.same_trusted_address",
        "Vụ việc đã ở địa chỉ tin cậy này.",
        "The case is already at this trusted address.",
    ),
    msg(
        "rule.area_retired",
        "Địa bàn này đã ngừng hiệu lực rồi.",
        "This area is already retired.",
    ),
    msg(
        "rule.address_closed",
        "Địa chỉ tin cậy này đã đóng rồi.",
        "This trusted address is already closed.",
    ),
    msg(
        "rule.user_deactivated",
        "Tài khoản này đã bị vô hiệu hóa.",
        "This account is deactivated.",
    ),
    msg(
        "rule.own_account",
        "Quản trị viên không thể tự vô hiệu hóa tài khoản của mình.",
        "An admin cannot deactivate her own account.",
    ),
    msg(
        "rule.other",
        "Thao tác này không được phép với vụ việc ở trạng thái hiện tại.",
        "This is not allowed in the current state.",
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
    fn every_rule_refusal_has_its_own_words() {
        use crate::domain::case::Rejection;
        let rules = [
            Rejection::CaseClosed,
            Rejection::NotClosed,
            Rejection::ClosureAlreadyRequested,
            Rejection::ClosureRequestUnreadable,
            Rejection::FollowUpAlreadyCompleted,
            Rejection::NoReferralConsent,
            Rejection::SameTrustedAddress,
        ];
        for rule in rules {
            let crate::domain::rejection::RejectionKind::Rule(code) = rule.kind() else {
                panic!("{rule:?} is not a rule");
            };
            let key = refusal_key(&AppError::Rule(code, rule.to_string()));
            assert_ne!(key, "rule.other", "{rule:?}");
            assert_ne!(tr(Lang::Vi, key), key, "{rule:?}");
        }
        assert_eq!(refusal_key(&AppError::NotFound), "error.not_found");
        for rule in RuleCode::ALL {
            let key = refusal_key(&AppError::Rule(rule, String::new()));
            assert_ne!(tr(Lang::Vi, key), key, "{rule:?}");
            assert_ne!(tr(Lang::En, key), key, "{rule:?}");
        }
    }

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_next("/cases/1"), Some("/cases/1"));
        assert_eq!(safe_next("//evil.example/"), None);
        assert_eq!(safe_next("https://evil.example/"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
    }
}
