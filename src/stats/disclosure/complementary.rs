//! Exact mode: true counts, with small-cell suppression plus complementary suppression, so
//! that no suppressed number can be derived exactly from what the same response publishes.
//!
//! # The rule
//!
//! 1. *Primary*: every number (cell, margin, total) with 1..k−1 distinct contributing cases.
//! 2. *Complementary*, repeated until nothing changes: for each suppressed number, ask whether
//!    it is a linear combination of the published ones, reasoning about the units (the
//!    `structure` module's atoms), not the cells. If it is, withhold the smallest number that
//!    combination uses
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

use std::collections::BTreeSet;

use super::structure::{Structure, Target, pattern};
use super::suppression::{K, Published, Suppression};
use super::table::{ExactTable, margins_of_cell, quantities};

/// What exact mode publishes: one entry per cell and per margin, in the table's order, and
/// the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExactRelease {
    pub cells: Vec<Published>,
    pub margins: Vec<Published>,
    pub total: Published,
}

/// Protect `table` for exact mode with threshold `k`.
pub fn protect<C: Ord + Clone>(k: K, table: &ExactTable<C>) -> ExactRelease {
    let quantities = quantities(table);
    let margins_of_cell = margins_of_cell(table);
    let structure = Structure::new(
        table.cell_count() + table.margins().len(),
        table
            .units()
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
        cells: published.by_ref().take(table.cell_count()).collect(),
        margins: published.by_ref().take(table.margins().len()).collect(),
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
