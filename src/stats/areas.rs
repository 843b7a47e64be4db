//! Where each place counts, for one query: whether it lies in the asked area, and its
//! commune, district and province in the units the query asks for.
//!
//! - The area filter follows parents and successions ([`AreaTree::contains`]), so a case
//!   recorded in a commune that has since merged lies in its successor's district and
//!   province, and also in the units it lay in then. The same cases are selected whatever
//!   `units` says; only the breakdown changes.
//! - `units=current` reports each case in today's units: the recorded commune's successor
//!   (transitively), and the district and province that unit lies in now (successors
//!   followed at every level). `units=historical` reports the commune as recorded, with the
//!   parents it had.
//!
//! The label tables are the whole grid: every unit under the asked area in the registry (at
//! each level, as it is or was, per `units`) and every trusted address there, whether or not
//! a case was ever counted in it, so which cells exist says nothing about the cases. Values
//! are indices into these sorted tables; "none" (a commune with no district, since districts
//! were abolished in 2025) comes first when some unit has no parent at that level.

use std::collections::HashMap;

use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::domain::vocab::AreaLevel;
use crate::stats::data::Place;

/// Longest chain of successions or parents followed (a cycle in the registry is a data
/// error; it must not hang a query).
const MAX_STEPS: usize = 16;

/// Today's units, or those of the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    Current,
    Historical,
}

impl Units {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "current" => Some(Self::Current),
            "historical" => Some(Self::Historical),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Historical => "historical",
        }
    }
}

/// A place's values in the area dimensions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlaceAreas {
    pub address: u32,
    pub commune: u32,
    pub district: u32,
    pub province: u32,
}

/// Every place resolved for one query.
#[derive(Debug, Default)]
pub struct PlaceMap {
    /// By place index: `None` when outside the asked area.
    pub places: Vec<Option<PlaceAreas>>,
    /// Label tables, sorted ("none" first when present).
    pub addresses: Vec<Option<TrustedAddressId>>,
    pub communes: Vec<Option<AreaCode>>,
    pub districts: Vec<Option<AreaCode>>,
    pub provinces: Vec<Option<AreaCode>>,
}

/// The units a recorded commune reports in.
#[derive(Clone, Debug)]
struct Resolved {
    inside: bool,
    commune: Option<AreaCode>,
    district: Option<AreaCode>,
    province: Option<AreaCode>,
}

/// What the statistics read of the registry: its units and trusted addresses, and how units
/// nest and succeed one another. The registry projection provides it
/// (`projections::registry`), so the statistics stay a pure core below the projections.
pub trait AreaTree {
    /// Every unit, retired ones included.
    fn units(&self) -> Vec<Unit>;
    /// One unit, if it exists.
    fn unit(&self, code: &AreaCode) -> Option<Unit>;
    /// Every trusted address, closed ones included.
    fn addresses(&self) -> Vec<AddressFacts>;
    /// Whether `unit` lies in `area`, following parents and successions.
    fn contains(&self, area: &AreaCode, unit: &AreaCode) -> bool;
}

/// A unit as the statistics see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub code: AreaCode,
    pub level: AreaLevel,
    pub parent: Option<AreaCode>,
    pub successor: Option<AreaCode>,
}

/// A trusted address as the statistics see it (never its name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressFacts {
    pub id: TrustedAddressId,
    pub commune: AreaCode,
    pub established_on: time::Date,
    pub closed_on: Option<time::Date>,
}

impl PlaceMap {
    pub fn resolve(
        registry: &dyn AreaTree,
        places: &[Place],
        area: &AreaCode,
        units: Units,
    ) -> Self {
        let registered: Vec<AreaCode> = registry
            .units()
            .into_iter()
            // Only the asked area's: a unit outside it labels nothing, and resolving all of a
            // country's communes for one commune's table is most of a request's work.
            .filter(|unit| unit.level == AreaLevel::Commune && registry.contains(area, &unit.code))
            .map(|unit| unit.code)
            .collect();
        let listed: Vec<TrustedAddressId> = registry
            .addresses()
            .into_iter()
            .filter(|address| registry.contains(area, &address.commune))
            .map(|address| address.id)
            .collect();
        let mut by_commune: HashMap<&AreaCode, Resolved> = HashMap::new();
        for commune in registered.iter().chain(places.iter().map(|p| &p.commune)) {
            by_commune
                .entry(commune)
                .or_insert_with(|| resolve(registry, commune, area, units));
        }
        let inside = |place: &Place| {
            by_commune
                .get(&place.commune)
                .filter(|resolved| resolved.inside)
        };
        let addresses = labels(
            listed.iter().copied().map(Some).chain(
                places
                    .iter()
                    .filter(|p| inside(p).is_some())
                    .map(|p| Some(p.trusted_address)),
            ),
        );
        let communes = labels(
            by_commune
                .values()
                .filter(|r| r.inside)
                .map(|r| r.commune.clone()),
        );
        let districts = labels(
            by_commune
                .values()
                .filter(|r| r.inside)
                .map(|r| r.district.clone()),
        );
        let provinces = labels(
            by_commune
                .values()
                .filter(|r| r.inside)
                .map(|r| r.province.clone()),
        );
        let resolved = places
            .iter()
            .map(|place| {
                inside(place).map(|found| PlaceAreas {
                    address: position(&addresses, &Some(place.trusted_address)),
                    commune: position(&communes, &found.commune),
                    district: position(&districts, &found.district),
                    province: position(&provinces, &found.province),
                })
            })
            .collect();
        Self {
            places: resolved,
            addresses,
            communes,
            districts,
            provinces,
        }
    }

    pub fn get(&self, place: u32) -> Option<&PlaceAreas> {
        self.places.get(place as usize).and_then(Option::as_ref)
    }
}

fn resolve(registry: &dyn AreaTree, commune: &AreaCode, area: &AreaCode, units: Units) -> Resolved {
    let inside = registry.contains(area, commune);
    let unit = match units {
        Units::Current => current(registry, commune.clone()),
        Units::Historical => commune.clone(),
    };
    let mut district = None;
    let mut province = None;
    let mut next = registry.unit(&unit).and_then(|found| found.parent);
    for _ in 0..MAX_STEPS {
        let Some(code) = next else { break };
        let code = match units {
            Units::Current => current(registry, code),
            Units::Historical => code,
        };
        let Some(found) = registry.unit(&code) else {
            break;
        };
        match found.level {
            AreaLevel::District if district.is_none() => district = Some(code),
            AreaLevel::Province if province.is_none() => province = Some(code),
            _ => {}
        }
        next = found.parent;
    }
    Resolved {
        inside,
        commune: Some(unit),
        district,
        province,
    }
}

/// The unit that holds `code`'s territory today: its successor, transitively.
fn current(registry: &dyn AreaTree, mut code: AreaCode) -> AreaCode {
    for _ in 0..MAX_STEPS {
        match registry.unit(&code).and_then(|found| found.successor) {
            Some(successor) => code = successor,
            None => break,
        }
    }
    code
}

/// A sorted table of distinct labels ("none", if present, first).
fn labels<T: Ord>(values: impl Iterator<Item = Option<T>>) -> Vec<Option<T>> {
    let mut table: Vec<Option<T>> = values.collect();
    table.sort();
    table.dedup();
    table
}

fn position<T: Ord>(table: &[Option<T>], value: &Option<T>) -> u32 {
    table
        .binary_search(value)
        .ok()
        .and_then(|index| u32::try_from(index).ok())
        .unwrap_or(0)
}
