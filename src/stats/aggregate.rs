//! The aggregation: one pass over the projection's cases that gathers, for every cell of a
//! table of up to three dimensions and for its total, what disclosure control needs — the
//! units counted (or nights summed), the distinct cases behind them, and the cell key (the sum
//! of the units' record keys). In exact mode it also lists each unit with the cells it counts
//! in, for complementary suppression.
//!
//! A unit is counted once in a cell however many of its rows fall there: a case-unit
//! (people supported) with three support events in March is one person in March. Rows of a
//! case are visited together, so "once per case" is a last-seen marker, not a set.

use std::collections::HashMap;

use crate::stats::areas::PlaceMap;
use crate::stats::dimension::{Dimension, Frame, Values};
use crate::stats::disclosure::{CellKey, RecordKey, Unit};
use crate::stats::facts::{Month, REPORTING};
use crate::stats::measure::{Measure, UnitKind};
use crate::stats::projection::StatsData;

/// Tables with at most this many possible cells are gathered in a vector, others in a map.
const DENSE_LIMIT: u64 = 1 << 16;

/// What to gather.
#[derive(Clone, Debug)]
pub struct Spec {
    pub measure: Measure,
    pub dims: Vec<Dimension>,
    pub from: Month,
    pub to: Month,
    /// Today as a day number (for overdue follow-ups).
    pub today: u16,
    /// List the units too (exact mode).
    pub units: bool,
}

/// One cell's (or the total's) tally.
#[derive(Clone, Copy, Debug)]
pub struct Acc {
    /// Units counted.
    pub count: u64,
    /// Weights summed (nights; equal to `count` for counts).
    pub sum: u64,
    pub key: CellKey,
    /// Distinct cases.
    pub cases: u64,
    last_case: u32,
}

impl Default for Acc {
    fn default() -> Self {
        Self {
            count: 0,
            sum: 0,
            key: CellKey::EMPTY,
            cases: 0,
            last_case: u32::MAX,
        }
    }
}

impl Acc {
    fn add_event(&mut self, case: u32, key: u32, weight: u64) {
        self.count += 1;
        self.sum += weight;
        self.key = self.key.add(RecordKey::new(key));
        self.note_case(case);
    }

    fn add_case(&mut self, case: u32, key: u32) {
        if self.last_case != case {
            self.count += 1;
            self.sum += 1;
            self.key = self.key.add(RecordKey::new(key));
        }
        self.note_case(case);
    }

    fn note_case(&mut self, case: u32) {
        if self.last_case != case {
            self.cases += 1;
            self.last_case = case;
        }
    }
}

/// A gathered table.
#[derive(Debug)]
pub struct Aggregate {
    pub dims: Vec<Dimension>,
    sizes: Vec<u64>,
    strides: Vec<u64>,
    /// Non-empty cells, ordered by their values (first dimension first).
    pub cells: Vec<(u64, Acc)>,
    pub total: Acc,
    /// In exact mode: every unit, with the indices (into `cells`) of the cells it counts in.
    pub units: Vec<Unit<u32>>,
}

impl Aggregate {
    /// The value indices of a cell, one per dimension.
    pub fn coordinates(&self, cell: u64) -> Vec<u32> {
        self.sizes
            .iter()
            .zip(&self.strides)
            .map(|(size, stride)| u32::try_from(cell / stride % size.max(&1)).unwrap_or(0))
            .collect()
    }
}

enum Store {
    Dense(Vec<Acc>),
    Sparse(HashMap<u64, Acc>),
}

impl Store {
    fn cell(&mut self, id: u64) -> Option<&mut Acc> {
        match self {
            Self::Dense(cells) => usize::try_from(id).ok().and_then(|id| cells.get_mut(id)),
            Self::Sparse(cells) => Some(cells.entry(id).or_default()),
        }
    }

    fn into_cells(self) -> Vec<(u64, Acc)> {
        match self {
            Self::Dense(cells) => (0_u64..)
                .zip(cells)
                .filter(|(_, acc)| acc.cases > 0)
                .collect(),
            Self::Sparse(cells) => {
                let mut cells: Vec<(u64, Acc)> = cells.into_iter().collect();
                cells.sort_by_key(|(id, _)| *id);
                cells
            }
        }
    }
}

