//! Exact mode: true counts, with small-cell suppression plus complementary suppression, so
//! that no suppressed number can be derived exactly from what the same response publishes.
//!
//! # The rule
//!
//! 1. *Primary*: every number (cell, margin, total) with 1..k−1 distinct contributing cases.
//! 2. *Complementary*, repeated until nothing changes: for each suppressed number, ask whether
//!    it is a linear combination of the published ones (over the atoms of
//!    the `structure` module). If it is, withhold the smallest number that combination uses
//!    (by value; a cell before a margin before the total on ties), and ask again.
//!
//! In a table whose dimensions are single-valued this is the classic rule: a group whose sum
//! is published (the whole table with its total, or a row with its margin) that has exactly
//! one suppressed cell gets a second — the smallest other non-zero cell, which is never larger
//! than the total. With a multi-valued dimension the cells need not add up to the total, and
//! the test says so: a lone suppressed cell is safe when overlapping cases leave the rest of
//! the table's contribution to the total unknown.
//!
//! The total is kept out of the per-component systems by one identity. Published are some
//! numbers in each component and maybe the total `t = Σ_D 1_D` (1_D: the sum of component
//! D's atoms). A number `q` of component C is derivable exactly when either
//! `q ∈ span(published in C)`, or the total is published, `1_D ∈ span(published in D)` for
//! every other D, and `q ∈ span(published in C, 1_C)`. The total is derivable exactly when
//! `1_D ∈ span(published in D)` for every D.
//!
//! Only exact (linear) derivation is prevented. A reader who also uses that counts are
//! non-negative integers may narrow a suppressed value to a range (two suppressed cells
//! known to sum to 2 are 1 and 1); nor can exact counts be protected across queries — that
//! is what perturbation is for, and why exact mode is for supervisors only.

use std::collections::{BTreeMap, BTreeSet};

use super::structure::{Structure, Target, pattern};
use super::suppression::{K, Published, Suppression};

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

/// What exact mode publishes: one entry per cell and per margin, in the table's order, and
/// the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExactRelease {
    pub cells: Vec<Published>,
    pub margins: Vec<Published>,
    pub total: Published,
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
struct Quantity {
    value: u64,
    distinct_cases: u64,
    /// 0 for a cell, 1 for a margin, 2 for the total: the tie-break when choosing what to hide.
    rank: u8,
}

/// Protect `table` for exact mode with threshold `k`.
pub fn protect<C: Ord + Clone>(k: K, table: &ExactTable<C>) -> ExactRelease {
    let quantities = quantities(table);
    let margins_of_cell = margins_of_cell(table);
    let structure = Structure::new(
        table.cell_count + table.margins.len(),
        table
            .units
            .iter()
            .map(|unit| pattern(&unit.cells, &margins_of_cell)),
    );
    let primary = quantities
        .iter()
        .map(|q| {
            k.suppresses(q.distinct_cases)
                .then_some(Suppression::TooFewCases)
        })
        .collect();
    let mut protection = Protection::new(&structure, primary);

    loop {
        let mut changed = false;
        for suppressed in 0..quantities.len() {
            if protection.is_published(suppressed) {
                continue;
            }
            let Some(used) = protection.derivation(suppressed) else {
                continue;
            };
            let smallest = used
                .into_iter()
                .filter_map(|q| quantities.get(q).map(|quantity| (quantity, q)))
                .min_by_key(|(quantity, q)| (quantity.value, quantity.rank, *q));
            if let Some((_, hide)) = smallest {
                protection.hide(hide);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    let mut published =
        quantities
            .iter()
            .zip(&protection.state)
            .map(|(quantity, state)| match state {
                Some(why) => Published::Suppressed(*why),
                None => Published::Count(quantity.value),
            });
    ExactRelease {
        cells: published.by_ref().take(table.cell_count).collect(),
        margins: published.by_ref().take(table.margins.len()).collect(),
        total: published.next().unwrap_or(Published::Count(0)),
    }
}

/// The suppression state of every number, and what each component's share of the total can
/// currently be derived from.
struct Protection<'a> {
    structure: &'a Structure,
    /// Cells, margins, then the total: `Some` when suppressed.
    state: Vec<Option<Suppression>>,
    /// The index of the total in `state`.
    total: usize,
    /// Per component: the published numbers its share of the total is derived from, or
    /// `None` while it cannot be.
    shares: Vec<Option<BTreeSet<usize>>>,
}

impl<'a> Protection<'a> {
    fn new(structure: &'a Structure, state: Vec<Option<Suppression>>) -> Self {
        let total = state.len().saturating_sub(1);
        let mut protection = Self {
            structure,
            state,
            total,
            shares: Vec::new(),
        };
        protection.shares = (0..structure.components().len())
            .map(|component| protection.share(component))
            .collect();
        protection
    }

    fn is_published(&self, quantity: usize) -> bool {
        self.state.get(quantity).is_some_and(Option::is_none)
    }

    fn hide(&mut self, quantity: usize) {
        if let Some(slot) = self.state.get_mut(quantity) {
            *slot = Some(Suppression::Complementary);
        }
        if let Some(component) = self.structure.component_of(quantity) {
            let share = self.share(component);
            if let Some(slot) = self.shares.get_mut(component) {
                *slot = share;
            }
        }
    }

    fn published_in(&self, component: usize) -> Vec<usize> {
        self.structure
            .components()
            .get(component)
            .map(|c| {
                let published = c.quantities.iter().copied();
                published.filter(|q| self.is_published(*q)).collect()
            })
            .unwrap_or_default()
    }

    fn share(&self, component: usize) -> Option<BTreeSet<usize>> {
        let published = self.published_in(component);
        self.structure
            .derive(component, &published, None, Target::Share)
    }

    /// The published numbers one derivation of `target` uses, or `None` if it has none.
    fn derivation(&self, target: usize) -> Option<BTreeSet<usize>> {
        if target == self.total {
            let mut used = BTreeSet::new();
            for share in &self.shares {
                used.extend(share.as_ref()?);
            }
            return Some(used);
        }

        let component = self.structure.component_of(target)?;
        let published = self.published_in(component);
        let within = Target::Quantity(target);
        let alone = self.structure.derive(component, &published, None, within);
        if alone.is_some() || !self.is_published(self.total) {
            return alone;
        }
        let others = self
            .shares
            .iter()
            .enumerate()
            .filter(|(c, _)| *c != component);
        let mut used = BTreeSet::from([self.total]);
        for (_, share) in others {
            used.extend(share.as_ref()?);
        }
        let with_total = Some(self.total);
        used.extend(
            self.structure
                .derive(component, &published, with_total, within)?,
        );
        Some(used)
    }
}

/// Every number's value and distinct cases, in order: cells, margins, total.
fn quantities<C: Ord>(table: &ExactTable<C>) -> Vec<Quantity> {
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
fn margins_of_cell<C>(table: &ExactTable<C>) -> BTreeMap<usize, Vec<usize>> {
    let mut map: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (m, cells) in table.margins.iter().enumerate() {
        for cell in cells {
            map.entry(*cell).or_default().push(table.cell_count + m);
        }
    }
    map
}
