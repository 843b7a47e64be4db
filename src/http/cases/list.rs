//! `GET /cases`: the cases the caller may see (a volunteer: her trusted address's; a
//! supervisor: her area's), newest first, 50 to a page, from the case index. Without
//! `status`, erased cases are left out. `next` is an opaque, URL-safe cursor, null on the
//! last page. The listing is recorded in the access log.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access_log::AccessEntry;
use crate::app::scope::{CaseLocation, may_access_address, may_access_case};
use crate::app::validate::Checks;
use crate::domain::bounds::Accepts;
use crate::domain::bounds::{FieldCode, Range};
use crate::domain::calendar::IsoDate;
use crate::domain::case::CaseStatus;
use crate::domain::ids::{CaseId, TrustedAddressId};
use crate::domain::vocab::{AccessAction, RiskLevel};
use crate::http::auth::{CaseWorker, CurrentUser};
use crate::http::cases::docs::{AuthErrors, QueryErrors};
use crate::http::cases::extract::ClientAddr;
use crate::http::cases::flow::internal;
use crate::http::cases::view::private;
use crate::http::error::ApiError;
use crate::http::openapi_bounds::FieldBounds;
use crate::http::state::AppState;
use crate::projections::cases::{CaseCursor, CaseQuery, CaseSummary};
use crate::store::crypto::DataKey;
use crate::store::crypto::keys::NONCE_LEN;

/// Cases per page unless `limit` says otherwise.
const PAGE: usize = 50;
/// The largest page.
const MAX_PAGE: i64 = 200;

/// Filters; all optional.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `open`, `closure_requested`, `closed` or `erased`; without it, all but erased.
    pub status: Option<String>,
    /// A trusted address (id) the caller may see.
    pub trusted_address: Option<String>,
    /// `low`, `medium` or `high`.
    pub risk_level: Option<String>,
    /// `true`: only cases with a follow-up past its due date.
    pub overdue: Option<String>,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    /// Cases per page, 1 to 200 (50 by default).
    pub limit: Option<String>,
}

/// A page of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseListItem>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next: Option<String>,
}

/// One case in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseListItem {
    pub id: Uuid,
    #[schema(value_type = String, example = "open")]
    pub status: CaseStatus,
    pub trusted_address: Uuid,
    #[serde(with = "IsoDate")]
    #[schema(value_type = String, format = Date)]
    pub opened_on: Date,
    #[schema(value_type = Option<String>)]
    pub risk_level: Option<RiskLevel>,
    /// The earliest due date of a follow-up not yet done.
    #[schema(value_type = Option<String>, format = Date)]
    pub next_follow_up: Option<String>,
}

/// List cases.
#[utoipa::path(get, path = "/cases", tag = "cases", params(ListQuery),
    responses((status = 200, description = "A page of cases", body = CaseList),
        AuthErrors, QueryErrors,
        (status = 404, description = "`not_found`: `trusted_address` is not one the caller may see",
            body = crate::http::error::Problem, content_type = "application/problem+json")))]
pub async fn list_cases(
    State(state): State<AppState>,
    CaseWorker(user): CaseWorker,
    ClientAddr(from): ClientAddr,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Query(raw) = query.map_err(|_| ApiError::BadRequest("malformed query".into()))?;
    let list = list_page(&state, &user, from, raw).await?;
    Ok(private(axum::Json(list), None))
}

/// The typed core of `GET /cases` (the web app's case list reads through it too): checks
/// the filters, takes the page of cases `user` may see, and records the listing in the
/// access log.
pub async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    from: Option<String>,
    raw: ListQuery,
) -> Result<CaseList, ApiError> {
    let query = parse(state, user, raw)?;
    let registry = &state.projections.registry;
    let page = state.projections.cases.list(&query, |address, commune| {
        let location = CaseLocation {
            trusted_address: *address,
            commune: commune.clone(),
        };
        may_access_case(user, &location, registry)
    });
    state
        .access
        .record(AccessEntry {
            actor: Some(user.id),
            action: AccessAction::CaseListed,
            case: None,
            from,
            username: None,
            at: state.clock.now(),
        })
        .await
        .map_err(internal)?;
    Ok(CaseList {
        items: page.items.into_iter().map(item).collect(),
        next: page.next.map(|next| encode_cursor(&state.cursors, next)),
    })
}

