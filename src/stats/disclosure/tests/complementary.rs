//! Exact mode's complementary suppression on hand-made tables; every result is also checked
//! against the oracle.

use std::collections::BTreeSet;

use super::oracle;
use crate::stats::disclosure::complementary::{ExactRelease, protect};
use crate::stats::disclosure::suppression::{K, Published, Suppression};
use crate::stats::disclosure::table::{ExactTable, TableError, Unit};

const HIDDEN: Published = Published::Suppressed(Suppression::TooFewCases);
const HIDDEN_TOO: Published = Published::Suppressed(Suppression::Complementary);

fn count(n: u64) -> Published {
    Published::Count(n)
}

/// Protect with k = 5 and check the oracle agrees nothing hidden can be derived.
fn protected(table: &ExactTable<u32>) -> ExactRelease {
    let release = protect(K::DEFAULT, table);
    let rows = oracle::rows(table);
    assert_eq!(
        oracle::derivable(&rows, &oracle::in_order(&release)),
        Vec::<usize>::new()
    );
    release
}

/// `n` cases, numbered from `first`, each counted once in `cells`.
fn cases(first: u32, n: u32, cells: &[usize]) -> Vec<Unit<u32>> {
    (first..first + n)
        .map(|case| Unit {
            case,
            weight: 1,
            cells: cells.to_vec(),
        })
        .collect()
}

#[test]
fn a_table_without_dimensions_is_only_its_total() {
    for (n, expected) in [(0, count(0)), (3, HIDDEN), (7, count(7))] {
        let table = ExactTable::new(0, Vec::new(), cases(0, n, &[])).unwrap();
        assert_eq!(protected(&table).total, expected);
    }
}

#[test]
fn a_table_with_nothing_small_is_published_whole() {
    let units = [cases(0, 5, &[0]), cases(5, 9, &[2])].concat();
    let release = protected(&ExactTable::new(3, Vec::new(), units).unwrap());
    assert_eq!(release.cells, [count(5), count(0), count(9)]);
    assert_eq!(release.total, count(14));
}

#[test]
fn two_small_cells_protect_each_other() {
    let units = [cases(0, 2, &[0]), cases(2, 3, &[1]), cases(5, 20, &[2])].concat();
    let release = protected(&ExactTable::new(3, Vec::new(), units).unwrap());
    assert_eq!(release.cells, [HIDDEN, HIDDEN, count(20)]);
    assert_eq!(release.total, count(25));
}

#[test]
fn event_cells_add_up_even_when_a_case_has_events_in_several_of_them() {
    // Support events by type: cases 0–5 each had one counselling (cell 0) and one legal
    // (cell 1) event; cases 6–7 one medical (cell 2). By cases, every case of cells 0 and 1
    // is in both; by events, each event is in one cell, so medical = total − 6 − 6.
    let events = [
        cases(0, 6, &[0]),
        cases(0, 6, &[1]),
        cases(6, 2, &[2]),
        cases(8, 9, &[3]),
    ]
    .concat();
    let release = protected(&ExactTable::new(4, Vec::new(), events).unwrap());
    assert_eq!(release.cells, [HIDDEN_TOO, count(6), HIDDEN, count(9)]);
    assert_eq!(release.total, count(23));
}

#[test]
fn shelter_nights_are_protected_by_cases_and_complemented_by_nights() {
    // Cell 0: 3 women, 40 nights (primary). Cell 1: 6 women, 12 nights. Cell 2: 5 women, 90.
    let mut units = Vec::new();
    for (cell, women, nights) in [(0, 3, 40), (1, 6, 12), (2, 5, 90)] {
        let first = 100 * cell as u32;
        for case in first..first + women {
            let weight = nights / u64::from(women);
            units.push(Unit {
                case,
                weight,
                cells: vec![cell],
            });
        }
    }
    let release = protected(&ExactTable::new(3, Vec::new(), units).unwrap());
    // The smallest other cell by nights, not by cases.
    assert_eq!(release.cells, [HIDDEN, HIDDEN_TOO, count(90)]);
}

#[test]
fn cells_with_the_same_cases_give_each_other_away() {
    // Cells 0 and 1 (two violence types every one of these six cases has) hold the same
    // cases, so hiding one means hiding both; cell 2 has 3 cases; cell 3 has 10.
    let units = [cases(0, 6, &[0, 1]), cases(6, 3, &[2]), cases(9, 10, &[3])].concat();
    let release = protected(&ExactTable::new(4, Vec::new(), units).unwrap());
    assert_eq!(release.cells, [HIDDEN_TOO, HIDDEN_TOO, HIDDEN, count(10)]);
    assert_eq!(release.total, count(19));
}

#[test]
fn a_two_way_table_with_margins_hides_a_rectangle() {
    // Rows × columns, with row and column sums published:
    //   3 10 | 13
    //   8 12 | 20
    //  11 22 | 33
    let mut units = Vec::new();
    let mut next = 0;
    for (cell, n) in [(0, 3), (1, 10), (2, 8), (3, 12)] {
        units.extend(cases(next, n, &[cell]));
        next += n;
    }
    let margins = vec![vec![0, 1], vec![2, 3], vec![0, 2], vec![1, 3]];
    let release = protected(&ExactTable::new(4, margins, units).unwrap());
    assert_eq!(release.cells, [HIDDEN, HIDDEN_TOO, HIDDEN_TOO, HIDDEN_TOO]);
    assert_eq!(
        release.margins,
        [count(13), count(20), count(11), count(22)]
    );
    assert_eq!(release.total, count(33));
}

#[test]
fn a_lone_small_cell_among_overlapping_cells_needs_no_partner() {
    // Cases 0–7 physical, 4–11 psychological, 12–14 economic (see the worked example).
    let units = [
        cases(0, 4, &[0]),
        cases(4, 4, &[0, 1]),
        cases(8, 4, &[1]),
        cases(12, 3, &[2]),
    ]
    .concat();
    let release = protected(&ExactTable::new(3, Vec::new(), units).unwrap());
    assert_eq!(release.cells, [count(8), count(8), HIDDEN]);
    assert_eq!(release.total, count(15));
}

#[test]
fn inconsistent_tables_are_refused() {
    let outside = ExactTable::new(2, Vec::new(), cases(0, 1, &[2]));
    assert_eq!(
        outside.unwrap_err(),
        TableError::CellOutOfRange {
            cell: 2,
            cell_count: 2
        }
    );
    let margin = ExactTable::<u32>::new(2, vec![vec![0, 5]], Vec::new());
    assert!(matches!(
        margin,
        Err(TableError::CellOutOfRange { cell: 5, .. })
    ));
    let cells = [BTreeSet::from([1_u32, 2]), BTreeSet::from([3])];
    let total = BTreeSet::from([1, 2]);
    assert_eq!(
        ExactTable::from_case_sets(&cells, &total).unwrap_err(),
        TableError::CaseOutsideTotal { cell: 1 }
    );
}
