//! A JSON body extractor whose every failure is a problem+json 400 (malformed JSON, wrong
//! type, unknown field, missing field) or 413 (too large), never axum's plain-text rejection.
//! Bodies deserialize into raw request types with `deny_unknown_fields`; handlers then parse
//! them into domain types.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

pub use crate::app::input::without_values;
use crate::http::error::ApiError;

/// `Json<T>` with API errors.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(reject(rejection)),
        }
    }
}

fn reject(rejection: JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge;
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::BadRequest("send the body as application/json".into())
        }
        JsonRejection::JsonDataError(error) => {
            ApiError::BadRequest(without_values(&error.body_text()))
        }
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::BadRequest("the body is not valid JSON".into())
        }
        other => ApiError::BadRequest(other.body_text()),
    }
}
