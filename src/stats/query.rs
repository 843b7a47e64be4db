//! One statistics query, from a parsed request to the published table: resolve the places,
//! gather the whole grid ([`aggregate`]), and protect it — perturbed (cell-key noise, sums
//! with magnitude noise) or exact (true values, primary suppression and the interval
//! audit). Both modes suppress any number to which 0..k−1 distinct cases contribute, so an
//! empty cell is published exactly like a small one.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::domain::ids::AreaCode;
use crate::stats::aggregate::{Acc, Aggregate, Spec, TooLarge, aggregate};
use crate::stats::areas::{AreaTree, PlaceMap, Units};
use crate::stats::data::StatsData;
use crate::stats::dimension::{DimValue, Dimension, Frame};
use crate::stats::disclosure::{
    Grid, K, Published, Quantity, perturbed_count, perturbed_sum, protect,
};
use crate::stats::measure::Measure;
use crate::stats::period::Period;

/// Perturbed (the default, and the only mode for reporting officers) or exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Perturbed,
    Exact,
}

/// A parsed statistics request.
#[derive(Clone, Debug)]
pub struct StatsRequest {
    pub measure: Measure,
    pub period: Period,
    pub area: AreaCode,
    pub dims: Vec<Dimension>,
    pub units: Units,
    pub mode: Mode,
    pub k: K,
    /// Today as a day number.
    pub today: u16,
}

/// One published cell: its coordinates and its number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub values: Vec<(Dimension, DimValue)>,
    pub value: Published,
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (dim, value) in &self.values {
            map.serialize_entry(dim.code(), value)?;
        }
        map.serialize_entry("count", &self.value.count())?;
        if self.value.is_suppressed() {
            map.serialize_entry("suppressed", &true)?;
        }
        map.end()
    }
}

/// A published table: every cell of the grid, and its total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    pub cells: Vec<Cell>,
    pub total: Published,
}

/// `GET /stats`'s answer.
#[derive(Clone, Debug, Serialize)]
pub struct StatsTable {
    pub measure: &'static str,
    /// `2026`, `2026-Q3` or `2026-07`.
    pub period: String,
    pub area: String,
    pub by: Vec<Dimension>,
    pub k: u32,
    pub perturbed: bool,
    pub units: &'static str,
    #[serde(flatten)]
    pub table: Table,
}

/// Answer a request over the projection's data.
pub fn run(
    data: &StatsData,
    registry: &dyn AreaTree,
    request: &StatsRequest,
) -> Result<StatsTable, TooLarge> {
    let places = PlaceMap::resolve(registry, data.places(), &request.area, request.units);
    let spec = Spec {
        measure: request.measure,
        dims: request.dims.clone(),
        from: request.period.first(),
        to: request.period.last(),
        today: request.today,
    };
    let gathered = aggregate(data, &places, &spec)?;
    let table = publish(&gathered, &places, &spec, request.mode, request.k);
    Ok(StatsTable {
        measure: request.measure.code(),
        period: request.period.label(),
        area: request.area.as_str().to_owned(),
        by: request.dims.clone(),
        k: request.k.get(),
        perturbed: request.mode == Mode::Perturbed,
        units: request.units.code(),
        table,
    })
}

/// Protect a gathered table in `mode`.
pub fn publish(gathered: &Aggregate, places: &PlaceMap, spec: &Spec, mode: Mode, k: K) -> Table {
    let (values, total) = match mode {
        Mode::Perturbed => {
            let one = |acc: &Acc| {
                if spec.measure.is_sum() {
                    perturbed_sum(k, acc.key, acc.sum, acc.largest, acc.cases)
                } else {
                    perturbed_count(k, acc.key, acc.count, acc.cases)
                }
            };
            let values = gathered.cells.iter().map(|(_, acc)| one(acc)).collect();
            (values, one(&gathered.total))
        }
        Mode::Exact => {
            let release = protect(k, &exact_grid(gathered));
            (release.cells, release.total)
        }
    };
    Table {
        cells: label_cells(gathered, places, spec, values),
        total,
    }
}

/// A gathered table as exact mode's audit sees it.
pub fn exact_grid(gathered: &Aggregate) -> Grid {
    let quantity = |acc: &Acc| Quantity {
        value: acc.sum,
        cases: acc.cases,
    };
    Grid {
        cells: gathered
            .cells
            .iter()
            .map(|(_, acc)| quantity(acc))
            .collect(),
        groups: gathered.groups(),
        total: quantity(&gathered.total),
    }
}

/// Pair each cell's published number with its coordinates' labels.
pub fn label_cells(
    gathered: &Aggregate,
    places: &PlaceMap,
    spec: &Spec,
    values: Vec<Published>,
) -> Vec<Cell> {
    let frame = Frame {
        from: spec.from,
        to: spec.to,
        places,
    };
    gathered
        .cells
        .iter()
        .zip(values)
        .map(|((id, _), value)| Cell {
            values: gathered
                .dims
                .iter()
                .zip(gathered.coordinates(*id))
                .map(|(dim, index)| (*dim, dim.label(&frame, index)))
                .collect(),
            value,
        })
        .collect()
}