/// Gather `spec` over `data` in the places of `places`.
pub fn aggregate(data: &StatsData, places: &PlaceMap, spec: &Spec) -> Aggregate {
    let frame = Frame {
        from: spec.from,
        to: spec.to,
        places,
    };
    let sizes: Vec<u64> = spec
        .dims
        .iter()
        .map(|dim| u64::from(dim.size(&frame).max(1)))
        .collect();
    let mut strides = vec![1_u64; sizes.len()];
    let mut product: u64 = 1;
    for (stride, size) in strides.iter_mut().zip(&sizes).rev() {
        *stride = product;
        product = product.saturating_mul(*size);
    }
    let mut store = if product <= DENSE_LIMIT {
        Store::Dense(vec![Acc::default(); usize::try_from(product).unwrap_or(0)])
    } else {
        Store::Sparse(HashMap::new())
    };
    let mut total = Acc::default();
    let mut units: Vec<Unit<u32>> = Vec::new();
    let mut cells: Vec<u64> = Vec::new();
    let mut scratch: Vec<u64> = Vec::new();
    let mut case_cells: Vec<u64> = Vec::new();
    let kind = spec.measure.kind();
    let unit_kind = spec.measure.unit();
    let consent = spec.measure.needs_reporting_consent();

    for (index, case) in (0_u32..).zip(&data.cases) {
        if case.has(REPORTING) != consent {
            continue;
        }
        case_cells.clear();
        let mut touched = false;
        for row in &case.rows {
            if row.kind != kind
                || row.month < spec.from
                || row.month > spec.to
                || !spec.measure.counts(row, spec.today)
            {
                continue;
            }
            let Some(areas) = places.get(row.place) else {
                continue;
            };
            cells.clear();
            cells.push(0);
            for ((dim, stride), size) in spec.dims.iter().zip(&strides).zip(&sizes) {
                scratch.clear();
                let values = dim.values(&frame, case, row, areas);
                for base in &cells {
                    match values {
                        Values::One(value) => {
                            scratch.push(base + u64::from(value).min(size - 1) * stride);
                        }
                        Values::Mask(mask) => {
                            for bit in (0..16_u64).filter(|bit| mask & (1 << bit) != 0) {
                                scratch.push(base + bit.min(size - 1) * stride);
                            }
                        }
                    }
                }
                std::mem::swap(&mut cells, &mut scratch);
            }
            touched = true;
            let weight = spec.measure.weight(row);
            match unit_kind {
                UnitKind::Event => {
                    total.add_event(index, row.key, weight);
                    for cell in &cells {
                        if let Some(acc) = store.cell(*cell) {
                            acc.add_event(index, row.key, weight);
                        }
                    }
                    if spec.units {
                        units.push(Unit {
                            case: index,
                            weight,
                            cells: cells.iter().map(|c| *c as usize).collect(),
                        });
                    }
                }
                UnitKind::Case => {
                    total.add_case(index, case.key);
                    for cell in &cells {
                        if let Some(acc) = store.cell(*cell) {
                            acc.add_case(index, case.key);
                        }
                    }
                    case_cells.extend_from_slice(&cells);
                }
            }
        }
        if touched && spec.units && unit_kind == UnitKind::Case {
            case_cells.sort_unstable();
            case_cells.dedup();
            units.push(Unit {
                case: index,
                weight: 1,
                cells: case_cells.iter().map(|c| *c as usize).collect(),
            });
        }
    }

    let cells = store.into_cells();
    // Units name cells by id so far; give them the cells' positions instead.
    for unit in &mut units {
        for cell in &mut unit.cells {
            *cell = cells
                .binary_search_by_key(&(*cell as u64), |(id, _)| *id)
                .unwrap_or(usize::MAX);
        }
    }
    Aggregate {
        dims: spec.dims.clone(),
        sizes,
        strides,
        cells,
        total,
        units,
    }
}
