//! Merging communes (admin): two or more communes of one parent merge, from an effective
//! date, into a new commune or into one of them.
//!
//! A merge is recorded as the domain defines it: the new commune (if any) is defined with
//! `valid_from` = the effective date under the communes' parent, and every other merged
//! commune is retired with `valid_to` = the day before and the surviving commune as its
//! `successor`. Every field is checked, against the domain's `decide` too, before anything
//! is written ([`check`] does only that, for a page that shows what a merge will do); a
//! merge sent again after a partial failure (or a lost answer) completes it rather than
//! failing, since the parts already written are recognised.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::app::actor::Admin;
use crate::app::cases::flow::{fields_fingerprint, idempotency};
use crate::app::context::App;
use crate::app::error::{AppError, FieldError};
use crate::app::input::Preconditions;
use crate::app::registry::areas::{self, NewArea};
use crate::app::registry::parse;
use crate::app::registry::retire::{retire, retired_as, state_of};
use crate::app::registry::write::already_written;
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds::{Accepts, FieldCode, Refused};
use crate::domain::calendar::iso_day;
use crate::domain::ids::AreaCode;
use crate::domain::registry::RegistryRejection;
use crate::domain::registry::area::{
    self, AreaCommand, AreaDefinedFacts, AreaRetiredFacts, AreaState,
};
use crate::domain::vocab::AreaLevel;
use crate::projections::registry::{Area, Registry};

/// `POST /areas/merge` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeCommunes {
    /// The codes of the communes that merge: two or more, of one parent.
    #[schema(example = json!(["23284", "23287"]))]
    pub communes: Vec<String>,
    /// The commune that holds their territory from `effective_on`: one of `communes` (it
    /// continues), or a new code (defined under their parent, with `name`).
    #[schema(example = "23290")]
    pub into: String,
    /// The new commune's name; only when `into` is new.
    #[serde(default)]
    #[schema(example = "Xã Đăk Hà Mới")]
    pub name: Option<String>,
    /// The first day of the merged commune (`YYYY-MM-DD`); the others' last day is the day
    /// before. May lie ahead.
    #[schema(format = Date, example = "2026-07-01")]
    pub effective_on: String,
}

/// `POST /areas/merge` answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommunesMerged {
    /// The commune that holds the merged territory.
    pub successor: String,
    /// The communes retired into it.
    pub retired: Vec<String>,
}

pub const TOO_FEW: &str = "must name at least two communes";
pub const NOT_COMMUNES: &str = "must all be communes";
pub const PARENTS_DIFFER: &str = "must share one parent";
pub const INCLUDES_RETIRED: &str = "include a retired commune";
pub const PARENT_RETIRED: &str = "their parent is retired";
pub const INTO_EXISTS: &str = "is an existing area that is not among the communes";
pub const NAME_UNUSED: &str = "is only for a new commune";
pub const NOT_AFTER_START: &str = "must be after the day each commune began";

/// The route an idempotency key is scoped to (with the user).
pub const ROUTE: &str = "POST /areas/merge";

/// Check a merge, then record it: the new commune first, then each retirement. The client's
/// idempotency key goes with the first part written. A merge is several appends, so a retry
/// under a key already used (with this body) completes what is missing and answers as the
/// first did, rather than answering from the first part alone; the key with another body is
/// refused before anything is checked or written.
pub async fn merge(
    app: &App<'_>,
    Admin(admin): &Admin,
    given: &Preconditions,
    body: &MergeCommunes,
) -> Result<CommunesMerged, AppError> {
    let idempotency = idempotency(admin, ROUTE, given, body.fingerprint());
    let actor = admin.id;
    let mut key = match already_written(app, idempotency.as_ref()).await? {
        Some(_) => None,
        None => idempotency,
    };
    let plan = plan(&app.projections.registry, body)?;
    if let Some(new) = plan.define {
        areas::define(app, actor, new, key.take())
            .await
            .map_err(as_merge_fields)?;
    }
    for code in &plan.to_retire {
        retire(app, actor, code, &plan.facts, key.take()).await?;
    }
    Ok(CommunesMerged {
        successor: plan.successor.as_str().to_owned(),
        retired: plan.retired.iter().map(|c| c.as_str().to_owned()).collect(),
    })
}

