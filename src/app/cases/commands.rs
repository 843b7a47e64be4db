//! One function per command on an existing case. Each takes the acting user as the role
//! that may give it, the case (and the referral or follow-up) by id, the preconditions and
//! the body as received, names the route its idempotency key is scoped to, and runs through
//! [`execute`]: found, in scope, not a retry, at the expected version, then the body parsed
//! and decided on today's date. Both adapters call these; neither repeats any of it.

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::access_log::{self, AccessEntry};
use crate::app::actor::{CaseWorker, CurrentUser, Supervisor};
use crate::app::cases::bodies::{
    CloseBody, CompleteFollowUpBody, FollowUpBody, NoteBody, ReferralBody, ReferralOutcomeBody,
    ReopenBody, ReviewBody, RiskBody, SupportBody, TransferBody,
};
use crate::app::cases::flow::{Command, Recorded, execute};
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::input::{Body, Preconditions};
use crate::app::scope::may_access_address;
use crate::app::validate::Checks;
use crate::domain::bounds::{self, FieldCode};
use crate::domain::case::{Actor, CaseCommand, EraseCase, TransferCase};
use crate::domain::ids::{CaseId, FollowUpId, ReferralId, TrustedAddressId};
use crate::domain::vocab::{AccessAction, ErasureReason, Role};

/// The command `POST {path}` on `case` by `user`, for `body`.
fn command<'a>(
    user: &'a CurrentUser,
    case: CaseId,
    path: String,
    given: &'a Preconditions,
    body: &Body,
) -> Command<'a> {
    Command {
        user,
        case,
        route: format!("POST {path}"),
        preconditions: given,
        fingerprint: body.fingerprint(),
        erase: false,
    }
}

/// Record support given (`SupportBody`).
pub async fn record_support(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let command = command(user, case, format!("/cases/{case}/support"), given, body);
    let today = app.clock.today();
    execute(app, command, |_| body.parse::<SupportBody>()?.parse(today)).await
}

/// Refer the survivor to another service; the outcome names the new referral. Refused
/// without her consent to referral.
pub async fn make_referral(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let command = command(user, case, format!("/cases/{case}/referrals"), given, body);
    let referral = ReferralId::from_uuid(Uuid::new_v4());
    let today = app.clock.today();
    execute(app, command, |_| {
        body.parse::<ReferralBody>()?.parse(referral, today)
    })
    .await
}

/// Record what became of a referral.
pub async fn record_referral_outcome(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    case: CaseId,
    referral: ReferralId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let path = format!("/cases/{case}/referrals/{referral}/outcome");
    let command = command(user, case, path, given, body);
    let today = app.clock.today();
    execute(app, command, |_| {
        body.parse::<ReferralOutcomeBody>()?.parse(referral, today)
    })
    .await
}

/// Plan a follow-up; the outcome names the new follow-up.
pub async fn schedule_follow_up(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let command = command(user, case, format!("/cases/{case}/follow-ups"), given, body);
    let follow_up = FollowUpId::from_uuid(Uuid::new_v4());
    let today = app.clock.today();
    execute(app, command, |_| {
        body.parse::<FollowUpBody>()?.parse(follow_up, today)
    })
    .await
}

/// Record a follow-up as done.
pub async fn complete_follow_up(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    case: CaseId,
    follow_up: FollowUpId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let path = format!("/cases/{case}/follow-ups/{follow_up}/complete");
    let command = command(user, case, path, given, body);
    let today = app.clock.today();
    execute(app, command, |_| {
        body.parse::<CompleteFollowUpBody>()?
            .parse(follow_up, today)
    })
    .await
}

/// Add a note.
pub async fn add_note(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let command = command(user, case, format!("/cases/{case}/notes"), given, body);
    execute(app, command, |_| body.parse::<NoteBody>()?.parse()).await
}

