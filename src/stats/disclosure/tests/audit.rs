//! Exact mode's interval audit: hand-made tables from issue 20, and a property test over
//! random tables of one, two and three dimensions (with and without a multi-valued one)
//! against the brute-force oracle.

use proptest::prelude::*;

use super::oracle::{Shape, consistent_values};
use crate::stats::disclosure::audit::{Grid, Quantity, protect};
use crate::stats::disclosure::suppression::{K, Published, Suppression};

const HIDDEN: Published = Published::Suppressed(Suppression::TooFewCases);
const HIDDEN_TOO: Published = Published::Suppressed(Suppression::Complementary);

fn q(value: u64) -> Quantity {
    Quantity {
        value,
        cases: value,
    }
}

fn single(cells: &[u64]) -> Grid {
    Grid {
        cells: cells.iter().copied().map(q).collect(),
        groups: (0..cells.len()).collect(),
        total: q(cells.iter().sum()),
    }
}

/// Issue 20's example: low 50, medium 1, high 1, total 52. Before, only non-empty cells
/// were listed, so two listed suppressed cells summing to 2 were 1 and 1. Now empty cells
/// are listed and suppressed too: each may be 0, 1 or 2, which the contract allows.
#[test]
fn two_suppressed_cells_summing_to_two_may_each_be_zero_one_or_two() {
    let release = protect(K::DEFAULT, &single(&[50, 1, 1]));
    assert_eq!(release.cells, [Published::Count(50), HIDDEN, HIDDEN]);
    assert_eq!(release.total, Published::Count(52));
}

/// Summing to 1, each is 0 or 1: too narrow, so the next smallest is hidden.
#[test]
fn two_suppressed_cells_summing_to_one_are_not_left_alone() {
    let release = protect(K::DEFAULT, &single(&[50, 1, 0]));
    assert_eq!(release.cells, [HIDDEN_TOO, HIDDEN, HIDDEN]);
}

#[test]
fn empty_cells_are_suppressed_and_do_not_pin_each_other_to_zero() {
    // Everything shown but the empty cells would pin them to 0: hide the smallest shown.
    let release = protect(K::DEFAULT, &single(&[9, 0, 7, 0]));
    assert_eq!(
        release.cells,
        [Published::Count(9), HIDDEN, HIDDEN_TOO, HIDDEN]
    );
}

#[test]
fn a_suppressed_total_leaves_nothing_to_reason_with() {
    let release = protect(K::DEFAULT, &single(&[1, 2, 0]));
    assert_eq!(release.cells, [HIDDEN, HIDDEN, HIDDEN]);
    assert_eq!(release.total, HIDDEN);
}

/// A random table: a shape and cases placed in it.
#[derive(Clone, Debug)]
struct Table {
    shape: Shape,
    grid: Grid,
}

fn table() -> impl Strategy<Value = Table> {
    // One, two or three dimensions; optionally one multi-valued, of 2 or 3 values.
    let dims = prop_oneof![
        proptest::collection::vec(1_usize..=5, 1),
        proptest::collection::vec(1_usize..=3, 2),
        proptest::collection::vec(1_usize..=2, 3),
    ];
    (dims, any::<bool>(), 2_usize..=3)
        .prop_flat_map(|(sizes, multi, width)| {
            let single: usize = sizes.iter().skip(usize::from(multi)).product();
            let (groups, width) = if multi {
                (single.min(2), width)
            } else {
                (single.min(6), 1)
            };
            let most = if multi { 7_usize } else { 10 };
            let case = (0..groups, 1_usize..(1 << width));
            (
                Just(groups),
                Just(width),
                proptest::collection::vec(case, 0..=most),
            )
        })
        .prop_map(|(groups, width, cases)| {
            let mut cells = vec![q(0); groups * width];
            for (group, mask) in &cases {
                for v in (0..width).filter(|v| mask & (1 << v) != 0) {
                    let cell = &mut cells[group * width + v];
                    cell.value += 1;
                    cell.cases += 1;
                }
            }
            let total = q(cases.len() as u64);
            Table {
                shape: Shape { groups, width },
                grid: Grid {
                    groups: (0..cells.len()).map(|c| c / width).collect(),
                    cells,
                    total,
                },
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_suppressed_cell_may_be_zero_or_two_other_values(table in table()) {
        let k = K::new(3).unwrap();
        let release = protect(k, &table.grid);
        // Small numbers are never shown, the rest exactly.
        for (cell, published) in table.grid.cells.iter().zip(&release.cells) {
            if cell.cases < 3 {
                prop_assert!(published.is_suppressed());
            } else if let Published::Count(count) = published {
                prop_assert_eq!(*count, cell.value);
            }
        }
        let Published::Count(total) = release.total else {
            prop_assert!(table.grid.total.cases < 3);
            return Ok(());
        };
        let values = consistent_values(&table.shape, &release.cells, total);
        for (cell, set) in values.iter().enumerate() {
            if let Some(set) = set {
                prop_assert!(set.contains(&table.grid.cells[cell].value), "the truth is consistent");
                prop_assert!(set.contains(&0), "cell {} cannot be 0: {:?} in {:?}", cell, set, release);
                prop_assert!(set.len() >= 3, "cell {} narrowed to {:?} in {:?}", cell, set, release);
            }
        }
    }
}