fn parse(state: &AppState, user: &CurrentUser, raw: ListQuery) -> Result<CaseQuery, ApiError> {
    let mut checks = Checks::default();
    let status = checks.optional_code("status", raw.status.as_deref(), status_of);
    let risk_level =
        checks.optional_code("risk_level", raw.risk_level.as_deref(), RiskLevel::parse);
    let address = raw
        .trusted_address
        .as_deref()
        .map(|text| checks.uuid("trusted_address", text));
    let overdue = checks.optional_code("overdue", raw.overdue.as_deref(), |text| match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    });
    let limit = match raw.limit.as_deref().map(str::parse::<i64>) {
        None => Some(PAGE),
        Some(Ok(limit)) => checks.number(
            "limit",
            limit,
            Range {
                min: 1,
                max: MAX_PAGE,
            },
        ),
        Some(Err(_)) => {
            checks.fail(
                "limit",
                FieldCode::OutOfRange,
                format!("must be from 1 to {MAX_PAGE}"),
            );
            None
        }
    };
    let (Some(status), Some(risk_level), Some(overdue), Some(limit)) =
        (status, risk_level, overdue, limit)
    else {
        return Err(checks.into_error().into());
    };
    let trusted_address = match address {
        None => None,
        Some(None) => return Err(checks.into_error().into()),
        Some(Some(uuid)) => Some(TrustedAddressId::from_uuid(uuid)),
    };
    checks.finish()?;
    if let Some(address) = &trusted_address {
        if !may_access_address(user, address, &state.projections.registry) {
            return Err(ApiError::NotFound);
        }
    }
    let after = match raw.cursor.as_deref() {
        None => None,
        Some(cursor) => Some(decode_cursor(&state.cursors, cursor).ok_or_else(|| {
            ApiError::BadRequest("the cursor is not one this server issued".into())
        })?),
    };
    Ok(CaseQuery {
        status,
        trusted_address,
        risk_level,
        overdue_on: overdue
            .filter(|overdue| *overdue)
            .map(|_| state.clock.today()),
        after,
        limit,
    })
}

fn status_of(code: &str) -> Option<CaseStatus> {
    match code {
        "open" => Some(CaseStatus::Open),
        "closure_requested" => Some(CaseStatus::ClosureRequested),
        "closed" => Some(CaseStatus::Closed),
        "erased" => Some(CaseStatus::Erased),
        _ => None,
    }
}

fn item(case: CaseSummary) -> CaseListItem {
    CaseListItem {
        id: *case.id.as_uuid(),
        status: case.status,
        trusted_address: *case.trusted_address.as_uuid(),
        opened_on: case.opened_on,
        risk_level: case.risk_level,
        next_follow_up: case.next_follow_up.map(iso),
    }
}

fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// `YYYY-MM-DD.uuid` sealed under the server's cursor key, base64url (nonce ‖ ciphertext):
/// the day is personal data, and a cursor travels in URLs (the web app's links, a browser's
/// history), so it is opaque in fact, not only by contract.
pub(crate) fn encode_cursor(key: &DataKey, cursor: CaseCursor) -> String {
    let plain = format!("{}.{}", iso(cursor.opened_on), cursor.id);
    seal_cursor(key, plain.as_bytes())
}

/// `plain` sealed as a cursor is.
pub(crate) fn seal_cursor(key: &DataKey, plain: &[u8]) -> String {
    let sealed = key.seal(CURSOR_AAD, plain);
    let mut bytes = sealed.nonce.to_vec();
    bytes.extend_from_slice(&sealed.ciphertext);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A cursor this server sealed, or `None` (garbage, altered, or another key's).
pub(crate) fn decode_cursor(key: &DataKey, text: &str) -> Option<CaseCursor> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    let (nonce, ciphertext) = bytes.split_first_chunk::<NONCE_LEN>()?;
    let plain = key.open_parts(CURSOR_AAD, nonce, ciphertext).ok()?;
    let text = std::str::from_utf8(plain.as_bytes()).ok()?;
    let (day, id) = text.split_once('.')?;
    let mut checks = Checks::default();
    Some(CaseCursor {
        opened_on: checks.day("cursor", day)?,
        id: CaseId::from_uuid(Uuid::parse_str(id).ok()?),
    })
}

const CURSOR_AAD: &[u8] = b"tincay/cases/cursor/v1";

impl ListQuery {
    /// What each parameter accepts, for the OpenAPI document: what `parse` checks above.
    pub fn accepts() -> FieldBounds {
        vec![
            (
                "status",
                Accepts::code(&["open", "closure_requested", "closed", "erased"]),
            ),
            ("trusted_address", Accepts::Id),
            ("risk_level", Accepts::code(RiskLevel::CODES)),
            ("overdue", Accepts::code(&["true", "false"])),
            (
                "limit",
                Accepts::Pattern("^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$"),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let key = DataKey::generate();
        let cursor = CaseCursor {
            opened_on: date!(2026 - 11 - 20),
            id: CaseId::from_uuid(Uuid::from_u128(7)),
        };
        let text = encode_cursor(&key, cursor);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode_cursor(&key, &text), Some(cursor));
        for bad in ["", "!!", "bm90IGEgY3Vyc29y"] {
            assert_eq!(decode_cursor(&key, bad), None, "{bad}");
        }
        // Sealed: neither the day nor the id can be read from it, and it opens only here.
        let bytes = URL_SAFE_NO_PAD.decode(&text).unwrap();
        for clear in [&b"2026-11-20"[..], b"00000000-0000-0000-0000-000000000007"] {
            assert!(!bytes.windows(clear.len()).any(|window| window == clear));
        }
        assert_eq!(decode_cursor(&DataKey::generate(), &text), None);
        let mut altered = bytes.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(decode_cursor(&key, &URL_SAFE_NO_PAD.encode(altered)), None);
        let unsealed = URL_SAFE_NO_PAD.encode(format!("2026-11-20.{}", cursor.id));
        assert_eq!(decode_cursor(&key, &unsealed), None);
    }
}