/// A merge checked as [`merge`] checks it, nothing written: its successor and the communes
/// it retires, for a page that shows what a merge will do before it is confirmed.
pub fn check(registry: &Registry, body: &MergeCommunes) -> Result<CommunesMerged, AppError> {
    let plan = plan(registry, body)?;
    Ok(CommunesMerged {
        successor: plan.successor.as_str().to_owned(),
        retired: plan.retired.iter().map(|c| c.as_str().to_owned()).collect(),
    })
}

impl MergeCommunes {
    /// The fingerprint of the request for its idempotency key: every field, the communes in
    /// the order sent.
    pub fn fingerprint(&self) -> [u8; 32] {
        let MergeCommunes {
            communes,
            into,
            name,
            effective_on,
        } = self;
        let count = communes.len().to_string();
        let mut fields = vec![Some(count.as_str())];
        fields.extend(communes.iter().map(|code| Some(code.as_str())));
        fields.extend([
            Some(into.as_str()),
            name.as_deref(),
            Some(effective_on.as_str()),
        ]);
        fields_fingerprint(&fields)
    }
}

/// What a checked merge writes.
#[derive(Debug)]
struct Plan {
    successor: AreaCode,
    /// The new commune, unless the merge keeps one of its communes or an earlier try
    /// defined it.
    define: Option<NewArea>,
    /// The communes still to retire.
    to_retire: Vec<AreaCode>,
    /// Every merged commune but the successor.
    retired: Vec<AreaCode>,
    facts: AreaRetiredFacts,
}

/// Every field checked, every error collected, nothing written.
fn plan(registry: &Registry, body: &MergeCommunes) -> Result<Plan, AppError> {
    let mut fields = Checks::default();
    let effective_on = fields.check("effective_on", parse::date(&body.effective_on));
    let into = fields.check("into", parse::area_code(&body.into));
    let communes = fields.check("communes", merged_communes(registry, &body.communes));
    let (Some(effective_on), Some(into), Some(communes)) = (effective_on, into, communes) else {
        fields.finish()?;
        return Err(AppError::internal("a checked field is missing"));
    };
    let Some(valid_to) = effective_on.previous_day() else {
        return Err(AppError::invalid(
            "effective_on",
            FieldCode::OutOfRange,
            "is out of range",
        ));
    };
    let facts = AreaRetiredFacts {
        valid_to,
        successor: Some(into.clone()),
    };
    let mut to_retire = Vec::new();
    let mut retired = Vec::new();
    for commune in communes.iter().filter(|commune| commune.code != into) {
        retired.push(commune.code.clone());
        if retired_as(commune, valid_to, &into) {
            continue;
        }
        if commune.valid_to.is_some() {
            fields.fail("communes", FieldCode::Retired, INCLUDES_RETIRED);
            continue;
        }
        let decided = area::decide(&state_of(commune), AreaCommand::Retire(facts.clone()));
        match decided {
            Ok(_) => to_retire.push(commune.code.clone()),
            Err(rejection) => {
                let (field, code, message) = merge_field(&rejection);
                fields.fail(field, code, message);
            }
        }
    }
    let name = body.name.as_deref().filter(|name| !name.trim().is_empty());
    let define = match communes.iter().find(|commune| commune.code == into) {
        Some(kept) => {
            if kept.valid_to.is_some() {
                fields.fail("into", FieldCode::Retired, "the area is retired");
            }
            if name.is_some() {
                fields.fail("name", FieldCode::NotUsed, NAME_UNUSED);
            }
            None
        }
        None => new_commune(registry, &mut fields, &communes, &into, name, effective_on),
    };
    fields.finish()?;
    Ok(Plan {
        successor: into,
        define,
        to_retire,
        retired,
        facts,
    })
}

