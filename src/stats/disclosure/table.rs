//! The description of one exact-mode table: its counted units and the cells (and margins)
//! each is counted in. Built by the aggregation from the log's facts; read by
//! [`super::complementary`], which decides what to publish.

use std::collections::{BTreeMap, BTreeSet};

use super::structure::pattern;

/// One counted unit (a case, or an event of a case) as exact mode sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit<C> {
    pub case: C,
    /// What it adds to each number it is counted in: 1 for a count, nights for a sum.
    pub weight: u64,
    /// The cells it is counted in: one per combination of its values, so several when a
    /// dimension is multi-valued (violence types), none in a table without dimensions.
    pub cells: Vec<usize>,
}

/// One table as exact mode protects it: cells `0..cell_count`, the margins the response
/// publishes (if any), and the total over every unit.
#[derive(Clone, Debug)]
pub struct ExactTable<C> {
    cell_count: usize,
    /// Each margin is a set of cells; a unit counts once in it however many of them it is in.
    margins: Vec<Vec<usize>>,
    units: Vec<Unit<C>>,
}

/// Why a table description is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("cell {cell} is out of range for a table of {cell_count} cells")]
    CellOutOfRange { cell: usize, cell_count: usize },
    #[error("a case counted in cell {cell} is missing from the total")]
    CaseOutsideTotal { cell: usize },
}

impl<C: Ord + Clone> ExactTable<C> {
    pub fn new(
        cell_count: usize,
        margins: Vec<Vec<usize>>,
        units: Vec<Unit<C>>,
    ) -> Result<Self, TableError> {
        let cells = units
            .iter()
            .flat_map(|u| &u.cells)
            .chain(margins.iter().flatten());
        if let Some(cell) = cells.copied().find(|cell| *cell >= cell_count) {
            return Err(TableError::CellOutOfRange { cell, cell_count });
        }
        Ok(Self {
            cell_count,
            margins,
            units,
        })
    }

    /// A count of cases, given as the set of cases in each cell and the set of all counted
    /// cases; no margins.
    pub fn from_case_sets(cells: &[BTreeSet<C>], total: &BTreeSet<C>) -> Result<Self, TableError> {
        for (cell, cases) in cells.iter().enumerate() {
            if !cases.is_subset(total) {
                return Err(TableError::CaseOutsideTotal { cell });
            }
        }
        let units = total
            .iter()
            .map(|case| Unit {
                case: case.clone(),
                weight: 1,
                cells: (0..cells.len())
                    .filter(|cell| cells.get(*cell).is_some_and(|set| set.contains(case)))
                    .collect(),
            })
            .collect();
        Self::new(cells.len(), Vec::new(), units)
    }

    pub fn cell_count(&self) -> usize {
        self.cell_count
    }

    pub fn margins(&self) -> &[Vec<usize>] {
        &self.margins
    }

    pub fn units(&self) -> &[Unit<C>] {
        &self.units
    }
}
/// One number of the table: cells first, then margins, then the total.
#[derive(Debug)]
pub(super) struct Quantity {
    pub value: u64,
    pub distinct_cases: u64,
    /// 0 for a cell, 1 for a margin, 2 for the total: the tie-break when choosing what to hide.
    pub rank: u8,
}
/// Every number's value and distinct cases, in order: cells, margins, total.
pub(super) fn quantities<C: Ord>(table: &ExactTable<C>) -> Vec<Quantity> {
    let margins_of_cell = margins_of_cell(table);
    let count = table.cell_count + table.margins.len() + 1;
    let mut values = vec![0_u64; count];
    let mut cases: Vec<BTreeSet<&C>> = vec![BTreeSet::new(); count];
    let total = count - 1;
    for unit in &table.units {
        let mut counted_in = pattern(&unit.cells, &margins_of_cell);
        counted_in.push(total);
        for q in counted_in {
            if let (Some(value), Some(set)) = (values.get_mut(q), cases.get_mut(q)) {
                *value = value.saturating_add(unit.weight);
                set.insert(&unit.case);
            }
        }
    }
    values
        .into_iter()
        .zip(cases)
        .enumerate()
        .map(|(q, (value, cases))| Quantity {
            value,
            distinct_cases: u64::try_from(cases.len()).unwrap_or(u64::MAX),
            rank: if q < table.cell_count {
                0
            } else if q < total {
                1
            } else {
                2
            },
        })
        .collect()
}

/// For each cell, the margins (as quantity indices) that contain it.
pub(super) fn margins_of_cell<C>(table: &ExactTable<C>) -> BTreeMap<usize, Vec<usize>> {
    let mut map: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (m, cells) in table.margins.iter().enumerate() {
        for cell in cells {
            map.entry(*cell).or_default().push(table.cell_count + m);
        }
    }
    map
}
