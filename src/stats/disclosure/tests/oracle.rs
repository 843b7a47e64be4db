//! A brute-force check of exact mode's interval audit, written without the audit's bounds:
//! enumerate every way of spreading the table's total over the kinds of case the reader
//! cannot rule out, keep those that reproduce every published cell, and collect the values
//! each suppressed cell takes in them.
//!
//! A kind of case is a group (its values in the single-valued dimensions) and, when one
//! dimension is multi-valued, a non-empty set of that dimension's values (a case has at
//! least one form of violence). Only small tables: the enumeration is exponential.

use std::collections::BTreeSet;

use crate::stats::disclosure::suppression::Published;

/// A table as the oracle sees it: cell `c` is value `c % width` of the multi-valued
/// dimension (width 1 when there is none) in group `c / width`.
#[derive(Clone, Debug)]
pub struct Shape {
    pub groups: usize,
    pub width: usize,
}

impl Shape {
    /// The cells a kind of case counts in.
    fn kinds(&self) -> Vec<Vec<usize>> {
        let mut kinds = Vec::new();
        for group in 0..self.groups {
            for mask in 1_usize..(1 << self.width) {
                kinds.push(
                    (0..self.width)
                        .filter(|v| mask & (1 << v) != 0)
                        .map(|v| group * self.width + v)
                        .collect(),
                );
            }
        }
        kinds
    }
}

/// For each cell, the set of values it takes over every spread of `total` cases consistent
/// with `published` (`None` for a published cell).
pub fn consistent_values(
    shape: &Shape,
    published: &[Published],
    total: u64,
) -> Vec<Option<BTreeSet<u64>>> {
    let kinds = shape.kinds();
    let cells = shape.groups * shape.width;
    let mut seen: Vec<Option<BTreeSet<u64>>> = published
        .iter()
        .map(|p| p.is_suppressed().then(BTreeSet::new))
        .collect();
    let mut values = vec![0_u64; cells];
    spread(&kinds, 0, total, &mut values, published, &mut seen);
    seen
}

fn spread(
    kinds: &[Vec<usize>],
    kind: usize,
    left: u64,
    values: &mut [u64],
    published: &[Published],
    seen: &mut [Option<BTreeSet<u64>>],
) {
    // Prune: a published cell already above its value can only grow.
    for (value, p) in values.iter().zip(published) {
        if let Published::Count(count) = p {
            if value > count {
                return;
            }
        }
    }
    if kind + 1 == kinds.len() || kinds.is_empty() {
        if let Some(cells) = kinds.get(kind) {
            for c in cells {
                values[*c] += left;
            }
        } else if left > 0 {
            return;
        }
        let matches = values
            .iter()
            .zip(published)
            .all(|(value, p)| p.count().is_none_or(|count| count == *value));
        if matches {
            for (value, set) in values.iter().zip(seen.iter_mut()) {
                if let Some(set) = set {
                    set.insert(*value);
                }
            }
        }
        if let Some(cells) = kinds.get(kind) {
            for c in cells {
                values[*c] -= left;
            }
        }
        return;
    }
    for n in 0..=left {
        for c in &kinds[kind] {
            values[*c] += n;
        }
        spread(kinds, kind + 1, left - n, values, published, seen);
        for c in &kinds[kind] {
            values[*c] -= n;
        }
    }
}
