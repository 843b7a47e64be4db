//! Exact mode: true counts with primary suppression and then an *interval audit*, so that no
//! suppressed cell can be narrowed down from what the same response publishes, by a reader
//! who knows that counts are whole and never negative (API.md, "Statistics").
//!
//! # The reader's model
//!
//! The unknowns are the numbers of cases (or events, or nights) of every possible kind; the
//! reader does not know which kinds occur. A table of up to three dimensions has at most one
//! multi-valued dimension (violence types: a case counts once under each of its forms, and
//! has at least one). Cells that agree in every single-valued dimension form a *group*; with
//! only single-valued dimensions every cell is its own group. A case lies in exactly one
//! group, so the table's total is the sum of the groups' unit counts `n_G`, and within a group
//!
//! ```text
//! max over G's cells x_c  ≤  n_G  ≤  Σ over G's cells x_c
//! ```
//!
//! and every integer in that range can be realised (spread the cases over the forms). So a
//! choice of cell values is consistent with a published total `T` exactly when
//! `Σ_G lo_G ≤ T ≤ Σ_G hi_G`, where each group's range is taken over the values its
//! suppressed cells may still take: a suppressed cell other than the one examined may be
//! anything from 0 up, so a group with one has `hi_G = ∞`; the examined cell `s` is fixed
//! to the value `v` being tested.
//!
//! For a suppressed cell `s`, `lo_G(v)` and `hi_G(v)` never decrease as `v` grows, so the
//! consistent values of `s` form an interval `[a, b]`: testing `v = 0` and `v = 2` tells
//! whether it holds 0 and at least two other values. With only single-valued dimensions
//! this is the familiar rule: the suppressed cells sum to `R = T − Σ published`, each can be
//! anything in `0..=R` when there are two or more of them, and is pinned to `R` when alone —
//! so there must be at least two, and `R ≥ 2`.
//!
//! # The rule
//!
//! 1. *Primary*: every cell (and the total) to which 0..k−1 distinct cases contribute.
//! 2. If the total is suppressed the reader has no equation: done.
//! 3. Otherwise, while some suppressed cell's consistent values miss 0 or have fewer than
//!    two others, withhold the smallest published cell (by value, then position). Hiding a
//!    number only removes an equation, so the loop ends; it ends with every cell suppressed
//!    at worst, where each cell may be anything in `0..=T` and `T ≥ k ≥ 3`.
//!
//! Exact counts cannot be protected against differencing across queries; that is what
//! perturbation is for, and why exact mode is for supervisors only.

use super::suppression::{K, Published, Suppression};

/// One number of a table before protection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quantity {
    /// What it counts (units, or nights).
    pub value: u64,
    /// The distinct cases behind it.
    pub cases: u64,
}

/// An exact table as the audit sees it: its cells, each cell's group, and its total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    pub cells: Vec<Quantity>,
    /// The group of each cell (see the module docs); the same length as `cells`.
    pub groups: Vec<usize>,
    pub total: Quantity,
}

/// What exact mode publishes: one entry per cell, and the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub cells: Vec<Published>,
    pub total: Published,
}

/// Protect `grid` with threshold `k`.
pub fn protect(k: K, grid: &Grid) -> Release {
    let mut hidden: Vec<Option<Suppression>> = grid
        .cells
        .iter()
        .map(|cell| k.suppresses(cell.cases).then_some(Suppression::TooFewCases))
        .collect();
    let total_hidden = k.suppresses(grid.total.cases);
    if !total_hidden {
        while let Some(_narrow) = narrowed(grid, &hidden) {
            let smallest = (0..grid.cells.len())
                .filter(|c| hidden.get(*c).is_some_and(Option::is_none))
                .min_by_key(|c| (grid.cells.get(*c).map_or(0, |q| q.value), *c));
            match smallest.and_then(|c| hidden.get_mut(c)) {
                Some(slot) => *slot = Some(Suppression::Complementary),
                None => break,
            }
        }
    }
    let publish = |quantity: &Quantity, state: &Option<Suppression>| match state {
        Some(why) => Published::Suppressed(*why),
        None => Published::Count(quantity.value),
    };
    Release {
        cells: grid
            .cells
            .iter()
            .zip(&hidden)
            .map(|(q, s)| publish(q, s))
            .collect(),
        total: if total_hidden {
            Published::Suppressed(Suppression::TooFewCases)
        } else {
            Published::Count(grid.total.value)
        },
    }
}

/// The first suppressed cell whose consistent values (given the published cells and the
/// total) miss 0 or hold fewer than two others.
pub fn narrowed(grid: &Grid, hidden: &[Option<Suppression>]) -> Option<usize> {
    let summary = Summary::new(grid, hidden);
    (0..grid.cells.len())
        .filter(|c| hidden.get(*c).is_some_and(Option::is_some))
        .find(|s| !(summary.consistent(grid, *s, 0) && summary.consistent(grid, *s, 2)))
}

/// Each group's published maximum and sum and its number of suppressed cells, and the
/// bounds on the total they give when no suppressed cell is fixed.
struct Summary {
    max: Vec<u128>,
    sum: Vec<u128>,
    hidden: Vec<usize>,
    /// Σ of the groups' published maxima.
    lo: u128,
    /// Σ of the published sums of the groups without a suppressed cell.
    hi_finite: u128,
    /// Groups with a suppressed cell: their upper bound is unbounded.
    unbounded: usize,
}

impl Summary {
    fn new(grid: &Grid, hidden: &[Option<Suppression>]) -> Self {
        let groups = grid.groups.iter().copied().max().map_or(0, |g| g + 1);
        let mut summary = Self {
            max: vec![0; groups],
            sum: vec![0; groups],
            hidden: vec![0; groups],
            lo: 0,
            hi_finite: 0,
            unbounded: 0,
        };
        for (c, (cell, group)) in grid.cells.iter().zip(&grid.groups).enumerate() {
            if hidden.get(c).is_some_and(Option::is_some) {
                if let Some(count) = summary.hidden.get_mut(*group) {
                    *count += 1;
                }
            } else if let (Some(max), Some(sum)) =
                (summary.max.get_mut(*group), summary.sum.get_mut(*group))
            {
                *max = (*max).max(u128::from(cell.value));
                *sum += u128::from(cell.value);
            }
        }
        for group in 0..groups {
            summary.lo += summary.max.get(group).copied().unwrap_or(0);
            if summary.hidden.get(group).copied().unwrap_or(0) > 0 {
                summary.unbounded += 1;
            } else {
                summary.hi_finite += summary.sum.get(group).copied().unwrap_or(0);
            }
        }
        summary
    }

    /// Whether suppressed cell `s` may be `v`: its group's bounds recomputed with `s` fixed.
    fn consistent(&self, grid: &Grid, s: usize, v: u64) -> bool {
        let Some(group) = grid.groups.get(s).copied() else {
            return false;
        };
        let v = u128::from(v);
        let max = self.max.get(group).copied().unwrap_or(0);
        let sum = self.sum.get(group).copied().unwrap_or(0);
        let others = self
            .hidden
            .get(group)
            .copied()
            .unwrap_or(0)
            .saturating_sub(1);
        let lo = self.lo - max + max.max(v);
        // The group holds s, so it was counted as unbounded; count it again as it is now.
        let mut unbounded = self.unbounded.saturating_sub(1);
        let mut hi = self.hi_finite;
        if others > 0 {
            unbounded += 1;
        } else {
            hi += sum + v;
        }
        let total = u128::from(grid.total.value);
        lo <= total && (unbounded > 0 || total <= hi)
    }
}
