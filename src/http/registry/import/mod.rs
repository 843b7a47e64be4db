//! Importing a list of administrative units (`tincay areas import`; the control socket runs
//! the same code inside a server): the official list of today's units, or an office's list
//! of earlier ones (with `valid_to` and `successor`), so that paper cases from before a
//! merger count in today's units and in their own.
//!
//! Idempotent: a unit already in the registry as listed is left alone, so a second run writes
//! nothing. A unit that exists with other data is a conflict: reported with the fields that
//! differ, and never overwritten (the rest of the list is still imported). A list that does
//! not fit the registry at all is refused whole before anything is written.
//!
//! - [`plan`]: what the import would do, from the list and the registry.
//! - [`apply`]: the appends, in batches that share group commits.

pub mod apply;
pub mod plan;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::domain::bounds::FieldCode;
use crate::domain::calendar::iso_day as iso_date;
use crate::domain::ids::{AreaCode, UserId};
use crate::domain::registry::area_list::{self, ListedUnit};
use crate::edge::state::AppState;
use crate::http::error::ApiError;
use apply::Written;

/// An import as the control socket carries it (no personal data: unit names are public).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreasImport {
    /// The list file's text.
    pub list: String,
    /// Only the units in these provinces (codes); all if empty.
    #[serde(default)]
    pub provinces: Vec<String>,
    /// Say what would be written; write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// One unit added.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AddedUnit {
    pub code: String,
    pub name: String,
    /// `xã`, `phường`, …, as the list writes it.
    #[serde(rename = "type")]
    pub unit_type: String,
    /// `province`, `district` or `commune`.
    pub level: String,
}

/// One unit retired.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RetiredUnit {
    pub code: String,
    pub valid_to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

/// A unit left as the registry has it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Conflict {
    pub code: String,
    /// The fields that differ (`name`, `parent`, …), or `written meanwhile`.
    pub fields: Vec<String>,
}

/// What an import did (or, with `dry_run`, would do).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImportReport {
    pub dry_run: bool,
    pub added: Vec<AddedUnit>,
    pub retired: Vec<RetiredUnit>,
    pub unchanged: usize,
    /// Units of the list outside the asked provinces.
    pub outside: usize,
    pub conflicts: Vec<Conflict>,
}

/// Import a list into the registry. `actor` is the admin, or none for the operator's console.
pub async fn import_areas(
    state: &AppState,
    actor: Option<UserId>,
    request: AreasImport,
) -> Result<ImportReport, ApiError> {
    let units = area_list::parse(&request.list)
        .map_err(|error| ApiError::invalid("file", FieldCode::InvalidFormat, error.to_string()))?;
    let provinces = request
        .provinces
        .iter()
        .map(|raw| {
            AreaCode::parse(raw).map_err(|error| {
                ApiError::invalid("province", FieldCode::InvalidFormat, error.to_string())
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let known: HashMap<_, _> = state
        .projections
        .registry
        .areas()
        .into_iter()
        .map(|area| (area.code.clone(), area))
        .collect();
    let plan = plan::plan(units, &provinces, &known)
        .map_err(|(field, message)| ApiError::invalid(field, FieldCode::Inconsistent, message))?;
    let mut report = ImportReport {
        dry_run: request.dry_run,
        unchanged: plan.unchanged,
        outside: plan.outside,
        conflicts: plan
            .conflicts
            .iter()
            .map(|(code, fields)| Conflict {
                code: code.to_string(),
                fields: fields.iter().map(|field| (*field).to_owned()).collect(),
            })
            .collect(),
        ..ImportReport::default()
    };
    let retiring: Vec<ListedUnit> = plan
        .define
        .iter()
        .chain(&plan.retire)
        .filter(|unit| unit.valid_to.is_some())
        .cloned()
        .collect();
    if request.dry_run {
        report.added = plan.define.iter().map(added).collect();
        report.retired = retiring.iter().map(retired).collect();
        return Ok(report);
    }
    let defined = apply::define_all(state, actor, &plan.define).await?;
    // A unit another writer defined first is that writer's: reported as a conflict, and not
    // retired with this list's dates either.
    let raced: std::collections::HashSet<&AreaCode> = defined
        .iter()
        .filter_map(|outcome| match outcome {
            Written::Raced(code) => Some(code),
            Written::Done(_) => None,
        })
        .collect();
    let retiring: Vec<ListedUnit> = retiring
        .into_iter()
        .filter(|unit| !raced.contains(&unit.code))
        .collect();
    let retirements = apply::retire_all(state, actor, &retiring).await?;
    report.added = done(&plan.define, &defined, &mut report.conflicts)
        .map(added)
        .collect();
    report.retired = done(&retiring, &retirements, &mut report.conflicts)
        .map(retired)
        .collect();
    Ok(report)
}

/// The units whose write was done, in the list's order; the raced ones join the conflicts.
fn done<'a>(
    units: &'a [ListedUnit],
    written: &[Written],
    conflicts: &mut Vec<Conflict>,
) -> impl Iterator<Item = &'a ListedUnit> {
    let mut ok = std::collections::HashSet::new();
    for outcome in written {
        match outcome {
            Written::Done(code) => {
                ok.insert(code.clone());
            }
            Written::Raced(code) => conflicts.push(Conflict {
                code: code.to_string(),
                fields: vec!["written meanwhile".to_owned()],
            }),
        }
    }
    units.iter().filter(move |unit| ok.contains(&unit.code))
}

fn added(unit: &ListedUnit) -> AddedUnit {
    AddedUnit {
        code: unit.code.to_string(),
        name: unit.name.clone(),
        unit_type: unit.unit_type.text().to_owned(),
        level: unit.level.code().to_owned(),
    }
}

fn retired(unit: &ListedUnit) -> RetiredUnit {
    RetiredUnit {
        code: unit.code.to_string(),
        valid_to: unit.valid_to.map(iso_date).unwrap_or_default(),
        successor: unit.successor.as_ref().map(ToString::to_string),
    }
}
