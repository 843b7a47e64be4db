//! What an import would do, decided from the list and the registry alone (no writes): which
//! units to define, which to retire, which are there already, and which exist with other data
//! (conflicts: reported, never overwritten). A list that cannot fit the registry at all (a
//! parent or successor that exists nowhere, a unit in force under a retired one) is refused
//! whole, before anything is written.

use std::collections::{HashMap, HashSet};

use crate::domain::ids::AreaCode;
use crate::domain::registry::area_list::ListedUnit;
use crate::domain::vocab::AreaLevel;
use crate::projections::registry::Area;

/// Longest chain of parents followed to find a unit's province.
const MAX_DEPTH: usize = 8;

/// What the import will write, and what it leaves.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Units to define (then retire, if they have a `valid_to`).
    pub define: Vec<ListedUnit>,
    /// Units already defined as listed, to retire as listed.
    pub retire: Vec<ListedUnit>,
    /// Units already there exactly as listed.
    pub unchanged: usize,
    /// Units of the list outside the asked provinces.
    pub outside: usize,
    /// Units that exist with other data: `(code, the differing fields)`.
    pub conflicts: Vec<(AreaCode, Vec<&'static str>)>,
}

/// Why a list cannot be imported at all: `(field, message)`, the field being `province` or
/// `file`.
pub type Refusal = (&'static str, String);

/// Decide the import of `units` (those under `provinces` only, if any are named) into a
/// registry holding `known`.
pub fn plan(
    units: Vec<ListedUnit>,
    provinces: &[AreaCode],
    known: &HashMap<AreaCode, Area>,
) -> Result<Plan, Refusal> {
    let listed: HashMap<&AreaCode, &ListedUnit> =
        units.iter().map(|unit| (&unit.code, unit)).collect();
    for province in provinces {
        let is_province = listed
            .get(province)
            .map(|unit| unit.level)
            .or_else(|| known.get(province).map(|area| area.level));
        if is_province != Some(AreaLevel::Province) {
            return Err((
                "province",
                format!("{province} is a province neither of the list nor of the registry"),
            ));
        }
    }
    let chosen: HashSet<AreaCode> = units
        .iter()
        .filter(|unit| {
            provinces.is_empty()
                || province_of(unit, &listed, known).is_some_and(|p| provinces.contains(&p))
        })
        .map(|unit| unit.code.clone())
        .collect();
    let mut plan = Plan::default();
    for unit in units.iter() {
        if !chosen.contains(&unit.code) {
            plan.outside += 1;
            continue;
        }
        fits(unit, &chosen, &listed, known)
            .map_err(|message| ("file", format!("unit {}: {message}", unit.code)))?;
        match known.get(&unit.code) {
            None => plan.define.push(unit.clone()),
            Some(area) => match differences(unit, area) {
                Differences::None => plan.unchanged += 1,
                Differences::NotRetired => plan.retire.push(unit.clone()),
                Differences::Fields(fields) => plan.conflicts.push((unit.code.clone(), fields)),
            },
        }
    }
    Ok(plan)
}

/// The province a unit lies in, following parents through the list, then the registry.
fn province_of(
    unit: &ListedUnit,
    listed: &HashMap<&AreaCode, &ListedUnit>,
    known: &HashMap<AreaCode, Area>,
) -> Option<AreaCode> {
    let mut code = unit.code.clone();
    for _ in 0..MAX_DEPTH {
        let (level, parent) = match (listed.get(&code), known.get(&code)) {
            (Some(unit), _) => (unit.level, unit.parent.clone()),
            (None, Some(area)) => (area.level, area.parent.clone()),
            (None, None) => return None,
        };
        if level == AreaLevel::Province {
            return Some(code);
        }
        code = parent?;
    }
    None
}

/// A unit's parent and successor exist (in the registry, or among the units imported with
/// it) and fit: a parent one level up (a commune's may be its province), a unit in force
/// under a parent in force, a successor of the same level.
fn fits(
    unit: &ListedUnit,
    chosen: &HashSet<AreaCode>,
    listed: &HashMap<&AreaCode, &ListedUnit>,
    known: &HashMap<AreaCode, Area>,
) -> Result<(), String> {
    let find = |code: &AreaCode| {
        let from_list = chosen
            .contains(code)
            .then(|| listed.get(code))
            .flatten()
            .map(|unit| (unit.level, unit.valid_to.is_some()));
        from_list.or_else(|| {
            known
                .get(code)
                .map(|area| (area.level, area.valid_to.is_some()))
        })
    };
    if let Some(parent) = &unit.parent {
        let (level, retired) = find(parent).ok_or_else(|| {
            format!("its parent {parent} is neither in the registry nor imported with it")
        })?;
        let one_up = matches!(
            (unit.level, level),
            (AreaLevel::District, AreaLevel::Province)
                | (
                    AreaLevel::Commune,
                    AreaLevel::District | AreaLevel::Province
                )
        );
        if !one_up {
            return Err(format!("its parent {parent} is not one level up"));
        }
        if retired && unit.valid_to.is_none() {
            return Err(format!("it is in force but its parent {parent} is retired"));
        }
    }
    if let Some(successor) = &unit.successor {
        let (level, _) = find(successor).ok_or_else(|| {
            format!("its successor {successor} is neither in the registry nor imported with it")
        })?;
        if level != unit.level {
            return Err(format!("its successor {successor} is of another level"));
        }
    }
    Ok(())
}

enum Differences {
    None,
    /// Defined as listed; the list retires it.
    NotRetired,
    Fields(Vec<&'static str>),
}

fn differences(unit: &ListedUnit, area: &Area) -> Differences {
    let mut fields = Vec::new();
    for (field, differs) in [
        ("name", unit.name != area.name),
        ("level", unit.level != area.level),
        ("parent", unit.parent != area.parent),
        ("valid_from", unit.valid_from != area.valid_from),
    ] {
        if differs {
            fields.push(field);
        }
    }
    match (unit.valid_to, area.valid_to) {
        (Some(_), None) if fields.is_empty() => return Differences::NotRetired,
        (None, Some(_)) => fields.push("valid_to"),
        (Some(listed), Some(known)) if listed != known => fields.push("valid_to"),
        _ => {}
    }
    if unit.valid_to.is_some() && area.valid_to.is_some() && unit.successor != area.successor {
        fields.push("successor");
    }
    if fields.is_empty() {
        Differences::None
    } else {
        Differences::Fields(fields)
    }
}