/// The communes named, each existing, all communes of one parent, at least two.
fn merged_communes(registry: &Registry, raw: &[String]) -> Result<Vec<Area>, Refused> {
    let mut communes: Vec<Area> = Vec::new();
    for text in raw {
        let code = parse::area_code(text.trim())?;
        let area = registry
            .area(&code)
            .ok_or(Refused::new(FieldCode::Unknown, "no such area"))?;
        if area.level != AreaLevel::Commune {
            return Err(Refused::new(FieldCode::WrongLevel, NOT_COMMUNES));
        }
        if !communes.iter().any(|seen| seen.code == area.code) {
            communes.push(area);
        }
    }
    if communes.len() < 2 {
        return Err(Refused::new(FieldCode::OutOfRange, TOO_FEW));
    }
    let parent = communes.first().and_then(|first| first.parent.clone());
    if communes.iter().any(|commune| commune.parent != parent) {
        return Err(Refused::new(FieldCode::Inconsistent, PARENTS_DIFFER));
    }
    Ok(communes)
}

/// The new commune `into`, under the communes' parent from `effective_on`: `None` if an
/// earlier try of this merge defined it already.
fn new_commune(
    registry: &Registry,
    fields: &mut Checks,
    communes: &[Area],
    into: &AreaCode,
    name: Option<&str>,
    effective_on: Date,
) -> Option<NewArea> {
    let parent = communes.first().and_then(|first| first.parent.clone());
    if let Some(existing) = registry.area(into) {
        let same = existing.level == AreaLevel::Commune
            && existing.parent == parent
            && existing.valid_from == effective_on
            && existing.valid_to.is_none()
            && Some(existing.name.as_str()) == name;
        if !same {
            fields.fail("into", FieldCode::Taken, INTO_EXISTS);
        }
        return None;
    }
    if let Some(parent) = &parent {
        if parse::current_area(registry, parent).is_err() {
            fields.fail("communes", FieldCode::ParentRetired, PARENT_RETIRED);
        }
    }
    let facts = AreaDefinedFacts {
        code: into.clone(),
        name: name.unwrap_or_default().to_owned(),
        level: AreaLevel::Commune,
        parent: parent.clone(),
        valid_from: effective_on,
    };
    if let Err(rejection) = area::decide(&AreaState::default(), AreaCommand::Define(facts)) {
        let (field, code, message) = merge_field(&rejection);
        fields.fail(field, code, message);
    }
    Some(NewArea {
        code: into.as_str().to_owned(),
        name: name.unwrap_or_default().to_owned(),
        level: AreaLevel::Commune.code().to_owned(),
        parent: parent.map(|parent| parent.as_str().to_owned()),
        valid_from: Some(iso_day(effective_on)),
    })
}

/// A domain refusal, as a field of the merge form.
fn merge_field(rejection: &RegistryRejection) -> (&'static str, FieldCode, String) {
    match rejection {
        RegistryRejection::Invalid {
            field: "valid_to", ..
        } => (
            "effective_on",
            FieldCode::Inconsistent,
            NOT_AFTER_START.to_owned(),
        ),
        RegistryRejection::Invalid {
            field,
            code,
            reason,
        } => (merge_name(field), *code, (*reason).to_owned()),
        RegistryRejection::FutureDate { field } => (
            merge_name(field),
            FieldCode::FutureDate,
            rejection.to_string(),
        ),
        RegistryRejection::AreaAlreadyRetired => {
            ("communes", FieldCode::Retired, rejection.to_string())
        }
        other => ("communes", FieldCode::Unknown, other.to_string()),
    }
}

/// The merge's name for a field of an area.
fn merge_name(field: &str) -> &'static str {
    match field {
        "code" => "into",
        "name" => "name",
        "valid_from" | "valid_to" => "effective_on",
        _ => "communes",
    }
}

/// A new area's field errors, named as the merge names them.
fn as_merge_fields(error: AppError) -> AppError {
    match error {
        AppError::Invalid(errors) => AppError::Invalid(
            errors
                .into_iter()
                .map(|error| FieldError {
                    field: merge_name(&error.field).to_owned(),
                    ..error
                })
                .collect(),
        ),
        other => other,
    }
}

impl MergeCommunes {
    /// What each field accepts, for the OpenAPI document: the bounds checked above.
    pub fn accepts() -> FieldBounds {
        use crate::domain::ids::COMMUNE_CODE_PATTERN;
        vec![
            ("communes", Accepts::Patterns(COMMUNE_CODE_PATTERN, 2)),
            ("into", Accepts::Pattern(COMMUNE_CODE_PATTERN)),
            ("name", Accepts::Text(crate::domain::bounds::NAME)),
            ("effective_on", Accepts::AnyDay),
        ]
    }
}
