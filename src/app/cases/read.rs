//! Reading a case ([`read_case`]): the one read path of the API's `GET /cases/{id}`, the
//! web app's case page and the supervisor's review page. It loads the case, checks the
//! reader may see it (not found, or gone if erased), records the read in the case's access
//! log, durably, and only then builds the view: once per read, whichever adapter asked.

use crate::access_log::AccessEntry;
use crate::app::actor::CaseWorker;
use crate::app::cases::flow::{check_access, load_events};
use crate::app::cases::view::CaseView;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::domain::ids::CaseId;
use crate::domain::vocab::AccessAction;

/// Case `case` as `reader` may read it, the read recorded first (`from`: where the request
/// came from). `view.version` is the case's version.
pub async fn read_case(
    app: &App<'_>,
    CaseWorker(reader): &CaseWorker,
    case: CaseId,
    from: Option<String>,
) -> Result<CaseView, AppError> {
    let (state, events) = load_events(app, reader, &case)?;
    check_access(app, reader, &state)?;
    app.access
        .record(AccessEntry {
            actor: Some(reader.id),
            action: AccessAction::CaseRead,
            case: Some(case),
            from,
            username: None,
            at: app.clock.now(),
        })
        .await
        .map_err(AppError::internal)?;
    CaseView::build(*case.as_uuid(), &events)
}
