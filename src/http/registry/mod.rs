//! The registry API (admin; `GET /trusted-addresses` for every role, scoped): areas,
//! trusted addresses and user accounts. Every command goes through the domain's `decide`
//! and is appended with an expected version; the areas' and addresses' use cases are the
//! application core's ([`crate::app::registry`]), these handlers their JSON.
//!
//! - [`areas`]: `POST /areas`.
//! - [`retire`]: `POST /areas/{code}/retire`; [`merge`]: `POST /areas/merge` (communes merge
//!   into a new commune or one of them, from an effective date).
//! - [`addresses`]: `POST /trusted-addresses`, `GET /trusted-addresses`.
//! - [`users`]: `POST /users`, `DELETE /users/{id}`, `POST /users/{id}/password`,
//!   `POST /users/{id}/approve`, `POST /users/{id}/refuse`.
//! - [`import`]: the import of a list of units (`tincay areas import`), shared with the
//!   control socket.

pub mod addresses;
pub mod areas;
pub mod import;
pub mod merge;
pub mod retire;
pub mod users;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::edge::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(areas::define_area))
        .routes(routes!(merge::merge_communes))
        .routes(routes!(retire::retire_area))
        .routes(routes!(addresses::establish, addresses::list))
        .routes(routes!(users::create))
        .routes(routes!(users::deactivate))
        .routes(routes!(users::reset_password))
        .routes(routes!(users::approve))
        .routes(routes!(users::refuse))
}
