//! An independent check of exact mode's output, written without the production structure or
//! linear algebra: build the linear system of everything the release publishes and ask, for
//! every suppressed number, whether its value is uniquely determined by it.
//!
//! Unknowns: the atoms (sets of units counted in exactly the same cells and margins). Each
//! number is the sum of the atoms it contains; a suppressed number is determined exactly when
//! its 0/1 row lies in the row space of the published rows, i.e. when adding it does not raise
//! the rank. Ranks are computed by fraction-free elimination over the integers (exact, like
//! elimination over the rationals, since only ranks are needed).

use std::collections::BTreeSet;

use crate::stats::disclosure::complementary::ExactRelease;
use crate::stats::disclosure::suppression::Published;
use crate::stats::disclosure::table::ExactTable;

/// Every number of the table as a 0/1 row over its atoms: cells, margins, then the total.
pub fn rows<C: Ord + Clone>(table: &ExactTable<C>) -> Vec<Vec<i128>> {
    let cell_count = table.cell_count();
    let margins = table.margins();
    let patterns: BTreeSet<Vec<bool>> = table
        .units()
        .iter()
        .map(|unit| {
            let mut pattern: Vec<bool> = (0..cell_count).map(|c| unit.cells.contains(&c)).collect();
            pattern.extend(
                margins
                    .iter()
                    .map(|m| m.iter().any(|c| unit.cells.contains(c))),
            );
            pattern
        })
        .collect();
    let atoms: Vec<Vec<bool>> = patterns.into_iter().collect();
    let mut rows: Vec<Vec<i128>> = (0..cell_count + margins.len())
        .map(|q| atoms.iter().map(|atom| i128::from(atom[q])).collect())
        .collect();
    rows.push(vec![1; atoms.len()]);
    rows
}

/// The release in the same order as [`rows`].
pub fn in_order(release: &ExactRelease) -> Vec<Published> {
    let mut all = release.cells.clone();
    all.extend(release.margins.iter().copied());
    all.push(release.total);
    all
}

/// The indices of suppressed numbers whose value the published ones determine.
pub fn derivable(rows: &[Vec<i128>], published: &[Published]) -> Vec<usize> {
    let shown: Vec<Vec<i128>> = rows
        .iter()
        .zip(published)
        .filter(|(_, p)| !p.is_suppressed())
        .map(|(row, _)| row.clone())
        .collect();
    let base = rank(&shown);
    rows.iter()
        .zip(published)
        .enumerate()
        .filter(|(_, (_, p))| p.is_suppressed())
        .filter(|(_, (row, _))| {
            let mut with = shown.clone();
            with.push((*row).clone());
            rank(&with) == base
        })
        .map(|(index, _)| index)
        .collect()
}

/// The rank of an integer matrix.
pub fn rank(rows: &[Vec<i128>]) -> usize {
    let mut rows: Vec<Vec<i128>> = rows.to_vec();
    let width = rows.first().map_or(0, Vec::len);
    let mut rank = 0;
    for column in 0..width {
        let Some(found) = (rank..rows.len()).find(|&r| rows[r][column] != 0) else {
            continue;
        };
        rows.swap(rank, found);
        let pivot_row = rows[rank].clone();
        let pivot = pivot_row[column];
        for (r, row) in rows.iter_mut().enumerate() {
            let factor = row[column];
            if r == rank || factor == 0 {
                continue;
            }
            for (value, pivot_value) in row.iter_mut().zip(&pivot_row) {
                *value = *value * pivot - pivot_value * factor;
            }
            let divisor = row.iter().fold(0, |g, v| gcd(g, v.abs()));
            if divisor > 1 {
                row.iter_mut().for_each(|v| *v /= divisor);
            }
        }
        rank += 1;
    }
    rank
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[test]
fn rank_of_small_matrices() {
    assert_eq!(rank(&[]), 0);
    assert_eq!(rank(&[vec![0, 0]]), 0);
    assert_eq!(rank(&[vec![1, 1], vec![2, 2]]), 1);
    assert_eq!(rank(&[vec![1, 1, 0], vec![0, 1, 1], vec![1, 0, -1]]), 2);
    assert_eq!(rank(&[vec![1, 1, 0], vec![0, 1, 1], vec![1, 0, 1]]), 3);
}
