//! The API's errors: the problem+json answers it shares with the web app's JSON route
//! (`POST /outbox`), below both adapters in [`crate::edge::problem`] (the one status table).

pub use crate::edge::problem::{ApiError, FieldError, Problem};