/// Assess the risk again, as of today.
pub async fn assess_risk(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let command = command(user, case, format!("/cases/{case}/risk"), given, body);
    let today = app.clock.today();
    execute(app, command, |_| body.parse::<RiskBody>()?.parse(today)).await
}

/// Close a case: a volunteer's close asks a supervisor (`closure_requested`); a
/// supervisor's closes it.
pub async fn close_case(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let by = match user.role {
        Role::Supervisor => Actor::Supervisor,
        _ => Actor::Volunteer,
    };
    let command = command(user, case, format!("/cases/{case}/close"), given, body);
    let today = app.clock.today();
    execute(app, command, |_| {
        body.parse::<CloseBody>()?.parse(by, today)
    })
    .await
}

/// A supervisor's review: `approved` closes a case whose closure was requested;
/// `action_requested` sends it back to `open`.
pub async fn review_case(
    app: &App<'_>,
    Supervisor(user): &Supervisor,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let command = command(user, case, format!("/cases/{case}/reviews"), given, body);
    execute(app, command, |_| body.parse::<ReviewBody>()?.parse()).await
}

/// Move a case to another open trusted address in the supervisor's area.
pub async fn transfer_case(
    app: &App<'_>,
    Supervisor(user): &Supervisor,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let command = command(user, case, format!("/cases/{case}/transfer"), given, body);
    execute(app, command, |_| {
        transfer(app, user, body.parse::<TransferBody>()?)
    })
    .await
}

/// The transfer, once the new address is known to be open and in the supervisor's area.
fn transfer(
    app: &App<'_>,
    user: &CurrentUser,
    body: TransferBody,
) -> Result<CaseCommand, AppError> {
    let mut checks = Checks::default();
    let uuid = checks.uuid("trusted_address", &body.trusted_address);
    let reason = checks.text("reason", body.reason, bounds::NOTES);
    let (Some(uuid), Some(reason)) = (uuid, reason) else {
        return Err(checks.into_error());
    };
    let address = TrustedAddressId::from_uuid(uuid);
    let registry = &app.projections.registry;
    match registry.trusted_address(&address) {
        Some(found)
            if found.closed_on.is_none() && may_access_address(user, &address, registry) =>
        {
            Ok(TransferCase {
                trusted_address: address,
                commune: found.commune,
                reason,
            }
            .into())
        }
        _ => Err(AppError::invalid(
            "trusted_address",
            FieldCode::Unknown,
            "is not an open trusted address in your area",
        )),
    }
}

/// Reopen a closed case.
pub async fn reopen_case(
    app: &App<'_>,
    Supervisor(user): &Supervisor,
    case: CaseId,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let command = command(user, case, format!("/cases/{case}/reopen"), given, body);
    execute(app, command, |_| body.parse::<ReopenBody>()?.parse()).await
}

/// Erase a case for `reason` (a code of `ErasureReason`; none is malformed), destroying its
/// data key in the same append, and record the erasure in its access log (`from`: where the
/// request came from).
pub async fn erase_case(
    app: &App<'_>,
    Supervisor(user): &Supervisor,
    case: CaseId,
    given: &Preconditions,
    from: Option<String>,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let command = Command {
        user,
        case,
        route: format!("DELETE /cases/{case}"),
        preconditions: given,
        fingerprint: Sha256::digest(reason.unwrap_or_default()).into(),
        erase: true,
    };
    execute(app, command, |_| {
        let Some(reason) = reason else {
            return Err(AppError::Malformed(
                "say why the case is erased: ?reason=".into(),
            ));
        };
        let mut checks = Checks::default();
        match checks.code("reason", reason, ErasureReason::parse) {
            Some(reason) => Ok(EraseCase { reason }.into()),
            None => Err(checks.into_error()),
        }
    })
    .await?;
    access_log::record(
        app.log,
        AccessEntry {
            actor: Some(user.id),
            action: AccessAction::CaseErased,
            case: Some(case),
            from,
            username: None,
            at: app.clock.now(),
        },
    )
    .await
    .map_err(AppError::internal)?;
    Ok(())
}
