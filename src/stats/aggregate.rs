//! The aggregation: one pass over the projection's cases that gathers, for every cell of a
//! table of up to three dimensions — the whole grid, empty cells included — and for its
//! total, what disclosure control needs: the units counted (or nights summed), the distinct
//! cases behind them, the largest contribution of one case (for sums), and the cell key (the
//! sum of the units' record keys).
//!
//! A unit is counted once in a cell however many of its rows fall there: a case-unit
//! (people supported) with three support events in March is one person in March. Rows of a
//! case are visited together, so "once per case" is a last-seen marker, not a set.
//!
//! An event's unit key: the *first* event of its kind and code in its case (its first
//! shelter, its first referral to the police) counts with the case's own record key; later
//! ones with their derived keys. So a measure that counts one event per case — support by
//! type when each woman had one shelter stay, referrals when each case made one — has the
//! same cell key as the case count over the same cases and publishes the same number: no
//! second, independently perturbed reading of one true count. The cost: a case with two
//! first events in one cell (a shelter and a counselling event in the support total) adds its
//! key twice; the cell key stays uniform as long as one case in it adds its key an odd
//! number of times, and every cell is suppressed below k cases anyway.

use crate::stats::areas::PlaceMap;
use crate::stats::data::StatsData;
use crate::stats::dimension::{Dimension, Frame, Values};
use crate::stats::disclosure::{CellKey, RecordKey};
use crate::stats::facts::{Month, REPORTING};
use crate::stats::measure::{Measure, UnitKind};

/// The largest grid a query may ask for (API.md: more is 422).
pub const MAX_CELLS: u64 = 10_000;

/// The grid of a query would have more than [`MAX_CELLS`] cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the table would have {cells} cells; at most 10,000")]
pub struct TooLarge {
    pub cells: u64,
}

/// What to gather.
#[derive(Clone, Debug)]
pub struct Spec {
    pub measure: Measure,
    pub dims: Vec<Dimension>,
    pub from: Month,
    pub to: Month,
    /// Today as a day number (for overdue follow-ups).
    pub today: u16,
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
    /// The largest weight one case adds (nights; 1 for counts).
    pub largest: u64,
    /// What the case being visited has added so far.
    case_sum: u64,
    last_case: u32,
}

impl Default for Acc {
    fn default() -> Self {
        Self {
            count: 0,
            sum: 0,
            key: CellKey::EMPTY,
            cases: 0,
            largest: 0,
            case_sum: 0,
            last_case: u32::MAX,
        }
    }
}

impl Acc {
    fn add_event(&mut self, case: u32, key: u32, weight: u64) {
        self.note_case(case);
        self.count += 1;
        self.sum += weight;
        self.case_sum += weight;
        self.largest = self.largest.max(self.case_sum);
        self.key = self.key.add(RecordKey::new(key));
    }

    fn add_case(&mut self, case: u32, key: u32) {
        if self.last_case != case {
            self.note_case(case);
            self.count += 1;
            self.sum += 1;
            self.largest = self.largest.max(1);
            self.key = self.key.add(RecordKey::new(key));
        }
    }

    fn note_case(&mut self, case: u32) {
        if self.last_case != case {
            self.cases += 1;
            self.case_sum = 0;
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
    /// Every cell of the grid, empty or not, ordered by their values (first dimension
    /// first); a cell's position is its id.
    pub cells: Vec<(u64, Acc)>,
    pub total: Acc,
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

    /// Each cell's group for exact mode's audit: cells that agree in every single-valued
    /// dimension (they differ only in violence type) share one.
    pub fn groups(&self) -> Vec<usize> {
        let multi: Vec<bool> = self.dims.iter().map(|dim| dim.is_multi_valued()).collect();
        self.cells
            .iter()
            .map(|(id, _)| {
                let mut group: u64 = 0;
                for ((size, stride), multi) in self.sizes.iter().zip(&self.strides).zip(&multi) {
                    if !multi {
                        group += (id / stride % size.max(&1)) * stride;
                    }
                }
                usize::try_from(group).unwrap_or(usize::MAX)
            })
            .collect()
    }
}

/// The number of cells of `spec`'s grid in `places`.
pub fn grid_size(spec: &Spec, places: &PlaceMap) -> u64 {
    let frame = Frame {
        from: spec.from,
        to: spec.to,
        places,
    };
    spec.dims
        .iter()
        .map(|dim| u64::from(dim.size(&frame).max(1)))
        .fold(1_u64, u64::saturating_mul)
}

/// Which (kind, code) pairs a case has already had an event of: the first one counts with
/// the case's own key (module docs).
#[derive(Default)]
struct FirstSeen([u64; 4]);

impl FirstSeen {
    /// Whether this is the case's first row with this code (of the kind being counted).
    fn first(&mut self, code: u8) -> bool {
        let (word, bit) = (usize::from(code / 64), code % 64);
        match self.0.get_mut(word) {
            Some(bits) if *bits & (1 << bit) == 0 => {
                *bits |= 1 << bit;
                true
            }
            _ => false,
        }
    }
}

/// Gather `spec` over `data` in the places of `places`: the whole grid.
pub fn aggregate(data: &StatsData, places: &PlaceMap, spec: &Spec) -> Result<Aggregate, TooLarge> {
    let frame = Frame {
        from: spec.from,
        to: spec.to,
        places,
    };
    let product = grid_size(spec, places);
    if product > MAX_CELLS {
        return Err(TooLarge { cells: product });
    }
    let sizes: Vec<u64> = spec
        .dims
        .iter()
        .map(|dim| u64::from(dim.size(&frame).max(1)))
        .collect();
    let mut strides = vec![1_u64; sizes.len()];
    let mut running: u64 = 1;
    for (stride, size) in strides.iter_mut().zip(&sizes).rev() {
        *stride = running;
        running = running.saturating_mul(*size);
    }
    let mut store = vec![Acc::default(); usize::try_from(product).unwrap_or(0)];
    let mut total = Acc::default();
    let mut cells: Vec<u64> = Vec::new();
    let mut scratch: Vec<u64> = Vec::new();
    let kind = spec.measure.kind();
    let unit_kind = spec.measure.unit();
    let consent = spec.measure.needs_reporting_consent();

    for (index, case) in (0_u32..).zip(&data.cases) {
        if case.has(REPORTING) != consent {
            continue;
        }
        let mut seen = FirstSeen::default();
        for row in &case.rows {
            if row.kind != kind {
                continue;
            }
            let first = seen.first(row.code);
            if row.month < spec.from || row.month > spec.to || !spec.measure.counts(row, spec.today)
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
            let weight = spec.measure.weight(row);
            match unit_kind {
                UnitKind::Event => {
                    let key = if first { case.key } else { row.key };
                    total.add_event(index, key, weight);
                    for cell in &cells {
                        if let Some(acc) =
                            usize::try_from(*cell).ok().and_then(|c| store.get_mut(c))
                        {
                            acc.add_event(index, key, weight);
                        }
                    }
                }
                UnitKind::Case => {
                    total.add_case(index, case.key);
                    for cell in &cells {
                        if let Some(acc) =
                            usize::try_from(*cell).ok().and_then(|c| store.get_mut(c))
                        {
                            acc.add_case(index, case.key);
                        }
                    }
                }
            }
        }
    }

    Ok(Aggregate {
        dims: spec.dims.clone(),
        sizes,
        strides,
        cells: (0_u64..).zip(store).collect(),
        total,
    })
}
